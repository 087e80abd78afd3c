"""Request and response schemas of the ticket routes (and the helpers the ticket set-up and
knowledge routes share): pydantic models mirroring ``crm.ticket.v1`` in the REST conventions of
:mod:`crm_shared.protojson`, with the examples the OpenAPI document shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from crm.common.v1 import types_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.field_limits import max_length, orders
from crm_shared.protojson import enum_words
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic.fields import FieldInfo

from gateway.views.customers import LocaleWord, TableFormatWord
from gateway.views.dashboard import DateRange, Kpi

DEPARTMENT_PATH = r"^(/[a-z0-9][a-z0-9_-]{0,62})+$"
TICKET_MAX = {  # the ticket service's limits, declared once in crm_shared.field_limits
    name: max_length(ticket_pb2.Ticket, name)
    for name in ("title", "description", "product", "customer_id", "contact_id", "reporter_name")
}
TicketOrder = Literal[orders(ticket_pb2.ListTicketsRequest)]  # type: ignore[misc]


def words(enum) -> Any:
    """The JSON words of a contract enum, as a ``Literal`` (a value added to the .proto is
    accepted here too)."""
    return Literal[tuple(enum_words(enum.DESCRIPTOR))]  # type: ignore[misc]


TicketTypeWord = words(ticket_pb2.TicketType)
PriorityWord = words(ticket_pb2.TicketPriority)
StateWord = words(ticket_pb2.TicketState)
ChannelWord = words(ticket_pb2.TicketChannel)
HistoryKindWord = words(ticket_pb2.TicketHistoryKind)
RoutingKindWord = words(ticket_pb2.RoutingKind)
AgentSelectionWord = words(ticket_pb2.AgentSelection)
VisibilityWord = words(ticket_pb2.CommentVisibility)
ValueClassWord = words(types_pb2.ValueClass)


def department_path_field(description: str, *, required: bool = False) -> Any:
    default = ... if required else ""
    return Field(
        default,
        max_length=255,
        pattern=DEPARTMENT_PATH if required else f"({DEPARTMENT_PATH})|^$",
        description=description,
    )


def partial_model(model: type[BaseModel], name: str, doc: str, examples: list[dict]) -> type:
    """``model`` with every field optional, for a ``PATCH``: the fields sent (not ``null``)
    are the update mask; at least one is required (an ``etag`` alone changes nothing)."""
    fields = {}
    for field_name, info in model.model_fields.items():
        optional = FieldInfo.merge_field_infos(info, default=None, default_factory=None)
        fields[field_name] = (info.annotation, optional)

    def something_to_change(self):
        if not {k for k in self.model_fields_set if getattr(self, k) is not None} - {"etag"}:
            raise ValueError("name at least one field to change")
        return self

    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": examples}),
        __doc__=doc,
        __module__=model.__module__,
        __validators__={"something_to_change": model_validator(mode="after")(something_to_change)},
        **fields,
    )


def sent_fields(body: BaseModel) -> dict[str, Any]:
    """The fields the caller sent (``null`` counts as not sent), as python values: a patch."""
    return {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}


def all_fields(body: BaseModel) -> dict[str, Any]:
    """Every field, defaults included (``null`` is unset), as python values: a create."""
    return {k: v for k, v in body.model_dump().items() if v is not None}


# --- request models -------------------------------------------------------------------------


class TicketCreate(BaseModel):
    """A new ticket. It is routed at once: the category (inferred from the text when empty),
    keywords, product, channel and the customer's value class pick the department."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "type": "complaint",
                    "title": "快递三天未送达",
                    "description": "订单 SO-1001 的包裹三天没有物流更新",
                    "category": "delivery",
                    "channel": "phone",
                    "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
                }
            ]
        },
    )

    type: TicketTypeWord
    title: str = Field(min_length=1, max_length=TICKET_MAX["title"])
    description: str = Field(min_length=1, max_length=TICKET_MAX["description"])
    category: str = Field(
        "",
        max_length=64,
        description="`product_quality`, `service_attitude`, `technical`, `delivery`, …; "
        "inferred from the text when empty.",
    )
    channel: ChannelWord | None = None
    product: str = Field("", max_length=TICKET_MAX["product"])
    keywords: list[str] = Field(default_factory=list, max_length=50)
    priority: PriorityWord | None = Field(None, description="Default `normal`.")
    customer_id: str = Field(
        "",
        max_length=TICKET_MAX["customer_id"],
        description="Required unless the reporter's contact details are given.",
    )
    contact_id: str = Field("", max_length=TICKET_MAX["contact_id"])
    reporter_name: str = Field("", max_length=TICKET_MAX["reporter_name"])
    reporter_phone: str = Field("", max_length=32)
    reporter_email: str = Field("", max_length=320)
    external_ids: dict[str, str] = Field(
        default_factory=dict, description='Ids in other systems, e.g. `{"call_centre": "CC-1"}`.'
    )


