"""Grading and assignment-rule conditions over a lead's facts, and grading itself; and the same
grading of prospects (customers without a contract) into an estimated class.

Pure: no I/O. Grading rules are data (``LeadGradingRule``): the first enabled rule in
priority order whose condition holds gives the grade; a lead matching none is C. A condition
reads the fields the contract documents; enums are compared by their full proto names
(``INTENT_LEVEL_HIGH``), money in minor units, ``product_interests`` as a set, and
``intake_params.<key>`` as text. An assignment rule's condition may read ``grade`` as well.

A rule's ``subject`` says what it grades. Prospect rules read :data:`PROSPECT_FIELDS` (the
estimated deal value and potential, seed 004's 按客户预估合作金额/潜力分为A类…) and give the
customer's estimated class; a prospect matching none has no class (nothing was estimated yet,
so no cadence), unlike a lead, which every rule set grades.
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
PROSPECT_FIELDS = ConditionSchema(
    fields={"estimated_value": NUMBER, "weighted_value": NUMBER, "open_opportunities": NUMBER,
            "best_probability": NUMBER, "customer_type": TEXT, "industry": TEXT,
            "staff_count": NUMBER, "lifecycle_stage": TEXT},
)
DEFAULT_GRADE = "C"
GRADE_LETTERS = ("A", "B", "C")
LEAD, PROSPECT = "lead", "prospect"
"""What a grading rule grades: the short names of ``GradingSubject``, as stored."""


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
class ProspectFacts:
    """What a prospect rule can know about a customer without a contract: its open
    opportunities (amounts in minor units of the policy's currency) and its traits."""

    estimated_value_minor: int = 0
    weighted_value_minor: int = 0
    open_opportunities: int = 0
    best_probability: int | None = None
    customer_type: str = ""
    industry: str = ""
    staff_count: int | None = None
    lifecycle_stage: str = ""

    def as_condition_facts(self) -> dict[str, object]:
        return {
            "estimated_value": self.estimated_value_minor,
            "weighted_value": self.weighted_value_minor,
            "open_opportunities": self.open_opportunities,
            "best_probability": self.best_probability,
            "customer_type": f"CUSTOMER_TYPE_{self.customer_type.upper()}"
            if self.customer_type else None,
            "industry": self.industry or None,
            "staff_count": self.staff_count,
            "lifecycle_stage": f"LIFECYCLE_STAGE_{self.lifecycle_stage.upper()}"
            if self.lifecycle_stage else None,
        }


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


def _first_match(rules: Sequence[GradingRule], known: Mapping[str, object],
                 now: datetime) -> Grading | None:
    for rule in rules:
        if conditions.matches(rule.condition, known, now):
            return Grading(rule.grade, rule.id,
                           f"rule '{rule.name}': {conditions.describe(rule.condition)}")
    return None


def grade_lead(rules: Sequence[GradingRule], facts: LeadFacts, now: datetime) -> Grading:
    """The grade of the first rule (``rules`` in evaluation order) whose condition holds;
    C when none does."""
    return _first_match(rules, facts.as_condition_facts(), now) or Grading(
        DEFAULT_GRADE, "", f"no grading rule matched: {DEFAULT_GRADE} by default")


def grade_prospect(rules: Sequence[GradingRule], facts: ProspectFacts,
                   now: datetime) -> Grading | None:
    """The estimated class of the first prospect rule whose condition holds; None when none
    does (the customer has no estimated class)."""
    return _first_match(rules, facts.as_condition_facts(), now)


def grading_condition_violations(group: rules_pb2.ConditionGroup,
                                 prefix: str) -> list[FieldViolation]:
    return conditions.condition_violations(group, GRADING_FIELDS, prefix)


def prospect_condition_violations(group: rules_pb2.ConditionGroup,
                                  prefix: str) -> list[FieldViolation]:
    return conditions.condition_violations(group, PROSPECT_FIELDS, prefix)


def assignment_condition_violations(group: rules_pb2.ConditionGroup,
                                    prefix: str) -> list[FieldViolation]:
    return conditions.condition_violations(group, ASSIGNMENT_FIELDS, prefix)
