"""Processed-event ledger: what makes a consumer idempotent.

The row is inserted in the same transaction as the handler's effects, so an event is either
fully handled and recorded, or neither; a redelivery finds the row and does nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_shared.db import RuntimeBase, UtcDateTime, utcnow


class ProcessedEvent(RuntimeBase):
    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)


def already_processed(session: Session, consumer: str, event_id: str) -> bool:
    return (
        session.execute(
            select(ProcessedEvent.event_id).where(
                ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event_id
            )
        ).first()
        is not None
    )


def mark_processed(session: Session, consumer: str, event_id: str, event_type: str) -> None:
    session.add(
        ProcessedEvent(
            consumer=consumer, event_id=event_id, event_type=event_type, processed_at=utcnow()
        )
    )
    session.flush()


def prune_ledger(session: Session, *, older_than: datetime) -> int:
    """Forget processed events recorded before ``older_than`` (redeliveries come within
    minutes or hours; the retention is days)."""
    return session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.processed_at < older_than)
    ).rowcount
