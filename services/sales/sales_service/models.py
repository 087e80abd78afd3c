"""The sales service's tables.

Grouped by part of the service, each part in its own section (leads and their rules and reps;
opportunities, quotes, contracts and payments; activities, follow-ups and comments), after the
sales policy every part reads.
"""

from __future__ import annotations

from datetime import date, datetime

from crm_shared.approvals.tables import (
    ApprovalAssigneeColumns,
    ApprovalPolicyColumns,
    ApprovalRequestColumns,
)
from crm_shared.attachments.records import AttachmentRow
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
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


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


class Lead(Base):
    """A sales lead: who may buy, where they came from, their grade and the rep who owns them.

    Enums are stored by their short lower-case names (``website_form``, ``high``, ``assigned``);
    the grade by its letter (``A``). ``owner_id`` is NULL while the lead is unassigned; its
    ``department_path`` is then the intake department (the department of the assignment rule
    that matched, else the sales root), whose leads see it. Leads are not handed over with a
    customer (no ``__handover__``): they move between reps only through assignment.
    """

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_create_time_id", "create_time", "id"),
        Index("ix_leads_owner_id_status", "owner_id", "status"),
        Index("ix_leads_department_path", "department_path"),
        Index("ix_leads_phone_key", "phone_key"),
        Index("ix_leads_email_key", "email_key"),
        Index("ix_leads_customer_id", "customer_id"),
        Index("ix_leads_status_first_contact_due_time", "status", "first_contact_due_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    contact_name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    company_name: Mapped[str] = mapped_column(String(300))
    job_title: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    phone_key: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)
    """The phone normalised to E.164 (duplicate detection)."""
    email_key: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    """The e-mail normalised (lower case; Gmail dots and +tags dropped)."""
    source: Mapped[str] = mapped_column(String(20))
    source_detail: Mapped[str] = mapped_column(String(300))
    source_labelled: Mapped[bool] = mapped_column(Boolean)
    """True when the source was labelled from the intake parameters, not given."""
    intake_params: Mapped[dict] = mapped_column(JSON)
    campaign_id: Mapped[str | None] = mapped_column(String(64))
    campaign_variant_id: Mapped[str | None] = mapped_column(String(64))
    intent_level: Mapped[str] = mapped_column(String(10))
    need_clarity: Mapped[str] = mapped_column(String(10))
    need_description: Mapped[str] = mapped_column(Text, info=PERSONAL)
    product_interests: Mapped[list] = mapped_column(JSON)
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    budget_minor: Mapped[int | None] = mapped_column(BigInteger)
    decision_maker: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    grade: Mapped[str] = mapped_column(String(1))
    """``A``, ``B`` or ``C``."""
    grade_reason: Mapped[str] = mapped_column(String(500))
    grade_rule_id: Mapped[str | None] = mapped_column(String(36))
    grade_locked: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[str | None] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    assign_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_contact_due_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_contact_remind_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When ``lead.first_contact_due`` should go out (due time minus the reminder lead time)."""
    first_contact_reminded_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When ``lead.first_contact_due`` went out for the current assignment (it fires once)."""
    first_contact_overdue: Mapped[bool] = mapped_column(Boolean)
    first_contact_escalated_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When ``lead.first_contact_overdue`` went out for the current assignment."""
    first_contact_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_activity_time: Mapped[datetime] = mapped_column(UtcDateTime)
    """The latest follow-up, or the creation; the cold-lead clock runs from it."""
    went_cold_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_before_cold: Mapped[str | None] = mapped_column(String(20))
    customer_id: Mapped[str | None] = mapped_column(String(64))
    opportunity_id: Mapped[str | None] = mapped_column(String(36))
    customer_created: Mapped[bool] = mapped_column(Boolean)
    convert_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    convert_request_id: Mapped[str | None] = mapped_column(String(64))
    disqualify_reason: Mapped[str | None] = mapped_column(String(1000))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    """Bumped by every flush that changes the row (optimistic locking); the etag shows it."""
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class LeadNumberSequence(Base):
    """The last lead number issued per day (``L<yyyymmdd>-<nnnn>``)."""

    __tablename__ = "lead_number_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class LeadGradingRuleRecord(Base):
    """A grading rule (data): the first enabled rule in ``priority`` order whose condition
    matches gives the grade; none matching is C. ``condition`` is the ConditionGroup in proto3
    JSON. ``subject`` ``lead`` grades leads, ``prospect`` gives customers without a contract
    their estimated class (none matching: no class)."""

    __tablename__ = "lead_grading_rules"
    __table_args__ = (Index("ix_lead_grading_rules_priority_id", "priority", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(1))
    condition: Mapped[dict] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(10), server_default=text("'lead'"))


class AssignmentRuleRecord(Base):
    """An assignment rule (data): the first enabled rule in ``priority`` order whose condition
    matches names the eligible reps (a department subtree, a minimum seniority, or a list) and
    how one is picked (``round_robin`` or ``least_loaded``)."""

    __tablename__ = "lead_assignment_rules"
    __table_args__ = (Index("ix_lead_assignment_rules_priority_id", "priority", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    condition: Mapped[dict] = mapped_column(JSON)
    department_path: Mapped[str] = mapped_column(String(255))
    min_seniority: Mapped[str] = mapped_column(String(10))
    """``junior``, ``regular`` or ``senior``; empty: any."""
    user_ids: Mapped[list] = mapped_column(JSON)
    strategy: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class SalesRep(Base):
    """A person who can hold leads (role ``sales_rep``/``sales_lead``, or the lead of a
    ``/hq/sales`` department): identity facts from identity events, the sales profile
    (seniority, capacity, availability) set by UpdateSalesRep."""

    __tablename__ = "sales_reps"
    __table_args__ = (Index("ix_sales_reps_department_path", "department_path"),)

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200))
    department_path: Mapped[str] = mapped_column(String(255))
    team_lead: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    """False when disabled in identity, or no longer in sales."""
    seniority: Mapped[str] = mapped_column(String(10))
    """``junior``, ``regular`` or ``senior``."""
    max_open_leads: Mapped[int] = mapped_column(Integer)
    """0: no limit."""
    available: Mapped[bool] = mapped_column(Boolean)
    available_again_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_assign_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the rep last received a lead automatically: the round-robin position."""
    revision: Mapped[int] = mapped_column(BigInteger)
    """The identity revision held: an older upsert arriving late is ignored."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class LeadAssignmentRecord(Base):
    """One assignment decision: to whom, how, by which rule, and every candidate considered
    with why they were or were not eligible."""

    __tablename__ = "lead_assignments"
    __table_args__ = (Index("ix_lead_assignments_lead_id", "lead_id"),
                      Index("ix_lead_assignments_assign_time_id", "assign_time", "id"),
                      Index("ix_lead_assignments_assignee_id", "assignee_id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id"))
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    previous_assignee_id: Mapped[str | None] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(20))
    """``automatic``, ``manual`` or ``handover``."""
    rule_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    candidates: Mapped[list] = mapped_column(JSON)
    """``[{"user_id", "eligible", "skip_reason", "open_lead_count", "last_assign_time",
    "selected"}]``"""
    tie_broken_at_random: Mapped[bool] = mapped_column(Boolean)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    assign_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The facts the English ``reason`` quotes, kept apart so a page can tell the "why" in its
    # reader's language (migration 0011; older decisions have none).
    rule_name: Mapped[str | None] = mapped_column(String(200))
    """The assignment rule's name when it applied (``automatic``)."""
    strategy: Mapped[str | None] = mapped_column(String(20))
    """That rule's strategy: ``round_robin`` or ``least_loaded`` (``automatic``)."""
    note: Mapped[str | None] = mapped_column(Text)
    """What the person who assigned by hand wrote (``manual``)."""




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
    lines change, validity and status (draft → sent → accepted / rejected / expired; a discount
    the approval policy holds waits in pending_approval between draft and sent)."""

    __tablename__ = "quotes"
    __handover__ = ("status", ("draft", "pending_approval", "sent"))
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
    approval_request_id: Mapped[str | None] = mapped_column(String(36))
    """The latest approval request of the quote (:mod:`sales_service.approvals`)."""
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


class Activity(Base):
    """A follow-up record: one contact with a customer or a lead (``method`` is a short
    ``FollowUpMethod`` name, dates are ``YYYY-MM-DD``). History, not open work: a handover
    leaves it with its author, and the customer's current owner reads it through the customer
    facts (:mod:`sales_service.activities`)."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_owner_id_occur_time", "owner_id", "occur_time"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    lead_id: Mapped[str | None] = mapped_column(String(64), index=True)
    opportunity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    method: Mapped[str] = mapped_column(String(20))
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, info=PERSONAL)
    customer_feedback: Mapped[str] = mapped_column(Text, info=PERSONAL)
    objection: Mapped[str] = mapped_column(Text, info=PERSONAL)
    next_step: Mapped[str] = mapped_column(String(500))
    next_step_due_date: Mapped[str | None] = mapped_column(String(10))
    qualification: Mapped[dict | None] = mapped_column(JSON, info=PERSONAL)
    """``LeadQualification`` as proto3 JSON (need, budget, decision maker...)."""
    follow_up_task_id: Mapped[str | None] = mapped_column(String(36))
    """The task this record fulfilled (completed it)."""
    next_step_task_id: Mapped[str | None] = mapped_column(String(36))
    """The task its next step created."""
    first_contact: Mapped[bool] = mapped_column(Boolean)
    comment_count: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    churn_reason: Mapped[str | None] = mapped_column(String(64), index=True)
    """A win-back visit's answer: the code of a :class:`ChurnReasonRecord` (the churn report)."""
    churn_note: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class ChurnReasonRecord(Base):
    """A reason customers leave, offered when a win-back visit is recorded (data: admins add,
    rename and retire them; a retired one stays for the records that gave it)."""

    __tablename__ = "churn_reasons"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class ActivityComment(Base):
    """A manager comment (批示) on a follow-up record; carries the record's customer so a merge
    re-points it and an export finds it."""

    __tablename__ = "activity_comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    author_id: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[str] = mapped_column(Text)
    activity_owner_id: Mapped[str] = mapped_column(String(64), index=True)
    department_path: Mapped[str] = mapped_column(String(255))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)


