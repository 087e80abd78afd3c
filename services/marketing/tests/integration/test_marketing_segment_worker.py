"""The marketing worker as a real process (``python -m marketing_service worker`` on a database
migrated by ``migrate``) consuming customer events that a real outbox relay publishes to a real
RabbitMQ: a customer joins the high-value segment within seconds of becoming A-class, leaves
when it stops being, and a redelivered event changes nothing."""

from __future__ import annotations

import uuid

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm_devstack.outbox_publisher import OutboxPublisher
from crm_devstack.service_process import WorkerProcess
from crm_devstack.waiting import wait_until
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from marketing_service.models import SegmentMember
from sqlalchemy import select

pytestmark = pytest.mark.integration

HIGH_VALUE = "8eb44d46-573c-5465-9516-71a979d6d71d"


@pytest.fixture(scope="module")
def vhost_url(rabbitmq):
    vhost = f"marketing-worker-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    yield rabbitmq.url_for_vhost(vhost)
    rabbitmq.delete_vhost(vhost)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('marketing-worker') / 'marketing.db'}"


@pytest.fixture(scope="module")
def worker(vhost_url, database_url, tmp_path_factory):
    process = WorkerProcess("marketing_service", vhost_url, database_url,
                            tmp_path_factory.mktemp("marketing-worker-log"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def publisher(vhost_url, worker, tmp_path_factory):
    side = OutboxPublisher(vhost_url, tmp_path_factory.mktemp("events"))
    yield side
    side.close()


@pytest.fixture(scope="module")
def db(database_url, worker):
    database = Database(database_url)
    yield database
    database.dispose()


def _is_member(db: Database, customer_id: str) -> bool:
    with db.unit_of_work(readonly=True) as uow:
        return uow.session.get(SegmentMember, (HIGH_VALUE, customer_id)) is not None


def _outbox(db: Database, routing_key: str, message_type, customer_id: str) -> list:
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.routing_key == routing_key,
            OutboxMessage.partition_key == customer_id).order_by(OutboxMessage.id)).all()
        return [wire.decode(row.payload, message_type) for row in rows]


def _value_class(customer_id: str, value_class: int):
    return customer_events.CustomerValueClassChanged(
        customer_id=customer_id, owner_id="u-rep", department_path="/hq/sales/east",
        current=value_class)


def test_customer_events_through_the_broker_move_a_customer_in_and_out_of_a_segment(
        worker, publisher, db):
    customer = str(uuid.uuid4())
    publisher.publish(customer_events.CustomerCreated(customer=customer_pb2.Customer(
        id=customer, type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, display_name="某某科技",
        owner_id="u-rep", department_path="/hq/sales/east", etag='W/"1"')))
    became_a = publisher.publish(_value_class(customer, types_pb2.VALUE_CLASS_A))
    wait_until(lambda: _is_member(db, customer), timeout=20,
               message=lambda: f"never joined:\n{worker.log_tail()}")
    [joined] = _outbox(db, "segment.member_joined", marketing_events.SegmentMemberJoined,
                       customer)
    assert (joined.segment_id, joined.cause_event_id) == (HIGH_VALUE, became_a)

    became_c = publisher.publish(_value_class(customer, types_pb2.VALUE_CLASS_C))
    wait_until(lambda: not _is_member(db, customer), timeout=20,
               message=lambda: f"never left:\n{worker.log_tail()}")
    [left] = _outbox(db, "segment.member_left", marketing_events.SegmentMemberLeft, customer)
    assert left.cause_event_id == became_c

    # the A-class event delivered again (a relay crash before its mark): already processed
    publisher.republish(became_a)
    marker = str(uuid.uuid4())  # same queue, behind the redelivery: once it is in, so was that
    publisher.publish(_value_class(marker, types_pb2.VALUE_CLASS_A))
    wait_until(lambda: _is_member(db, marker), timeout=20,
               message=lambda: f"marker never joined:\n{worker.log_tail()}")
    assert not _is_member(db, customer)
    assert len(_outbox(db, "segment.member_joined", marketing_events.SegmentMemberJoined,
                       customer)) == 1
