"""Grading and assignment-rule conditions over a lead's facts, and grading itself.

Pure: no I/O. Grading rules are data (``LeadGradingRule``): the first enabled rule in
priority order whose condition holds gives the grade; a lead matching none is C. A condition
reads the fields the contract documents; enums are compared by their full proto names
(``INTENT_LEVEL_HIGH``), money in minor units, ``product_interests`` as a set, and
``intake_params.<key>`` as text. An assignment rule's condition may read ``grade`` as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import rules_pb2
from crm_shared import conditions
from crm_shared.conditions import NUMBER, SET, TEXT, ConditionSchema
from crm_shared.errors import FieldViolation

GRADING_FIELDS = ConditionSchema(
    fields={"source": TEXT, "intent_level": TEXT, "need_clarity": TEXT, "budget": NUMBER,
            "product_interests": SET, "company_name": TEXT, "job_title": TEXT,
            "decision_maker": TEXT, "campaign_id": TEXT},
    prefixes={"intake_params.": TEXT},
)
ASSIGNMENT_FIELDS = ConditionSchema(fields={**GRADING_FIELDS.fields, "grade": TEXT},
                                    prefixes=GRADING_FIELDS.prefixes)
DEFAULT_GRADE = "C"
GRADE_LETTERS = ("A", "B", "C")


@dataclass(frozen=True)
class LeadFacts:
    """What a rule can know about a lead (short names as stored; ``budget`` in minor units)."""

    source: str = ""
    intent_level: str = ""
    need_clarity: str = ""
    budget_minor: int | None = None
    product_interests: tuple[str, ...] = ()
    company_name: str = ""
    job_title: str = ""
    decision_maker: str = ""
    campaign_id: str = ""
    intake_params: Mapping[str, str] | None = None
    grade: str = ""

    def as_condition_facts(self) -> dict[str, object]:
        """The facts in the evaluator's terms (:mod:`crm_shared.conditions`)."""

        def full(prefix: str, short: str) -> str | None:
            return f"{prefix}{short.upper()}" if short else None

        facts: dict[str, object] = {
            "source": full("SOURCE_CHANNEL_", self.source),
            "intent_level": full("INTENT_LEVEL_", self.intent_level),
            "need_clarity": full("NEED_CLARITY_", self.need_clarity),
            "budget": self.budget_minor,
            "product_interests": set(self.product_interests),
            "company_name": self.company_name or None,
            "job_title": self.job_title or None,
            "decision_maker": self.decision_maker or None,
            "campaign_id": self.campaign_id or None,
            "grade": full("LEAD_GRADE_", self.grade),
        }
        for key, value in (self.intake_params or {}).items():
            facts[f"intake_params.{key}"] = value
        return facts


@dataclass(frozen=True)
class GradingRule:
    id: str
    name: str
    grade: str
    """``A``, ``B`` or ``C``."""
    condition: rules_pb2.ConditionGroup


@dataclass(frozen=True)
class Grading:
    grade: str
    rule_id: str
    """Empty when no rule matched (the default grade)."""
    reason: str


def grade_lead(rules: Sequence[GradingRule], facts: LeadFacts, now: datetime) -> Grading:
    """The grade of the first rule (``rules`` in evaluation order) whose condition holds;
    C when none does."""
    known = facts.as_condition_facts()
    for rule in rules:
        if conditions.matches(rule.condition, known, now):
            return Grading(rule.grade, rule.id,
                           f"rule '{rule.name}': {conditions.describe(rule.condition)}")
    return Grading(DEFAULT_GRADE, "", f"no grading rule matched: {DEFAULT_GRADE} by default")


def grading_condition_violations(group: rules_pb2.ConditionGroup,
                                 prefix: str) -> list[FieldViolation]:
    return conditions.condition_violations(group, GRADING_FIELDS, prefix)


def assignment_condition_violations(group: rules_pb2.ConditionGroup,
                                    prefix: str) -> list[FieldViolation]:
    return conditions.condition_violations(group, ASSIGNMENT_FIELDS, prefix)
