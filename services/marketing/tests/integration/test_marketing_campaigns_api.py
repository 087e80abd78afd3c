"""The campaign RPCs through the real marketing api: bad input named field by field with nothing
stored, illegal moves, stale etags, who sees which campaign, responses and their event, the
schedule timer, attribution from sales events handed to the worker's real handlers, ROI and
KPIs. The core create/launch/list path also runs on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import Database, utcnow
from crm_shared.events import handlers, wire
from crm_shared.timestamps import to_timestamp
from google.protobuf.field_mask_pb2 import FieldMask
from marketing_service import campaigns, outbound
from marketing_service.models import (
    Campaign,
    CampaignRecipient,
    CustomerProfile,
    Segment,
    SegmentMember,
)
from marketing_service.worker import MarketingWorker
from sqlalchemy import func, select, update

pytestmark = pytest.mark.integration

EMAIL = types_pb2.DELIVERY_CHANNEL_EMAIL
S = marketing_pb2


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api()


def add_customers(database: Database, count: int, *, consent=True,
                  department_path="/hq/sales/east") -> list[str]:
    now = utcnow()
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with database.unit_of_work() as uow:
        for index, customer_id in enumerate(ids):
            uow.session.add(CustomerProfile(
                customer_id=customer_id, state="active", customer_type="individual",
                display_name=f"customer {index}", owner_id="u-rep",
                department_path=department_path, email=f"c{index}@example.com", phone=None,
                locale="zh-CN", tag_ids=[], rfm_recency_score=0, rfm_frequency_score=0,
                rfm_monetary_score=0, at_risk=False, marketing_consent=consent, facts_version=1,
                fact_times={}, create_time=now, update_time=now))
    return ids


def add_segment(database: Database, members: list[str]) -> str:
    now = utcnow()
    segment_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(Segment(
            id=segment_id, display_name="s", description="", kind="custom", rule={},
            contact_strategy={}, active=True, time_relative=False, member_count=len(members),
            owner_id="u-marketer", department_path="/hq/marketing", create_time=now,
            update_time=now, created_by="u-marketer", updated_by="u-marketer", version=1))
        uow.session.flush()
        uow.session.add_all(SegmentMember(segment_id=segment_id, customer_id=customer_id,
                                          join_time=now) for customer_id in members)
    return segment_id


def campaign_data(segment_id: str, **fields) -> S.Campaign:
    values = {"name": "夏季新品", "channel": EMAIL, "segment_ids": [segment_id],
              "variants": [S.CampaignVariant(id="A", weight_percent=60, subject="新品",
                                             body="您好 {{display_name}}"),
                           S.CampaignVariant(id="B", weight_percent=40, template_key="promo")]}
    values.update(fields)
    return S.Campaign(**values)


def create(api, segment_id: str, caller="u-marketer", **fields) -> S.Campaign:
    return api.stub(caller).CreateCampaign(S.CreateCampaignRequest(
        campaign=campaign_data(segment_id, **fields)))


def count(api, model) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(scope="module")
def segment(api) -> str:
    return add_segment(api.database, add_customers(api.database, 5))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_create_launch_get_and_list_on_both_databases(backend, start_marketing_api):
    server = start_marketing_api(backend)
    customers = add_customers(server.database, 10)
    segment_id = add_segment(server.database, customers)
    stub = server.stub("u-marketer")
    created = create(server, segment_id, description="新品推广", budget=types_pb2.Money(
        currency_code="CNY", amount_minor=500000))
    assert created.state == S.CAMPAIGN_STATE_DRAFT
    assert (created.owner_id, created.department_path) == ("u-marketer", "/hq/marketing")
    assert created.budget.amount_minor == 500000

    launched = stub.LaunchCampaign(S.LaunchCampaignRequest(id=created.id,
                                                           request_id=str(uuid.uuid4())))
    assert launched.state == S.CAMPAIGN_STATE_RUNNING
    assert [(v.variant_id, v.audience_count) for v in launched.stats.variants] == [("A", 6),
                                                                                  ("B", 4)]
    assert stub.GetCampaign(S.GetCampaignRequest(id=created.id)).stats.audience_count == 10
    listed = stub.ListCampaigns(S.ListCampaignsRequest(states=[S.CAMPAIGN_STATE_RUNNING]))
    assert [campaign.id for campaign in listed.campaigns] == [created.id]
    with server.database.unit_of_work(readonly=True) as uow:
        queued = uow.session.scalar(select(func.count()).select_from(outbound.OutboundMessage)
                                    .where(outbound.OutboundMessage.group_key == created.id))
    assert queued == 10


def test_bad_input_is_named_field_by_field_and_nothing_is_stored(api, segment, rpc_error):
    before = count(api, Campaign)
    error = rpc_error(api.stub("u-marketer").CreateCampaign, S.CreateCampaignRequest(
        campaign=S.Campaign(
            channel=types_pb2.DELIVERY_CHANNEL_IN_APP, segment_ids=[],
            variants=[S.CampaignVariant(id="A", weight_percent=70, body="x"),
                      S.CampaignVariant(id="A", weight_percent=20, locale="fr")],
            budget=types_pb2.Money(currency_code="yuan", amount_minor=1),
            owner_id="u-someone-else"),
        request_id="not-a-uuid"))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    fields = {violation.field for violation in error.violations}
    assert fields >= {"campaign.name", "campaign.channel", "campaign.segment_ids",
                      "campaign.variants", "campaign.variants[1].id",
                      "campaign.variants[1].locale", "campaign.variants[1].template_key",
                      "campaign.budget.currency_code", "campaign.owner_id", "request_id"}
    unknown = rpc_error(api.stub("u-marketer").CreateCampaign, S.CreateCampaignRequest(
        campaign=campaign_data(segment, segment_ids=[segment, "no-such-segment"])))
    assert [v.field for v in unknown.violations] == ["campaign.segment_ids[1]"]
    assert count(api, Campaign) == before


def test_a_campaign_names_only_a_survey_that_exists_and_nothing_is_stored_otherwise(
        api, segment, rpc_error):
    """Issue 15: a write naming a record checks it. A survey id that names no survey is a
    field error on create and on update, and the campaign stays as it was; a real one is kept."""
    stub = api.stub("u-marketer")
    survey = stub.CreateSurvey(S.CreateSurveyRequest(survey=S.Survey(
        title="活动回访", kind=S.SURVEY_KIND_RELATIONSHIP, state=S.SURVEY_STATE_ACTIVE,
        questions=[S.SurveyQuestion(id="q1", dimension="nps", text="推荐？",
                                    type=S.QUESTION_TYPE_NPS_0_TO_10)])))
    stray = str(uuid.uuid4())
    before = count(api, Campaign)
    for caller in ("u-marketer", "u-admin"):
        refused = rpc_error(create, api, segment, caller=caller, survey_id=stray)
        assert (refused.code, [v.field for v in refused.violations]) == (
            grpc.StatusCode.INVALID_ARGUMENT, ["campaign.survey_id"]), caller
    assert count(api, Campaign) == before

    draft = create(api, segment, survey_id=survey.id)
    assert draft.survey_id == survey.id
    refused = rpc_error(stub.UpdateCampaign, S.UpdateCampaignRequest(
        campaign=S.Campaign(id=draft.id, survey_id=stray),
        update_mask=FieldMask(paths=["survey_id"])))
    assert [v.field for v in refused.violations] == ["campaign.survey_id"]
    assert stub.GetCampaign(S.GetCampaignRequest(id=draft.id)).survey_id == survey.id
    cleared = stub.UpdateCampaign(S.UpdateCampaignRequest(
        campaign=S.Campaign(id=draft.id), update_mask=FieldMask(paths=["survey_id"])))
    assert cleared.survey_id == ""


def test_only_marketing_roles_create_campaigns(api, segment, rpc_error):
    assert rpc_error(create, api, segment, caller="u-rep").code == grpc.StatusCode.PERMISSION_DENIED


def test_illegal_moves_and_stale_etags(api, segment, rpc_error):
    stub = api.stub("u-marketer")
    draft = create(api, segment)
    paused = rpc_error(stub.PauseCampaign, S.PauseCampaignRequest(id=draft.id))
    assert paused.code == grpc.StatusCode.FAILED_PRECONDITION
    assert paused.reason == "ILLEGAL_TRANSITION"
    assert paused.metadata == {"from_state": "draft", "to_state": "paused"}

    renamed = stub.UpdateCampaign(S.UpdateCampaignRequest(
        campaign=S.Campaign(id=draft.id, name="新名字", etag=draft.etag),
        update_mask=FieldMask(paths=["name"])))
    assert renamed.name == "新名字"
    stale = rpc_error(stub.UpdateCampaign, S.UpdateCampaignRequest(
        campaign=S.Campaign(id=draft.id, name="又一个", etag=draft.etag),
        update_mask=FieldMask(paths=["name"])))
    assert stale.code == grpc.StatusCode.ABORTED

    stub.LaunchCampaign(S.LaunchCampaignRequest(id=draft.id))
    frozen = rpc_error(stub.UpdateCampaign, S.UpdateCampaignRequest(
        campaign=campaign_data(segment, id=draft.id), update_mask=FieldMask(paths=["variants"])))
    assert (frozen.code, frozen.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                            "CAMPAIGN_FIELD_FROZEN")
    assert rpc_error(stub.DeleteCampaign, S.DeleteCampaignRequest(id=draft.id)).code \
        == grpc.StatusCode.FAILED_PRECONDITION
    past = rpc_error(stub.ScheduleCampaign, S.ScheduleCampaignRequest(
        id=create(api, segment).id, schedule_time=to_timestamp(utcnow() - timedelta(hours=1))))
    assert [v.field for v in past.violations] == ["schedule_time"]


def test_visibility_owner_lead_admin_and_nobody_else(api, segment, rpc_error):
    mine = create(api, segment)
    for caller in ("u-marketer", "u-marketing-lead", "u-admin"):
        assert api.stub(caller).GetCampaign(S.GetCampaignRequest(id=mine.id)).id == mine.id
    for caller in ("u-marketer-2", "u-sales-lead"):
        error = rpc_error(api.stub(caller).GetCampaign, S.GetCampaignRequest(id=mine.id))
        assert error.code == grpc.StatusCode.NOT_FOUND
        assert mine.id not in {campaign.id for campaign in api.stub(caller).ListCampaigns(
            S.ListCampaignsRequest(page_size=500)).campaigns}
        assert rpc_error(api.stub(caller).LaunchCampaign, S.LaunchCampaignRequest(
            id=mine.id)).code == grpc.StatusCode.NOT_FOUND
    assert api.stub("u-marketer").GetCampaign(S.GetCampaignRequest(id=mine.id)).state \
        == S.CAMPAIGN_STATE_DRAFT


def test_a_response_is_recorded_once_and_told_to_the_customer_service(api, rpc_error):
    customers = add_customers(api.database, 2)
    campaign = create(api, add_segment(api.database, customers))
    stub = api.stub("u-marketer")
    early = rpc_error(stub.RecordCampaignResponse, S.RecordCampaignResponseRequest(
        response=S.CampaignResponse(campaign_id=campaign.id, customer_id=customers[0],
                                    kind=S.RESPONSE_KIND_CLICK)))
    assert early.code == grpc.StatusCode.FAILED_PRECONDITION  # a draft reached nobody yet
    stub.LaunchCampaign(S.LaunchCampaignRequest(id=campaign.id))
    request_id = str(uuid.uuid4())
    request = S.RecordCampaignResponseRequest(request_id=request_id, response=S.CampaignResponse(
        campaign_id=campaign.id, customer_id=customers[0], kind=S.RESPONSE_KIND_REGISTRATION,
        detail="https://example.com/expo"))
    first = stub.RecordCampaignResponse(request)
    again = stub.RecordCampaignResponse(request)
    assert first.id == again.id
    with api.database.unit_of_work(readonly=True) as uow:
        allotted = campaigns.allotted_variant(uow.session, campaign.id, customers[0])
    assert first.variant_id == allotted
    told = [event for event in api.events("campaign.responded", marketing_events.CampaignResponded)
            if event.response.campaign_id == campaign.id]
    assert len(told) == 1
    assert (told[0].response.customer_id, told[0].campaign_name, told[0].owner_id,
            told[0].department_path) == (customers[0], "夏季新品", "u-rep", "/hq/sales/east")
    assert stub.GetCampaign(S.GetCampaignRequest(id=campaign.id)).stats.response_count == 1

    stranger = rpc_error(stub.RecordCampaignResponse, S.RecordCampaignResponseRequest(
        response=S.CampaignResponse(campaign_id=campaign.id, customer_id=str(uuid.uuid4()),
                                    kind=S.RESPONSE_KIND_CLICK)))
    assert [v.field for v in stranger.violations] == ["response.customer_id"]


def test_the_timer_launches_scheduled_campaigns_and_ends_them_on_time(api):
    customers = add_customers(api.database, 3)
    stub = api.stub("u-marketer")
    now = utcnow()
    campaign = create(api, add_segment(api.database, customers),
                      end_time=to_timestamp(now + timedelta(days=2)))
    stub.ScheduleCampaign(S.ScheduleCampaignRequest(
        id=campaign.id, schedule_time=to_timestamp(now + timedelta(hours=1))))

    assert campaigns.run_schedule(api.database, now + timedelta(minutes=59)) == (0, 0)
    assert campaigns.run_schedule(api.database, now + timedelta(hours=1)) == (1, 0)
    running = stub.GetCampaign(S.GetCampaignRequest(id=campaign.id))
    assert (running.state, running.stats.audience_count) == (S.CAMPAIGN_STATE_RUNNING, 3)
    assert campaigns.run_schedule(api.database, now + timedelta(hours=2)) == (0, 0)

    assert campaigns.run_schedule(api.database, now + timedelta(days=2)) == (0, 1)
    ended = stub.GetCampaign(S.GetCampaignRequest(id=campaign.id))
    assert ended.state == S.CAMPAIGN_STATE_COMPLETED
    assert ended.stats.audience_count == 3
    completed = [event for event in api.events("campaign.completed",
                                               marketing_events.CampaignCompleted)
                 if event.campaign.id == campaign.id]
    assert len(completed) == 1 and completed[0].actor_id == ""
    with api.database.unit_of_work(readonly=True) as uow:
        statuses = set(uow.session.scalars(select(CampaignRecipient.status).where(
            CampaignRecipient.campaign_id == campaign.id)))
    assert statuses == {"cancelled"}  # never dispatched before the end


def _handle(database: Database, method: str, event, event_id: str | None = None) -> str:
    """One event through the worker's real ``@on_event`` handler (ledger, unit of work)."""
    event_id = event_id or str(uuid.uuid4())
    delivery = handlers._Delivery(database=database, consumer=f"marketing.{method}",
                                  event_name=wire.event_name(event.DESCRIPTOR),
                                  exchange=f"{wire.source_service(event.DESCRIPTOR)}.events")
    headers = {wire.HEADER_EVENT_ID: event_id, wire.HEADER_EVENT_TYPE: event.DESCRIPTOR.full_name}
    getattr(MarketingWorker(), method)(wire.encode(event), headers, delivery)
    return event_id


