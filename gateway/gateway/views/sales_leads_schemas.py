"""Request and response schemas of the lead routes (:mod:`gateway.views.sales_leads`): leads,
their grading, assignment, conversion and disqualification, the grading and assignment rules
and the sales reps, mirroring ``crm.sales.v1`` in the REST conventions of
:mod:`crm_shared.protojson`, with the examples the OpenAPI document shows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.field_limits import max_lengths
from pydantic import BaseModel, ConfigDict, Field

from gateway.views.customers import LocaleWord, Money, TableFormatWord
from gateway.views.ticket_schemas import (
    TicketPageQuery,
    department_path_field,
    partial_model,
    words,
)

SourceWord = words(types_pb2.SourceChannel)
IntentWord = words(sales_pb2.IntentLevel)
ClarityWord = words(sales_pb2.NeedClarity)
GradeWord = words(sales_pb2.LeadGrade)
StatusWord = words(sales_pb2.LeadStatus)
SeniorityWord = words(sales_pb2.RepSeniority)
StrategyWord = words(sales_pb2.AssignmentStrategy)
MethodWord = words(sales_pb2.AssignmentMethod)
MatchWord = words(rules_pb2.MatchMode)
OperatorWord = words(rules_pb2.ConditionOperator)
CustomerTypeWord = words(customer_pb2.CustomerType)
StageWord = words(sales_pb2.OpportunityStage)

USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
REP = "6a1f0e2d-3c4b-5a69-8778-9f0e1d2c3b4a"
LEAD_ID = "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968"
STAMP = "2026-03-02T09:00:00Z"
AUDIT = {"create_time": STAMP, "update_time": STAMP, "created_by": USER, "updated_by": USER}
GRADING_FIELDS = ("`source`, `intent_level`, `need_clarity`, `budget` (minor units), "
                  "`product_interests`, `company_name`, `job_title`, `decision_maker`, "
                  "`campaign_id`, `intake_params.<key>`")
PROSPECT_FIELDS = ("`estimated_value` (minor units: the open opportunities' amounts), "
                   "`weighted_value`, `open_opportunities`, `best_probability`, "
                   "`customer_type`, `industry`, `staff_count`, `lifecycle_stage`")
SubjectWord = words(sales_pb2.GradingSubject)


class LeadPageQuery(TicketPageQuery):
    pass


# --- leads ----------------------------------------------------------------------------------

LEAD_BODY = {
    "contact_name": "李雷",
    "company_name": "上海某某科技有限公司",
    "job_title": "采购经理",
    "phone": "13812345678",
    "email": "lilei@example.com",
    "intake_params": {"exhibition": "CIIE 2026", "booth": "4A"},
    "intent_level": "high",
    "need_clarity": "clear",
    "need_description": "200 人销售团队的 CRM",
    "product_interests": ["CRM"],
    "budget": {"currency_code": "CNY", "amount_minor": 30000000},
    "decision_maker": "CTO 王总",
}


LEAD_MAX = max_lengths(sales_pb2.Lead)  # the sales service's, declared in crm_shared.field_limits


class _LeadFields(BaseModel):
    contact_name: str = Field("", max_length=LEAD_MAX["contact_name"],
                              description="Required unless `company_name` is given.")
    company_name: str = Field("", max_length=LEAD_MAX["company_name"])
    job_title: str = Field("", max_length=LEAD_MAX["job_title"])
    phone: str = Field("", max_length=LEAD_MAX["phone"], description="11-digit mainland mobile "
                       "or E.164; required unless `email` is given.")
    email: str = Field("", max_length=LEAD_MAX["email"])
    source: SourceWord | None = Field(None, description="Labelled from `intake_params` and "
                                      "`campaign_id` when not given.")
    source_detail: str = Field("", max_length=LEAD_MAX["source_detail"])
    intake_params: dict[str, str] = Field(
        default_factory=dict, description="What the form or import passed along: "
        "`utm_source`, `utm_medium`, `form_id`, `referrer_customer_id`, `exhibition`, "
        "`partner_id`, `call_id`, ...")
    campaign_id: str = Field("", max_length=LEAD_MAX["campaign_id"])
    campaign_variant_id: str = Field("", max_length=LEAD_MAX["campaign_variant_id"])
    intent_level: IntentWord | None = None
    need_clarity: ClarityWord | None = None
    need_description: str = Field("", max_length=LEAD_MAX["need_description"])
    product_interests: list[str] = Field(default_factory=list, max_length=20)
    budget: Money | None = None
    decision_maker: str = Field("", max_length=LEAD_MAX["decision_maker"])
    customer_id: str = Field("", max_length=LEAD_MAX["customer_id"], description="An existing "
                             "customer the lead belongs to.")


class LeadCreate(_LeadFields):
    """A new lead: its source is labelled, duplicates found, it is graded by the grading rules
    and assigned by the assignment rules at once."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [LEAD_BODY]})