class _TicketChanges(BaseModel):
    title: str = Field(min_length=1, max_length=TICKET_MAX["title"])
    description: str = Field(min_length=1, max_length=TICKET_MAX["description"])
    category: str = Field(max_length=64)
    product: str = Field(max_length=TICKET_MAX["product"])
    keywords: list[str] = Field(max_length=50)
    contact_id: str = Field(max_length=TICKET_MAX["contact_id"])
    reporter_name: str = Field(max_length=TICKET_MAX["reporter_name"])
    reporter_phone: str = Field(max_length=32)
    reporter_email: str = Field(max_length=320)
    external_ids: dict[str, str]


TicketUpdate = partial_model(
    _TicketChanges,
    "TicketUpdate",
    "The descriptive fields to change (state, department and assignee change only through "
    "the transitions).",
    [{"title": "快递五天未送达", "keywords": ["物流", "延误"]}],
)


class TicketPath(BaseModel):
    ticket_id: str = Field(min_length=1, max_length=64)


class TicketViewQuery(BaseModel):
    view: Literal["basic", "full"] = Field(
        "full", description="`full` (default) adds the history and the routing decisions."
    )


class TicketPageQuery(BaseModel):
    page_size: int | None = Field(None, ge=1, le=1000, description="The service caps it.")
    page_token: str = Field(
        "", max_length=2048, description="`next_page_token` of the previous page."
    )


class TicketFilterQuery(BaseModel):
    """The selection filters shared by the list and the export; they combine with AND."""

    query: str = Field("", max_length=200, description="Text in the number, title or description.")
    state: list[StateWord] = Field(default_factory=list, description="Any of these states.")
    type: list[TicketTypeWord] = Field(default_factory=list, description="Any of these types.")
    priority: list[PriorityWord] = Field(
        default_factory=list, description="Any of these priorities."
    )
    department_path: str = department_path_field("Only tickets held inside this subtree.")
    assignee_id: str = Field("", max_length=64)
    customer_id: str = Field("", max_length=TICKET_MAX["customer_id"])
    account_manager_id: str = Field("", max_length=64)
    category: str = Field("", max_length=64)
    sla_breached: bool | None = None
    created_after: datetime | None = Field(None, description="Created at or after this time.")
    created_before: datetime | None = Field(None, description="Created before this time.")
    order_by: TicketOrder = Field(  # type: ignore[valid-type]
        orders(ticket_pb2.ListTicketsRequest)[0],
        description="`priority` puts urgent tickets first; `sla.resolution_due_time` is the "
        "queue's order (soonest resolution due first, tickets without one last).",
    )


class TicketListQuery(TicketPageQuery, TicketFilterQuery):
    pass


