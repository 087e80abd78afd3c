"""The customer worker as a real process: `python -m customer_service worker` on a database
migrated by `python -m customer_service migrate`, consuming identity events that a real outbox
relay publishes from a scratch database to a real RabbitMQ.

One worker serves the whole module; each test uses its own user ids.
"""

from __future__ import annotations

import uuid

import pytest
from crm.identity.v1 import events_pb2 as identity_events
from crm.identity.v1 import identity_pb2
from crm_devstack.outbox_publisher import OutboxPublisher as Publisher
from crm_devstack.service_process import WorkerProcess
from crm_devstack.waiting import wait_until
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.integration

CONSUMER = "customer.user_upserted"  # <service>.<handler>, the ledger's consumer name


@pytest.fixture(scope="module")
def vhost_url(rabbitmq):
    vhost = f"customer-worker-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    yield rabbitmq.url_for_vhost(vhost)
    rabbitmq.delete_vhost(vhost)


@pytest.fixture(scope="module")
def worker_db_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('customer-worker') / 'customer.db'}"


@pytest.fixture(scope="module")
def worker(vhost_url, worker_db_url, tmp_path_factory):
    process = WorkerProcess("customer_service", vhost_url, worker_db_url,
                            tmp_path_factory.mktemp("customer-worker-log"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def publisher(vhost_url, worker, tmp_path_factory):
    side = Publisher(vhost_url, tmp_path_factory.mktemp("identity"))
    yield side
    side.close()


class WorkerDatabase:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def employee(self, user_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM employees WHERE user_id = :id"),
                               {"id": user_id}).mappings().first()
            return dict(row) if row is not None else None

    def processed(self, event_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM processed_events "
                     "WHERE consumer = :consumer AND event_id = :id"),
                {"consumer": CONSUMER, "id": event_id}).scalar_one()


@pytest.fixture(scope="module")
def db(worker_db_url):
    database = WorkerDatabase(worker_db_url)
    yield database
    database.engine.dispose()


def _user(user_id: str, revision: int = 1, **fields) -> identity_events.UserUpserted:
    values = {"user_id": user_id, "username": f"name-{user_id}", "display_name": "张伟",
              "department_path": "/hq/sales/east", "roles": ["sales_rep"],
              "data_scope": identity_pb2.DATA_SCOPE_OWN, "locale": "zh-CN", "active": True,
              "revision": revision}
    values.update(fields)
    return identity_events.UserUpserted(**values)


def _handled(db: WorkerDatabase, worker: WorkerProcess, event_id: str) -> None:
    wait_until(lambda: db.processed(event_id) == 1, timeout=15,
               message=lambda: f"event {event_id} was never handled:\n{worker.log_tail()}")


def test_user_upserted_stores_the_employee(worker, publisher, db):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    _handled(db, worker, publisher.publish(_user(user_id, username="rep.zhang")))
    employee = db.employee(user_id)
    assert employee is not None
    assert (employee["username"], employee["department_path"], bool(employee["active"])) == (
        "rep.zhang", "/hq/sales/east", True)


def test_a_second_event_for_the_same_user_updates_the_employee(worker, publisher, db):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    _handled(db, worker, publisher.publish(_user(user_id, revision=1)))
    _handled(db, worker, publisher.publish(
        _user(user_id, revision=2, username="rep.moved", department_path="/hq/sales/north",
              active=False)))
    employee = db.employee(user_id)
    assert (employee["username"], employee["department_path"], bool(employee["active"])) == (
        "rep.moved", "/hq/sales/north", False)


def test_the_same_event_twice_changes_nothing_the_second_time(worker, publisher, db):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    event_id = publisher.publish(_user(user_id))
    _handled(db, worker, event_id)
    before = db.employee(user_id)

    publisher.republish(event_id)
    # A later event on the same queue: once it is handled, the duplicate has been consumed.
    _handled(db, worker, publisher.publish(_user(f"{user_id}-later")))

    assert db.employee(user_id) == before  # not even update_time moved
    assert db.processed(event_id) == 1


def test_an_older_upsert_arriving_late_is_ignored(worker, publisher, db):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    _handled(db, worker, publisher.publish(
        _user(user_id, revision=2, department_path="/hq/sales/north")))
    _handled(db, worker, publisher.publish(
        _user(user_id, revision=1, department_path="/hq/sales/east")))
    assert db.employee(user_id)["department_path"] == "/hq/sales/north"
