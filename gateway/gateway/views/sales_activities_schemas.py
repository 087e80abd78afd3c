"""Request and response schemas of the follow-up routes (:mod:`gateway.views.sales_activities`):
pydantic models mirroring ``crm.sales.v1`` follow-ups in the REST conventions of
:mod:`crm_shared.protojson`, with the examples the OpenAPI document shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.field_limits import max_lengths
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.views.customer_schemas import response_model
from gateway.views.customers import Money
from gateway.views.dashboard import DateRange
from gateway.views.ticket_schemas import (
    TicketPageQuery,
    department_path_field,
    partial_model,
    words,
)

MethodWord = words(sales_pb2.FollowUpMethod)
ReasonWord = words(sales_pb2.FollowUpReason)
TaskStateWord = words(sales_pb2.FollowUpTaskState)
ValueClassWord = words(types_pb2.ValueClass)
GradeWord = words(sales_pb2.LeadGrade)
StageWord = words(sales_pb2.OpportunityStage)

REP = "6f1c2e3d-4b5a-5c6d-8e7f-9a0b1c2d3e4f"
LEAD = "1d2e3f4a-5b6c-5d7e-8f9a-0b1c2d3e4f5a"
CUSTOMER = "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f"
ACTIVITY_ID = "8c7b6a5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d"
TASK_ID = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
PLAN_ID = "4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f7a"
ID = Field("", max_length=64)
# The sales service's limits, declared once in crm_shared.field_limits.
ACTIVITY_MAX = max_lengths(sales_pb2.Activity)
QUALIFICATION_MAX = max_lengths(sales_pb2.LeadQualification)
COMMENT_MAX = max_lengths(sales_pb2.ActivityComment)
TASK_MAX = max_lengths(sales_pb2.FollowUpTask)


class FollowUpPageQuery(TicketPageQuery):
    """``page_size`` and ``page_token``."""


class ActivityQualification(BaseModel):
    """Need, budget and decision maker: required on the first follow-up of a lead."""

    model_config = ConfigDict(extra="forbid")

    need: str = Field("", max_length=QUALIFICATION_MAX["need"])
    budget: Money | None = Field(None, description="0 with a `budget_note` when unknown.")
    budget_note: str = Field("", max_length=QUALIFICATION_MAX["budget_note"])
    decision_maker: str = Field("", max_length=QUALIFICATION_MAX["decision_maker"])
    timeframe: str = Field("", max_length=QUALIFICATION_MAX["timeframe"])


QUALIFICATION_EXAMPLE = {
    "need": "200 个坐席的呼叫中心",
    "budget": {"currency_code": "CNY", "amount_minor": 50_000_000},
    "budget_note": "",
    "decision_maker": "王总（CIO）",
    "timeframe": "三个月内",
}


class ActivityCreate(BaseModel):
    """A follow-up record: one contact with a customer and/or a lead. A `next_step_due_date`
    opens a follow-up task; the first record of a lead must carry its `qualification`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_id": CUSTOMER,
                    "method": "visit",
                    "occur_time": "2026-03-02T10:00:00Z",
                    "topic": "方案演示",
                    "summary": "演示了呼叫中心方案，客户关注交付周期",
                    "customer_feedback": "希望两个月内上线",
                    "objection": "价格偏高",
                    "next_step": "发送报价单",
                    "next_step_due_date": "2026-03-05",
                }
            ]
        },
    )

    customer_id: str = Field("", max_length=ACTIVITY_MAX["customer_id"])
    lead_id: str = Field("", max_length=ACTIVITY_MAX["lead_id"])
    opportunity_id: str = Field("", max_length=ACTIVITY_MAX["opportunity_id"])
    contact_id: str = Field("", max_length=ACTIVITY_MAX["contact_id"])
    contact_name: str = Field("", max_length=ACTIVITY_MAX["contact_name"])
    method: MethodWord
    occur_time: datetime = Field(description="When the contact took place.")
    topic: str = Field(min_length=1, max_length=ACTIVITY_MAX["topic"])
    summary: str = Field(min_length=1, max_length=ACTIVITY_MAX["summary"])
    customer_feedback: str = Field("", max_length=ACTIVITY_MAX["customer_feedback"])
    objection: str = Field("", max_length=ACTIVITY_MAX["objection"])
    next_step: str = Field("", max_length=ACTIVITY_MAX["next_step"])
    next_step_due_date: date | None = Field(None, description="Opens a follow-up task.")
    qualification: ActivityQualification | None = None
    follow_up_task_id: str = Field(
        "", max_length=ACTIVITY_MAX["follow_up_task_id"], description="The task this completes."
    )
    churn_reason: str = Field(
        "", max_length=ACTIVITY_MAX["churn_reason"],
        description="Why the customer left: a code from `/api/v1/sales/churn-reasons`. Required "
                    "when the record completes a win-back task, refused on any other.")
    churn_note: str = Field("", max_length=ACTIVITY_MAX["churn_note"],
                            description="Free text on the churn reason.")


