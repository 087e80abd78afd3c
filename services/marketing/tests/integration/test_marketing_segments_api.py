"""The segment and profile RPCs through the real gRPC server: one api on SQLite for the module
(each test makes its own customers and segments), and the core create/members path on
PostgreSQL too. Customers reach the read model the way the worker puts them there."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import utcnow
from google.protobuf.field_mask_pb2 import FieldMask
from marketing_service import read_model

pytestmark = pytest.mark.integration

Op = rules_pb2.ConditionOperator
HIGH_VALUE = "8eb44d46-573c-5465-9516-71a979d6d71d"


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api("sqlite")


def _customer(api, *, owner="u-rep", department="/hq/sales/east", tags=(), value_class=0,
              birth_date="", name="客户") -> str:
    """A customer as customer.created puts it into the read model (through the worker's code)."""
    customer_id = str(uuid.uuid4())
    event = customer_events.CustomerCreated(customer=customer_pb2.Customer(
        id=customer_id, type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name=name,
        owner_id=owner, department_path=department, etag='W/"1"', value_class=value_class,
        tags=[customer_pb2.CustomerTag(tag_id=tag) for tag in tags],
        individual=customer_pb2.IndividualProfile(birth_date=birth_date)))
    now = utcnow()
    with api.database.unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now, now=now)
    return customer_id


def _tag_rule(tag: str) -> rules_pb2.ConditionGroup:
    return rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
        field="tags", operator=Op.CONDITION_OPERATOR_CONTAINS, values=[tag])])


def _create(api, caller="u-marketer", *, rule, request_id="", **fields):
    values = {"display_name": "2024 Q3 意向", "kind": marketing_pb2.SEGMENT_KIND_CUSTOM,
              "active": True, "rule": rule}
    values.update(fields)
    return api.stub(caller).CreateSegment(marketing_pb2.CreateSegmentRequest(
        segment=marketing_pb2.Segment(**values), request_id=request_id))


def _member_ids(api, caller, segment_id, **filters) -> list[str]:
    response = api.stub(caller).ListSegmentMembers(marketing_pb2.ListSegmentMembersRequest(
        segment_id=segment_id, **filters))
    return [member.customer_id for member in response.members]


def test_the_default_segments_are_there_with_their_contact_strategies(api):
    response = api.stub("u-marketer").ListSegments(marketing_pb2.ListSegmentsRequest())
    kinds = {segment.kind: segment for segment in response.segments}
    assert {marketing_pb2.SEGMENT_KIND_HIGH_VALUE, marketing_pb2.SEGMENT_KIND_POTENTIAL,
            marketing_pb2.SEGMENT_KIND_AT_RISK} <= set(kinds)
    high = kinds[marketing_pb2.SEGMENT_KIND_HIGH_VALUE]
    assert [a.kind for a in high.contact_strategy.actions] == [
        marketing_pb2.CONTACT_ACTION_KIND_PERSONAL_CONTACT,
        marketing_pb2.CONTACT_ACTION_KIND_BIRTHDAY_GREETING]
    assert kinds[marketing_pb2.SEGMENT_KIND_AT_RISK].contact_strategy.actions[0].cadence == \
        marketing_pb2.CADENCE_WEEKLY


def test_a_created_segment_has_its_members_at_once_and_announces_them(api):
    tag = f"tag-{uuid.uuid4().hex[:6]}"
    members = {_customer(api, tags=[tag]) for _ in range(3)}
    _customer(api, tags=["other"])
    segment = _create(api, rule=_tag_rule(tag))
    assert segment.member_count == 3
    assert segment.evaluate_time.seconds > 0
    assert (segment.owner_id, segment.department_path, segment.created_by) == (
        "u-marketer", "/hq/marketing", "u-marketer")
    assert set(_member_ids(api, "u-marketer", segment.id)) == members
    joined = [e for e in api.events("segment.member_joined", marketing_events.SegmentMemberJoined)
              if e.segment_id == segment.id]
    assert {e.customer_id for e in joined} == members
    assert api.stub("u-sales-lead").GetSegment(
        marketing_pb2.GetSegmentRequest(id=segment.id)).member_count == 3


def test_a_repeated_create_with_the_same_request_id_returns_the_first_segment(api, rpc_error):
    request_id = str(uuid.uuid4())
    first = _create(api, rule=_tag_rule("x"), request_id=request_id)
    again = _create(api, rule=_tag_rule("x"), request_id=request_id)
    assert again.id == first.id
    assert rpc_error(_create, api, "u-admin", rule=_tag_rule("x"),
                     request_id=request_id).code == grpc.StatusCode.ALREADY_EXISTS


