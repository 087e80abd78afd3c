"""Segment rules (marketing_service.segment_rules): what a rule may say, field by field, and how
the Python matcher reads profiles (unknown facts, enum names, birthdays). That SQL agrees with
it is tests/integration/test_marketing_segment_sql.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from crm.common.v1 import rules_pb2
from marketing_service import segment_rules
from marketing_service.models import CustomerProfile
from marketing_service.profiles import NEW_PROFILE
from marketing_service.segment_rules import (
    Behaviour,
    Op,
    behaviour_of,
    birthday_days,
    is_time_relative,
    matches,
    next_birthday,
    profile_facts,
    rule_violations,
)

NOW = datetime(2025, 2, 26, 12, 0, tzinfo=UTC)


def _rule(*conditions, match=rules_pb2.MATCH_MODE_ALL, groups=()) -> rules_pb2.ConditionGroup:
    return rules_pb2.ConditionGroup(match=match, groups=list(groups), conditions=[
        rules_pb2.Condition(field=field, operator=op, values=list(values))
        for field, op, *values in conditions])


def _problems(rule) -> dict[str, str]:
    return {v.field: v.description for v in rule_violations(rule, "segment.rule")}


def test_every_field_the_contract_lists_can_be_read():
    documented = {"customer_type", "industry", "source", "tags", "value_class",
                  "lifecycle_stage", "rfm_recency_score", "rfm_frequency_score",
                  "rfm_monetary_score", "at_risk", "marketing_consent",
                  "email_marketing_consent", "sms_marketing_consent", "birth_date",
                  "contract_end_date", "last_purchase_date", "purchase_count_12m", "spend_12m",
                  "last_interaction_time", "satisfaction_average", "owner_id",
                  "department_path", "campaign_responses_90d"}
    assert set(segment_rules.FIELDS) == documented


@pytest.mark.parametrize(("condition", "field", "message"), [
    (("annual_spend", Op.CONDITION_OPERATOR_EQUALS, "1"), "conditions[0].field",
     "is not a field this rule can read"),
    (("value_class", Op.CONDITION_OPERATOR_EQUALS, "A"), "conditions[0].values[0]",
     "must be one of VALUE_CLASS_A, VALUE_CLASS_B, VALUE_CLASS_C"),
    (("value_class", Op.CONDITION_OPERATOR_CONTAINS, "VALUE_CLASS_A"), "conditions[0].operator",
     "does not apply to value_class"),
    (("tags", Op.CONDITION_OPERATOR_EQUALS, "vip"), "conditions[0].operator",
     "does not apply to tags"),
    (("at_risk", Op.CONDITION_OPERATOR_EQUALS, "yes"), "conditions[0].values[0]",
     "must be true or false"),
    (("rfm_recency_score", Op.CONDITION_OPERATOR_IN, "3", "high"), "conditions[0].values[1]",
     "must be a number"),
    (("spend_12m", Op.CONDITION_OPERATOR_GREATER_THAN, "1e30"), "conditions[0].values[0]",
     "must lie between -1000000000000000 and 1000000000000000"),
    (("satisfaction_average", Op.CONDITION_OPERATOR_LESS_THAN, "3.999"),
     "conditions[0].values[0]", "must have at most two decimals"),
    (("birth_date", Op.CONDITION_OPERATOR_GREATER_THAN, "2024/01/01"),
     "conditions[0].values[0]", "must be a date YYYY-MM-DD"),
    (("last_interaction_time", Op.CONDITION_OPERATOR_LESS_THAN, "yesterday"),
     "conditions[0].values[0]", "must be a date YYYY-MM-DD or an RFC 3339 time"),
    (("industry", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "3"), "conditions[0].operator",
     "applies to dates and times only"),
    (("last_purchase_date", Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "-3"),
     "conditions[0].values", "must be one whole number of days"),
    (("industry", Op.CONDITION_OPERATOR_EQUALS, ""), "conditions[0].values[0]",
     "must not be empty"),
    (("owner_id", Op.CONDITION_OPERATOR_UNSPECIFIED, "u"), "conditions[0].operator",
     "is required"),
])
def test_a_bad_condition_is_named_field_by_field(condition, field, message):
    assert _problems(_rule(condition)) == {f"segment.rule.{field}": message}


def test_an_empty_rule_and_problems_in_nested_groups_are_named():
    assert _problems(rules_pb2.ConditionGroup()) == {
        "segment.rule": "must hold at least one condition"}
    nested = _rule(("at_risk", Op.CONDITION_OPERATOR_EQUALS, "true"), groups=[
        _rule(("tags", Op.CONDITION_OPERATOR_CONTAINS_ANY, "a"),
              ("source", Op.CONDITION_OPERATOR_IN, "SOURCE_CHANNEL_FAX"))])
    assert set(_problems(nested)) == {"segment.rule.groups[0].conditions[1].values[0]"}


def test_valid_rules_of_every_kind_pass():
    rule = _rule(
        ("value_class", Op.CONDITION_OPERATOR_IN, "VALUE_CLASS_A", "VALUE_CLASS_B"),
        ("tags", Op.CONDITION_OPERATOR_CONTAINS_ALL, "vip", "q3"),
        ("rfm_monetary_score", Op.CONDITION_OPERATOR_BETWEEN, "3", "5"),
        ("birth_date", Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS, "3"),
        ("last_interaction_time", Op.CONDITION_OPERATOR_GREATER_THAN, "2025-01-01T08:00:00+08:00"),
        ("satisfaction_average", Op.CONDITION_OPERATOR_LESS_THAN, "3.5"),
        ("department_path", Op.CONDITION_OPERATOR_CONTAINS, "/hq/sales"),
        ("marketing_consent", Op.CONDITION_OPERATOR_EQUALS, "true"),
        ("contract_end_date", Op.CONDITION_OPERATOR_EXISTS),
    )
    assert rule_violations(rule, "segment.rule") == []


def _profile(**fields) -> CustomerProfile:
    values = {**NEW_PROFILE, "customer_id": "c-1", **fields}
    return CustomerProfile(**values)


def _facts(behaviour: Behaviour | None = None, **fields) -> dict:
    return profile_facts(_profile(**fields), behaviour or Behaviour(), NOW)


def test_enums_are_matched_by_their_full_names():
    facts = _facts(value_class="A", lifecycle_stage="intent", customer_type="enterprise",
                   source="website_form")
    assert facts["value_class"] == "VALUE_CLASS_A"
    assert facts["source"] == "SOURCE_CHANNEL_WEBSITE_FORM"
    assert matches(_rule(("lifecycle_stage", Op.CONDITION_OPERATOR_EQUALS,
                          "LIFECYCLE_STAGE_INTENT"),
                         ("customer_type", Op.CONDITION_OPERATOR_NOT_EQUALS,
                          "CUSTOMER_TYPE_INDIVIDUAL")), facts, NOW)


@pytest.mark.parametrize(("every_channel", "email", "expected"), [
    (True, None, True),  # no consent of its own on e-mail: the every-channel one
    (False, None, False),
    (True, False, False),  # unsubscribed from e-mail only
    (False, True, True),  # consented to e-mail only
])
def test_a_channels_consent_is_its_own_where_it_has_one(every_channel, email, expected):
    facts = _facts(marketing_consent=every_channel, email_marketing_consent=email)
    emailable = _rule(("email_marketing_consent", Op.CONDITION_OPERATOR_EQUALS, "true"))

    assert matches(emailable, facts, NOW) is expected
    assert facts["sms_marketing_consent"] is every_channel  # SMS has none of its own here


def test_unknown_facts_match_nothing_but_not_exists():
    facts = _facts(rfm_recency_score=0, value_class=None, customer_type="")
    low_recency = _rule(("rfm_recency_score", Op.CONDITION_OPERATOR_LESS_THAN, "3"))
    assert not matches(low_recency, facts, NOW)  # 0 is "not scored yet", not "very old"
    assert not matches(_rule(("value_class", Op.CONDITION_OPERATOR_NOT_EQUALS,
                              "VALUE_CLASS_A")), facts, NOW)
    assert matches(_rule(("value_class", Op.CONDITION_OPERATOR_NOT_EXISTS)), facts, NOW)
    assert matches(_rule(("customer_type", Op.CONDITION_OPERATOR_NOT_EXISTS)), facts, NOW)


def test_the_default_segments_rules_match_their_customers():
    high_value = _rule(("value_class", Op.CONDITION_OPERATOR_EQUALS, "VALUE_CLASS_A"))
    potential = _rule(("value_class", Op.CONDITION_OPERATOR_EQUALS, "VALUE_CLASS_B"),
                      ("lifecycle_stage", Op.CONDITION_OPERATOR_IN, "LIFECYCLE_STAGE_POTENTIAL",
                       "LIFECYCLE_STAGE_INTENT"), match=rules_pb2.MATCH_MODE_ANY)
    at_risk = _rule(("at_risk", Op.CONDITION_OPERATOR_EQUALS, "true"))
    assert matches(high_value, _facts(value_class="A"), NOW)
    assert not matches(high_value, _facts(value_class="B"), NOW)
    assert matches(potential, _facts(value_class="C", lifecycle_stage="intent"), NOW)
    assert not matches(potential, _facts(value_class="A", lifecycle_stage="customer"), NOW)
    assert matches(at_risk, _facts(at_risk=True), NOW)
    assert not matches(at_risk, _facts(at_risk=False), NOW)


@pytest.mark.parametrize(("born", "today", "expected"), [
    (date(1990, 3, 1), date(2025, 2, 26), date(2025, 3, 1)),
    (date(1990, 2, 26), date(2025, 2, 26), date(2025, 2, 26)),
    (date(1990, 1, 5), date(2025, 2, 26), date(2026, 1, 5)),
    (date(1988, 2, 29), date(2025, 2, 26), date(2025, 2, 28)),   # common year: the 28th
    (date(1988, 2, 29), date(2028, 2, 26), date(2028, 2, 29)),   # leap year: the 29th
    (date(1988, 2, 29), date(2025, 3, 1), date(2026, 2, 28)),
])
def test_the_next_birthday(born, today, expected):
    assert next_birthday(born, today) == expected


def test_birthday_windows_know_29_february():
    assert birthday_days(2, date(2025, 2, 27)) == {"02-27", "02-28", "02-29", "03-01"}
    assert birthday_days(1, date(2028, 2, 28)) == {"02-28", "02-29"}
    assert birthday_days(0, date(2028, 2, 28)) == {"02-28"}
    assert birthday_days(366, date(2025, 1, 1)) is None  # every birthday


def test_birth_date_within_next_days_is_the_birthday_not_the_birth():
    soon = _rule(("birth_date", Op.CONDITION_OPERATOR_WITHIN_NEXT_DAYS, "3"))
    assert matches(soon, _facts(birth_date=date(1990, 3, 1)), NOW)
    assert not matches(soon, _facts(birth_date=date(1990, 3, 2)), NOW)
    assert matches(soon, _facts(birth_date=date(1988, 2, 29)), NOW)
    born_recently = _rule(("birth_date", Op.CONDITION_OPERATOR_GREATER_THAN, "2000-01-01"))
    assert not matches(born_recently, _facts(birth_date=date(1990, 3, 1)), NOW)


def test_behaviour_counts_only_inside_its_windows():
    rows = [("campaign_response", datetime(2025, 2, 1, tzinfo=UTC), None),
            ("campaign_response", datetime(2024, 11, 1, tzinfo=UTC), None),  # > 90 days
            ("survey_answer", datetime(2024, 6, 1, tzinfo=UTC), 300),
            ("survey_answer", datetime(2025, 1, 1, tzinfo=UTC), 425),
            ("survey_answer", datetime(2023, 1, 1, tzinfo=UTC), 100)]        # > 365 days
    behaviour = behaviour_of(rows, NOW)
    assert behaviour == Behaviour(campaign_responses_90d=1, satisfaction_sum_hundredths=725,
                                  satisfaction_count=2)
    facts = _facts(behaviour)
    assert facts["satisfaction_average"] == pytest.approx(3.625)
    assert matches(_rule(("satisfaction_average", Op.CONDITION_OPERATOR_LESS_THAN, "4")),
                   facts, NOW)
    assert _facts()["satisfaction_average"] is None


def test_rules_reading_the_clock_are_known():
    assert is_time_relative(_rule(("last_purchase_date",
                                   Op.CONDITION_OPERATOR_WITHIN_LAST_DAYS, "90")))
    assert is_time_relative(_rule(("at_risk", Op.CONDITION_OPERATOR_EQUALS, "true"), groups=[
        _rule(("campaign_responses_90d", Op.CONDITION_OPERATOR_GREATER_THAN, "0"))]))
    assert not is_time_relative(_rule(
        ("last_purchase_date", Op.CONDITION_OPERATOR_GREATER_THAN, "2025-01-01"),
        ("value_class", Op.CONDITION_OPERATOR_EQUALS, "VALUE_CLASS_A")))
