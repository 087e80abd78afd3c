"""Nothing lost, nothing doubled: the customer api dies by SIGKILL between the commit of a
customer and the publish of its event; after a restart the owner is notified exactly once.
And when a publish is repeated (a crash between the broker's confirm and marking the
outbox row), the duplicate has no effect."""

import pytest
from crm_devstack.waiting import wait_until
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.e2e


def _outbox(running_suite, customer_id):
    engine = create_engine(running_suite.config.database_url("customer"))
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT event_id, status FROM outbox WHERE routing_key = 'customer.created' "
                     "AND payload LIKE :id"), {"id": f"%{customer_id}%"}).all()
    finally:
        engine.dispose()


def _reset_to_pending(running_suite, event_id):
    engine = create_engine(running_suite.config.database_url("customer"))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET status = 'pending', published_at = NULL, "
                              "next_attempt_at = occurred_at WHERE event_id = :id"), {"id": event_id})
    finally:
        engine.dispose()


def _about(running_suite, token, customer_id):
    body = running_suite.http.call("GET", "/api/v1/notifications?page_size=200", token=token).body
    return [n for n in body["notifications"] if n["subject_id"] == customer_id]


def _create(running_suite, token, name):
    response = running_suite.http.call(
        "POST", "/api/v1/customers", {"type": "individual", "display_name": name}, token=token)
    assert response.status == 201, response
    return response.body


def test_sigkill_between_commit_and_publish_loses_nothing_and_notifies_once(running_suite):
    supervisor = running_suite.suite.supervisor
    token = running_suite.http.login("rep.zhang")

    # The api commits but does not publish: the state a crash right after the commit leaves.
    supervisor.restart("customer-api", env={"OUTBOX_RELAY": "false"})
    customer = _create(running_suite, token, "崩溃测试客户")
    [(event_id, status)] = _outbox(running_suite, customer["id"])
    assert status == "pending"
    supervisor.kill("customer-api")  # SIGKILL

    supervisor.restart("customer-api", env={"OUTBOX_RELAY": "true"})
    wait_until(lambda: _about(running_suite, token, customer["id"]), timeout=30,
               message="the event committed before the crash was never delivered")
    wait_until(lambda: _outbox(running_suite, customer["id"])[0][1] == "published", timeout=10)
    fence = _create(running_suite, token, "栅栏客户")  # queued behind anything still in flight
    wait_until(lambda: _about(running_suite, token, fence["id"]), timeout=30)
    entries = _about(running_suite, token, customer["id"])
    assert len(entries) == 1
    assert entries[0]["source_event_id"] == event_id


def test_a_republished_event_does_not_notify_twice(running_suite):
    supervisor = running_suite.suite.supervisor
    token = running_suite.http.login("rep.zhang")
    customer = _create(running_suite, token, "重复投递客户")
    wait_until(lambda: _about(running_suite, token, customer["id"]), timeout=30)
    [(event_id, _)] = _outbox(running_suite, customer["id"])

    # Crash after the broker confirmed but before the row was marked: it goes out again.
    supervisor.kill("customer-api")
    _reset_to_pending(running_suite, event_id)
    supervisor.restart("customer-api")
    wait_until(lambda: _outbox(running_suite, customer["id"])[0][1] == "published", timeout=30,
               message="the reset row was not published again")
    fence = _create(running_suite, token, "栅栏客户二")
    wait_until(lambda: _about(running_suite, token, fence["id"]), timeout=30)
    assert len(_about(running_suite, token, customer["id"])) == 1


def test_a_killed_worker_resumes_and_misses_nothing(running_suite):
    supervisor = running_suite.suite.supervisor
    token = running_suite.http.login("rep.zhang")
    supervisor.kill("notification-worker")  # SIGKILL: whatever it held is redelivered
    customer = _create(running_suite, token, "离线期间客户")  # published while nobody consumes
    wait_until(lambda: _outbox(running_suite, customer["id"])[0][1] == "published", timeout=30)
    supervisor.restart("notification-worker")
    wait_until(lambda: _about(running_suite, token, customer["id"]), timeout=30,
               message="the event published while the worker was down was lost")
    assert len(_about(running_suite, token, customer["id"])) == 1