class _LeadChanges(_LeadFields):
    etag: str = Field("", max_length=64, description="`etag` of the lead as read; optional.")


LeadUpdate = partial_model(
    _LeadChanges,
    "LeadUpdate",
    "The lead's fields to change; a change of what grading reads re-grades it (unless its "
    "grade was set by hand). Owner, grade and status change only through their routes.",
    [{"intent_level": "medium", "need_clarity": "partial", "etag": 'W/"3"'}],
)


class LeadPath(BaseModel):
    lead_id: str = Field(min_length=1, max_length=64)


class LeadFilterQuery(BaseModel):
    """The selection filters shared by the list and the export; they combine with AND."""

    query: str = Field("", max_length=200, description="Text in the number, contact, company, "
                       "phone or e-mail.")
    status: list[StatusWord] = Field(default_factory=list, description="Any of these.")
    grade: list[GradeWord] = Field(default_factory=list, description="Any of these.")
    owner_id: str = Field("", max_length=64)
    department_path: str = department_path_field("Only leads held inside this subtree.")
    source: SourceWord | None = None
    campaign_id: str = Field("", max_length=64)
    customer_id: str = Field("", max_length=64)
    first_contact_overdue: bool | None = None
    has_duplicates: bool = False
    order_by: str = Field("create_time desc", pattern="^(create_time desc|grade|"
                          "first_contact_due_time|update_time desc)$",
                          description="`create_time desc`, `grade`, `first_contact_due_time` "
                          "(the leads waiting for a first contact, soonest due first), "
                          "`update_time desc`.")


class LeadListQuery(LeadPageQuery, LeadFilterQuery):
    pass


class LeadExportQuery(LeadFilterQuery):
    columns: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50,
        description="Columns to write, by key (`number`, `contact_name`, `phone`, `status`...: "
        "the sales service's README lists them); all by default. An unknown one is a 422.")
    access_purpose: str = Field("", max_length=500,
                                description="Written to the audit log with contact details.")
    format: TableFormatWord = Field("csv", description="`csv` or `xlsx` (an Excel workbook).")
    locale: LocaleWord | None = Field(
        None, description="For a person: `zh-CN` heads the columns in Chinese (线索编号...) and "
        "writes Chinese status words, `en-US` English; either starts a CSV with the UTF-8 "
        "byte-order mark. Without it the stable machine format: keys, enum words, no BOM.")


