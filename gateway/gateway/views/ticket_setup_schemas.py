"""Request and response schemas of the ticket service's configuration and call-back routes
(:mod:`gateway.views.ticket_setup`): routing rules, SLA policies, business calendars, agents,
the ticket policy and call-back tasks, with the examples the OpenAPI document shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.common.v1 import rules_pb2
from crm.ticket.v1 import ticket_pb2
from google.type import dayofweek_pb2
from pydantic import BaseModel, ConfigDict, Field

from gateway.views.ticket_schemas import (
    AgentSelectionWord,
    PriorityWord,
    TicketPageQuery,
    TicketTypeWord,
    ValueClassWord,
    department_path_field,
    partial_model,
    words,
)

MatchWord = words(rules_pb2.MatchMode)
OperatorWord = words(rules_pb2.ConditionOperator)
DayWord = words(dayofweek_pb2.DayOfWeek)
CallbackStateWord = words(ticket_pb2.CallbackTaskState)
CallbackResultWord = words(ticket_pb2.CallbackResult)
USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
STAMP = "2026-03-01T08:30:00Z"
AUDIT = {"create_time": STAMP, "update_time": STAMP, "created_by": USER, "updated_by": USER}
HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
DURATION = "ISO 8601 duration, e.g. `PT4H` or `P3D`."


# --- routing rules --------------------------------------------------------------------------


class RoutingCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(
        min_length=1,
        max_length=64,
        description="`type`, `category`, `title`, `description`, `text`, `keywords`, "
        "`product`, `channel`, `priority`, `customer_value_class`, `customer_at_risk`.",
    )
    operator: OperatorWord
    values: list[str] = Field(default_factory=list, max_length=100)


class RoutingConditionGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: MatchWord | None = Field(None, description="`all` (default) or `any`.")
    conditions: list[RoutingCondition] = Field(default_factory=list, max_length=50)
    groups: list[RoutingConditionGroup] = Field(default_factory=list, max_length=20)


RULE_EXAMPLE_BODY = {
    "display_name": "Delivery problems",
    "description": "物流问题转物流部",
    "condition": {
        "match": "any",
        "conditions": [
            {"field": "category", "operator": "equals", "values": ["delivery"]},
            {"field": "text", "operator": "contains_any", "values": ["快递", "物流"]},
        ],
        "groups": [],
    },
    "target_department_path": "/hq/logistics",
    "agent_selection": "least_loaded",
    "required_skills": [],
    "priority": 40,
    "enabled": True,
}
RULE_EXAMPLE = {"id": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e", **RULE_EXAMPLE_BODY, **AUDIT}


class _RuleFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    condition: RoutingConditionGroup | None = Field(None, description="None: the fallback rule.")
    target_department_path: str = department_path_field("Where matching tickets go.", required=True)
    agent_selection: AgentSelectionWord | None = Field(None, description="Default `least_loaded`.")
    required_skills: list[str] = Field(default_factory=list, max_length=50)
    priority: int = Field(100, ge=0, le=1_000_000, description="Evaluation order, lowest first.")
    enabled: bool = True


class RoutingRuleCreate(_RuleFields):
    """A routing rule; rules are evaluated in `priority` order and the first match wins."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [RULE_EXAMPLE_BODY]})


RoutingRuleUpdate = partial_model(
    _RuleFields,
    "RoutingRuleUpdate",
    "The fields of the rule to change.",
    [{"enabled": False}, {"priority": 10, "target_department_path": "/hq/service"}],
)


class RoutingRule(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [RULE_EXAMPLE]})

    id: str
    display_name: str
    description: str
    condition: RoutingConditionGroup | None = None
    target_department_path: str
    agent_selection: AgentSelectionWord | None = None
    required_skills: list[str]
    priority: int
    enabled: bool
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str


class RoutingRulePage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"rules": [RULE_EXAMPLE], "next_page_token": ""}]}
    )

    rules: list[RoutingRule] = Field(description="In evaluation order.")
    next_page_token: str


class RoutingRuleListQuery(TicketPageQuery):
    target_department_path: str = department_path_field("Only rules targeting this department.")
    enabled: bool | None = None


class RulePath(BaseModel):
    rule_id: str = Field(min_length=1, max_length=64)


# --- SLA policies ---------------------------------------------------------------------------

SLA_EXAMPLE_BODY = {
    "display_name": "Complaints - 24 h resolution",
    "ticket_type": "complaint",
    "priority": None,
    "first_response_target": "PT4H",
    "resolution_target": "P1D",
    "business_hours_only": False,
    "warning_before": "PT2H",
    "untouched_reminder_after": "P1D",
    "escalate_after": "PT4H",
    "enabled": True,
}
SLA_EXAMPLE = {"id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", **SLA_EXAMPLE_BODY, **AUDIT}