def test_bad_segments_are_refused_field_by_field_and_nothing_is_stored(api, rpc_error):
    before = api.stub("u-marketer").ListSegments(
        marketing_pb2.ListSegmentsRequest(page_size=500)).segments
    bad_rule = rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
        field="value_class", operator=Op.CONDITION_OPERATOR_EQUALS, values=["A"])])
    error = rpc_error(_create, api, rule=bad_rule, display_name=" ", owner_id="u-other",
                      member_count=9,  # output only: ignored
                      contact_strategy=marketing_pb2.ContactStrategy(
                          actions=[marketing_pb2.ContactAction()]))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "segment.display_name", "segment.owner_id", "segment.rule.conditions[0].values[0]",
        "segment.contact_strategy.actions[0].kind",
        "segment.contact_strategy.actions[0].cadence"}
    after = api.stub("u-marketer").ListSegments(
        marketing_pb2.ListSegmentsRequest(page_size=500)).segments
    assert len(after) == len(before)


def test_who_may_read_and_change_segments(api, rpc_error):
    segment = _create(api, rule=_tag_rule("roles"))
    for caller in ("u-rep", "u-agent"):
        assert rpc_error(api.stub(caller).ListSegments, marketing_pb2.ListSegmentsRequest()
                         ).code == grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(_create, api, "u-sales-lead", rule=_tag_rule("x")).code == \
        grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(api.stub("u-sales-lead").DeleteSegment,
                     marketing_pb2.DeleteSegmentRequest(id=segment.id)).code == \
        grpc.StatusCode.PERMISSION_DENIED
    assert api.stub("u-admin").EvaluateSegment(
        marketing_pb2.EvaluateSegmentRequest(id=segment.id)).segment.id == segment.id


def test_update_changes_the_named_fields_reevaluates_a_new_rule_and_checks_the_etag(
        api, rpc_error):
    old_tag, new_tag = (f"t-{uuid.uuid4().hex[:6]}" for _ in range(2))
    stays, goes = _customer(api, tags=[old_tag, new_tag]), _customer(api, tags=[old_tag])
    comes = _customer(api, tags=[new_tag])
    segment = _create(api, rule=_tag_rule(old_tag))
    updated = api.stub("u-marketer").UpdateSegment(marketing_pb2.UpdateSegmentRequest(
        segment=marketing_pb2.Segment(id=segment.id, rule=_tag_rule(new_tag),
                                      display_name="ignored: not in the mask",
                                      etag=segment.etag),
        update_mask=FieldMask(paths=["rule"])))
    assert updated.display_name == segment.display_name
    assert updated.etag != segment.etag
    assert set(_member_ids(api, "u-marketer", segment.id)) == {stays, comes}
    left = [e.customer_id for e in api.events("segment.member_left",
                                              marketing_events.SegmentMemberLeft)
            if e.segment_id == segment.id]
    assert left == [goes]
    stale = rpc_error(api.stub("u-marketer").UpdateSegment, marketing_pb2.UpdateSegmentRequest(
        segment=marketing_pb2.Segment(id=segment.id, display_name="x", etag=segment.etag),
        update_mask=FieldMask(paths=["display_name"])))
    assert stale.code == grpc.StatusCode.ABORTED
    bad = rpc_error(api.stub("u-marketer").UpdateSegment, marketing_pb2.UpdateSegmentRequest(
        segment=marketing_pb2.Segment(id=segment.id), update_mask=FieldMask(
            paths=["member_count"])))
    assert [v.field for v in bad.violations] == ["update_mask.paths[member_count]"]
    missing = rpc_error(api.stub("u-marketer").UpdateSegment, marketing_pb2.UpdateSegmentRequest(
        segment=marketing_pb2.Segment(id=str(uuid.uuid4()), display_name="x"),
        update_mask=FieldMask(paths=["display_name"])))
    assert missing.code == grpc.StatusCode.NOT_FOUND


def test_preview_counts_and_samples_without_saving(api, rpc_error):
    tag = f"p-{uuid.uuid4().hex[:6]}"
    ids = {_customer(api, tags=[tag]) for _ in range(4)}
    preview = api.stub("u-marketer").PreviewSegment(marketing_pb2.PreviewSegmentRequest(
        rule=_tag_rule(tag), sample_size=2))
    assert preview.member_count == 4
    assert len(preview.sample) == 2 and {m.customer_id for m in preview.sample} <= ids
    error = rpc_error(api.stub("u-marketer").PreviewSegment,
                      marketing_pb2.PreviewSegmentRequest(rule=rules_pb2.ConditionGroup()))
    assert [v.field for v in error.violations] == ["rule"]


def test_members_are_shown_as_the_caller_may_see_the_customers(api):
    tag = f"v-{uuid.uuid4().hex[:6]}"
    east = _customer(api, tags=[tag], owner="u-rep", department="/hq/sales/east")
    north = _customer(api, tags=[tag], owner="u-rep-north", department="/hq/sales/north")
    service = _customer(api, tags=[tag], owner="u-agent", department="/hq/service")
    segment = _create(api, rule=_tag_rule(tag))
    assert set(_member_ids(api, "u-marketer", segment.id)) == {east, north, service}
    assert set(_member_ids(api, "u-sales-lead", segment.id)) == {east, north}
    assert set(_member_ids(api, "u-east-lead", segment.id)) == {east}
    assert set(_member_ids(api, "u-marketer", segment.id,
                           department_path="/hq/sales/north")) == {north}
    preview = api.stub("u-east-lead").PreviewSegment(marketing_pb2.PreviewSegmentRequest(
        rule=_tag_rule(tag)))
    assert preview.member_count == 1