LEAD_EXAMPLE = {
    "id": LEAD_ID, "number": "L20260302-0012", **{k: v for k, v in LEAD_BODY.items()},
    "source": "exhibition", "source_detail": "CIIE 2026", "campaign_id": "",
    "campaign_variant_id": "", "grade": "a",
    "grade_reason": "rule 'High intent and a clear need is A': intent_level = "
    "INTENT_LEVEL_HIGH and need_clarity = NEED_CLARITY_CLEAR",
    "grade_locked": False, "status": "assigned", "owner_id": REP,
    "department_path": "/hq/sales/east", "assign_time": STAMP,
    "first_contact_due_time": "2026-03-02T11:00:00Z", "first_contact_time": None,
    "first_contact_overdue": False, "customer_id": "", "opportunity_id": "", "convert_time": None,
    "disqualify_reason": "", "duplicate_lead_ids": [], "last_activity_time": STAMP, **AUDIT,
    "etag": 'W/"4"',
}


class Lead(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [LEAD_EXAMPLE]})

    id: str
    number: str = Field(description="Human-readable number, e.g. `L20260302-0012`.")
    contact_name: str
    company_name: str
    job_title: str
    phone: str
    email: str
    source: SourceWord | None = None
    source_detail: str
    intake_params: dict[str, str]
    campaign_id: str
    campaign_variant_id: str
    intent_level: IntentWord | None = None
    need_clarity: ClarityWord | None = None
    need_description: str
    product_interests: list[str]
    budget: Money | None = None
    decision_maker: str
    grade: GradeWord | None = None
    grade_reason: str
    grade_locked: bool = Field(description="Set by hand: not re-graded by the rules.")
    status: StatusWord | None = None
    owner_id: str = Field(description="Empty while unassigned.")
    department_path: str = Field(description="The owner's department; the intake department "
                                 "while unassigned.")
    assign_time: datetime | None = None
    first_contact_due_time: datetime | None = None
    first_contact_time: datetime | None = None
    first_contact_overdue: bool
    customer_id: str
    opportunity_id: str
    convert_time: datetime | None = None
    disqualify_reason: str
    duplicate_lead_ids: list[str] = Field(description="Other leads with the same normalised "
                                          "phone or e-mail.")
    last_activity_time: datetime | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class LeadPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"leads": [LEAD_EXAMPLE], "next_page_token": "", "total_size": 1}]})

    leads: list[Lead]
    next_page_token: str
    total_size: int


class LeadGradeBody(BaseModel):
    """Set the grade by hand with a reason (it stays until re-graded), or send no grade to
    re-grade by the rules."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"grade": "a", "reason": "老客户推荐，预算已批"}]})

    grade: GradeWord | None = None
    reason: str = Field("", max_length=400, description="Required with a grade.")


class LeadAssignBody(BaseModel):
    """Assign to a named rep (sales leads of the rep's department and admins), or run the
    assignment rules when none is named."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"assignee_id": REP, "reason": "熟悉制造业"}]})

    assignee_id: str = Field("", max_length=64)
    reason: str = Field("", max_length=1000)


class LeadDisqualifyBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "预算不足，一年内无采购计划"}]})

    reason: str = Field(min_length=1, max_length=1000)


class ConvertCustomer(BaseModel):
    """The customer to create; what is left out is taken from the lead."""

    model_config = ConfigDict(extra="forbid")

    type: CustomerTypeWord | None = Field(None, description="Default: `enterprise` when the "
                                          "lead has a company, else `individual`.")
    display_name: str = Field("", max_length=300)
    industry: str = Field("", max_length=100, description="Required for an enterprise.")


class ConvertOpportunity(BaseModel):
    """The opportunity to open; name and amount default from the lead (amount: its budget)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=300)
    amount: Money | None = None
    expected_close_date: date | None = None
    next_step: str = Field("", max_length=1000)
    description: str = Field("", max_length=5000)


class LeadConvertBody(BaseModel):
    """Convert the lead: its customer is created in the customer service (or the named one is
    linked) and an opportunity is opened, in one idempotent operation: converting again
    answers with the same customer and opportunity."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"customer": {"industry": "制造业"},
         "opportunity": {"name": "上海某某 CRM 项目", "expected_close_date": "2026-06-30"}},
        {"existing_customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f"}]})

    existing_customer_id: str = Field("", max_length=64)
    customer: ConvertCustomer | None = None
    create_opportunity: bool = True
    opportunity: ConvertOpportunity | None = None


