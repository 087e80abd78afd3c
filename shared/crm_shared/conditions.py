"""Rule conditions (``crm.common.v1.ConditionGroup``): checked against the fields a kind of rule
may read, and evaluated over the facts of one record. Pure: no I/O, ``now`` is given.

Every rule that is data (customer tag rules, lead grading and assignment rules, marketing
segments) declares a :class:`ConditionSchema` of the fields it reads and uses these two
functions, so an operator means the same thing everywhere::

    LEAD_FIELDS = ConditionSchema(
        fields={"intent_level": TEXT, "budget": NUMBER, "product_interests": SET},
        prefixes={"intake_params.": TEXT},
    )
    problems = condition_violations(rule.condition, LEAD_FIELDS, "rule.condition")
    if matches(rule.condition, facts, now): ...

Facts are a dict of field -> value: numbers (``int``/``Decimal``, money in minor units),
``date``, aware ``datetime``, ``bool``, ``str`` (enums by their full proto name, e.g.
``VALUE_CLASS_A``) or a ``set`` of strings. A fact that is unknown (``None``) matches nothing
but ``NOT_EXISTS``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from crm.common.v1 import rules_pb2

from crm_shared.errors import FieldViolation

Op = rules_pb2.ConditionOperator


class FieldKind(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    TIME = "time"  # a date or a moment; the only kind the day operators apply to
    BOOL = "bool"
    SET = "set"


TEXT, NUMBER, TIME, BOOL, SET = (FieldKind.TEXT, FieldKind.NUMBER, FieldKind.TIME,
                                 FieldKind.BOOL, FieldKind.SET)


@dataclass(frozen=True)
class ConditionSchema:
    """The fields one kind of rule can read, by kind; ``prefixes`` admit open-ended families
    such as ``intake_params.<key>``."""

    fields: Mapping[str, FieldKind]
    prefixes: Mapping[str, FieldKind] = field(default_factory=dict)

    def kind_of(self, name: str) -> FieldKind | None:
        if name in self.fields:
            return self.fields[name]
        for prefix, kind in self.prefixes.items():
            if name.startswith(prefix) and len(name) > len(prefix):
                return kind
        return None


ORDER_OPS = frozenset({
    Op.CONDITION_OPERATOR_GREATER_THAN,
    Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL,
    Op.CONDITION_OPERATOR_LESS_THAN,
    Op.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL,
})
DAY_OPS = frozenset({
    Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS,
    Op.CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS,
    Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS,
})
SET_OPS = frozenset({
    Op.CONDITION_OPERATOR_CONTAINS_ANY,
    Op.CONDITION_OPERATOR_CONTAINS_ALL,
    Op.CONDITION_OPERATOR_CONTAINS_NONE,
})
NO_VALUE_OPS = frozenset({Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS})
MAX_DEPTH = 5


def number(text: str) -> Decimal | None:
    """``text`` as a finite decimal, or None."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def condition_violations(group: rules_pb2.ConditionGroup, schema: ConditionSchema, prefix: str,
                         depth: int = 0) -> list[FieldViolation]:
    """Everything wrong with ``group``: unknown fields, missing values, values of the wrong kind."""
    problems: list[FieldViolation] = []
    if depth == 0 and not group.conditions and not group.groups:
        return [FieldViolation(prefix, "must hold at least one condition")]
    if depth >= MAX_DEPTH:
        return [FieldViolation(prefix, f"must not nest deeper than {MAX_DEPTH} groups")]
    for index, condition in enumerate(group.conditions):
        where = f"{prefix}.conditions[{index}]"
        kind = schema.kind_of(condition.field)
        if kind is None:
            problems.append(FieldViolation(f"{where}.field", "is not a field this rule can read"))
            continue
        problem = _operand_problem(condition.operator, list(condition.values), kind)
        if problem is not None:
            problems.append(FieldViolation(f"{where}.{problem[0]}", problem[1]))
    for index, child in enumerate(group.groups):
        problems += condition_violations(child, schema, f"{prefix}.groups[{index}]", depth + 1)
    return problems


