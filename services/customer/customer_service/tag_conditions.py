"""The fields a customer tag rule's condition (``crm.common.v1.ConditionGroup``) can read, and
the shared checker and evaluator (:mod:`crm_shared.conditions`) bound to them.

Money facts are minor units (fen); dates are ``date``; times are aware ``datetime``; ``tags`` is
a set of tag ids.
"""

from __future__ import annotations

from datetime import datetime

from crm.common.v1 import rules_pb2
from crm_shared import conditions
from crm_shared.conditions import BOOL, NUMBER, SET, TEXT, TIME, ConditionSchema
from crm_shared.errors import FieldViolation

NUMBER_FIELDS = frozenset({
    "annual_contract_amount", "annual_spend", "purchase_count_12m", "average_order_value",
    "repurchase_rate", "rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score",
    "staff_count", "satisfaction_average", "completeness_score",
})
TIME_FIELDS = frozenset({"first_contact_date", "last_interaction_time"})
TEXT_FIELDS = frozenset({"type", "industry", "source", "value_class", "lifecycle_stage", "needs"})
SCHEMA = ConditionSchema(fields={
    **dict.fromkeys(NUMBER_FIELDS, NUMBER), **dict.fromkeys(TIME_FIELDS, TIME),
    **dict.fromkeys(TEXT_FIELDS, TEXT), "at_risk": BOOL, "tags": SET,
})
FIELDS = frozenset(SCHEMA.fields)


def condition_violations(group: rules_pb2.ConditionGroup, prefix: str) -> list[FieldViolation]:
    return conditions.condition_violations(group, SCHEMA, prefix)


def matches(group: rules_pb2.ConditionGroup, facts: dict[str, object], now: datetime) -> bool:
    return conditions.matches(group, facts, now)
