"""Segments' contact strategies carried out by the worker's pass (issue 19), on a migrated
SQLite database with a clock the test controls: customer events through the read model's own
functions (membership follows in the same transaction, as in the worker), then
``contact_strategies.carry_out`` as the worker's timer runs it. The seeded segments' strategies
(seed 001: 高价值客户每月1次专属沟通, 潜力客户每季度提供行业解决方案白皮书, 风险客户每周跟进) are what is
carried out; what the sales worker makes of ``marketing.contact_due`` is the sales tests'."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from marketing_service import contact_strategies, read_model
from marketing_service.contact_strategies import period_of
from marketing_service.models import ContactOccasion, OutboundMessage
from notification_service.templates import TEMPLATES
from sqlalchemy import select

pytestmark = pytest.mark.integration

HIGH_VALUE = "8eb44d46-573c-5465-9516-71a979d6d71d"
POTENTIAL = "41a09105-0713-5d5c-a663-c1c3c9caa6de"
AT_RISK = "f5b8295f-e3e3-5979-ac8e-fa1e9d67debe"
MONDAY = datetime(2031, 3, 3, 9, tzinfo=UTC)  # ISO week 2031-W10
EAST = "/hq/sales/east"


@pytest.fixture(scope="module")
def database(marketing_database_url):
    database = Database(marketing_database_url("sqlite"))
    yield database
    database.dispose()


def tell(database: Database, event, at: datetime) -> None:
    with database.unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=at, now=at)


def customer(database: Database, at: datetime, **fields) -> str:
    customer_id = str(uuid.uuid4())
    tell(
        database,
        customer_events.CustomerCreated(
            customer=customer_pb2.Customer(
                id=customer_id,
                type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
                display_name="某某科技",
                owner_id="u-rep",
                department_path=EAST,
                etag='W/"1"',
                **fields,
            )
        ),
        at,
    )
    return customer_id


def at_risk(database: Database, customer_id: str, at: datetime) -> None:
    tell(
        database,
        customer_events.CustomerAtRisk(
            customer_id=customer_id, owner_id="u-rep", department_path=EAST
        ),
        at,
    )


def contacts_due(database: Database, customer_id: str) -> list[marketing_events.ContactDue]:
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


def messages(database: Database, customer_id: str) -> list[tuple[str, str, str]]:
    with database.unit_of_work(readonly=True) as uow:
        return sorted(
            uow.session.execute(
                select(
                    OutboundMessage.template_key,
                    OutboundMessage.idempotency_key,
                    OutboundMessage.category,
                ).where(OutboundMessage.customer_id == customer_id)
            ).all()
        )


def test_periods_of_each_cadence_end_on_their_last_day():
    C = marketing_pb2
    assert period_of(C.CADENCE_WEEKLY, date(2031, 3, 5)) == ("2031-W10", date(2031, 3, 9))
    assert period_of(C.CADENCE_WEEKLY, date(2031, 1, 1)) == ("2031-W01", date(2031, 1, 5))
    assert period_of(C.CADENCE_MONTHLY, date(2032, 2, 10)) == ("2032-02", date(2032, 2, 29))
    assert period_of(C.CADENCE_QUARTERLY, date(2031, 11, 2)) == ("2031-Q4", date(2031, 12, 31))
    assert period_of(C.CADENCE_YEARLY, date(2031, 6, 1)) == ("2031", date(2031, 12, 31))
    with pytest.raises(ValueError):
        period_of(C.CADENCE_ON_OCCASION, date(2031, 6, 1))


def test_an_at_risk_member_is_due_a_follow_up_once_a_week_until_the_flag_clears(database):
    customer_id = customer(database, MONDAY - timedelta(days=1))
    at_risk(database, customer_id, MONDAY)

    first_pass = contact_strategies.carry_out(database, MONDAY)
    again = contact_strategies.carry_out(database, MONDAY + timedelta(days=3))  # same week
    assert first_pass.tasks >= 1 and (again.tasks, again.messages) == (0, 0)
    [first] = contacts_due(database, customer_id)
    assert (first.segment_id, first.owner_id, first.department_path) == (AT_RISK, "u-rep", EAST)
    assert first.action.kind == marketing_pb2.CONTACT_ACTION_KIND_FOLLOW_UP
    assert (first.period, first.due_date) == ("2031-W10", "2031-03-09")
    assert first.occasion_key == f"strategy:{AT_RISK}:follow_up:{customer_id}:2031-W10"

    contact_strategies.carry_out(database, MONDAY + timedelta(days=7))
    assert [e.period for e in contacts_due(database, customer_id)] == ["2031-W10", "2031-W11"]

    tell(
        database,
        customer_events.CustomerRiskCleared(
            customer_id=customer_id, owner_id="u-rep", department_path=EAST
        ),
        MONDAY + timedelta(days=10),
    )
    contact_strategies.carry_out(database, MONDAY + timedelta(days=14))
    assert len(contacts_due(database, customer_id)) == 2
    with database.unit_of_work(readonly=True) as uow:
        keys = uow.session.scalars(
            select(ContactOccasion.occasion_key).where(ContactOccasion.customer_id == customer_id)
        ).all()
    assert sorted(keys) == sorted(e.occasion_key for e in contacts_due(database, customer_id))


def test_content_goes_through_the_sending_queue_once_a_quarter(database):
    """潜力客户每季度提供行业解决方案白皮书: the potential segment's white paper and event invitation
    are messages (channel and template given), queued once per member and quarter; no task."""
    customer_id = customer(database, MONDAY, lifecycle_stage=types_pb2.LIFECYCLE_STAGE_POTENTIAL)

    contact_strategies.carry_out(database, MONDAY)
    contact_strategies.carry_out(database, MONDAY + timedelta(days=20))  # still 2031-Q1
    assert messages(database, customer_id) == [
        (
            "marketing.event_invitation",
            f"strategy:{POTENTIAL}:event_invitation:{customer_id}:2031-Q1",
            "contact_strategy",
        ),
        (
            "marketing.white_paper",
            f"strategy:{POTENTIAL}:content:{customer_id}:2031-Q1",
            "contact_strategy",
        ),
    ]
    assert contacts_due(database, customer_id) == []
    # the notification service has the templates they name (else a customer gets the bare key)
    assert {key for key, _, _ in messages(database, customer_id)} <= set(TEMPLATES)

    contact_strategies.carry_out(database, datetime(2031, 4, 1, 9, tzinfo=UTC))
    assert [key.rsplit(":", 1)[1] for _, key, _ in messages(database, customer_id)] == [
        "2031-Q1",
        "2031-Q2",
        "2031-Q1",
        "2031-Q2",
    ]


def test_a_high_value_member_is_due_a_personal_contact_once_a_month(database):
    customer_id = customer(database, MONDAY, value_class=types_pb2.VALUE_CLASS_A)
    contact_strategies.carry_out(database, MONDAY)
    contact_strategies.carry_out(database, MONDAY + timedelta(days=27))  # 2031-03-30
    contact_strategies.carry_out(database, MONDAY + timedelta(days=29))  # 2031-04-01
    due = contacts_due(database, customer_id)
    assert [(e.segment_id, e.period, e.due_date) for e in due] == [
        (HIGH_VALUE, "2031-03", "2031-03-31"),
        (HIGH_VALUE, "2031-04", "2031-04-30"),
    ]
    assert {e.action.kind for e in due} == {marketing_pb2.CONTACT_ACTION_KIND_PERSONAL_CONTACT}
