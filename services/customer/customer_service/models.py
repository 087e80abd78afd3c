"""The customer service's tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

PERSONAL = {"personal": True}
"""Column ``info`` of columns holding personal data: erasure and export walk the metadata for it."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The customer list's partial index over the active customers (revision 0007, PostgreSQL only).
Base.metadata.info["postgresql_only_indexes"] = (
    "ix_customers_active_create_time_id",
    "ix_customers_lost_out_of_order",
)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_owner_id", "owner_id"),
        Index("ix_customers_department_path", "department_path"),
        Index("ix_customers_create_time_id", "create_time", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    phone: Mapped[str | None] = mapped_column(String(20), index=True, info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(254), index=True, info=PERSONAL)
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The creating call's request id: a retried create returns the first result."""

    # -- the record: attributes of both types, and of each type's profile --
    source: Mapped[str | None] = mapped_column(String(30))
    """Source channel, the enum name without its prefix, lower case (``exhibition``)."""
    source_detail: Mapped[str | None] = mapped_column(String(200))
    first_contact_date: Mapped[date | None] = mapped_column(Date)
    needs: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(500), info=PERSONAL)
    wechat_id: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    bank_name: Mapped[str | None] = mapped_column(String(100))
    primary_contact_id: Mapped[str | None] = mapped_column(String(36))
    source_lead_id: Mapped[str | None] = mapped_column(String(64))
    source_campaign_id: Mapped[str | None] = mapped_column(String(64))
    legal_name: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    staff_count: Mapped[int | None] = mapped_column(Integer)
    annual_revenue_minor: Mapped[int | None] = mapped_column(BigInteger)
    annual_revenue_currency: Mapped[str | None] = mapped_column(String(3))
    registration_number: Mapped[str | None] = mapped_column(String(50))
    website: Mapped[str | None] = mapped_column(String(300))
    gender: Mapped[str | None] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(Integer)
    birth_date: Mapped[date | None] = mapped_column(Date, info=PERSONAL)
    occupation: Mapped[str | None] = mapped_column(String(100))
    completeness_score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Share of the expected fields filled in, kept with every write so lists can filter on it."""
    missing_fields: Mapped[str | None] = mapped_column(Text)
    """Comma-separated expected field paths still empty (computed with the score)."""
    state: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    """``active``, ``merged`` or ``erased``."""
    merged_into_customer_id: Mapped[str | None] = mapped_column(String(36))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Bumped by every change; the etag callers send back to detect concurrent edits."""

    # -- classification and risk, kept current from other services' events (portrait) --
    value_class: Mapped[str | None] = mapped_column(String(1))
    """'A' | 'B' | 'C' from ``annual_contract_amount``; None until a contract amount is known."""
    lifecycle_stage: Mapped[str] = mapped_column(String(20), default="potential")
    """'potential' | 'intent' | 'customer' | 'lost'."""
    lifecycle_stage_change_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    annual_contract_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    """CNY signed in the last 12 months (terminated contracts excluded): the basis of the class."""
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_reason: Mapped[str | None] = mapped_column(String(500))
    last_interaction_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CustomerKpiCount(Base):
    """How many active customers of one department and owner, with one completeness score,
    are of each value class, lifecycle stage and risk: the snapshot figures of
    GetCustomerKpis for any data scope (the scopes select by owner and department) and any
    completeness target (the policy's, which an admin changes). Each column is a count of
    customers; ``lost_dated``: the lost ones whose stage change time is known.
    :mod:`customer_service.kpi_rollup` keeps it in the transaction that writes a customer."""

    __tablename__ = "customer_kpi_counts"

    department_path: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    completeness_score: Mapped[int] = mapped_column(Integer, primary_key=True)
    customers: Mapped[int] = mapped_column(Integer)
    at_risk: Mapped[int] = mapped_column(Integer)
    class_a: Mapped[int] = mapped_column(Integer)
    class_b: Mapped[int] = mapped_column(Integer)
    class_c: Mapped[int] = mapped_column(Integer)
    class_none: Mapped[int] = mapped_column(Integer)
    stage_potential: Mapped[int] = mapped_column(Integer)
    stage_intent: Mapped[int] = mapped_column(Integer)
    stage_customer: Mapped[int] = mapped_column(Integer)
    stage_lost: Mapped[int] = mapped_column(Integer)
    lost_dated: Mapped[int] = mapped_column(Integer)


