"""A send's audience stays within its creator's reach (issue 15, finding 8: any department lead
could e-mail or text the whole customer base).

Customers reach the read model through the worker's projection of the customer service's
events (owner and department included); the segment is the marketer's "all customers" of the
module. A department lead of /hq/sales/east launches a campaign over it through the real api and
the real dispatcher hands the messages to a REAL notification api: only the customers of the
lead's subtree (and the lead's own) are recipients, queued and delivered, whoever launches it
and even when the worker's timer launches it with no user behind it. A marketer reaches every
customer. The segment counts the lead is shown are their share, and a trigger fires only for
the customers its creator reached. The migration gives the campaigns and triggers written
before it a reach.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2 as M
from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext
from crm_shared.migrations import upgrade
from crm_shared.timestamps import to_timestamp
from marketing_service import campaigns, outbound, read_model
from marketing_service.models import CampaignRecipient, OutboundMessage, TriggerFiring
from marketing_service.settings import MarketingWorkerSettings
from marketing_service.worker_surveys import SurveyWork
from sqlalchemy import create_engine, select, text

pytestmark = pytest.mark.integration

EMAIL = types_pb2.DELIVERY_CHANNEL_EMAIL
LEAD = "u-east-manager"  # manager and sales lead of /hq/sales/east, data scope department


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api()


def add_customer(api, tag: str, *, owner: str, department: str) -> str:
    """A customer with marketing consent, as the customer service's events put it into the
    read model (the worker's projection)."""
    customer_id = str(uuid.uuid4())
    now = utcnow()
    created = customer_events.CustomerCreated(customer=customer_pb2.Customer(
        id=customer_id, type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="客户",
        owner_id=owner, department_path=department, etag='W/"1"',
        email=f"{customer_id[:8]}@example.com", tags=[customer_pb2.CustomerTag(tag_id=tag)]))
    consent = customer_events.CustomerConsentChanged(
        customer_id=customer_id, purpose=customer_pb2.CONSENT_PURPOSE_MARKETING,
        state=customer_pb2.CONSENT_STATE_GRANTED, change_time=to_timestamp(now))
    for event in (created, consent):
        with api.database.unit_of_work() as uow:
            read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now,
                                    now=now)
    return customer_id


@pytest.fixture(scope="module")
def base(api):
    """The module's customer base and the marketer's segment of all of it."""
    tag = f"all-{uuid.uuid4().hex[:6]}"
    people = {
        "east": ("u-rep", "/hq/sales/east"),
        "east_team": ("u-rep-shanghai", "/hq/sales/east/shanghai"),
        "leads_own": (LEAD, "/hq/sales/north"),  # the lead's own customer, booked elsewhere
        "north": ("u-rep-north", "/hq/sales/north"),
        "service": ("u-agent", "/hq/service"),
        "east_lookalike": ("u-other", "/hq/sales/eastern"),  # not inside /hq/sales/east
    }
    customers = {name: add_customer(api, tag, owner=owner, department=department)
                 for name, (owner, department) in people.items()}
    segment = api.stub("u-marketer").CreateSegment(M.CreateSegmentRequest(segment=M.Segment(
        display_name="全部客户 All customers", kind=M.SEGMENT_KIND_CUSTOM, active=True,
        rule=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
            field="tags", operator=rules_pb2.CONDITION_OPERATOR_CONTAINS, values=[tag])]))))
    assert segment.member_count == len(customers)
    return {"customers": customers, "segment_id": segment.id,
            "lead_reaches": {customers["east"], customers["east_team"], customers["leads_own"]}}


def plan(api, caller: str, segment_id: str) -> M.Campaign:
    return api.stub(caller).CreateCampaign(M.CreateCampaignRequest(campaign=M.Campaign(
        name="春季促销", channel=EMAIL, segment_ids=[segment_id],
        variants=[M.CampaignVariant(id="A", weight_percent=50, subject="A", body="您好"),
                  M.CampaignVariant(id="B", weight_percent=50, subject="B", body="您好")])))


def rows(api, query) -> list:
    with api.database.unit_of_work(readonly=True) as uow:
        return list(uow.session.execute(query))


def recipients(api, campaign_id: str) -> set[str]:
    return {row.customer_id for row in rows(api, select(CampaignRecipient.customer_id).where(
        CampaignRecipient.campaign_id == campaign_id))}


def queued(api, campaign_id: str) -> set[str]:
    return {row.customer_id for row in rows(api, select(OutboundMessage.customer_id).where(
        OutboundMessage.group_key == campaign_id))}


