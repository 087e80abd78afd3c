"""The sales service's side of approvals (:mod:`crm_shared.approvals`, docs/approvals.md): a
quote judged by the approval policies when it is sent, its request opened, decided and timed
out, each change with its event in the same unit of work (outbox).

A quote the policies hold waits in ``pending_approval`` instead of going to the customer; it is
``sent`` once its last step is approved and ``draft`` again when it is rejected or expires. The
approvers are resolved from the quote's department: its lead (``sales_department_leads``, from
identity events), or the lead above when the requester leads it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from crm.common.v1 import approvals_pb2
from crm.sales.v1 import events_pb2
from crm_shared.approvals import approvers, machine, policies, views
from crm_shared.auth import Principal
from crm_shared.auth.visibility import can_see
from crm_shared.db import Database, UnitOfWork
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from sales_service.models import (
    ApprovalAssignee,
    ApprovalPolicyRecord,
    ApprovalRequestRecord,
    DepartmentLead,
    Quote,
)

QUOTE = "quote"
SYSTEM = "system"
Action = approvals_pb2.ApprovalAction


def quote_facts(quote: Quote) -> dict[str, object]:
    """What a quote policy's condition reads (``ApprovalSubject.APPROVAL_SUBJECT_QUOTE``)."""
    return {
        "discount_basis_points": quote.discount_basis_points,
        "max_line_discount_basis_points": max(
            (line["discount_basis_points"] for line in quote.line_items), default=0
        ),
        "total": quote.total_minor,
        "currency_code": quote.currency_code,
    }


def enabled_policies(session: Session, subject: str) -> list[policies.StoredPolicy]:
    rows = session.scalars(
        select(ApprovalPolicyRecord)
        .where(ApprovalPolicyRecord.subject == subject, ApprovalPolicyRecord.enabled.is_(True))
        .order_by(ApprovalPolicyRecord.priority, ApprovalPolicyRecord.id)
    )
    return [
        policies.StoredPolicy(row.id, row.version, policies.rules_of(row.rules)) for row in rows
    ]


def _lead_of(session: Session) -> Callable[[str], str | None]:
    def lead_of(path: str) -> str | None:
        row = session.get(DepartmentLead, path)
        return row.lead_user_id if row is not None else None

    return lead_of


def _assign(session: Session, row: ApprovalRequestRecord, approver_ids: tuple[str, ...]) -> None:
    """The request's current approvers, on the row and in the inbox's index."""
    session.execute(delete(ApprovalAssignee).where(ApprovalAssignee.request_id == row.id))
    row.approver_ids = list(approver_ids)
    session.add_all(
        ApprovalAssignee(request_id=row.id, approver_id=approver) for approver in approver_ids
    )


def _start_step(
    session: Session,
    row: ApprovalRequestRecord,
    step: approvals_pb2.ApprovalStep,
    rules: approvals_pb2.ApprovalPolicy,
    now: datetime,
) -> None:
    _assign(
        session,
        row,
        approvers.resolve(
            step,
            requester_id=row.requester_id,
            department_path=row.department_path,
            lead_of=_lead_of(session),
        ),
    )
    clock = machine.deadlines(rules, now)
    row.due_time, row.remind_time, row.reminded = clock.due_time, clock.remind_time, False


def _record(
    row: ApprovalRequestRecord, action: int, actor_id: str, now: datetime, comment: str = ""
) -> None:
    row.history = [
        *row.history,
        views.entry(
            action, actor_id, now, step=row.step, approver_ids=row.approver_ids, comment=comment
        ),
    ]
    row.update_time = now


def _close(session: Session, row: ApprovalRequestRecord, status: str, now: datetime) -> None:
    row.status, row.decide_time = status, now
    _assign(session, row, ())


def request_quote_approval(
    uow: UnitOfWork, quote: Quote, principal: Principal, now: datetime
) -> ApprovalRequestRecord | None:
    """Judge ``quote`` (about to be sent) by the enabled quote policies; when one holds it,
    open its request, put the quote in ``pending_approval`` and emit
    ``sales.approval_requested``. None: the quote needs no approval."""
    judgement = policies.judge(enabled_policies(uow.session, QUOTE), quote_facts(quote), now)
    if judgement is None:
        return None
    rules = judgement.policy.rules
    clock = machine.deadlines(rules, now)
    row = ApprovalRequestRecord(
        id=str(uuid.uuid4()),
        subject=QUOTE,
        subject_id=quote.id,
        subject_number=quote.number,
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
        requester_id=principal.user_id,
        owner_id=quote.owner_id,
        department_path=quote.department_path,
        history=[],
        create_time=now,
        update_time=now,
    )
    uow.session.add(row)
    _start_step(uow.session, row, rules.steps[0], rules, now)
    _record(row, Action.APPROVAL_ACTION_REQUESTED, principal.user_id, now)
    quote.status, quote.approval_request_id = "pending_approval", row.id
    uow.session.flush()
    uow.emit(
        events_pb2.ApprovalRequested(
            approval_request=views.request_to_proto(row), actor_id=principal.user_id
        ),
        key=quote.opportunity_id,
    )
    return row


