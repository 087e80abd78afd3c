"""The marketing service's tables.

First the read model of the customer facts marketing needs, kept current from customer and
sales events (marketing never reads another service's database and never asks the customer
service once per customer); then one section per part of the service (segments; campaigns and
attribution; triggers, surveys and improvement items).
"""

from __future__ import annotations

from datetime import date, datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
)
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
    industry: Mapped[str | None] = mapped_column(String(100))
    """Industry of an enterprise customer, as the customer record gives it."""
    source: Mapped[str | None] = mapped_column(String(30))
    """Source channel by its short name (``website_form``)."""
    purchase_count_12m: Mapped[int | None] = mapped_column(Integer)
    """Purchases in the 12 months before the latest one (from ``purchase.recorded``)."""
    spend_12m_minor: Mapped[int | None] = mapped_column(BigInteger)
    """Spend in the last 12 months, minor units (from ``customer.value_recomputed``)."""
    last_interaction_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    fact_times: Mapped[dict] = mapped_column(JSON, default=dict)
    """When each group of facts was last taken from an event (``{"tags": "<RFC 3339>"}``):
    facts from events that carry no record version are ordered by their occurrence."""
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Segments and their members ----------------------------------------------------------------
# (plus two tables of the read model that a profile row cannot hold: the customer's active
# contracts, whose latest end date is ``contract_end_date``, and behaviour over time windows)


class Segment(Base):
    """A rule over the read model (``rule``: the proto3 JSON of a ``ConditionGroup``) and the
    contact strategy of its members. Kinds are stored by short name (``high_value``)."""

    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(20))
    rule: Mapped[dict] = mapped_column(JSON)
    contact_strategy: Mapped[dict] = mapped_column(JSON)
    """The proto3 JSON of a ``ContactStrategy``."""
    active: Mapped[bool] = mapped_column(Boolean)
    """False pauses membership updates; members stay as they are."""
    time_relative: Mapped[bool] = mapped_column(Boolean)
    """The rule reads the clock (``WITHIN_LAST_DAYS``, birthdays, 90-day counts...): the daily
    re-evaluation covers it."""
    member_count: Mapped[int] = mapped_column(Integer)
    evaluate_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)


class SegmentMember(Base):
    """One customer currently in one segment."""

    __tablename__ = "segment_members"
    __table_args__ = (
        Index("ix_segment_members_customer_id", "customer_id"),
        Index("ix_segment_members_segment_id_join_time", "segment_id", "join_time"),
    )

    segment_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    join_time: Mapped[datetime] = mapped_column(UtcDateTime)
    cause_event_id: Mapped[str | None] = mapped_column(String(36))


class ProfileContract(Base):
    """A contract of a customer as sales events told it; ``ended`` once expired or terminated
    (kept, so a late ``contract.signed`` does not bring an ended contract back)."""

    __tablename__ = "profile_contracts"
    __table_args__ = (Index("ix_profile_contracts_customer_id", "customer_id"),)

    contract_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    end_date: Mapped[date] = mapped_column(Date)
    ended: Mapped[bool] = mapped_column(Boolean)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class ProfileInteraction(Base):
    """A dated behaviour fact of a customer counted over a window: ``campaign_response``
    (from ``campaign.responded``) or ``survey_answer`` (from ``survey.answered``, with its
    overall score)."""

    __tablename__ = "profile_interactions"
    __table_args__ = (
        Index("ix_profile_interactions_customer_id_kind_occur_time", "customer_id", "kind",
              "occur_time"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime)
    score_hundredths: Mapped[int | None] = mapped_column(Integer)
    """A survey's overall score ×100 (4.25 is 425): averages compare exactly in SQL and Python."""
    source_id: Mapped[str] = mapped_column(String(36), unique=True)
    """Id of the response or answer: the same fact told twice is stored once."""



# --- Campaigns, variants, the sending queue, recipients, responses, attribution, the policy ----



# --- Triggers and their firings; surveys, invitations, answers, improvement items -------------
