"""Value class thresholds, the policy's checks and the lifecycle transitions (pure rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from customer_service import classification
from customer_service.classification import (
    CUSTOMER,
    DEAL,
    DEFAULT_POLICY,
    INTENT,
    LOST,
    NEED_CONFIRMED,
    POTENTIAL,
    has_gone_lost,
    stage_after,
    value_class,
)

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1000000", "A"),
        ("500000", "A"),
        ("499999.99", "B"),
        ("100000", "B"),
        ("99999.99", "C"),
        ("0", "C"),
    ],
)
def test_value_class_follows_the_default_thresholds(amount, expected):
    assert value_class(Decimal(amount), DEFAULT_POLICY) == expected


def test_a_customer_who_never_signed_has_no_class_yet():
    assert value_class(Decimal(0), DEFAULT_POLICY, any_contract=False) is None


def test_changed_thresholds_reclassify_the_same_amount():
    stricter = replace(
        DEFAULT_POLICY, value_class_a_min=Decimal(800000), value_class_b_min=Decimal(300000)
    )
    assert [
        value_class(Decimal(amount), stricter) for amount in ("600000", "300000", "299999")
    ] == ["B", "B", "C"]


def test_expected_fields_must_be_record_fields_of_the_type():
    bad = replace(DEFAULT_POLICY, enterprise_expected_fields=("phone", "individual.age", "shoe_size"))
    assert classification.policy_violations(bad) == [
        ("policy.enterprise_expected_fields", "unknown field paths: individual.age, shoe_size")]


def test_a_sound_policy_has_no_violations():
    assert classification.policy_violations(DEFAULT_POLICY) == []


def test_policy_violations_name_every_bad_field():
    bad = replace(
        DEFAULT_POLICY,
        value_class_a_min=Decimal(50000),
        lost_after_inactive_days=0,
        churn_interaction_drop_ratio=1.5,
        churn_complaint_increase=0,
        completeness_target=101,
        individual_expected_fields=(),
    )
    assert [field for field, _ in classification.policy_violations(bad)] == [
        "policy.value_class_a_min",
        "policy.lost_after_inactive_days",
        "policy.churn_interaction_drop_ratio",
        "policy.churn_complaint_increase",
        "policy.completeness_target",
        "policy.individual_expected_fields",
    ]


@pytest.mark.parametrize(
    ("current", "signal", "expected"),
    [
        (POTENTIAL, NEED_CONFIRMED, INTENT),
        (POTENTIAL, DEAL, CUSTOMER),
        (INTENT, NEED_CONFIRMED, INTENT),
        (INTENT, DEAL, CUSTOMER),
        (CUSTOMER, NEED_CONFIRMED, CUSTOMER),  # a new opportunity does not demote a customer
        (CUSTOMER, DEAL, CUSTOMER),
        (LOST, NEED_CONFIRMED, INTENT),  # re-engaged
        (LOST, DEAL, CUSTOMER),  # won back
    ],
)
def test_stage_transitions(current, signal, expected):
    assert stage_after(current, signal) == expected


def _lost(days_since_deal: float, *, stage=CUSTOMER, running=False, policy=DEFAULT_POLICY) -> bool:
    return has_gone_lost(
        stage=stage,
        last_cooperation_time=NOW - timedelta(days=days_since_deal),
        contract_running=running,
        now=NOW,
        policy=policy,
    )


def test_a_customer_goes_lost_after_three_months_without_cooperation():
    assert not _lost(89.9)
    assert _lost(90)
    assert _lost(400)


def test_a_running_contract_is_cooperation():
    assert not _lost(200, running=True)


def test_only_cooperating_customers_go_lost():
    assert not _lost(200, stage=INTENT)
    assert not _lost(200, stage=POTENTIAL)
    assert not _lost(200, stage=LOST)


def test_the_lost_period_is_policy():
    assert _lost(30, policy=replace(DEFAULT_POLICY, lost_after_inactive_days=30))
    assert not _lost(30)


def test_a_contract_runs_until_its_end_date_or_forever_without_one():
    today = date(2026, 6, 30)
    assert classification.contract_running([date(2026, 6, 30)], today)
    assert classification.contract_running([None], today)
    assert not classification.contract_running([date(2026, 6, 29)], today)
    assert not classification.contract_running([], today)
