"""Key-field changes held as proposed revisions (issue 18, seed 002: 关键客户资料的修改需要通过
"修订机制"): the customer service's use of :mod:`crm_shared.approvals` (docs/approvals.md).

UpdateCustomer asks :func:`hold` before it applies anything. When an enabled
``customer_key_fields`` policy matches the change (seeded: legal name, bank account or
registration number changed), the whole change waits: the customer keeps its values, the change
is sealed in ``customer_proposed_changes`` (never in clear in a column, an event or a log), and
an approval request names the approvers (the lead of the customer's department, from identity
events). Approved: the API applies the proposal as an update would (revision source
``approval``); rejected or expired: the customer keeps its values and the revision history
records the proposal that was not applied (source ``approval_rejected``, with the comment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.approvals import machine, policies, requests, views
from crm_shared.auth import Principal
from crm_shared.db import Database, UnitOfWork
from crm_shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from crm_shared.field_keys import FieldKeys
from google.protobuf import field_mask_pb2, json_format
from sqlalchemy import select
from sqlalchemy.orm import Session

from customer_service import personal_data, profile, revisions, rules
from customer_service.models import (
    ApprovalAssignee,
    ApprovalPolicyRecord,
    ApprovalRequestRecord,
    Customer,
    DepartmentLead,
    ProposedChange,
)

SUBJECT = policies.SUBJECT_WORDS[policies.approvals_pb2.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS]
TABLES = requests.Tables(
    policy=ApprovalPolicyRecord,
    request=ApprovalRequestRecord,
    assignee=ApprovalAssignee,
    department_lead=DepartmentLead,
)
SEALED_AS = "proposed_change"
"""The field name the proposal is sealed under (with the request id: it opens nowhere else)."""
NOT_HELD_WITH = ("external_ids", "lifecycle_stage")
"""Paths an update may not send together with a held change: they are not part of a proposal."""


def changed_paths(
    customer: Customer, clean: dict[str, object], secrets: dict[str, str], stored: dict[str, str]
) -> list[str]:
    """The record and sensitive paths the update would really change (``stored``: the
    customer's sensitive values in clear)."""
    before = profile.values_of(customer)
    paths = [path for path, value in clean.items() if before.get(path) != value]
    paths += [path for path, value in secrets.items() if stored.get(path, "") != value]
    return sorted(paths)


def open_request_of(session: Session, customer_id: str) -> ApprovalRequestRecord | None:
    return session.scalars(
        select(ApprovalRequestRecord).where(
            ApprovalRequestRecord.subject_id == customer_id, requests.open_clause(TABLES)
        )
    ).first()


def hold(
    uow: UnitOfWork,
    customer: Customer,
    data: customer_pb2.Customer,
    *,
    paths: list[str],
    changed: list[str],
    principal: Principal,
    keys: FieldKeys,
    now: datetime,
) -> ApprovalRequestRecord | None:
    """Judge the change of ``changed`` paths; when a policy holds it, seal the update's values
    of those paths as the proposal, open its request and emit ``customer.approval_requested``.
    None: the change needs no approval (the caller applies it)."""
    if not changed:
        return None
    facts = {"changed_fields": frozenset(changed), "customer_type": customer.type}
    judgement = policies.judge(requests.enabled_policies(uow.session, TABLES, SUBJECT), facts, now)
    if judgement is None:
        return None
    waiting = open_request_of(uow.session, customer.id)
    if waiting is not None:
        raise FailedPrecondition(
            f"a change of customer {customer.id} already waits for approval "
            f"(approval request {waiting.id}): it must be decided first"
        )
    mixed = [path for path in NOT_HELD_WITH if path in paths]
    if mixed:
        raise InvalidArgument(
            FieldViolation(
                f"update_mask.paths[{mixed[0]}]",
                "cannot be changed with fields that need approval: send it separately",
            )
        )
    row = requests.open_request(
        uow.session,
        TABLES,
        judgement,
        subject=SUBJECT,
        subject_id=customer.id,
        subject_number=customer.number,
        requester_id=principal.user_id,
        owner_id=customer.owner_id,
        department_path=customer.department_path,
        now=now,
    )
    proposal = customer_pb2.Customer()
    field_mask_pb2.FieldMask(paths=changed).MergeMessage(data, proposal)
    key_id, blob = keys.seal(row.id, SEALED_AS, json_format.MessageToJson(proposal))
    uow.session.add(
        ProposedChange(
            request_id=row.id,
            customer_id=customer.id,
            field_paths=changed,
            key_id=key_id,
            ciphertext=blob,
        )
    )
    uow.emit(
        events_pb2.ApprovalRequested(
            approval_request=views.request_to_proto(row), actor_id=principal.user_id
        ),
        key=customer.id,
    )
    return row


def proposal_of(
    session: Session, request_id: str, keys: FieldKeys
) -> tuple[list[str], customer_pb2.Customer] | None:
    """The held change's paths and values; None when there is none (erased with its customer)."""
    row = session.get(ProposedChange, request_id)
    if row is None or not row.ciphertext:
        return None
    clear = keys.open(request_id, SEALED_AS, row.key_id, row.ciphertext)
    return list(row.field_paths), json_format.Parse(clear, customer_pb2.Customer())


def discard_proposal(session: Session, request_id: str) -> None:
    row = session.get(ProposedChange, request_id)
    if row is not None:
        session.delete(row)


def not_applied(
    customer: Customer,
    clean: dict[str, object],
    secrets: dict[str, str],
    stored: dict[str, str],
) -> dict[str, tuple[str, str]]:
    """What a rejected proposal would have changed, as revision text (kept -> proposed),
    sensitive values masked as their revisions always are."""
    before = profile.values_of(customer)
    changes = {
        path: (profile.text_of(before.get(path)), profile.text_of(value))
        for path, value in clean.items()
        if before.get(path) != value
    }
    changes.update(
        {
            path: (personal_data.mask(path, stored.get(path, "")), personal_data.mask(path, value))
            for path, value in secrets.items()
            if stored.get(path, "") != value
        }
    )
    return changes


@dataclass(frozen=True)
class FieldReaders:
    """How UpdateCustomer reads a ``Customer`` message's values (``customer_service.api``'s
    ``record_fields_of`` and ``sensitive_fields_of``): a proposal is cleaned the same way."""

    record: Callable[[customer_pb2.Customer, list[str]], dict[str, object]]
    sensitive: Callable[[customer_pb2.Customer, list[str]], dict[str, str]]


def cleaned(
    proposal: customer_pb2.Customer, paths: list[str], readers: FieldReaders, today
) -> tuple[dict[str, object], dict[str, str]]:
    """The proposal's values as UpdateCustomer cleans them (they were valid when proposed)."""
    clean, _ = rules.validate_record_fields(
        readers.record(proposal, [p for p in paths if p in rules.RECORD_PATHS]), today=today
    )
    secrets, _ = rules.validate_sensitive_fields(
        readers.sensitive(proposal, [p for p in paths if p in rules.SENSITIVE_PATHS]),
        today=today,
    )
    return clean, secrets


def take_proposal(
    session: Session, row: ApprovalRequestRecord, keys: FieldKeys, readers: FieldReaders, today
) -> tuple[Customer, dict[str, object], dict[str, str]] | None:
    """The decided request's customer (locked) and its proposal's cleaned values; the proposal
    row is gone either way. None: nothing to apply or record (no proposal any more, or the
    customer is no longer active: merged, erased)."""
    found = proposal_of(session, row.id, keys)
    discard_proposal(session, row.id)
    customer = session.get(Customer, row.subject_id, with_for_update=True)
    if found is None or customer is None or customer.state != "active":
        return None
    paths, proposal = found
    return (customer, *cleaned(proposal, paths, readers, today))


def record_not_applied(
    session: Session,
    row: ApprovalRequestRecord,
    *,
    actor_id: str,
    comment: str,
    keys: FieldKeys,
    readers: FieldReaders,
    now: datetime,
) -> None:
    """A rejected or expired request: the customer keeps its values; its history records the
    proposal that was not applied (source ``approval_rejected``, with the comment)."""
    taken = take_proposal(session, row, keys, readers, now.date())
    if taken is None:
        return
    customer, clean, secrets = taken
    stored = personal_data.load_clear(session, [customer.id], keys)[customer.id]
    revisions.record(
        session,
        customer.id,
        not_applied(customer, clean, secrets, stored),
        actor_id=actor_id,
        source=revisions.APPROVAL_REJECTED,
        now=now,
        correlation_id=row.id,
        comment=comment,
    )


TIMER_EVENTS = {
    machine.REMIND: events_pb2.ApprovalReminderDue,
    machine.ESCALATE: events_pb2.ApprovalEscalated,
}


def scan(database: Database, now: datetime, keys: FieldKeys, readers: FieldReaders) -> dict:
    """Remind, escalate (once) or expire the open requests due at ``now``, each in its own unit
    of work with its event; an expired change is recorded as not applied. How many of each."""
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
                record_not_applied(
                    uow.session,
                    row,
                    actor_id=requests.SYSTEM,
                    comment="not decided in time",
                    keys=keys,
                    readers=readers,
                    now=now,
                )
            uow.session.flush()
            proto = views.request_to_proto(row)
            uow.emit(
                TIMER_EVENTS[action](approval_request=proto)
                if action in TIMER_EVENTS
                else events_pb2.ApprovalDecided(approval_request=proto, actor_id=requests.SYSTEM),
                key=row.subject_id,
            )
            fired[action] += 1
    return fired


def department_upserted(session: Session, event, now: datetime) -> None:
    """Keep each department's lead (``identity.department_upserted``): who approves a change of
    a customer of that department. A late, older revision changes nothing."""
    row = session.get(DepartmentLead, event.path)
    if row is None:
        row = DepartmentLead(path=event.path, revision=0)
        session.add(row)
    elif event.revision <= row.revision:
        return
    row.revision = event.revision
    row.parent_path = event.parent_path or None
    row.lead_user_id = (event.lead_user_id or None) if event.active else None
    row.update_time = now
