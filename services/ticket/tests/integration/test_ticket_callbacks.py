"""Call-back tasks after a resolution, through the api in-process on SQLite and PostgreSQL:
opening (for the account manager, else the assignee), who sees which task, completing once,
and the timer's overdue scan with a controlled clock. Events are read from the outbox."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database, UtcDateTime, utcnow
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings
from sqlalchemy import JSON, Boolean, Integer, select
from ticket_service import callbacks
from ticket_service.api import build_bindings
from ticket_service.models import CallbackTask, Ticket, TicketHistoryEntry

pytestmark = pytest.mark.integration

SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]
BACKENDS = ["sqlite", "postgresql"]
OPEN = ticket_pb2.CALLBACK_TASK_STATE_OPEN
OVERDUE = ticket_pb2.CALLBACK_TASK_STATE_OVERDUE
DONE = ticket_pb2.CALLBACK_TASK_STATE_DONE
SATISFIED = ticket_pb2.CALLBACK_RESULT_SATISFIED

# -- the server and its clients (in-process api on a migrated database) ----------------------


@dataclass(frozen=True)
class Caller:
    user_id: str
    role: str
    department_path: str
    data_scope: str


ADMIN = Caller("u-admin", "admin", "/hq", "all")
SERVICE_LEAD = Caller("u-service-lead", "service_lead", "/hq/service", "department")
VIP_LEAD = Caller("u-vip-lead", "service_lead", "/hq/service/vip", "department")
AGENT = Caller("u-agent", "service_agent", "/hq/service", "own")
TECH_LEAD = Caller("u-tech-lead", "service_lead", "/hq/tech", "department")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer="crm-gateway", audience="crm")
    return issuer, folder / "signing.pub"


class TicketApi:
    def __init__(self, database_url: str, keys) -> None:
        self.issuer, public_key = keys
        upgrade("ticket_service", database_url)
        settings = ApiSettings(
            service_name="ticket", database_url=database_url,
            amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            jwt_public_key_file=public_key, outbox_relay=False, health_check_seconds=3600,
        )
        self.database = Database(database_url)
        verifier = TokenVerifier.from_file(public_key, issuer="crm-gateway", audience="crm")
        self.server = GrpcApi(settings, self.database, build_bindings(self.database), verifier)
        self.target = f"127.0.0.1:{self.server.start('127.0.0.1:0')}"
        self._channels: list[grpc.Channel] = []
        self._stubs: dict[Caller, ticket_pb2_grpc.TicketServiceStub] = {}

    def stub(self, caller: Caller) -> ticket_pb2_grpc.TicketServiceStub:
        if caller not in self._stubs:
            token = self.issuer.issue(user_id=caller.user_id, username=caller.user_id,
                                      roles=[caller.role], department_path=caller.department_path,
                                      data_scope=caller.data_scope)
            channel = connect(self.target, [SERVICE], token_provider=lambda: token)
            self._channels.append(channel)
            self._stubs[caller] = ticket_pb2_grpc.TicketServiceStub(channel)
        return self._stubs[caller]

    def stop(self) -> None:
        for channel in self._channels:
            channel.close()
        self.server.stop(grace=0)
        self.database.dispose()


@pytest.fixture(params=BACKENDS)
def api(request, keys):
    server = TicketApi(request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "postgres_url"), keys)
    yield server
    server.stop()


def _error(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return describe_rpc_error(caught.value)


def add_ticket(database: Database, **fields) -> Ticket:
    """A ticket row as the ticket core would store it; unnamed required columns get neutral
    values, so this keeps working as the core's table grows."""
    now = fields.get("create_time") or utcnow()
    values = {}
    for column in Ticket.__table__.columns:
        if column.nullable or column.name in fields:
            continue
        if isinstance(column.type, JSON):
            values[column.name] = {} if "dict" in str(Ticket.__annotations__.get(column.name)) else []
        elif isinstance(column.type, Boolean):
            values[column.name] = False
        elif isinstance(column.type, Integer):
            values[column.name] = 0
        elif isinstance(column.type, UtcDateTime):
            values[column.name] = now
        else:
            values[column.name] = ""
    values.update(id=str(uuid.uuid4()), number=f"T{uuid.uuid4().hex[:10]}", type="consultation",
                  priority="normal", state="in_progress", department_path="/hq/service")
    values.update(fields)
    with database.unit_of_work() as uow:
        ticket = Ticket(**values)
        uow.session.add(ticket)
    return ticket