class FollowUpTask(Base):
    """A contact due with a customer or lead (``state``: open, overdue, done, cancelled;
    ``reason``: a short ``FollowUpReason`` name). Open and overdue tasks move to the successor
    on a handover."""

    __tablename__ = "follow_up_tasks"
    __handover__ = ("state", ("open", "overdue"))
    __table_args__ = (Index("ix_follow_up_tasks_state_due_date", "state", "due_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    lead_id: Mapped[str | None] = mapped_column(String(64), index=True)
    opportunity_id: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    department_path: Mapped[str] = mapped_column(String(255), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    due_date: Mapped[str] = mapped_column(String(10))
    suggested_method: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    remind_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overdue_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    complete_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_activity_id: Mapped[str | None] = mapped_column(String(36))
    completed_late: Mapped[bool] = mapped_column(Boolean)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    occasion_key: Mapped[str | None] = mapped_column(String(190), unique=True)
    """A segment contact strategy's task: marketing's occasion key (``marketing.contact_due``),
    so one occasion makes one task however often it is told."""
    segment_id: Mapped[str | None] = mapped_column(String(36))
    segment_name: Mapped[str | None] = mapped_column(String(200))
    """The segment's name as marketing told it with the occasion (for the report and the list)."""
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class FollowUpPlan(Base):
    """A customer's follow-up plan from its value class (one per customer). ``*_override`` are
    the plan's own figures (None: the policy's cadence for the class); ``next_due_date`` keeps
    the last computed date while the plan is paused, so paging by it stays stable."""

    __tablename__ = "follow_up_plans"
    __handover__ = ("active", (True, False))  # a plan always follows the customer's owner

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    department_path: Mapped[str] = mapped_column(String(255), index=True)
    value_class: Mapped[str | None] = mapped_column(String(1))
    interval_override: Mapped[int | None] = mapped_column(Integer)
    senior_override: Mapped[int | None] = mapped_column(Integer)
    next_due_date: Mapped[str] = mapped_column(String(10))
    next_senior_due_date: Mapped[str | None] = mapped_column(String(10))
    last_contact_date: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class CustomerFact(Base):
    """What the sales service knows of a customer from the customer service's events: owner,
    department, value class, lifecycle stage, state (active, merged, erased), and the traits
    the won-deal report groups by (type, industry, staff count); and its estimated class while
    it has no contract (:mod:`sales_service.prospect_grading`). No personal data.
    ``fact_time`` is when the newest applied event happened, so a late, older one is ignored."""

    __tablename__ = "sales_customer_facts"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    department_path: Mapped[str] = mapped_column(String(255))
    value_class: Mapped[str | None] = mapped_column(String(1))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10))
    merged_into: Mapped[str | None] = mapped_column(String(64))
    customer_type: Mapped[str | None] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(String(200))
    staff_count: Mapped[int | None] = mapped_column(Integer)
    fact_time: Mapped[datetime] = mapped_column(UtcDateTime)
    prospect_class: Mapped[str | None] = mapped_column(String(1))
    """The estimated class from the prospect grading rules (this service's own grading, not an
    event's fact); None once the customer has a contract-based ``value_class``."""
    prospect_class_reason: Mapped[str | None] = mapped_column(String(500))
    prospect_class_rule_id: Mapped[str | None] = mapped_column(String(36))
    """The prospect grading rule that gave ``prospect_class`` (pages describe it)."""
    prospect_stale_time: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    """When the prospect rules changed since the customer was last graded: the worker's timer
    grades it again (:func:`sales_service.prospect_grading.scan`); None when current."""


class CustomerCollaboratorFact(Base):
    """A collaborator of a customer, from ``customer.collaborator_added/removed`` (team selling):
    they read the customer's follow-up records and record their own on it, like its owner
    (:func:`sales_service.customer_facts.visible`). A removal is kept (``active`` false) so a
    late, older "added" does not bring them back; ``fact_time`` is when the newest applied
    event happened."""

    __tablename__ = "sales_customer_collaborators"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean)
    fact_time: Mapped[datetime] = mapped_column(UtcDateTime)


