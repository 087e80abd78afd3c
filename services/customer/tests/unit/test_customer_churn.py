"""The churn rule: interactions fall and complaints rise, against the policy's thresholds."""

from __future__ import annotations

from dataclasses import replace

from customer_service.churn import COMPLAINT_RISE, INTERACTION_DROP, WindowCounts, assess
from customer_service.classification import DEFAULT_POLICY


def counts(recent=0, previous=0, recent_complaints=0, previous_complaints=0) -> WindowCounts:
    return WindowCounts(recent, previous, recent_complaints, previous_complaints)


def test_falling_interactions_and_rising_complaints_flag_the_customer_with_the_reason():
    result = assess(counts(recent=4, previous=10, recent_complaints=3), DEFAULT_POLICY)
    assert result.at_risk
    assert result.signals == (INTERACTION_DROP, COMPLAINT_RISE)
    assert result.score == 1.0
    assert (
        result.reason == "interactions -60% in 90 days (4 vs 10 before); 3 complaints vs 0 before"
    )


def test_one_signal_alone_is_not_a_risk_but_raises_the_score():
    drop_only = assess(counts(recent=1, previous=10), DEFAULT_POLICY)
    complaints_only = assess(counts(recent=10, previous=10, recent_complaints=2), DEFAULT_POLICY)
    assert (drop_only.at_risk, drop_only.signals, drop_only.score) == (
        False,
        (INTERACTION_DROP,),
        0.5,
    )
    assert (complaints_only.at_risk, complaints_only.signals) == (False, (COMPLAINT_RISE,))


def test_thresholds_are_inclusive():
    assert assess(counts(recent=5, previous=10, recent_complaints=2), DEFAULT_POLICY).at_risk
    assert not assess(counts(recent=6, previous=10, recent_complaints=2), DEFAULT_POLICY).at_risk
    assert not assess(
        counts(recent=5, previous=10, recent_complaints=3, previous_complaints=2), DEFAULT_POLICY
    ).at_risk


def test_no_previous_interactions_is_no_drop():
    result = assess(counts(recent=0, previous=0, recent_complaints=5), DEFAULT_POLICY)
    assert result.signals == (COMPLAINT_RISE,)
    assert not result.at_risk


def test_a_quiet_customer_has_no_reason():
    result = assess(counts(recent=3, previous=3), DEFAULT_POLICY)
    assert (result.at_risk, result.signals, result.score, result.reason) == (False, (), 0.0, "")


def test_the_thresholds_come_from_the_policy():
    lenient = replace(DEFAULT_POLICY, churn_interaction_drop_ratio=0.9, churn_complaint_increase=1)
    assert not assess(counts(recent=4, previous=10, recent_complaints=3), lenient).at_risk
    assert assess(counts(recent=1, previous=10, recent_complaints=1), lenient).at_risk
