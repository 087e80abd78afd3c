"""Value class and lifecycle stage: the policy (data, not code) and the pure rules over it.

Value class from the contract amount signed in the last 12 months: A at or above
``value_class_a_min`` (default 500,000 CNY), B at or above ``value_class_b_min`` (default
100,000 CNY), C below; no class while nothing was ever signed.

Lifecycle stage: potential (first contact) -> intent (a need confirmed: a lead converted or an
opportunity opened) -> customer (a deal: opportunity won, contract signed, payment or purchase)
-> lost (no cooperation for ``lost_after_inactive_days``, default 90, and no contract running).
A lost customer who buys again is a customer again; one who opens a new opportunity is back at
intent. Stages never move backwards otherwise: an opportunity opened by a cooperating customer
leaves them a customer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from customer_service import models
from customer_service.rules import RECORD_PATHS

POTENTIAL, INTENT, CUSTOMER, LOST = "potential", "intent", "customer", "lost"
STAGES = (POTENTIAL, INTENT, CUSTOMER, LOST)

# Field paths the completeness score expects by default (the requirement's required fields).
DEFAULT_ENTERPRISE_FIELDS = (
    "display_name", "phone", "email", "enterprise.legal_name", "enterprise.industry",
    "enterprise.staff_count", "enterprise.annual_revenue", "needs", "source",
    "first_contact_date",
)
# "contacts" (at least one contact) may be expected too; it is not by default, since a customer
# cannot have contacts yet when created.
EXPECTABLE_FIELDS = frozenset(RECORD_PATHS) | {"contacts"}
DEFAULT_INDIVIDUAL_FIELDS = (
    "display_name", "phone", "individual.gender", "individual.age", "individual.occupation",
    "needs", "source", "first_contact_date",
)


@dataclass(frozen=True)
class Policy:
    """The classification thresholds. Amounts are CNY (yuan, two decimals)."""

    value_class_a_min: Decimal = Decimal(500000)
    value_class_b_min: Decimal = Decimal(100000)
    lost_after_inactive_days: int = 90
    churn_window_days: int = 90
    churn_interaction_drop_ratio: float = 0.5
    churn_complaint_increase: int = 2
    enterprise_expected_fields: tuple[str, ...] = DEFAULT_ENTERPRISE_FIELDS
    individual_expected_fields: tuple[str, ...] = DEFAULT_INDIVIDUAL_FIELDS
    completeness_target: int = 95
    update_time: datetime | None = None
    updated_by: str = ""


DEFAULT_POLICY = Policy()
EDITABLE_FIELDS = (
    "value_class_a_min", "value_class_b_min", "lost_after_inactive_days", "churn_window_days",
    "churn_interaction_drop_ratio", "churn_complaint_increase", "enterprise_expected_fields",
    "individual_expected_fields", "completeness_target",
)


def policy_violations(policy: Policy, prefix: str = "policy") -> list[tuple[str, str]]:
    """(field, message) for every value that would make the rules meaningless."""
    problems = []
    if policy.value_class_b_min <= 0:
        problems.append((f"{prefix}.value_class_b_min", "must be positive"))
    if policy.value_class_a_min <= policy.value_class_b_min:
        problems.append((f"{prefix}.value_class_a_min", "must be above value_class_b_min"))
    for name, upper in (("lost_after_inactive_days", 3650), ("churn_window_days", 3650)):
        if not 1 <= getattr(policy, name) <= upper:
            problems.append((f"{prefix}.{name}", f"must be between 1 and {upper}"))
    if not 0 < policy.churn_interaction_drop_ratio <= 1:
        problems.append((f"{prefix}.churn_interaction_drop_ratio", "must be above 0 and at most 1"))
    if policy.churn_complaint_increase < 1:
        problems.append((f"{prefix}.churn_complaint_increase", "must be at least 1"))
    if not 1 <= policy.completeness_target <= 100:
        problems.append((f"{prefix}.completeness_target", "must be between 1 and 100"))
    for name, own_prefix in (("enterprise_expected_fields", "enterprise."),
                             ("individual_expected_fields", "individual.")):
        paths = getattr(policy, name)
        unknown = [path for path in paths if path not in EXPECTABLE_FIELDS
                   or (path.startswith(("enterprise.", "individual.")) and not path.startswith(own_prefix))]
        if not paths:
            problems.append((f"{prefix}.{name}", "must list at least one field path"))
        elif unknown:
            problems.append((f"{prefix}.{name}", f"unknown field paths: {', '.join(unknown)}"))
    return problems


# -- value class --------------------------------------------------------------------------------


def value_class(annual_contract_amount: Decimal, policy: Policy, *, any_contract: bool = True) -> str | None:
    """'A', 'B' or 'C'; None for a customer who never signed anything (not classified yet)."""
    if not any_contract:
        return None
    if annual_contract_amount >= policy.value_class_a_min:
        return "A"
    if annual_contract_amount >= policy.value_class_b_min:
        return "B"
    return "C"


# -- lifecycle ----------------------------------------------------------------------------------

# What a fact says about the relationship.
NEED_CONFIRMED = "need_confirmed"  # lead converted, opportunity opened
DEAL = "deal"  # opportunity won, contract signed, payment received, purchase recorded


def stage_after(current: str, signal: str) -> str:
    """The stage once ``signal`` happened; the same stage when it changes nothing."""
    if signal == DEAL:
        return CUSTOMER
    if signal == NEED_CONFIRMED and current in (POTENTIAL, LOST):
        return INTENT
    return current


def has_gone_lost(
    *,
    stage: str,
    last_cooperation_time: datetime | None,
    contract_running: bool,
    now: datetime,
    policy: Policy,
) -> bool:
    """A cooperating customer with no deal for the policy's period and no contract running."""
    if stage != CUSTOMER or contract_running or last_cooperation_time is None:
        return False
    return now - last_cooperation_time >= timedelta(days=policy.lost_after_inactive_days)


def contract_running(end_dates: list[date | None], today: date) -> bool:
    """True when a signed contract (not ended) has no end date or ends today or later."""
    return any(end is None or end >= today for end in end_dates)


# -- storage ------------------------------------------------------------------------------------


def load_policy(session: Session) -> Policy:
    row = session.get(models.ClassificationPolicy, 1)
    if row is None:
        return DEFAULT_POLICY
    return Policy(
        value_class_a_min=Decimal(row.value_class_a_min),
        value_class_b_min=Decimal(row.value_class_b_min),
        lost_after_inactive_days=row.lost_after_inactive_days,
        churn_window_days=row.churn_window_days,
        churn_interaction_drop_ratio=row.churn_interaction_drop_ratio,
        churn_complaint_increase=row.churn_complaint_increase,
        enterprise_expected_fields=tuple(row.enterprise_expected_fields),
        individual_expected_fields=tuple(row.individual_expected_fields),
        completeness_target=row.completeness_target,
        update_time=row.update_time,
        updated_by=row.updated_by,
    )


def save_policy(session: Session, policy: Policy, *, actor_id: str, now: datetime) -> Policy:
    """Store ``policy`` as the singleton row (inserted on the first change)."""
    stored = replace(policy, update_time=now, updated_by=actor_id)
    row = session.get(models.ClassificationPolicy, 1)
    if row is None:
        row = models.ClassificationPolicy(id=1)
        session.add(row)
    for name in EDITABLE_FIELDS:
        value = getattr(stored, name)
        setattr(row, name, list(value) if isinstance(value, tuple) else value)
    row.update_time = now
    row.updated_by = actor_id
    return stored
