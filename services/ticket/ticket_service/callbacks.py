"""Call-back tasks: after a resolution the account manager calls the customer back and records
the result (resolved / satisfied / needs follow-up).

A task is opened in the unit of work that resolves the ticket, for the ticket's account manager
(or its assignee when the customer has none), due ``callback_within`` of the ticket policy after
the resolution. The worker's timer marks tasks past due as overdue, once each. States:
open → overdue → done, open → done, open/overdue → cancelled (the ticket was reopened).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm.ticket.v1 import events_pb2, ticket_pb2
from crm_shared.auth import Principal, visibility_clause
from crm_shared.errors import FailedPrecondition
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ticket_service.models import Agent, CallbackTask
from ticket_service.sla_policies import ticket_policy

OPEN, OVERDUE, DONE, CANCELLED = "open", "overdue", "done", "cancelled"
LIVE_STATES = (OPEN, OVERDUE)
STATES = EnumNames(ticket_pb2.CallbackTaskState, "CALLBACK_TASK_STATE_")
RESULTS = EnumNames(ticket_pb2.CallbackResult, "CALLBACK_RESULT_")
# How many overdue tasks one timer tick marks; the next tick takes the rest.
SCAN_BATCH = 500

Emit = Callable[..., str]


def to_proto(task: CallbackTask) -> ticket_pb2.CallbackTask:
    return ticket_pb2.CallbackTask(
        id=task.id,
        ticket_id=task.ticket_id,
        ticket_number=task.ticket_number,
        customer_id=task.customer_id,
        assignee_id=task.assignee_id,
        department_path=task.department_path,
        due_time=to_timestamp(task.due_time),
        state=STATES.value(task.state),
        result=RESULTS.value(task.result),
        note=task.note or "",
        complete_time=to_timestamp(task.complete_time),
        create_time=to_timestamp(task.create_time),
        update_time=to_timestamp(task.update_time),
    )


def _department_of(session: Session, user_id: str, fallback: str) -> str:
    # Account managers are known here when they are agents; otherwise the task sits in the
    # ticket's department, whose lead then sees it.
    agent = session.get(Agent, user_id)
    return agent.department_path if agent is not None else fallback


def open_for_resolved_ticket(session: Session, ticket, now: datetime, emit: Emit) -> CallbackTask | None:
    """Open the call-back task of a just-resolved ticket; None when nobody can call back.

    Earlier live tasks of the ticket (a resolution before a reopen that did not cancel them)
    are cancelled, so a ticket has one live task at a time.
    """
    assignee = ticket.account_manager_id or ticket.assignee_id
    if not assignee:
        return None
    cancel_for_ticket(session, ticket.id, now)
    task = CallbackTask(
        id=str(uuid.uuid4()),
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        customer_id=ticket.customer_id or "",
        assignee_id=assignee,
        department_path=_department_of(session, assignee, ticket.department_path),
        due_time=now + ticket_policy(session).callback_within,
        state=OPEN,
        result=None,
        note=None,
        create_time=now,
        update_time=now,
    )
    session.add(task)
    session.flush()
    emit(events_pb2.CallbackTaskCreated(task=to_proto(task)), key=ticket.id)
    return task


def cancel_for_ticket(session: Session, ticket_id: str, now: datetime) -> int:
    """Cancel the ticket's live tasks (it was reopened); returns how many."""
    tasks = session.scalars(
        select(CallbackTask).where(CallbackTask.ticket_id == ticket_id,
                                   CallbackTask.state.in_(LIVE_STATES))
    ).all()
    for task in tasks:
        task.state = CANCELLED
        task.update_time = now
    return len(tasks)


def scan_overdue(session: Session, now: datetime, emit: Emit) -> int:
    """Mark open tasks past their due time overdue (each once) and announce them."""
    tasks = session.scalars(
        select(CallbackTask)
        .where(CallbackTask.state == OPEN, CallbackTask.due_time < now)
        .order_by(CallbackTask.due_time, CallbackTask.id)
        .limit(SCAN_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    for task in tasks:
        task.state = OVERDUE
        task.update_time = now
        emit(events_pb2.CallbackTaskOverdue(task=to_proto(task)), key=task.ticket_id)
    return len(tasks)


def get_visible(session: Session, principal: Principal, task_id: str) -> CallbackTask | None:
    """The task, or None when it does not exist *or* the caller may not see it."""
    return session.scalars(
        select(CallbackTask).where(
            CallbackTask.id == task_id,
            visibility_clause(principal, CallbackTask.assignee_id, CallbackTask.department_path),
        )
    ).first()


@dataclass(frozen=True)
class CallbackFilters:
    assignee_id: str | None = None
    department_path: str | None = None
    states: tuple[str, ...] = ()
    ticket_id: str | None = None

    def clauses(self) -> list:
        clauses = []
        if self.assignee_id:
            clauses.append(CallbackTask.assignee_id == self.assignee_id)
        if self.department_path:
            root = self.department_path.rstrip("/")
            clauses.append(or_(CallbackTask.department_path == root,
                               CallbackTask.department_path.startswith(root + "/", autoescape=True)))
        if self.states:
            clauses.append(CallbackTask.state.in_(self.states))
        if self.ticket_id:
            clauses.append(CallbackTask.ticket_id == self.ticket_id)
        return clauses


def visible_query(principal: Principal, filters: CallbackFilters):
    return select(CallbackTask).where(
        visibility_clause(principal, CallbackTask.assignee_id, CallbackTask.department_path),
        *filters.clauses(),
    )


def complete(task: CallbackTask, *, result: str, note: str, actor_id: str, now: datetime,
             emit: Emit) -> None:
    """Record the call's result; a task is completed once."""
    if task.state not in LIVE_STATES:
        raise FailedPrecondition(f"call-back task {task.id} is {task.state}, not open",
                                 reason="CALLBACK_TASK_NOT_OPEN")
    task.state = DONE
    task.result = result
    task.note = note or None
    task.complete_time = now
    task.completed_by = actor_id
    task.update_time = now
    emit(events_pb2.CallbackTaskCompleted(task=to_proto(task), actor_id=actor_id), key=task.ticket_id)
