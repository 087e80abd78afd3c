"""The sales service's side of approvals (:mod:`crm_shared.approvals`, docs/approvals.md): a
quote judged by the approval policies when it is sent, its request opened, decided and timed
out, each change with its event in the same unit of work (outbox).

A quote the policies hold waits in ``pending_approval`` instead of going to the customer; it is
``sent`` once its last step is approved and ``draft`` again when it is rejected or expires. The
approvers are resolved from the quote's department: its lead (``sales_department_leads``, from
identity events), or the lead above when the requester leads it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from crm.sales.v1 import events_pb2
from crm_shared.approvals import machine, policies, requests, views
from crm_shared.auth import Principal
from crm_shared.db import Database, UnitOfWork
from sqlalchemy.orm import Session

from sales_service.models import (
    ApprovalAssignee,
    ApprovalPolicyRecord,
    ApprovalRequestRecord,
    DepartmentLead,
    Quote,
)

QUOTE = "quote"
SYSTEM = requests.SYSTEM
TABLES = requests.Tables(
    policy=ApprovalPolicyRecord,
    request=ApprovalRequestRecord,
    assignee=ApprovalAssignee,
    department_lead=DepartmentLead,
)


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
    return requests.enabled_policies(session, TABLES, subject)


def request_quote_approval(
    uow: UnitOfWork, quote: Quote, principal: Principal, now: datetime
) -> ApprovalRequestRecord | None:
    """Judge ``quote`` (about to be sent) by the enabled quote policies; when one holds it,
    open its request, put the quote in ``pending_approval`` and emit
    ``sales.approval_requested``. None: the quote needs no approval."""
    judgement = policies.judge(enabled_policies(uow.session, QUOTE), quote_facts(quote), now)
    if judgement is None:
        return None
    row = requests.open_request(
        uow.session,
        TABLES,
        judgement,
        subject=QUOTE,
        subject_id=quote.id,
        subject_number=quote.number,
        requester_id=principal.user_id,
        owner_id=quote.owner_id,
        department_path=quote.department_path,
        now=now,
    )
    quote.status, quote.approval_request_id = "pending_approval", row.id
    uow.session.flush()
    uow.emit(
        events_pb2.ApprovalRequested(
            approval_request=views.request_to_proto(row), actor_id=principal.user_id
        ),
        key=quote.opportunity_id,
    )
    return row


may_see = requests.may_see


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
    quote = uow.session.get(Quote, row.subject_id, with_for_update=True)
    outcome = requests.decide(
        uow.session, TABLES, row, principal.user_id, approve=approve, comment=comment, now=now
    )
    if outcome == machine.APPROVED:
        if quote is not None and quote.status == "pending_approval":
            on_approved(quote)
    elif outcome == machine.REJECTED:
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
    return requests.decider_clause(TABLES, principal)


def open_clause():
    return requests.open_clause(TABLES)


TIMER_EVENTS = {
    machine.REMIND: events_pb2.ApprovalReminderDue,
    machine.ESCALATE: events_pb2.ApprovalEscalated,
}


def scan(database: Database, now: datetime) -> dict[str, int]:
    """Remind, escalate (once) or expire the open requests due at ``now``, each in its own
    unit of work with its event; return how many of each."""
    fired = {machine.REMIND: 0, machine.ESCALATE: 0, machine.EXPIRE: 0}
    with database.unit_of_work(readonly=True) as uow:
        due = requests.due_ids(uow.session, TABLES, now)
    for request_id in due:
        with database.unit_of_work() as uow:
            row = uow.session.get(ApprovalRequestRecord, request_id, with_for_update=True)
            action = requests.fire(uow.session, TABLES, row, now) if row is not None else None
            if action is None:
                continue
            if action == machine.EXPIRE:
                _back_to_draft(uow.session.get(Quote, row.subject_id), SYSTEM, now)
            uow.session.flush()
            proto = views.request_to_proto(row)
            uow.emit(
                TIMER_EVENTS[action](approval_request=proto)
                if action in TIMER_EVENTS
                else events_pb2.ApprovalDecided(approval_request=proto, actor_id=SYSTEM),
                key=row.subject_id,
            )
            fired[action] += 1
    return fired
