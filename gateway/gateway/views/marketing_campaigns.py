"""REST over gRPC: campaigns, recipients, responses, ROI and the marketing policy
(``/api/v1/campaigns``, ``/api/v1/marketing/policy``, ``/api/v1/marketing/kpis``) over
``crm.marketing.v1.MarketingService``.

Campaigns are created by marketers, managers and admins (the service decides: 403 for others)
and seen and run by their owner, by leads whose department subtree holds the owner's, and by
admins; anybody else gets 404. A campaign's audience stays within the customers its creator
reached when creating it (a department lead: their subtree's; a marketer: every customer),
whoever launches it; recipients are listed as far as the caller reaches. Campaign messages go
by e-mail or SMS, only to customers with marketing consent, within the frequency caps of the
policy (changed by admins).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

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
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.dashboard import DateRange, Kpi
from gateway.views.marketing_segments import PEER, MarketingChannelWord, marketing_stub
from gateway.views.marketing_surveys import SurveyResults
from gateway.views.ticket_schemas import (
    KPI_EXAMPLE,
    KpiQuery,
    TicketKpiGroup,
    all_fields,
    partial_model,
    sent_fields,
    words,
)

COLLECTION = "/api/v1/campaigns"
POLICY = "/api/v1/marketing/policy"
KPIS = "/api/v1/marketing/kpis"
PAGE_TOKEN = Field("", max_length=2048, description="`next_page_token` of the previous page.")

CampaignStateWord = words(marketing_pb2.CampaignState)
RecipientStatusWord = words(marketing_pb2.RecipientStatus)
ResponseKindWord = words(marketing_pb2.ResponseKind)
SurveyScheduleWord = words(marketing_pb2.SurveySchedule)
CampaignChannelWord = MarketingChannelWord
ChannelWord = words(types_pb2.DeliveryChannel)

USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
CUSTOMER = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
CAMPAIGN_ID = "5f0c7a3e-2b1d-4c6e-9a8f-7e6d5c4b3a21"
SEGMENT_ID = "8eb44d46-573c-5465-9516-71a979d6d71d"
DELIVERY_ID = "3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b"
STAMP = "2026-03-01T08:30:00Z"
VARIANTS_EXAMPLE = [
    {"id": "A", "name": "Discount headline", "weight_percent": 50, "template_key": "",
     "subject": "春季新品 8 折", "body": "{{display_name}}，您好：春季新品限时 8 折。",
     "locale": "zh-CN", "landing_url": "https://example.com/spring?v=A"},
    {"id": "B", "name": "Gift headline", "weight_percent": 50,
     "template_key": "marketing.spring_gift", "subject": "", "body": "", "locale": "",
     "landing_url": "https://example.com/spring?v=B"},
]
STATS_EXAMPLE = {
    "audience_count": 1200, "sent_count": 1100, "delivered_count": 1080, "failed_count": 20,
    "suppressed_no_consent_count": 60, "suppressed_frequency_cap_count": 40,
    "response_count": 96,
    "variants": [
        {"variant_id": "A", "audience_count": 600, "sent_count": 552, "delivered_count": 541,
         "response_count": 58},
        {"variant_id": "B", "audience_count": 600, "sent_count": 548, "delivered_count": 539,
         "response_count": 38},
    ],
}
CAMPAIGN_EXAMPLE = {
    "id": CAMPAIGN_ID, "name": "春季新品推广", "description": "A/B test of the headline",
    "objective": "Q2 repurchase", "state": "running", "channel": "email",
    "segment_ids": [SEGMENT_ID], "excluded_segment_ids": [], "variants": VARIANTS_EXAMPLE,
    "schedule_time": STAMP, "end_time": "2026-03-31T16:00:00Z",
    "budget": {"currency_code": "CNY", "amount_minor": 5000000},
    "cost": {"currency_code": "CNY", "amount_minor": 3200000}, "survey_id": "",
    "stats": STATS_EXAMPLE, "owner_id": USER, "department_path": "/hq/marketing",
    "launch_time": STAMP, "complete_time": None, "create_time": STAMP, "update_time": STAMP,
    "created_by": USER, "updated_by": USER, "etag": 'W/"4"',
}
RECIPIENT_EXAMPLE = {
    "campaign_id": CAMPAIGN_ID, "customer_id": CUSTOMER, "variant_id": "A", "status": "delivered",
    "delivery_id": DELIVERY_ID, "send_time": STAMP, "deliver_time": "2026-03-01T08:30:05Z",
    "response_time": None, "error": "",
}
RESPONSE_EXAMPLE = {
    "id": "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59", "campaign_id": CAMPAIGN_ID,
    "customer_id": CUSTOMER, "variant_id": "A", "kind": "registration",
    "occur_time": STAMP, "detail": "https://example.com/spring/expo",
}
FIGURES_EXAMPLE = {
    "variant_id": "", "delivered_count": 1080, "response_count": 96, "response_rate": 0.0889,
    "lead_count": 31, "conversion_count": 7, "conversion_rate": 0.0065,
    "revenue": {"currency_code": "CNY", "amount_minor": 12800000},
    "cost": {"currency_code": "CNY", "amount_minor": 3200000}, "roi": 3.0,
}
POLICY_EXAMPLE = {
    "frequency_caps": [{"channel": None, "max_messages": 3, "window_days": 7},
                       {"channel": None, "max_messages": 8, "window_days": 30}],
    "low_score_threshold": 4, "improvement_low_score_share": 0.2,
    "survey_invitation_valid_days": 14, "default_locale": "zh-CN", "update_time": STAMP,
    "updated_by": USER,
}


# --- schemas -----------------------------------------------------------------------------------


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency_code: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. `CNY`.")
    amount_minor: int = Field(ge=0, le=2**62, description="Minor units (fen for CNY).")


class CampaignVariant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$", description="Key, e.g. `A`, `B`.")
    name: str = Field("", max_length=200)
    weight_percent: int = Field(ge=1, le=100, description="Weights of all variants add to 100; "
                                "the split is exact (largest remainder).")
    template_key: str = Field("", max_length=100,
                              description="A notification template; or subject and body inline.")
    subject: str = Field("", max_length=300, description="Required for e-mail without template.")
    body: str = Field("", max_length=20000, description="`{{display_name}}` and `{{landing_url}}` "
                      "are filled in per recipient.")
    locale: Literal["zh-CN", "en-US", ""] = Field("", description="Empty: each recipient's.")
    landing_url: str = Field("", max_length=2000, description="Responses come back through it.")


class _CampaignFields(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    objective: str = Field("", max_length=500)
    channel: CampaignChannelWord = Field(description="`email` or `sms`: a campaign reaches "
                                         "customers at their own address.")
    segment_ids: list[str] = Field(min_length=1, max_length=20,
                                   description="Segments whose members form the audience.")
    excluded_segment_ids: list[str] = Field(default_factory=list, max_length=20)
    variants: list[CampaignVariant] = Field(min_length=1, max_length=10)
    schedule_time: datetime | None = Field(None, description="Set it with `/schedule`.")
    end_time: datetime | None = Field(None, description="The campaign completes by itself then.")
    budget: Money | None = None
    cost: Money | None = Field(None, description="Actual cost, for the ROI.")
    survey_id: str = Field("", max_length=36)
    survey_schedule: SurveyScheduleWord | None = Field(
        None, description="How often the members are invited to `survey_id` while the campaign "
        "runs: `once`, or `quarterly` (one invitation per member per calendar quarter).")


class CampaignCreate(_CampaignFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "春季新品推广", "objective": "Q2 repurchase", "channel": "email",
        "segment_ids": [SEGMENT_ID], "variants": VARIANTS_EXAMPLE,
        "end_time": "2026-03-31T16:00:00Z",
        "budget": {"currency_code": "CNY", "amount_minor": 5000000}}]})


class _CampaignChanges(_CampaignFields):
    etag: str = Field(max_length=64,
                      description="`etag` as read; sent, a concurrent change is a 409.")


CampaignUpdate = partial_model(
    _CampaignChanges,
    "CampaignUpdate",
    "The fields to change (audience, channel and variants only before the campaign runs).",
    [{"cost": {"currency_code": "CNY", "amount_minor": 3200000}},
     {"name": "春季新品推广（二期）", "etag": 'W/"4"'}],
)


class VariantStats(BaseModel):
    variant_id: str
    audience_count: int
    sent_count: int
    delivered_count: int
    response_count: int


class CampaignStats(BaseModel):
    audience_count: int
    sent_count: int
    delivered_count: int
    failed_count: int
    suppressed_no_consent_count: int
    suppressed_frequency_cap_count: int
    response_count: int
    variants: list[VariantStats]


class Campaign(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [CAMPAIGN_EXAMPLE]})

    id: str
    name: str
    description: str
    objective: str
    state: CampaignStateWord | None = None
    channel: ChannelWord | None = None
    segment_ids: list[str]
    excluded_segment_ids: list[str]
    variants: list[CampaignVariant]
    schedule_time: datetime | None = None
    end_time: datetime | None = None
    budget: Money | None = None
    cost: Money | None = None
    survey_id: str
    survey_schedule: SurveyScheduleWord | None = None
    stats: CampaignStats | None = None
    owner_id: str
    department_path: str
    launch_time: datetime | None = None
    complete_time: datetime | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class CampaignPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"campaigns": [CAMPAIGN_EXAMPLE], "next_page_token": ""}]})

    campaigns: list[Campaign] = Field(description="Newest first.")
    next_page_token: str


class CampaignPath(BaseModel):
    campaign_id: str = Field(min_length=1, max_length=64)


class CampaignListQuery(BaseModel):
    page_size: int | None = Field(None, ge=1, le=500, description="Default 50.")
    page_token: str = PAGE_TOKEN
    state: CampaignStateWord | None = None
    channel: CampaignChannelWord | None = None
    segment_id: str = Field("", max_length=64, description="Only campaigns targeting it.")
    owner_id: str = Field("", max_length=64)
    query: str = Field("", max_length=200, description="Name contains this text.")


class ScheduleBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"schedule_time": "2026-03-05T01:00:00Z"}]})

    schedule_time: datetime = Field(description="When it launches; in the future.")


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "预算调整"}]})

    reason: str = Field("", max_length=500)


class CampaignRecipient(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [RECIPIENT_EXAMPLE]})

    campaign_id: str
    customer_id: str
    variant_id: str
    status: RecipientStatusWord | None = None
    delivery_id: str
    send_time: datetime | None = None
    deliver_time: datetime | None = None
    response_time: datetime | None = None
    error: str = Field(description="Why it was not sent or failed.")


class RecipientPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"recipients": [RECIPIENT_EXAMPLE], "next_page_token": ""}]})

    recipients: list[CampaignRecipient]
    next_page_token: str


class RecipientListQuery(BaseModel):
    page_size: int | None = Field(None, ge=1, le=1000, description="Default 50.")
    page_token: str = PAGE_TOKEN
    variant_id: str = Field("", max_length=20)
    status: RecipientStatusWord | None = None
    customer_id: str = Field("", max_length=64)


class ResponseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"customer_id": CUSTOMER, "kind": "registration",
         "detail": "https://example.com/spring/expo"}]})

    customer_id: str = Field(min_length=1, max_length=64, description="A recipient.")
    variant_id: str = Field("", max_length=20, description="Default: the one allotted.")
    kind: ResponseKindWord
    occur_time: datetime | None = Field(None, description="Default now.")
    detail: str = Field("", max_length=1000)


class CampaignResponse(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [RESPONSE_EXAMPLE]})

    id: str
    campaign_id: str
    customer_id: str
    variant_id: str
    kind: ResponseKindWord | None = None
    occur_time: datetime | None = None
    detail: str


class RoiFigures(BaseModel):
    variant_id: str = Field(description="Empty for the whole campaign.")
    delivered_count: int
    response_count: int
    response_rate: float
    lead_count: int
    conversion_count: int
    conversion_rate: float
    revenue: Money | None = None
    cost: Money | None = None
    roi: float = Field(description="(revenue − cost) / cost; 0 without a cost.")


class CampaignRoi(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "campaign_id": CAMPAIGN_ID, "total": FIGURES_EXAMPLE,
        "variants": [{**FIGURES_EXAMPLE, "variant_id": "A"}], "compute_time": STAMP}]})

    campaign_id: str
    total: RoiFigures | None = None
    variants: list[RoiFigures]
    compute_time: datetime | None = None


class CampaignSurveyRound(BaseModel):
    round: str = Field(description="The calendar quarter of the round, e.g. `2026-Q4`.")
    invited_count: int = Field(description="Members invited in the round.")
    results: SurveyResults | None = Field(
        None, description="Over the round's invitations: `invitation_count` sent, "
        "`answer_count`, `response_rate`, per question and dimension, NPS.")


class CampaignSurveyRounds(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "campaign_id": CAMPAIGN_ID, "rounds": [{
            "round": "2026-Q4", "invited_count": 400,
            "results": SurveyResults.model_config["json_schema_extra"]["examples"][0]}]}]})

    campaign_id: str
    rounds: list[CampaignSurveyRound]


class FrequencyCap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: MarketingChannelWord | None = Field(None, description="`null`: all channels.")
    max_messages: int = Field(ge=1, le=1000)
    window_days: int = Field(ge=1, le=365)


class MarketingPolicy(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [POLICY_EXAMPLE]})

    frequency_caps: list[FrequencyCap]
    low_score_threshold: int
    improvement_low_score_share: float
    survey_invitation_valid_days: int
    default_locale: str
    update_time: datetime | None = None
    updated_by: str


class _PolicyFields(BaseModel):
    frequency_caps: list[FrequencyCap] = Field(
        max_length=10, description="Per customer across all campaigns and triggers; all hold.")
    low_score_threshold: int = Field(ge=2, le=5, description="Ratings below it are low.")
    improvement_low_score_share: float = Field(gt=0, le=1)
    survey_invitation_valid_days: int = Field(ge=1, le=365)
    default_locale: Literal["zh-CN", "en-US"]


PolicyUpdate = partial_model(
    _PolicyFields,
    "MarketingPolicyUpdate",
    "The policy values to change.",
    [{"frequency_caps": [{"channel": None, "max_messages": 2, "window_days": 7}]},
     {"low_score_threshold": 3}],
)


class MarketingKpis(BaseModel):
    """`campaign_response_rate`, `campaign_conversion_rate`, `campaign_revenue` (and the survey
    figures: `satisfaction_score`, `nps`, `survey_response_rate`, `low_score_share`...)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": {"start_date": "2026-03-01", "end_date": "2026-03-31"},
        "previous_period": {"start_date": "2026-01-29", "end_date": "2026-02-28"},
        "department_path": "/hq/sales",
        "kpis": [{**KPI_EXAMPLE, "key": "campaign_response_rate",
                  "display_name": "Campaign response rate", "target": None}],
        "groups": [], "compute_time": "2026-04-01T00:00:00Z", "source_service": "marketing"}]})

    period: DateRange | None = None
    previous_period: DateRange | None = None
    department_path: str
    kpis: list[Kpi]
    groups: list[TicketKpiGroup]
    compute_time: datetime | None = None
    source_service: str