class _SlaFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    ticket_type: TicketTypeWord | None = Field(None, description="None: any type.")
    priority: PriorityWord | None = Field(None, description="None: any priority.")
    first_response_target: timedelta | None = Field(None, description=DURATION)
    resolution_target: timedelta | None = Field(None, description=DURATION)
    business_hours_only: bool = Field(
        False, description="Count the department calendar's business hours only."
    )
    warning_before: timedelta | None = Field(None, description=DURATION)
    untouched_reminder_after: timedelta | None = Field(
        None, description=DURATION + " Default 24 h."
    )
    escalate_after: timedelta | None = Field(
        None, description=DURATION + " After the reminder, still untouched."
    )
    enabled: bool = True


class SlaPolicyCreate(_SlaFields):
    """Targets for tickets of a type and priority; the most specific enabled policy applies."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SLA_EXAMPLE_BODY]})


SlaPolicyUpdate = partial_model(
    _SlaFields,
    "SlaPolicyUpdate",
    "The fields of the policy to change; applies to tickets created afterwards.",
    [{"resolution_target": "PT12H"}],
)


class SlaPolicy(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [SLA_EXAMPLE]})

    id: str
    display_name: str
    ticket_type: TicketTypeWord | None = None
    priority: PriorityWord | None = None
    first_response_target: timedelta | None = None
    resolution_target: timedelta | None = None
    business_hours_only: bool
    warning_before: timedelta | None = None
    untouched_reminder_after: timedelta | None = None
    escalate_after: timedelta | None = None
    enabled: bool
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str


class SlaPolicyPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"policies": [SLA_EXAMPLE], "next_page_token": ""}]}
    )

    policies: list[SlaPolicy]
    next_page_token: str


class SlaPolicyListQuery(TicketPageQuery):
    ticket_type: TicketTypeWord | None = None


class SlaPolicyPath(BaseModel):
    policy_id: str = Field(min_length=1, max_length=64)


# --- business calendars ---------------------------------------------------------------------


class WorkingHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: DayWord
    opens_at: str = Field(pattern=HH_MM, description="Local `HH:MM`.")
    closes_at: str = Field(pattern=HH_MM, description="Local `HH:MM`.")


class CalendarDay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: str = Field(pattern=ISO_DATE, description="`YYYY-MM-DD`.")
    name: str = Field("", max_length=200)
    weekday_like: DayWord | None = Field(
        None, description="Extra working days: the weekday whose hours apply."
    )


CALENDAR_EXAMPLE_BODY = {
    "display_name": "Mainland China office hours",
    "department_path": "/hq/tech",
    "time_zone": "Asia/Shanghai",
    "working_hours": [
        {"day": day, "opens_at": "09:00", "closes_at": "18:00"}
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    ],
    "holidays": [{"date": "2026-10-01", "name": "国庆节", "weekday_like": None}],
    "extra_working_days": [{"date": "2026-10-10", "name": "调休", "weekday_like": "friday"}],
}
CALENDAR_EXAMPLE = {"id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", **CALENDAR_EXAMPLE_BODY, **AUDIT}


class _CalendarFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    department_path: str = department_path_field("Empty for the default calendar.")
    time_zone: str = Field(min_length=1, max_length=64, description="IANA, e.g. `Asia/Shanghai`.")
    working_hours: list[WorkingHours] = Field(default_factory=list, max_length=50)
    holidays: list[CalendarDay] = Field(default_factory=list, max_length=400)
    extra_working_days: list[CalendarDay] = Field(default_factory=list, max_length=400)


class BusinessCalendarCreate(_CalendarFields):
    """Working hours and holidays of a department (and its subtree) or the default."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [CALENDAR_EXAMPLE_BODY]}
    )


BusinessCalendarUpdate = partial_model(
    _CalendarFields,
    "BusinessCalendarUpdate",
    "The fields of the calendar to change (lists are replaced whole).",
    [{"holidays": [{"date": "2026-10-01", "name": "国庆节"}]}],
)


class BusinessCalendar(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [CALENDAR_EXAMPLE]})

    id: str
    display_name: str
    department_path: str
    time_zone: str
    working_hours: list[WorkingHours]
    holidays: list[CalendarDay]
    extra_working_days: list[CalendarDay]
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str


class BusinessCalendarPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"calendars": [CALENDAR_EXAMPLE], "next_page_token": ""}]}
    )

    calendars: list[BusinessCalendar]
    next_page_token: str


class CalendarPath(BaseModel):
    calendar_id: str = Field(min_length=1, max_length=64)


