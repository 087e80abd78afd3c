"""Tag-rule conditions: checking a condition group and evaluating it over one customer's facts.

Table tests, no I/O; ``now`` is fixed.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from crm.common.v1 import rules_pb2
from customer_service.tag_conditions import condition_violations, matches

Op = rules_pb2.ConditionOperator
NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
FACTS = {
    "type": "enterprise",
    "industry": "manufacturing",
    "annual_contract_amount": 250_000,  # fen: 2,500 CNY
    "staff_count": 850,
    "at_risk": False,
    "tags": {"t-vip", "t-q3"},
    "first_contact_date": date(2024, 6, 1),
    "last_interaction_time": NOW - timedelta(days=10),
    "needs": "计划采购 CRM",
    "value_class": None,
}


def when(field, op, *values):
    return rules_pb2.Condition(field=field, operator=op, values=list(values))


CASES = [
    # spend >= 2,000 CNY -> high value (the requirement's example)
    (
        "amount-gte",
        when("annual_contract_amount", Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL, "200000"),
        True,
    ),
    (
        "amount-gt-equal",
        when("annual_contract_amount", Op.CONDITION_OPERATOR_GREATER_THAN, "250000"),
        False,
    ),
    ("amount-lt", when("annual_contract_amount", Op.CONDITION_OPERATOR_LESS_THAN, "250001"), True),
    ("between", when("staff_count", Op.CONDITION_OPERATOR_BETWEEN, "500", "1000"), True),
    ("between-outside", when("staff_count", Op.CONDITION_OPERATOR_BETWEEN, "1", "849"), False),
    ("equals-text", when("industry", Op.CONDITION_OPERATOR_EQUALS, "manufacturing"), True),
    ("not-equals", when("type", Op.CONDITION_OPERATOR_NOT_EQUALS, "individual"), True),
    ("in", when("industry", Op.CONDITION_OPERATOR_IN, "retail", "manufacturing"), True),
    ("not-in", when("industry", Op.CONDITION_OPERATOR_NOT_IN, "retail"), True),
    ("bool", when("at_risk", Op.CONDITION_OPERATOR_EQUALS, "false"), True),
    ("contains-text", when("needs", Op.CONDITION_OPERATOR_CONTAINS, "采购"), True),
    ("tags-any", when("tags", Op.CONDITION_OPERATOR_CONTAINS_ANY, "t-x", "t-vip"), True),
    ("tags-all", when("tags", Op.CONDITION_OPERATOR_CONTAINS_ALL, "t-vip", "t-x"), False),
    ("tags-none", when("tags", Op.CONDITION_OPERATOR_CONTAINS_NONE, "t-x"), True),
    ("exists", when("staff_count", Op.CONDITION_OPERATOR_EXISTS), True),
    ("unknown-not-exists", when("value_class", Op.CONDITION_OPERATOR_NOT_EXISTS), True),
    ("unknown-matches-nothing", when("value_class", Op.CONDITION_OPERATOR_NOT_EQUALS, "A"), False),
    (
        "within-last-days-date",
        when("first_contact_date", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "30"),
        True,
    ),
    (
        "within-last-days-time",
        when("last_interaction_time", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "7"),
        False,
    ),
    (
        "not-within-last-days",
        when("last_interaction_time", Op.CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS, "7"),
        True,
    ),
    (
        "date-compare",
        when("first_contact_date", Op.CONDITION_OPERATOR_LESS_THAN, "2024-07-01"),
        True,
    ),
]


@pytest.mark.parametrize(
    "condition,expected", [(c, e) for _, c, e in CASES], ids=[n for n, _, _ in CASES]
)
def test_condition_holds_as_written(condition, expected):
    group = rules_pb2.ConditionGroup(conditions=[condition])
    assert condition_violations(group, "c") == []
    assert matches(group, FACTS, NOW) is expected


def test_groups_combine_all_and_any_and_nest():
    yes = when("industry", Op.CONDITION_OPERATOR_EQUALS, "manufacturing")
    no = when("industry", Op.CONDITION_OPERATOR_EQUALS, "retail")
    all_of = rules_pb2.ConditionGroup(match=rules_pb2.MATCH_MODE_ALL, conditions=[yes, no])
    any_of = rules_pb2.ConditionGroup(match=rules_pb2.MATCH_MODE_ANY, conditions=[yes, no])
    assert not matches(all_of, FACTS, NOW)
    assert matches(any_of, FACTS, NOW)
    nested = rules_pb2.ConditionGroup(conditions=[yes], groups=[any_of])
    assert matches(nested, FACTS, NOW)
    assert not matches(rules_pb2.ConditionGroup(conditions=[yes], groups=[all_of]), FACTS, NOW)


BAD = [
    ("empty", rules_pb2.ConditionGroup(), ["c"]),
    (
        "unknown-field",
        rules_pb2.ConditionGroup(conditions=[when("shoe_size", Op.CONDITION_OPERATOR_EQUALS, "1")]),
        ["c.conditions[0].field"],
    ),
    (
        "no-operator",
        rules_pb2.ConditionGroup(
            conditions=[when("industry", Op.CONDITION_OPERATOR_UNSPECIFIED, "x")]
        ),
        ["c.conditions[0].operator"],
    ),
    (
        "not-a-number",
        rules_pb2.ConditionGroup(
            conditions=[when("staff_count", Op.CONDITION_OPERATOR_GREATER_THAN, "many")]
        ),
        ["c.conditions[0].values"],
    ),
    (
        "between-one-value",
        rules_pb2.ConditionGroup(
            conditions=[when("staff_count", Op.CONDITION_OPERATOR_BETWEEN, "1")]
        ),
        ["c.conditions[0].values"],
    ),
    (
        "days-on-text",
        rules_pb2.ConditionGroup(
            conditions=[when("industry", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "3")]
        ),
        ["c.conditions[0].operator"],
    ),
    (
        "exists-with-value",
        rules_pb2.ConditionGroup(conditions=[when("industry", Op.CONDITION_OPERATOR_EXISTS, "x")]),
        ["c.conditions[0].values"],
    ),
    (
        "nested-bad",
        rules_pb2.ConditionGroup(
            groups=[
                rules_pb2.ConditionGroup(conditions=[when("industry", Op.CONDITION_OPERATOR_IN)])
            ]
        ),
        ["c.groups[0].conditions[0].values"],
    ),
]


@pytest.mark.parametrize("group,fields", [(g, f) for _, g, f in BAD], ids=[n for n, _, _ in BAD])
def test_bad_conditions_name_the_offending_part(group, fields):
    assert [v.field for v in condition_violations(group, "c")] == fields
