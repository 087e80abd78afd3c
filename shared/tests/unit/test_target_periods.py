"""``crm_shared.target_periods``: the days a target's period word covers, the words it refuses
(with the forms it takes, the field error both services give), and the periods a report lies in."""

from __future__ import annotations

from datetime import date

import pytest
from crm_shared.target_periods import covering, period_range


@pytest.mark.parametrize(
    ("period", "days"),
    [
        ("2026-12", (date(2026, 12, 1), date(2026, 12, 31))),
        ("2028-02", (date(2028, 2, 1), date(2028, 2, 29))),
        ("2026-Q1", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-Q4", (date(2026, 10, 1), date(2026, 12, 31))),
        ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_a_period_word_is_its_first_and_last_day(period, days):
    assert period_range(period) == days


@pytest.mark.parametrize(
    "period",
    ["", "2026-13", "2026-00", "2026-Q5", "2026-q4", "26-12", "2026-1", "1999", "2026-12-01"],
)
def test_anything_else_is_refused_with_the_forms_it_takes(period):
    with pytest.raises(ValueError, match="a month .* a quarter .* or a year"):
        period_range(period)


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2026, 12, 1), date(2026, 12, 7), ["2026-12", "2026-Q4", "2026"]),
        (date(2026, 11, 8), date(2026, 12, 7), ["2026-Q4", "2026"]),
        (date(2026, 9, 8), date(2026, 12, 7), ["2026"]),
        (date(2025, 12, 8), date(2026, 12, 7), []),
    ],
)
def test_a_report_lies_in_the_periods_that_hold_all_its_days(start, end, words):
    assert covering(start, end) == words
    for word in words:
        first, last = period_range(word)
        assert first <= start and end <= last
