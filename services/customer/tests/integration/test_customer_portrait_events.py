"""Other services' events reach the portrait through the real path: a real outbox relay publishes
them (built from the real protos) to a real RabbitMQ, the customer worker process
(`python -m customer_service worker`) consumes them with ``@on_event``, and the portrait is read
through the real api servicer, in-process, on the worker's database.

One worker serves the whole module; each test uses its own customers.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import events_pb2 as ticket_events
from crm.ticket.v1 import ticket_pb2
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_devstack.outbox_publisher import OutboxPublisher as Publisher
from crm_devstack.service_process import WorkerProcess
from crm_devstack.waiting import wait_until
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.db import utcnow
from crm_shared.events.outbox import OutboxMessage
from crm_shared.timestamps import to_timestamp
from customer_service.api import build_bindings
from customer_service.models import Customer, TimelineEntry
from sqlalchemy import func, select, text

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
OWNER = "u-rep-east"
REP = Principal(OWNER, "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)


@pytest.fixture(scope="module")
def vhost_url(rabbitmq):
    vhost = f"customer-portrait-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    yield rabbitmq.url_for_vhost(vhost)
    rabbitmq.delete_vhost(vhost)


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('customer-portrait') / 'customer.db'}"


@pytest.fixture(scope="module")
def worker(vhost_url, db_url, tmp_path_factory):
    process = WorkerProcess(
        "customer_service", vhost_url, db_url, tmp_path_factory.mktemp("customer-portrait-log")
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def publisher(vhost_url, worker, tmp_path_factory):
    side = Publisher(vhost_url, tmp_path_factory.mktemp("other-services"))
    yield side
    side.close()


class Side(InProcessApi):
    """The api on the worker's database (relay off: the worker's outbox rows stay readable),
    called by the owner of the customers."""

    def __init__(self, db_url: str, keys) -> None:
        super().__init__("customer", build_bindings, db_url, keys, service=SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, claims=principal_claims)

    def customer(self) -> str:
        now = utcnow()
        customer_id = str(uuid.uuid4())
        with self.database.unit_of_work() as uow:
            uow.session.add(
                Customer(
                    id=customer_id,
                    number=f"E{uuid.uuid4().int % 10**8:08d}",
                    type="enterprise",
                    display_name="华东精密",
                    owner_id=OWNER,
                    department_path="/hq/sales/east",
                    created_by=OWNER,
                    create_time=now,
                    update_time=now,
                )
            )
        return customer_id

    def portrait(self, customer_id: str) -> customer_pb2.CustomerPortrait:
        return self.stub(REP).GetCustomerPortrait(
            customer_pb2.GetCustomerPortraitRequest(customer_id=customer_id)
        )

    def timeline_count(self, customer_id: str) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(
                select(func.count())
                .select_from(TimelineEntry)
                .where(TimelineEntry.customer_id == customer_id)
            )

    def emitted(self, routing_key: str, customer_id: str) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.routing_key == routing_key,
                    OutboxMessage.partition_key == customer_id,
                )
            )

    def processed(self, event_id: str) -> int:
        with self.database.engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM processed_events WHERE event_id = :id"), {"id": event_id}
            ).scalar_one()


@pytest.fixture(scope="module")
def side(worker, db_url, keys):
    api = Side(db_url, keys)
    yield api
    api.stop()


def _handled(side: Side, worker: WorkerProcess, event_id: str) -> None:
    wait_until(
        lambda: side.processed(event_id) == 1,
        timeout=15,
        message=lambda: f"event {event_id} was never handled:\n{worker.log_tail()}",
    )


def _ticket(
    customer_id: str, *, complaint: bool = False, days_ago: float = 0
) -> ticket_events.TicketCreated:
    number = f"T{uuid.uuid4().hex[:6]}"
    return ticket_events.TicketCreated(
        ticket=ticket_pb2.Ticket(
            id=str(uuid.uuid4()),
            number=number,
            title="Machine stops",
            customer_id=customer_id,
            type=ticket_pb2.TICKET_TYPE_COMPLAINT if complaint else ticket_pb2.TICKET_TYPE_FAULT,
            channel=ticket_pb2.TICKET_CHANNEL_PHONE,
            create_time=to_timestamp(utcnow() - timedelta(days=days_ago)),
        ),
        actor_id="u-agent",
    )


def test_a_signed_contract_of_600000_makes_the_customer_a_class_on_the_portrait(
    worker, publisher, side
):
    customer_id = side.customer()
    today = utcnow().date()
    publisher.publish(
        sales_events.ContractSigned(
            contract=sales_pb2.Contract(
                id=str(uuid.uuid4()),
                number="HT-2026-001",
                customer_id=customer_id,
                title="Annual maintenance",
                sign_date=today.isoformat(),
                end_date=(today + timedelta(days=365)).isoformat(),
                amount=types_pb2.Money(currency_code="CNY", amount_minor=600_000_00),
                status=sales_pb2.CONTRACT_STATUS_ACTIVE,
                owner_id=OWNER,
                department_path="/hq/sales/east",
            ),
            customer_annual_contract_amount=types_pb2.Money(
                currency_code="CNY", amount_minor=600_000_00
            ),
            actor_id=OWNER,
        )
    )

    view = wait_until(
        lambda: (
            (found := side.portrait(customer_id)).customer.value_class == types_pb2.VALUE_CLASS_A
            and found
        ),
        timeout=10,
        message=lambda: f"the portrait never showed class A:\n{worker.log_tail()}",
    )

    assert view.customer.lifecycle_stage == types_pb2.LIFECYCLE_STAGE_CUSTOMER
    assert view.customer.annual_contract_amount == types_pb2.Money(
        currency_code="CNY", amount_minor=600_000_00
    )
    assert view.value.annual_contract_amount == view.customer.annual_contract_amount
    assert [entry.title for entry in view.recent_timeline] == [
        "Contract HT-2026-001 signed: Annual maintenance"
    ]
    # What the title quotes, kept with the entry, so pages phrase it in the reader's language.
    assert dict(view.recent_timeline[0].title_params) == {
        "number": "HT-2026-001",
        "title": "Annual maintenance",
    }
    assert side.emitted("customer.value_class_changed", customer_id) == 1
    assert side.emitted("customer.stage_changed", customer_id) == 1
    assert side.emitted("customer.value_recomputed", customer_id) == 1


def test_a_ticket_event_adds_a_timeline_entry_and_its_redelivery_adds_nothing(
    worker, publisher, side
):
    customer_id = side.customer()
    event_id = publisher.publish(_ticket(customer_id))
    _handled(side, worker, event_id)
    view = side.portrait(customer_id)
    assert [entry.kind for entry in view.recent_timeline] == [
        customer_pb2.TIMELINE_ENTRY_KIND_TICKET_OPENED
    ]
    assert view.open_ticket_count == 1
    assert view.behaviour.preferred_service_channel == "phone"

    publisher.republish(event_id)
    # A later event on the same queue: once it is handled, the duplicate has been consumed.
    _handled(side, worker, publisher.publish(_ticket(side.customer())))

    assert side.timeline_count(customer_id) == 1
    assert side.processed(event_id) == 1


def test_turning_at_risk_publishes_customer_at_risk_once(worker, publisher, side):
    customer_id = side.customer()
    for days in (100, 120, 140, 160):  # follow-ups in the previous 90-day window
        _handled(
            side,
            worker,
            publisher.publish(
                sales_events.ActivityRecorded(
                    activity=sales_pb2.Activity(
                        id=str(uuid.uuid4()),
                        customer_id=customer_id,
                        topic="Visit",
                        owner_id=OWNER,
                        method=sales_pb2.FOLLOW_UP_METHOD_VISIT,
                        occur_time=to_timestamp(utcnow() - timedelta(days=days)),
                    )
                )
            ),
        )
    assert not side.portrait(customer_id).customer.churn_risk.at_risk
    complaints = [
        publisher.publish(_ticket(customer_id, complaint=True, days_ago=days)) for days in (3, 2, 1)
    ]
    _handled(side, worker, complaints[-1])  # one queue: the earlier two were handled before

    risk = side.portrait(customer_id).customer.churn_risk
    assert risk.at_risk
    assert list(risk.signals) == ["interaction_drop", "complaint_rise"]
    assert (risk.previous_interaction_count, risk.recent_complaint_count) == (4, 3)
    # Flagged at the second complaint; the third kept the flag on without a second event.
    assert side.emitted("customer.at_risk", customer_id) == 1

    publisher.republish(complaints[-1])
    _handled(side, worker, publisher.publish(_ticket(side.customer())))
    assert side.emitted("customer.at_risk", customer_id) == 1
