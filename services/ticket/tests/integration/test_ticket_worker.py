"""The ticket worker as a real process (`python -m ticket_service worker` on a database migrated
by `python -m ticket_service migrate`), consuming identity and customer events that a real
outbox relay publishes to a real RabbitMQ. One worker serves the module."""

from __future__ import annotations

import io
import uuid

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.ticket.v1 import events_pb2 as ticket_events
from crm_devstack.outbox_publisher import OutboxPublisher
from crm_devstack.service_process import WorkerProcess
from crm_devstack.waiting import wait_until
from crm_shared.attachments import LocalFileStore, check_upload, records
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from PIL import Image
from sqlalchemy import select, text
from ticket_service.models import Agent, Attachment, Ticket

pytestmark = pytest.mark.integration


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def vhost_url(rabbitmq):
    vhost = f"ticket-worker-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    yield rabbitmq.url_for_vhost(vhost)
    rabbitmq.delete_vhost(vhost)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('ticket-worker') / 'ticket.db'}"


@pytest.fixture(scope="module")
def attachment_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ticket-attachments")


@pytest.fixture(scope="module")
def worker(vhost_url, database_url, tmp_path_factory, attachment_dir):
    process = WorkerProcess("ticket_service", vhost_url, database_url,
                            tmp_path_factory.mktemp("ticket-worker-log"),
                            {"ATTACHMENT_LOCAL_DIR": str(attachment_dir)})
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


def _handled(db: Database, worker: WorkerProcess, consumer: str, event_id: str) -> None:
    def processed() -> bool:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM processed_events WHERE consumer = :c "
                                     "AND event_id = :e"), {"c": consumer, "e": event_id}).scalar_one() == 1

    wait_until(processed, timeout=15,
               message=lambda: f"{consumer} never handled {event_id}:\n{worker.log_tail()}")


def _user(user_id: str, revision: int, **fields) -> identity_events.UserUpserted:
    values = {"user_id": user_id, "username": user_id, "display_name": "王磊",
              "department_path": "/hq/service", "roles": ["agent", "service_agent"],
              "active": True, "revision": revision}
    values.update(fields)
    return identity_events.UserUpserted(**values)


def test_identity_events_keep_the_agents_current(worker, publisher, db):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    _handled(db, worker, "ticket.user_upserted", publisher.publish(_user(user_id, 2)))
    _handled(db, worker, "ticket.user_upserted",
             publisher.publish(_user(user_id, 1, department_path="/hq/old")))  # late, older
    rep = f"u-{uuid.uuid4().hex[:8]}"
    _handled(db, worker, "ticket.user_upserted",
             publisher.publish(_user(rep, 1, roles=["sales_rep"])))  # not an agent
    _handled(db, worker, "ticket.department_upserted", publisher.publish(
        identity_events.DepartmentUpserted(path="/hq/service", name="客服部",
                                           lead_user_id="u-lead", active=True, revision=1)))
    _handled(db, worker, "ticket.user_disabled", publisher.publish(
        identity_events.UserDisabled(user_id=user_id, revision=3)))
    with db.unit_of_work(readonly=True) as uow:
        agent = uow.session.get(Agent, user_id)
        assert (agent.department_path, agent.display_name, agent.active) == (
            "/hq/service", "王磊", False)
        assert uow.session.get(Agent, rep) is None
        lead = uow.session.execute(text(
            "SELECT lead_user_id FROM departments WHERE path = '/hq/service'")).scalar_one()
        assert lead == "u-lead"


def test_customer_merges_handovers_and_erasures_reach_the_tickets(worker, publisher, db,
                                                                   new_ticket_row, attachment_dir):
    merged, survivor, erased = (str(uuid.uuid4()) for _ in range(3))
    reported = {"type": "complaint", "state": "routed", "reporter_name": "李雷",
                "reporter_phone": "+8613812345678", "reporter_email": "li@example.com",
                "account_manager_id": "u-rep"}
    with db.unit_of_work() as uow:
        first = new_ticket_row(customer_id=merged, **reported)
        second = new_ticket_row(customer_id=erased, **reported)
        uow.session.add_all([first, second])
    # A screenshot attached while the ticket named no customer yet: found by its ticket.
    store = LocalFileStore(attachment_dir)
    upload, _ = check_upload("截图.png", _png())
    with db.unit_of_work() as uow:
        screenshot = records.store(uow.session, store, Attachment, upload, service="ticket",
                                   customer_id="", record_type="ticket", record_id=second.id,
                                   actor_id="u-agent", request_id=None)
    assert [p.name for p in attachment_dir.rglob("*") if p.is_file()]
    _handled(db, worker, "ticket.customer_merged", publisher.publish(customer_events.CustomerMerged(
        merge_id="m-1", surviving_customer_id=survivor, merged_customer_ids=[merged])))
    _handled(db, worker, "ticket.customer_handed_over", publisher.publish(
        customer_events.CustomerHandedOver(
            handover_id="h-1", customer_ids=[survivor],
            previous=types_pb2.Ownership(owner_id="u-rep", department_path="/hq/sales/east"),
            current=types_pb2.Ownership(owner_id="u-rep-2", department_path="/hq/sales/east"))))
    request_id = str(uuid.uuid4())
    _handled(db, worker, "ticket.customer_erased", publisher.publish(customer_events.CustomerErased(
        erasure_request_id=request_id, customer_id=erased)))
    with db.unit_of_work(readonly=True) as uow:
        moved = uow.session.get(Ticket, first.id)
        assert (moved.customer_id, moved.account_manager_id) == (survivor, "u-rep-2")
        anonymised = uow.session.get(Ticket, second.id)
        assert (anonymised.reporter_name, anonymised.reporter_phone, anonymised.reporter_email) == (
            "[erased]", None, None)
        (row,) = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.routing_key == "ticket.customer_data_erased")).all()
        ack = wire.decode(row.payload, ticket_events.TicketCustomerDataErased)
        assert (ack.erasure_request_id, ack.customer_id, ack.erased_record_count) == (
            request_id, erased, 2)  # the ticket and its screenshot
        assert uow.session.get(Attachment, screenshot.id) is None
    assert not [p.name for p in attachment_dir.rglob("*") if p.is_file()]


def test_a_survey_answer_about_a_ticket_gives_the_ticket_its_score(worker, publisher, db,
                                                                   new_ticket_row):
    with db.unit_of_work() as uow:
        ticket = new_ticket_row(state="closed")
        uow.session.add(ticket)
    answered = marketing_events.SurveyAnswered(answer=marketing_pb2.SurveyAnswer(
        id=str(uuid.uuid4()), ticket_id=ticket.id, overall_score=4.5))
    _handled(db, worker, "ticket.survey_answered", publisher.publish(answered))
    with db.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Ticket, ticket.id).satisfaction_score == 4.5