class TicketExportQuery(TicketFilterQuery):
    columns: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list,
        max_length=50,
        description="Columns to write, by key (`number`, `title`, `state`, `reporter_phone`...: "
        "the ticket service's README lists them); all by default. An unknown one is a 422.",
    )
    access_purpose: str = Field(
        "", max_length=500, description="Written to the audit log with reporter contacts."
    )
    format: TableFormatWord = Field("csv", description="`csv` or `xlsx` (an Excel workbook).")
    locale: LocaleWord | None = Field(
        None,
        description="For a person: `zh-CN` heads the columns in Chinese (工单编号...) and writes "
        "Chinese state, type, priority and channel words, `en-US` English; either starts a CSV "
        "with the UTF-8 byte-order mark. Without it the file is the stable machine format: the "
        "columns' keys, enum words, no byte-order mark.",
    )


class TicketHistoryQuery(TicketPageQuery):
    kind: list[HistoryKindWord] = Field(default_factory=list, description="Any of these kinds.")


class CommentListQuery(TicketPageQuery):
    visibility: VisibilityWord | None = None


class KnowledgeSuggestionQuery(TicketPageQuery):
    locale: Literal["zh-CN", "en-US"] | None = None


class KpiQuery(BaseModel):
    start_date: date = Field(description="First day of the period, inclusive.")
    end_date: date = Field(description="Last day of the period, inclusive.")
    department_path: str = department_path_field(
        "Department subtree; default everything the caller sees."
    )
    group_by_department: bool = Field(False, description="Also per direct sub-department.")

    @model_validator(mode="after")
    def ordered(self) -> KpiQuery:
        if self.end_date < self.start_date:
            raise ValueError("`end_date` must not be before `start_date`")
        return self


# Transition bodies: one per verb, named for what it needs. ``etag`` is the ticket's version
# tag as read; sent, the transition fails with 409 if the ticket changed meanwhile.
ETAG = Field("", max_length=64, description="`etag` of the ticket as read; optional.")
REASON = Field("", max_length=2000)
REQUIRED_REASON = Field(min_length=1, max_length=2000)


def _body(name: str, doc: str, example: dict, **fields: Any) -> type[BaseModel]:
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [example]}),
        __doc__=doc,
        __module__=__name__,
        **fields,
    )


RouteBody = _body(
    "TicketRoute",
    "Route again: to the named department, or by the rules when none is named.",
    {"department_path": "/hq/product", "reason": "产品质量问题"},
    department_path=(str, department_path_field("Empty re-runs the routing rules.")),
    reason=(str, REASON),
    etag=(str, ETAG),
)
AssignBody = _body(
    "TicketAssign",
    "Assign to an agent of the ticket's department; none named picks one by load and skills.",
    {"assignee_id": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b", "reason": "熟悉该产品"},
    assignee_id=(str, Field("", max_length=64)),
    reason=(str, REASON),
    etag=(str, ETAG),
)
TransferBody = _body(
    "TicketTransfer",
    "Transfer to another department; the history stays with the ticket.",
    {"department_path": "/hq/logistics", "reason": "实为物流延误"},
    department_path=(str, department_path_field("Target department.", required=True)),
    reason=(str, REQUIRED_REASON),
    assignee_id=(str, Field("", max_length=64, description="Empty picks one by load and skills.")),
    etag=(str, ETAG),
)
NoteBody = _body(
    "TicketNote",
    "A transition with an optional note (send `{}` for none).",
    {"reason": "已联系客户"},
    reason=(str, REASON),
    etag=(str, ETAG),
)
ReasonBody = _body(
    "TicketReason",
    "A transition that needs a reason.",
    {"reason": "等待客户提供订单截图"},
    reason=(str, REQUIRED_REASON),
    etag=(str, ETAG),
)
ResolveBody = _body(
    "TicketResolve",
    "Resolve with the resolution; the account manager's call-back task is created.",
    {"resolution": "已补发包裹", "create_knowledge_article": True},
    resolution=(str, Field(min_length=1, max_length=10_000)),
    create_knowledge_article=(bool, Field(False, description="Also draft a solved case.")),
    etag=(str, ETAG),
)
EscalateBody = _body(
    "TicketEscalate",
    "Escalate to the department lead.",
    {"reason": "客户多次投诉"},
    reason=(str, REQUIRED_REASON),
)
PriorityBody = _body(
    "TicketPriorityChange",
    "Change the priority; the SLA due times are recomputed.",
    {"priority": "urgent", "reason": "影响生产线"},
    priority=(PriorityWord, ...),
    reason=(str, REQUIRED_REASON),
)


class CommentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"body": "已联系快递公司核实", "visibility": "public"}]},
    )

    body: str = Field(min_length=1, max_length=10_000)
    visibility: VisibilityWord | None = Field(
        None, description="Default `internal`; a `public` reply by an agent is the first response."
    )


class ServiceRecordCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "actions_taken": "上门更换路由器",
                    "customer_feedback": "满意",
                    "next_plan": "一周后回访",
                    "service_time": "2026-03-01T09:00:00Z",
                }
            ]
        },
    )

    actions_taken: str = Field(min_length=1, max_length=10_000)
    customer_feedback: str = Field("", max_length=10_000)
    next_plan: str = Field("", max_length=10_000)
    service_time: datetime | None = Field(None, description="When it was done; default now.")


# --- responses ------------------------------------------------------------------------------

USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
TICKET_ID = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
HISTORY_EXAMPLE = {
    "id": "5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b",
    "ticket_id": TICKET_ID,
    "kind": "transferred",
    "from_state": "routed",
    "to_state": "routed",
    "from_department_path": "/hq/service",
    "to_department_path": "/hq/logistics",
    "from_assignee_id": USER,
    "to_assignee_id": "",
    "from_priority": None,
    "to_priority": None,
    "actor_id": USER,
    "reason": "实为物流延误",
    "routing_decision_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
    "occur_time": "2026-03-01T08:40:00Z",
}
DECISION_EXAMPLE = {
    "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
    "ticket_id": TICKET_ID,
    "kind": "initial",
    "rule_id": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
    "rule_name": "Delivery problems",
    "matched_conditions": ["category = delivery"],
    "department_path": "/hq/logistics",
    "fallback": False,
    "agent_selection": "least_loaded",
    "required_skills": [],
    "candidates": [
        {
            "agent_id": USER,
            "eligible": True,
            "skip_reason": "",
            "open_ticket_count": 2,
            "matched_skill_count": 0,
            "selected": True,
        }
    ],
    "assignee_id": USER,
    "tie_broken_at_random": False,
    "customer_value_class": "a",
    "customer_at_risk": False,
    "priority_before": "normal",
    "priority_after": "high",
    "reason": "rule 'Delivery problems' -> /hq/logistics; least loaded of 1 agent",
    "actor_id": "",
    "decide_time": "2026-03-01T08:30:00Z",
}
TICKET_EXAMPLE = {
    "id": TICKET_ID,
    "number": "T20260301-0007",
    "type": "complaint",
    "category": "delivery",
    "title": "快递三天未送达",
    "description": "订单 SO-1001 的包裹三天没有物流更新",
    "channel": "phone",
    "product": "",
    "keywords": ["快递"],
    "priority": "high",
    "priority_reason": "raised: A-class customer",
    "state": "routed",
    "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
    "contact_id": "",
    "reporter_name": "",
    "reporter_phone": "",
    "reporter_email": "",
    "customer_value_class": "a",
    "customer_at_risk": False,
    "department_path": "/hq/logistics",
    "assignee_id": USER,
    "account_manager_id": USER,
    "sla": {
        "policy_id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
        "first_response_due_time": "2026-03-01T12:30:00Z",
        "resolution_due_time": "2026-03-02T08:30:00Z",
        "first_response_breached": False,
        "resolution_breached": False,
        "paused": False,
        "paused_duration": None,
        "warning_time": None,
        "reminder_time": None,
        "escalate_time": None,
    },
    "resolution": "",
    "transfer_count": 0,
    "reopen_count": 0,
    "escalation_level": 0,
    "satisfaction_score": None,
    "external_ids": {},
    "create_time": "2026-03-01T08:30:00Z",
    "update_time": "2026-03-01T08:30:00Z",
    "route_time": "2026-03-01T08:30:00Z",
    "first_response_time": None,
    "resolve_time": None,
    "confirm_time": None,
    "close_time": None,
    "last_activity_time": "2026-03-01T08:30:00Z",
    "created_by": USER,
    "updated_by": USER,
    "etag": "1",
    "history": [],
    "routing_decisions": [DECISION_EXAMPLE],
}
COMMENT_EXAMPLE = {
    "id": "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a",
    "ticket_id": TICKET_ID,
    "author_id": USER,
    "body": "已联系快递公司核实",
    "visibility": "public",
    "create_time": "2026-03-01T09:00:00Z",
}
SERVICE_RECORD_EXAMPLE = {
    "id": "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b",
    "ticket_id": TICKET_ID,
    "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
    "author_id": USER,
    "actions_taken": "上门更换路由器",
    "customer_feedback": "满意",
    "next_plan": "一周后回访",
    "service_time": "2026-03-01T09:00:00Z",
    "late": False,
    "create_time": "2026-03-01T09:30:00Z",
}


