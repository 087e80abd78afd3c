"""Changing the sales policy: which fields an update may name, what each must hold, and the
policy after the change. Pure: the stored document is read and written by the servicer."""

from __future__ import annotations

import re
from datetime import timedelta

from crm.sales.v1 import sales_pb2
from crm_shared.errors import FieldViolation

from sales_service.policy import SalesPolicyValues, from_proto, to_proto

POLICY_FIELDS = ("currency_code", "lead_response_targets", "follow_up_cadences",
                 "need_confirmed_contact_days", "proposal_contact_days", "reminder_days_before",
                 "renewal_reminder_days", "lead_cold_after_days", "win_back_after_months",
                 "stage_probabilities")
OUTPUT_ONLY = ("update_time", "updated_by")
DAY_FIELDS = {"need_confirmed_contact_days": 60, "proposal_contact_days": 60,
              "reminder_days_before": 30, "renewal_reminder_days": 365,
              "lead_cold_after_days": 365}
"""Day counts and their largest sensible value (each at least 1: 0 would mean the default)."""
MAX_INTERVAL_DAYS = 365
MAX_WIN_BACK_MONTHS = 24
MAX_FIRST_CONTACT = timedelta(days=30)
CURRENCY = re.compile(r"^[A-Z]{3}$")
STAGES = {value.name for value in sales_pb2.OpportunityStage.DESCRIPTOR.values if value.number}


def mask_violations(paths: list[str]) -> list[FieldViolation]:
    if not paths:
        return [FieldViolation("update_mask", "must name the fields to change")]
    return [FieldViolation("update_mask", f"`{path}` cannot be changed")
            for path in paths if path not in POLICY_FIELDS]


def policy_violations(message: sales_pb2.SalesPolicy, paths: set[str],
                      prefix: str = "policy.") -> list[FieldViolation]:
    """Checks of the fields named in ``paths``."""
    violations: list[FieldViolation] = []
    if "currency_code" in paths and not CURRENCY.match(message.currency_code):
        violations.append(FieldViolation(prefix + "currency_code",
                                         "must be an ISO 4217 code such as CNY"))
    for name, largest in DAY_FIELDS.items():
        if name in paths and not 1 <= getattr(message, name) <= largest:
            violations.append(FieldViolation(prefix + name, f"must be 1 to {largest} days"))
    if "win_back_after_months" in paths and not 1 <= message.win_back_after_months \
            <= MAX_WIN_BACK_MONTHS:
        violations.append(FieldViolation(prefix + "win_back_after_months",
                                         f"must be 1 to {MAX_WIN_BACK_MONTHS} months"))
    if "lead_response_targets" in paths:
        seen: set[int] = set()
        for index, target in enumerate(message.lead_response_targets):
            field = f"{prefix}lead_response_targets[{index}]"
            if not target.grade:
                violations.append(FieldViolation(field + ".grade", "is required"))
            elif target.grade in seen:
                violations.append(FieldViolation(field + ".grade", "appears twice"))
            seen.add(target.grade)
            within = target.first_contact_within.ToTimedelta()
            before = target.remind_before.ToTimedelta()
            if not timedelta(0) < within <= MAX_FIRST_CONTACT:
                violations.append(FieldViolation(field + ".first_contact_within",
                                                 "must be more than 0 and at most 30 days"))
            if before < timedelta(0) or (within > timedelta(0) and before >= within):
                violations.append(FieldViolation(field + ".remind_before",
                                                 "must be 0 or more and less than "
                                                 "first_contact_within"))
    if "follow_up_cadences" in paths:
        seen = set()
        for index, cadence in enumerate(message.follow_up_cadences):
            field = f"{prefix}follow_up_cadences[{index}]"
            if not cadence.value_class:
                violations.append(FieldViolation(field + ".value_class", "is required"))
            elif cadence.value_class in seen:
                violations.append(FieldViolation(field + ".value_class", "appears twice"))
            seen.add(cadence.value_class)
            if not 1 <= cadence.interval_days <= MAX_INTERVAL_DAYS:
                violations.append(FieldViolation(field + ".interval_days",
                                                 f"must be 1 to {MAX_INTERVAL_DAYS} days"))
            if not 0 <= cadence.senior_contact_interval_days <= MAX_INTERVAL_DAYS:
                violations.append(FieldViolation(field + ".senior_contact_interval_days",
                                                 f"must be 0 (none) to {MAX_INTERVAL_DAYS} days"))
    if "stage_probabilities" in paths:
        for stage, percent in sorted(message.stage_probabilities.items()):
            if stage not in STAGES:
                violations.append(FieldViolation(f"{prefix}stage_probabilities[{stage}]",
                                                 "is not an opportunity stage"))
            elif not 0 <= percent <= 100:
                violations.append(FieldViolation(f"{prefix}stage_probabilities[{stage}]",
                                                 "must be 0 to 100 percent"))
    return violations


def apply_update(current: SalesPolicyValues, message: sales_pb2.SalesPolicy,
                 paths: set[str]) -> SalesPolicyValues:
    """The policy with the fields in ``paths`` taken from ``message``. A list field replaces
    the stored list entry by entry (a grade or class left out keeps its current figures)."""
    merged = to_proto(current)
    for path in sorted(paths):
        if path in ("lead_response_targets", "follow_up_cadences"):
            kept = {_key(item): item for item in getattr(merged, path)}
            for item in getattr(message, path):
                kept[_key(item)] = item
            merged.ClearField(path)
            getattr(merged, path).extend(sorted(kept.values(), key=_key))
        elif path == "stage_probabilities":
            merged.stage_probabilities.update(message.stage_probabilities)
        else:
            setattr(merged, path, getattr(message, path))
    return from_proto(merged)


def _key(item) -> int:
    return item.grade if isinstance(item, sales_pb2.LeadResponseTarget) else item.value_class
