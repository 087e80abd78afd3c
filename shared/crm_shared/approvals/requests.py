"""An approval request's life in a service's own tables (:mod:`.tables`): opened for a record a
policy holds, decided step by step, reminded, escalated and expired by the service's timer.

The service passes its table classes (:class:`Tables`) and keeps what only it knows: what
holding, applying and releasing its record mean, and its events (each change here happens in the
caller's unit of work, so the record, the request and the events commit together): the sales
service's quotes (``sales_service.approvals``) and the customer service's key-field changes
(``customer_service.key_field_approvals``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import approvals_pb2
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from crm_shared.approvals import approvers, machine, policies, views
from crm_shared.auth import Principal
from crm_shared.auth.visibility import can_see

SYSTEM = "system"
Action = approvals_pb2.ApprovalAction


@dataclass(frozen=True)
class Tables:
    """A service's approval tables: the three of :mod:`.tables`, and its department leads (a
    row per department ``path`` with ``lead_user_id``, kept from identity events)."""

    policy: type
    request: type
    assignee: type
    department_lead: type


def enabled_policies(session: Session, tables: Tables, subject: str) -> list[policies.StoredPolicy]:
    model = tables.policy
    rows = session.scalars(
        select(model)
        .where(model.subject == subject, model.enabled.is_(True))
        .order_by(model.priority, model.id)
    )
    return [
        policies.StoredPolicy(row.id, row.version, policies.rules_of(row.rules)) for row in rows
    ]


def _lead_of(session: Session, tables: Tables) -> Callable[[str], str | None]:
    def lead_of(path: str) -> str | None:
        row = session.get(tables.department_lead, path)
        return row.lead_user_id if row is not None else None

    return lead_of


def _assign(session: Session, tables: Tables, row, approver_ids: tuple[str, ...]) -> None:
    """The request's current approvers, on the row and in the inbox's index."""
    session.execute(delete(tables.assignee).where(tables.assignee.request_id == row.id))
    row.approver_ids = list(approver_ids)
    session.add_all(
        tables.assignee(request_id=row.id, approver_id=approver) for approver in approver_ids
    )


def _start_step(session, tables, row, step, rules, now: datetime) -> None:
    _assign(
        session,
        tables,
        row,
        approvers.resolve(
            step,
            requester_id=row.requester_id,
            department_path=row.department_path,
            lead_of=_lead_of(session, tables),
        ),
    )
    clock = machine.deadlines(rules, now)
    row.due_time, row.remind_time, row.reminded = clock.due_time, clock.remind_time, False


def _record(row, action: int, actor_id: str, now: datetime, comment: str = "") -> None:
    row.history = [
        *row.history,
        views.entry(
            action, actor_id, now, step=row.step, approver_ids=row.approver_ids, comment=comment
        ),
    ]
    row.update_time = now


def _close(session: Session, tables: Tables, row, status: str, now: datetime) -> None:
    row.status, row.decide_time = status, now
    _assign(session, tables, row, ())


def open_request(
    session: Session,
    tables: Tables,
    judgement: policies.Judgement,
    *,
    subject: str,
    subject_id: str,
    subject_number: str,
    requester_id: str,
    owner_id: str,
    department_path: str,
    now: datetime,
):
    """Store the request ``judgement`` calls for, its first step's approvers resolved, its
    history started; the caller holds its record and emits its event."""
    rules = judgement.policy.rules
    clock = machine.deadlines(rules, now)
    row = tables.request(
        id=str(uuid.uuid4()),
        subject=subject,
        subject_id=subject_id,
        subject_number=subject_number[:32],
        reason=judgement.reason[:1000],
        policy_id=judgement.policy.id,
        policy_version=judgement.policy.version,
        rules=policies.rules_document(rules),
        status=machine.PENDING,
        step=0,
        approver_ids=[],
        escalated=False,
        reminded=False,
        due_time=clock.due_time,
        remind_time=clock.remind_time,
        requester_id=requester_id,
        owner_id=owner_id,
        department_path=department_path,
        history=[],
        create_time=now,
        update_time=now,
    )
    session.add(row)
    _start_step(session, tables, row, rules.steps[0], rules, now)
    _record(row, Action.APPROVAL_ACTION_REQUESTED, requester_id, now)
    session.flush()
    return row


def may_see(principal: Principal, row) -> bool:
    """Its requester, anyone who was ever to decide it, and whoever's data scope reaches its
    record."""
    if principal.user_id == row.requester_id or can_see(
        principal, owner_id=row.owner_id, department_path=row.department_path
    ):
        return True
    return any(principal.user_id in entry.get("approverIds", ()) for entry in row.history)


def may_decide(principal: Principal, row) -> bool:
    return approvers.may_decide(
        row.approver_ids,
        principal,
        sees_record=can_see(principal, owner_id=row.owner_id, department_path=row.department_path),
    )


def decide(
    session: Session, tables: Tables, row, actor_id: str, *, approve: bool, comment: str, now
) -> str | None:
    """Approve the current step (the next one starts) or reject the request. Returns the
    request's final status when this decided it (``approved`` / ``rejected``), None when a
    further step now waits. The caller checked that the actor may decide."""
    machine.require_open(row.status)
    rules = policies.rules_of(row.rules)
    if not approve:
        _record(row, Action.APPROVAL_ACTION_REJECTED, actor_id, now, comment)
        _close(session, tables, row, machine.REJECTED, now)
        return machine.REJECTED
    _record(row, Action.APPROVAL_ACTION_APPROVED, actor_id, now, comment)
    following = None if row.escalated else machine.after_approval(row.step, rules)
    if following is None:
        _close(session, tables, row, machine.APPROVED, now)
        return machine.APPROVED
    row.step = following
    _start_step(session, tables, row, rules.steps[following], rules, now)
    return None


def decider_clause(tables: Tables, principal: Principal):
    """The inbox: requests one of whose current approver ids names ``principal``."""
    return tables.request.id.in_(
        select(tables.assignee.request_id).where(
            tables.assignee.approver_id.in_(approvers.keys_of(principal))
        )
    )


def open_clause(tables: Tables):
    return tables.request.status.in_(machine.OPEN)


def due_ids(session: Session, tables: Tables, now: datetime) -> list[str]:
    """The open requests the timer has something to do to at ``now``."""
    model = tables.request
    return list(
        session.scalars(
            select(model.id).where(
                open_clause(tables),
                or_(
                    model.due_time <= now,
                    # a reminded step is not read again until it is due
                    and_(model.remind_time <= now, model.reminded.is_(False)),
                ),
            )
        )
    )


def fire(session: Session, tables: Tables, row, now: datetime) -> str | None:
    """Do what is due to ``row`` (locked by the caller) at ``now``: remind, escalate (once) or
    expire; return which (``machine.REMIND`` …), None for nothing. The caller releases its
    record on expiry and emits the event."""
    rules = policies.rules_of(row.rules)
    action = machine.due_action(
        row.status,
        due_time=row.due_time,
        remind_time=row.remind_time,
        reminded=row.reminded,
        escalated=row.escalated,
        rules=rules,
        now=now,
    )
    if action == machine.REMIND:
        row.reminded = True
        _record(row, Action.APPROVAL_ACTION_REMINDED, SYSTEM, now)
    elif action == machine.ESCALATE:
        row.status, row.escalated = machine.ESCALATED, True
        _start_step(session, tables, row, rules.escalate_to, rules, now)
        _record(row, Action.APPROVAL_ACTION_ESCALATED, SYSTEM, now)
    elif action == machine.EXPIRE:
        _record(row, Action.APPROVAL_ACTION_EXPIRED, SYSTEM, now)
        _close(session, tables, row, machine.EXPIRED, now)
    return action
