"""Segment rules (``crm.common.v1.ConditionGroup``) over the read model: the fields a rule can
read, their validation, the facts of one profile for the Python matcher
(:func:`crm_shared.conditions.matches`, the incremental path), and the same rule compiled to one
SQL ``WHERE`` clause over ``customer_profiles`` (evaluation, preview, counts).

Both paths must agree on every profile; ``tests/unit/test_marketing_segment_rules.py`` checks
that on generated profiles and rules. Pure: no I/O, the clock is given (``now``).

Operators per kind of field (others are refused field by field, so a rule never silently
matches nothing; the per-field sets are declared in ``crm_shared.segment_operators``, where the
console's rule builder reads them too):

* enum text (``customer_type``, ``source``, ``value_class``, ``lifecycle_stage``): ``EQUALS``,
  ``NOT_EQUALS``, ``IN``, ``NOT_IN``, ``EXISTS``, ``NOT_EXISTS``; values are full enum names
  (``VALUE_CLASS_A``).
* free text (``industry``, ``owner_id``, ``department_path``): the same plus ``CONTAINS``
  (case-insensitive; SQL folds ASCII letters only).
* ``tags`` (tag ids): ``CONTAINS``, ``CONTAINS_ALL``, ``CONTAINS_ANY``, ``CONTAINS_NONE``,
  ``EXISTS`` (has a tag), ``NOT_EXISTS``.
* numbers: comparisons, ``EQUALS``/``NOT_EQUALS``/``IN``/``NOT_IN``, ``BETWEEN``, ``EXISTS``.
* ``at_risk``, ``marketing_consent`` and the consent on each channel marketing sends on
  (``email_marketing_consent``, ``sms_marketing_consent``: ``crm_shared.marketing_channels``;
  the channel's own consent where one was given or withdrawn on it, else
  ``marketing_consent``, as a send decides): ``EQUALS``/``NOT_EQUALS`` ``true`` or ``false``.
* dates and times: comparisons, ``BETWEEN``, ``EQUALS``..., and the day windows
  ``WITHIN_LAST_DAYS``, ``NOT_WITHIN_LAST_DAYS``, ``WITHIN_NEXT_DAYS``; for ``birth_date``,
  ``WITHIN_NEXT_DAYS`` means the next birthday (a 29 February birthday is the 28th in common
  years). Days are calendar days of ``now`` (UTC).

An unknown fact (no value class yet, RFM score 0) matches nothing but ``NOT_EXISTS``.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared import conditions
from crm_shared.conditions import BOOL, NUMBER, SET, TEXT, TIME, ConditionSchema, FieldKind
from crm_shared.errors import FieldViolation
from crm_shared.marketing_channels import CHANNEL_CONSENT_FIELDS
from crm_shared.segment_operators import SEGMENT_RULE_OPERATORS
from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    and_,
    cast,
    false,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB

from marketing_service.models import CustomerProfile, ProfileInteraction

Op = rules_pb2.ConditionOperator

CAMPAIGN_RESPONSE = "campaign_response"
SURVEY_ANSWER = "survey_answer"
RESPONSE_WINDOW = timedelta(days=90)
SATISFACTION_WINDOW = timedelta(days=365)
MAX_NUMBER = 10**15  # above any score, count or amount in minor units; keeps SQL integers small


class EnumWords:
    """One proto enum as the read model stores it: ``VALUE_CLASS_A`` ⇄ ``A``."""

    def __init__(self, enum, prefix: str, *, stored: Mapping[str, str] | None = None) -> None:
        self.full_to_stored = {
            value.name: (stored or {}).get(value.name, value.name.removeprefix(prefix).lower())
            for value in enum.DESCRIPTOR.values if value.number != 0
        }
        self.stored_to_full = {word: name for name, word in self.full_to_stored.items()}
        self.stored_to_number = {self.full_to_stored[value.name]: value.number
                                 for value in enum.DESCRIPTOR.values if value.number != 0}
        self.number_to_stored = {number: word for word, number in self.stored_to_number.items()}


CUSTOMER_TYPES = EnumWords(customer_pb2.CustomerType, "CUSTOMER_TYPE_")
SOURCES = EnumWords(types_pb2.SourceChannel, "SOURCE_CHANNEL_")
VALUE_CLASSES = EnumWords(types_pb2.ValueClass, "VALUE_CLASS_",
                          stored={"VALUE_CLASS_A": "A", "VALUE_CLASS_B": "B", "VALUE_CLASS_C": "C"})
STAGES = EnumWords(types_pb2.LifecycleStage, "LIFECYCLE_STAGE_")

ORDER_OPS = conditions.ORDER_OPS
# Which operators each field takes is declared once, in crm_shared (the console offers the same).
OPERATORS = SEGMENT_RULE_OPERATORS


@dataclass(frozen=True)
class RuleField:
    """One field a segment rule can read: its kind, the operators it takes and where the read
    model keeps it."""

    name: str
    kind: FieldKind
    operators: frozenset[int]
    column: str = ""
    """Attribute of :class:`CustomerProfile`; empty for the behaviour fields (subqueries)."""
    enum: EnumWords | None = None
    fallback: str = ""
    """Column read where :attr:`column` is NULL (a channel's consent: the every-channel one)."""
    unknown_zero: bool = False
    """0 in the column means unknown (RFM scores)."""
    date_only: bool = False
    description: str = ""


FIELDS: dict[str, RuleField] = {field.name: field for field in (
    RuleField("customer_type", TEXT, OPERATORS["customer_type"], "customer_type", CUSTOMER_TYPES,
              description="CUSTOMER_TYPE_ENTERPRISE or CUSTOMER_TYPE_INDIVIDUAL"),
    RuleField("industry", TEXT, OPERATORS["industry"], "industry",
              description="industry of an enterprise, as the customer record gives it"),
    RuleField("source", TEXT, OPERATORS["source"], "source", SOURCES,
              description="source channel, e.g. SOURCE_CHANNEL_EXHIBITION"),
    RuleField("tags", SET, OPERATORS["tags"], "tag_ids", description="ids of the customer's tags"),
    RuleField("value_class", TEXT, OPERATORS["value_class"], "value_class", VALUE_CLASSES,
              description="VALUE_CLASS_A, _B or _C"),
    RuleField("lifecycle_stage", TEXT, OPERATORS["lifecycle_stage"], "lifecycle_stage", STAGES,
              description="LIFECYCLE_STAGE_POTENTIAL, _INTENT, _CUSTOMER or _LOST"),
    RuleField("rfm_recency_score", NUMBER, OPERATORS["rfm_recency_score"], "rfm_recency_score", unknown_zero=True,
              description="RFM recency 1..5"),
    RuleField("rfm_frequency_score", NUMBER, OPERATORS["rfm_frequency_score"], "rfm_frequency_score",
              unknown_zero=True, description="RFM frequency 1..5"),
    RuleField("rfm_monetary_score", NUMBER, OPERATORS["rfm_monetary_score"], "rfm_monetary_score",
              unknown_zero=True, description="RFM monetary 1..5"),
    RuleField("at_risk", BOOL, OPERATORS["at_risk"], "at_risk", description="churn-risk flag"),
    RuleField("marketing_consent", BOOL, OPERATORS["marketing_consent"], "marketing_consent",
              description="consent to marketing messages"),
    *(RuleField(name, BOOL, OPERATORS[name], name, fallback="marketing_consent",
                description=f"consent to marketing by {channel}")
      for channel, name in CHANNEL_CONSENT_FIELDS.items()),
    RuleField("birth_date", TIME, OPERATORS["birth_date"], "birth_date", date_only=True,
              description="birth date; WITHIN_NEXT_DAYS means the next birthday"),
    RuleField("contract_end_date", TIME, OPERATORS["contract_end_date"], "contract_end_date", date_only=True,
              description="latest end date of the customer's contracts in force"),
    RuleField("last_purchase_date", TIME, OPERATORS["last_purchase_date"], "last_purchase_date", date_only=True,
              description="day of the latest purchase"),
    RuleField("purchase_count_12m", NUMBER, OPERATORS["purchase_count_12m"], "purchase_count_12m",
              description="purchases in the 12 months up to the latest one"),
    RuleField("spend_12m", NUMBER, OPERATORS["spend_12m"], "spend_12m_minor",
              description="spend in the last 12 months, minor units (fen)"),
    RuleField("last_interaction_time", TIME, OPERATORS["last_interaction_time"], "last_interaction_time",
              description="latest interaction on the customer's timeline"),
    RuleField("satisfaction_average", NUMBER, OPERATORS["satisfaction_average"],
              description="average overall survey score of the last 365 days, 1..5"),
    RuleField("owner_id", TEXT, OPERATORS["owner_id"], "owner_id", description="owner's user id"),
    RuleField("department_path", TEXT, OPERATORS["department_path"], "department_path",
              description="owner's department, e.g. /hq/sales/east"),
    RuleField("campaign_responses_90d", NUMBER, OPERATORS["campaign_responses_90d"],
              description="campaign responses in the last 90 days"),
)}
SCHEMA = ConditionSchema(fields={name: field.kind for name, field in FIELDS.items()})
BEHAVIOUR_FIELDS = frozenset({"satisfaction_average", "campaign_responses_90d"})
NEXT_BIRTHDAY = "birth_date.next_birthday"  # the internal fact of "birth_date within next N days"


def consent_on(profile, channel: str) -> bool:
    """Whether the customer of ``profile`` (a row or a mapping) consents to marketing on
    ``channel``: the channel's own consent if it has one, else the every-channel one. The
    rule a send decides by, which the ``<channel>_marketing_consent`` fields read."""
    get = profile.get if isinstance(profile, Mapping) else lambda name: getattr(profile, name)
    column = CHANNEL_CONSENT_FIELDS.get(channel)
    own = get(column) if column else None
    return bool(get("marketing_consent") if own is None else own)


# --- validation ----------------------------------------------------------------------------


def rule_violations(group: rules_pb2.ConditionGroup, prefix: str) -> list[FieldViolation]:
    """Everything wrong with a segment rule, field by field: the shared checks (known fields,
    operand counts) and this rule type's own (operators per field, value formats)."""
    problems = conditions.condition_violations(group, SCHEMA, prefix)
    if problems:
        return problems
    return _value_violations(group, prefix)


def _value_violations(group: rules_pb2.ConditionGroup, prefix: str) -> list[FieldViolation]:
    problems: list[FieldViolation] = []
    for index, condition in enumerate(group.conditions):
        where = f"{prefix}.conditions[{index}]"
        field = FIELDS[condition.field]
        if condition.operator not in field.operators:
            problems.append(FieldViolation(f"{where}.operator",
                                           f"does not apply to {field.name}"))
            continue
        if condition.operator in conditions.DAY_OPS or condition.operator in (
                Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS):
            continue  # the shared checks covered their values
        for position, value in enumerate(condition.values):
            problem = _value_problem(field, value)
            if problem:
                problems.append(FieldViolation(f"{where}.values[{position}]", problem))
    for index, child in enumerate(group.groups):
        problems += _value_violations(child, f"{prefix}.groups[{index}]")
    return problems


def _value_problem(field: RuleField, value: str) -> str | None:
    if not value:
        return "must not be empty"
    if field.enum is not None:
        if value not in field.enum.full_to_stored:
            return "must be one of " + ", ".join(field.enum.full_to_stored)
        return None
    if field.kind is BOOL:
        return None if value in ("true", "false") else "must be true or false"
    if field.kind is NUMBER:
        number = conditions.number(value)
        if number is None:
            return "must be a number"
        if abs(number) > MAX_NUMBER:
            return f"must lie between -{MAX_NUMBER} and {MAX_NUMBER}"
        if field.name == "satisfaction_average" and number != number.quantize(Decimal("0.01")):
            return "must have at most two decimals"
        return None
    if field.kind is TIME and _parse_time(value, date_only=field.date_only) is None:
        return "must be a date YYYY-MM-DD" if field.date_only else (
            "must be a date YYYY-MM-DD or an RFC 3339 time")
    return None


def _parse_time(text: str, *, date_only: bool) -> date | datetime | None:
    try:
        if date_only or len(text) == 10:
            return date.fromisoformat(text) if len(text) == 10 else None
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def is_time_relative(group: rules_pb2.ConditionGroup) -> bool:
    """Whether the rule's result can change with the date alone (the daily re-evaluation)."""
    return any(c.operator in conditions.DAY_OPS or c.field in BEHAVIOUR_FIELDS
               for c in group.conditions) or any(is_time_relative(g) for g in group.groups)


def fields_read(group: rules_pb2.ConditionGroup) -> set[str]:
    return {c.field for c in group.conditions}.union(*(fields_read(g) for g in group.groups))


# --- facts and the Python matcher -------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """What a customer's dated interactions add to its facts, at one moment."""

    campaign_responses_90d: int = 0
    satisfaction_sum_hundredths: int = 0
    satisfaction_count: int = 0


def behaviour_of(interactions: Iterable[tuple[str, datetime, int | None]], now: datetime
                 ) -> Behaviour:
    """``interactions``: (kind, occur time, score ×100) of one customer."""
    responses = total = count = 0
    for kind, when, score in interactions:
        if kind == CAMPAIGN_RESPONSE and when >= now - RESPONSE_WINDOW:
            responses += 1
        elif kind == SURVEY_ANSWER and score is not None and when >= now - SATISFACTION_WINDOW:
            total += score
            count += 1
    return Behaviour(responses, total, count)


def _text(value: str | None) -> str | None:
    return value or None


def profile_facts(profile: CustomerProfile, behaviour: Behaviour, now: datetime
                  ) -> dict[str, object]:
    """The facts :func:`matches` reads, from a profile row (enums by their full names)."""

    def enum(words: EnumWords, stored: str | None) -> str | None:
        return words.stored_to_full.get(stored or "")

    def score(value: int | None) -> int | None:
        return value or None

    birth = profile.birth_date
    return {
        "customer_type": enum(CUSTOMER_TYPES, profile.customer_type),
        "industry": _text(profile.industry),
        "source": enum(SOURCES, profile.source),
        "tags": set(profile.tag_ids or ()),
        "value_class": enum(VALUE_CLASSES, profile.value_class),
        "lifecycle_stage": enum(STAGES, profile.lifecycle_stage),
        "rfm_recency_score": score(profile.rfm_recency_score),
        "rfm_frequency_score": score(profile.rfm_frequency_score),
        "rfm_monetary_score": score(profile.rfm_monetary_score),
        "at_risk": bool(profile.at_risk),
        "marketing_consent": bool(profile.marketing_consent),
        **{name: consent_on(profile, channel) for channel, name in CHANNEL_CONSENT_FIELDS.items()},
        "birth_date": birth,
        NEXT_BIRTHDAY: next_birthday(birth, now.date()) if birth else None,
        "contract_end_date": profile.contract_end_date,
        "last_purchase_date": profile.last_purchase_date,
        "purchase_count_12m": profile.purchase_count_12m,
        "spend_12m": profile.spend_12m_minor,
        "last_interaction_time": profile.last_interaction_time,
        "satisfaction_average": (
            Decimal(behaviour.satisfaction_sum_hundredths) / (100 * behaviour.satisfaction_count)
            if behaviour.satisfaction_count else None),
        "owner_id": _text(profile.owner_id),
        "department_path": _text(profile.department_path),
        "campaign_responses_90d": behaviour.campaign_responses_90d,
    }


def birthday_in(year: int, born: date) -> date:
    """The birthday of ``born`` in ``year`` (29 February is the 28th in common years)."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, born.month, born.day)


def next_birthday(born: date, today: date) -> date:
    """The first birthday on or after ``today``."""
    this_year = birthday_in(today.year, born)
    return this_year if this_year >= today else birthday_in(today.year + 1, born)


def _for_matching(group: rules_pb2.ConditionGroup) -> rules_pb2.ConditionGroup:
    """The rule as the shared matcher reads it: "birth_date within the next N days" asks for
    the next birthday, which the facts carry under :data:`NEXT_BIRTHDAY`."""
    copy = rules_pb2.ConditionGroup()
    copy.CopyFrom(group)
    _rename_birthday_windows(copy)
    return copy


def _rename_birthday_windows(group: rules_pb2.ConditionGroup) -> None:
    for condition in group.conditions:
        if (condition.field == "birth_date"
                and condition.operator == Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS):
            condition.field = NEXT_BIRTHDAY
    for child in group.groups:
        _rename_birthday_windows(child)


class CompiledRule:
    """A validated rule ready for the incremental path (cached per segment)."""

    def __init__(self, group: rules_pb2.ConditionGroup) -> None:
        self.group = group
        self._matching = _for_matching(group)

    def matches(self, facts: Mapping[str, object], now: datetime) -> bool:
        return conditions.matches(self._matching, facts, now)


def matches(group: rules_pb2.ConditionGroup, facts: Mapping[str, object], now: datetime) -> bool:
    """Whether one profile's facts satisfy a segment rule."""
    return CompiledRule(group).matches(facts, now)


# --- the same rule as SQL -----------------------------------------------------------------------


def where_clause(group: rules_pb2.ConditionGroup, now: datetime, dialect: str
                 ) -> ColumnElement[bool]:
    """The rule as a ``WHERE`` clause over :class:`CustomerProfile` (``dialect``: ``sqlite``
    or ``postgresql``, for the tag-set tests), true exactly where :func:`matches` is."""
    parts = [_condition_sql(c, now, dialect) for c in group.conditions]
    parts += [where_clause(child, now, dialect) for child in group.groups]
    if group.match == rules_pb2.MATCH_MODE_ANY:
        return or_(*parts) if parts else false()
    return and_(*parts) if parts else true()


def _condition_sql(condition: rules_pb2.Condition, now: datetime, dialect: str
                   ) -> ColumnElement[bool]:
    field = FIELDS[condition.field]
    op, values = condition.operator, list(condition.values)
    if field.kind is SET:
        return _tags_sql(op, values, dialect)
    if field.name == "satisfaction_average":
        return _average_sql(op, values, now)
    if field.name == "campaign_responses_90d":
        return _integer_sql(op, values, _responses_count(now))
    column = getattr(CustomerProfile, field.column)
    if field.fallback:
        column = func.coalesce(column, getattr(CustomerProfile, field.fallback), type_=Boolean)
    if field.kind is TEXT:
        return _text_sql(field, op, values, column)
    if field.kind is BOOL:
        wanted = values[0] == "true"
        return column.is_(wanted) if op == Op.CONDITION_OPERATOR_EQUALS else column.is_not(wanted)
    if field.kind is NUMBER:
        return _integer_sql(op, values, func.nullif(column, 0) if field.unknown_zero else column)
    return _time_sql(field, op, values, column, now)


def _known_text(column) -> ColumnElement[bool]:
    return and_(column.is_not(None), column != "")


def _text_sql(field: RuleField, op: int, values: list[str], column) -> ColumnElement[bool]:
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return _known_text(column)
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return or_(column.is_(None), column == "")
    stored = [field.enum.full_to_stored[v] for v in values] if field.enum else values
    if op == Op.CONDITION_OPERATOR_EQUALS:
        return column == stored[0]
    if op == Op.CONDITION_OPERATOR_IN:
        return column.in_(stored)
    if op == Op.CONDITION_OPERATOR_NOT_EQUALS:
        return and_(_known_text(column), column != stored[0])
    if op == Op.CONDITION_OPERATOR_NOT_IN:
        return and_(_known_text(column), column.not_in(stored))
    # CONTAINS: case-insensitive substring
    escaped = values[0].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _tags_sql(op: int, values: list[str], dialect: str) -> ColumnElement[bool]:
    column = CustomerProfile.tag_ids
    if op in (Op.CONDITION_OPERATOR_EXISTS, Op.CONDITION_OPERATOR_NOT_EXISTS):
        has_tags = func.json_array_length(column) > 0
        return has_tags if op == Op.CONDITION_OPERATOR_EXISTS else not_(has_tags)
    given = list(dict.fromkeys(values))
    if dialect == "postgresql":
        tags = cast(column, JSONB)
        if op in (Op.CONDITION_OPERATOR_CONTAINS, Op.CONDITION_OPERATOR_CONTAINS_ALL):
            return tags.contains(given)
        any_of = tags.has_any(_text_array(given))
        return any_of if op == Op.CONDITION_OPERATOR_CONTAINS_ANY else not_(any_of)

    def has(value_filter) -> ColumnElement[bool]:
        elements = func.json_each(column).table_valued("value")
        return select(1).select_from(elements).where(value_filter(elements.c.value)).exists()

    if op in (Op.CONDITION_OPERATOR_CONTAINS, Op.CONDITION_OPERATOR_CONTAINS_ALL):
        return and_(*(has(lambda element, v=v: element == v) for v in given))
    any_of = has(lambda element: element.in_(given))
    return any_of if op == Op.CONDITION_OPERATOR_CONTAINS_ANY else not_(any_of)


def _text_array(values: list[str]):
    return cast(postgresql.array(values), postgresql.ARRAY(String))


def _integer_bounds(op: int, value: Decimal) -> tuple[int | None, int | None] | None:
    """An order test against a decimal as an inclusive integer range (low, high); None for
    "never"."""
    if op == Op.CONDITION_OPERATOR_GREATER_THAN:
        return math.floor(value) + 1, None
    if op == Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL:
        return math.ceil(value), None
    if op == Op.CONDITION_OPERATOR_LESS_THAN:
        return None, math.ceil(value) - 1
    return None, math.floor(value)  # LESS_THAN_OR_EQUAL


def _in_range(expression, low: int | None, high: int | None) -> ColumnElement[bool]:
    parts = [expression.is_not(None)]
    if low is not None:
        parts.append(expression >= low)
    if high is not None:
        parts.append(expression <= high)
    return and_(*parts)


def _whole(values: Iterable[str]) -> list[int]:
    numbers = [conditions.number(v) for v in values]
    return [int(n) for n in numbers if n is not None and n == n.to_integral_value()]


def _integer_sql(op: int, values: list[str], expression) -> ColumnElement[bool]:
    """A test of an integer-valued expression (NULL: unknown) against decimal operands."""
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return expression.is_not(None)
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return expression.is_(None)
    if op in ORDER_OPS:
        return _in_range(expression, *_integer_bounds(op, conditions.number(values[0])))
    if op == Op.CONDITION_OPERATOR_BETWEEN:
        low, high = conditions.number(values[0]), conditions.number(values[1])
        return _in_range(expression, math.ceil(low), math.floor(high))
    whole = _whole(values)
    if op in (Op.CONDITION_OPERATOR_EQUALS, Op.CONDITION_OPERATOR_IN):
        return expression.in_(whole) if whole else false()
    # NOT_EQUALS, NOT_IN
    return and_(expression.is_not(None), expression.not_in(whole)) if whole else (
        expression.is_not(None))


def _responses_count(now: datetime):
    return (
        select(func.count(ProfileInteraction.id))
        .where(ProfileInteraction.customer_id == CustomerProfile.customer_id,
               ProfileInteraction.kind == CAMPAIGN_RESPONSE,
               ProfileInteraction.occur_time >= now - RESPONSE_WINDOW)
        .scalar_subquery()
    )


def _average_sql(op: int, values: list[str], now: datetime) -> ColumnElement[bool]:
    """``satisfaction_average op v`` as ``sum op 100·v·count`` over integer hundredths: exact
    on both databases, like the Python side's decimal average."""
    scores = (ProfileInteraction.customer_id == CustomerProfile.customer_id,
              ProfileInteraction.kind == SURVEY_ANSWER,
              ProfileInteraction.score_hundredths.is_not(None),
              ProfileInteraction.occur_time >= now - SATISFACTION_WINDOW)
    total = select(func.coalesce(func.sum(ProfileInteraction.score_hundredths), 0)).where(
        *scores).scalar_subquery()
    count = select(func.count(ProfileInteraction.id)).where(*scores).scalar_subquery()
    known = count > 0
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return known
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return not_(known)

    def scaled(text: str) -> int:
        return int(conditions.number(text) * 100)  # validated: at most two decimals

    compare = {
        Op.CONDITION_OPERATOR_GREATER_THAN: lambda v: total > v * count,
        Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: lambda v: total >= v * count,
        Op.CONDITION_OPERATOR_LESS_THAN: lambda v: total < v * count,
        Op.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: lambda v: total <= v * count,
        Op.CONDITION_OPERATOR_EQUALS: lambda v: total == v * count,
        Op.CONDITION_OPERATOR_NOT_EQUALS: lambda v: total != v * count,
    }
    if op in compare:
        return and_(known, compare[op](scaled(values[0])))
    if op == Op.CONDITION_OPERATOR_BETWEEN:
        return and_(known, total >= scaled(values[0]) * count,
                    total <= scaled(values[1]) * count)
    equal_any = or_(*(total == scaled(v) * count for v in values))
    return and_(known, equal_any if op == Op.CONDITION_OPERATOR_IN else not_(equal_any))


def _time_sql(field: RuleField, op: int, values: list[str], column, now: datetime
              ) -> ColumnElement[bool]:
    moment = not field.date_only
    today = now.date()
    if op == Op.CONDITION_OPERATOR_EXISTS:
        return column.is_not(None)
    if op == Op.CONDITION_OPERATOR_NOT_EXISTS:
        return column.is_(None)
    if op in conditions.DAY_OPS:
        days = timedelta(days=int(values[0]))
        if op == Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS:
            return column.between(now - days, now) if moment else column.between(
                today - days, today)
        if op == Op.CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS:
            return column < (now - days if moment else today - days)
        if field.name == "birth_date":
            return _birthday_within(int(values[0]), today)
        return column.between(now, now + days) if moment else column.between(
            today, today + days)
    operands = [_operand(v, moment) for v in values]
    if op == Op.CONDITION_OPERATOR_BETWEEN:
        return column.between(operands[0], operands[1])
    if op == Op.CONDITION_OPERATOR_IN:
        return column.in_(operands)
    if op == Op.CONDITION_OPERATOR_NOT_IN:
        return and_(column.is_not(None), column.not_in(operands))
    value = operands[0]
    return {
        Op.CONDITION_OPERATOR_EQUALS: lambda: column == value,
        Op.CONDITION_OPERATOR_NOT_EQUALS: lambda: and_(column.is_not(None), column != value),
        Op.CONDITION_OPERATOR_GREATER_THAN: lambda: column > value,
        Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: lambda: column >= value,
        Op.CONDITION_OPERATOR_LESS_THAN: lambda: column < value,
        Op.CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: lambda: column <= value,
    }[op]()


def _operand(text: str, moment: bool) -> date | datetime:
    if not moment:
        return date.fromisoformat(text)
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def birthday_days(days: int, today: date) -> set[str] | None:
    """The ``MM-DD`` of every birthday falling within ``days`` days of ``today`` (29 February
    counts on the 28th of common years); None when every birthday does."""
    if days >= 366:
        return None
    keys: set[str] = set()
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        keys.add(day.strftime("%m-%d"))
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            keys.add("02-29")
    return keys if len(keys) < 366 else None


def _birthday_within(days: int, today: date) -> ColumnElement[bool]:
    keys = birthday_days(days, today)
    column = CustomerProfile.birth_month_day
    return column.is_not(None) if keys is None else column.in_(sorted(keys))
