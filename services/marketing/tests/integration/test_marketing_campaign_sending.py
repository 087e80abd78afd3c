"""Campaigns through the real marketing api, sent by the real dispatcher to a REAL in-process
notification api (its own migrated database, called with a service-account token), whose
deliveries the tests read back: one message per consenting, uncapped member with the exact
variant counts; never without consent; consent withdrawn before sending cancels; the cap holds
across campaigns; an unsubscribe on one channel stops that channel only; a dispatcher that dies mid-way sends nothing twice; an unreachable notification
service means back-off, not loss. The audience comes from segment rows as the segments part
keeps them (members of the read model)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.db import Database, utcnow
from crm_shared.grpc.client import connect
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from marketing_service import ab_split, outbound, read_model, unsubscribe
from marketing_service.models import (
    CampaignRecipient,
    CustomerProfile,
    OutboundMessage,
    Segment,
    SegmentMember,
)
from sqlalchemy import select

pytestmark = pytest.mark.integration

NOTIFICATION_SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
EMAIL = types_pb2.DELIVERY_CHANNEL_EMAIL
SMS = types_pb2.DELIVERY_CHANNEL_SMS


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api()


def add_customers(database: Database, count: int, *, consent=True, prefix="c") -> list[str]:
    """Profiles in the read model as the segments part keeps them (consent per customer)."""
    now = utcnow()
    ids = []
    with database.unit_of_work() as uow:
        for index in range(count):
            customer_id = str(uuid.uuid4())
            gives = consent(index) if callable(consent) else consent
            uow.session.add(CustomerProfile(
                customer_id=customer_id, state="active", customer_type="individual",
                display_name=f"{prefix} {index}", owner_id="u-rep",
                department_path="/hq/sales/east", email=f"{prefix}{index}.{customer_id[:6]}@example.com",
                phone="13812345678", locale="zh-CN", tag_ids=[], rfm_recency_score=0,
                rfm_frequency_score=0, rfm_monetary_score=0, at_risk=False,
                marketing_consent=gives, facts_version=1, fact_times={}, create_time=now,
                update_time=now))
            ids.append(customer_id)
    return ids


def add_segment(database: Database, members: list[str]) -> str:
    now = utcnow()
    segment_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(Segment(
            id=segment_id, display_name=f"segment {segment_id[:6]}", description="",
            kind="custom", rule={}, contact_strategy={}, active=True, time_relative=False,
            member_count=len(members), owner_id="u-marketer", department_path="/hq/marketing",
            create_time=now, update_time=now, created_by="u-marketer", updated_by="u-marketer",
            version=1))
        uow.session.flush()
        for customer_id in members:
            uow.session.add(SegmentMember(segment_id=segment_id, customer_id=customer_id,
                                          join_time=now))
    return segment_id


def launched_campaign(api, segment_id: str, variants=(("A", 50), ("B", 50)),
                      caller="u-marketer", channel=EMAIL) -> marketing_pb2.Campaign:
    stub = api.stub(caller)
    campaign = stub.CreateCampaign(marketing_pb2.CreateCampaignRequest(campaign=marketing_pb2.Campaign(
        name="春季促销", channel=channel, segment_ids=[segment_id],
        variants=[marketing_pb2.CampaignVariant(id=key, weight_percent=weight,
                                                subject=f"Offer {key}", body="Hello {{display_name}}")
                  for key, weight in variants])))
    return stub.LaunchCampaign(marketing_pb2.LaunchCampaignRequest(id=campaign.id))


def read_rows(database: Database, query) -> list:
    """Rows of ``query``, detached with what they held (a read-only unit of work rolls back)."""
    with database.unit_of_work(readonly=True) as uow:
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
    return rows


def recipients(api, campaign_id: str) -> dict[str, CampaignRecipient]:
    return {row.customer_id: row for row in read_rows(api.database, select(
        CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


def sent_events(api, campaign_id: str) -> list:
    return [event for event in api.events("campaign.message_sent",
                                          marketing_events.CampaignMessageSent)
            if event.campaign_id == campaign_id]


def test_a_launched_campaign_sends_one_message_per_consenting_member_with_exact_variant_counts(
        api, notification, rpc_error):
    consenting = add_customers(api.database, 23)
    refusing = add_customers(api.database, 4, consent=False)
    campaign = launched_campaign(api, add_segment(api.database, consenting + refusing),
                                 variants=(("A", 70), ("B", 30)))

    assert campaign.state == marketing_pb2.CAMPAIGN_STATE_RUNNING
    assert campaign.stats.audience_count == 27
    # 70 % of 27 is 18.9 and 30 % is 8.1: A gets 19, B gets 8
    assert {variant.variant_id: variant.audience_count for variant in campaign.stats.variants} \
        == {"A": 19, "B": 8}
    assert campaign.stats.suppressed_no_consent_count == 4
    assert api.events("campaign.launched", marketing_events.CampaignLaunched)[-1].campaign.id \
        == campaign.id

    report = outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                                   addresses=api.contacts)
    assert report.sent == 23

    deliveries = notification.deliveries(consenting + refusing)
    assert sorted(delivery.customer_id for delivery in deliveries) == sorted(consenting)
    by_customer = recipients(api, campaign.id)
    allotted = ab_split.assign(campaign.id, consenting + refusing, [("A", 70), ("B", 30)])
    for delivery in deliveries:
        variant = by_customer[delivery.customer_id].variant_id
        assert variant == allotted[delivery.customer_id]
        assert delivery.source_ref == f"campaign:{campaign.id}:variant:{variant}"
        assert delivery.subject == f"Offer {variant}"
        assert delivery.address.endswith("@example.com")
    assert {by_customer[customer].status for customer in consenting} == {"sent"}
    assert {by_customer[customer].status for customer in refusing} == {"suppressed_no_consent"}
    assert {by_customer[delivery.customer_id].delivery_id for delivery in deliveries} \
        == {delivery.id for delivery in deliveries}
    events = sent_events(api, campaign.id)
    assert sorted(event.customer_id for event in events) == sorted(consenting)

    after = api.stub("u-marketer").GetCampaign(marketing_pb2.GetCampaignRequest(id=campaign.id))
    assert after.stats.sent_count == 23
    listed = api.stub("u-marketer").ListCampaignRecipients(marketing_pb2.ListCampaignRecipientsRequest(
        campaign_id=campaign.id, statuses=[marketing_pb2.RECIPIENT_STATUS_SUPPRESSED_NO_CONSENT]))
    assert sorted(row.customer_id for row in listed.recipients) == sorted(refusing)

    profile = api.stub("u-marketer").GetMarketingProfile(marketing_pb2.GetMarketingProfileRequest(
        customer_id=consenting[0]))
    assert profile.messages_in_cap_window == 1
    segment_in_use = rpc_error(api.stub("u-marketer").DeleteSegment,
                               marketing_pb2.DeleteSegmentRequest(id=campaign.segment_ids[0]))
    assert segment_in_use.code == grpc.StatusCode.FAILED_PRECONDITION
    assert campaign.id in segment_in_use.message

    # a second pass finds nothing due: nothing is sent twice
    assert not outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                                     addresses=api.contacts)
    assert len(notification.deliveries(consenting)) == 23


def test_consent_withdrawn_before_the_message_goes_cancels_it(api, notification):
    customers = add_customers(api.database, 3)
    campaign = launched_campaign(api, add_segment(api.database, customers))
    withdrawn = customers[1]
    with api.database.unit_of_work() as uow:
        uow.session.get(CustomerProfile, withdrawn).marketing_consent = False

    outbound.dispatch_due(api.database, notification.marketing, utcnow(), addresses=api.contacts)

    assert sorted(delivery.customer_id for delivery in notification.deliveries(customers)) \
        == sorted(set(customers) - {withdrawn})
    assert recipients(api, campaign.id)[withdrawn].status == "suppressed_no_consent"
    assert withdrawn not in {event.customer_id for event in sent_events(api, campaign.id)}


def consent_changed(api, customer_id: str, state, channel, minutes_ago: int) -> None:
    """The customer service's ``customer.consent_changed`` (marketing), as the read model's
    consumer applies it."""
    now = utcnow()
    change_time = Timestamp()
    change_time.FromDatetime(now - timedelta(minutes=minutes_ago))
    event = customer_events.CustomerConsentChanged(
        customer_id=customer_id, purpose=customer_pb2.CONSENT_PURPOSE_MARKETING, state=state,
        channel=channel, source="test", change_time=change_time)
    with api.database.unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now, now=now)


def send_both_channels(api, notification, customers: list[str]) -> tuple[set[str], set[str]]:
    """Launch an e-mail and an SMS campaign to ``customers`` and send them: who got each."""
    segment_id = add_segment(api.database, customers)
    by_email = launched_campaign(api, segment_id, channel=EMAIL)
    by_sms = launched_campaign(api, segment_id, channel=SMS)
    outbound.dispatch_due(api.database, notification.marketing, utcnow(), addresses=api.contacts)
    sent = [(d.source_ref.split(":")[1], d.customer_id) for d in notification.deliveries(customers)]
    return ({c for campaign, c in sent if campaign == by_email.id},
            {c for campaign, c in sent if campaign == by_sms.id})


def test_an_unsubscribe_on_one_channel_stops_that_channel_only_until_consent_is_given_again(
        api, notification):
    email_out, sms_out, both = add_customers(api.database, 3, prefix="u")
    # an e-mail unsubscribe, as the customer service's event tells the read model...
    consent_changed(api, email_out, customer_pb2.CONSENT_STATE_WITHDRAWN, EMAIL, minutes_ago=5)
    # ...and a 退订 reply, as the marketing api marks the read model at once
    with api.database.unit_of_work() as uow:
        unsubscribe.stop_sending(uow.session, sms_out, "sms", utcnow())

    emailed, texted = send_both_channels(api, notification, [email_out, sms_out, both])

    assert emailed == {sms_out, both}
    assert texted == {email_out, both}

    # consent given again on every channel (later than the unsubscribe) re-subscribes
    consent_changed(api, email_out, customer_pb2.CONSENT_STATE_GRANTED,
                    types_pb2.DELIVERY_CHANNEL_UNSPECIFIED, minutes_ago=1)
    emailed, texted = send_both_channels(api, notification, [email_out])
    assert (emailed, texted) == ({email_out}, {email_out})


def test_the_frequency_cap_holds_across_two_campaigns(api, notification):
    admin = api.stub("u-admin")
    before = admin.GetMarketingPolicy(marketing_pb2.GetMarketingPolicyRequest())
    admin.UpdateMarketingPolicy(marketing_pb2.UpdateMarketingPolicyRequest(
        policy=marketing_pb2.MarketingPolicy(frequency_caps=[marketing_pb2.FrequencyCap(
            max_messages=1, window_days=7)]), update_mask=FieldMask(paths=["frequency_caps"])))
    try:
        earlier = add_customers(api.database, 2)
        first = launched_campaign(api, add_segment(api.database, earlier))
        outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                              addresses=api.contacts)
        newcomer = add_customers(api.database, 1)
        second = launched_campaign(api, add_segment(api.database, earlier + newcomer))
        outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                              addresses=api.contacts)
    finally:
        admin.UpdateMarketingPolicy(marketing_pb2.UpdateMarketingPolicyRequest(
            policy=before, update_mask=FieldMask(paths=["frequency_caps"])))

    sent = [delivery.source_ref.split(":")[1] for delivery in
            notification.deliveries(earlier + newcomer)]
    assert sorted(sent) == sorted([first.id, first.id, second.id])
    second_recipients = recipients(api, second.id)
    assert {second_recipients[customer].status for customer in earlier} \
        == {"suppressed_frequency_cap"}
    assert second_recipients[newcomer[0]].status == "sent"
    stats = api.stub("u-marketer").GetCampaign(marketing_pb2.GetCampaignRequest(id=second.id)).stats
    assert (stats.suppressed_frequency_cap_count, stats.sent_count) == (2, 1)


def test_a_dispatcher_that_dies_after_handing_over_sends_nothing_twice(api, notification):
    customers = add_customers(api.database, 4)
    campaign = launched_campaign(api, add_segment(api.database, customers))
    now = utcnow()
    claimed = outbound.claim_due(api.database, now)
    mine = [item for item in claimed if item.request.customer_id in customers]
    assert len(mine) == 4
    # ... and the process dies before record()
    outbound.hand_over(notification.marketing, claimed, api.contacts)
    assert len(notification.deliveries(customers)) == 4
    assert not outbound.dispatch_due(api.database, notification.marketing, now + timedelta(seconds=1),
                                     addresses=api.contacts)

    later = now + outbound.LEASE + timedelta(seconds=1)  # the lease of the dead dispatcher ended
    report = outbound.dispatch_due(api.database, notification.marketing, later,
                                   addresses=api.contacts)

    assert report.sent == 4
    deliveries = notification.deliveries(customers)
    assert len(deliveries) == 4
    by_customer = recipients(api, campaign.id)
    assert {by_customer[delivery.customer_id].delivery_id for delivery in deliveries} \
        == {delivery.id for delivery in deliveries}
    assert sorted(event.customer_id for event in sent_events(api, campaign.id)) == sorted(customers)
    assert not outbound.dispatch_due(api.database, notification.marketing, later + outbound.LEASE * 2,
                                     addresses=api.contacts)


def test_an_unreachable_notification_service_means_back_off_then_sending(api, notification):
    customers = add_customers(api.database, 2)
    campaign = launched_campaign(api, add_segment(api.database, customers))
    down = connect(f"127.0.0.1:{free_port()}", [NOTIFICATION_SERVICE], default_timeout=2.0,
                   token_provider=lambda: "")
    now = utcnow()
    try:
        report = outbound.dispatch_due(api.database, notification_pb2_grpc.NotificationServiceStub(
            down), now, addresses=api.contacts)
    finally:
        down.close()
    assert report.retrying >= 2
    waiting = read_rows(api.database, select(OutboundMessage).where(
        OutboundMessage.customer_id.in_(customers)))
    assert {message.state for message in waiting} == {"queued"}
    assert {message.next_attempt_time for message in waiting} == {now + outbound.retry_delay(1)}
    assert all("UNAVAILABLE" in message.last_error for message in waiting)
    assert recipients(api, campaign.id)[customers[0]].status == "pending"

    assert not outbound.dispatch_due(api.database, notification.marketing, now + timedelta(seconds=29),
                                     addresses=api.contacts)
    outbound.dispatch_due(api.database, notification.marketing, now + timedelta(seconds=30),
                          addresses=api.contacts)
    assert len(notification.deliveries(customers)) == 2
    assert {row.status for row in recipients(api, campaign.id).values()} == {"sent"}


def test_pausing_holds_and_cancelling_cancels_the_unsent_messages(api, notification):
    customers = add_customers(api.database, 3)
    campaign = launched_campaign(api, add_segment(api.database, customers))
    stub = api.stub("u-marketer")
    stub.PauseCampaign(marketing_pb2.PauseCampaignRequest(id=campaign.id))
    outbound.dispatch_due(api.database, notification.marketing, utcnow(), addresses=api.contacts)
    assert notification.deliveries(customers) == []

    stub.ResumeCampaign(marketing_pb2.ResumeCampaignRequest(id=campaign.id))
    stub.PauseCampaign(marketing_pb2.PauseCampaignRequest(id=campaign.id))
    cancelled = stub.CancelCampaign(marketing_pb2.CancelCampaignRequest(id=campaign.id,
                                                                        reason="budget cut"))
    outbound.dispatch_due(api.database, notification.marketing, utcnow(), addresses=api.contacts)

    assert cancelled.state == marketing_pb2.CAMPAIGN_STATE_CANCELLED
    assert notification.deliveries(customers) == []
    assert {row.status for row in recipients(api, campaign.id).values()} == {"cancelled"}


def test_the_notification_service_refuses_a_caller_without_a_service_account(api, notification,
                                                                          keys):
    customers = add_customers(api.database, 1)
    launched_campaign(api, add_segment(api.database, customers))
    issuer, _ = keys
    token = issuer.issue(user_id="u-marketer", username="u-marketer", roles=["marketer"],
                         department_path="/hq/marketing", data_scope="own")
    channel = connect(notification.target, [NOTIFICATION_SERVICE], token_provider=lambda: token)
    try:
        report = outbound.dispatch_due(
            api.database, notification_pb2_grpc.NotificationServiceStub(channel), utcnow(),
                addresses=api.contacts)
    finally:
        channel.close()
    assert report.retrying >= 1 and report.sent == 0
    assert notification.deliveries(customers) == []
    [message] = read_rows(api.database, select(OutboundMessage).where(
        OutboundMessage.customer_id == customers[0]))
    assert grpc.StatusCode.PERMISSION_DENIED.name in message.last_error


def test_a_message_to_a_customer_the_read_model_does_not_know_yet_waits_for_it(api, notification):
    """The customer's events may still be on their way (a ticket closed moments after the
    customer was created): the message waits and goes once the profile is there."""
    customer_id = str(uuid.uuid4())
    with api.database.unit_of_work() as uow:
        outbound.enqueue(uow.session, customer_id=customer_id, channel="email",
                         idempotency_key=f"late:{customer_id}", category="service_notice",
                         source_ref="test", subject="s", body="b", requires_consent=False,
                         counts_toward_cap=False)
    now = utcnow()
    outbound.dispatch_due(api.database, notification.marketing, now, addresses=api.contacts)
    (waiting,) = read_rows(api.database, select(OutboundMessage).where(
        OutboundMessage.customer_id == customer_id))
    assert (waiting.state, waiting.next_attempt_time) == ("queued", now + outbound.retry_delay(1))
    with api.database.unit_of_work() as uow:
        uow.session.add(CustomerProfile(
            customer_id=customer_id, state="active", customer_type="individual",
            display_name="迟到", owner_id="u-rep", department_path="/hq/sales/east",
            email="late@example.com", phone=None, locale="zh-CN", tag_ids=[],
            rfm_recency_score=0, rfm_frequency_score=0, rfm_monetary_score=0, at_risk=False,
            marketing_consent=False, facts_version=1, fact_times={}, create_time=now,
            update_time=now))
    outbound.dispatch_due(api.database, notification.marketing, now + outbound.retry_delay(1),
                          addresses=api.contacts)
    assert [row.address for row in notification.deliveries([customer_id])] == ["late@example.com"]
