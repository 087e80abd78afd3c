"""The A/B split: exact counts by largest remainder, deterministic assignment."""

import itertools
from fractions import Fraction

import pytest
from marketing_service.ab_split import assign, split_counts, weight_problems

WEIGHT_SETS = [
    [100], [50, 50], [34, 33, 33], [33, 33, 34], [10, 90], [1, 99], [25, 25, 25, 25],
    [20, 20, 20, 20, 20], [1, 1, 98], [70, 20, 10], [5, 5, 5, 85], [49, 51], [99, 1],
    [12, 13, 25, 50], [1] * 100,
]


@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_counts_add_up_to_the_audience_and_stay_within_one_of_the_exact_share(weights):
    for size in itertools.chain(range(203), (997, 1000, 4999, 10_001, 123_457)):
        counts = split_counts(weights, size)
        assert sum(counts) == size
        for weight, count in zip(weights, counts, strict=True):
            exact = Fraction(weight * size, 100)
            assert exact - 1 < count < exact + 1


@pytest.mark.parametrize("weights", WEIGHT_SETS)
def test_the_left_over_customers_go_to_the_largest_remainders(weights):
    for size in range(150):
        counts = split_counts(weights, size)
        remainders = [Fraction(weight * size, 100) - (weight * size // 100) for weight in weights]
        rounded_up = [index for index, (count, weight) in enumerate(zip(counts, weights))
                      if count > weight * size // 100]
        kept_down = [index for index in range(len(weights)) if index not in rounded_up]
        # every variant that got one more has a remainder at least as large as any that did not
        for up, down in itertools.product(rounded_up, kept_down):
            assert remainders[up] >= remainders[down]
            if remainders[up] == remainders[down]:
                assert up < down  # ties go to the earlier variant


def test_known_splits():
    assert split_counts([50, 50], 3) == [2, 1]
    assert split_counts([34, 33, 33], 10) == [4, 3, 3]
    assert split_counts([33, 33, 34], 10) == [3, 3, 4]
    assert split_counts([10, 90], 7) == [1, 6]
    assert split_counts([1, 99], 1) == [0, 1]
    assert split_counts([70, 20, 10], 1) == [1, 0, 0]


def test_invalid_weights_are_named():
    assert weight_problems([]) == ["a campaign needs at least one variant"]
    assert weight_problems([50, 40]) == ["weights must add up to 100 (they add up to 90)"]
    assert "every weight must be 1..100 percent" in weight_problems([0, 100])
    assert "every weight must be 1..100 percent" in weight_problems([-10, 110])
    assert weight_problems([60, 40]) == []
    with pytest.raises(ValueError):
        split_counts([60, 60], 10)


def test_assignment_matches_the_counts_and_every_customer_gets_one_variant():
    customers = [f"c-{index:05d}" for index in range(1001)]
    variants = [("A", 34), ("B", 33), ("C", 33)]
    allotted = assign("campaign-1", customers, variants)
    assert set(allotted) == set(customers)
    sizes = {key: sum(1 for value in allotted.values() if value == key) for key in "ABC"}
    assert sizes == dict(zip("ABC", split_counts([34, 33, 33], 1001)))


def test_assignment_does_not_depend_on_the_order_the_audience_is_read_in():
    customers = [f"c-{index}" for index in range(500)]
    variants = [("A", 50), ("B", 50)]
    first = assign("campaign-7", customers, variants)
    assert assign("campaign-7", list(reversed(customers)), variants) == first
    assert assign("campaign-7", customers + customers[:10], variants) == first  # repeats once


def test_assignment_differs_between_campaigns_and_is_not_by_customer_id_order():
    customers = [f"c-{index:04d}" for index in range(400)]
    variants = [("A", 50), ("B", 50)]
    one, other = assign("campaign-1", customers, variants), assign("campaign-2", customers, variants)
    assert one != other
    first_half = customers[:200]
    assert 0 < sum(1 for customer in first_half if one[customer] == "A") < 200
