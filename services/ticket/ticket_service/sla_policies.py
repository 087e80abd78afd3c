"""SLA policies (which targets a ticket gets) and the ticket policy (the singleton configuration).

Choosing a policy: the most specific enabled one wins — type and priority, then type only,
then priority only, then the default (neither). An unspecified priority counts as ``normal``.

Seeded by migration 0002 (all configuration; change them with UpdateSlaPolicy):

* default (any type, any priority): first response within 8 business hours;
* per priority: first response urgent 1 h and high 4 h on the wall clock (urgent things do not
  wait for Monday), normal 8 h and low 24 h in business hours of the department's calendar;
* complaint × each priority: the priority's first response, resolved within 24 h on the wall
  clock — the 24 h is a promise made to the customer, so nights and weekends count;
* demand × each priority: the priority's first response and an answer (resolution target)
  within 3 working days = 27 business hours of the default 9-hour calendar;
* every seeded policy: untouched reminder after 24 h, escalation to the department lead 24 h
  after the reminder, and the pre-breach warning when 20 % of the shorter target is left.

The ticket policy's seeded defaults: priority raised for value class A and at-risk customers,
call-back within 24 h, service record within 2 h, auto-close 72 h after resolution (the
contract's documented default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from crm_shared.errors import FieldViolation
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ticket_service.models import SlaPolicy, TicketPolicySettings

TICKET_TYPES = ("consultation", "complaint", "demand", "fault")
PRIORITIES = ("urgent", "high", "normal", "low")
VALUE_CLASSES = ("A", "B", "C")
# Longest target accepted: a quarter. Anything longer is a typo, not a service level.
MAX_TARGET = timedelta(days=92)


@dataclass(frozen=True)
class SlaInput:
    """An SLA policy's settable fields in domain form (None: no target / any)."""

    display_name: str
    ticket_type: str | None
    priority: str | None
    first_response: timedelta | None
    resolution: timedelta | None
    business_hours_only: bool
    warning_before: timedelta | None
    untouched_reminder_after: timedelta | None
    escalate_after: timedelta | None
    enabled: bool


def validate_policy(data: SlaInput, prefix: str = "policy.") -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    if not data.display_name.strip():
        violations.append(FieldViolation(f"{prefix}display_name", "is required"))
    elif len(data.display_name) > 200:
        violations.append(FieldViolation(f"{prefix}display_name", "must be at most 200 characters"))
    durations = {
        "first_response_target": data.first_response,
        "resolution_target": data.resolution,
        "warning_before": data.warning_before,
        "untouched_reminder_after": data.untouched_reminder_after,
        "escalate_after": data.escalate_after,
    }
    for name, value in durations.items():
        if value is not None and (value <= timedelta(0) or value > MAX_TARGET):
            violations.append(FieldViolation(f"{prefix}{name}", "must be positive and at most 92 days"))
    if data.first_response is None and data.resolution is None:
        violations.append(FieldViolation(
            f"{prefix}first_response_target", "a policy needs a first-response or resolution target"))
    targets = [value for value in (data.first_response, data.resolution) if value]
    if data.warning_before and targets and data.warning_before >= min(targets):
        violations.append(FieldViolation(f"{prefix}warning_before", "must be shorter than the targets"))
    return violations


def seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def duration(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def apply(policy: SlaPolicy, data: SlaInput, fields: set[str] | None = None) -> None:
    """Copy ``data`` onto the row; ``fields`` (names of SlaInput) limits what is copied."""
    columns = {
        "display_name": ("display_name", data.display_name),
        "ticket_type": ("ticket_type", data.ticket_type),
        "priority": ("priority", data.priority),
        "first_response": ("first_response_seconds", seconds(data.first_response)),
        "resolution": ("resolution_seconds", seconds(data.resolution)),
        "business_hours_only": ("business_hours_only", data.business_hours_only),
        "warning_before": ("warning_before_seconds", seconds(data.warning_before)),
        "untouched_reminder_after": ("untouched_reminder_seconds", seconds(data.untouched_reminder_after)),
        "escalate_after": ("escalate_after_seconds", seconds(data.escalate_after)),
        "enabled": ("enabled", data.enabled),
    }
    for name, (column, value) in columns.items():
        if fields is None or name in fields:
            setattr(policy, column, value)


def as_input(policy: SlaPolicy) -> SlaInput:
    return SlaInput(
        display_name=policy.display_name,
        ticket_type=policy.ticket_type,
        priority=policy.priority,
        first_response=duration(policy.first_response_seconds),
        resolution=duration(policy.resolution_seconds),
        business_hours_only=policy.business_hours_only,
        warning_before=duration(policy.warning_before_seconds),
        untouched_reminder_after=duration(policy.untouched_reminder_seconds),
        escalate_after=duration(policy.escalate_after_seconds),
        enabled=policy.enabled,
    )


def specificity(policy: SlaPolicy) -> int:
    """0 for type and priority, 1 type only, 2 priority only, 3 the default."""
    return (0 if policy.ticket_type else 2) + (0 if policy.priority else 1)


def policy_for(session: Session, ticket_type: str, priority: str) -> SlaPolicy | None:
    """The enabled policy that applies to a ticket of this type and priority, or None."""
    priority = priority or "normal"
    candidates = session.scalars(
        select(SlaPolicy).where(
            SlaPolicy.enabled.is_(True),
            or_(SlaPolicy.ticket_type == ticket_type, SlaPolicy.ticket_type.is_(None)),
            or_(SlaPolicy.priority == priority, SlaPolicy.priority.is_(None)),
        )
    ).all()
    # Among equally specific policies the oldest wins, so adding one never silently takes over.
    return min(candidates, key=lambda p: (specificity(p), p.create_time, p.id), default=None)


# -- the ticket policy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketPolicy:
    """The ticket configuration as the rest of the service uses it."""

    raise_priority_value_classes: frozenset[str]
    raise_priority_when_at_risk: bool
    callback_within: timedelta
    service_record_within: timedelta
    auto_close_after: timedelta | None  # None: tickets never close themselves


def ticket_policy_row(session: Session) -> TicketPolicySettings:
    row = session.get(TicketPolicySettings, 1)
    if row is None:
        raise RuntimeError("ticket_policy has no row: run `ticket-service migrate`")
    return row


def ticket_policy(session: Session) -> TicketPolicy:
    row = ticket_policy_row(session)
    return TicketPolicy(
        raise_priority_value_classes=frozenset(row.raise_priority_value_classes),
        raise_priority_when_at_risk=row.raise_priority_when_at_risk,
        callback_within=timedelta(seconds=row.callback_within_seconds),
        service_record_within=timedelta(seconds=row.service_record_within_seconds),
        auto_close_after=timedelta(seconds=row.auto_close_after_seconds)
        if row.auto_close_after_seconds else None,
    )


def validate_ticket_policy(policy: TicketPolicy, fields: set[str],
                           prefix: str = "policy.") -> list[FieldViolation]:
    violations = []
    for name in ("callback_within", "service_record_within"):
        value = getattr(policy, name)
        if name in fields and (value <= timedelta(0) or value > MAX_TARGET):
            violations.append(FieldViolation(f"{prefix}{name}", "must be positive and at most 92 days"))
    if "auto_close_after" in fields and policy.auto_close_after is not None and (
            policy.auto_close_after < timedelta(0) or policy.auto_close_after > MAX_TARGET):
        violations.append(FieldViolation(f"{prefix}auto_close_after", "must be 0 (never) or at most 92 days"))
    return violations