class _ActivityChanges(BaseModel):
    contact_id: str = Field(max_length=ACTIVITY_MAX["contact_id"])
    contact_name: str = Field(max_length=ACTIVITY_MAX["contact_name"])
    method: MethodWord
    occur_time: datetime
    topic: str = Field(min_length=1, max_length=ACTIVITY_MAX["topic"])
    summary: str = Field(min_length=1, max_length=ACTIVITY_MAX["summary"])
    customer_feedback: str = Field(max_length=ACTIVITY_MAX["customer_feedback"])
    objection: str = Field(max_length=ACTIVITY_MAX["objection"])
    next_step: str = Field(max_length=ACTIVITY_MAX["next_step"])
    qualification: ActivityQualification
    etag: str = Field(max_length=64, description="`etag` as read; 409 when it changed since.")


ActivityUpdate = partial_model(
    _ActivityChanges, "ActivityUpdate",
    "The fields of a follow-up record to change (by its author).",
    [{"summary": "客户同意试用一个月", "etag": 'W/"1"'}])


class ActivityPath(BaseModel):
    activity_id: str = Field(min_length=1, max_length=64)


class ActivityListQuery(FollowUpPageQuery):
    customer_id: str = ID
    lead_id: str = ID
    opportunity_id: str = ID
    owner_id: str = ID
    department_path: str = department_path_field("Only records of reps inside this subtree.")
    method: list[MethodWord] = Field(default_factory=list, description="Any of these methods.")
    start_time: datetime | None = Field(None, description="Contacts at or after this time.")
    end_time: datetime | None = Field(None, description="Contacts before this time.")


ACTIVITY_EXAMPLE = {
    "id": ACTIVITY_ID,
    "customer_id": CUSTOMER,
    "lead_id": "",
    "opportunity_id": "",
    "contact_id": "",
    "contact_name": "李经理",
    "method": "visit",
    "occur_time": "2026-03-02T10:00:00Z",
    "owner_id": REP,
    "department_path": "/hq/sales/east",
    "topic": "方案演示",
    "summary": "演示了呼叫中心方案，客户关注交付周期",
    "customer_feedback": "希望两个月内上线",
    "objection": "价格偏高",
    "next_step": "发送报价单",
    "next_step_due_date": "2026-03-05",
    "qualification": None,
    "follow_up_task_id": "",
    "first_contact": False,
    "comment_count": 1,
    "create_time": "2026-03-02T10:30:00Z",
    "update_time": "2026-03-02T10:30:00Z",
    "created_by": REP,
    "updated_by": REP,
    "etag": 'W/"1"',
}


class Activity(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [ACTIVITY_EXAMPLE]})

    id: str
    customer_id: str
    lead_id: str
    opportunity_id: str
    contact_id: str
    contact_name: str
    method: MethodWord | None = None
    occur_time: datetime | None = None
    owner_id: str
    department_path: str
    topic: str
    summary: str
    customer_feedback: str
    objection: str
    next_step: str
    next_step_due_date: str
    qualification: ActivityQualification | None = None
    follow_up_task_id: str
    first_contact: bool = Field(description="The first follow-up of its lead.")
    churn_reason: str = Field("", description="A win-back visit's answer: the churn reason's "
                                              "code.")
    churn_note: str = ""
    comment_count: int
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class ActivityPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"activities": [ACTIVITY_EXAMPLE], "next_page_token": ""}]})

    activities: list[Activity] = Field(description="Newest contact first.")
    next_page_token: str