def may_see(principal: Principal, row: ApprovalRequestRecord) -> bool:
    """Its requester, anyone who was ever to decide it, and whoever's data scope reaches its
    record."""
    if principal.user_id == row.requester_id or can_see(
        principal, owner_id=row.owner_id, department_path=row.department_path
    ):
        return True
    return any(principal.user_id in entry.get("approverIds", ()) for entry in row.history)


def decide(
    uow: UnitOfWork,
    row: ApprovalRequestRecord,
    principal: Principal,
    *,
    approve: bool,
    comment: str,
    now: datetime,
    on_approved: Callable[[Quote], None],
) -> None:
    """Approve the current step (the next starts; after the last the request is approved and
    ``on_approved(quote)`` sends it) or reject the request (the quote is a draft again), with
    ``sales.approval_decided``. The caller checked that ``principal`` may decide."""
    machine.require_open(row.status)
    rules = policies.rules_of(row.rules)
    quote = uow.session.get(Quote, row.subject_id, with_for_update=True)
    if approve:
        _record(row, Action.APPROVAL_ACTION_APPROVED, principal.user_id, now, comment)
        following = None if row.escalated else machine.after_approval(row.step, rules)
        if following is None:
            _close(uow.session, row, machine.APPROVED, now)
            if quote is not None and quote.status == "pending_approval":
                on_approved(quote)
        else:
            row.step = following
            _start_step(uow.session, row, rules.steps[following], rules, now)
    else:
        _record(row, Action.APPROVAL_ACTION_REJECTED, principal.user_id, now, comment)
        _close(uow.session, row, machine.REJECTED, now)
        _back_to_draft(quote, principal.user_id, now)
    uow.session.flush()
    uow.emit(
        events_pb2.ApprovalDecided(
            approval_request=views.request_to_proto(row), actor_id=principal.user_id
        ),
        key=row.subject_id,
    )


def _back_to_draft(quote: Quote | None, actor_id: str, now: datetime) -> None:
    if quote is not None and quote.status == "pending_approval":
        quote.status, quote.update_time, quote.updated_by = "draft", now, actor_id


def decider_clause(principal: Principal):
    """The inbox: open requests one of whose current approver ids names ``principal``."""
    return ApprovalRequestRecord.id.in_(
        select(ApprovalAssignee.request_id).where(
            ApprovalAssignee.approver_id.in_(approvers.keys_of(principal))
        )
    )


def open_clause():
    return ApprovalRequestRecord.status.in_(machine.OPEN)


def scan(database: Database, now: datetime) -> dict[str, int]:
    """Remind, escalate (once) or expire the open requests due at ``now``, each in its own
    unit of work with its event; return how many of each."""
    fired = {machine.REMIND: 0, machine.ESCALATE: 0, machine.EXPIRE: 0}
    with database.unit_of_work(readonly=True) as uow:
        due = list(
            uow.session.scalars(
                select(ApprovalRequestRecord.id).where(
                    open_clause(),
                    or_(
                        ApprovalRequestRecord.due_time <= now,
                        # a reminded step is not read again until it is due
                        and_(
                            ApprovalRequestRecord.remind_time <= now,
                            ApprovalRequestRecord.reminded.is_(False),
                        ),
                    ),
                )
            )
        )
    for request_id in due:
        with database.unit_of_work() as uow:
            row = uow.session.get(ApprovalRequestRecord, request_id, with_for_update=True)
            if row is None:
                continue
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
                message = events_pb2.ApprovalReminderDue
            elif action == machine.ESCALATE:
                row.status, row.escalated = machine.ESCALATED, True
                _start_step(uow.session, row, rules.escalate_to, rules, now)
                _record(row, Action.APPROVAL_ACTION_ESCALATED, SYSTEM, now)
                message = events_pb2.ApprovalEscalated
            elif action == machine.EXPIRE:
                _record(row, Action.APPROVAL_ACTION_EXPIRED, SYSTEM, now)
                _close(uow.session, row, machine.EXPIRED, now)
                _back_to_draft(uow.session.get(Quote, row.subject_id), SYSTEM, now)
                message = None
            else:
                continue
            uow.session.flush()
            proto = views.request_to_proto(row)
            uow.emit(
                message(approval_request=proto)
                if message
                else events_pb2.ApprovalDecided(approval_request=proto, actor_id=SYSTEM),
                key=row.subject_id,
            )
            fired[action] += 1
    return fired