class PublicHolidayFill(BaseModel):
    """Which year's Chinese public holidays and make-up working days to add."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"year": 2026}]})

    year: int = Field(
        ge=1,
        le=9999,
        description="The year, e.g. 2026; one the service's holiday data does not know yet is refused on `year`.",
    )


class PublicHolidayFillResult(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"calendar": CALENDAR_EXAMPLE, "holidays_added": 33, "extra_working_days_added": 6}
            ]
        },
    )

    calendar: BusinessCalendar
    holidays_added: int = Field(
        0, description="Holidays added (0 when the year was filled before)."
    )
    extra_working_days_added: int = Field(0, description="Make-up working days added.")


# --- agents ---------------------------------------------------------------------------------

AGENT_EXAMPLE = {
    "user_id": USER,
    "display_name": "赵军",
    "department_path": "/hq/tech",
    "skills": ["network"],
    "max_open_tickets": 10,
    "available": True,
    "available_again_time": None,
    "open_ticket_count": 3,
    "department_lead": False,
    "active": True,
    "last_assign_time": STAMP,
}


class _AgentChanges(BaseModel):
    skills: list[str] = Field(max_length=50)
    max_open_tickets: int = Field(ge=0, le=10_000, description="0: no limit.")
    available: bool
    available_again_time: datetime


AgentUpdate = partial_model(
    _AgentChanges,
    "AgentUpdate",
    "The agent's skills, capacity or availability to change.",
    [{"available": False, "available_again_time": "2026-03-08T01:00:00Z"}],
)


class Agent(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [AGENT_EXAMPLE]})

    user_id: str
    display_name: str
    department_path: str
    skills: list[str]
    max_open_tickets: int
    available: bool
    available_again_time: datetime | None = None
    open_ticket_count: int
    department_lead: bool
    active: bool
    last_assign_time: datetime | None = None


class AgentPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"agents": [AGENT_EXAMPLE], "next_page_token": ""}]}
    )

    agents: list[Agent]
    next_page_token: str


class AgentListQuery(TicketPageQuery):
    department_path: str = department_path_field("Only agents of this department (not subtree).")
    skill: str = Field("", max_length=64)
    available: bool | None = None


class AgentPath(BaseModel):
    user_id: str = Field(min_length=1, max_length=64)


# --- ticket policy --------------------------------------------------------------------------

POLICY_BODY = {
    "raise_priority_value_classes": ["a"],
    "raise_priority_when_at_risk": True,
    "callback_within": "P1D",
    "service_record_within": "PT2H",
    "auto_close_after": "P3D",
}


class TicketPolicyPut(BaseModel):
    """The whole ticket policy (every figure is configuration)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [POLICY_BODY]})

    raise_priority_value_classes: list[ValueClassWord] = Field(
        description="Customers of these classes get their tickets' priority raised one level."
    )
    raise_priority_when_at_risk: bool
    callback_within: timedelta = Field(description=DURATION + " After resolution.")
    service_record_within: timedelta = Field(description=DURATION + " After the service.")
    auto_close_after: timedelta = Field(
        description=DURATION + " Resolved and unconfirmed; `PT0S` never."
    )


class TicketPolicy(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{**POLICY_BODY, "update_time": STAMP, "updated_by": USER}]},
    )

    raise_priority_value_classes: list[ValueClassWord]
    raise_priority_when_at_risk: bool
    callback_within: timedelta | None = None
    service_record_within: timedelta | None = None
    auto_close_after: timedelta | None = None
    update_time: datetime | None = None
    updated_by: str


# --- call-back tasks ------------------------------------------------------------------------

TASK_EXAMPLE = {
    "id": "0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a",
    "ticket_id": "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    "ticket_number": "T20260301-0007",
    "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
    "assignee_id": USER,
    "department_path": "/hq/sales/east",
    "due_time": "2026-03-02T08:30:00Z",
    "state": "done",
    "result": "satisfied",
    "note": "客户表示满意",
    "complete_time": "2026-03-01T15:00:00Z",
    "create_time": STAMP,
    "update_time": "2026-03-01T15:00:00Z",
}


class CallbackTask(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [TASK_EXAMPLE]})

    id: str
    ticket_id: str
    ticket_number: str
    customer_id: str
    assignee_id: str = Field(description="The account manager who calls back.")
    department_path: str
    due_time: datetime | None = None
    state: CallbackStateWord | None = None
    result: CallbackResultWord | None = None
    note: str
    complete_time: datetime | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None


class CallbackTaskPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"tasks": [TASK_EXAMPLE], "next_page_token": ""}]}
    )

    tasks: list[CallbackTask] = Field(description="Earliest due first.")
    next_page_token: str


class CallbackTaskListQuery(TicketPageQuery):
    assignee_id: str = Field("", max_length=64)
    department_path: str = department_path_field("Account managers inside this subtree.")
    state: list[CallbackStateWord] = Field(default_factory=list, description="Any of these.")
    ticket_id: str = Field("", max_length=64)


class CallbackTaskPath(BaseModel):
    task_id: str = Field(min_length=1, max_length=64)


class CallbackCompletion(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"result": "needs_follow_up", "note": "仍偶发掉线", "reopen_ticket": True}]
        },
    )

    result: CallbackResultWord
    note: str = Field("", max_length=2000)
    reopen_ticket: bool = Field(False, description="With `needs_follow_up`: reopen the ticket.")
