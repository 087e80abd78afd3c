"""The opportunity stage machine, the funnel's peak stage and the weighted amount (pure)."""

from datetime import UTC, date, datetime

import pytest
from crm_shared.errors import FailedPrecondition, InvalidArgument
from sales_service.opportunities import (
    CLOSED_STAGES,
    OPEN_STAGES,
    cycle_days,
    peak_after,
    plan_move,
    weighted_minor,
)
from sales_service.policy import DEFAULT_STAGE_PROBABILITIES

TODAY = date(2026, 3, 2)
PROBABILITIES = dict(DEFAULT_STAGE_PROBABILITIES)


def move(current, target, **kwargs):
    return plan_move(current, target, stage_probabilities=PROBABILITIES, today=TODAY, **kwargs)


@pytest.mark.parametrize("current", OPEN_STAGES)
@pytest.mark.parametrize("target", OPEN_STAGES)
def test_an_open_stage_moves_to_any_other_open_stage_with_its_default_probability(current,
                                                                                 target):
    if current == target:
        with pytest.raises(FailedPrecondition):
            move(current, target)
        return
    planned = move(current, target)
    assert (planned.from_stage, planned.to_stage) == (current, target)
    assert planned.probability == PROBABILITIES[target]
    assert planned.close_date is None and planned.lost_reason is None


def test_the_default_probabilities_are_those_of_the_policy_not_fixed_numbers():
    planned = plan_move("potential", "proposal", stage_probabilities={"proposal": 35},
                        today=TODAY)
    assert planned.probability == 35


def test_a_given_probability_overrides_the_stage_default():
    assert move("potential", "intent", probability=45).probability == 45


@pytest.mark.parametrize("probability", [-1, 101])
def test_a_probability_outside_0_to_100_is_invalid(probability):
    with pytest.raises(InvalidArgument) as caught:
        move("potential", "intent", probability=probability)
    assert [v.field for v in caught.value.violations] == ["probability"]


@pytest.mark.parametrize("current", OPEN_STAGES)
def test_winning_closes_today_at_100_percent(current):
    planned = move(current, "won", probability=20)
    assert (planned.probability, planned.close_date, planned.lost_reason) == (100, TODAY, None)


def test_losing_needs_a_reason_and_keeps_it_trimmed():
    with pytest.raises(InvalidArgument) as caught:
        move("negotiation", "lost", lost_reason="   ")
    assert [v.field for v in caught.value.violations] == ["lost_reason"]
    planned = move("negotiation", "lost", lost_reason="  price too high ")
    assert (planned.probability, planned.close_date, planned.lost_reason) == (
        0, TODAY, "price too high")


@pytest.mark.parametrize("closed", CLOSED_STAGES)
@pytest.mark.parametrize("target", [*OPEN_STAGES, *CLOSED_STAGES])
def test_a_closed_deal_never_changes_stage(closed, target):
    with pytest.raises(FailedPrecondition):
        move(closed, target, lost_reason="again")


def test_an_unknown_stage_is_invalid():
    with pytest.raises(InvalidArgument) as caught:
        move("potential", "")
    assert [v.field for v in caught.value.violations] == ["stage"]


@pytest.mark.parametrize(("peak", "target", "expected"), [
    ("potential", "proposal", "proposal"),
    ("negotiation", "intent", "negotiation"),  # falling back keeps the furthest stage reached
    ("proposal", "lost", "proposal"),  # losing is not a step up
    ("intent", "won", "won"),
    ("negotiation", "won", "won"),
])
def test_the_peak_stage_is_the_furthest_reached(peak, target, expected):
    assert peak_after(peak, target) == expected


@pytest.mark.parametrize(("amount", "probability", "expected"), [
    (100_000, 30, 30_000),
    (333, 50, 167),  # 166.5 rounds half up
    (1, 49, 0),
    (0, 70, 0),
    (None, 70, None),
])
def test_the_weighted_amount_is_amount_times_probability_in_whole_minor_units(
        amount, probability, expected):
    assert weighted_minor(amount, probability) == expected


def test_the_cycle_counts_whole_days_and_never_goes_negative():
    start = datetime(2026, 1, 1, 18, tzinfo=UTC)
    assert cycle_days(start, datetime(2026, 1, 31, 9, tzinfo=UTC)) == 29
    assert cycle_days(start, datetime(2025, 12, 31, tzinfo=UTC)) == 0
