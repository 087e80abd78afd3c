"""RFM, repurchase rate, preferred channel and the value figures of the portrait (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from customer_service import portrait
from customer_service.models import TimelineEntry
from customer_service.timeline import ContractFacts

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def entry(
    kind: str,
    days: float,
    amount: str | None = None,
    currency: str = "CNY",
    subject_id: str = "",
    **attributes,
) -> TimelineEntry:
    return TimelineEntry(
        kind=kind,
        occur_time=days_ago(days),
        amount=Decimal(amount) if amount is not None else None,
        currency_code=currency if amount is not None else None,
        subject_id=subject_id,
        attributes=attributes,
    )


@pytest.mark.parametrize(
    ("days", "score"), [(None, 1), (0, 5), (30, 5), (31, 4), (60, 4), (90, 3), (180, 2), (181, 1)]
)
def test_recency_score(days, score):
    assert portrait.recency_score(days) == score


@pytest.mark.parametrize(
    ("count", "score"), [(0, 1), (1, 1), (2, 2), (3, 3), (6, 4), (11, 4), (12, 5)]
)
def test_frequency_score(count, score):
    assert portrait.frequency_score(count) == score


@pytest.mark.parametrize(
    ("spend", "score"),
    [("0", 1), ("1999.99", 1), ("2000", 2), ("20000", 3), ("100000", 4), ("500000", 5)],
)
def test_monetary_score(spend, score):
    assert portrait.monetary_score(Decimal(spend)) == score


def test_rfm_counts_only_the_last_twelve_months_for_frequency():
    score = portrait.rfm([days_ago(10), days_ago(100), days_ago(400)], Decimal(25000), NOW)
    assert (score.recency_days, score.recency_score) == (10, 5)
    assert (score.frequency, score.frequency_score) == (2, 2)
    assert score.monetary_score == 3


def test_rfm_without_orders():
    score = portrait.rfm([], Decimal(0), NOW)
    assert (score.recency_score, score.frequency_score, score.monetary_score) == (1, 1, 1)
    assert (score.recency_days, score.frequency) == (0, 0)


def test_repurchase_rate_counts_orders_followed_within_ninety_days_once_decidable():
    orders = [days_ago(300), days_ago(250), days_ago(100), days_ago(20)]
    # 300 -> 250 followed; 250 -> next is 100 (150 days later) not; 100 -> 20 followed;
    # 20 days old is not decidable yet.
    assert portrait.repurchase_rate(orders, NOW) == pytest.approx(2 / 3)
    assert portrait.repurchase_rate([days_ago(10)], NOW) == 0.0
    assert portrait.repurchase_rate([], NOW) == 0.0


def test_preferred_channel_is_the_most_used_and_the_latest_on_a_tie():
    assert portrait.preferred_channel(["phone", "web", "phone"]) == "phone"
    assert portrait.preferred_channel(["phone", "web"]) == "web"
    assert portrait.preferred_channel([]) == ""


def test_value_figures_from_contracts_purchases_and_payments():
    signed = {
        "k1": entry("contract_signed", 100, "400000", subject_id="k1"),
        "k2": entry("contract_signed", 200, "300000", subject_id="k2"),  # terminated
        "k3": entry("contract_signed", 500, "900000", subject_id="k3"),  # older than 12 months
        "k4": entry("contract_signed", 50, "100000", currency="USD", subject_id="k4"),
    }
    contracts = ContractFacts(signed=signed, ended={"k2"}, terminated={"k2"})
    entries = [
        *signed.values(),
        entry("purchase", 10, "2000"),
        entry("purchase", 40, "4000"),
        entry("payment_received", 90, "100000"),
        entry("payment_received", 600, "50000"),
    ]

    figures = portrait.value_figures(entries, contracts, NOW)

    assert figures.annual_contract_amount == Decimal(400000)
    assert figures.spend_12m == Decimal(106000)  # purchases + payments of 12 months
    assert figures.lifetime_spend == Decimal(156000)
    # Orders of 12 months in CNY: contracts k1, k2 and two purchases.
    assert figures.purchase_count_12m == 4
    assert figures.average_order_value == Decimal("176500.00")
    assert figures.last_purchase_time == days_ago(10)
    assert (figures.rfm.recency_score, figures.rfm.frequency_score, figures.rfm.monetary_score) == (
        5,
        3,
        4,
    )


def test_a_contract_with_a_future_end_date_is_running():
    facts = ContractFacts(
        signed={"k1": entry("contract_signed", 400, "1", subject_id="k1", end_date="2027-01-01")},
        ended=set(),
        terminated=set(),
    )
    assert portrait.contract_running(facts, NOW)
    ended = ContractFacts(signed=facts.signed, ended={"k1"}, terminated=set())
    assert not portrait.contract_running(ended, NOW)