class ActivityCommentCreate(BaseModel):
    """A manager comment (批示); only a lead over the record's author may write one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"body": "尽快安排高层拜访，争取本月签约"}]})

    body: str = Field(min_length=1, max_length=COMMENT_MAX["body"])


COMMENT_EXAMPLE = {
    "id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
    "activity_id": ACTIVITY_ID,
    "author_id": LEAD,
    "body": "尽快安排高层拜访，争取本月签约",
    "activity_owner_id": REP,
    "department_path": "/hq/sales/east",
    "create_time": "2026-03-02T11:00:00Z",
}


class ActivityComment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [COMMENT_EXAMPLE]})

    id: str
    activity_id: str
    author_id: str
    body: str
    activity_owner_id: str = Field(description="The rep who is told.")
    department_path: str
    create_time: datetime | None = None


class ActivityCommentPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"comments": [COMMENT_EXAMPLE], "next_page_token": ""}]})

    comments: list[ActivityComment] = Field(description="Newest first.")
    next_page_token: str


# --- tasks ------------------------------------------------------------------------------------


class FollowUpTaskCreate(BaseModel):
    """A follow-up task by hand, for the caller or the owner of its customer or lead."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "customer_id": CUSTOMER, "title": "确认合同条款", "due_date": "2026-03-06",
        "suggested_method": "phone", "note": "重点确认付款方式"}]})

    customer_id: str = Field("", max_length=TASK_MAX["customer_id"])
    lead_id: str = Field("", max_length=TASK_MAX["lead_id"])
    opportunity_id: str = Field("", max_length=TASK_MAX["opportunity_id"])
    owner_id: str = Field("", max_length=TASK_MAX["owner_id"], description="Default the caller.")
    title: str = Field(min_length=1, max_length=TASK_MAX["title"])
    note: str = Field("", max_length=TASK_MAX["note"])
    due_date: date
    suggested_method: MethodWord | None = None


class _FollowUpTaskChanges(BaseModel):
    due_date: date
    owner_id: str = Field(max_length=TASK_MAX["owner_id"])
    title: str = Field(min_length=1, max_length=TASK_MAX["title"])
    note: str = Field(max_length=TASK_MAX["note"])
    suggested_method: MethodWord


FollowUpTaskUpdate = partial_model(_FollowUpTaskChanges, "FollowUpTaskUpdate",
                           "The fields of a live task to change.",
                           [{"due_date": "2026-03-10", "note": "客户出差，推迟一周"}])


class FollowUpTaskPath(BaseModel):
    task_id: str = Field(min_length=1, max_length=64)


class FollowUpTaskListQuery(FollowUpPageQuery):
    owner_id: str = ID
    department_path: str = department_path_field("Only tasks of reps inside this subtree.")
    state: list[TaskStateWord] = Field(default_factory=list,
                                       description="Any of these; default `open` and `overdue`.")
    customer_id: str = ID
    lead_id: str = ID
    due_from: date | None = Field(None, description="Due on or after this day.")
    due_to: date | None = Field(None, description="Due on or before this day.")
    reason: list[ReasonWord] = Field(default_factory=list, description="Any of these reasons.")


class FollowUpTaskCompletion(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"activity_id": ACTIVITY_ID}]})

    activity_id: str = Field(min_length=1, max_length=64,
                             description="The follow-up record that fulfilled the task.")


class FollowUpTaskCancellation(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"reason": "客户已签约，无需跟进"}]})

    reason: str = Field(min_length=1, max_length=2000)


TASK_EXAMPLE = {
    "id": TASK_ID,
    "plan_id": PLAN_ID,
    "customer_id": CUSTOMER,
    "lead_id": "",
    "opportunity_id": "",
    "owner_id": REP,
    "department_path": "/hq/sales/east",
    "reason": "cadence",
    "title": "Regular contact (A class, every 7 days)",
    "note": "",
    "due_date": "2026-03-09",
    "suggested_method": None,
    "state": "open",
    "remind_time": None,
    "overdue_time": None,
    "complete_time": None,
    "completed_activity_id": "",
    "completed_late": False,
    "cancel_reason": "",
    "create_time": "2026-03-02T10:30:00Z",
    "update_time": "2026-03-02T10:30:00Z",
    "created_by": "system",
    "updated_by": "system",
}


