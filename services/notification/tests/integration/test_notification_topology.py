"""``notification-service migrate`` declares the worker's queues, so an event published before
the worker has ever run is kept, not dropped as unroutable, and handled once it starts."""

import os
import subprocess
import sys

import pytest
from crm.customer.v1 import customer_pb2, events_pb2
from crm_devstack.ports import free_port
from crm_devstack.readiness import http_ok
from crm_devstack.waiting import wait_until
from crm_shared.db import Database, RuntimeBase
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from crm_shared.events.relay import OutboxRelay
from notification_service.models import InboxEntry
from sqlalchemy import select

pytestmark = pytest.mark.integration


def test_event_published_before_the_worker_ever_ran_is_delivered(amqp_url, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'notification.db'}"
    env = {**os.environ, "DATABASE_URL": db_url, "AMQP_URL": amqp_url}
    migrated = subprocess.run([sys.executable, "-m", "notification_service", "migrate"],
                              check=False, env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    assert "consumer queue(s) declared" in migrated.stderr

    publisher = Database(f"sqlite:///{tmp_path / 'customer.db'}")
    RuntimeBase.metadata.create_all(publisher.engine)
    with publisher.unit_of_work() as uow:
        uow.emit(events_pb2.CustomerCreated(customer=customer_pb2.Customer(
            id="c-early", number="C00000042", display_name="早到的客户", owner_id="u-1")))
    relay = OutboxRelay(publisher, amqp_url)
    relay.publish_pending()
    relay.publisher.close()
    with publisher.unit_of_work(readonly=True) as uow:
        assert uow.session.scalars(select(OutboxMessage.status)).one() == OutboxStatus.PUBLISHED

    port = free_port()
    worker = subprocess.Popen([sys.executable, "-m", "notification_service", "worker"],
                              env={**env, "WORKER_HTTP_PORT": str(port)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = Database(db_url)
    try:
        wait_until(http_ok(f"http://127.0.0.1:{port}/readyz"), timeout=60)

        def delivered():
            with database.unit_of_work(readonly=True) as uow:
                return uow.session.scalars(
                    select(InboxEntry.recipient_id).where(InboxEntry.subject_id == "c-early")).all()

        entries = wait_until(delivered, timeout=20, message="the early event was lost")
        assert entries == ["u-1"]
    finally:
        worker.terminate()
        worker.wait(15)
        database.dispose()
        publisher.dispose()