def test_leads_wins_and_purchases_are_attributed_per_variant_into_the_roi(api):
    customers = add_customers(api.database, 10)
    stub = api.stub("u-marketer")
    campaign = create(api, add_segment(api.database, customers),
                      cost=types_pb2.Money(currency_code="CNY", amount_minor=100_001))
    stub.LaunchCampaign(S.LaunchCampaignRequest(id=campaign.id))
    with api.database.unit_of_work() as uow:  # the notification service confirmed every one
        uow.session.execute(update(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign.id).values(status="delivered",
                                                                 delivery_id=str(uuid.uuid4())))
        allotted = {row.customer_id: row.variant_id for row in uow.session.scalars(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id))}
    in_a = [customer for customer in customers if allotted[customer] == "A"]
    in_b = [customer for customer in customers if allotted[customer] == "B"]
    stub.RecordCampaignResponse(S.RecordCampaignResponseRequest(response=S.CampaignResponse(
        campaign_id=campaign.id, customer_id=in_a[0], kind=S.RESPONSE_KIND_CLICK)))

    lead_event = sales_events.LeadCreated(lead=sales_pb2.Lead(
        id="lead-1", campaign_id=campaign.id, campaign_variant_id="B", contact_name="王先生"))
    event_id = _handle(api.database, "attribute_lead", lead_event)
    _handle(api.database, "attribute_lead", lead_event, event_id)  # redelivered: counts once
    _handle(api.database, "attribute_lead", sales_events.LeadCreated(lead=sales_pb2.Lead(
        id="lead-2", campaign_id=campaign.id, customer_id=in_a[1])))  # variant from allotment
    _handle(api.database, "attribute_lead", sales_events.LeadCreated(lead=sales_pb2.Lead(
        id="lead-3", campaign_id=str(uuid.uuid4()))))  # not one of ours
    _handle(api.database, "attribute_won_opportunity", sales_events.OpportunityWon(
        opportunity=sales_pb2.Opportunity(
            id="opp-1", customer_id=in_a[1], campaign_id=campaign.id,
            amount=types_pb2.Money(currency_code="CNY", amount_minor=300_000))))
    _handle(api.database, "attribute_purchase", sales_events.PurchaseRecorded(
        purchase=sales_pb2.Purchase(id="p-1", customer_id=in_b[0], campaign_id=campaign.id,
                                    amount=types_pb2.Money(currency_code="CNY",
                                                           amount_minor=50_000))))
    _handle(api.database, "attribute_purchase", sales_events.PurchaseRecorded(
        purchase=sales_pb2.Purchase(id="p-2", customer_id=in_b[0], campaign_id=campaign.id,
                                    amount=types_pb2.Money(currency_code="USD",
                                                           amount_minor=999))))

    roi = stub.GetCampaignRoi(S.GetCampaignRoiRequest(campaign_id=campaign.id))
    total = roi.total
    assert (total.delivered_count, total.response_count, total.lead_count,
            total.conversion_count) == (10, 1, 2, 1)
    assert total.revenue == types_pb2.Money(currency_code="CNY", amount_minor=350_000)
    assert total.cost.amount_minor == 100_001
    assert total.roi == pytest.approx((350_000 - 100_001) / 100_001)
    assert total.response_rate == pytest.approx(0.1)
    by_variant = {figures.variant_id: figures for figures in roi.variants}
    assert (len(in_a), len(in_b)) == (6, 4)
    # the cost apportioned by audience, 6:4 of 100001, exactly: 60000.6 -> 60001, 40000.4 -> 40000
    assert (by_variant["A"].cost.amount_minor, by_variant["B"].cost.amount_minor) == (60_001,
                                                                                      40_000)
    assert (by_variant["A"].lead_count, by_variant["B"].lead_count) == (1, 1)
    assert by_variant["A"].revenue.amount_minor == 300_000
    assert by_variant["B"].revenue.amount_minor == 50_000
    assert by_variant["A"].conversion_rate == pytest.approx(1 / 6)


