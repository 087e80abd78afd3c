"""The sales pages' pure translation: forms into the sales contract's requests, report periods,
and the charts' options built from the API's figures."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm_console.display import today
from crm_console.refusals import Refusal
from crm_console.views import sales_forms as forms
from crm_console.views.leads import _customer_errors
from crm_console.views.sales_reports import forecast_option, forecast_rows, funnel_option
from crm_shared import kpis


def test_amounts_in_yuan_become_minor_units_and_bad_ones_name_their_field():
    errors: dict[str, str] = {}
    assert forms.money_from_text("600,000", "budget", errors).amount_minor == 60_000_000
    assert forms.money_from_text("¥12.345", "budget", errors).amount_minor == 1235  # half up
    assert forms.money_from_text("", "budget", errors) is None
    assert errors == {}
    assert forms.money_from_text("abc", "budget", errors) is None
    assert forms.money_from_text("-5", "price", errors) is None
    assert forms.money_from_text(" ", "amount", errors, required=True) is None
    assert set(errors) == {"budget", "price", "amount"}


def test_report_periods_are_inclusive_date_ranges():
    day = date(2026, 2, 17)
    assert forms.period_range("this_month", day) == types_pb2.DateRange(
        start_date="2026-02-01", end_date="2026-02-28")
    assert forms.period_range("last_month", date(2026, 1, 5)) == types_pb2.DateRange(
        start_date="2025-12-01", end_date="2025-12-31")
    assert forms.period_range("this_quarter", date(2026, 11, 30)) == types_pb2.DateRange(
        start_date="2026-10-01", end_date="2026-12-31")
    assert forms.period_range("last_quarter", date(2026, 2, 1)) == types_pb2.DateRange(
        start_date="2025-10-01", end_date="2025-12-31")
    assert forms.period_range("this_year", day).end_date == "2026-12-31"
    assert forms.period_range("nonsense", day) == forms.period_range("this_month", day)


def test_the_reports_this_month_is_the_readers_month_not_utcs(app_context, monkeypatch):
    """01:00 on 1 March in Shanghai (the console's zone) is still 28 February in UTC."""
    monkeypatch.setattr(kpis, "utc_now", lambda: datetime(2026, 2, 28, 17, 0, tzinfo=UTC))
    assert today() == date(2026, 3, 1)
    assert forms.period_range("this_month", today()) == types_pb2.DateRange(
        start_date="2026-03-01", end_date="2026-03-31")


def test_a_first_follow_up_carries_its_qualification_under_the_api_field_paths():
    now = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    request, errors = forms.activity_request({
        "method": "phone", "topic": " 首次电话 ", "summary": "聊了需求",
        "qualification.need": "设备维护", "qualification.budget": "600000",
        "qualification.decision_maker": "总经理", "next_step_due_date": "2026-12-10",
        "request_id": "8a6e0804-2bd0-4c4e-8f4a-3a5d2a1f0b11"}, lead_id="L1", now=now)
    assert errors == {}
    activity = request.activity
    assert activity.lead_id == "L1" and activity.method == sales_pb2.FOLLOW_UP_METHOD_PHONE
    assert activity.topic == "首次电话"
    assert activity.qualification.budget.amount_minor == 60_000_000
    assert activity.qualification.decision_maker == "总经理"
    assert activity.occur_time.ToDatetime(tzinfo=UTC) == now
    assert request.request_id == "8a6e0804-2bd0-4c4e-8f4a-3a5d2a1f0b11"  # a resubmit is one


def test_a_follow_up_without_qualification_leaves_it_to_the_api_to_ask_for_it():
    request, errors = forms.activity_request({"method": "visit", "topic": "t",
                                              "summary": "s", "request_id": "not-a-uuid"},
                                             lead_id="L1")
    assert errors == {}
    assert not request.activity.HasField("qualification")
    assert len(request.request_id) == 36  # a fresh key instead of a bad one


def test_conversion_names_the_customer_to_create_and_the_opportunity():
    request, errors = forms.convert_request({
        "customer.type": "enterprise", "customer.enterprise.industry": "manufacturing",
        "opportunity.name": "维护合同", "opportunity.amount": "1,000",
        "opportunity.expected_close_date": "2026-12-31"}, "L1")
    assert errors == {}
    assert request.create_opportunity and request.lead_id == "L1"
    assert request.customer.type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE
    assert request.customer.enterprise.industry == "manufacturing"
    assert request.opportunity.amount.amount_minor == 100_000
    linked, _ = forms.convert_request({"existing_customer_id": "C9",
                                       "customer.enterprise.industry": "x"}, "L1")
    assert linked.existing_customer_id == "C9" and not linked.HasField("customer")


def test_the_customer_services_errors_land_next_to_the_conversion_forms_customer_fields():
    refusal = Refusal(status=422, message="bad", field_errors={
        "enterprise.industry": "is required", "opportunity.name": "too long"})
    assert _customer_errors(refusal) == {"customer.enterprise.industry": "is required",
                                         "opportunity.name": "too long"}


def test_a_stage_move_and_a_one_line_quote():
    move = forms.stage_request({"stage": "lost", "lost_reason": " 预算 ", "etag": 'W/"3"'},
                               "O1")
    assert move.stage == sales_pb2.OPPORTUNITY_STAGE_LOST and move.lost_reason == "预算"
    assert move.etag == 'W/"3"'
    quote, errors = forms.quote_request({"title": "报价", "line_items[0].quantity": "2",
                                         "line_items[0].unit_price": "300,000",
                                         "discount_percent": "12.5"}, "O1")
    assert errors == {}
    assert quote.quote.discount_basis_points == 1250
    assert quote.quote.line_items[0].unit_price.amount_minor == 30_000_000
    _, errors = forms.quote_request({"discount_percent": "lots"}, "O1")
    assert set(errors) == {"line_items[0].unit_price", "discount_percent"}


def test_the_funnel_chart_holds_the_api_counts_without_lost():
    funnel = sales_pb2.SalesFunnel(stages=[
        sales_pb2.FunnelStage(stage=number, count=count)
        for number, count in ((1, 9), (2, 5), (3, 3), (4, 2), (5, 1), (6, 4))])
    data = funnel_option(funnel)["series"][0]["data"]
    assert [(item["stage"], item["value"]) for item in data] == [
        ("potential", 9), ("intent", 5), ("proposal", 3), ("negotiation", 2), ("won", 1)]
    assert data[-1]["name"] == "Closed won"


def test_the_forecast_adds_up_each_reps_buckets_and_names_them():
    money = lambda minor: types_pb2.Money(currency_code="CNY", amount_minor=minor)
    forecast = sales_pb2.SalesForecast(rows=[
        sales_pb2.ForecastRow(group_key="u1", display_name="u1", open_count=1,
                              pipeline_amount=money(1000), weighted_amount=money(500),
                              won_amount=money(0)),
        sales_pb2.ForecastRow(group_key="u1", display_name="u1", open_count=2,
                              pipeline_amount=money(2000), weighted_amount=money(1500),
                              won_amount=money(300)),
        sales_pb2.ForecastRow(group_key="u2", display_name="李娜", open_count=1,
                              pipeline_amount=money(9000), weighted_amount=money(4500))])
    rows = forecast_rows(forecast, {"u1": "张伟"})
    assert [(r["name"], r["open_count"], r["weighted"], r["won"]) for r in rows] == [
        ("李娜", 1, 4500, 0), ("张伟", 3, 2000, 300)]
    option = forecast_option(rows)
    assert option["xAxis"]["data"] == ["李娜", "张伟"]
    assert option["series"][0]["data"] == [45.0, 20.0]


def test_a_payment_plan_splits_the_contract_amount_monthly_and_sums_to_it():
    request, errors = forms.payment_plan_request(
        {"count": "3", "first_due_date": "2026-01-31"}, "K1", 100_000, "CNY")
    assert errors == {}
    assert [(i.sequence, i.due_date, i.amount.amount_minor) for i in request.installments] == [
        (1, "2026-01-31", 33_333), (2, "2026-02-28", 33_333), (3, "2026-03-31", 33_334)]
    _, errors = forms.payment_plan_request({"count": "0", "first_due_date": "x"}, "K1", 1, "CNY")
    assert set(errors) == {"count", "first_due_date"}


def test_the_reports_show_each_reps_contact_strategy_per_segment_in_the_readers_language(
        console_for):
    """Issue 19: the follow-up report's strategy rows (done on time / overdue / open per rep and
    segment) as a table; names and segments are user data."""
    from flask import g

    app = console_for({}).app
    rows = [sales_pb2.ContactStrategyRow(
        owner_id="u-rep", display_name="张三", segment_id="s1", segment_name="流失风险客户 At risk",
        task_count=4, done_on_time_count=2, overdue_task_count=1, open_count=1)]
    with app.test_request_context():
        g.language = "zh-CN"
        g.translations = app.extensions["crm.console"].catalogs["zh-CN"]
        html = app.jinja_env.get_template("sales/_strategy_rows.html").render(
            strategy_rows=rows, names={})
        empty = app.jinja_env.get_template("sales/_strategy_rows.html").render(
            strategy_rows=[], names={})
    assert "细分群体联系策略执行情况" in html and "按时完成" in html and "未关闭" in html
    assert '<span translate="no">张三</span>' in html
    assert '<span translate="no">流失风险客户 At risk</span>' in html
    assert re.findall(r'<td [^>]*class="num">([^<]*)</td>', html) == ["4", "2", "1", "1"]
    assert empty.strip() == ""  # no strategy tasks in the period: no table
