"""The pure rules of sales targets (:mod:`sales_service.sales_targets`): the ratio of each
metric, and the order and ranks of a leaderboard (the periods: crm_shared.target_periods)."""

from __future__ import annotations

from sales_service.sales_targets import Actuals, Figures, attainment, ranked


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
