"""The sales service's tables.

Grouped by part of the service, each part in its own section (leads and their rules and reps;
opportunities, quotes, contracts and payments; activities, follow-ups and comments), after the
sales policy every part reads.
"""

from __future__ import annotations

from datetime import date, datetime

from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


PERSONAL = {"personal": True}
"""Column ``info`` of columns holding personal data of a customer or contact: erasure blanks
exactly these and the personal-data export lists them. Every table about a customer has a
``customer_id`` column, which a merge re-points to the surviving customer; a table of work that
moves to the new owner on a handover declares ``__handover__ = ("<state column>", (<open
states>))`` and has ``owner_id`` and ``department_path`` columns."""


class SalesPolicyRow(Base):
    """The one row (id 1) of sales configuration: the proto3 JSON of ``crm.sales.v1.SalesPolicy``
    (read through :func:`sales_service.policy.current`, which fills in the defaults)."""

    __tablename__ = "sales_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64))
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Leads: leads, grading and assignment rules, reps, assignments ------------------------------



# --- Deals: opportunities, stage changes, quotes, contracts, payment plans, payments, purchases -


class Opportunity(Base):
    """A sales opportunity with a customer, moving potential → intent → proposal → negotiation →
    won / lost (:mod:`sales_service.opportunities`).

    Stages and sources are stored by their short lower-case names. ``peak_stage`` is the furthest
    open stage (or ``won``) the opportunity ever reached: the funnel counts an opportunity in
    every stage up to it with one GROUP BY, without reading the history. Amounts are integer
    minor units with their currency; no amount is NULL in both columns.
    """

    __tablename__ = "opportunities"
    __handover__ = ("stage", ("potential", "intent", "proposal", "negotiation"))
    __table_args__ = (
        Index("ix_opportunities_create_time_id", "create_time", "id"),
        Index("ix_opportunities_owner_id_expected_close_date", "owner_id",
              "expected_close_date"),
        Index("ix_opportunities_department_path_expected_close_date", "department_path",
              "expected_close_date"),
        Index("ix_opportunities_expected_close_date", "expected_close_date"),
        Index("ix_opportunities_close_date", "close_date"),
        Index("ix_opportunities_customer_id", "customer_id"),
        Index("ix_opportunities_lead_id", "lead_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    customer_id: Mapped[str] = mapped_column(String(36))
    lead_id: Mapped[str | None] = mapped_column(String(36))
    stage: Mapped[str] = mapped_column(String(20))
    peak_stage: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency_code: Mapped[str | None] = mapped_column(String(3))
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    probability: Mapped[int] = mapped_column(Integer)
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    close_date: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    campaign_variant_id: Mapped[str | None] = mapped_column(String(36))
    source: Mapped[str | None] = mapped_column(String(30))
    """``crm.common.v1.SourceChannel`` short name (``exhibition``), from the lead when converted."""
    next_step: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    stage_enter_time: Mapped[datetime] = mapped_column(UtcDateTime)
    cycle_start_time: Mapped[datetime] = mapped_column(UtcDateTime)
    """Creation of the lead it came from (or of the opportunity): the start of the deal cycle."""
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    """Bumped by every flush that changes the row (optimistic locking); the etag shows it."""
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class OpportunityStageChange(Base):
    """One stage change of an opportunity (the first row: its opening, from no stage)."""

    __tablename__ = "opportunity_stage_changes"
    __table_args__ = (
        Index("ix_opportunity_stage_changes_opportunity_id_id", "opportunity_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    opportunity_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("opportunities.id", ondelete="CASCADE"))
    from_stage: Mapped[str] = mapped_column(String(20))
    """Empty for the opening row."""
    to_stage: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(64))
    change_time: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(String(1000))
    seconds_in_from_stage: Mapped[int] = mapped_column(BigInteger)
    """How long the opportunity stayed in ``from_stage`` (0 for the opening row): the funnel's
    average days in a stage is one AVG over these."""




# --- Activities: follow-up records, comments, follow-up tasks and plans -------------------------