class FollowUpTask(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [TASK_EXAMPLE]})

    id: str
    plan_id: str
    customer_id: str
    lead_id: str
    opportunity_id: str
    owner_id: str
    department_path: str
    reason: ReasonWord | None = None
    title: str
    note: str
    due_date: str
    suggested_method: MethodWord | None = None
    state: TaskStateWord | None = Field(None, description="`overdue` means \"to follow up\".")
    remind_time: datetime | None = None
    overdue_time: datetime | None = None
    complete_time: datetime | None = None
    completed_activity_id: str
    completed_late: bool
    cancel_reason: str
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    segment_id: str = Field("", description="For a task of a segment's contact strategy "
                                            "(reason `contact_strategy`): the marketing "
                                            "segment.")
    segment_name: str = Field("", description="The segment's name when the task was made.")


class FollowUpTaskPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"tasks": [TASK_EXAMPLE], "next_page_token": ""}]})

    tasks: list[FollowUpTask] = Field(description="Earliest due first.")
    next_page_token: str


# --- plans ------------------------------------------------------------------------------------

PLAN_EXAMPLE = {
    "id": PLAN_ID,
    "customer_id": CUSTOMER,
    "owner_id": REP,
    "department_path": "/hq/sales/east",
    "value_class": "a",
    "interval_days": 7,
    "senior_contact_interval_days": 30,
    "next_due_date": "2026-03-09",
    "last_contact_date": "2026-03-02",
    "active": True,
    "create_time": "2026-01-05T08:00:00Z",
    "update_time": "2026-03-02T10:30:00Z",
}


class FollowUpPlan(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [PLAN_EXAMPLE]})

    id: str
    customer_id: str
    owner_id: str
    department_path: str
    value_class: ValueClassWord | None = None
    interval_days: int = Field(description="Days between contacts in force.")
    senior_contact_interval_days: int = Field(description="0: no senior contacts.")
    next_due_date: str = Field(description="Empty while paused or unclassified.")
    last_contact_date: str
    active: bool
    create_time: datetime | None = None
    update_time: datetime | None = None
    estimated_class: ValueClassWord | None = Field(
        None, description="The customer's estimated class from the prospect grading rules "
        "(estimated deal value and potential), apart from the contract-based class; none once "
        "it has a contract-based class.")
    estimated_class_reason: str = Field("", description="The prospect rule that gave it.")
    follows_estimated_class: bool = Field(
        False, description="True while the plan follows the estimated class (no contract yet).")


class FollowUpPlanPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"plans": [PLAN_EXAMPLE], "next_page_token": ""}]})

    plans: list[FollowUpPlan] = Field(description="Earliest next contact first.")
    next_page_token: str


class FollowUpPlanPath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)


class FollowUpPlanListQuery(FollowUpPageQuery):
    owner_id: str = ID
    department_path: str = department_path_field("Only plans of reps inside this subtree.")
    value_class: ValueClassWord | None = None
    active: bool | None = None


class _FollowUpPlanChanges(BaseModel):
    interval_days: int = Field(ge=0, le=365, description="0: the value class's default.")
    senior_contact_interval_days: int = Field(ge=0, le=365, description="0: none.")
    active: bool = Field(description="`false` pauses the plan: no new tasks.")


FollowUpPlanUpdate = partial_model(_FollowUpPlanChanges, "FollowUpPlanUpdate",
                           "Pause the plan or give it a cadence of its own.",
                           [{"interval_days": 5}, {"active": False}])


# --- policy -----------------------------------------------------------------------------------


class LeadResponseTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: GradeWord
    first_contact_within: timedelta = Field(gt=timedelta(0), le=timedelta(days=30))
    remind_before: timedelta = Field(ge=timedelta(0), le=timedelta(days=30),
                                     description="Shorter than `first_contact_within`.")


class FollowUpCadence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value_class: ValueClassWord
    interval_days: int = Field(ge=1, le=365)
    senior_contact_interval_days: int = Field(0, ge=0, le=365, description="0: none.")


