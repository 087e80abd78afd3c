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
    UniqueConstraint,
    text,
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
    open stage (or ``won``) the opportunity ever reached, and ``<stage>_stays`` /
    ``<stage>_stay_seconds`` count and time its completed stays in each open stage (the sums of
    its stage changes out of that stage): the funnel counts an opportunity in every stage up to
    its peak and averages the days in each stage with one GROUP BY, without reading the
    history. ``ix_opportunities_pipeline`` holds every column the funnel and the forecast read,
    department first, so a team's figures are read from the index alone (see
    :mod:`sales_service.pipeline`). Amounts are integer minor units with their currency; no
    amount is NULL in both columns.
    """

    __tablename__ = "opportunities"
    __handover__ = ("stage", ("potential", "intent", "proposal", "negotiation"))
    __table_args__ = (
        Index("ix_opportunities_create_time_id", "create_time", "id"),
        Index("ix_opportunities_owner_id_expected_close_date", "owner_id",
              "expected_close_date"),
        Index("ix_opportunities_pipeline", "department_path", "stage", "expected_close_date",
              "close_date", "create_time", "peak_stage", "owner_id", "currency_code",
              "amount_minor", "probability", "potential_stays", "potential_stay_seconds",
              "intent_stays", "intent_stay_seconds", "proposal_stays", "proposal_stay_seconds",
              "negotiation_stays", "negotiation_stay_seconds"),
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
    potential_stays: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    potential_stay_seconds: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    intent_stays: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    intent_stay_seconds: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    proposal_stays: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    proposal_stay_seconds: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    negotiation_stays: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    negotiation_stay_seconds: Mapped[int] = mapped_column(BigInteger,
                                                          server_default=text("0"))
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




class Quote(Base):
    """A quote for an opportunity: its lines (JSON, each with quantity as a decimal string and
    the unit price in minor units), the totals computed by :mod:`sales_service.quotes` when the
    lines change, validity and status (draft → sent → accepted / rejected / expired)."""

    __tablename__ = "quotes"
    __handover__ = ("status", ("draft", "sent"))
    __table_args__ = (
        Index("ix_quotes_create_time_id", "create_time", "id"),
        Index("ix_quotes_opportunity_id", "opportunity_id"),
        Index("ix_quotes_customer_id", "customer_id"),
        Index("ix_quotes_owner_id", "owner_id"),
        Index("ix_quotes_status_valid_until_date", "status", "valid_until_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    opportunity_id: Mapped[str] = mapped_column(String(36), ForeignKey("opportunities.id"))
    customer_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    line_items: Mapped[list] = mapped_column(JSON)
    currency_code: Mapped[str] = mapped_column(String(3))
    discount_basis_points: Mapped[int] = mapped_column(Integer)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    valid_until_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    send_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decide_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reject_reason: Mapped[str | None] = mapped_column(String(1000))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class Contract(Base):
    """A contract with a customer: draft → active (signed) → expired / terminated; a renewal
    is the next contract, linked both ways. ``expiring_notice_time`` and
    ``expired_notice_time`` record that the timer announced it, so each fires once."""

    __tablename__ = "contracts"
    __handover__ = ("status", ("draft", "active"))
    __table_args__ = (
        Index("ix_contracts_create_time_id", "create_time", "id"),
        Index("ix_contracts_customer_id_sign_date", "customer_id", "sign_date"),
        Index("ix_contracts_owner_id", "owner_id"),
        Index("ix_contracts_department_path", "department_path"),
        Index("ix_contracts_status_end_date", "status", "end_date"),
        Index("ix_contracts_opportunity_id", "opportunity_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    opportunity_id: Mapped[str | None] = mapped_column(String(36))
    quote_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    sign_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    renewal_of_contract_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    """Unique: a contract is renewed once."""
    renewed_by_contract_id: Mapped[str | None] = mapped_column(String(36))
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    termination_reason: Mapped[str | None] = mapped_column(String(1000))
    external_ids: Mapped[dict] = mapped_column(JSON)
    expiring_notice_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expired_notice_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    plan_update_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    plan_updated_by: Mapped[str | None] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class Installment(Base):
    """One planned installment of a contract. ``received_minor`` is what the payments of the
    contract credit to it (:func:`sales_service.payments.allocate`, recomputed whenever the
    plan or a payment changes); ``overdue_notice_time`` records the one overdue event."""

    __tablename__ = "installments"
    __table_args__ = (
        UniqueConstraint("contract_id", "sequence"),
        Index("ix_installments_due_date", "due_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36),
                                             ForeignKey("contracts.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    received_minor: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500))
    overdue_notice_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Payment(Base):
    """A received payment (回款) on a contract; voided ones stay, not counted."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("contract_id", "reference"),
        Index("ix_payments_create_time_id", "create_time", "id"),
        Index("ix_payments_contract_id", "contract_id"),
        Index("ix_payments_customer_id", "customer_id"),
        Index("ix_payments_receive_date", "receive_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), ForeignKey("contracts.id"))
    customer_id: Mapped[str] = mapped_column(String(36))
    installment_id: Mapped[str | None] = mapped_column(String(36))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    receive_date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    """NULL when not given, so references are unique per contract only when present."""
    note: Mapped[str] = mapped_column(String(1000))
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    void_reason: Mapped[str | None] = mapped_column(String(1000))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class Purchase(Base):
    """A purchase from ERP or e-commerce; (source system, external order id) is unique, so a
    resent order is recorded once."""

    __tablename__ = "purchases"
    __table_args__ = (
        UniqueConstraint("source_system", "external_order_id"),
        Index("ix_purchases_purchase_time_id", "purchase_time", "id"),
        Index("ix_purchases_customer_id_purchase_time", "customer_id", "purchase_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    source_system: Mapped[str] = mapped_column(String(50))
    external_order_id: Mapped[str] = mapped_column(String(100))
    purchase_time: Mapped[datetime] = mapped_column(UtcDateTime)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    item_count: Mapped[int] = mapped_column(Integer)
    items_summary: Mapped[str] = mapped_column(String(1000))
    channel: Mapped[str] = mapped_column(String(50))
    campaign_id: Mapped[str | None] = mapped_column(String(36))
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


# --- Activities: follow-up records, comments, follow-up tasks and plans -------------------------
