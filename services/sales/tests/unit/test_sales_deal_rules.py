"""Pure rules of the deals part: quote arithmetic and statuses, payment allocation and
installment status, contract renewal and reminder dates, funnel and forecast roll-ups,
report statistics."""

from datetime import date

import pytest
from crm_shared.errors import FailedPrecondition
from sales_service import contracts, payments, pipeline, quotes, sales_reports
from sales_service.dates import MONTH, QUARTER, WEEK, add_months, bucket_start, parse_date

D = date


# --- quotes --------------------------------------------------------------------------------------


def line(quantity, price, discount=0):
    return quotes.Line("P", "item", quantity, price, discount)


def test_a_line_is_quantity_times_price_less_its_discount_rounded_half_up():
    assert quotes.line_total(line("3", 1999)) == 5997
    assert quotes.line_total(line("2.5", 1001)) == 2503  # 2502.5 rounds up
    assert quotes.line_total(line("1", 999, 1000)) == 899  # 899.1
    assert quotes.line_total(line("1", 15, 5000)) == 8  # 7.5 rounds up


def test_the_quote_discount_comes_off_the_sum_of_the_line_totals():
    figures = quotes.totals([line("200", 100_000, 500), line("1", 333)], 1000)
    assert (figures.line_totals, figures.subtotal, figures.discount, figures.total) == (
        (19_000_000, 333), 19_000_333, 1_900_033, 17_100_300)
    assert quotes.totals([], 1500) == quotes.Totals((), 0, 0, 0)


@pytest.mark.parametrize(("quantity", "valid"), [("3", True), ("2.5", True), ("0.0001", True),
                                                 ("0", False), ("-1", False), ("1e3", False),
                                                 ("", False), ("1.23456", False)])
def test_quantities_are_positive_decimals(quantity, valid):
    violations = quotes.line_violations(0, quantity, 100, "CNY", "CNY", 0, "seat", "")
    assert (not violations) is valid


def test_lines_share_the_quote_currency_and_discounts_stay_within_100_percent():
    fields = {v.field for v in quotes.line_violations(2, "1", -5, "USD", "CNY", 10_001, "", "")}
    assert fields == {"quote.line_items[2].unit_price.currency_code",
                      "quote.line_items[2].unit_price.amount_minor",
                      "quote.line_items[2].discount_basis_points",
                      "quote.line_items[2].description"}


def test_a_sent_quote_expires_after_its_last_valid_day():
    assert quotes.status_on("sent", D(2026, 3, 1), D(2026, 3, 1)) == "sent"
    assert quotes.status_on("sent", D(2026, 3, 1), D(2026, 3, 2)) == "expired"
    assert quotes.status_on("accepted", D(2026, 3, 1), D(2026, 4, 1)) == "accepted"
    assert quotes.status_on("sent", None, D(2030, 1, 1)) == "sent"


def test_only_drafts_with_lines_and_validity_are_sent_and_only_valid_sent_quotes_decided():
    quotes.plan_send("draft", D(2026, 3, 1), D(2026, 3, 1), 1)
    for status, valid_until, lines in (("sent", None, 1), ("draft", None, 0),
                                       ("draft", D(2026, 2, 28), 1)):
        with pytest.raises(FailedPrecondition):
            quotes.plan_send(status, valid_until, D(2026, 3, 1), lines)
    quotes.plan_decision("sent", D(2026, 3, 1), D(2026, 3, 1))
    for status, valid_until in (("draft", None), ("sent", D(2026, 2, 28)), ("accepted", None)):
        with pytest.raises(FailedPrecondition):
            quotes.plan_decision(status, valid_until, D(2026, 3, 1))


def test_numbers_are_the_days_running_number():
    assert quotes.number_for(D(2024, 3, 1), 3) == "Q20240301-0003"
    assert quotes.number_for(D(2024, 3, 1), 1, "HT") == "HT20240301-0001"


# --- payments ------------------------------------------------------------------------------------

PLAN = [payments.PlannedInstallment("i1", 1, D(2026, 1, 31), 300),
        payments.PlannedInstallment("i2", 2, D(2026, 2, 28), 300),
        payments.PlannedInstallment("i3", 3, D(2026, 3, 31), 400)]


def pay(amount, installment=None, pid="p"):
    return payments.CountedPayment(pid, amount, installment)


def test_payments_fill_installments_in_due_date_order():
    assert payments.allocate(PLAN, [pay(450)]) == {"i1": 300, "i2": 150, "i3": 0}
    assert payments.allocate(PLAN, [pay(100), pay(250)]) == {"i1": 300, "i2": 50, "i3": 0}


def test_a_payment_naming_an_installment_fills_it_first_and_the_rest_goes_to_the_oldest():
    assert payments.allocate(PLAN, [pay(500, "i3")]) == {"i1": 100, "i2": 0, "i3": 400}
    # an installment already paid takes nothing more
    assert payments.allocate(PLAN, [pay(300), pay(100, "i1")]) == {"i1": 300, "i2": 100, "i3": 0}


