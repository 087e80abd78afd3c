"""Who decides a step of an approval request.

A step's approvers are resolved when the step starts and stored on the request as ids: user
ids, and ``role:<name>`` for a role (nobody is enumerated: whoever holds the role when deciding
may, if their data scope reaches the record). The department lead is the lead of the requester's
department; a requester who leads it is never their own approver, so the lead of the department
above decides; where no lead can be found, the ``admin`` role does.
"""

from __future__ import annotations

from collections.abc import Callable

from crm.common.v1 import approvals_pb2

from crm_shared.auth import Principal

Kind = approvals_pb2.ApproverKind
ROLE_PREFIX = "role:"
FALLBACK = (ROLE_PREFIX + "admin",)
"""Who decides when a policy names a lead nobody is: someone is always able to."""


def parent_of(path: str) -> str:
    """``/hq/sales/east`` → ``/hq/sales``; the root has none (empty)."""
    trimmed = path.rstrip("/")
    return trimmed.rsplit("/", 1)[0] if trimmed.count("/") > 1 else ""


def _lead_above(path: str, requester_id: str, lead_of: Callable[[str], str | None]) -> str | None:
    while path:
        lead = lead_of(path)
        if lead and lead != requester_id:
            return lead
        path = parent_of(path)
    return None


def resolve(
    step: approvals_pb2.ApprovalStep,
    *,
    requester_id: str,
    department_path: str,
    lead_of: Callable[[str], str | None],
) -> tuple[str, ...]:
    """The ids that may decide ``step`` of a request made by ``requester_id`` of
    ``department_path``; ``lead_of(path)`` is the user who leads that department, if known."""
    if step.approver == Kind.APPROVER_KIND_ROLE:
        return (ROLE_PREFIX + step.role.strip(),)
    if step.approver == Kind.APPROVER_KIND_USERS:
        named = tuple(dict.fromkeys(u.strip() for u in step.user_ids if u.strip() != requester_id))
        return named or FALLBACK
    start = (
        department_path
        if step.approver == Kind.APPROVER_KIND_DEPARTMENT_LEAD
        else parent_of(department_path)
    )
    lead = _lead_above(start, requester_id, lead_of)
    return (lead,) if lead else FALLBACK


def may_decide(
    approver_ids: tuple[str, ...] | list[str], principal: Principal, *, sees_record: bool
) -> bool:
    """Whether ``principal`` is one of the current approvers: named, or holding a named role
    with a data scope that reaches the record."""
    if principal.user_id in approver_ids:
        return True
    return sees_record and any(
        principal.has_role(approver[len(ROLE_PREFIX) :])
        for approver in approver_ids
        if approver.startswith(ROLE_PREFIX)
    )


def keys_of(principal: Principal) -> list[str]:
    """The approver ids that name ``principal``: the inbox's query."""
    return [principal.user_id, *(ROLE_PREFIX + role for role in sorted(principal.roles))]
