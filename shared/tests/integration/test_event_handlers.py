"""``@on_event`` in a real nameko worker process against a real RabbitMQ."""

import os
import subprocess
import sys
from pathlib import Path

import pika
import pytest
from crm.customer.v1 import customer_pb2, events_pb2
from crm_devstack.ports import free_port
from crm_devstack.readiness import http_ok
from crm_devstack.waiting import wait_until
from crm_shared.db import Database, RuntimeBase
from crm_shared.events.deadletters import list_dead_letters, replay_dead_letters
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from crm_shared.events.relay import OutboxRelay
from sqlalchemy import create_engine, select, text

pytestmark = pytest.mark.integration

SUPPORT = Path(__file__).parent / "support" / "probe_worker.py"


class Probe:
    """The worker process, its database, and a publishing side with its own outbox."""

    def __init__(self, amqp_url: str, worker_db_url: str, tmp_path: Path) -> None:
        self.amqp_url = amqp_url
        self.failures = tmp_path / "failures"
        self.failures.write_text("0")
        self.outage = tmp_path / "outage"  # exists while the "database" is down
        self.worker_db_url = worker_db_url
        self.publisher_db = Database(f"sqlite:///{tmp_path / 'publisher.db'}")
        RuntimeBase.metadata.create_all(self.publisher_db.engine)
        self.relay = OutboxRelay(self.publisher_db, amqp_url)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": worker_db_url,
            "AMQP_URL": amqp_url,
            "WORKER_HTTP_PORT": str(port),
            "EVENT_RETRY_DELAYS": "0.2,0.4",
            "PROBE_FAILURES_FILE": str(self.failures),
            "PROBE_OUTAGE_FILE": str(self.outage),
        }
        self.log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([sys.executable, str(SUPPORT)], env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        ready = http_ok(f"http://127.0.0.1:{port}/readyz")
        wait_until(lambda: ready() or self.process.poll() is not None, timeout=60,
                   message="probe worker never became ready")
        assert self.process.poll() is None, (tmp_path / "worker.log").read_text()

    def publish(self, customer_id: str = "c-1") -> str:
        with self.publisher_db.unit_of_work() as uow:
            event_id = uow.emit(events_pb2.CustomerCreated(
                customer=customer_pb2.Customer(id=customer_id, display_name="ACME")))
        assert self.relay.publish_pending() == 1
        return event_id

    def republish(self, event_id: str) -> None:
        """What a relay crash between the broker's confirm and the mark looks like."""
        with self.publisher_db.unit_of_work() as uow:
            row = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == event_id)).one()
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = row.occurred_at
        assert self.relay.publish_pending() == 1

    def effects(self) -> list[tuple[str, str]]:
        engine = create_engine(self.worker_db_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text("SELECT event_id, customer_id FROM effects"))]
        finally:
            engine.dispose()

    def stop(self) -> None:
        # Clean-up, not under test (a worker's graceful stop on SIGTERM is checked by every
        # service's ServiceProcessChecks): nameko's graceful stop takes seconds per test.
        self.process.kill()
        self.process.wait(15)
        self.relay.publisher.close()
        self.publisher_db.dispose()
        self.log.close()


@pytest.fixture
def probe(amqp_url, database_url, tmp_path):
    probe = Probe(amqp_url, database_url, tmp_path)
    yield probe
    probe.stop()


def test_event_delivered_twice_has_one_effect(probe):
    event_id = probe.publish()
    wait_until(lambda: probe.effects(), timeout=15, message="the event was never handled")
    probe.republish(event_id)
    second = probe.publish("c-2")  # a later event, to know the duplicate has been consumed
    wait_until(lambda: len(probe.effects()) == 2, timeout=15)
    assert sorted(probe.effects()) == sorted([(event_id, "c-1"), (second, "c-2")])


def test_failing_handler_is_retried_with_backoff_until_it_succeeds(probe):
    probe.failures.write_text("2")
    event_id = probe.publish()
    wait_until(lambda: probe.effects(), timeout=20, message="the event was never handled")
    assert probe.failures.read_text() == "0"  # it failed twice before succeeding
    # the failed attempts rolled back: exactly one effect
    assert probe.effects() == [(event_id, "c-1")]
    assert list_dead_letters(probe.amqp_url, "probe") == []


def test_database_outage_is_waited_out_without_dead_lettering(probe):
    probe.outage.write_text("0")
    event_id = probe.publish()
    # more failed runs than there are retry levels: counted attempts would dead-letter it
    wait_until(lambda: int(probe.outage.read_text() or 0) >= 4, timeout=30,
               message="the handler was not retried during the outage")
    assert list_dead_letters(probe.amqp_url, "probe") == []
    probe.outage.unlink()
    wait_until(lambda: probe.effects(), timeout=20, message="not handled after the outage")
    assert probe.effects() == [(event_id, "c-1")]
    assert list_dead_letters(probe.amqp_url, "probe") == []


def test_handler_that_keeps_failing_is_dead_lettered_then_replayed(probe):
    probe.failures.write_text("100")
    event_id = probe.publish()
    letters = []
    wait_until(lambda: letters.extend(list_dead_letters(probe.amqp_url, "probe")) or letters,
               timeout=20, message="the event never reached the dead-letter queue")
    (letter,) = letters
    assert letter.event_id == event_id
    assert letter.event_type == "crm.customer.v1.CustomerCreated"
    assert letter.attempts == 3  # first try + two retries
    assert "told to fail" in letter.error
    assert letter.queue.endswith("--probe.customer_created")
    assert probe.effects() == []

    probe.failures.write_text("0")
    replayed = replay_dead_letters(probe.amqp_url, "probe", {event_id})
    assert [r.event_id for r in replayed] == [event_id]
    wait_until(lambda: probe.effects(), timeout=15, message="the replayed event was not handled")
    assert probe.effects() == [(event_id, "c-1")]
    assert list_dead_letters(probe.amqp_url, "probe") == []


@pytest.mark.parametrize("content_type,body", [
    ("text/plain", b'{"customer": {"id": 42, "nonsense": ['),  # kombu cannot decode it
    ("application/json", b'{"customer": {"id": {"not": "a string"}}}'),  # not the contract
], ids=["undecodable", "not-the-contract"])
def test_unreadable_message_is_dead_lettered_without_retries(probe, content_type, body):
    connection = pika.BlockingConnection(pika.URLParameters(probe.amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish(
        "customer.events", "customer.created", body,
        pika.BasicProperties(content_type=content_type, delivery_mode=2,
                             headers={"event_id": "bad-1", "event_type": "crm.customer.v1.CustomerCreated"}),
    )
    connection.close()
    letters = []
    wait_until(lambda: letters.extend(list_dead_letters(probe.amqp_url, "probe")) or letters,
               timeout=15, message="the unreadable message never reached the dead-letter queue")
    assert letters[0].event_id == "bad-1"
    assert letters[0].attempts == 1
    assert letters[0].queue.endswith("--probe.customer_created")
    assert probe.effects() == []
    # the worker survived it: a good event is still handled
    event_id = probe.publish("c-after")
    wait_until(lambda: probe.effects(), timeout=15, message="the worker stopped consuming")
    assert probe.effects() == [(event_id, "c-after")]
