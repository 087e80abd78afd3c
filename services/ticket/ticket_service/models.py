"""The ticket service's tables."""

from __future__ import annotations

from datetime import date, datetime

from crm_shared.attachments.records import AttachmentRow
from crm_shared.db import NAMING_CONVENTION, UtcDateTime
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- Tickets: lifecycle, routing, transfers, history, comments, service records, agents ------


# The department queue's partial indexes over the open tickets (revisions 0004, 0006) and the
# KPI report's over pending SLA targets and response times (revision 0006), PostgreSQL only.
Base.metadata.info["postgresql_only_indexes"] = ("ix_tickets_open_resolution_due",
                                                 "ix_tickets_open_department_state",
                                                 "ix_tickets_first_response_pending",
                                                 "ix_tickets_resolution_pending",
                                                 "ix_tickets_response_seconds")


class Ticket(Base):
    """A service ticket: its lifecycle state, the department and agent holding it, its SLA clock.

    Types, priorities and states are stored as their short lower-case names (``complaint``,
    ``high``, ``in_progress``); the SLA policy and the KPI queries read these columns by name.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_create_time_id", "create_time", "id"),
        Index("ix_tickets_department_path", "department_path"),
        Index("ix_tickets_assignee_id_state", "assignee_id", "state"),
        Index("ix_tickets_customer_id", "customer_id"),
        Index("ix_tickets_state_last_activity_time", "state", "last_activity_time"),
        # A KPI report reads the tickets resolved or closed in the minutes at its ends that are
        # no whole UTC hour (zones like India's).
        Index("ix_tickets_resolve_time", "resolve_time"),
        Index("ix_tickets_close_time", "close_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    product: Mapped[str] = mapped_column(String(100))
    keywords: Mapped[list] = mapped_column(JSON)
    priority: Mapped[str] = mapped_column(String(10))
    priority_reason: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(30))
    customer_id: Mapped[str | None] = mapped_column(String(36))
    contact_id: Mapped[str | None] = mapped_column(String(36))
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    customer_value_class: Mapped[str] = mapped_column(String(2))
    """``A``, ``B``, ``C`` or empty: what the customer service said when the ticket was routed."""
    customer_at_risk: Mapped[bool] = mapped_column(Boolean)
    department_path: Mapped[str] = mapped_column(String(255))
    """Empty while the ticket is new (not routed yet)."""
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    account_manager_id: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(Text)
    transfer_count: Mapped[int] = mapped_column(Integer)
    reopen_count: Mapped[int] = mapped_column(Integer)
    escalation_level: Mapped[int] = mapped_column(Integer)
    satisfaction_score: Mapped[float | None] = mapped_column(Float)
    external_ids: Mapped[dict] = mapped_column(JSON)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    route_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolve_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    confirm_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_activity_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    """Bumped by every flush that changes the row (optimistic locking); the etag shows it."""
    # A concurrent change (another api call, the SLA timer) makes the losing flush fail
    # instead of silently overwriting the winner.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    transfer_request_id: Mapped[str | None] = mapped_column(String(64))
    """The request id of the last transfer: a retried transfer answers instead of moving twice."""
    trace_parent: Mapped[str | None] = mapped_column(String(64))
    """W3C traceparent of the creating call: later actions continue the ticket's one trace."""
    # -- SLA clock (see ticket_service.sla) --
    sla_policy_id: Mapped[str | None] = mapped_column(String(36))
    first_response_due_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_due_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_breached: Mapped[bool] = mapped_column(Boolean)
    resolution_breached: Mapped[bool] = mapped_column(Boolean)
    sla_paused_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sla_paused_seconds: Mapped[int] = mapped_column(Integer)
    first_response_warning_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_warning_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminder_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalate_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TicketKpiSum(Base):
    """What the tickets of one department add to the KPI figures in one UTC day (``hours``
    24) and, again, in one UTC hour of it (``hours`` 1, for periods that start or end within a
    UTC day: a zone not at UTC). :mod:`ticket_service.kpi_rollup` keeps it, in the transaction
    that writes a ticket.

    Each column is a sum over tickets, placed by one instant of the ticket: ``created`` ..
    ``reopened`` by its creation, ``resolved`` and ``resolution_us`` by its resolution, ``done``
    by the time it left the backlog (resolved or closed, not before its creation).
    ``*_settled``: SLA targets decided whatever the time (met, breached or done late).
    """

    __tablename__ = "ticket_kpi_sums"

    # Keyed by span first: a report reads the days or hours of its periods.
    hours: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    department_path: Mapped[str] = mapped_column(String(255), primary_key=True)
    created: Mapped[int] = mapped_column(Integer)
    responded: Mapped[int] = mapped_column(Integer)
    response_us: Mapped[int] = mapped_column(BigInteger)
    """Microseconds from creation to first response, summed (integers add up exactly)."""
    first_met: Mapped[int] = mapped_column(Integer)
    first_settled: Mapped[int] = mapped_column(Integer)
    resolution_met: Mapped[int] = mapped_column(Integer)
    resolution_settled: Mapped[int] = mapped_column(Integer)
    complaint_met: Mapped[int] = mapped_column(Integer)
    complaint_settled: Mapped[int] = mapped_column(Integer)
    demand_met: Mapped[int] = mapped_column(Integer)
    demand_settled: Mapped[int] = mapped_column(Integer)
    ever_resolved: Mapped[int] = mapped_column(Integer)
    reopened: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    resolution_us: Mapped[int] = mapped_column(BigInteger)
    done: Mapped[int] = mapped_column(Integer)


