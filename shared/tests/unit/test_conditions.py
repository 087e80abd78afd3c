"""The shared rule conditions: a schema decides what a rule may read, the evaluator what matches."""

from datetime import UTC, date, datetime
from decimal import Decimal

from crm.common.v1 import rules_pb2
from crm_shared.conditions import (
    NUMBER,
    SET,
    TEXT,
    TIME,
    ConditionSchema,
    condition_violations,
    describe,
    matches,
    matches_everything,
)

Op = rules_pb2.ConditionOperator
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SCHEMA = ConditionSchema(
    fields={"grade": TEXT, "budget": NUMBER, "birth_date": TIME, "products": SET},
    prefixes={"intake_params.": TEXT},
)


def group(*conditions, match=rules_pb2.MATCH_MODE_ALL, groups=()):
    return rules_pb2.ConditionGroup(
        match=match, groups=list(groups),
        conditions=[rules_pb2.Condition(field=f, operator=o, values=list(v))
                    for f, o, v in conditions])


def fields_of(problems):
    return {(p.field, p.description) for p in problems}


def test_a_prefixed_field_is_readable_but_the_bare_prefix_is_not():
    ok = group(("intake_params.utm_source", Op.CONDITION_OPERATOR_EQUALS, ["baidu"]))
    bare = group(("intake_params.", Op.CONDITION_OPERATOR_EQUALS, ["x"]))
    assert condition_violations(ok, SCHEMA, "rule.condition") == []
    assert fields_of(condition_violations(bare, SCHEMA, "rule.condition")) == {
        ("rule.condition.conditions[0].field", "is not a field this rule can read")}


def test_operands_are_checked_against_the_field_kind():
    bad = group(("budget", Op.CONDITION_OPERATOR_GREATER_THAN, ["lots"]),
                ("grade", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, ["3"]),
                ("birth_date", Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS, ["three"]),
                ("products", Op.CONDITION_OPERATOR_CONTAINS_ANY, []),
                ("grade", Op.CONDITION_OPERATOR_UNSPECIFIED, ["A"]))
    assert fields_of(condition_violations(bad, SCHEMA, "c")) == {
        ("c.conditions[0].values", "must be a number"),
        ("c.conditions[1].operator", "applies to dates and times only"),
        ("c.conditions[2].values", "must be one whole number of days"),
        ("c.conditions[3].values", "must list at least one value"),
        ("c.conditions[4].operator", "is required"),
    }
    assert fields_of(condition_violations(rules_pb2.ConditionGroup(), SCHEMA, "c")) == {
        ("c", "must hold at least one condition")}


def test_nested_any_and_all_combine_as_written():
    rule = group(("grade", Op.CONDITION_OPERATOR_EQUALS, ["LEAD_GRADE_A"]),
                 groups=[group(("budget", Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL, ["100000"]),
                               ("products", Op.CONDITION_OPERATOR_CONTAINS_ANY, ["erp", "crm"]),
                               match=rules_pb2.MATCH_MODE_ANY)])
    assert matches(rule, {"grade": "LEAD_GRADE_A", "budget": Decimal(5), "products": {"crm"}}, NOW)
    assert matches(rule, {"grade": "LEAD_GRADE_A", "budget": 100000, "products": set()}, NOW)
    assert not matches(rule, {"grade": "LEAD_GRADE_A", "budget": 99999, "products": {"hr"}}, NOW)
    assert not matches(rule, {"grade": "LEAD_GRADE_B", "budget": 10**9, "products": {"crm"}}, NOW)


def test_unknown_facts_match_only_not_exists():
    assert not matches(group(("budget", Op.CONDITION_OPERATOR_LESS_THAN, ["10"])), {}, NOW)
    assert not matches(group(("budget", Op.CONDITION_OPERATOR_NOT_EQUALS, ["10"])), {}, NOW)
    assert matches(group(("budget", Op.CONDITION_OPERATOR_NOT_EXISTS, [])), {"budget": None}, NOW)


def test_day_windows_on_dates():
    soon = group(("birth_date", Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS, ["3"]))
    assert matches(soon, {"birth_date": date(2026, 3, 13)}, NOW)
    assert not matches(soon, {"birth_date": date(2026, 3, 14)}, NOW)
    assert not matches(soon, {"birth_date": date(2026, 3, 9)}, NOW)


def test_describe_reads_like_the_rule():
    rule = group(("grade", Op.CONDITION_OPERATOR_EQUALS, ["LEAD_GRADE_A"]),
                 ("products", Op.CONDITION_OPERATOR_CONTAINS_ANY, ["erp", "crm"]))
    assert describe(rule) == "grade = LEAD_GRADE_A and products contains any erp, crm"


def test_a_group_without_a_condition_matches_everything_however_it_is_nested():
    assert matches_everything(group())
    assert matches_everything(group(groups=[group(), group(groups=[group()])]))
    assert matches_everything(group(match=rules_pb2.MATCH_MODE_ANY,
                                    groups=[group(("grade", Op.CONDITION_OPERATOR_EXISTS, [])),
                                            group()]))
    assert not matches_everything(group(("grade", Op.CONDITION_OPERATOR_EXISTS, [])))
    assert not matches_everything(group(groups=[group(), group(
        ("grade", Op.CONDITION_OPERATOR_EXISTS, []))]))
