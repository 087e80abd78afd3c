"""REST over gRPC: segments and marketing profiles (``/api/v1/segments``,
``/api/v1/marketing/profiles/{customer_id}``) over ``crm.marketing.v1.MarketingService``.

Segment definitions are read by marketers, sales leads and admins and changed by marketers and
admins (the service decides: 403 for others); members, member counts, previews and profiles
show only the customers the caller reaches (a marketer every customer, anybody else those their
data scope shows): a segment is company-wide, its ``member_count`` the caller's share of it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from crm.common.v1 import rules_pb2, types_pb2
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.marketing_channels import MARKETING_CHANNELS
from crm_shared.protojson import enum_number, from_json, to_json
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.ticket_schemas import (
    ValueClassWord,
    all_fields,
    department_path_field,
    partial_model,
    sent_fields,
    words,
)

PEER = "marketing"
SERVICE = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]
COLLECTION = "/api/v1/segments"
PROFILES = "/api/v1/marketing/profiles"

MatchWord = words(rules_pb2.MatchMode)
OperatorWord = words(rules_pb2.ConditionOperator)
SegmentKindWord = words(marketing_pb2.SegmentKind)
ActionKindWord = words(marketing_pb2.ContactActionKind)
CadenceWord = words(marketing_pb2.Cadence)
ChannelWord = words(types_pb2.DeliveryChannel)
StageWord = words(types_pb2.LifecycleStage)
PAGE_TOKEN = Field("", max_length=2048, description="`next_page_token` of the previous page.")

USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
CUSTOMER = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
SEGMENT_ID = "8eb44d46-573c-5465-9516-71a979d6d71d"
STAMP = "2026-03-01T08:30:00Z"
RULE_EXAMPLE = {
    "match": "all",
    "conditions": [
        {"field": "value_class", "operator": "in", "values": ["VALUE_CLASS_A", "VALUE_CLASS_B"]},
        {"field": "tags", "operator": "contains", "values": ["tag-2024-q3-intent"]},
        {"field": "last_purchase_date", "operator": "within_last_days", "values": ["90"]},
    ],
    "groups": [],
}
STRATEGY_EXAMPLE = {
    "summary": "Monthly personal contact + birthday greeting",
    "actions": [
        {"kind": "personal_contact", "cadence": "monthly", "channel": None, "template_key": "",
         "description": "The account manager contacts the customer in person"},
        {"kind": "birthday_greeting", "cadence": "on_occasion", "channel": "sms",
         "template_key": "marketing.birthday_greeting", "description": "Greeting on the birthday"},
    ],
}
SEGMENT_EXAMPLE = {
    "id": SEGMENT_ID,
    "display_name": "高价值客户 High value",
    "description": "Value class A (annual contract amount ≥ 500,000 CNY).",
    "kind": "high_value",
    "rule": {"match": None, "conditions": [
        {"field": "value_class", "operator": "equals", "values": ["VALUE_CLASS_A"]}],
        "groups": []},
    "contact_strategy": STRATEGY_EXAMPLE,
    "active": True,
    "member_count": 1280,
    "evaluate_time": STAMP,
    "owner_id": USER,
    "department_path": "/hq/marketing",
    "create_time": STAMP,
    "update_time": STAMP,
    "created_by": USER,
    "updated_by": USER,
    "etag": 'W/"3"',
}
MEMBER_EXAMPLE = {
    "segment_id": SEGMENT_ID,
    "customer_id": CUSTOMER,
    "display_name": "上海某某科技有限公司",
    "owner_id": USER,
    "department_path": "/hq/sales/east",
    "value_class": "a",
    "lifecycle_stage": "customer",
    "at_risk": False,
    "join_time": STAMP,
}
RULE_FIELDS = (
    "`customer_type`, `industry`, `source`, `tags` (tag ids), `value_class`, `lifecycle_stage`, "
    "`rfm_recency_score`, `rfm_frequency_score`, `rfm_monetary_score`, `at_risk`, "
    "`marketing_consent` (on every channel), `email_marketing_consent`, `sms_marketing_consent` "
    "(on that channel: its own consent, else the one on every channel), "
    "`birth_date` (`within_next_days`: the next birthday), "
    "`contract_end_date`, `last_purchase_date`, `purchase_count_12m`, `spend_12m` (minor units), "
    "`last_interaction_time`, `satisfaction_average`, `owner_id`, `department_path`, "
    "`campaign_responses_90d`."
)


def marketing_stub(deps) -> marketing_pb2_grpc.MarketingServiceStub:
    return deps.peers.stub(PEER, SERVICE, marketing_pb2_grpc.MarketingServiceStub)


# --- schemas -----------------------------------------------------------------------------------


class SegmentCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=64, description=RULE_FIELDS)
    operator: OperatorWord
    values: list[str] = Field(
        default_factory=list, max_length=100,
        description="Numbers in decimal, dates `YYYY-MM-DD`, booleans `true`/`false`, enum "
        "values by their full contract name (`VALUE_CLASS_A`, `LIFECYCLE_STAGE_INTENT`).")


class SegmentConditionGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [RULE_EXAMPLE]})

    match: MatchWord | None = Field(None, description="`all` (default) or `any`.")
    conditions: list[SegmentCondition] = Field(default_factory=list, max_length=50)
    groups: list[SegmentConditionGroup] = Field(default_factory=list, max_length=20)


class ContactAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ActionKindWord
    cadence: CadenceWord
    channel: ChannelWord | None = Field(None, description="Channel of message actions.")
    template_key: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)


class ContactStrategy(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STRATEGY_EXAMPLE]})

    summary: str = Field("", max_length=200)
    actions: list[ContactAction] = Field(default_factory=list, max_length=20)


class _SegmentFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    kind: SegmentKindWord | None = Field(None, description="Default `custom`.")
    rule: SegmentConditionGroup
    contact_strategy: ContactStrategy | None = None
    active: bool = Field(True, description="False pauses membership updates.")


class SegmentCreate(_SegmentFields):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "display_name": "2024 Q3 意向客户",
            "description": "A/B-class customers tagged with Q3 intent who bought within 90 days",
            "kind": "custom",
            "rule": RULE_EXAMPLE,
            "contact_strategy": {"summary": "Quarterly white paper", "actions": [
                {"kind": "content", "cadence": "quarterly", "channel": "email",
                 "template_key": "marketing.white_paper"}]},
        }]},
    )


class _SegmentChanges(_SegmentFields):
    etag: str = Field(max_length=64,
                      description="`etag` as read; sent, a concurrent change is a 409.")


SegmentUpdate = partial_model(
    _SegmentChanges,
    "SegmentUpdate",
    "The fields to change; a new rule re-evaluates the membership at once.",
    [{"active": False}, {"rule": RULE_EXAMPLE, "etag": 'W/"3"'}],
)


class Segment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [SEGMENT_EXAMPLE]})

    id: str
    display_name: str
    description: str
    kind: SegmentKindWord | None = None
    rule: SegmentConditionGroup | None = None
    contact_strategy: ContactStrategy | None = None
    active: bool
    member_count: int = Field(description="Members the caller reaches (a marketer: every "
                              "member): the audience a campaign of theirs would have.")
    evaluate_time: datetime | None = Field(None, description="Last full evaluation.")
    owner_id: str
    department_path: str
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class SegmentPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"segments": [SEGMENT_EXAMPLE], "next_page_token": ""}]})

    segments: list[Segment]
    next_page_token: str


class SegmentPath(BaseModel):
    segment_id: str = Field(min_length=1, max_length=64)


class SegmentListQuery(BaseModel):
    page_size: int | None = Field(None, ge=1, le=500, description="Default 50.")
    page_token: str = PAGE_TOKEN
    kind: SegmentKindWord | None = None
    query: str = Field("", max_length=200, description="Name contains this text.")


class SegmentMember(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [MEMBER_EXAMPLE]})

    segment_id: str
    customer_id: str
    display_name: str
    owner_id: str
    department_path: str
    value_class: ValueClassWord | None = None
    lifecycle_stage: StageWord | None = None
    at_risk: bool
    join_time: datetime | None = None


class MemberListQuery(BaseModel):
    page_size: int | None = Field(None, ge=1, le=1000, description="Default 50.")
    page_token: str = PAGE_TOKEN
    department_path: str = department_path_field("Only customers owned in this subtree.")


class SegmentMemberPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"members": [MEMBER_EXAMPLE], "next_page_token": "", "total_size": 1}]})

    members: list[SegmentMember] = Field(description="Latest joined first.")
    next_page_token: str
    total_size: int = Field(description="Members the caller may see.")


class SegmentPreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"rule": RULE_EXAMPLE, "sample_size": 5}]})

    rule: SegmentConditionGroup
    sample_size: int | None = Field(None, ge=1, le=100, description="Default 10.")


class SegmentPreview(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"member_count": 312, "sample": [{**MEMBER_EXAMPLE, "segment_id": "",
                                          "join_time": None}]}]})

    member_count: int = Field(description="Customers the caller may see who match.")
    sample: list[SegmentMember]


class SegmentEvaluation(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"segment": SEGMENT_EXAMPLE, "joined_count": 12, "left_count": 3}]})

    segment: Segment | None = None
    joined_count: int
    left_count: int


# The channels a campaign sends on and a profile shows the consent on (crm_shared.marketing_channels).
MarketingChannelWord = Literal[tuple(MARKETING_CHANNELS.values())]  # type: ignore[misc]


class ProfilePath(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)


class ChannelConsent(BaseModel):
    channel: MarketingChannelWord = Field(description="A channel marketing sends on.")
    granted: bool = Field(False, description="Whether a marketing message may go out on it.")
    own: bool = Field(
        False,
        description="The channel has a consent of its own (an unsubscribe link, a 退订 reply, a "
        "consent for it); false: it follows `marketing_consent`.",
    )


class MarketingProfile(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "customer_id": CUSTOMER, "display_name": "李雷", "customer_type": "individual",
        "owner_id": USER, "department_path": "/hq/sales/east", "tag_ids": ["tag-vip"],
        "value_class": "a", "lifecycle_stage": "customer", "rfm_recency_score": 5,
        "rfm_frequency_score": 3, "rfm_monetary_score": 4, "at_risk": False,
        "marketing_consent": True,
        "channel_consents": [{"channel": "email", "granted": False, "own": True},
                             {"channel": "sms", "granted": True, "own": False}],
        "birth_date": "1990-05-06",
        "contract_end_date": "2026-12-31", "last_purchase_date": "2026-02-20",
        "segment_ids": [SEGMENT_ID], "messages_in_cap_window": 1, "update_time": STAMP}]})

    customer_id: str
    display_name: str
    customer_type: str = Field(description="`enterprise` or `individual`; empty while unknown.")
    owner_id: str
    department_path: str
    tag_ids: list[str]
    value_class: ValueClassWord | None = None
    lifecycle_stage: StageWord | None = None
    rfm_recency_score: int = Field(description="1..5, 0 while unknown (likewise F and M).")
    rfm_frequency_score: int
    rfm_monetary_score: int
    at_risk: bool
    marketing_consent: bool = Field(description="The consent on every channel.")
    channel_consents: list[ChannelConsent] = Field(
        default_factory=list,
        description="The consent on each channel marketing sends on, as a send there decides: "
        "the channel's own where one was given or withdrawn on it, else `marketing_consent`.",
    )
    birth_date: date | None = None
    contract_end_date: date | None = None
    last_purchase_date: date | None = None
    segment_ids: list[str]
    messages_in_cap_window: int
    update_time: datetime | None = None


def _segment_of(message: marketing_pb2.Segment) -> Segment:
    return Segment.model_validate(to_json(message))


def _dates_or_null(data: dict) -> dict:
    return {k: (v or None) if k.endswith("_date") else v for k, v in data.items()}


# --- routes ------------------------------------------------------------------------------------


def register(app, deps) -> None:
    api = APIBlueprint("marketing_segments", __name__, abp_tags=[Tag(name="segments")])

    def stub():
        return marketing_stub(deps)

    @operation(
        api, "post", COLLECTION,
        operation_id="createSegment",
        summary="Create a segment; its members are computed at once and kept current from events",
        responses={201: Segment},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_segment(body: SegmentCreate):
        created = call(PEER, stub().CreateSegment, marketing_pb2.CreateSegmentRequest(
            segment=from_json(all_fields(body), marketing_pb2.Segment()),
            request_id=idempotency_request_id(current_principal().user_id, current_key())),
            field_prefix="segment.")
        return json_response(_segment_of(created), status=201,
                             headers={"Location": f"{COLLECTION}/{created.id}"})

    @operation(
        api, "get", COLLECTION,
        operation_id="listSegments",
        summary="Segments, newest first",
        responses={200: SegmentPage},
        calls_services=True,
    )
    def list_segments(query: SegmentListQuery):
        page = call(PEER, stub().ListSegments, marketing_pb2.ListSegmentsRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            kind=enum_number(marketing_pb2.SegmentKind.DESCRIPTOR, query.kind),
            query=query.query))
        return json_response(SegmentPage.model_validate(to_json(page)))

    @operation(
        api, "post", f"{COLLECTION}/preview",
        operation_id="previewSegment",
        summary="How many customers a rule selects, with a sample; nothing is saved",
        responses={200: SegmentPreview},
        calls_services=True,
    )
    def preview_segment(body: SegmentPreviewRequest):
        reply = call(PEER, stub().PreviewSegment, marketing_pb2.PreviewSegmentRequest(
            rule=from_json(body.rule.model_dump(exclude_none=True), rules_pb2.ConditionGroup()),
            sample_size=body.sample_size or 0))
        return json_response(SegmentPreview.model_validate(to_json(reply)))

    @operation(
        api, "get", f"{COLLECTION}/<segment_id>",
        operation_id="getSegment",
        summary="Get a segment with its member count",
        responses={200: Segment},
        calls_services=True,
    )
    def get_segment(path: SegmentPath):
        found = call(PEER, stub().GetSegment, marketing_pb2.GetSegmentRequest(id=path.segment_id))
        return json_response(_segment_of(found))

    @operation(
        api, "patch", f"{COLLECTION}/<segment_id>",
        operation_id="updateSegment",
        summary="Change a segment (a new rule re-evaluates its members)",
        responses={200: Segment},
        calls_services=True,
    )
    def update_segment(path: SegmentPath, body: SegmentUpdate):  # type: ignore[valid-type]
        changes = sent_fields(body)
        segment = from_json(changes, marketing_pb2.Segment(id=path.segment_id))
        request = marketing_pb2.UpdateSegmentRequest(segment=segment)
        request.update_mask.paths.extend(sorted(set(changes) - {"etag"}))
        updated = call(PEER, stub().UpdateSegment, request, field_prefix="segment.")
        return json_response(_segment_of(updated))

    @operation(
        api, "delete", f"{COLLECTION}/<segment_id>",
        operation_id="deleteSegment",
        summary="Delete a segment (refused while a running campaign targets it)",
        responses={204: None},
        calls_services=True,
    )
    def delete_segment(path: SegmentPath):
        call(PEER, stub().DeleteSegment, marketing_pb2.DeleteSegmentRequest(id=path.segment_id))
        return Response(status=204)

    @operation(
        api, "post", f"{COLLECTION}/<segment_id>/evaluate",
        operation_id="evaluateSegment",
        summary="Re-evaluate a segment's members now over the whole read model",
        responses={200: SegmentEvaluation},
        calls_services=True,
    )
    def evaluate_segment(path: SegmentPath):
        reply = call(PEER, stub().EvaluateSegment,
                     marketing_pb2.EvaluateSegmentRequest(id=path.segment_id))
        return json_response(SegmentEvaluation.model_validate(to_json(reply)))

    @operation(
        api, "get", f"{COLLECTION}/<segment_id>/members",
        operation_id="listSegmentMembers",
        summary="The current members of a segment the caller may see, latest joined first",
        responses={200: SegmentMemberPage},
        calls_services=True,
    )
    def list_members(path: SegmentPath, query: MemberListQuery):
        page = call(PEER, stub().ListSegmentMembers, marketing_pb2.ListSegmentMembersRequest(
            segment_id=path.segment_id, page_size=query.page_size or 0,
            page_token=query.page_token, department_path=query.department_path))
        return json_response(SegmentMemberPage.model_validate(to_json(page)))

    @operation(
        api, "get", f"{PROFILES}/<customer_id>",
        operation_id="getMarketingProfile",
        summary="What marketing knows of a customer: the facts segments and sends decide on",
        responses={200: MarketingProfile},
        calls_services=True,
    )
    def get_profile(path: ProfilePath):
        profile = call(PEER, stub().GetMarketingProfile,
                       marketing_pb2.GetMarketingProfileRequest(customer_id=path.customer_id))
        return json_response(MarketingProfile.model_validate(_dates_or_null(to_json(profile))))

    app.register_api(api)