class CustomerKpiDay(Base):
    """What the active customers of one department and owner add to the period figures in one
    UTC day: ``created`` counts those created that day, ``went_lost`` the lost ones whose stage
    changed to lost that day. Kept with :class:`CustomerKpiCount`."""

    __tablename__ = "customer_kpi_days"

    # Keyed by day first: a report reads the days of its periods and the few after them.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_path: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[int] = mapped_column(Integer)
    went_lost: Mapped[int] = mapped_column(Integer)


class CustomerNumberSequence(Base):
    """One row holding the last issued customer number (a portable sequence)."""

    __tablename__ = "customer_number_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Employee(Base):
    """What this service knows of the people who own customers (from identity events)."""

    __tablename__ = "employees"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    department_path: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    """The identity revision held: an older upsert arriving late is ignored."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Contacts, decision chain, tags, tag rules, revisions, duplicates, merges, handovers -----


class Contact(Base):
    """A contact person of a customer, with their place in the decision chain."""

    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    job_title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), index=True, info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    wechat_id: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    decision_role: Mapped[str] = mapped_column(String(20))
    """``decision_maker``, ``influencer``, ``user``, ``other`` or ``unspecified``."""
    reports_to_contact_id: Mapped[str | None] = mapped_column(String(36))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    birth_date: Mapped[date | None] = mapped_column(Date, info=PERSONAL)
    notes: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class CustomerExternalId(Base):
    """The customer's id in another system (``erp`` -> ``K-1001``); one per system and customer."""

    __tablename__ = "customer_external_ids"
    __table_args__ = (
        PrimaryKeyConstraint("customer_id", "system"),
        UniqueConstraint("system", "external_id"),
    )

    customer_id: Mapped[str] = mapped_column(String(36))
    system: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(100))


class Tag(Base):
    """A tag of the catalogue; its name is unique within its dimension."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("dimension", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[str] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(String(7))
    system: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class CustomerTag(Base):
    """A tag on a customer; a tag is on a customer at most once."""

    __tablename__ = "customer_tags"
    __table_args__ = (
        PrimaryKeyConstraint("customer_id", "tag_id"),
        Index("ix_customer_tags_tag_id", "tag_id"),
    )

    customer_id: Mapped[str] = mapped_column(String(36))
    tag_id: Mapped[str] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String(10))
    """``manual``, ``rule`` or ``system``."""
    rule_id: Mapped[str | None] = mapped_column(String(36))
    applied_by: Mapped[str | None] = mapped_column(String(64))
    apply_time: Mapped[datetime] = mapped_column(UtcDateTime)


class CustomerCollaborator(Base):
    """A person working on a customer with its owner (team selling): they see the customer, its
    contacts, timeline and follow-ups (``repository.visible_clause``); once per customer."""

    __tablename__ = "customer_collaborators"
    __table_args__ = (
        PrimaryKeyConstraint("customer_id", "user_id"),
        Index("ix_customer_collaborators_user_id", "user_id"),
    )

    customer_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    """``co_owner``, ``technical_support`` or ``service`` (``crm.common.v1.CollaboratorRole``)."""
    added_by: Mapped[str] = mapped_column(String(64))
    add_time: Mapped[datetime] = mapped_column(UtcDateTime)


class TagRule(Base):
    """A rule applying a tag to every customer matching its condition (the condition is data)."""

    __tablename__ = "tag_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    tag_id: Mapped[str] = mapped_column(String(36), index=True)
    condition: Mapped[str] = mapped_column(Text)
    """The ``crm.common.v1.ConditionGroup`` as proto3 JSON."""
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    remove_when_unmatched: Mapped[bool] = mapped_column(Boolean, default=False)
    match_count: Mapped[int] = mapped_column(BigInteger, default=0)
    evaluate_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class CustomerRevision(Base):
    """One change of a key customer field: who, when, old -> new (values masked if sensitive)."""

    __tablename__ = "customer_revisions"
    __table_args__ = (
        Index("ix_customer_revisions_customer_id_change_time", "customer_id", "change_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    field_path: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    new_value: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    actor_id: Mapped[str] = mapped_column(String(64))
    change_time: Mapped[datetime] = mapped_column(UtcDateTime)
    change_source: Mapped[str] = mapped_column(String(20))
    """``api``, ``import``, ``merge``, ``rule``, ``event``, ``handover``, ``erasure``,
    ``approval`` or ``approval_rejected`` (a proposed change not applied)."""
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text, info=PERSONAL)
    """The approver's comment on a change decided by approval."""