class TicketSla(BaseModel):
    model_config = ConfigDict(extra="ignore")

    policy_id: str
    first_response_due_time: datetime | None = None
    resolution_due_time: datetime | None = None
    first_response_breached: bool
    resolution_breached: bool
    paused: bool = Field(description="True while waiting on the customer.")
    paused_duration: timedelta | None = Field(None, description="ISO 8601 duration, e.g. `PT2H`.")
    warning_time: datetime | None = None
    reminder_time: datetime | None = None
    escalate_time: datetime | None = None


class TicketHistoryEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [HISTORY_EXAMPLE]})

    id: str
    ticket_id: str
    kind: HistoryKindWord | None = None
    from_state: StateWord | None = None
    to_state: StateWord | None = None
    from_department_path: str
    to_department_path: str
    from_assignee_id: str
    to_assignee_id: str
    from_priority: PriorityWord | None = None
    to_priority: PriorityWord | None = None
    actor_id: str = Field(description="Empty for the system (routing, SLA timers).")
    reason: str
    routing_decision_id: str
    occur_time: datetime | None = None


class RoutingCandidate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agent_id: str
    eligible: bool
    skip_reason: str = Field(
        description="`unavailable`, `at_capacity`, `missing_skills`, `inactive`; empty if eligible."
    )
    open_ticket_count: int
    matched_skill_count: int
    selected: bool


