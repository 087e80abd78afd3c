"""Tag-rule conditions (``crm.common.v1.ConditionGroup``) checked and evaluated over the facts of
one customer. Pure: facts are a dict of field -> value, ``now`` is given. No I/O.

Money facts are minor units (fen); dates are ``date``; times are aware ``datetime``; ``tags`` is
a set of tag ids. A fact that is unknown (None) matches nothing but ``NOT_EXISTS``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from crm.common.v1 import rules_pb2
from crm_shared.errors import FieldViolation

Op = rules_pb2.ConditionOperator
NUMBER_FIELDS = frozenset(
    {
        "annual_contract_amount",
        "annual_spend",
        "purchase_count_12m",
        "average_order_value",
        "repurchase_rate",
        "rfm_recency_score",
        "rfm_frequency_score",
        "rfm_monetary_score",
        "staff_count",
        "satisfaction_average",
        "completeness_score",
    }
)
TIME_FIELDS = frozenset({"first_contact_date", "last_interaction_time"})
TEXT_FIELDS = frozenset({"type", "industry", "source", "value_class", "lifecycle_stage", "needs"})
FIELDS = NUMBER_FIELDS | TIME_FIELDS | TEXT_FIELDS | {"at_risk", "tags"}

ORDER_OPS = {
    Op.CONDITION_OPERATOR_GREATER_THAN,
    Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL,
    Op.CONDITION_OPERATOR_LESS_THAN,
    Op.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL,
}
DAY_OPS = {
    Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS,
    Op.CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS,
    Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS,
}
SET_OPS = {
    Op.CONDITION_OPERATOR_CONTAINS_ANY,
    Op.CONDITION_OPERATOR_CONTAINS_ALL,
    Op.CONDITION_OPERATOR_CONTAINS_NONE,
}
NO_VALUE_OPS = {Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS}
MAX_DEPTH = 5


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def condition_violations(
    group: rules_pb2.ConditionGroup, prefix: str, depth: int = 0
) -> list[FieldViolation]:
    """Everything wrong with ``group``: unknown fields, missing values, values of the wrong kind."""
    problems: list[FieldViolation] = []
    if depth == 0 and not group.conditions and not group.groups:
        return [FieldViolation(prefix, "must hold at least one condition")]
    if depth >= MAX_DEPTH:
        return [FieldViolation(prefix, f"must not nest deeper than {MAX_DEPTH} groups")]
    for index, condition in enumerate(group.conditions):
        where = f"{prefix}.conditions[{index}]"
        if condition.field not in FIELDS:
            problems.append(FieldViolation(f"{where}.field", "is not a field a rule can read"))
            continue
        op = condition.operator
        values = list(condition.values)
        if op == Op.CONDITION_OPERATOR_UNSPECIFIED:
            problems.append(FieldViolation(f"{where}.operator", "is required"))
        elif op in NO_VALUE_OPS:
            if values:
                problems.append(
                    FieldViolation(f"{where}.values", "must be empty for this operator")
                )
        elif op == Op.CONDITION_OPERATOR_BETWEEN:
            if (
                len(values) != 2
                or any(_number(v) is None for v in values)
                and condition.field in NUMBER_FIELDS
            ):
                problems.append(
                    FieldViolation(f"{where}.values", "must be two values, low and high")
                )
        elif op in DAY_OPS:
            if condition.field not in TIME_FIELDS:
                problems.append(
                    FieldViolation(f"{where}.operator", "applies to dates and times only")
                )
            elif len(values) != 1 or not values[0].isdigit():
                problems.append(
                    FieldViolation(f"{where}.values", "must be one whole number of days")
                )
        elif op in SET_OPS or op in (Op.CONDITION_OPERATOR_IN, Op.CONDITION_OPERATOR_NOT_IN):
            if not values:
                problems.append(FieldViolation(f"{where}.values", "must list at least one value"))
        elif len(values) != 1:
            problems.append(FieldViolation(f"{where}.values", "must be exactly one value"))
        elif op in ORDER_OPS and condition.field in NUMBER_FIELDS and _number(values[0]) is None:
            problems.append(FieldViolation(f"{where}.values", "must be a number"))
    for index, child in enumerate(group.groups):
        problems += condition_violations(child, f"{prefix}.groups[{index}]", depth + 1)
    return problems


def matches(group: rules_pb2.ConditionGroup, facts: dict[str, object], now: datetime) -> bool:
    results = [_holds(c, facts, now) for c in group.conditions]
    results += [matches(child, facts, now) for child in group.groups]
    if group.match == rules_pb2.MATCH_MODE_ANY:
        return any(results)
    return all(results)


def _comparable(fact: object, text: str):
    """``fact`` and ``text`` as two values of one kind, or None when they do not compare."""
    if isinstance(fact, bool):
        return fact, text.strip().lower() in ("true", "1", "yes")
    if isinstance(fact, (int, float, Decimal)):
        number = _number(text)
        return (Decimal(str(fact)), number) if number is not None else None
    if isinstance(fact, datetime):
        try:
            other = datetime.fromisoformat(text)
        except ValueError:
            return None
        return fact, other if other.tzinfo else other.replace(tzinfo=fact.tzinfo)
    if isinstance(fact, date):
        try:
            return fact, date.fromisoformat(text)
        except ValueError:
            return None
    return str(fact), text


def _holds(condition: rules_pb2.Condition, facts: dict[str, object], now: datetime) -> bool:
    op = condition.operator
    fact = facts.get(condition.field)
    values = list(condition.values)
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return fact not in (None, "", set())
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return fact in (None, "", set())
    if fact is None:
        return False
    if isinstance(fact, (set, frozenset)):
        given = set(values)
        if op in (Op.CONDITION_OPERATOR_CONTAINS, Op.CONDITION_OPERATOR_CONTAINS_ALL):
            return given <= fact
        if op == Op.CONDITION_OPERATOR_CONTAINS_ANY:
            return bool(given & fact)
        if op == Op.CONDITION_OPERATOR_CONTAINS_NONE:
            return not given & fact
        return False
    if op in DAY_OPS:
        moment = fact if isinstance(fact, datetime) else None
        day = fact.date() if isinstance(fact, datetime) else fact
        if not isinstance(day, date):
            return False
        days = timedelta(days=int(values[0]))
        today = now.date()
        if op == Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS:
            return (now - days <= moment <= now) if moment else today - days <= day <= today
        if op == Op.CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS:
            return (moment < now - days) if moment else day < today - days
        return (now <= moment <= now + days) if moment else today <= day <= today + days
    if op == Op.CONDITION_OPERATOR_CONTAINS:
        return values[0].lower() in str(fact).lower()
    if op in (Op.CONDITION_OPERATOR_IN, Op.CONDITION_OPERATOR_NOT_IN):
        found = any(_equal(fact, v) for v in values)
        return found if op == Op.CONDITION_OPERATOR_IN else not found
    if op == Op.CONDITION_OPERATOR_BETWEEN:
        low, high = _comparable(fact, values[0]), _comparable(fact, values[1])
        return bool(low and high) and low[1] <= low[0] <= high[1]
    pair = _comparable(fact, values[0]) if values else None
    if pair is None:
        return False
    left, right = pair
    try:
        return {
            Op.CONDITION_OPERATOR_EQUALS: left == right,
            Op.CONDITION_OPERATOR_NOT_EQUALS: left != right,
            Op.CONDITION_OPERATOR_GREATER_THAN: left > right,
            Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: left >= right,
            Op.CONDITION_OPERATOR_LESS_THAN: left < right,
            Op.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: left <= right,
        }.get(op, False)
    except TypeError:
        return False


def _equal(fact: object, text: str) -> bool:
    pair = _comparable(fact, text)
    return pair is not None and pair[0] == pair[1]
