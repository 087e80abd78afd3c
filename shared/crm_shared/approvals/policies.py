"""Approval policies as data: checked, stored and judged against one record.

A policy's rules (condition, steps, decision period, reminder, escalation, timeout action) are
stored as one JSON document, the proto3 JSON of an ``ApprovalPolicy`` holding only those
fields. A request keeps a copy of the document that judged it with the policy's version, so a
later edit of the policy never changes a request already made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.common.v1 import approvals_pb2
from google.protobuf import json_format

from crm_shared import conditions
from crm_shared.conditions import NUMBER, SET, TEXT, ConditionSchema
from crm_shared.errors import FieldViolation

Policy = approvals_pb2.ApprovalPolicy
Kind = approvals_pb2.ApproverKind

RULE_FIELDS = (
    "condition",
    "steps",
    "decision_period",
    "reminder_before",
    "escalate_to",
    "on_timeout",
)
"""The fields of a policy that judge a record: its stored (and snapshotted) document."""
MAX_STEPS = 5
MAX_NAMED_USERS = 20
MIN_PERIOD = timedelta(hours=1)
MAX_PERIOD = timedelta(days=30)

SUBJECT_FIELDS: dict[int, ConditionSchema] = {
    approvals_pb2.APPROVAL_SUBJECT_QUOTE: ConditionSchema(
        fields={
            "discount_basis_points": NUMBER,
            "max_line_discount_basis_points": NUMBER,
            "total": NUMBER,
            "currency_code": TEXT,
        }
    ),
    approvals_pb2.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS: ConditionSchema(
        fields={"changed_fields": SET, "customer_type": TEXT}
    ),
}
"""The facts a policy of each subject may read (documented on ``ApprovalSubject``)."""
SUBJECT_WORDS = {
    approvals_pb2.APPROVAL_SUBJECT_QUOTE: "quote",
    approvals_pb2.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS: "customer_key_fields",
}
"""A subject as stored."""


def subject_of(word: str) -> int:
    return {value: key for key, value in SUBJECT_WORDS.items()}.get(word, 0)


def _step_violations(step: approvals_pb2.ApprovalStep, field: str) -> list[FieldViolation]:
    if step.approver == Kind.APPROVER_KIND_ROLE and not step.role.strip():
        return [FieldViolation(f"{field}.role", "is required for a role approver")]
    if step.approver == Kind.APPROVER_KIND_USERS and not (
        0 < len(step.user_ids) <= MAX_NAMED_USERS and all(u.strip() for u in step.user_ids)
    ):
        return [
            FieldViolation(
                f"{field}.user_ids", f"must name 1 to {MAX_NAMED_USERS} users for a users approver"
            )
        ]
    if step.approver not in Kind.values() or step.approver == Kind.APPROVER_KIND_UNSPECIFIED:
        return [FieldViolation(f"{field}.approver", "is required")]
    return []


def violations(
    policy: Policy, prefix: str = "policy.", paths: Iterable[str] | None = None
) -> list[FieldViolation]:
    """What is wrong with ``policy`` (only the fields in ``paths`` when given: an update)."""
    checked = set(RULE_FIELDS) | {"display_name", "subject"} if paths is None else set(paths)
    problems: list[FieldViolation] = []
    if "display_name" in checked and not 0 < len(policy.display_name.strip()) <= 200:
        problems.append(
            FieldViolation(f"{prefix}display_name", "is required, at most 200 characters")
        )
    schema = SUBJECT_FIELDS.get(policy.subject)
    if "subject" in checked and schema is None:
        problems.append(FieldViolation(f"{prefix}subject", "is required"))
    if "condition" in checked:
        if not (policy.condition.conditions or policy.condition.groups):
            problems.append(FieldViolation(f"{prefix}condition", "needs at least one condition"))
        elif schema is not None:
            problems += conditions.condition_violations(
                policy.condition, schema, f"{prefix}condition"
            )
    if "steps" in checked:
        if not 0 < len(policy.steps) <= MAX_STEPS:
            problems.append(FieldViolation(f"{prefix}steps", f"must hold 1 to {MAX_STEPS} steps"))
        for index, step in enumerate(policy.steps):
            problems += _step_violations(step, f"{prefix}steps[{index}]")
    period = policy.decision_period.ToTimedelta()
    if "decision_period" in checked and not MIN_PERIOD <= period <= MAX_PERIOD:
        problems.append(
            FieldViolation(f"{prefix}decision_period", "must be between 1 hour and 30 days")
        )
    if "reminder_before" in checked and not (
        timedelta(0) <= policy.reminder_before.ToTimedelta() < max(period, MIN_PERIOD)
    ):
        problems.append(
            FieldViolation(
                f"{prefix}reminder_before", "must be 0 or more and less than the decision period"
            )
        )
    if "escalate_to" in checked and policy.escalate_to.approver:
        problems += _step_violations(policy.escalate_to, f"{prefix}escalate_to")
    if (
        "on_timeout" in checked
        and policy.on_timeout not in approvals_pb2.ApprovalTimeoutAction.values()
    ):
        problems.append(FieldViolation(f"{prefix}on_timeout", "is not a known action"))
    return problems


def rules_document(policy: Policy) -> dict:
    """The stored form of the policy's rules (``RULE_FIELDS`` only)."""
    rules = Policy()
    for name in RULE_FIELDS:
        if name == "steps":
            rules.steps.extend(policy.steps)
        elif name == "on_timeout":
            rules.on_timeout = policy.on_timeout
        elif policy.HasField(name):
            getattr(rules, name).CopyFrom(getattr(policy, name))
    return json_format.MessageToDict(rules)


def rules_of(document: Mapping | None) -> Policy:
    return json_format.ParseDict(dict(document or {}), Policy())


@dataclass(frozen=True)
class StoredPolicy:
    """A policy as a service holds it: enough to judge a record and to record the judgement."""

    id: str
    version: int
    rules: Policy


@dataclass(frozen=True)
class Judgement:
    policy: StoredPolicy
    reason: str
    """The condition as the record met it, e.g. ``discount_basis_points > 1000``."""


def judge(
    policies: Iterable[StoredPolicy], facts: Mapping[str, object], now: datetime
) -> Judgement | None:
    """The first policy (``policies`` enabled, in evaluation order) whose condition the
    record's ``facts`` meet; None: the record needs no approval."""
    for policy in policies:
        if conditions.matches(policy.rules.condition, facts, now):
            return Judgement(policy, conditions.describe(policy.rules.condition))
    return None
