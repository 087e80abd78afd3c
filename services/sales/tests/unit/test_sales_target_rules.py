"""The pure rules of sales targets (:mod:`sales_service.sales_targets`): what days a period
word covers, the ratio of each metric, and the order and ranks of a leaderboard."""

from __future__ import annotations

from datetime import date

import pytest
from sales_service.sales_targets import Actuals, Figures, attainment, period_range, ranked


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


def test_each_metric_has_a_ratio_only_where_a_target_is_set():
    metrics = attainment(
        Figures(amount_minor=200, new_customers=0, follow_ups=4),
        Actuals(signed_minor=300, new_customers=2, follow_ups=1),
        "CNY",
    )
    assert [(m.key, m.unit, m.target, m.actual, m.ratio) for m in metrics] == [
        ("signed_amount", "minor:CNY", 200.0, 300.0, 1.5),
        ("new_customers", "count", None, 2.0, None),
        ("follow_ups", "count", 4.0, 1.0, 0.25),
    ]
    assert all(
        m.target is None and m.ratio is None
        for m in attainment(None, Actuals(signed_minor=5), "CNY")
    )


def test_a_leaderboard_ranks_by_amount_ratio_then_amount_and_ties_share_a_rank():
    def rep(target, signed):
        return attainment(Figures(amount_minor=target), Actuals(signed_minor=signed), "CNY")

    rows = {
        "d": rep(0, 900),
        "a": rep(100, 50),
        "b": rep(100, 120),
        "c": rep(200, 100),
        "e": rep(0, 100),
    }
    # b 1.2; a and c 0.5 (c signed more); no target: d before e by amount
    assert ranked(rows.items()) == [(1, "b"), (2, "c"), (3, "a"), (4, "d"), (5, "e")]
    assert ranked({"x": rep(100, 50), "w": rep(100, 50), "y": rep(100, 10)}.items()) == [
        (1, "w"),
        (1, "x"),
        (3, "y"),
    ]
