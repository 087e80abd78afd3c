"""Triggers firing from events and dates, once per occasion, and marketing's customer data on
merge and erasure: the worker's handler functions called with a real unit of work on a migrated
database (the decorator's ledger, queues and retries are tested in crm_shared)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import ClassVar

import pytest
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import events_pb2 as ticket_events
from crm.ticket.v1 import ticket_pb2
from crm_shared.db import Database
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext
from marketing_service import firings
from marketing_service.invitations import LinkSigner
from marketing_service.models import (
    CustomerProfile,
    OutboundMessage,
    SurveyAnswerRecord,
    SurveyInvitation,
    Trigger,
    TriggerFiring,
)
from marketing_service.settings import MarketingWorkerSettings
from marketing_service.worker_surveys import SurveyWork
from sqlalchemy import func, select

pytestmark = pytest.mark.integration
M = marketing_pb2


@pytest.fixture(scope="module")
def database(marketing_database_url) -> Database:
    database = Database(marketing_database_url("sqlite"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def worker(database, survey_link_secret):
    settings = MarketingWorkerSettings(service_name="marketing", database_url="sqlite://",
                                       survey_link_secret=survey_link_secret,
                                       survey_link_base_url="https://crm.example.com")

    class Worker(SurveyWork):
        config: ClassVar[dict] = {CONFIG_DATABASE: database, CONFIG_SETTINGS: settings}

    return Worker()


def deliver(database, worker, handler: str, event) -> str:
    """What the worker does with ``event``: the handler in one unit of work."""
    event_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        ctx = EventContext(uow=uow, event_id=event_id, event_type=event.DESCRIPTOR.full_name,
                           headers={})
        getattr(type(worker), handler).__wrapped__(worker, event, ctx)
    return event_id


def add_profile(database, **facts) -> str:
    customer_id = str(uuid.uuid4())
    now = datetime(2026, 1, 1, tzinfo=UTC)
    values = {"customer_id": customer_id, "state": "active", "customer_type": "individual",
                  "display_name": "韩梅梅", "owner_id": "u-rep", "department_path": "/hq/sales/east",
                  "email": "han@example.com", "phone": None, "locale": "zh-CN", "tag_ids": [],
                  "rfm_recency_score": 0, "rfm_frequency_score": 0, "rfm_monetary_score": 0,
                  "at_risk": False, "marketing_consent": True, "facts_version": 1, "fact_times": {},
                  "create_time": now, "update_time": now}
    values.update(facts)
    with database.unit_of_work() as uow:
        uow.session.add(CustomerProfile(**values))
    return customer_id


def count(database, model, **where) -> int:
    with database.unit_of_work(readonly=True) as uow:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return uow.session.scalar(query)


def closed(ticket_id: str, customer_id: str) -> ticket_events.TicketClosed:
    return ticket_events.TicketClosed(ticket=ticket_pb2.Ticket(
        id=ticket_id, number="T20260301-0007", customer_id=customer_id,
        state=ticket_pb2.TICKET_STATE_CLOSED))


def test_a_closed_ticket_gets_exactly_one_survey_invitation(database, worker):
    customer, ticket = add_profile(database, marketing_consent=False), str(uuid.uuid4())
    deliver(database, worker, "trigger_ticket_closed", closed(ticket, customer))
    # the ticket is reopened and closed again: still one survey for the case
    deliver(database, worker, "trigger_ticket_closed", closed(ticket, customer))
    assert count(database, SurveyInvitation, ticket_id=ticket) == 1
    assert count(database, TriggerFiring, customer_id=customer) == 1
    with database.unit_of_work(readonly=True) as uow:
        invitation = uow.session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.ticket_id == ticket)).one()
        message = uow.session.get(OutboundMessage, invitation.outbound_message_id)
        # a service survey goes without marketing consent and outside the marketing caps
        assert (message.requires_consent, message.counts_toward_cap) == (False, False)
        assert message.variables["context"] == "工单 T20260301-0007"
        assert "survey_url" not in message.variables  # signed as it goes, never queued
    another = str(uuid.uuid4())
    deliver(database, worker, "trigger_ticket_closed", closed(another, customer))
    assert count(database, SurveyInvitation, customer_id=customer) == 2


def test_the_birthday_trigger_fires_once_three_days_before(database, worker):
    customer = add_profile(database, birth_date=date(1990, 3, 13), birth_month_day="03-13")
    links = worker._links()
    firings.scan_date_triggers(database, datetime(2026, 3, 9, 1, tzinfo=UTC), links)
    assert count(database, TriggerFiring, customer_id=customer) == 0
    firings.scan_date_triggers(database, datetime(2026, 3, 10, 1, tzinfo=UTC), links)
    firings.scan_date_triggers(database, datetime(2026, 3, 10, 2, tzinfo=UTC), links)
    firings.scan_date_triggers(database, datetime(2026, 3, 11, 1, tzinfo=UTC), links)
    with database.unit_of_work(readonly=True) as uow:
        fired = uow.session.scalars(select(TriggerFiring).where(
            TriggerFiring.customer_id == customer)).all()
        assert [(f.kind, f.occasion_key) for f in fired] == [("birthday", "birthday:2026")]
        message = uow.session.get(OutboundMessage, fired[0].outbound_message_id)
        assert message.template_key == "birthday_greeting" and message.requires_consent
    firings.scan_date_triggers(database, datetime(2027, 3, 10, 1, tzinfo=UTC), links)
    assert count(database, TriggerFiring, customer_id=customer) == 2  # next year's birthday


def test_an_erased_or_merged_customer_is_not_celebrated(database, worker):
    gone = add_profile(database, birth_date=date(1985, 4, 2), birth_month_day="04-02",
                       state="merged")
    firings.scan_date_triggers(database, datetime(2026, 3, 31, tzinfo=UTC), worker._links())
    assert count(database, TriggerFiring, customer_id=gone) == 0


def test_purchase_milestones_fire_when_the_count_is_reached(database, worker):
    with database.unit_of_work() as uow:
        uow.session.add(Trigger(
            id=str(uuid.uuid4()), display_name="第二次购买", kind="purchase_milestone",
            enabled=True, offset_days=0, milestones=[2], segment_id=None, condition={},
            action={"kind": "notify_owner"}, fire_count=0, version=1, created_by="t",
            updated_by="t", department_path="", audience_scope="all",
            create_time=datetime(2026, 1, 1, tzinfo=UTC),
            update_time=datetime(2026, 1, 1, tzinfo=UTC)))
    customer = add_profile(database)
    purchase = sales_events.PurchaseRecorded(purchase=sales_pb2.Purchase(
        id="p", customer_id=customer))
    deliver(database, worker, "trigger_purchase_recorded", purchase)
    assert count(database, TriggerFiring, customer_id=customer) == 0
    deliver(database, worker, "trigger_purchase_recorded", purchase)
    deliver(database, worker, "trigger_purchase_recorded", purchase)
    with database.unit_of_work(readonly=True) as uow:
        keys = uow.session.scalars(select(TriggerFiring.occasion_key).where(
            TriggerFiring.customer_id == customer)).all()
    assert keys == ["purchases:2"]


def test_an_at_risk_customer_fires_notify_owner_with_who_to_tell(database, worker):
    customer = add_profile(database, owner_id="u-rep-north", department_path="/hq/sales/north")
    deliver(database, worker, "trigger_customer_at_risk",
            customer_events.CustomerAtRisk(customer_id=customer))
    with database.unit_of_work(readonly=True) as uow:
        firing = uow.session.scalars(select(TriggerFiring).where(
            TriggerFiring.customer_id == customer)).one()
        assert firing.kind == "customer_at_risk" and firing.outbound_message_id is None
    events = [e for e in outbox_events(database, "trigger.fired", marketing_events.TriggerFired)
              if e.firing.customer_id == customer]
    assert len(events) == 1
    assert events[0].owner_id == "u-rep-north"
    assert events[0].action.kind == M.TRIGGER_ACTION_KIND_NOTIFY_OWNER


def outbox_events(database, key, message_type):
    from crm_shared.events import wire
    from crm_shared.events.outbox import OutboxMessage

    with database.unit_of_work(readonly=True) as uow:
        return [wire.decode(row.payload, message_type) for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.routing_key == key)
            .order_by(OutboxMessage.id))]


def test_erasure_blanks_every_personal_value_and_is_acknowledged(database, worker):
    customer = add_profile(database, email="erase.me@example.com", display_name="王小明")
    deliver(database, worker, "trigger_ticket_closed", closed(str(uuid.uuid4()), customer))
    with database.unit_of_work() as uow:
        invitation = uow.session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.customer_id == customer)).one()
        uow.session.add(SurveyAnswerRecord(
            id=str(uuid.uuid4()), survey_id=invitation.survey_id, invitation_id=invitation.id,
            customer_id=customer, scores={"q1": 2}, choices={}, texts={"q5": "我的电话是…"},
            comment="请打 138 0000 0000", overall_score=2.0, nps=None, low_score=True,
            submit_time=datetime(2026, 3, 1, tzinfo=UTC)))
    deliver(database, worker, "customer_data_erased", customer_events.CustomerErased(
        erasure_request_id="er-1", customer_id=customer))
    with database.unit_of_work(readonly=True) as uow:
        profile = uow.session.get(CustomerProfile, customer)
        answer = uow.session.scalars(select(SurveyAnswerRecord).where(
            SurveyAnswerRecord.customer_id == customer)).one()
        assert (profile.email, profile.display_name) == (None, "")
        assert (answer.comment, answer.texts, answer.scores) == ("", {}, {"q1": 2})
    acks = [e for e in outbox_events(database, "marketing.customer_data_erased",
                                     marketing_events.MarketingCustomerDataErased)
            if e.erasure_request_id == "er-1"]
    assert len(acks) == 1 and acks[0].erased_record_count >= 3


def test_a_merge_moves_firings_and_invitations_to_the_survivor(database, worker):
    survivor, merged = add_profile(database), add_profile(database)
    deliver(database, worker, "trigger_ticket_closed", closed(str(uuid.uuid4()), merged))
    deliver(database, worker, "customer_data_merged", customer_events.CustomerMerged(
        surviving_customer_id=survivor, merged_customer_ids=[merged, survivor]))
    assert count(database, SurveyInvitation, customer_id=survivor) == 1
    assert count(database, TriggerFiring, customer_id=survivor) == 1
    assert count(database, SurveyInvitation, customer_id=merged) == 0
    assert count(database, CustomerProfile, customer_id=merged) == 1  # its handler decides


def test_without_a_link_secret_a_survey_trigger_fails_loudly(database, marketing_database_url):
    class Unsigned(SurveyWork):
        config: ClassVar[dict] = {CONFIG_DATABASE: database, CONFIG_SETTINGS: MarketingWorkerSettings(
            service_name="marketing", database_url="sqlite://")}

    customer = add_profile(database)
    with pytest.raises(Exception, match="SURVEY_LINK_SECRET"):
        deliver(database, Unsigned(), "trigger_ticket_closed", closed(str(uuid.uuid4()), customer))
    assert count(database, SurveyInvitation, customer_id=customer) == 0
    assert LinkSigner(None, "x").url(SurveyInvitation(id="i")) == ""
