"""The notification service's tables."""

from __future__ import annotations

from datetime import datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InboxEntry(Base):
    """One in-app notification for one recipient."""

    __tablename__ = "inbox_entries"
    __table_args__ = (
        # Exactly one notification per event and recipient, whatever the redeliveries: the
        # processed-event ledger makes the handler idempotent, this makes it impossible.
        UniqueConstraint("source_event_id", "recipient_id", "category"),
        Index("ix_inbox_entries_recipient_create_time", "recipient_id", "create_time", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str] = mapped_column(String(64))
    source_event_id: Mapped[str] = mapped_column(String(36))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    read_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Recipient(Base):
    """What this service knows of a person it may notify (from identity events)."""

    __tablename__ = "recipients"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    department_path: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    """The identity revision held: an older upsert arriving late is ignored."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