OTHER_AGENT = Caller("u-agent-2", "service_agent", "/hq/service", "own")
VIP_MANAGER = Caller("u-vip-am", "account_manager", "/hq/service/vip", "own")


def resolve(api: TicketApi, ticket: Ticket, now: datetime) -> CallbackTask | None:
    """What the ticket core does when a ticket is resolved."""
    with api.database.unit_of_work() as uow:
        row = uow.session.get(Ticket, ticket.id)
        task = callbacks.open_for_resolved_ticket(uow.session, row, now, uow.emit)
    return task


def events(api: TicketApi, routing_key: str) -> list[dict]:
    with api.database.unit_of_work(readonly=True) as uow:
        return [json.loads(row.payload) for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.routing_key == routing_key)
            .order_by(OutboxMessage.id))]


def test_a_resolution_opens_a_task_for_the_account_manager_due_by_the_policy(api):
    now = utcnow()
    ticket = add_ticket(api.database, account_manager_id=AGENT.user_id, assignee_id=OTHER_AGENT.user_id,
                        customer_id="c-1")
    task = resolve(api, ticket, now)
    assert task.assignee_id == AGENT.user_id
    assert task.department_path == "/hq/service"
    assert task.due_time == now + timedelta(hours=24)
    [created] = events(api, "callback_task.created")
    assert created["task"]["id"] == task.id
    assert created["task"]["ticketNumber"] == ticket.number
    assert created["task"]["state"] == "CALLBACK_TASK_STATE_OPEN"


def test_without_an_account_manager_the_assignee_calls_back_and_without_either_nobody(api):
    assert resolve(api, add_ticket(api.database, assignee_id=OTHER_AGENT.user_id), utcnow()).assignee_id \
        == OTHER_AGENT.user_id
    assert resolve(api, add_ticket(api.database), utcnow()) is None
    assert len(events(api, "callback_task.created")) == 1


def test_a_second_resolution_cancels_the_earlier_live_task(api):
    ticket = add_ticket(api.database, account_manager_id=AGENT.user_id)
    first = resolve(api, ticket, utcnow())
    second = resolve(api, ticket, utcnow())
    listed = api.stub(AGENT).ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(ticket_id=ticket.id))
    states = {task.id: task.state for task in listed.tasks}
    assert states == {first.id: ticket_pb2.CALLBACK_TASK_STATE_CANCELLED, second.id: OPEN}


def test_tasks_are_seen_by_their_assignee_and_the_leads_above_only(api):
    now = utcnow()
    mine = resolve(api, add_ticket(api.database, account_manager_id=AGENT.user_id), now + timedelta(hours=2))
    vip = resolve(api, add_ticket(api.database, account_manager_id=VIP_MANAGER.user_id), now)
    with api.database.unit_of_work() as uow:  # the VIP manager's department, as the core knows it
        uow.session.get(CallbackTask, vip.id).department_path = "/hq/service/vip"
    seen = {caller: [task.id for task in api.stub(caller).ListCallbackTasks(
        ticket_pb2.ListCallbackTasksRequest()).tasks]
        for caller in (AGENT, OTHER_AGENT, VIP_MANAGER, SERVICE_LEAD, VIP_LEAD, TECH_LEAD, ADMIN)}
    assert seen[AGENT] == [mine.id]
    assert seen[OTHER_AGENT] == []
    assert seen[VIP_MANAGER] == [vip.id]
    assert seen[SERVICE_LEAD] == [vip.id, mine.id]  # earliest due first
    assert seen[VIP_LEAD] == [vip.id]
    assert seen[TECH_LEAD] == []
    assert seen[ADMIN] == [vip.id, mine.id]
    error = _error(api.stub(OTHER_AGENT).GetCallbackTask, ticket_pb2.GetCallbackTaskRequest(id=mine.id))
    assert error.code is grpc.StatusCode.NOT_FOUND