def test_money_beyond_the_plan_stays_unallocated_and_an_unknown_installment_is_ignored():
    assert payments.allocate(PLAN, [pay(1500, "nope")]) == {"i1": 300, "i2": 300, "i3": 400}
    assert payments.allocate([], [pay(10)]) == {}


@pytest.mark.parametrize(("received", "today", "status"), [
    (0, D(2026, 1, 31), "pending"),  # due today is not overdue yet
    (0, D(2026, 2, 1), "overdue"),
    (100, D(2026, 1, 1), "partially_paid"),
    (100, D(2026, 2, 1), "overdue"),
    (300, D(2026, 9, 1), "paid"),
])
def test_installment_status(received, today, status):
    assert payments.installment_status(300, received, D(2026, 1, 31), today) == status
    assert payments.days_overdue(D(2026, 1, 31), D(2026, 2, 3)) == 3
    assert payments.days_overdue(D(2026, 1, 31), D(2026, 1, 1)) == 0


def test_a_plan_is_numbered_in_order_positive_in_the_contract_currency_and_sums_to_the_amount():
    good = [(1, D(2026, 1, 1), 600, "CNY"), (2, D(2026, 2, 1), 400, "CNY")]
    assert payments.plan_violations(good, contract_amount=1000, currency="CNY") == []
    short = payments.plan_violations(good, contract_amount=1100, currency="CNY")
    assert [v.field for v in short] == ["installments"]
    bad = [(2, None, 0, "USD"), (2, D(2026, 2, 1), 1000, "CNY"), (3, D(2026, 1, 1), 1, "CNY")]
    assert {v.field for v in payments.plan_violations(bad, contract_amount=1001,
                                                      currency="CNY")} == {
        "installments[0].sequence", "installments[0].due_date",
        "installments[0].amount.currency_code", "installments[0].amount.amount_minor",
        "installments[2].due_date"}


# --- contracts -----------------------------------------------------------------------------------


def test_a_renewal_starts_the_day_after_and_lasts_as_long_unless_told():
    assert contracts.renewal_term(D(2025, 1, 1), D(2025, 12, 31), None) == (
        D(2026, 1, 1), D(2026, 12, 31))
    assert contracts.renewal_term(D(2025, 1, 1), D(2025, 12, 31), D(2026, 6, 30)) == (
        D(2026, 1, 1), D(2026, 6, 30))


def test_the_renewal_reminder_is_due_from_15_days_before_the_end_until_the_end_once():
    end = D(2026, 3, 31)
    assert contracts.reminder_date(end, 15) == D(2026, 3, 16)
    assert not contracts.expiring_due("active", end, D(2026, 3, 15), 15, False)
    assert contracts.expiring_due("active", end, D(2026, 3, 16), 15, False)
    assert contracts.expiring_due("active", end, D(2026, 3, 31), 15, False)
    assert not contracts.expiring_due("active", end, D(2026, 3, 20), 15, True)  # sent before
    assert not contracts.expiring_due("draft", end, D(2026, 3, 20), 15, False)
    assert not contracts.expiring_due("active", end, D(2026, 4, 1), 15, False)


def test_a_contract_expires_the_day_after_its_end():
    assert not contracts.expired_due("active", D(2026, 3, 31), D(2026, 3, 31))
    assert contracts.expired_due("active", D(2026, 3, 31), D(2026, 4, 1))
    assert not contracts.expired_due("terminated", D(2026, 3, 31), D(2026, 4, 1))


def test_the_value_basis_is_contracts_signed_in_the_last_12_months_not_terminated():
    today = D(2026, 3, 1)
    assert contracts.counts_for_value("active", D(2025, 3, 2), today)
    assert not contracts.counts_for_value("active", D(2025, 3, 1), today)
    assert contracts.counts_for_value("expired", D(2026, 1, 1), today)
    assert not contracts.counts_for_value("terminated", D(2026, 1, 1), today)
    assert not contracts.counts_for_value("draft", None, today)


def test_months_are_added_clamped_to_the_month_end():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


# --- funnel and forecast -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "parsed", "message"), [
    ("", None, None),
    ("2026-02-28", date(2026, 2, 28), None),
    ("1900-01-01", date(1900, 1, 1), None),
    ("2999-12-31", date(2999, 12, 31), None),
    ("2026-02-30", None, "must be a date YYYY-MM-DD"),
    ("2026-2-3", None, "must be a date YYYY-MM-DD"),
    ("1899-12-31", None, "must lie between 1900-01-01 and 2999-12-31"),
    ("9999-12-31", None, "must lie between 1900-01-01 and 2999-12-31"),
])
def test_dates_are_calendar_days_far_from_the_ends_of_the_calendar(text, parsed, message):
    # far from the ends: the day after, a renewal or a previous KPI period is a date too
    violations = []
    assert parse_date(text, "end_date", violations) == parsed
    assert [(v.field, v.description) for v in violations] == (
        [("end_date", message)] if message else [])