class DuplicateCandidate(Base):
    """A pair of customers that are probably the same; the smaller id comes first."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (
        UniqueConstraint("first_customer_id", "second_customer_id"),
        Index("ix_duplicate_candidates_second_customer_id", "second_customer_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Not named customer_id: a merge must not re-point these rows generically.
    first_customer_id: Mapped[str] = mapped_column(String(36))
    second_customer_id: Mapped[str] = mapped_column(String(36))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(String(200))
    """Comma-separated reason names: ``same_phone``, ``same_email``, ``similar_name``…"""
    state: Mapped[str] = mapped_column(String(10), default="open")
    """``open``, ``dismissed`` or ``merged``."""
    detect_time: Mapped[datetime] = mapped_column(UtcDateTime)
    dismissed_by: Mapped[str | None] = mapped_column(String(64))
    dismiss_reason: Mapped[str | None] = mapped_column(Text)


class CustomerMerge(Base):
    """Who merged which customers into which survivor, and what moved."""

    __tablename__ = "customer_merges"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    surviving_customer_id: Mapped[str] = mapped_column(String(36), index=True)
    merged_customer_ids: Mapped[str] = mapped_column(Text)
    """Comma-separated ids (UUIDs, so no id contains a comma)."""
    actor_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    merge_time: Mapped[datetime] = mapped_column(UtcDateTime)
    moved_contact_count: Mapped[int] = mapped_column(Integer)
    moved_tag_count: Mapped[int] = mapped_column(Integer)
    moved_timeline_entry_count: Mapped[int] = mapped_column(Integer)
    overridden_fields: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class Handover(Base):
    """All (or some) customers of one employee moved to a successor in one operation."""

    __tablename__ = "handovers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    from_user_id: Mapped[str] = mapped_column(String(64), index=True)
    to_user_id: Mapped[str] = mapped_column(String(64), index=True)
    to_department_path: Mapped[str] = mapped_column(String(255))
    customer_ids: Mapped[str] = mapped_column(Text)
    """Comma-separated ids of the customers handed over."""
    customer_count: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


# --- Personal data: encrypted fields, access log, consents, erasure, imports ------------------
# Columns holding a person's data carry ``info={"personal": True}``: erasure anonymises exactly
# those (in every table that has a ``customer_id``), and the data-subject export reads them.


class CustomerPersonalField(Base):
    """One sensitive field of a customer (ID-card number, bank account...), AES-GCM encrypted.

    Kept apart from ``customers`` so the clear value never sits in a column a list query,
    an index or a log could read; ``key_id`` names the key that sealed it (key rotation).
    """

    __tablename__ = "customer_personal_data"

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field_path: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary, info={"personal": True})
    """12-byte nonce followed by the AES-GCM output; the customer id and field path are the
    associated data, so a value copied to another customer or field does not decrypt."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class AccessLogEntry(Base):
    """One read, reveal, export or erasure of a customer's personal data (audit, kept after erasure)."""

    __tablename__ = "customer_access_log"
    __table_args__ = (
        Index("ix_customer_access_log_customer_id_access_time", "customer_id", "access_time"),
        Index("ix_customer_access_log_access_time_id", "access_time", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    actor_roles: Mapped[list] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(20))
    field_paths: Mapped[list] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(500))
    method: Mapped[str] = mapped_column(String(200))
    trace_id: Mapped[str] = mapped_column(String(64))
    access_time: Mapped[datetime] = mapped_column(UtcDateTime)