class OpportunityCollaborator(Base):
    """A person working on an opportunity with its owner (team selling): they see it and its
    follow-up records and record follow-ups on it (:mod:`sales_service.opportunity_collaborators`);
    once per opportunity."""

    __tablename__ = "sales_opportunity_collaborators"

    opportunity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    """``co_owner``, ``technical_support`` or ``service`` (``crm.common.v1.CollaboratorRole``)."""
    added_by: Mapped[str] = mapped_column(String(64))
    add_time: Mapped[datetime] = mapped_column(UtcDateTime)


class DepartmentLead(Base):
    """The lead of each department, from identity events: who makes an A-class customer's
    monthly senior contact."""

    __tablename__ = "sales_department_leads"

    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    parent_path: Mapped[str | None] = mapped_column(String(255))
    lead_user_id: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Targets: what a rep or a team is expected to achieve in a period ----------------------------


class SalesTargetRecord(Base):
    """A sales target (:mod:`sales_service.sales_targets`): a rep's (``rep_id``, with the rep's
    department when set) or a department's (``rep_id`` NULL) for one period (``2026-12``,
    ``2026-Q4``, ``2026``). ``subject`` is the rep id or the department path - one target per
    subject and period (a path starts with ``/``, a user id never does). The amount is in the
    policy currency at the time it was set; a zero figure is "no target for that metric"."""

    __tablename__ = "sales_targets"
    __table_args__ = (UniqueConstraint("subject", "period"),
                      Index("ix_sales_targets_department_path_period", "department_path",
                            "period"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255))
    rep_id: Mapped[str | None] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    period: Mapped[str] = mapped_column(String(7))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    new_customer_count: Mapped[int] = mapped_column(Integer)
    follow_up_count: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