def test_listing_filters_and_pages_earliest_due_first(api):
    now = utcnow()
    ids = [resolve(api, add_ticket(api.database, account_manager_id=AGENT.user_id),
                   now + timedelta(minutes=minutes)).id for minutes in (30, 10, 20)]
    lead = api.stub(SERVICE_LEAD)
    first = lead.ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(page_size=2, assignee_id=AGENT.user_id))
    second = lead.ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(
        page_size=2, assignee_id=AGENT.user_id, page_token=first.next_page_token))
    assert [t.id for t in first.tasks] + [t.id for t in second.tasks] == [ids[1], ids[2], ids[0]]
    assert second.next_page_token == ""
    assert lead.ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(
        states=[DONE], department_path="/hq/service")).tasks == []


def test_completing_records_the_result_once_with_its_event_and_history(api):
    ticket = add_ticket(api.database, account_manager_id=AGENT.user_id)
    task = resolve(api, ticket, utcnow())
    done = api.stub(AGENT).CompleteCallbackTask(ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=SATISFIED, note="客户很满意"))
    assert (done.state, done.result, done.note) == (DONE, SATISFIED, "客户很满意")
    assert done.HasField("complete_time")
    [completed] = events(api, "callback_task.completed")
    assert completed["actorId"] == AGENT.user_id
    assert completed["task"]["result"] == "CALLBACK_RESULT_SATISFIED"
    with api.database.unit_of_work(readonly=True) as uow:
        kinds = uow.session.scalars(select(TicketHistoryEntry.kind).where(
            TicketHistoryEntry.ticket_id == ticket.id)).all()
    assert kinds == ["callback_completed"]

    again = _error(api.stub(AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=SATISFIED))
    assert again.code is grpc.StatusCode.FAILED_PRECONDITION
    assert len(events(api, "callback_task.completed")) == 1


def test_completing_needs_a_result_and_a_visible_task(api):
    task = resolve(api, add_ticket(api.database, account_manager_id=AGENT.user_id), utcnow())
    missing = _error(api.stub(AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(id=task.id))
    assert missing.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in missing.violations] == ["result"]
    hidden = _error(api.stub(OTHER_AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=SATISFIED))
    assert hidden.code is grpc.StatusCode.NOT_FOUND
    reopen = _error(api.stub(AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=ticket_pb2.CALLBACK_RESULT_NEEDS_FOLLOW_UP, reopen_ticket=True))
    assert reopen.code is grpc.StatusCode.INVALID_ARGUMENT
    assert api.stub(AGENT).GetCallbackTask(ticket_pb2.GetCallbackTaskRequest(id=task.id)).state == OPEN


def test_the_overdue_scan_marks_each_late_task_once(api):
    start = utcnow()
    late = resolve(api, add_ticket(api.database, account_manager_id=AGENT.user_id), start)
    on_time = resolve(api, add_ticket(api.database, account_manager_id=AGENT.user_id),
                      start + timedelta(hours=5))
    done = resolve(api, add_ticket(api.database, account_manager_id=AGENT.user_id), start)
    api.stub(AGENT).CompleteCallbackTask(ticket_pb2.CompleteCallbackTaskRequest(id=done.id, result=SATISFIED))
    scan_time = start + timedelta(hours=25)
    for _ in range(2):
        with api.database.unit_of_work() as uow:
            callbacks.scan_overdue(uow.session, scan_time, uow.emit)
    assert [event["task"]["id"] for event in events(api, "callback_task.overdue")] == [late.id]
    get = api.stub(AGENT).GetCallbackTask
    assert get(ticket_pb2.GetCallbackTaskRequest(id=late.id)).state == OVERDUE
    assert get(ticket_pb2.GetCallbackTaskRequest(id=on_time.id)).state == OPEN
    # an overdue task can still be completed
    assert api.stub(AGENT).CompleteCallbackTask(ticket_pb2.CompleteCallbackTaskRequest(
        id=late.id, result=SATISFIED)).state == DONE