def test_a_department_leads_campaign_over_all_customers_reaches_only_their_subtree(
        api, base, notification):
    campaign = plan(api, LEAD, base["segment_id"])
    launched = api.stub(LEAD).LaunchCampaign(M.LaunchCampaignRequest(id=campaign.id))

    reached = base["lead_reaches"]
    assert launched.stats.audience_count == len(reached)
    assert recipients(api, campaign.id) == reached
    assert queued(api, campaign.id) == reached
    told = [e.campaign.stats.audience_count
            for e in api.events("campaign.launched", marketing_events.CampaignLaunched)
            if e.campaign.id == campaign.id]
    assert told == [len(reached)]

    outbound.dispatch_due(api.database, notification.marketing, utcnow(), addresses=api.contacts)
    delivered = notification.deliveries(base["customers"].values())
    assert {d.customer_id for d in delivered
            if d.source_ref.startswith(f"campaign:{campaign.id}:")} == reached
    sent = [e.customer_id for e in api.events("campaign.message_sent",
                                              marketing_events.CampaignMessageSent)
            if e.campaign_id == campaign.id]
    assert sorted(sent) == sorted(reached)


def test_a_marketer_reaches_every_customer_and_so_does_all_scope(api, base):
    everyone = set(base["customers"].values())
    for caller in ("u-marketer", "u-admin"):  # a marketer's own scope is "own"
        campaign = plan(api, caller, base["segment_id"])
        launched = api.stub(caller).LaunchCampaign(M.LaunchCampaignRequest(id=campaign.id))
        assert launched.stats.audience_count == len(everyone)
        assert recipients(api, campaign.id) == everyone
        assert queued(api, campaign.id) == everyone


def test_the_reach_is_the_creators_whoever_launches_it_and_when(api, base):
    # the admin (all scope) may run the lead's campaign, but its audience stays the lead's
    by_admin = plan(api, LEAD, base["segment_id"])
    api.stub("u-admin").LaunchCampaign(M.LaunchCampaignRequest(id=by_admin.id))
    assert recipients(api, by_admin.id) == base["lead_reaches"]

    # scheduled: launched hours later by the worker's timer, with no token at all
    scheduled = plan(api, LEAD, base["segment_id"])
    api.stub(LEAD).ScheduleCampaign(M.ScheduleCampaignRequest(
        id=scheduled.id, schedule_time=to_timestamp(utcnow() + timedelta(hours=3))))
    launched, _ = campaigns.run_schedule(api.database, utcnow() + timedelta(hours=4))
    assert launched >= 1
    assert recipients(api, scheduled.id) == base["lead_reaches"]
    assert queued(api, scheduled.id) == base["lead_reaches"]


def test_the_lead_is_shown_their_share_of_a_segment_and_of_a_campaigns_recipients(api, base):
    lead, marketer = api.stub(LEAD), api.stub("u-marketer")
    segment_id, reached = base["segment_id"], base["lead_reaches"]
    everyone = set(base["customers"].values())

    assert lead.GetSegment(M.GetSegmentRequest(id=segment_id)).member_count == len(reached)
    listed = {s.id: s.member_count for s in lead.ListSegments(
        M.ListSegmentsRequest(page_size=500)).segments}
    assert listed[segment_id] == len(reached)
    assert marketer.GetSegment(M.GetSegmentRequest(id=segment_id)).member_count == len(everyone)
    members = lead.ListSegmentMembers(M.ListSegmentMembersRequest(segment_id=segment_id))
    assert ({m.customer_id for m in members.members}, members.total_size) == (reached,
                                                                             len(reached))
    preview = lead.PreviewSegment(M.PreviewSegmentRequest(rule=lead.GetSegment(
        M.GetSegmentRequest(id=segment_id)).rule, sample_size=100))
    assert (preview.member_count, {m.customer_id for m in preview.sample}) == (len(reached),
                                                                               reached)

    # a marketer of the east team reaches everyone; the lead sees the campaign (its owner is
    # in the lead's subtree) and its recipients as far as the lead reaches
    campaign = plan(api, "u-east-marketer", segment_id)
    api.stub("u-east-marketer").LaunchCampaign(M.LaunchCampaignRequest(id=campaign.id))

    def listed(caller: str) -> set[str]:
        return {r.customer_id for r in api.stub(caller).ListCampaignRecipients(
            M.ListCampaignRecipientsRequest(campaign_id=campaign.id, page_size=1000)).recipients}

    assert listed("u-east-marketer") == everyone
    assert listed(LEAD) == reached