class ConvertedOpportunity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    customer_id: str
    lead_id: str
    stage: StageWord | None = None
    amount: Money | None = None
    expected_close_date: str
    probability: int
    owner_id: str
    department_path: str
    create_time: datetime | None = None


class LeadConversion(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "lead": {**LEAD_EXAMPLE, "status": "converted",
                 "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
                 "opportunity_id": "5c4b3a29-1807-4f6e-8d5c-4b3a29180716",
                 "convert_time": "2026-03-05T10:00:00Z"},
        "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f", "customer_created": True,
        "opportunity": {"id": "5c4b3a29-1807-4f6e-8d5c-4b3a29180716", "name": "上海某某 CRM 项目",
                        "customer_id": "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f",
                        "lead_id": LEAD_ID, "stage": "potential",
                        "amount": {"currency_code": "CNY", "amount_minor": 30000000},
                        "expected_close_date": "2026-06-30", "probability": 10,
                        "owner_id": REP, "department_path": "/hq/sales/east",
                        "create_time": "2026-03-05T10:00:00Z"}}]})

    lead: Lead
    customer_id: str
    customer_created: bool
    opportunity: ConvertedOpportunity | None = None


CANDIDATE_EXAMPLE = {"user_id": REP, "eligible": True, "skip_reason": "", "open_lead_count": 3,
                     "last_assign_time": "2026-03-01T15:00:00Z", "selected": True}
ASSIGNMENT_EXAMPLE = {
    "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "lead_id": LEAD_ID, "assignee_id": REP,
    "previous_assignee_id": "", "department_path": "/hq/sales/east", "method": "automatic",
    "rule_id": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
    "reason": "rule 'A leads to senior reps of /hq/sales, round robin': next in turn "
    "(longest since the last lead) among 2 eligible rep(s)",
    "candidates": [CANDIDATE_EXAMPLE, {"user_id": USER, "eligible": False,
                                       "skip_reason": "seniority", "open_lead_count": 1,
                                       "last_assign_time": None, "selected": False}],
    "tie_broken_at_random": False, "actor_id": "", "assign_time": STAMP,
}


class AssignmentCandidate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user_id: str
    eligible: bool
    skip_reason: str = Field(description="`unavailable`, `at_capacity`, `seniority`, "
                             "`inactive`; empty when eligible.")
    open_lead_count: int
    last_assign_time: datetime | None = None
    selected: bool


class LeadAssignment(BaseModel):
    model_config = ConfigDict(extra="ignore",
                              json_schema_extra={"examples": [ASSIGNMENT_EXAMPLE]})

    id: str
    lead_id: str
    assignee_id: str = Field(description="Empty when nobody could take the lead.")
    previous_assignee_id: str
    department_path: str
    method: MethodWord | None = None
    rule_id: str
    reason: str
    candidates: list[AssignmentCandidate]
    tie_broken_at_random: bool
    actor_id: str
    assign_time: datetime | None = None


class LeadAssigned(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [
        {"lead": LEAD_EXAMPLE, "assignment": ASSIGNMENT_EXAMPLE}]})

    lead: Lead
    assignment: LeadAssignment | None = None


class LeadAssignmentPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"assignments": [ASSIGNMENT_EXAMPLE], "next_page_token": ""}]})

    assignments: list[LeadAssignment]
    next_page_token: str


class LeadAssignmentQuery(LeadPageQuery):
    lead_id: str = Field("", max_length=64)
    assignee_id: str = Field("", max_length=64)
    start_time: datetime | None = Field(None, description="At or after this time.")
    end_time: datetime | None = Field(None, description="Before this time.")


# --- rules ----------------------------------------------------------------------------------


class LeadCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=100, description=f"{GRADING_FIELDS}; "
                       "assignment rules also `grade`; prospect grading rules read "
                       f"{PROSPECT_FIELDS} instead. Enum values by their full names, e.g. "
                       "`INTENT_LEVEL_HIGH`, `LEAD_GRADE_A`.")
    operator: OperatorWord
    values: list[str] = Field(default_factory=list, max_length=100)


class LeadConditionGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: MatchWord | None = Field(None, description="`all` (default) or `any`.")
    conditions: list[LeadCondition] = Field(default_factory=list, max_length=50)
    groups: list[LeadConditionGroup] = Field(default_factory=list, max_length=20)


GRADING_RULE_BODY = {
    "display_name": "Partners asking for the ERP are A", "grade": "a",
    "condition": {"match": "all", "conditions": [
        {"field": "source", "operator": "equals", "values": ["SOURCE_CHANNEL_PARTNER"]},
        {"field": "product_interests", "operator": "contains_any", "values": ["ERP"]}],
        "groups": []},
    "priority": 5, "enabled": True,
}
GRADING_RULE_EXAMPLE = {"id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", **GRADING_RULE_BODY,
                        **AUDIT}


class _GradingRuleFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    grade: GradeWord
    condition: LeadConditionGroup
    priority: int = Field(100, ge=0, le=1_000_000, description="Evaluation order, lowest first.")
    enabled: bool = True


class GradingRuleCreate(_GradingRuleFields):
    """A grading rule: rules are evaluated in `priority` order, the first match gives the
    grade; a lead matching none is C. A `prospect` rule gives a customer without a contract its
    estimated class instead (none matching: no class)."""

    subject: SubjectWord | None = Field(
        None, description="What the rule grades: `lead` (the default) or `prospect`; it "
        "cannot change.")

    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [GRADING_RULE_BODY]})


GradingRuleUpdate = partial_model(_GradingRuleFields, "GradingRuleUpdate",
                                  "The fields of the rule to change.",
                                  [{"enabled": False}, {"priority": 1}])


class GradingRule(BaseModel):
    model_config = ConfigDict(extra="ignore",
                              json_schema_extra={"examples": [GRADING_RULE_EXAMPLE]})

    id: str
    display_name: str
    grade: GradeWord | None = None
    condition: LeadConditionGroup | None = None
    priority: int
    enabled: bool
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    subject: SubjectWord | None = None


class GradingRulePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"rules": [GRADING_RULE_EXAMPLE], "next_page_token": ""}]})

    rules: list[GradingRule]
    next_page_token: str


ASSIGNMENT_RULE_BODY = {
    "display_name": "A leads of the ERP campaign to the east team's seniors",
    "condition": {"match": "all", "conditions": [
        {"field": "grade", "operator": "equals", "values": ["LEAD_GRADE_A"]},
        {"field": "campaign_id", "operator": "equals", "values": ["erp-2026"]}], "groups": []},
    "department_path": "/hq/sales/east", "min_seniority": "senior", "user_ids": [],
    "strategy": "round_robin", "priority": 5, "enabled": True,
}
ASSIGNMENT_RULE_EXAMPLE = {"id": "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a", **ASSIGNMENT_RULE_BODY,
                           **AUDIT}


class _AssignmentRuleFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    condition: LeadConditionGroup
    department_path: str = department_path_field("The subtree the eligible reps belong to.",
                                                  required=True)
    min_seniority: SeniorityWord | None = Field(None, description="None: any seniority.")
    user_ids: list[str] = Field(default_factory=list, max_length=200,
                                description="Only these reps, when set.")
    strategy: StrategyWord | None = Field(None, description="Default `round_robin`.")
    priority: int = Field(100, ge=0, le=1_000_000, description="Evaluation order, lowest first.")
    enabled: bool = True


class AssignmentRuleCreate(_AssignmentRuleFields):
    """An assignment rule: the first enabled rule in `priority` order that matches a lead names
    the reps who may get it and how one is picked; a lead matching none waits unassigned."""

    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [ASSIGNMENT_RULE_BODY]})


