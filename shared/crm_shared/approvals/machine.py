"""The state machine of an approval request (pure: ``now`` is given).

pending → approved (the last step approved) / rejected (any approver) / escalated (the step's
time ran out and the policy names an escalation: once per request) → expired (the time ran out
again, or ran out with no escalation). Approving a step that is not the last starts the next
one with a new deadline. The approvers are reminded once per step, ``reminder_before`` ahead of
the step's due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.common.v1 import approvals_pb2

from crm_shared.errors import FailedPrecondition

PENDING, APPROVED, REJECTED, ESCALATED, EXPIRED = (
    "pending",
    "approved",
    "rejected",
    "escalated",
    "expired",
)
OPEN = (PENDING, ESCALATED)
STATUSES = {
    PENDING: approvals_pb2.APPROVAL_STATUS_PENDING,
    APPROVED: approvals_pb2.APPROVAL_STATUS_APPROVED,
    REJECTED: approvals_pb2.APPROVAL_STATUS_REJECTED,
    ESCALATED: approvals_pb2.APPROVAL_STATUS_ESCALATED,
    EXPIRED: approvals_pb2.APPROVAL_STATUS_EXPIRED,
}
REMIND, ESCALATE, EXPIRE = "remind", "escalate", "expire"


def require_open(status: str) -> None:
    if status not in OPEN:
        raise FailedPrecondition(f"this approval request is already {status}")


@dataclass(frozen=True)
class Deadlines:
    due_time: datetime
    remind_time: datetime | None


def deadlines(rules: approvals_pb2.ApprovalPolicy, now: datetime) -> Deadlines:
    """When a step starting ``now`` is due, and when its approvers are reminded."""
    due = now + rules.decision_period.ToTimedelta()
    before = rules.reminder_before.ToTimedelta()
    return Deadlines(due, due - before if before > timedelta(0) else None)


def after_approval(step: int, rules: approvals_pb2.ApprovalPolicy) -> int | None:
    """The next step after ``step`` was approved; None: the request is approved."""
    return step + 1 if step + 1 < len(rules.steps) else None


def due_action(
    status: str,
    *,
    due_time: datetime,
    remind_time: datetime | None,
    reminded: bool,
    escalated: bool,
    rules: approvals_pb2.ApprovalPolicy,
    now: datetime,
) -> str | None:
    """What the timer does to a request at ``now``: escalate it (once, when the policy names an
    escalation), expire it, remind its approvers (once per step), or nothing."""
    if status not in OPEN:
        return None
    if now >= due_time:
        if not escalated and rules.escalate_to.approver:
            return ESCALATE
        return EXPIRE
    if remind_time is not None and not reminded and now >= remind_time:
        return REMIND
    return None
