"""REST over gRPC: satisfaction surveys, their invitations, answers, results and improvement items
(``/api/v1/surveys``), triggers (``/api/v1/triggers``), and the PUBLIC form a customer answers
through the signed link of an invitation (``/api/v1/surveys/respond/{token}``), over
``crm.marketing.v1.MarketingService``.

The public form has no bearer token: the link is the authority, and only the customer's
message carries it (staff see an invitation's state, channel and times; its ``link_url`` is
always empty). The gateway calls the marketing service as itself (a short-lived token it issues
to its own service principal) and passes the link's token on; the marketing service verifies
the link's signature and expiry, and an invitation is answered once. Through the suite's one
status table: a link that is not genuine or has expired is 404, with one detail that does not
say which; a closed survey and a second answer are 409 (the problem's reason and detail say
which); a token longer than any link's is 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.public_access import call_public
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.marketing_segments import (
    PEER,
    SegmentConditionGroup,
    marketing_stub,
)
from gateway.views.ticket_schemas import (
    all_fields,
    department_path_field,
    partial_model,
    sent_fields,
    words,
)

SURVEYS = "/api/v1/surveys"
RESPOND = f"{SURVEYS}/respond"
IMPROVEMENTS = f"{SURVEYS}/improvement-items"
TRIGGERS = "/api/v1/triggers"

SurveyKindWord = words(marketing_pb2.SurveyKind)
SurveyStateWord = words(marketing_pb2.SurveyState)
QuestionTypeWord = words(marketing_pb2.QuestionType)
InvitationStateWord = words(marketing_pb2.InvitationState)
ImprovementStateWord = words(marketing_pb2.ImprovementState)
TriggerKindWord = words(marketing_pb2.TriggerKind)
ActionKindWord = words(marketing_pb2.TriggerActionKind)
OutcomeWord = words(marketing_pb2.FiringOutcome)
ChannelWord = words(types_pb2.DeliveryChannel)
PAGE_TOKEN = Field("", max_length=2048, description="`next_page_token` of the previous page.")
PAGE_SIZE = Field(None, ge=1, le=500, description="Default 50.")

USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
CUSTOMER = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
SURVEY_ID = "3f7b6a2c-1d4e-5f60-8a9b-0c1d2e3f4a5b"
INVITATION_ID = "7c6b5a49-3827-4a16-9504-f3e2d1c0b9a8"
TICKET_ID = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5e"
STAMP = "2026-03-01T08:30:00Z"
QUESTIONS_EXAMPLE = [
    {"id": "q1", "dimension": "product_quality", "text": "您对产品质量的满意度？",
     "type": "rating_1_to_5", "required": True, "options": []},
    {"id": "q2", "dimension": "response_speed", "text": "您对我们的响应速度满意吗？",
     "type": "rating_1_to_5", "required": True, "options": []},
    {"id": "q3", "dimension": "nps", "text": "您有多大可能向朋友或同事推荐我们？",
     "type": "nps_0_to_10", "required": False, "options": []},
]
SURVEY_EXAMPLE = {
    "id": SURVEY_ID, "title": "服务满意度调查", "description": "感谢您联系我们。",
    "kind": "service_satisfaction", "questions": QUESTIONS_EXAMPLE, "state": "active",
    "locale": "zh-CN", "answer_count": 128, "owner_id": USER, "department_path": "/hq/marketing",
    "create_time": STAMP, "update_time": STAMP, "created_by": USER, "updated_by": USER,
    "etag": 'W/"2"',
}
INVITATION_EXAMPLE = {
    "id": INVITATION_ID, "survey_id": SURVEY_ID, "customer_id": CUSTOMER, "contact_id": "",
    "ticket_id": TICKET_ID, "campaign_id": "", "trigger_id": "", "channel": "email",
    "state": "sent", "link_url": "",
    "expire_time": "2026-03-15T08:30:00Z", "delivery_id": "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716",
    "send_time": STAMP, "answer_time": None, "create_time": STAMP,
}
ANSWER_EXAMPLE = {
    "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "survey_id": SURVEY_ID,
    "invitation_id": INVITATION_ID, "customer_id": CUSTOMER, "ticket_id": TICKET_ID,
    "campaign_id": "",
    "answers": [{"question_id": "q1", "dimension": "product_quality", "score": 5, "text": "",
                 "choice": ""},
                {"question_id": "q2", "dimension": "response_speed", "score": 3, "text": "",
                 "choice": ""}],
    "overall_score": 4.0, "nps": 9, "low_score": True, "comment": "处理得不错，就是等得有点久",
    "submit_time": STAMP,
}
TRIGGER_EXAMPLE = {
    "id": "2b3c4d5e-6f70-4a8b-9cad-1e2f3a4b5c6d", "display_name": "工单关闭后满意度调查",
    "kind": "ticket_closed", "enabled": True, "offset_days": 0, "milestones": [],
    "segment_id": "", "condition": None,
    "action": {"kind": "send_survey", "channel": "email", "template_key": "",
               "survey_id": SURVEY_ID, "campaign_id": ""},
    "fire_count": 342, "last_fire_time": STAMP, "create_time": STAMP, "update_time": STAMP,
    "created_by": "system", "updated_by": USER,
}
FIRING_EXAMPLE = {
    "id": "4d5e6f70-8192-4a3b-9c4d-5e6f7a8b9c0d", "trigger_id": TRIGGER_EXAMPLE["id"],
    "kind": "ticket_closed", "customer_id": CUSTOMER, "occasion_key": f"ticket:{TICKET_ID}",
    "source_event_id": "6f708192-a3b4-4c5d-8e6f-7a8b9c0d1e2f", "outcome": "done",
    "delivery_id": "", "survey_invitation_id": INVITATION_ID, "fire_time": STAMP,
}
ITEM_EXAMPLE = {
    "id": "5e6f7081-92a3-4b4c-8d5e-6f7a8b9c0d1e", "survey_id": SURVEY_ID,
    "dimension": "response_speed", "title": "响应速度 response speed: 27% rated below 4",
    "description": "首次响应目标从 8 小时缩短到 4 小时。", "low_score_share": 0.27,
    "answer_count": 128, "state": "in_progress", "owner_id": USER,
    "department_path": "/hq/service", "due_date": "2026-06-30", "automatic": True,
    "create_time": STAMP, "update_time": STAMP,
}


# --- schemas -----------------------------------------------------------------------------------


class SurveyQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=32, description="Key, unique in the survey (`q1`).")
    dimension: str = Field("", max_length=64, description="`product_quality`, "
                           "`response_speed`, `communication`, `overall`, `nps` or another key; "
                           "required for rating and NPS questions.")
    text: str = Field(min_length=1, max_length=500)
    type: QuestionTypeWord
    required: bool = False
    options: list[str] = Field(default_factory=list, max_length=20,
                               description="Choices of a `single_choice` question.")


class _SurveyFields(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=4000)
    kind: SurveyKindWord | None = Field(None, description="Default `service_satisfaction`.")
    questions: list[SurveyQuestion] = Field(min_length=1, max_length=20)
    state: SurveyStateWord | None = Field(None, description="`draft` (default) or `active`; "
                                          "later `closed`.")
    locale: str = Field("", pattern=r"^(zh-CN|en-US)?$", description="Default: the policy's.")


class SurveyCreate(_SurveyFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "季度客户满意度", "kind": "relationship", "questions": QUESTIONS_EXAMPLE,
        "state": "active"}]})


class _SurveyChanges(_SurveyFields):
    etag: str = Field(max_length=64, description="`etag` as read; a concurrent change is a 409.")


SurveyUpdate = partial_model(_SurveyChanges, "SurveyUpdate",
                             "The fields to change (questions only while it has no answers).",
                             [{"state": "closed"}, {"title": "新标题", "etag": 'W/"2"'}])


class Survey(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [SURVEY_EXAMPLE]})

    id: str
    title: str
    description: str
    kind: SurveyKindWord | None = None
    questions: list[SurveyQuestion]
    state: SurveyStateWord | None = None
    locale: str
    answer_count: int
    owner_id: str
    department_path: str
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class SurveyPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"surveys": [SURVEY_EXAMPLE], "next_page_token": ""}]})

    surveys: list[Survey]
    next_page_token: str


class SurveyPath(BaseModel):
    survey_id: str = Field(min_length=1, max_length=64)


class SurveyListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    kind: SurveyKindWord | None = None
    state: SurveyStateWord | None = None


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"customer_id": CUSTOMER, "ticket_id": TICKET_ID, "channel": "email"}]})

    customer_id: str = Field(min_length=1, max_length=64)
    contact_id: str = Field("", max_length=64)
    ticket_id: str = Field("", max_length=64, description="The ticket the survey is about.")
    campaign_id: str = Field("", max_length=64)
    channel: ChannelWord | None = Field(None, description="`email` (default) or `sms`.")


class SurveyInvitation(BaseModel):
    model_config = ConfigDict(extra="ignore",
                              json_schema_extra={"examples": [INVITATION_EXAMPLE]})

    id: str
    survey_id: str
    customer_id: str
    contact_id: str
    ticket_id: str
    campaign_id: str
    trigger_id: str
    channel: ChannelWord | None = None
    state: InvitationStateWord | None = None
    link_url: str = Field("", deprecated=True, description="Always empty: the signed link "
                          "answers the survey in the customer's name, so only the message "
                          "to the customer carries it.")
    expire_time: datetime | None = None
    delivery_id: str
    send_time: datetime | None = None
    answer_time: datetime | None = None
    create_time: datetime | None = None


class InvitationPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"invitations": [INVITATION_EXAMPLE], "next_page_token": ""}]})

    invitations: list[SurveyInvitation]
    next_page_token: str


class InvitationListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    customer_id: str = Field("", max_length=64)
    ticket_id: str = Field("", max_length=64)
    state: InvitationStateWord | None = None


class QuestionAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: str = Field(min_length=1, max_length=32)
    score: int = Field(0, ge=0, le=10, description="1..5 for ratings, 0..10 for NPS.")
    text: str = Field("", max_length=2000, description="For text questions.")
    choice: str = Field("", max_length=200, description="For single-choice questions.")


class AnswerSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "answers": [{"question_id": "q1", "score": 5}, {"question_id": "q2", "score": 3},
                    {"question_id": "q3", "score": 9}],
        "comment": "处理得不错，就是等得有点久"}]})

    answers: list[QuestionAnswer] = Field(max_length=20)
    comment: str = Field("", max_length=4000)


class AnsweredQuestion(QuestionAnswer):
    model_config = ConfigDict(extra="ignore")

    dimension: str = ""


class SurveyAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [ANSWER_EXAMPLE]})

    id: str
    survey_id: str
    invitation_id: str
    customer_id: str
    ticket_id: str
    campaign_id: str
    answers: list[AnsweredQuestion]
    overall_score: float = Field(description="Average of the 1..5 ratings.")
    nps: int | None = None
    low_score: bool = Field(description="A rating below the policy's threshold (default 4).")
    comment: str
    submit_time: datetime | None = None


class AnswerPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"answers": [ANSWER_EXAMPLE], "next_page_token": ""}]})

    answers: list[SurveyAnswer]
    next_page_token: str


class PeriodQuery(BaseModel):
    start_date: date | None = Field(None, description="First day, inclusive (UTC).")
    end_date: date | None = Field(None, description="Last day, inclusive (UTC).")


class AnswerListQuery(PeriodQuery):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    customer_id: str = Field("", max_length=64)
    low_score_only: bool = False


class QuestionResult(BaseModel):
    question_id: str
    dimension: str
    text: str
    answer_count: int
    average_score: float
    score_counts: dict[int, int] = Field(description="Answers per score.")
    choice_counts: dict[str, int]
    low_score_count: int
    low_score_share: float


class DimensionResult(BaseModel):
    dimension: str
    average_score: float
    low_score_share: float = Field(description="Share of answers whose average in the "
                                   "dimension is below the threshold, 0..1.")
    answer_count: int


class NpsResult(BaseModel):
    score: float = Field(description="-100..100: % promoters (9-10) - % detractors (0-6).")
    promoter_count: int
    passive_count: int
    detractor_count: int


class SurveyResults(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "survey_id": SURVEY_ID, "period": {"start_date": "2026-01-01", "end_date": "2026-03-31"},
        "invitation_count": 400, "answer_count": 128, "response_rate": 0.32,
        "questions": [{"question_id": "q2", "dimension": "response_speed",
                       "text": "您对我们的响应速度满意吗？", "answer_count": 128,
                       "average_score": 3.9, "score_counts": {"2": 10, "3": 25, "4": 43, "5": 50},
                       "choice_counts": {}, "low_score_count": 35, "low_score_share": 0.2734}],
        "dimensions": [{"dimension": "response_speed", "average_score": 3.9,
                        "low_score_share": 0.2734, "answer_count": 128}],
        "nps": {"score": 31.0, "promoter_count": 60, "passive_count": 40, "detractor_count": 20},
        "compute_time": STAMP}]})

    survey_id: str
    period: dict | None = None
    invitation_count: int
    answer_count: int
    response_rate: float
    questions: list[QuestionResult]
    dimensions: list[DimensionResult]
    nps: NpsResult | None = None
    compute_time: datetime | None = None


class SurveyForm(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "invitation_id": INVITATION_ID, "title": "服务满意度调查",
        "description": "感谢您联系我们。", "questions": QUESTIONS_EXAMPLE, "locale": "zh-CN",
        "context": "工单 T20260301-0007", "expire_time": "2026-03-15T08:30:00Z",
        "answered": False}]})

    invitation_id: str
    title: str
    description: str
    questions: list[SurveyQuestion]
    locale: str
    context: str = Field(description="What the survey is about, e.g. the ticket's number.")
    expire_time: datetime | None = None
    answered: bool = Field(description="True once answered: the form is read-only.")


class TokenPath(BaseModel):
    token: str = Field(min_length=1, max_length=300, description="From the invitation's link.")


class TriggerAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ActionKindWord
    channel: ChannelWord | None = Field(None, description="`email` (default) or `sms`.")
    template_key: str = Field("", max_length=100, description="Notification template "
                              "(`send_message`), e.g. `birthday_greeting`.")
    survey_id: str = Field("", max_length=64, description="Survey to invite to (`send_survey`).")
    campaign_id: str = Field("", max_length=64, description="Campaign the messages count under.")


class _TriggerFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    offset_days: int = Field(0, ge=0, le=90, description="Days before the date "
                             "(birthday, contract end, cooperation anniversary, a festival's "
                             "first day off).")
    milestones: list[Annotated[int, Field(ge=1, le=1_000_000)]] = Field(
        default_factory=list, max_length=20, description="Purchase counts (`purchase_milestone`).")
    segment_id: str = Field("", max_length=64, description="Segment the customer must be in "
                            "(the segment joined, for `segment_joined`).")
    condition: SegmentConditionGroup | None = Field(None, description="Extra condition on the "
                                                    "customer's marketing profile (the fields of "
                                                    "a segment rule).")
    action: TriggerAction


class TriggerCreate(_TriggerFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "display_name": "生日前 3 天祝福", "kind": "birthday", "offset_days": 3,
        "action": {"kind": "send_message", "channel": "email",
                   "template_key": "birthday_greeting"}}]})

    kind: TriggerKindWord


TriggerUpdate = partial_model(_TriggerFields, "TriggerUpdate", "The fields to change.",
                              [{"enabled": False}, {"offset_days": 7}])


class Trigger(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [TRIGGER_EXAMPLE]})

    id: str
    display_name: str
    kind: TriggerKindWord | None = None
    enabled: bool
    offset_days: int
    milestones: list[int]
    segment_id: str
    condition: SegmentConditionGroup | None = None
    action: TriggerAction | None = None
    fire_count: int
    last_fire_time: datetime | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str


class TriggerPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"triggers": [TRIGGER_EXAMPLE], "next_page_token": ""}]})

    triggers: list[Trigger]
    next_page_token: str


class TriggerPath(BaseModel):
    trigger_id: str = Field(min_length=1, max_length=64)


class TriggerListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    kind: TriggerKindWord | None = None
    enabled: bool | None = None


class TriggerFiring(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [FIRING_EXAMPLE]})

    id: str
    trigger_id: str
    kind: TriggerKindWord | None = None
    customer_id: str
    occasion_key: str = Field(description="The occasion it fired for, once: `birthday:2026`, "
                              "`ticket:<id>`, `renewal:<date>`, `purchases:5`...")
    source_event_id: str
    outcome: OutcomeWord | None = None
    delivery_id: str
    survey_invitation_id: str
    fire_time: datetime | None = None


class FiringPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"firings": [FIRING_EXAMPLE], "next_page_token": ""}]})

    firings: list[TriggerFiring]
    next_page_token: str


class FiringListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    trigger_id: str = Field("", max_length=64)
    customer_id: str = Field("", max_length=64)


class _ImprovementFields(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=10000)
    state: ImprovementStateWord | None = Field(None, description="Default `open`.")
    owner_id: str = Field("", max_length=64, description="Default: the caller.")
    department_path: str = department_path_field("Department responsible; default the caller's.")
    due_date: date | None = None


class ImprovementCreate(_ImprovementFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "dimension": "response_speed", "title": "首次响应提速", "survey_id": SURVEY_ID,
        "department_path": "/hq/service", "due_date": "2026-06-30"}]})

    dimension: str = Field(min_length=1, max_length=64)
    survey_id: str = Field("", max_length=64)


ImprovementUpdate = partial_model(_ImprovementFields, "ImprovementUpdate", "The fields to change.",
                                  [{"state": "done"}, {"owner_id": USER, "due_date": "2026-07-31"}])


class ImprovementItem(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [ITEM_EXAMPLE]})

    id: str
    survey_id: str
    dimension: str
    title: str
    description: str
    low_score_share: float
    answer_count: int
    state: ImprovementStateWord | None = None
    owner_id: str
    department_path: str
    due_date: date | None = None
    automatic: bool = Field(description="Opened from the answers' share of low scores.")
    create_time: datetime | None = None
    update_time: datetime | None = None


class ImprovementPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"items": [ITEM_EXAMPLE], "next_page_token": ""}]})

    items: list[ImprovementItem] = Field(description="Highest share of low scores first.")
    next_page_token: str


class ImprovementPath(BaseModel):
    item_id: str = Field(min_length=1, max_length=64)


class ImprovementListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    survey_id: str = Field("", max_length=64)
    state: ImprovementStateWord | None = None
    department_path: str = department_path_field("Only items of this department subtree.")


def _period(query: PeriodQuery):
    return types_pb2.DateRange(start_date=query.start_date.isoformat() if query.start_date else "",
                               end_date=query.end_date.isoformat() if query.end_date else "")


def _without_empty_dates(data: dict) -> dict:
    return {k: (v or None) if k == "due_date" else v for k, v in data.items()}


def _as_text(data: dict) -> dict:
    """Dates of a request body as the contract's ``YYYY-MM-DD`` text."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