AssignmentRuleUpdate = partial_model(_AssignmentRuleFields, "AssignmentRuleUpdate",
                                     "The fields of the rule to change.",
                                     [{"enabled": False}, {"strategy": "least_loaded"}])


class AssignmentRule(BaseModel):
    model_config = ConfigDict(extra="ignore",
                              json_schema_extra={"examples": [ASSIGNMENT_RULE_EXAMPLE]})

    id: str
    display_name: str
    condition: LeadConditionGroup | None = None
    department_path: str
    min_seniority: SeniorityWord | None = None
    user_ids: list[str]
    strategy: StrategyWord | None = None
    priority: int
    enabled: bool
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str


class AssignmentRulePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"rules": [ASSIGNMENT_RULE_EXAMPLE], "next_page_token": ""}]})

    rules: list[AssignmentRule]
    next_page_token: str


class RulePath(BaseModel):
    rule_id: str = Field(min_length=1, max_length=64)


class RuleListQuery(LeadPageQuery):
    enabled: bool | None = None


class GradingRuleListQuery(RuleListQuery):
    subject: SubjectWord | None = Field(
        None, description="`prospect` lists the prospect rules; otherwise the lead rules.")


# --- reps -----------------------------------------------------------------------------------

REP_EXAMPLE = {"user_id": REP, "display_name": "张伟", "department_path": "/hq/sales/east",
               "seniority": "senior", "max_open_leads": 40, "available": True,
               "available_again_time": None, "open_lead_count": 12,
               "last_assign_time": "2026-03-02T08:00:00Z", "active": True}


class SalesRep(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [REP_EXAMPLE]})

    user_id: str
    display_name: str
    department_path: str
    seniority: SeniorityWord | None = None
    max_open_leads: int = Field(description="0: no limit.")
    available: bool
    available_again_time: datetime | None = None
    open_lead_count: int
    last_assign_time: datetime | None = Field(None, description="The last automatic "
                                              "assignment: the round-robin position.")
    active: bool


class SalesRepPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"sales_reps": [REP_EXAMPLE], "next_page_token": ""}]})

    sales_reps: list[SalesRep]
    next_page_token: str


class RepPath(BaseModel):
    user_id: str = Field(min_length=1, max_length=64)


class RepListQuery(LeadPageQuery):
    department_path: str = department_path_field("Only reps inside this subtree.")
    seniority: SeniorityWord | None = None
    available: bool | None = None


class _RepChanges(BaseModel):
    seniority: SeniorityWord
    max_open_leads: int = Field(ge=0, le=10_000, description="0: no limit.")
    available: bool
    available_again_time: datetime


SalesRepUpdate = partial_model(
    _RepChanges, "SalesRepUpdate",
    "The rep's sales profile: seniority and capacity (sales leads of the rep's department and "
    "admins), availability (also the rep themself).",
    [{"seniority": "senior", "max_open_leads": 40},
     {"available": False, "available_again_time": "2026-03-16T00:00:00Z"}])


def convert_request(body: LeadConvertBody) -> dict[str, Any]:
    """The body in ``ConvertLeadRequest`` terms (the customer's industry is its profile's)."""
    out: dict[str, Any] = {"existing_customer_id": body.existing_customer_id,
                           "create_opportunity": body.create_opportunity}
    if body.customer is not None:
        customer: dict[str, Any] = {"type": body.customer.type,
                                    "display_name": body.customer.display_name}
        if body.customer.industry:
            customer["enterprise"] = {"industry": body.customer.industry}
        out["customer"] = customer
    if body.opportunity is not None:
        opportunity = body.opportunity.model_dump()
        close = opportunity.pop("expected_close_date")
        opportunity["expected_close_date"] = close.isoformat() if close else ""
        out["opportunity"] = opportunity
    return out