class RoutingDecision(BaseModel):
    """Which department and agent got the ticket, and why."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [DECISION_EXAMPLE]})

    id: str
    ticket_id: str
    kind: RoutingKindWord | None = None
    rule_id: str
    rule_name: str
    matched_conditions: list[str]
    department_path: str
    fallback: bool
    agent_selection: AgentSelectionWord | None = None
    required_skills: list[str]
    candidates: list[RoutingCandidate]
    assignee_id: str
    tie_broken_at_random: bool
    customer_value_class: ValueClassWord | None = None
    customer_at_risk: bool
    priority_before: PriorityWord | None = None
    priority_after: PriorityWord | None = None
    reason: str
    actor_id: str
    decide_time: datetime | None = None


class Ticket(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [TICKET_EXAMPLE]})

    id: str
    number: str = Field(description="Human-readable number, e.g. `T20240301-0007`.")
    type: TicketTypeWord | None = None
    category: str
    title: str
    description: str
    channel: ChannelWord | None = None
    product: str
    keywords: list[str]
    priority: PriorityWord | None = None
    priority_reason: str
    state: StateWord | None = None
    customer_id: str
    contact_id: str
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    customer_value_class: ValueClassWord | None = None
    customer_at_risk: bool
    department_path: str = Field(description="Path of the department that holds the ticket.")
    assignee_id: str = Field(description="Empty while unassigned.")
    account_manager_id: str
    sla: TicketSla | None = None
    resolution: str
    transfer_count: int
    reopen_count: int
    escalation_level: int = Field(description="0 none, 1 owner reminded, 2 escalated to the lead.")
    satisfaction_score: float | None = None
    external_ids: dict[str, str]
    create_time: datetime | None = None
    update_time: datetime | None = None
    route_time: datetime | None = None
    first_response_time: datetime | None = None
    resolve_time: datetime | None = None
    confirm_time: datetime | None = None
    close_time: datetime | None = None
    last_activity_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str
    history: list[TicketHistoryEntry] = Field(description="Oldest first; `full` view only.")
    routing_decisions: list[RoutingDecision] = Field(description="Oldest first; `full` view only.")


class TicketPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tickets": [{**TICKET_EXAMPLE, "routing_decisions": []}],
                    "next_page_token": "",
                    "total_size": 1,
                }
            ]
        }
    )

    tickets: list[Ticket]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")
    total_size: int


class TicketHistory(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"entries": [HISTORY_EXAMPLE], "next_page_token": ""}]}
    )

    entries: list[TicketHistoryEntry]
    next_page_token: str


class RoutingDecisionPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"routing_decisions": [DECISION_EXAMPLE], "next_page_token": ""}]
        }
    )

    routing_decisions: list[RoutingDecision]
    next_page_token: str


class TicketComment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [COMMENT_EXAMPLE]})

    id: str
    ticket_id: str
    author_id: str
    body: str
    visibility: VisibilityWord | None = None
    create_time: datetime | None = None


class TicketCommentPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"comments": [COMMENT_EXAMPLE], "next_page_token": ""}]}
    )

    comments: list[TicketComment]
    next_page_token: str


class ServiceRecord(BaseModel):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [SERVICE_RECORD_EXAMPLE]}
    )

    id: str
    ticket_id: str
    customer_id: str
    author_id: str
    actions_taken: str
    customer_feedback: str
    next_plan: str
    service_time: datetime | None = None
    late: bool = Field(description="Entered later than the policy's window after the service.")
    create_time: datetime | None = None


class ServiceRecordPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"service_records": [SERVICE_RECORD_EXAMPLE], "next_page_token": ""}]
        }
    )

    service_records: list[ServiceRecord]
    next_page_token: str


class TicketKpiGroup(BaseModel):
    key: str = Field(description="Department path of the group.")
    display_name: str
    kpis: list[Kpi]


KPI_EXAMPLE = {
    "key": "sla_compliance_rate",
    "display_name": "SLA compliance rate",
    "value": 0.93,
    "previous_value": 0.9,
    "target": 0.95,
    "unit": "ratio",
    "higher_is_better": True,
    "sample_size": 120,
}


class TicketKpis(BaseModel):
    """`first_response_hours_avg`, `resolution_hours_avg`, `sla_compliance_rate`,
    `complaint_timeliness_rate`, `need_resolution_rate`, `transfer_count`, `reopen_rate`,
    `backlog`, `callback_on_time_rate`."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "period": {"start_date": "2026-03-01", "end_date": "2026-03-31"},
                    "previous_period": {"start_date": "2026-01-29", "end_date": "2026-02-28"},
                    "department_path": "/hq/tech",
                    "kpis": [KPI_EXAMPLE],
                    "groups": [],
                    "compute_time": "2026-04-01T00:00:00Z",
                    "source_service": "ticket",
                }
            ]
        },
    )

    period: DateRange | None = None
    previous_period: DateRange | None = None
    department_path: str
    kpis: list[Kpi]
    groups: list[TicketKpiGroup]
    compute_time: datetime | None = None
    source_service: str