def test_the_funnel_counts_an_opportunity_in_every_stage_up_to_its_peak():
    groups = [pipeline.PeakGroup("potential", False, 5, 500, 5000),
              pipeline.PeakGroup("proposal", False, 3, 300, 15000),
              pipeline.PeakGroup("proposal", True, 1, 100, 0),
              pipeline.PeakGroup("won", False, 1, 1000, 100_000)]
    stages = {item.stage: item for item in pipeline.funnel_stages(
        groups, {"potential": 2 * 86_400.0})}
    assert {s: item.count for s, item in stages.items()} == {
        "potential": 10, "intent": 5, "proposal": 5, "negotiation": 1, "won": 1, "lost": 1}
    assert stages["potential"].conversion_rate == 0.5
    assert stages["proposal"].conversion_rate == 0.2
    assert stages["negotiation"].conversion_rate == 1.0
    assert stages["won"].conversion_rate == 0.0
    assert (stages["intent"].amount_minor, stages["intent"].weighted_minor) == (1400, 1150)
    assert stages["potential"].average_days_in_stage == 2.0
    assert stages["lost"].amount_minor == 100


def test_an_empty_funnel_has_every_stage_at_zero():
    stages = pipeline.funnel_stages([], {})
    assert [(s.stage, s.count, s.conversion_rate) for s in stages] == [
        (stage, 0, 0.0) for stage in ("potential", "intent", "proposal", "negotiation", "won",
                                      "lost")]


@pytest.mark.parametrize(("path", "root", "group"), [
    ("/hq/sales/east/a", "/hq/sales", "/hq/sales/east"),
    ("/hq/sales", "/hq/sales", "/hq/sales"),
    ("/hq/sales/east", "", "/hq"),
    ("/hq/salesforce", "/hq/sales", "/hq/salesforce"),
])
def test_department_rows_are_the_direct_sub_departments_of_the_scope(path, root, group):
    assert pipeline.department_group(path, root) == group


def test_the_forecast_rolls_days_into_buckets_per_group_and_totals():
    open_days = [pipeline.DayGroup("a", D(2026, 1, 5), 2, 1000, 30_000),
                 pipeline.DayGroup("a", D(2026, 1, 25), 1, 500, 25_000),
                 pipeline.DayGroup("b", D(2026, 2, 1), 1, 100, 1_050)]
    won_days = [pipeline.DayGroup("b", D(2026, 1, 2), 1, 700, 0)]
    rows, totals = pipeline.roll_up(open_days, won_days, granularity=MONTH)
    assert [(r.group_key, r.bucket, r.open_count, r.pipeline_minor, r.weighted_minor,
             r.won_minor) for r in rows] == [
        ("a", D(2026, 1, 1), 3, 1500, 550, 0), ("b", D(2026, 1, 1), 0, 0, 0, 700),
        ("b", D(2026, 2, 1), 1, 100, 11, 0)]  # 10.5 rounds up once, on the sum
    assert [(t.bucket, t.open_count, t.won_minor) for t in totals] == [
        (D(2026, 1, 1), 3, 700), (D(2026, 2, 1), 1, 0)]


@pytest.mark.parametrize(("day", "granularity", "start"), [
    (D(2026, 3, 5), WEEK, D(2026, 3, 2)),  # Thursday -> Monday
    (D(2026, 5, 31), QUARTER, D(2026, 4, 1)),
    (D(2026, 5, 31), MONTH, D(2026, 5, 1)),
    (D(2026, 5, 31), 0, D(2026, 5, 1)),  # unspecified is month
])
def test_bucket_starts(day, granularity, start):
    assert bucket_start(day, granularity) == start


# --- reports -------------------------------------------------------------------------------------


def test_cycle_statistics_average_median_and_nearest_rank_p90():
    stats = sales_reports.cycle_stats([10, 20, 30, 40], [100, 200, 301, 400])
    assert (stats.won_count, stats.average_days, stats.median_days, stats.p90_days,
            stats.average_amount_minor) == (4, 25.0, 25.0, 40, 250)
    assert sales_reports.cycle_stats([5], [1]).p90_days == 5
    assert sales_reports.cycle_stats([], []) == sales_reports.CycleStats(0, 0.0, 0.0, 0.0, 0)


def test_trait_buckets_are_largest_first_with_shares():
    buckets = sales_reports.distribution([("exhibition", 100), ("referral", 50),
                                          ("exhibition", 10), ("", 5)])
    assert [(b.value, b.count, b.share, b.amount_minor) for b in buckets] == [
        ("exhibition", 2, 0.5, 110), ("referral", 1, 0.25, 50), ("unspecified", 1, 0.25, 5)]


@pytest.mark.parametrize(("staff", "band"), [
    (None, "unknown"), (0, "unknown"), (1, "1-9"), (9, "1-9"), (10, "10-49"), (49, "10-49"),
    (50, "50-249"), (249, "50-249"), (250, "250-999"), (999, "250-999"), (1000, "1000+"),
    (120_000, "1000+")])
def test_staff_counts_fall_into_bands_at_their_lower_bounds(staff, band):
    assert sales_reports.staff_size_band(staff) == band
