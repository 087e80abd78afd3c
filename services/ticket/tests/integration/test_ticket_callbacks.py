"""Call-back tasks after a resolution, through the api in-process on SQLite and PostgreSQL:
opening (for the account manager, else the assignee), who sees which task, completing once,
and the timer's overdue scan with a controlled clock. Events are read from the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2
from crm_shared.db import utcnow
from sqlalchemy import select
from ticket_service import callbacks
from ticket_service.models import CallbackTask, Ticket, TicketHistoryEntry

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)]

OPEN = ticket_pb2.CALLBACK_TASK_STATE_OPEN
OVERDUE = ticket_pb2.CALLBACK_TASK_STATE_OVERDUE
DONE = ticket_pb2.CALLBACK_TASK_STATE_DONE
SATISFIED = ticket_pb2.CALLBACK_RESULT_SATISFIED

# callers: user ids of the organisation in conftest.PEOPLE
ADMIN, SERVICE_LEAD, VIP_LEAD, AGENT = "u-admin", "u-service-lead", "u-vip-lead", "u-agent"
TECH_LEAD, OTHER_AGENT, VIP_MANAGER = "u-tech-lead", "u-agent-2", "u-vip-am"


def resolve(api, ticket: Ticket, now: datetime) -> CallbackTask | None:
    """What the ticket core does when a ticket is resolved."""
    with api.database.unit_of_work() as uow:
        row = uow.session.get(Ticket, ticket.id)
        task = callbacks.open_for_resolved_ticket(uow.session, row, now, uow.emit)
    return task


def test_a_resolution_opens_a_task_for_the_account_manager_due_by_the_policy(api):
    now = utcnow()
    ticket = api.add_ticket(account_manager_id=AGENT, assignee_id=OTHER_AGENT,
                            customer_id="c-1")
    task = resolve(api, ticket, now)
    assert task.assignee_id == AGENT
    assert task.department_path == "/hq/service"
    assert task.due_time == now + timedelta(hours=24)
    [created] = api.events("callback_task.created")
    assert created["task"]["id"] == task.id
    assert created["task"]["ticketNumber"] == ticket.number
    assert created["task"]["state"] == "CALLBACK_TASK_STATE_OPEN"


def test_without_an_account_manager_the_assignee_calls_back_and_without_either_nobody(api):
    assert resolve(api, api.add_ticket(assignee_id=OTHER_AGENT), utcnow()).assignee_id \
        == OTHER_AGENT
    assert resolve(api, api.add_ticket(), utcnow()) is None
    assert len(api.events("callback_task.created")) == 1


def test_a_second_resolution_cancels_the_earlier_live_task(api):
    ticket = api.add_ticket(account_manager_id=AGENT)
    first = resolve(api, ticket, utcnow())
    second = resolve(api, ticket, utcnow())
    listed = api.stub(AGENT).ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(ticket_id=ticket.id))
    states = {task.id: task.state for task in listed.tasks}
    assert states == {first.id: ticket_pb2.CALLBACK_TASK_STATE_CANCELLED, second.id: OPEN}


def test_tasks_are_seen_by_their_assignee_and_the_leads_above_only(api, rpc_error):
    now = utcnow()
    mine = resolve(api, api.add_ticket(account_manager_id=AGENT), now + timedelta(hours=2))
    vip = resolve(api, api.add_ticket(account_manager_id=VIP_MANAGER), now)
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
    error = rpc_error(api.stub(OTHER_AGENT).GetCallbackTask, ticket_pb2.GetCallbackTaskRequest(id=mine.id))
    assert error.code is grpc.StatusCode.NOT_FOUND


def test_listing_filters_and_pages_earliest_due_first(api):
    now = utcnow()
    ids = [resolve(api, api.add_ticket(account_manager_id=AGENT),
                   now + timedelta(minutes=minutes)).id for minutes in (30, 10, 20)]
    lead = api.stub(SERVICE_LEAD)
    first = lead.ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(page_size=2, assignee_id=AGENT))
    second = lead.ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(
        page_size=2, assignee_id=AGENT, page_token=first.next_page_token))
    assert [t.id for t in first.tasks] + [t.id for t in second.tasks] == [ids[1], ids[2], ids[0]]
    assert second.next_page_token == ""
    assert lead.ListCallbackTasks(ticket_pb2.ListCallbackTasksRequest(
        states=[DONE], department_path="/hq/service")).tasks == []


def test_completing_records_the_result_once_with_its_event_and_history(api, rpc_error):
    ticket = api.add_ticket(account_manager_id=AGENT)
    task = resolve(api, ticket, utcnow())
    done = api.stub(AGENT).CompleteCallbackTask(ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=SATISFIED, note="客户很满意"))
    assert (done.state, done.result, done.note) == (DONE, SATISFIED, "客户很满意")
    assert done.HasField("complete_time")
    [completed] = api.events("callback_task.completed")
    assert completed["actorId"] == AGENT
    assert completed["task"]["result"] == "CALLBACK_RESULT_SATISFIED"
    with api.database.unit_of_work(readonly=True) as uow:
        kinds = uow.session.scalars(select(TicketHistoryEntry.kind).where(
            TicketHistoryEntry.ticket_id == ticket.id)).all()
    assert kinds == ["callback_completed"]

    again = rpc_error(api.stub(AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=SATISFIED))
    assert again.code is grpc.StatusCode.FAILED_PRECONDITION
    assert len(api.events("callback_task.completed")) == 1


def test_completing_needs_a_result_and_a_visible_task(api, rpc_error):
    task = resolve(api, api.add_ticket(account_manager_id=AGENT), utcnow())
    missing = rpc_error(api.stub(AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(id=task.id))
    assert missing.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in missing.violations] == ["result"]
    hidden = rpc_error(api.stub(OTHER_AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=SATISFIED))
    assert hidden.code is grpc.StatusCode.NOT_FOUND
    reopen = rpc_error(api.stub(AGENT).CompleteCallbackTask, ticket_pb2.CompleteCallbackTaskRequest(
        id=task.id, result=ticket_pb2.CALLBACK_RESULT_NEEDS_FOLLOW_UP, reopen_ticket=True))
    assert reopen.code is grpc.StatusCode.INVALID_ARGUMENT
    assert api.stub(AGENT).GetCallbackTask(ticket_pb2.GetCallbackTaskRequest(id=task.id)).state == OPEN


def test_the_overdue_scan_marks_each_late_task_once(api):
    start = utcnow()
    late = resolve(api, api.add_ticket(account_manager_id=AGENT), start)
    on_time = resolve(api, api.add_ticket(account_manager_id=AGENT),
                      start + timedelta(hours=5))
    done = resolve(api, api.add_ticket(account_manager_id=AGENT), start)
    api.stub(AGENT).CompleteCallbackTask(ticket_pb2.CompleteCallbackTaskRequest(id=done.id, result=SATISFIED))
    scan_time = start + timedelta(hours=25)
    for _ in range(2):
        with api.database.unit_of_work() as uow:
            callbacks.scan_overdue(uow.session, scan_time, uow.emit)
    assert [event["task"]["id"] for event in api.events("callback_task.overdue")] == [late.id]
    get = api.stub(AGENT).GetCallbackTask
    assert get(ticket_pb2.GetCallbackTaskRequest(id=late.id)).state == OVERDUE
    assert get(ticket_pb2.GetCallbackTaskRequest(id=on_time.id)).state == OPEN
    # an overdue task can still be completed
    assert api.stub(AGENT).CompleteCallbackTask(ticket_pb2.CompleteCallbackTaskRequest(
        id=late.id, result=SATISFIED)).state == DONE