def test_the_marketing_policy_is_changed_by_admins_only_and_validated(api, rpc_error):
    assert rpc_error(api.stub("u-marketer").UpdateMarketingPolicy,
                     S.UpdateMarketingPolicyRequest(policy=S.MarketingPolicy(
                         low_score_threshold=3), update_mask=FieldMask(
                         paths=["low_score_threshold"]))).code == grpc.StatusCode.PERMISSION_DENIED
    admin = api.stub("u-admin")
    bad = rpc_error(admin.UpdateMarketingPolicy, S.UpdateMarketingPolicyRequest(
        policy=S.MarketingPolicy(default_locale="de-DE"),
        update_mask=FieldMask(paths=["default_locale", "updated_by"])))
    assert {v.field for v in bad.violations} == {"update_mask", "policy.default_locale"}
    changed = admin.UpdateMarketingPolicy(S.UpdateMarketingPolicyRequest(
        policy=S.MarketingPolicy(survey_invitation_valid_days=21),
        update_mask=FieldMask(paths=["survey_invitation_valid_days"])))
    assert (changed.survey_invitation_valid_days, changed.low_score_threshold,
            changed.updated_by) == (21, 4, "u-admin")
    assert api.stub("u-rep").GetMarketingPolicy(
        S.GetMarketingPolicyRequest()).survey_invitation_valid_days == 21


