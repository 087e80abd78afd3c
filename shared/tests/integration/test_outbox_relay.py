"""The outbox and its relay against a real RabbitMQ and real databases."""

import json

import pika
import pytest
from crm.customer.v1 import customer_pb2, events_pb2
from crm_devstack.waiting import wait_until
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from crm_shared.events.relay import OutboxRelay
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

pytestmark = pytest.mark.integration

_exporter = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def tracing():
    # The global provider can be set once per process; another test module may have done it.
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(_exporter))
    yield


def _event(name="ACME") -> events_pb2.CustomerCreated:
    return events_pb2.CustomerCreated(
        customer=customer_pb2.Customer(id="c-1", number="C00000001", display_name=name,
                                       owner_id="u-1"),
        actor_id="u-1",
    )


@pytest.fixture
def subscriber(amqp_url):
    """A queue bound to customer.created on customer.events, as a consumer would have."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare("customer.events", exchange_type="topic", durable=True)
    queue = channel.queue_declare("test-customer-created", durable=True).method.queue
    channel.queue_bind(queue, "customer.events", routing_key="customer.created")

    def received():
        messages = []
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return messages
            messages.append((method, properties, body))

    yield received
    connection.close()


def test_committed_event_is_published_in_the_wire_format(runtime_db, amqp_url, subscriber):
    with runtime_db.unit_of_work() as uow:
        event_id = uow.emit(_event(), key="c-1")
    relay = OutboxRelay(runtime_db, amqp_url)
    assert relay.publish_pending() == 1

    messages = subscriber()
    assert len(messages) == 1
    method, properties, body = messages[0]
    assert method.exchange == "customer.events"
    assert method.routing_key == "customer.created"
    assert properties.content_type == "application/json"
    assert properties.delivery_mode == 2
    assert properties.message_id == event_id
    assert properties.headers["event_id"] == event_id
    assert properties.headers["event_type"] == "crm.customer.v1.CustomerCreated"
    assert properties.headers["occurred_at"]
    decoded = json.loads(body)
    assert decoded["customer"]["displayName"] == "ACME"
    with runtime_db.unit_of_work(readonly=True) as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        assert row.status == OutboxStatus.PUBLISHED
        assert row.published_at is not None


def test_rolled_back_transaction_leaves_no_event(runtime_db, amqp_url, subscriber):
    with pytest.raises(RuntimeError), runtime_db.unit_of_work() as uow:
        uow.emit(_event())
        raise RuntimeError("business rule failed after the event was written")
    relay = OutboxRelay(runtime_db, amqp_url)
    assert relay.publish_pending() == 0
    assert subscriber() == []
    with runtime_db.unit_of_work(readonly=True) as uow:
        assert uow.session.scalars(select(OutboxMessage)).all() == []


def test_event_nobody_subscribes_to_is_marked_unrouted(runtime_db, amqp_url):
    with runtime_db.unit_of_work() as uow:
        uow.emit(_event())
    OutboxRelay(runtime_db, amqp_url).publish_pending()
    with runtime_db.unit_of_work(readonly=True) as uow:
        assert uow.session.scalars(select(OutboxMessage.status)).one() == OutboxStatus.UNROUTED


def test_publish_failure_keeps_the_row_pending_and_is_retried(runtime_db, rabbitmq, subscriber, amqp_url):
    with runtime_db.unit_of_work() as uow:
        uow.emit(_event())
    broken = OutboxRelay(runtime_db, rabbitmq.url_for_vhost("no-such-vhost"))
    with pytest.raises(pika.exceptions.AMQPError):  # the broker refuses the unknown vhost
        broken.publish_pending()
    with runtime_db.unit_of_work() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        assert row.status == OutboxStatus.PENDING
        assert row.attempts == 1
        assert row.last_error
        row.next_attempt_at = row.occurred_at  # due now, as after the back-off
    assert OutboxRelay(runtime_db, amqp_url).publish_pending() == 1
    assert len(subscriber()) == 1


def test_relay_thread_publishes_soon_after_commit(runtime_db, amqp_url, subscriber):
    relay = OutboxRelay(runtime_db, amqp_url, poll_seconds=30)  # only the commit wake-up can do it
    relay.start()
    try:
        with runtime_db.unit_of_work() as uow:
            uow.emit(_event())
        got = []
        wait_until(lambda: got.extend(subscriber()) or got, timeout=10,
                   message="the relay did not publish after the commit")
        assert len(got) == 1
    finally:
        relay.stop()


def test_publish_span_continues_the_trace_of_the_writer(runtime_db, amqp_url, subscriber):
    tracer = trace.get_tracer("test")
    _exporter.clear()
    with tracer.start_as_current_span("CreateCustomer") as writer, runtime_db.unit_of_work() as uow:
        uow.emit(_event())
    OutboxRelay(runtime_db, amqp_url).publish_pending()
    (_, properties, _) = subscriber()[0]
    publish = [s for s in _exporter.get_finished_spans() if s.name == "customer.created publish"]
    assert len(publish) == 1
    assert publish[0].parent.span_id == writer.get_span_context().span_id
    assert publish[0].context.trace_id == writer.get_span_context().trace_id
    # the consumer continues from the publish span
    trace_id, span_id = properties.headers["traceparent"].split("-")[1:3]
    assert int(trace_id, 16) == writer.get_span_context().trace_id
    assert int(span_id, 16) == publish[0].context.span_id


def test_sent_rows_are_pruned_after_the_retention_and_pending_ones_never(runtime_db, amqp_url, subscriber):
    from datetime import timedelta

    from crm_shared.db import utcnow

    with runtime_db.unit_of_work() as uow:
        sent_long_ago, sent_recently = uow.emit(_event("old")), uow.emit(_event("new"))
    relay = OutboxRelay(runtime_db, amqp_url, retention=timedelta(days=7))
    assert relay.publish_pending() == 2
    with runtime_db.unit_of_work() as uow:
        old = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == sent_long_ago)).one()
        old.published_at = utcnow() - timedelta(days=8)
        old.occurred_at = utcnow() - timedelta(days=8)
        uow.emit(_event("still pending"))
    assert relay.prune() == 1
    with runtime_db.unit_of_work(readonly=True) as uow:
        left = {(r.event_id, r.status) for r in uow.session.scalars(select(OutboxMessage))}
    assert sent_long_ago not in {event_id for event_id, _ in left}
    assert (sent_recently, OutboxStatus.PUBLISHED) in left
    assert OutboxStatus.PENDING in {status for _, status in left}


def test_processed_event_ledger_forgets_only_old_entries(runtime_db):
    from datetime import timedelta

    from crm_shared.db import utcnow
    from crm_shared.events.ledger import (
        ProcessedEvent,
        already_processed,
        mark_processed,
        prune_ledger,
    )

    with runtime_db.unit_of_work() as uow:
        mark_processed(uow.session, "notification.h", "e-old", "t")
        mark_processed(uow.session, "notification.h", "e-new", "t")
        uow.session.get(ProcessedEvent, ("notification.h", "e-old")).processed_at = utcnow() - timedelta(days=40)
    with runtime_db.unit_of_work() as uow:
        assert prune_ledger(uow.session, older_than=utcnow() - timedelta(days=30)) == 1
    with runtime_db.unit_of_work(readonly=True) as uow:
        assert not already_processed(uow.session, "notification.h", "e-old")
        assert already_processed(uow.session, "notification.h", "e-new")