class Consent(Base):
    """The current state of a customer's consent for one purpose, on every channel
    (``channel`` empty) or on one (``email``, ``sms``, ``wechat``)."""

    __tablename__ = "customer_consents"
    __table_args__ = (
        UniqueConstraint(
            "customer_id", "purpose", "channel", name="uq_customer_consents_customer_id_channel"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    purpose: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20), server_default="")
    state: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100))
    evidence: Mapped[str] = mapped_column(String(500))
    grant_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdraw_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class ConsentChange(Base):
    """One grant or withdrawal, oldest first per consent (the consent's history)."""

    __tablename__ = "customer_consent_changes"
    __table_args__ = (Index("ix_customer_consent_changes_consent_id_seq", "consent_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consent_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100))
    evidence: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[str] = mapped_column(String(64))
    change_time: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(20), server_default="")
    """The consent's channel, kept with the change so the history reads alone."""
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The recording call's request id: a retried grant or withdrawal is recorded once."""


class ErasureRequest(Base):
    """An erasure (anonymisation) of one customer, tracked until every service acknowledged."""

    __tablename__ = "customer_erasure_requests"
    __table_args__ = (Index("ix_customer_erasure_requests_request_time_id", "request_time", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    requested_by: Mapped[str] = mapped_column(String(64))
    request_time: Mapped[datetime] = mapped_column(UtcDateTime)
    complete_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class ErasureServiceStatus(Base):
    """Progress of one erasure in one service (``customer`` is done when the request is made)."""

    __tablename__ = "customer_erasure_services"

    erasure_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service: Mapped[str] = mapped_column(String(40), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    complete_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_record_count: Mapped[int] = mapped_column(BigInteger, default=0)


class CustomerImport(Base):
    """The report of one CSV import; the per-row results are kept as JSON (read back whole)."""

    __tablename__ = "customer_imports"
    __table_args__ = (Index("ix_customer_imports_create_time_id", "create_time", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    validate_only: Mapped[bool] = mapped_column(Boolean)
    total_rows: Mapped[int] = mapped_column(Integer)
    imported_rows: Mapped[int] = mapped_column(Integer)
    failed_rows: Mapped[int] = mapped_column(Integer)
    skipped_rows: Mapped[int] = mapped_column(Integer)
    row_results: Mapped[list] = mapped_column(JSON)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


# --- Portrait: classification policy, timeline, satisfaction, RFM, churn risk -----------------
# Every table here has a ``customer_id`` column: a merge re-points them all generically, so none
# of them is unique per customer (after a merge the survivor may hold two rows of each).


class ClassificationPolicy(Base):
    """The classification thresholds (a singleton, id 1). No row means the defaults of
    :data:`customer_service.classification.DEFAULT_POLICY`; the first update inserts it."""

    __tablename__ = "customer_classification_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value_class_a_min: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    value_class_b_min: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    lost_after_inactive_days: Mapped[int] = mapped_column(Integer)
    churn_window_days: Mapped[int] = mapped_column(Integer)
    churn_interaction_drop_ratio: Mapped[float] = mapped_column(Float)
    churn_complaint_increase: Mapped[int] = mapped_column(Integer)
    enterprise_expected_fields: Mapped[list] = mapped_column(JSON)
    individual_expected_fields: Mapped[list] = mapped_column(JSON)
    completeness_target: Mapped[int] = mapped_column(Integer)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class TimelineEntry(Base):
    """One interaction of a customer, built from one event of another service (or this one)."""

    __tablename__ = "customer_timeline_entries"
    __table_args__ = (
        Index(
            "ix_customer_timeline_entries_customer_id_occur_time_id",
            "customer_id",
            "occur_time",
            "id",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    """The ``TimelineEntryKind`` name without its prefix, lower case: ``ticket_opened``."""
    # Titles quote ticket titles, follow-up topics and the like: free text that may name people.
    title: Mapped[str] = mapped_column(String(300), info={"personal": True})
    summary: Mapped[str] = mapped_column(Text, info={"personal": True})
    source_service: Mapped[str] = mapped_column(String(20))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency_code: Mapped[str | None] = mapped_column(String(3))
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    """About a complaint ticket: its opening counts as a complaint, none of its entries as an
    interaction (see :mod:`customer_service.churn`)."""
    channel: Mapped[str | None] = mapped_column(String(20))
    """Service channel of a ticket (``phone``, ``web``...), the basis of the preferred channel."""
    attributes: Mapped[dict] = mapped_column(JSON, info={"personal": True})
    title_params: Mapped[dict | None] = mapped_column(JSON, info={"personal": True})
    """The values ``title`` quotes (``number``, ``name``...), so pages phrase the title in the
    reader's language; None on entries recorded before revision 0010 (their title is all)."""
    source_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    """One entry per event: a redelivered event adds nothing."""
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)


class SatisfactionRecord(Base):
    """One satisfaction fact: an answered survey or a call-back result."""

    __tablename__ = "customer_satisfaction_records"
    __table_args__ = (
        Index(
            "ix_customer_satisfaction_records_customer_id_record_time_id",
            "customer_id",
            "record_time",
            "id",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String(20))
    """``survey`` | ``callback``."""
    score: Mapped[float] = mapped_column(Float)
    nps: Mapped[int | None] = mapped_column(Integer)
    dimension_scores: Mapped[dict] = mapped_column(JSON)
    survey_id: Mapped[str | None] = mapped_column(String(64))
    survey_answer_id: Mapped[str | None] = mapped_column(String(64))
    ticket_id: Mapped[str | None] = mapped_column(String(64))
    callback_result: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    record_time: Mapped[datetime] = mapped_column(UtcDateTime)
    source_event_id: Mapped[str] = mapped_column(String(64), unique=True)


class ChurnRiskState(Base):
    """The last churn-risk evaluation of a customer; the flag itself is ``Customer.at_risk``."""

    __tablename__ = "customer_churn_risks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    signals: Mapped[list] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    flag_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    evaluate_time: Mapped[datetime] = mapped_column(UtcDateTime)
    recent_interaction_count: Mapped[int] = mapped_column(Integer)
    previous_interaction_count: Mapped[int] = mapped_column(Integer)
    recent_complaint_count: Mapped[int] = mapped_column(Integer)
    previous_complaint_count: Mapped[int] = mapped_column(Integer)


class OpenWorkItem(Base):
    """An opportunity or ticket of a customer and whether it is still open (portrait counts)."""

    __tablename__ = "customer_open_work_items"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(64))
    open: Mapped[bool] = mapped_column(Boolean)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class Attachment(AttachmentRow, Base):
    """A file attached to a customer or one of its contacts (issue 20); the columns are
    ``crm_shared.attachments.records.AttachmentRow``'s, the bytes in the attachment store.
    Erasure of the customer deletes the object and the row."""

    __tablename__ = "attachments"


# --- Approvals: key-field changes held as proposed revisions (issue 18, seed 002 修订机制) ------


class ApprovalPolicyRecord(ApprovalPolicyColumns, Base):
    """An approval policy (data, :mod:`crm_shared.approvals.policies`); seeded by 0013 with
    "a change to legal name, bank account or registration number needs the owner's department
    lead"."""

    __tablename__ = "approval_policies"
    __table_args__ = (Index("ix_approval_policies_subject_priority", "subject", "priority"),)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class ApprovalRequestRecord(ApprovalRequestColumns, Base):
    """A key-field change waiting for (or decided by) its approvers
    (:mod:`customer_service.key_field_approvals`)."""

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


class ProposedChange(Base):
    """The fields a held change would set, waiting for its approval request: the update's
    ``Customer`` message cut to ``field_paths``, as proto3 JSON sealed with the field keys
    (``crm_shared.field_keys``, bound to the request) whatever the fields: a proposal is nobody's
    to read until it is applied, and then each value is stored as its field is (sealed or not).
    Deleted when the request is decided or expires."""

    __tablename__ = "customer_proposed_changes"

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    field_paths: Mapped[list] = mapped_column(JSON)
    key_id: Mapped[str] = mapped_column(String(32))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary, info=PERSONAL)


class DepartmentLead(Base):
    """The lead of each department, from identity events: who approves a key-field change of a
    customer of that department."""

    __tablename__ = "customer_department_leads"

    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    parent_path: Mapped[str | None] = mapped_column(String(255))
    lead_user_id: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
