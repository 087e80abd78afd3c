"""Care occasions (issue 19): the birthdays of enterprise customers' contacts, cooperation
anniversaries from the first signed contract and festivals from the public-holiday calendar,
each greeting a customer once per occasion however many passes, workers or triggers take it.
The worker's handlers and date pass are called with a real unit of work on a migrated database
at times the test chooses."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import ClassVar

import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext
from crm_shared.events.outbox import OutboxMessage
from marketing_service import firings
from marketing_service.models import (
    ContactOccasion,
    CustomerProfile,
    OutboundMessage,
    Trigger,
    TriggerFiring,
)
from marketing_service.settings import MarketingWorkerSettings
from marketing_service.worker_segments import SegmentWork
from marketing_service.worker_surveys import SurveyWork
from notification_service.templates import TEMPLATES
from sqlalchemy import select

pytestmark = pytest.mark.integration
SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def database(marketing_database_url) -> Database:
    database = Database(marketing_database_url("sqlite"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def worker(database, survey_link_secret):
    settings = MarketingWorkerSettings(
        service_name="marketing",
        database_url="sqlite://",
        survey_link_secret=survey_link_secret,
        survey_link_base_url="https://crm.example.com",
    )

    class Worker(SegmentWork, SurveyWork):
        config: ClassVar[dict] = {CONFIG_DATABASE: database, CONFIG_SETTINGS: settings}

    return Worker()


def deliver(database, worker, handler: str, event) -> None:
    with database.unit_of_work() as uow:
        ctx = EventContext(
            uow=uow,
            event_id=str(uuid.uuid4()),
            event_type=event.DESCRIPTOR.full_name,
            headers={},
        )
        getattr(type(worker), handler).__wrapped__(worker, event, ctx)


def scan(database, worker, *moments: datetime) -> None:
    for moment in moments:
        firings.scan_date_triggers(database, moment, worker._links())


def add_enterprise(database) -> str:
    customer_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(
            CustomerProfile(
                customer_id=customer_id,
                state="active",
                customer_type="enterprise",
                display_name="华东精密机械有限公司",
                owner_id="u-rep",
                department_path="/hq/sales/east",
                email="i***@example.com",
                phone=None,
                locale="zh-CN",
                tag_ids=[],
                rfm_recency_score=0,
                rfm_frequency_score=0,
                rfm_monetary_score=0,
                at_risk=False,
                marketing_consent=True,
                facts_version=1,
                fact_times={},
                create_time=SEED_TIME,
                update_time=SEED_TIME,
            )
        )
    return customer_id


def add_trigger(
    database, kind: str, *, offset_days: int, template_key: str = "", action: str = "send_message"
) -> str:
    trigger_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(
            Trigger(
                id=trigger_id,
                display_name=f"{kind} greeting",
                kind=kind,
                enabled=True,
                offset_days=offset_days,
                milestones=[],
                segment_id=None,
                condition={},
                action={"kind": action, "channel": "email", "template_key": template_key},
                fire_count=0,
                version=1,
                created_by="u-admin",
                updated_by="u-admin",
                create_time=SEED_TIME,
                update_time=SEED_TIME,
                department_path="/hq",
                audience_scope="all",
            )
        )
    return trigger_id


def greetings(database, customer_id: str) -> list[OutboundMessage]:
    with database.unit_of_work(readonly=True) as uow:
        messages = list(
            uow.session.scalars(
                select(OutboundMessage)
                .where(OutboundMessage.customer_id == customer_id)
                .order_by(OutboundMessage.create_time)
            )
        )
        uow.session.expunge_all()  # read after the unit of work
        return messages


def contact(customer_id: str, contact_id: str, birth_date: str, version: int):
    return customer_pb2.Contact(
        id=contact_id,
        customer_id=customer_id,
        name="王芳",
        job_title="采购经理",
        birth_date=birth_date,
        etag=f'"{version}"',
    )


def contacts_due(database, customer_id: str) -> list[marketing_events.ContactDue]:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.routing_key == "marketing.contact_due",
                OutboxMessage.partition_key == customer_id,
            )
            .order_by(OutboxMessage.id)
        ).all()
        return [wire.decode(row.payload, marketing_events.ContactDue) for row in rows]


def test_an_enterprise_contacts_birthday_gets_exactly_one_greeting(database, worker):
    # two task triggers whose audiences overlap greet once; the seeded birthday message
    # trigger leaves contacts alone (it would congratulate the company at its own address)
    add_trigger(database, "birthday", offset_days=3, action="create_task")
    add_trigger(database, "birthday", offset_days=1, action="create_task")
    customer, wang = add_enterprise(database), str(uuid.uuid4())
    deliver(
        database,
        worker,
        "profile_contact_created",
        customer_events.ContactCreated(contact=contact(customer, wang, "1985-03-20", 1)),
    )
    # a late, older update changes nothing
    deliver(
        database,
        worker,
        "profile_contact_updated",
        customer_events.ContactUpdated(contact=contact(customer, wang, "", 0)),
    )
    scan(database, worker, datetime(2026, 3, 16, 1, tzinfo=UTC))
    assert contacts_due(database, customer) == []
    scan(
        database,
        worker,
        datetime(2026, 3, 17, 1, tzinfo=UTC),
        datetime(2026, 3, 17, 2, tzinfo=UTC),
        datetime(2026, 3, 19, 1, tzinfo=UTC),
    )

    (due,) = contacts_due(database, customer)
    assert due.occasion_key == f"care:create_task:{customer}:contact_birthday:{wang}:2026"
    assert (due.owner_id, due.due_date) == ("u-rep", "2026-03-20")
    assert greetings(database, customer) == []
    with database.unit_of_work(readonly=True) as uow:
        (occasion,) = uow.session.scalars(
            select(ContactOccasion).where(ContactOccasion.customer_id == customer)
        )
        assert (occasion.occasion_key, occasion.due_date) == (due.occasion_key, date(2026, 3, 20))

    # the contact leaves the company: nothing next year
    deliver(
        database,
        worker,
        "profile_contact_deleted",
        customer_events.ContactDeleted(contact_id=wang, customer_id=customer),
    )
    scan(database, worker, datetime(2027, 3, 17, 1, tzinfo=UTC))
    assert len(contacts_due(database, customer)) == 1


def test_the_spring_festival_gets_exactly_one_greeting_per_customer(database, worker):
    add_trigger(database, "festival", offset_days=3, template_key="festival_greeting")
    add_trigger(database, "festival", offset_days=5, template_key="festival_greeting")
    customers = [add_enterprise(database), add_enterprise(database)]
    # 春节 2026: first day off 15 February (the calendar's, not a typed date)
    scan(database, worker, datetime(2026, 2, 9, 1, tzinfo=UTC))
    assert [greetings(database, c) for c in customers] == [[], []]
    scan(
        database,
        worker,
        datetime(2026, 2, 10, 1, tzinfo=UTC),
        datetime(2026, 2, 10, 2, tzinfo=UTC),
        datetime(2026, 2, 12, 1, tzinfo=UTC),
    )
    for customer in customers:
        (greeting,) = greetings(database, customer)
        assert greeting.template_key == "festival_greeting" in TEMPLATES
        assert (greeting.variables["festival_name"], greeting.variables["festival_name_en"]) == (
            "春节",
            "Spring Festival",
        )
        assert greeting.variables["occasion"] == "festival:spring_festival:2026"
    with database.unit_of_work(readonly=True) as uow:
        fired = uow.session.scalars(
            select(TriggerFiring.occasion_key).where(TriggerFiring.customer_id.in_(customers))
        )
        assert sorted(fired) == ["festival:spring_festival:2026"] * 2


def test_the_cooperation_anniversary_counts_from_the_first_contract(database, worker):
    add_trigger(
        database, "cooperation_anniversary", offset_days=0, template_key="anniversary_greeting"
    )
    customer = add_enterprise(database)
    for contract_id, signed in (("c-2025", "2025-09-01"), ("c-2024", "2024-05-20")):
        deliver(
            database,
            worker,
            "profile_contract_signed",
            sales_events.ContractSigned(
                contract=sales_pb2.Contract(
                    id=contract_id,
                    customer_id=customer,
                    owner_id="u-rep",
                    sign_date=signed,
                    end_date="2027-12-31",
                )
            ),
        )
    scan(database, worker, datetime(2026, 9, 1, 1, tzinfo=UTC))  # the later contract's day
    assert greetings(database, customer) == []
    scan(
        database, worker, datetime(2026, 5, 20, 1, tzinfo=UTC), datetime(2026, 5, 20, 3, tzinfo=UTC)
    )
    (greeting,) = greetings(database, customer)
    assert (greeting.template_key, greeting.variables["years"]) == ("anniversary_greeting", "2")
    assert greeting.template_key in TEMPLATES  # else the customer gets the bare key
    assert greeting.variables["occasion"] == "anniversary:2026"


def test_a_festival_task_trigger_puts_one_task_per_customer_on_the_owners_list(database, worker):
    add_trigger(database, "festival", offset_days=2, action="create_task")
    customer = add_enterprise(database)
    # 国庆 2026 begins on 1 October
    scan(
        database, worker, datetime(2026, 9, 29, 1, tzinfo=UTC), datetime(2026, 9, 30, 1, tzinfo=UTC)
    )
    (due,) = contacts_due(database, customer)
    assert due.occasion_key == f"care:create_task:{customer}:festival:national_day:2026"
    assert (due.owner_id, due.due_date, due.segment_name) == (
        "u-rep",
        "2026-10-01",
        "festival greeting",
    )