# --- Approvals: the quotes (and later other records) that wait for someone's decision -----------


class ApprovalPolicyRecord(ApprovalPolicyColumns, Base):
    """An approval policy (data, :mod:`crm_shared.approvals.policies`); seeded by 0015 with
    "a quote discount over 10 % needs the requester's department lead"."""

    __tablename__ = "approval_policies"
    __table_args__ = (Index("ix_approval_policies_subject_priority", "subject", "priority"),)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class ApprovalRequestRecord(ApprovalRequestColumns, Base):
    """A record waiting for (or decided by) its approvers (:mod:`sales_service.approvals`)."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        Index("ix_approval_requests_create_time_id", "create_time", "id"),
        Index("ix_approval_requests_subject_id", "subject_id"),
        Index("ix_approval_requests_requester_id", "requester_id"),
        Index("ix_approval_requests_status_due_time", "status", "due_time"),
    )

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class ApprovalAssignee(ApprovalAssigneeColumns, Base):
    """Who may decide an open approval request now (the approvers' inbox)."""

    __tablename__ = "approval_assignees"
    __table_args__ = (Index("ix_approval_assignees_approver_id", "approver_id"),)


class Attachment(AttachmentRow, Base):
    """A file attached to a follow-up record, a quote or a contract (issue 20); the columns are
    ``crm_shared.attachments.records.AttachmentRow``'s (``customer_id``: the record's customer,
    "" for a follow-up of a lead; a merge re-points it, the customer's erasure deletes the row and
    its object), the bytes in the attachment store."""

    __tablename__ = "attachments"