def test_kpis_count_responses_of_the_customers_sent_in_the_period(api, rpc_error):
    east = add_customers(api.database, 4, department_path="/hq/sales/east")
    north = add_customers(api.database, 2, department_path="/hq/sales/north")
    stub = api.stub("u-marketer")
    campaign = create(api, add_segment(api.database, east + north))
    stub.LaunchCampaign(S.LaunchCampaignRequest(id=campaign.id))
    sent_at = utcnow().replace(year=2031, month=5, day=10)  # a period no other test sends in
    with api.database.unit_of_work() as uow:
        uow.session.execute(update(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign.id).values(
            status="sent", delivery_id=str(uuid.uuid4()), send_time=sent_at))
        uow.session.execute(update(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.customer_id.in_([east[0], north[0]])).values(
            response_time=sent_at + timedelta(hours=1)))
    request = S.GetMarketingKpisRequest(
        period=types_pb2.DateRange(start_date="2031-05-01", end_date="2031-05-31"),
        department_path="/hq/sales", group_by_department=True)
    report = stub.GetMarketingKpis(request)
    figures = {kpi.key: kpi for kpi in report.kpis}
    assert figures["campaign_response_rate"].value == pytest.approx(2 / 6)
    assert figures["campaign_response_rate"].sample_size == 6
    groups = {group.key: {kpi.key: kpi.value for kpi in group.kpis} for group in report.groups}
    assert groups["/hq/sales/east"]["campaign_response_rate"] == pytest.approx(1 / 4)
    assert groups["/hq/sales/north"]["campaign_response_rate"] == pytest.approx(1 / 2)
    assert report.previous_period.end_date == "2031-04-30"
    # a rep sees only the customers they own (all of these are u-rep's)
    assert {kpi.key: kpi.sample_size for kpi in api.stub("u-rep-north").GetMarketingKpis(
        request).kpis}["campaign_response_rate"] == 0
    bad = rpc_error(stub.GetMarketingKpis, S.GetMarketingKpisRequest(
        period=types_pb2.DateRange(start_date="2031-05-31", end_date="2031-05-01")))
    assert [v.field for v in bad.violations] == ["period.end_date"]


def test_a_create_retried_with_its_request_id_returns_the_first_campaign(api, segment, rpc_error):
    request = S.CreateCampaignRequest(campaign=campaign_data(segment), request_id=str(uuid.uuid4()))
    first = api.stub("u-marketer").CreateCampaign(request)
    before = count(api, Campaign)
    again = api.stub("u-marketer").CreateCampaign(request)
    assert again.id == first.id and count(api, Campaign) == before
    assert rpc_error(api.stub("u-marketer-2").CreateCampaign, request).code.name == "ALREADY_EXISTS"
