"""The notification service's tables."""

from __future__ import annotations

from datetime import datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
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
    priority: Mapped[int] = mapped_column(Integer, default=0)
    action_url: Mapped[str] = mapped_column(String(300), default="")
    source_service: Mapped[str] = mapped_column(String(50), default="")
    source_event_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(10), default="")
    data_json: Mapped[str] = mapped_column(Text, default="{}")


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
    is_department_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    roles: Mapped[str] = mapped_column(String(500), default="")
    """Comma-separated role names, for ROLE recipient selectors."""
    phone: Mapped[str | None] = mapped_column(String(32))
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    """The identity revision held: an older upsert arriving late is ignored."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class Department(Base):
    """A department and its lead (from ``identity.department_upserted``)."""

    __tablename__ = "departments"

    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_user_id: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class NotificationRule(Base):
    """Which event tells whom, with which template: data, edited over the api.

    The condition, selectors and channels are stored as the proto3 JSON of their messages,
    so a rule reads back exactly as it was written."""

    __tablename__ = "notification_rules"
    __table_args__ = (Index("ix_notification_rules_event_name", "event_name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    event_name: Mapped[str] = mapped_column(String(100))
    condition_json: Mapped[str] = mapped_column(Text, default="{}")
    recipients_json: Mapped[str] = mapped_column(Text, default="[]")
    category: Mapped[str] = mapped_column(String(100))
    template_key: Mapped[str] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    channels_json: Mapped[str] = mapped_column(Text, default="[]")
    subject_type: Mapped[str] = mapped_column(String(50), default="")
    subject_id_path: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class MessageTemplate(Base):
    """A stored template; it overrides the built-in one of the same key and language."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("key", "channel", "locale"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    channel: Mapped[int] = mapped_column(Integer, default=0)
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Preferences(Base):
    """A user's notification preferences; a user without a row has the defaults."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    default_channels_json: Mapped[str] = mapped_column(Text, default="[]")
    categories_json: Mapped[str] = mapped_column(Text, default="[]")
    quiet_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_starts_at: Mapped[str] = mapped_column(String(5), default="")
    quiet_ends_at: Mapped[str] = mapped_column(String(5), default="")
    quiet_include_weekends: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_allow_urgent: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    webhook_url: Mapped[str] = mapped_column(String(500), default="")
    webhook_secret: Mapped[str] = mapped_column(String(200), default="")
    webhook_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class Delivery(Base):
    """One notification or message over one channel to one recipient.

    The unique (idempotency_key, channel) makes a second delivery of the same event to the
    same recipient over the same channel impossible, whatever the redeliveries."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("idempotency_key", "channel"),
        Index("ix_deliveries_status_next_attempt_time", "status", "next_attempt_time"),
        Index("ix_deliveries_recipient_create_time", "recipient_id", "create_time", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(36), default="")
    idempotency_key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[str] = mapped_column(String(64), default="")
    customer_id: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    """E-mail address or webhook URL, resolved when the delivery was planned."""
    category: Mapped[str] = mapped_column(String(100), default="")
    template_key: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(10), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
    """What a webhook receives (the message and its facts)."""
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[int] = mapped_column(Integer)
    suppress_reason: Mapped[str] = mapped_column(String(50), default="")
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    source_service: Mapped[str] = mapped_column(String(50), default="")
    source_event_id: Mapped[str] = mapped_column(String(36), default="")
    source_ref: Mapped[str] = mapped_column(String(200), default="")
    expire_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deliver_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class DeliveryAttempt(Base):
    """One attempt of one delivery, kept so its history is visible."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(String(36))
    number: Mapped[int] = mapped_column(Integer)
    attempt_time: Mapped[datetime] = mapped_column(UtcDateTime)
    success: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(Text, default="")
    response_code: Mapped[str] = mapped_column(String(20), default="")


class DeadLetterResolution(Base):
    """A dead letter someone replayed or discarded, kept for audit (the parked ones live in
    the worker's dead-letter queue)."""

    __tablename__ = "dead_letter_resolutions"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    queue: Mapped[str] = mapped_column(String(255), default="")
    routing_key: Mapped[str] = mapped_column(String(100), default="")
    event_type: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[int] = mapped_column(Integer)
    resolve_time: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    discard_reason: Mapped[str] = mapped_column(String(500), default="")