def _operand_problem(op: int, values: list[str], kind: FieldKind) -> tuple[str, str] | None:
    if op == Op.CONDITION_OPERATOR_UNSPECIFIED or op not in Op.values():
        return "operator", "is required"
    if op in NO_VALUE_OPS:
        return ("values", "must be empty for this operator") if values else None
    if op == Op.CONDITION_OPERATOR_BETWEEN:
        if len(values) != 2 or (kind is NUMBER and any(number(v) is None for v in values)):
            return "values", "must be two values, low and high"
        return None
    if op in DAY_OPS:
        if kind is not TIME:
            return "operator", "applies to dates and times only"
        if len(values) != 1 or not values[0].isdigit():
            return "values", "must be one whole number of days"
        return None
    if op in SET_OPS or op in (Op.CONDITION_OPERATOR_IN, Op.CONDITION_OPERATOR_NOT_IN):
        return ("values", "must list at least one value") if not values else None
    if len(values) != 1:
        return "values", "must be exactly one value"
    if op in ORDER_OPS and kind is NUMBER and number(values[0]) is None:
        return "values", "must be a number"
    return None


def matches(group: rules_pb2.ConditionGroup, facts: Mapping[str, object], now: datetime) -> bool:
    """Whether ``facts`` satisfy ``group`` (an empty group matches everything)."""
    results = [holds(c, facts, now) for c in group.conditions]
    results += [matches(child, facts, now) for child in group.groups]
    if group.match == rules_pb2.MATCH_MODE_ANY:
        return any(results)
    return all(results)


def matches_everything(group: rules_pb2.ConditionGroup) -> bool:
    """Whether ``group`` takes whatever facts come, by its shape: it holds no condition, and its
    nested groups (if any) match everything too (under ``ANY``, one of them is enough). An
    empty group counts whatever its mode: a rule "without a condition" is a catch-all."""
    if group.conditions:
        return False
    children = [matches_everything(child) for child in group.groups]
    if not children:
        return True
    return any(children) if group.match == rules_pb2.MATCH_MODE_ANY else all(children)


def describe(group: rules_pb2.ConditionGroup) -> str:
    """A one-line reading of ``group`` for explanations, e.g.
    ``intent_level = INTENT_LEVEL_HIGH and budget >= 1000000``."""
    joiner = " or " if group.match == rules_pb2.MATCH_MODE_ANY else " and "
    parts = [_describe_condition(c) for c in group.conditions]
    parts += [f"({describe(child)})" for child in group.groups]
    return joiner.join(parts) or "always"


_OP_TEXT = {
    Op.CONDITION_OPERATOR_EQUALS: "=", Op.CONDITION_OPERATOR_NOT_EQUALS: "≠",
    Op.CONDITION_OPERATOR_GREATER_THAN: ">", Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: ">=",
    Op.CONDITION_OPERATOR_LESS_THAN: "<", Op.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: "<=",
}


def _describe_condition(condition: rules_pb2.Condition) -> str:
    op, values = condition.operator, list(condition.values)
    if op in _OP_TEXT:
        return f"{condition.field} {_OP_TEXT[op]} {values[0] if values else ''}".rstrip()
    name = Op.Name(op).removeprefix("CONDITION_OPERATOR_").lower().replace("_", " ")
    if op in NO_VALUE_OPS:
        return f"{condition.field} {name}"
    return f"{condition.field} {name} {', '.join(values)}"


def _comparable(fact: object, text: str):
    """``fact`` and ``text`` as two values of one kind, or None when they do not compare."""
    if isinstance(fact, bool):
        return fact, text.strip().lower() in ("true", "1", "yes")
    if isinstance(fact, (int, float, Decimal)):
        value = number(text)
        return (Decimal(str(fact)), value) if value is not None else None
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


def holds(condition: rules_pb2.Condition, facts: Mapping[str, object], now: datetime) -> bool:
    """Whether one condition holds for ``facts``."""
    op = condition.operator
    fact = facts.get(condition.field)
    values = list(condition.values)
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return fact not in (None, "", set(), frozenset())
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return fact in (None, "", set(), frozenset())
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
        return _within_days(op, fact, int(values[0]), now)
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


def _within_days(op: int, fact: object, count: int, now: datetime) -> bool:
    moment = fact if isinstance(fact, datetime) else None
    day = fact.date() if isinstance(fact, datetime) else fact
    if not isinstance(day, date):
        return False
    days = timedelta(days=count)
    today = now.date()
    if op == Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS:
        return (now - days <= moment <= now) if moment else today - days <= day <= today
    if op == Op.CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS:
        return (moment < now - days) if moment else day < today - days
    return (now <= moment <= now + days) if moment else today <= day <= today + days


def _equal(fact: object, text: str) -> bool:
    pair = _comparable(fact, text)
    return pair is not None and pair[0] == pair[1]
