"""The transactional outbox: events are rows written in the business transaction.

A crash after commit loses nothing (the relay publishes the row later); the trace context
current at write time is stored with the row, so the publish and every consumer continue
the trace of the call that caused the event.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from google.protobuf.message import Message
from opentelemetry import propagate
from sqlalchemy import Index, Integer, String, Text, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_shared.db import RuntimeBase, UtcDateTime, utcnow
from crm_shared.events import wire


class OutboxStatus:
    PENDING = "pending"
    PUBLISHED = "published"
    UNROUTED = "unrouted"  # confirmed by the broker but no queue was bound: nobody subscribes


class OutboxMessage(RuntimeBase):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    exchange: Mapped[str] = mapped_column(String(100))
    routing_key: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(200))
    partition_key: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    trace_headers: Mapped[str] = mapped_column(Text, default="{}")
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def add_to_outbox(session: Session, message: Message, *, partition_key: str | None = None) -> str:
    descriptor = message.DESCRIPTOR
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    now = utcnow()
    row = OutboxMessage(
        event_id=str(uuid.uuid4()),
        exchange=wire.exchange_name(wire.source_service(descriptor)),
        routing_key=wire.event_name(descriptor),
        event_type=descriptor.full_name,
        partition_key=partition_key,
        payload=wire.encode(message),
        trace_headers=json.dumps(carrier),
        occurred_at=now,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    return row.event_id


def prune_outbox(session: Session, *, older_than: datetime) -> int:
    """Delete rows that were sent (or found no subscriber) before ``older_than``."""
    return session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_((OutboxStatus.PUBLISHED, OutboxStatus.UNROUTED)),
            OutboxMessage.published_at < older_than,
        )
    ).rowcount