class TicketResponseCount(Base):
    """How many of one department's tickets created in one UTC day (``hours`` 24) or hour
    (``hours`` 1) got their first response within each bucket of response times
    (``ticket_service.kpi_rollup.BUCKET_EDGES``): where the median of a period is, without
    reading the period's tickets."""

    __tablename__ = "ticket_response_counts"

    # Keyed by span first: a report reads the days or hours of its periods.
    hours: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    department_path: Mapped[str] = mapped_column(String(255), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer)


class TicketNumberSequence(Base):
    """The last ticket number issued per day (``T<yyyymmdd>-<nnnn>``)."""

    __tablename__ = "ticket_number_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class TicketHistoryEntry(Base):
    """One thing that happened to a ticket; ``kind`` is the short name of TicketHistoryKind
    (``created``, ``state_changed``, ``routed``, ``transferred``, ``assigned``, ...)."""

    __tablename__ = "ticket_history"
    __table_args__ = (Index("ix_ticket_history_ticket_id_id", "ticket_id", "id"),
                      Index("ix_ticket_history_kind_occur_time", "kind", "occur_time"))

    # An integer key keeps the entries of one transaction in the order they were written.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    from_department_path: Mapped[str | None] = mapped_column(String(255))
    to_department_path: Mapped[str | None] = mapped_column(String(255))
    from_assignee_id: Mapped[str | None] = mapped_column(String(64))
    to_assignee_id: Mapped[str | None] = mapped_column(String(64))
    from_priority: Mapped[str | None] = mapped_column(String(10))
    to_priority: Mapped[str | None] = mapped_column(String(10))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    routing_decision_id: Mapped[int | None] = mapped_column(Integer)
    occur_time: Mapped[datetime] = mapped_column(UtcDateTime)