@pytest.fixture(scope="module")
def worker(api, survey_link_secret):
    settings = MarketingWorkerSettings(service_name="marketing", database_url="sqlite://",
                                       survey_link_secret=survey_link_secret,
                                       survey_link_base_url="https://crm.example.com")

    class Worker(SurveyWork):
        config = {CONFIG_DATABASE: api.database, CONFIG_SETTINGS: settings}  # noqa: RUF012

    return Worker()


def at_risk(api, worker, customer_id: str) -> None:
    """What the worker does with customer.at_risk: its handler in one unit of work."""
    event = customer_events.CustomerAtRisk(customer_id=customer_id)
    with api.database.unit_of_work() as uow:
        ctx = EventContext(uow=uow, event_id=str(uuid.uuid4()),
                           event_type=event.DESCRIPTOR.full_name, headers={})
        type(worker).trigger_customer_at_risk.__wrapped__(worker, event, ctx)


def create_trigger(api, caller: str) -> M.Trigger:
    return api.stub(caller).CreateTrigger(M.CreateTriggerRequest(trigger=M.Trigger(
        display_name="流失风险关怀", kind=M.TRIGGER_KIND_CUSTOMER_AT_RISK, enabled=True,
        action=M.TriggerAction(kind=M.TRIGGER_ACTION_KIND_SEND_MESSAGE, channel=EMAIL,
                               template_key="at_risk_care"))))


def test_a_trigger_fires_only_for_the_customers_its_creator_reached(api, base, worker):
    # Triggers are written by marketers (company-wide) and admins: an admin whose data scope is
    # the /hq/sales/east department is the one writer whose reach is not everyone.
    scoped = create_trigger(api, "u-east-admin")
    company_wide = create_trigger(api, "u-marketer")
    for customer_id in base["customers"].values():
        at_risk(api, worker, customer_id)

    def fired(trigger_id: str) -> set[str]:
        return {row.customer_id for row in rows(api, select(TriggerFiring.customer_id).where(
            TriggerFiring.trigger_id == trigger_id))}

    def messaged(trigger_id: str) -> set[str]:
        return {row.customer_id for row in rows(api, select(OutboundMessage.customer_id).where(
            OutboundMessage.source_ref.like(f"trigger:{trigger_id}:%")))}

    east_admin_reaches = {base["customers"]["east"], base["customers"]["east_team"]}
    assert fired(scoped.id) == messaged(scoped.id) == east_admin_reaches
    everyone = set(base["customers"].values())
    assert fired(company_wide.id) == messaged(company_wide.id) == everyone
    # a customer the read model does not know yet: only a company-wide trigger may fire
    stranger = str(uuid.uuid4())
    at_risk(api, worker, stranger)
    assert stranger not in fired(scoped.id) and stranger in fired(company_wide.id)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_gives_earlier_campaigns_and_triggers_a_reach(backend, request):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    upgrade("marketing_service", url, "0005")
    engine = create_engine(url)
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO segments (id, display_name, description, kind, rule, contact_strategy,"
            " active, time_relative, member_count, owner_id, department_path, create_time,"
            " update_time, created_by, updated_by, version) VALUES ('s1', 's', '', 'custom',"
            " '{}', '{}', true, false, 0, 'marketer', '/hq/marketing', :t, :t, 'marketer',"
            " 'marketer', 1)"), {"t": stamp})
        for campaign_id, owner, department in (("by-marketer", "marketer", "/hq/marketing"),
                                               ("by-lead", "lead", "/hq/sales/east")):
            connection.execute(text(
                "INSERT INTO campaigns (id, name, description, objective, state, channel,"
                " segment_ids, excluded_segment_ids, variants, budget_minor, cost_minor,"
                " audience_count, owner_id, department_path, create_time, update_time,"
                " created_by, updated_by, version) VALUES (:id, 'c', '', '', 'draft', 'email',"
                " '[\"s1\"]', '[]', '[]', 0, 0, 0, :owner, :department, :t, :t, :owner, :owner,"
                " 1)"), {"id": campaign_id, "owner": owner, "department": department,
                         "t": stamp})
    try:
        upgrade("marketing_service", url)
        with engine.connect() as connection:
            scopes = dict(connection.execute(text(
                "SELECT id, audience_scope FROM campaigns")).all())
            triggers = set(connection.execute(text(
                "SELECT created_by, department_path, audience_scope FROM triggers")).all())
        assert scopes == {"by-marketer": "all", "by-lead": "department"}
        assert triggers == {("system", "", "all")}  # the seeded ones
    finally:
        engine.dispose()