# --- routes ------------------------------------------------------------------------------------


FORM_SCOPES = ("surveys.respond",)
"""What the public form's token may do (crm_shared.auth.scopes)."""


def register(app, deps) -> None:
    api = APIBlueprint("marketing_surveys", __name__, abp_tags=[Tag(name="surveys")])

    def stub():
        return marketing_stub(deps)

    def as_gateway(method, request):
        """``method(request)`` as the gateway's own principal for the public form
        (``public_access``): its only scope (``surveys.respond``) opens the form's two RPCs
        and nothing else."""
        return call_public(deps.issuer, FORM_SCOPES, PEER, method, request)

    # -- surveys ------------------------------------------------------------------------------

    @operation(api, "post", SURVEYS, operation_id="createSurvey",
               summary="Create a satisfaction survey (questionnaire)", responses={201: Survey},
               calls_services=True, creates=True, response_headers={201: ["Location"]})
    def create_survey(body: SurveyCreate):
        created = call(PEER, stub().CreateSurvey, marketing_pb2.CreateSurveyRequest(
            survey=from_json(all_fields(body), marketing_pb2.Survey()),
            request_id=idempotency_request_id(current_principal().user_id, current_key())),
            field_prefix="survey.")
        return json_response(Survey.model_validate(to_json(created)), status=201,
                             headers={"Location": f"{SURVEYS}/{created.id}"})

    @operation(api, "get", SURVEYS, operation_id="listSurveys", summary="Surveys, newest first",
               responses={200: SurveyPage}, calls_services=True)
    def list_surveys(query: SurveyListQuery):
        page = call(PEER, stub().ListSurveys, marketing_pb2.ListSurveysRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            kind=enum_number(marketing_pb2.SurveyKind.DESCRIPTOR, query.kind),
            state=enum_number(marketing_pb2.SurveyState.DESCRIPTOR, query.state)))
        return json_response(SurveyPage.model_validate(to_json(page)))

    @operation(api, "get", f"{SURVEYS}/<survey_id>", operation_id="getSurvey",
               summary="Get a survey", responses={200: Survey}, calls_services=True)
    def get_survey(path: SurveyPath):
        found = call(PEER, stub().GetSurvey, marketing_pb2.GetSurveyRequest(id=path.survey_id))
        return json_response(Survey.model_validate(to_json(found)))

    @operation(api, "patch", f"{SURVEYS}/<survey_id>", operation_id="updateSurvey",
               summary="Change a survey (activate, close, edit)", responses={200: Survey},
               calls_services=True)
    def update_survey(path: SurveyPath, body: SurveyUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        request = marketing_pb2.UpdateSurveyRequest(
            survey=from_json(changes, marketing_pb2.Survey(id=path.survey_id)))
        request.update_mask.paths.extend(sorted(set(changes) - {"etag"}))
        updated = call(PEER, stub().UpdateSurvey, request, field_prefix="survey.")
        return json_response(Survey.model_validate(to_json(updated)))

    @operation(api, "delete", f"{SURVEYS}/<survey_id>", operation_id="deleteSurvey",
               summary="Delete a survey that never invited anyone", responses={204: None},
               calls_services=True)
    def delete_survey(path: SurveyPath):
        call(PEER, stub().DeleteSurvey, marketing_pb2.DeleteSurveyRequest(id=path.survey_id))
        return Response(status=204)

    @operation(api, "post", f"{SURVEYS}/<survey_id>/invitations",
               operation_id="createSurveyInvitation",
               summary="Invite a customer: a signed link goes out through the sending queue",
               responses={201: SurveyInvitation}, calls_services=True, creates=True)
    def create_invitation(path: SurveyPath, body: InvitationCreate):
        invitation = from_json(all_fields(body), marketing_pb2.SurveyInvitation(
            survey_id=path.survey_id))
        created = call(PEER, stub().CreateSurveyInvitation,
                       marketing_pb2.CreateSurveyInvitationRequest(
                           invitation=invitation, request_id=idempotency_request_id(
                               current_principal().user_id, current_key())),
                       field_prefix="invitation.")
        return json_response(SurveyInvitation.model_validate(to_json(created)), status=201)

    @operation(api, "get", f"{SURVEYS}/<survey_id>/invitations",
               operation_id="listSurveyInvitations", summary="A survey's invitations, newest first",
               responses={200: InvitationPage}, calls_services=True)
    def list_invitations(path: SurveyPath, query: InvitationListQuery):
        page = call(PEER, stub().ListSurveyInvitations, marketing_pb2.ListSurveyInvitationsRequest(
            survey_id=path.survey_id, page_size=query.page_size or 0, page_token=query.page_token,
            customer_id=query.customer_id, ticket_id=query.ticket_id,
            state=enum_number(marketing_pb2.InvitationState.DESCRIPTOR, query.state)))
        return json_response(InvitationPage.model_validate(to_json(page)))

    @operation(api, "get", f"{SURVEYS}/<survey_id>/answers", operation_id="listSurveyAnswers",
               summary="A survey's answers, newest first", responses={200: AnswerPage},
               calls_services=True)
    def list_answers(path: SurveyPath, query: AnswerListQuery):
        page = call(PEER, stub().ListSurveyAnswers, marketing_pb2.ListSurveyAnswersRequest(
            survey_id=path.survey_id, page_size=query.page_size or 0, page_token=query.page_token,
            customer_id=query.customer_id, low_score_only=query.low_score_only,
            period=_period(query)))
        return json_response(AnswerPage.model_validate(to_json(page)))

    @operation(api, "get", f"{SURVEYS}/<survey_id>/results", operation_id="getSurveyResults",
               summary="Results per question and dimension, the share of low scores, NPS",
               responses={200: SurveyResults}, calls_services=True)
    def get_results(path: SurveyPath, query: PeriodQuery):
        results = call(PEER, stub().GetSurveyResults, marketing_pb2.GetSurveyResultsRequest(
            survey_id=path.survey_id, period=_period(query)))
        return json_response(SurveyResults.model_validate(to_json(results)))

    # -- the public form ------------------------------------------------------------------------

    @operation(api, "get", f"{RESPOND}/<token>", operation_id="getSurveyForm", public=True,
               summary="The survey a link invites to (no account: the signed link is the key)",
               responses={200: SurveyForm}, calls_services=True)
    def get_form(path: TokenPath):
        form = as_gateway(stub().GetSurveyForm,
                          marketing_pb2.GetSurveyFormRequest(token=path.token))
        return json_response(SurveyForm.model_validate(to_json(form)))

    @operation(api, "post", f"{RESPOND}/<token>", operation_id="submitSurveyAnswer", public=True,
               summary="Answer the survey of a link, once", responses={201: SurveyAnswer},
               calls_services=True)
    def submit_answer(path: TokenPath, body: AnswerSubmit):
        request = from_json(body.model_dump(), marketing_pb2.SubmitSurveyAnswerRequest(
            token=path.token))
        answer = as_gateway(stub().SubmitSurveyAnswer, request)
        return json_response(SurveyAnswer.model_validate(to_json(answer)), status=201)

    # -- improvement items ----------------------------------------------------------------------

    @operation(api, "get", IMPROVEMENTS, operation_id="listImprovementItems",
               summary="The improvement list, highest share of low scores first",
               responses={200: ImprovementPage}, calls_services=True)
    def list_improvements(query: ImprovementListQuery):
        states = [enum_number(marketing_pb2.ImprovementState.DESCRIPTOR, query.state)] \
            if query.state else []
        page = call(PEER, stub().ListImprovementItems, marketing_pb2.ListImprovementItemsRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            survey_id=query.survey_id, states=states, department_path=query.department_path))
        return json_response(ImprovementPage.model_validate(_items_of(to_json(page))))

    @operation(api, "post", IMPROVEMENTS, operation_id="createImprovementItem",
               summary="Add an improvement item", responses={201: ImprovementItem},
               calls_services=True, creates=True)
    def create_improvement(body: ImprovementCreate):
        created = call(PEER, stub().CreateImprovementItem, marketing_pb2.CreateImprovementItemRequest(
            item=from_json(_as_text(all_fields(body)), marketing_pb2.ImprovementItem()),
            request_id=idempotency_request_id(current_principal().user_id, current_key())),
            field_prefix="item.")
        return json_response(ImprovementItem.model_validate(
            _without_empty_dates(to_json(created))), status=201)

    @operation(api, "patch", f"{IMPROVEMENTS}/<item_id>", operation_id="updateImprovementItem",
               summary="Work an improvement item (state, owner, due date)",
               responses={200: ImprovementItem}, calls_services=True)
    def update_improvement(path: ImprovementPath, body: ImprovementUpdate):  # type: ignore[valid-type]
        changes = _as_text(sent_fields(body))
        request = marketing_pb2.UpdateImprovementItemRequest(
            item=from_json(changes, marketing_pb2.ImprovementItem(id=path.item_id)))
        request.update_mask.paths.extend(sorted(changes))
        updated = call(PEER, stub().UpdateImprovementItem, request, field_prefix="item.")
        return json_response(ImprovementItem.model_validate(_without_empty_dates(to_json(updated))))

    # -- triggers -------------------------------------------------------------------------------

    @operation(api, "post", TRIGGERS, operation_id="createTrigger",
               summary="Create a trigger (a journey step: fires once per occasion)",
               responses={201: Trigger}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_trigger(body: TriggerCreate):
        created = call(PEER, stub().CreateTrigger, marketing_pb2.CreateTriggerRequest(
            trigger=from_json(all_fields(body), marketing_pb2.Trigger()),
            request_id=idempotency_request_id(current_principal().user_id, current_key())),
            field_prefix="trigger.")
        return json_response(Trigger.model_validate(_trigger_json(created)), status=201,
                             headers={"Location": f"{TRIGGERS}/{created.id}"})

    @operation(api, "get", TRIGGERS, operation_id="listTriggers", summary="Triggers",
               responses={200: TriggerPage}, calls_services=True)
    def list_triggers(query: TriggerListQuery):
        request = marketing_pb2.ListTriggersRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            kind=enum_number(marketing_pb2.TriggerKind.DESCRIPTOR, query.kind))
        if query.enabled is not None:
            request.enabled = query.enabled
        page = call(PEER, stub().ListTriggers, request)
        document = to_json(page)
        document["triggers"] = [_trigger_json(t) for t in page.triggers]
        return json_response(TriggerPage.model_validate(document))

    @operation(api, "get", f"{TRIGGERS}/firings", operation_id="listTriggerFirings",
               summary="Firings of triggers, newest first", responses={200: FiringPage},
               calls_services=True)
    def list_firings(query: FiringListQuery):
        page = call(PEER, stub().ListTriggerFirings, marketing_pb2.ListTriggerFiringsRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            trigger_id=query.trigger_id, customer_id=query.customer_id))
        return json_response(FiringPage.model_validate(to_json(page)))

    @operation(api, "get", f"{TRIGGERS}/<trigger_id>", operation_id="getTrigger",
               summary="Get a trigger", responses={200: Trigger}, calls_services=True)
    def get_trigger(path: TriggerPath):
        found = call(PEER, stub().GetTrigger, marketing_pb2.GetTriggerRequest(id=path.trigger_id))
        return json_response(Trigger.model_validate(_trigger_json(found)))

    @operation(api, "patch", f"{TRIGGERS}/<trigger_id>", operation_id="updateTrigger",
               summary="Change a trigger (enable, offset, action...)", responses={200: Trigger},
               calls_services=True)
    def update_trigger(path: TriggerPath, body: TriggerUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        request = marketing_pb2.UpdateTriggerRequest(
            trigger=from_json(changes, marketing_pb2.Trigger(id=path.trigger_id)))
        request.update_mask.paths.extend(sorted(changes))
        updated = call(PEER, stub().UpdateTrigger, request, field_prefix="trigger.")
        return json_response(Trigger.model_validate(_trigger_json(updated)))

    @operation(api, "delete", f"{TRIGGERS}/<trigger_id>", operation_id="deleteTrigger",
               summary="Delete a trigger (its firings stay)", responses={204: None},
               calls_services=True)
    def delete_trigger(path: TriggerPath):
        call(PEER, stub().DeleteTrigger, marketing_pb2.DeleteTriggerRequest(id=path.trigger_id))
        return Response(status=204)

    app.register_api(api)


def _trigger_json(trigger: marketing_pb2.Trigger) -> dict:
    document = to_json(trigger)
    if not (trigger.condition.conditions or trigger.condition.groups):
        document["condition"] = None
    return document


def _items_of(document: dict) -> dict:
    document["items"] = [_without_empty_dates(item) for item in document.get("items", [])]
    return document