def _campaign_of(message: marketing_pb2.Campaign) -> Campaign:
    return Campaign.model_validate(to_json(message))


def _policy_in(changes: dict) -> marketing_pb2.MarketingPolicy:
    caps = [{**cap, "channel": cap.get("channel")} for cap in changes.pop("frequency_caps", [])]
    policy = from_json(changes, marketing_pb2.MarketingPolicy())
    for cap in caps:
        policy.frequency_caps.add(
            channel=enum_number(types_pb2.DeliveryChannel.DESCRIPTOR, cap["channel"]),
            max_messages=cap["max_messages"], window_days=cap["window_days"])
    return policy


# --- routes ------------------------------------------------------------------------------------


def register(app, deps) -> None:
    api = APIBlueprint("marketing_campaigns", __name__, abp_tags=[Tag(name="campaigns")])

    def stub():
        return marketing_stub(deps)

    def transition(method: str, request) -> Response:
        changed = call(PEER, getattr(stub(), method), request)
        return json_response(_campaign_of(changed))

    @operation(
        api, "post", COLLECTION,
        operation_id="createCampaign",
        summary="Plan a campaign (DRAFT): audience from segments, A/B variants, channel",
        responses={201: Campaign},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_campaign(body: CampaignCreate):
        created = call(PEER, stub().CreateCampaign, marketing_pb2.CreateCampaignRequest(
            campaign=from_json(all_fields(body), marketing_pb2.Campaign()),
            request_id=idempotency_request_id(current_principal().user_id, current_key())),
            field_prefix="campaign.")
        return json_response(_campaign_of(created), status=201,
                             headers={"Location": f"{COLLECTION}/{created.id}"})

    @operation(
        api, "get", COLLECTION,
        operation_id="listCampaigns",
        summary="Campaigns the caller may see, newest first, with their statistics",
        responses={200: CampaignPage},
        calls_services=True,
    )
    def list_campaigns(query: CampaignListQuery):
        request = marketing_pb2.ListCampaignsRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            channel=enum_number(types_pb2.DeliveryChannel.DESCRIPTOR, query.channel),
            segment_id=query.segment_id, owner_id=query.owner_id, query=query.query)
        if query.state:
            request.states.append(enum_number(marketing_pb2.CampaignState.DESCRIPTOR,
                                              query.state))
        page = call(PEER, stub().ListCampaigns, request)
        return json_response(CampaignPage.model_validate(to_json(page)))

    @operation(
        api, "get", f"{COLLECTION}/<campaign_id>",
        operation_id="getCampaign",
        summary="A campaign with its delivery and response statistics",
        responses={200: Campaign},
        calls_services=True,
    )
    def get_campaign(path: CampaignPath):
        return transition("GetCampaign", marketing_pb2.GetCampaignRequest(id=path.campaign_id))

    @operation(
        api, "patch", f"{COLLECTION}/<campaign_id>",
        operation_id="updateCampaign",
        summary="Change a campaign (audience and variants only before it runs; cost any time)",
        responses={200: Campaign},
        calls_services=True,
    )
    def update_campaign(path: CampaignPath, body: CampaignUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        campaign = from_json(changes, marketing_pb2.Campaign(id=path.campaign_id))
        request = marketing_pb2.UpdateCampaignRequest(campaign=campaign)
        request.update_mask.paths.extend(sorted(set(changes) - {"etag"}))
        updated = call(PEER, stub().UpdateCampaign, request, field_prefix="campaign.")
        return json_response(_campaign_of(updated))

    @operation(
        api, "delete", f"{COLLECTION}/<campaign_id>",
        operation_id="deleteCampaign",
        summary="Delete a campaign still in planning (DRAFT)",
        responses={204: None},
        calls_services=True,
    )
    def delete_campaign(path: CampaignPath):
        call(PEER, stub().DeleteCampaign, marketing_pb2.DeleteCampaignRequest(id=path.campaign_id))
        return Response(status=204)

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/schedule",
        operation_id="scheduleCampaign",
        summary="Schedule a campaign to launch by itself at a future time",
        responses={200: Campaign},
        calls_services=True,
    )
    def schedule_campaign(path: CampaignPath, body: ScheduleBody):
        request = marketing_pb2.ScheduleCampaignRequest(id=path.campaign_id)
        request.schedule_time.FromDatetime(body.schedule_time)
        return transition("ScheduleCampaign", request)

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/launch",
        operation_id="launchCampaign",
        summary="Launch now: the audience (the segments' members its creator reaches) is "
                "frozen, split exactly over the variants and sent (consent and frequency caps "
                "checked for every message)",
        responses={200: Campaign},
        calls_services=True,
    )
    def launch_campaign(path: CampaignPath):
        key = current_key()
        return transition("LaunchCampaign", marketing_pb2.LaunchCampaignRequest(
            id=path.campaign_id,
            request_id=idempotency_request_id(current_principal().user_id, key) if key else ""))

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/pause",
        operation_id="pauseCampaign",
        summary="Pause a running campaign; unsent messages wait",
        responses={200: Campaign},
        calls_services=True,
    )
    def pause_campaign(path: CampaignPath):
        return transition("PauseCampaign", marketing_pb2.PauseCampaignRequest(id=path.campaign_id))

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/resume",
        operation_id="resumeCampaign",
        summary="Resume a paused campaign; consent and caps are checked again as messages go",
        responses={200: Campaign},
        calls_services=True,
    )
    def resume_campaign(path: CampaignPath):
        return transition("ResumeCampaign",
                          marketing_pb2.ResumeCampaignRequest(id=path.campaign_id))

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/complete",
        operation_id="completeCampaign",
        summary="End a campaign and move it to evaluation; unsent messages are cancelled",
        responses={200: Campaign},
        calls_services=True,
    )
    def complete_campaign(path: CampaignPath):
        return transition("CompleteCampaign",
                          marketing_pb2.CompleteCampaignRequest(id=path.campaign_id))

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/cancel",
        operation_id="cancelCampaign",
        summary="Cancel a campaign that has not completed; unsent messages are cancelled",
        responses={200: Campaign},
        calls_services=True,
    )
    def cancel_campaign(path: CampaignPath, body: CancelBody):
        return transition("CancelCampaign", marketing_pb2.CancelCampaignRequest(
            id=path.campaign_id, reason=body.reason))

    @operation(
        api, "get", f"{COLLECTION}/<campaign_id>/recipients",
        operation_id="listCampaignRecipients",
        summary="A campaign's recipients: variant and send status (sent, suppressed and why)",
        responses={200: RecipientPage},
        calls_services=True,
    )
    def list_recipients(path: CampaignPath, query: RecipientListQuery):
        request = marketing_pb2.ListCampaignRecipientsRequest(
            campaign_id=path.campaign_id, page_size=query.page_size or 0,
            page_token=query.page_token, variant_id=query.variant_id,
            customer_id=query.customer_id)
        if query.status:
            request.statuses.append(enum_number(marketing_pb2.RecipientStatus.DESCRIPTOR,
                                                query.status))
        page = call(PEER, stub().ListCampaignRecipients, request)
        return json_response(RecipientPage.model_validate(to_json(page)))

    @operation(
        api, "post", f"{COLLECTION}/<campaign_id>/responses",
        operation_id="recordCampaignResponse",
        summary="Record a recipient's response (click, reply, registration...); told to the "
                "customer's timeline",
        responses={201: CampaignResponse},
        calls_services=True,
        creates=True,
    )
    def record_response(path: CampaignPath, body: ResponseCreate):
        response = from_json({**all_fields(body), "campaign_id": path.campaign_id},
                             marketing_pb2.CampaignResponse())
        recorded = call(PEER, stub().RecordCampaignResponse,
                        marketing_pb2.RecordCampaignResponseRequest(
                            response=response, request_id=idempotency_request_id(
                                current_principal().user_id, current_key())),
                        field_prefix="response.")
        return json_response(CampaignResponse.model_validate(to_json(recorded)), status=201)

    @operation(
        api, "get", f"{COLLECTION}/<campaign_id>/roi",
        operation_id="getCampaignRoi",
        summary="Responses, leads, conversions, revenue, cost and ROI, per variant",
        responses={200: CampaignRoi},
        calls_services=True,
    )
    def campaign_roi(path: CampaignPath):
        roi = call(PEER, stub().GetCampaignRoi,
                   marketing_pb2.GetCampaignRoiRequest(campaign_id=path.campaign_id))
        return json_response(CampaignRoi.model_validate(to_json(roi)))

    @operation(
        api, "get", f"{COLLECTION}/<campaign_id>/survey-rounds",
        operation_id="getCampaignSurveyRounds",
        summary="The rounds of a campaign's scheduled survey, newest first: members invited, "
                "response rate and results per round",
        responses={200: CampaignSurveyRounds},
        calls_services=True,
    )
    def campaign_survey_rounds(path: CampaignPath):
        rounds = call(PEER, stub().GetCampaignSurveyRounds,
                      marketing_pb2.GetCampaignSurveyRoundsRequest(campaign_id=path.campaign_id))
        return json_response(CampaignSurveyRounds.model_validate(to_json(rounds)))

    @operation(
        api, "get", POLICY,
        operation_id="getMarketingPolicy",
        summary="The marketing policy: frequency caps, low-score threshold, survey validity",
        responses={200: MarketingPolicy},
        calls_services=True,
    )
    def get_policy():
        policy = call(PEER, stub().GetMarketingPolicy, marketing_pb2.GetMarketingPolicyRequest())
        return json_response(MarketingPolicy.model_validate(to_json(policy)))

    @operation(
        api, "patch", POLICY,
        operation_id="updateMarketingPolicy",
        summary="Change the marketing policy (administrators)",
        responses={200: MarketingPolicy},
        calls_services=True,
    )
    def update_policy(body: PolicyUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        request = marketing_pb2.UpdateMarketingPolicyRequest(policy=_policy_in(dict(changes)))
        request.update_mask.paths.extend(sorted(changes))
        policy = call(PEER, stub().UpdateMarketingPolicy, request, field_prefix="policy.")
        return json_response(MarketingPolicy.model_validate(to_json(policy)))

    @operation(
        api, "get", KPIS,
        operation_id="getMarketingKpis",
        summary="Marketing KPIs for a period and department subtree",
        responses={200: MarketingKpis},
        calls_services=True,
    )
    def marketing_kpis(query: KpiQuery):
        report = call(PEER, stub().GetMarketingKpis, marketing_pb2.GetMarketingKpisRequest(
            period=types_pb2.DateRange(start_date=query.start_date.isoformat(),
                                       end_date=query.end_date.isoformat()),
            department_path=query.department_path,
            group_by_department=query.group_by_department))
        return json_response(MarketingKpis.model_validate(to_json(report)))

    app.register_api(api)
