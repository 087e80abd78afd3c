"""The marketing service's tables.

First the read model of the customer facts marketing needs, kept current from customer and
sales events (marketing never reads another service's database and never asks the customer
service once per customer); then one section per part of the service (segments; campaigns and
attribution; triggers, surveys and improvement items).
"""

from __future__ import annotations

from datetime import date, datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import JSON, Boolean, Date, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


PERSONAL = {"personal": True}
"""Column ``info`` of columns holding a customer's personal data: erasure blanks exactly these and
the personal-data export lists them; every table about a customer has a ``customer_id`` column,
which a merge re-points to the surviving customer."""


class CustomerProfile(Base):
    """What marketing knows of one customer, from events. Value classes are stored as their
    letter (``A``), lifecycle stages by their short lower-case name (``potential``); unknown
    facts are NULL."""

    __tablename__ = "customer_profiles"
    __table_args__ = (
        Index("ix_customer_profiles_owner_id", "owner_id"),
        Index("ix_customer_profiles_department_path", "department_path"),
        Index("ix_customer_profiles_birth_month_day", "birth_month_day"),
        Index("ix_customer_profiles_contract_end_date", "contract_end_date"),
    )

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    """``active``, ``merged`` (into ``merged_into_id``) or ``erased``."""
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    customer_type: Mapped[str] = mapped_column(String(20))
    """``enterprise`` or ``individual``."""
    display_name: Mapped[str] = mapped_column(String(300), info=PERSONAL)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320), info=PERSONAL)
    phone: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)
    locale: Mapped[str] = mapped_column(String(10))
    """``zh-CN`` or ``en-US``: the language of the messages the customer gets."""
    tag_ids: Mapped[list] = mapped_column(JSON)
    value_class: Mapped[str | None] = mapped_column(String(1))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    rfm_recency_score: Mapped[int] = mapped_column(Integer)
    """1..5, 0 while unknown (likewise frequency and monetary)."""
    rfm_frequency_score: Mapped[int] = mapped_column(Integer)
    rfm_monetary_score: Mapped[int] = mapped_column(Integer)
    at_risk: Mapped[bool] = mapped_column(Boolean)
    risk_reason: Mapped[str | None] = mapped_column(String(500))
    marketing_consent: Mapped[bool] = mapped_column(Boolean)
    """False until the customer service says the customer consents to marketing."""
    birth_date: Mapped[date | None] = mapped_column(Date, info=PERSONAL)
    birth_month_day: Mapped[str | None] = mapped_column(String(5), info=PERSONAL)
    """``MM-DD`` of ``birth_date``: the birthday trigger's index."""
    contract_end_date: Mapped[date | None] = mapped_column(Date)
    last_purchase_date: Mapped[date | None] = mapped_column(Date)
    facts_version: Mapped[int] = mapped_column(Integer)
    """The customer record's version the facts were taken from: an older event arriving late
    does not overwrite newer facts."""
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Segments and their members ----------------------------------------------------------------



# --- Campaigns, variants, the sending queue, recipients, responses, attribution, the policy ----


class OutboundMessage(Base):
    """One message to one customer waiting in (or gone through) the sending queue: the one
    way marketing sends (campaigns, trigger messages, survey invitations). Written in the
    business transaction by :func:`marketing_service.outbound.enqueue`; the worker's
    dispatcher re-checks consent and the frequency cap at send time and hands it to the
    notification service. ``state`` is one of ``queued``, ``held`` (its campaign is paused),
    ``sending`` (claimed; in flight until ``lease_expire_time``), ``sent``, ``delivered``,
    ``failed``, ``cancelled``, ``suppressed_no_consent``, ``suppressed_frequency_cap``."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_messages_state_next_attempt_time", "state", "next_attempt_time"),
        Index("ix_outbound_messages_customer_id_send_time", "customer_id", "send_time"),
        Index("ix_outbound_messages_group_key_state", "group_key", "state"),
        Index("ix_outbound_messages_delivery_id", "delivery_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(190), unique=True)
    """The sender's key, passed on to the notification service (a repeated send is harmless)."""
    customer_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(20))
    """``email``, ``sms`` (the channels that reach a customer's address)."""
    category: Mapped[str] = mapped_column(String(50))
    """``campaign``, ``survey_invitation``, ``birthday_greeting``...: who reacts to outcomes."""
    source_ref: Mapped[str] = mapped_column(String(200))
    """The sender's reference, e.g. ``campaign:<id>:variant:A``."""
    group_key: Mapped[str | None] = mapped_column(String(100))
    """Messages held, released or cancelled together (a campaign's id)."""
    template_key: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    variables: Mapped[dict] = mapped_column(JSON)
    """Template values without personal data; the recipient's are added at send time."""
    locale: Mapped[str | None] = mapped_column(String(10))
    """``zh-CN``/``en-US``; NULL: the recipient's at send time."""
    requires_consent: Mapped[bool] = mapped_column(Boolean)
    counts_toward_cap: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(30))
    attempt_count: Mapped[int] = mapped_column(Integer)
    next_attempt_time: Mapped[datetime] = mapped_column(UtcDateTime)
    """Not before this (``not_before``, then the back-off after a failed attempt)."""
    lease_expire_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """While ``sending``: after this a dispatcher that died is presumed gone and the message
    is claimed again (the idempotency key makes the repeat harmless)."""
    recipient_address: Mapped[str | None] = mapped_column(String(320), info=PERSONAL)
    """The e-mail or phone it was sent to, copied from the read model at send time."""
    delivery_id: Mapped[str | None] = mapped_column(String(36))
    send_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When it was claimed for sending (what the frequency cap counts)."""
    deliver_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)




# --- Triggers and their firings; surveys, invitations, answers, improvement items -------------