class RoutingDecisionRecord(Base):
    """Why a ticket went to a department and agent: the rule, the candidates, the tie."""

    __tablename__ = "routing_decisions"
    __table_args__ = (Index("ix_routing_decisions_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(20))
    rule_id: Mapped[str | None] = mapped_column(String(36))
    rule_name: Mapped[str | None] = mapped_column(String(200))
    matched_conditions: Mapped[list] = mapped_column(JSON)
    department_path: Mapped[str] = mapped_column(String(255))
    fallback: Mapped[bool] = mapped_column(Boolean)
    agent_selection: Mapped[str] = mapped_column(String(20))
    required_skills: Mapped[list] = mapped_column(JSON)
    candidates: Mapped[list] = mapped_column(JSON)
    """``[{"agent_id", "eligible", "skip_reason", "open_ticket_count", "matched_skill_count", "selected"}]``"""
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    tie_broken_at_random: Mapped[bool] = mapped_column(Boolean)
    customer_value_class: Mapped[str] = mapped_column(String(2))
    customer_at_risk: Mapped[bool] = mapped_column(Boolean)
    priority_before: Mapped[str] = mapped_column(String(10))
    priority_after: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    decide_time: Mapped[datetime] = mapped_column(UtcDateTime)
    # The facts the English ``reason`` quotes beyond the columns above, kept apart so a page
    # can tell the "why" in its reader's language (migration 0008; older decisions: unset).
    note: Mapped[str | None] = mapped_column(Text)
    """What the person who routed, assigned or transferred by hand wrote."""
    assigned_by_hand: Mapped[bool | None] = mapped_column(Boolean)
    customer_facts_unknown: Mapped[bool | None] = mapped_column(Boolean)


class TicketCommentRecord(Base):
    """A comment on a ticket: an internal note or a reply the customer sees."""

    __tablename__ = "ticket_comments"
    __table_args__ = (Index("ix_ticket_comments_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    author_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10))
    """``internal`` or ``public``."""
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class ServiceRecordEntry(Base):
    """What was done for the customer on a ticket, their feedback, and the next plan."""

    __tablename__ = "service_records"
    __table_args__ = (Index("ix_service_records_ticket_id", "ticket_id"),
                      Index("ix_service_records_customer_id", "customer_id"),
                      Index("ix_service_records_create_time_id", "create_time", "id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    customer_id: Mapped[str | None] = mapped_column(String(36))
    author_id: Mapped[str] = mapped_column(String(64))
    actions_taken: Mapped[str] = mapped_column(Text)
    customer_feedback: Mapped[str] = mapped_column(Text)
    next_plan: Mapped[str] = mapped_column(Text)
    service_time: Mapped[datetime] = mapped_column(UtcDateTime)
    late: Mapped[bool] = mapped_column(Boolean)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class RoutingRuleRecord(Base):
    """A routing rule (data, not code): the first enabled rule in ``priority`` order whose
    condition matches decides the department. ``condition`` is the ConditionGroup in proto3 JSON."""

    __tablename__ = "routing_rules"
    __table_args__ = (Index("ix_routing_rules_priority_id", "priority", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    condition: Mapped[dict] = mapped_column(JSON)
    target_department_path: Mapped[str] = mapped_column(String(255))
    agent_selection: Mapped[str] = mapped_column(String(20))
    """``least_loaded``, ``skill_match`` or ``queue_only``."""
    required_skills: Mapped[list] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class Agent(Base):
    """A person who can hold tickets (role ``agent``/``service_agent``, or a department lead):
    identity facts from identity events, service profile (skills, capacity) set here."""

    __tablename__ = "agents"
    __table_args__ = (Index("ix_agents_department_path", "department_path"),)

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200))
    department_path: Mapped[str] = mapped_column(String(255))
    department_lead: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    """False when disabled in identity, or no longer an agent or lead."""
    skills: Mapped[list] = mapped_column(JSON)
    max_open_tickets: Mapped[int] = mapped_column(Integer)
    """0: no limit."""
    available: Mapped[bool] = mapped_column(Boolean)
    available_again_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_assign_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(BigInteger)
    """The identity revision held: an older upsert arriving late is ignored."""
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class Department(Base):
    """A department as identity describes it: its lead receives escalations."""

    __tablename__ = "departments"

    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_user_id: Mapped[str | None] = mapped_column(String(64))
    parent_path: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    revision: Mapped[int] = mapped_column(BigInteger)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Set-up and read models: SLA policies, calendars, ticket policy, call-backs, knowledge ----


class BusinessCalendar(Base):
    """Working hours, holidays and make-up days of a department subtree (empty path: default)."""

    __tablename__ = "business_calendars"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    department_path: Mapped[str] = mapped_column(String(255), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    working_hours: Mapped[list] = mapped_column(JSON)
    """``[{"day": 1..7 (ISO weekday), "opens_at": "HH:MM", "closes_at": "HH:MM"}]``"""
    holidays: Mapped[list] = mapped_column(JSON)
    """``[{"date": "YYYY-MM-DD", "name": str}]``"""
    extra_working_days: Mapped[list] = mapped_column(JSON)
    """``[{"date": "YYYY-MM-DD", "name": str, "weekday_like": 1..7}]``"""
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class SlaPolicy(Base):
    """Response and resolution targets; NULL type or priority means "any". Durations in seconds."""

    __tablename__ = "sla_policies"
    __table_args__ = (Index("ix_sla_policies_ticket_type_priority", "ticket_type", "priority"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    ticket_type: Mapped[str | None] = mapped_column(String(20))
    priority: Mapped[str | None] = mapped_column(String(20))
    first_response_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_seconds: Mapped[int | None] = mapped_column(Integer)
    business_hours_only: Mapped[bool] = mapped_column(Boolean)
    warning_before_seconds: Mapped[int | None] = mapped_column(Integer)
    untouched_reminder_seconds: Mapped[int | None] = mapped_column(Integer)
    escalate_after_seconds: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class TicketPolicySettings(Base):
    """The one row (id 1) of ticket configuration. Durations in seconds."""

    __tablename__ = "ticket_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raise_priority_value_classes: Mapped[list] = mapped_column(JSON)
    """Value class letters, e.g. ``["A"]``."""
    raise_priority_when_at_risk: Mapped[bool] = mapped_column(Boolean)
    callback_within_seconds: Mapped[int] = mapped_column(Integer)
    service_record_within_seconds: Mapped[int] = mapped_column(Integer)
    auto_close_after_seconds: Mapped[int] = mapped_column(Integer)
    """0: never."""
    updated_by: Mapped[str] = mapped_column(String(64))
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class CallbackTask(Base):
    """A call-back the account manager owes the customer after a resolution."""

    __tablename__ = "callback_tasks"
    __table_args__ = (
        Index("ix_callback_tasks_state_due_time", "state", "due_time"),
        Index("ix_callback_tasks_assignee_id", "assignee_id"),
        Index("ix_callback_tasks_department_path", "department_path"),
        Index("ix_callback_tasks_ticket_id", "ticket_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    ticket_number: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str] = mapped_column(String(36))
    assignee_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    due_time: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20))
    """open | overdue | done | cancelled"""
    result: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    complete_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)


class KnowledgeArticle(Base):
    """A solved case, reply template or FAQ."""

    __tablename__ = "knowledge_articles"
    __table_args__ = (
        Index("ix_knowledge_articles_state_update_time", "state", "update_time"),
        Index("ix_knowledge_articles_update_time_id", "update_time", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100))
    product: Mapped[str] = mapped_column(String(100))
    keywords: Mapped[list] = mapped_column(JSON)
    ticket_types: Mapped[list] = mapped_column(JSON)
    source_ticket_id: Mapped[str | None] = mapped_column(String(36))
    locale: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20))
    """draft | published | archived"""
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Shown in the public help centre (while published)."""
    department_path: Mapped[str] = mapped_column(String(255))
    view_count: Mapped[int] = mapped_column(BigInteger)
    use_count: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    """Bumped on every change; the etag is derived from it."""
    search_text: Mapped[str] = mapped_column(Text)
    """Title, keywords, category, product and body, lower-cased: what search pre-filters on."""
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


# Every write of a ticket keeps its share of the KPI rollup up to date (mapper events there).
from ticket_service import kpi_rollup  # noqa: F401  (after the models it reads)


class ServiceTargetRecord(Base):
    """A service target (:mod:`ticket_service.service_targets`): an agent's (``agent_id``, with
    the agent's department when set) or a department's (``agent_id`` NULL) for one period
    (``2026-12``, ``2026-Q4``, ``2026``). ``subject`` is the agent id or the department path -
    one target per subject and period (a path starts with ``/``, a user id never does). A zero
    figure is "no target for that metric"."""

    __tablename__ = "service_targets"
    __table_args__ = (UniqueConstraint("subject", "period"),
                      Index("ix_service_targets_department_path_period", "department_path",
                            "period"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255))
    agent_id: Mapped[str | None] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    period: Mapped[str] = mapped_column(String(7))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    first_response_sla_rate: Mapped[float] = mapped_column(Float)
    resolution_sla_rate: Mapped[float] = mapped_column(Float)
    satisfaction_score: Mapped[float] = mapped_column(Float)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class Attachment(AttachmentRow, Base):
    """A file attached to a ticket (issue 20); the columns are
    ``crm_shared.attachments.records.AttachmentRow``'s (``customer_id``: the ticket's customer
    when it names one, kept for the customer's erasure), the bytes in the attachment store."""

    __tablename__ = "attachments"