POLICY_EXAMPLE = {
    "currency_code": "CNY",
    "lead_response_targets": [
        {"grade": "a", "first_contact_within": "PT2H", "remind_before": "PT30M"},
        {"grade": "b", "first_contact_within": "P1D", "remind_before": "PT2H"},
        {"grade": "c", "first_contact_within": "P3D", "remind_before": "PT4H"},
    ],
    "follow_up_cadences": [
        {"value_class": "a", "interval_days": 7, "senior_contact_interval_days": 30},
        {"value_class": "b", "interval_days": 14, "senior_contact_interval_days": 0},
        {"value_class": "c", "interval_days": 30, "senior_contact_interval_days": 0},
    ],
    "need_confirmed_contact_days": 3,
    "proposal_contact_days": 2,
    "reminder_days_before": 1,
    "renewal_reminder_days": 15,
    "lead_cold_after_days": 30,
    "stage_probabilities": {"OPPORTUNITY_STAGE_POTENTIAL": 10, "OPPORTUNITY_STAGE_INTENT": 30,
                            "OPPORTUNITY_STAGE_PROPOSAL": 50,
                            "OPPORTUNITY_STAGE_NEGOTIATION": 70, "OPPORTUNITY_STAGE_WON": 100,
                            "OPPORTUNITY_STAGE_LOST": 0},
    "update_time": "2026-01-01T00:00:00Z",
    "updated_by": "system",
}


class SalesPolicy(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [POLICY_EXAMPLE]})

    currency_code: str
    lead_response_targets: list[LeadResponseTarget]
    follow_up_cadences: list[FollowUpCadence]
    need_confirmed_contact_days: int
    proposal_contact_days: int
    reminder_days_before: int
    renewal_reminder_days: int
    lead_cold_after_days: int
    win_back_after_months: int = Field(
        3, description="Months after a customer is lost that its win-back visit is due.")
    stage_probabilities: dict[str, int] = Field(
        description="Percent per stage, keyed by the stage's contract name.")
    update_time: datetime | None = None
    updated_by: str


class _PolicyChanges(BaseModel):
    currency_code: str = Field(pattern=r"^[A-Z]{3}$")
    lead_response_targets: list[LeadResponseTarget] = Field(
        max_length=10, description="Replaces the grades given; others keep theirs.")
    follow_up_cadences: list[FollowUpCadence] = Field(
        max_length=10, description="Replaces the classes given; others keep theirs.")
    need_confirmed_contact_days: int = Field(ge=1, le=60)
    proposal_contact_days: int = Field(ge=1, le=60)
    reminder_days_before: int = Field(ge=1, le=30)
    renewal_reminder_days: int = Field(ge=1, le=365)
    lead_cold_after_days: int = Field(ge=1, le=365)
    win_back_after_months: int = Field(ge=1, le=24)
    stage_probabilities: dict[Annotated[str, Field(max_length=64)],
                              Annotated[int, Field(ge=0, le=100)]] = Field(
        max_length=10, description="Keys such as `OPPORTUNITY_STAGE_PROPOSAL`, percent 0..100.")


PolicyUpdate = partial_model(_PolicyChanges, "SalesPolicyUpdate",
                             "The figures of the sales policy to change (administrators).",
                             [{"reminder_days_before": 2},
                              {"follow_up_cadences": [{"value_class": "b", "interval_days": 10,
                                                       "senior_contact_interval_days": 0}]}])


# --- report -----------------------------------------------------------------------------------


class FollowUpReportQuery(BaseModel):
    start_date: date = Field(description="First day of the period, inclusive.")
    end_date: date = Field(description="Last day of the period, inclusive.")
    department_path: str = department_path_field(
        "Department subtree; default everything the caller sees.")
    group_by: Literal["owner", "department"] = Field(
        "owner", description="One row per rep, or per direct sub-department.")

    @model_validator(mode="after")
    def ordered(self) -> FollowUpReportQuery:
        if self.end_date < self.start_date:
            raise ValueError("`end_date` must not be before `start_date`")
        return self


ROW_EXAMPLE = {
    "group_key": REP,
    "display_name": REP,
    "activity_count": 12,
    "contacted_count": 5,
    "activities_per_contact": 2.4,
    "task_count": 10,
    "overdue_task_count": 1,
    "timeliness_rate": 0.9,
    "first_contact_on_time_rate": 0.0,
}


class FollowUpRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    group_key: str = Field(description="User id or department path.")
    display_name: str
    activity_count: int
    contacted_count: int = Field(description="Distinct customers and leads contacted.")
    activities_per_contact: float
    task_count: int = Field(description="Tasks due in the period (cancelled ones aside).")
    overdue_task_count: int = Field(description="Of those, overdue or completed late.")
    timeliness_rate: float = Field(description="1 - overdue / all tasks, 0..1.")
    first_contact_on_time_rate: float


class ContactStrategyRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    owner_id: str = Field(description="User id of the rep.")
    display_name: str
    segment_id: str = Field(description="Id of the marketing segment whose contact strategy "
                                        "made the tasks.")
    segment_name: str
    task_count: int = Field(description="Its tasks due in the period (cancelled ones aside).")
    done_on_time_count: int = Field(description="Of those, done by their due date.")
    overdue_task_count: int = Field(description="Of those, overdue or completed late.")
    open_count: int = Field(description="Of those, still open and not yet overdue.")


STRATEGY_ROW_EXAMPLE = {
    "owner_id": REP, "display_name": REP, "segment_id": "f5b8295f-e3e3-5979-ac8e-fa1e9d67debe",
    "segment_name": "流失风险客户 At risk", "task_count": 4, "done_on_time_count": 3,
    "overdue_task_count": 1, "open_count": 0,
}


class FollowUpReport(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": {"start_date": "2026-03-01", "end_date": "2026-03-31"},
        "rows": [ROW_EXAMPLE], "total": {**ROW_EXAMPLE, "group_key": "total",
                                         "display_name": "total"},
        "strategy_rows": [STRATEGY_ROW_EXAMPLE]}]})

    period: DateRange
    rows: list[FollowUpRow]
    total: FollowUpRow
    strategy_rows: list[ContactStrategyRow] = Field(
        default_factory=list,
        description="The tasks of segments' contact strategies (issue 19) due in the period, "
                    "per rep and segment, whatever `group_by` says.")


class ChurnReportQuery(BaseModel):
    start_date: date = Field(description="First day of the period, inclusive.")
    end_date: date = Field(description="Last day of the period, inclusive.")
    department_path: str = department_path_field(
        "Department subtree; default everything the caller sees.")

    @model_validator(mode="after")
    def ordered(self) -> ChurnReportQuery:
        if self.end_date < self.start_date:
            raise ValueError("`end_date` must not be before `start_date`")
        return self


class ChurnReasonRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str = Field(description="Code of the churn reason.")
    name: str = Field(description="Its name in Chinese.")
    name_en: str = Field(description="Its name in English.")
    count: int = Field(description="Win-back visits in the period that gave it.")


class ChurnReport(BaseModel):
    """Why lost customers left: the reasons given on win-back visits (issue 19)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": {"start_date": "2026-06-01", "end_date": "2026-06-30"},
        "rows": [{"code": "competitor", "name": "被竞争对手替代",
                  "name_en": "Replaced by a competitor", "count": 3}],
        "total_count": 3}]})

    period: DateRange
    rows: list[ChurnReasonRow] = Field(description="Most frequent first.")
    total_count: int = 0


CHURN_REASON_EXAMPLE = {"code": "price", "name": "价格", "name_en": "Price", "position": 10,
                        "active": True}


# Answers of the churn-reason routes: the contract's own messages (the fields are declared
# once, in crm.sales.v1).
ChurnReason = response_model(sales_pb2.ChurnReason.DESCRIPTOR, CHURN_REASON_EXAMPLE)


class ChurnReasonListQuery(BaseModel):
    include_inactive: bool = Field(False, description="Include retired reasons.")
    page_size: int = Field(50, ge=1, le=200)
    page_token: str = Field("", max_length=500)


ChurnReasonPage = response_model(
    sales_pb2.ListChurnReasonsResponse.DESCRIPTOR,
    {"churn_reasons": [CHURN_REASON_EXAMPLE], "next_page_token": ""},
)


class ChurnReasonPath(BaseModel):
    code: str = Field(max_length=64)


class ChurnReasonUpsert(BaseModel):
    """Add a churn reason or change one (administrators); `active: false` retires it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "交付延迟", "name_en": "Delivery delays", "position": 35, "active": True}]})

    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    position: int = Field(0, ge=0)
    active: bool = True