def test_members_page_latest_joined_first(api):
    tag = f"pg-{uuid.uuid4().hex[:6]}"
    segment = _create(api, rule=_tag_rule(tag))
    joined = [_customer(api, tags=[tag]) for _ in range(5)]  # one by one, through events
    seen, token = [], ""
    while True:
        page = api.stub("u-marketer").ListSegmentMembers(marketing_pb2.ListSegmentMembersRequest(
            segment_id=segment.id, page_size=2, page_token=token))
        assert page.total_size == 5
        seen += [m.customer_id for m in page.members]
        token = page.next_page_token
        if not token:
            break
    assert seen == list(reversed(joined))


def test_the_marketing_profile_shows_facts_and_segments_to_who_may_see_the_customer(
        api, rpc_error):
    customer = _customer(api, value_class=types_pb2.VALUE_CLASS_A, birth_date="1990-05-06",
                         tags=["vip"])
    profile = api.stub("u-rep").GetMarketingProfile(
        marketing_pb2.GetMarketingProfileRequest(customer_id=customer))
    assert (profile.value_class, profile.birth_date, list(profile.tag_ids)) == (
        types_pb2.VALUE_CLASS_A, "1990-05-06", ["vip"])
    assert HIGH_VALUE in profile.segment_ids
    assert api.stub("u-marketer").GetMarketingProfile(
        marketing_pb2.GetMarketingProfileRequest(customer_id=customer)).customer_id == customer
    for caller in ("u-rep-north", "u-agent"):
        assert rpc_error(api.stub(caller).GetMarketingProfile,
                         marketing_pb2.GetMarketingProfileRequest(customer_id=customer)
                         ).code == grpc.StatusCode.NOT_FOUND


def test_the_marketing_profile_shows_the_consent_on_each_channel(api):
    """Consent on every channel, then a withdrawal on e-mail only (an unsubscribe link): the
    profile shows e-mail withdrawn as its own consent and SMS following the every-channel one."""
    customer = _customer(api)
    for channel, state in ((types_pb2.DELIVERY_CHANNEL_UNSPECIFIED, "GRANTED"),
                           (types_pb2.DELIVERY_CHANNEL_EMAIL, "WITHDRAWN")):
        now = utcnow()
        event = customer_events.CustomerConsentChanged(
            customer_id=customer, purpose=customer_pb2.CONSENT_PURPOSE_MARKETING,
            state=customer_pb2.ConsentState.Value(f"CONSENT_STATE_{state}"), channel=channel,
            source="unsubscribe_link")
        event.change_time.FromDatetime(now)
        with api.database.unit_of_work() as uow:
            read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now,
                                    now=now)

    profile = api.stub("u-rep").GetMarketingProfile(
        marketing_pb2.GetMarketingProfileRequest(customer_id=customer))

    assert profile.marketing_consent is True
    assert [(c.channel, c.granted, c.own) for c in profile.channel_consents] == [
        (types_pb2.DELIVERY_CHANNEL_EMAIL, False, True),
        (types_pb2.DELIVERY_CHANNEL_SMS, True, False)]


def test_a_deleted_segment_is_gone_with_its_members(api, rpc_error):
    tag = f"d-{uuid.uuid4().hex[:6]}"
    customer = _customer(api, tags=[tag])
    segment = _create(api, rule=_tag_rule(tag))
    api.stub("u-marketer").DeleteSegment(marketing_pb2.DeleteSegmentRequest(id=segment.id))
    assert rpc_error(api.stub("u-marketer").GetSegment,
                     marketing_pb2.GetSegmentRequest(id=segment.id)).code == \
        grpc.StatusCode.NOT_FOUND
    profile = api.stub("u-marketer").GetMarketingProfile(
        marketing_pb2.GetMarketingProfileRequest(customer_id=customer))
    assert segment.id not in profile.segment_ids


def test_the_core_path_on_postgresql(start_marketing_api):
    api = start_marketing_api("postgresql")
    tags = [f"pq-{uuid.uuid4().hex[:6]}", "common"]
    both = _customer(api, tags=tags)
    _customer(api, tags=tags[:1])
    rule = rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
        field="tags", operator=Op.CONDITION_OPERATOR_CONTAINS_ALL, values=tags)])
    segment = _create(api, rule=rule)
    assert segment.member_count == 1
    assert _member_ids(api, "u-sales-lead", segment.id) == [both]
    created = datetime.fromtimestamp(segment.create_time.seconds, UTC)
    assert abs((created - utcnow()).total_seconds()) < 60
