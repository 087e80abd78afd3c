"""The dashboard, in process: the console app (``create_app``) against small gRPC servers that
answer the KPI reports, one service pointed at a closed port. A panel whose service is down
or refuses says so while the others render; the page never fails as a whole. And the pure
parts: KPI values formatted by their unit, the chart option of a panel.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import grpc
import pytest
from crm.common.v1 import reporting_pb2
from crm.customer.v1 import customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2_grpc
from crm.notification.v1 import notification_pb2_grpc
from crm.sales.v1 import sales_pb2_grpc
from crm_console.views import dashboard as view
from crm_shared import kpis
from crm_shared.kpis import period_in_zone
from flask import Flask, g


def kpi(key, value, unit, previous=None, target=None, higher=True):
    message = reporting_pb2.Kpi(key=key, display_name=key.replace("_", " ").capitalize(),
                                value=value, unit=unit, higher_is_better=higher, sample_size=9)
    if previous is not None:
        message.previous_value = previous
    if target is not None:
        message.target = target
    return message


class Customers(customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self):
        self.seen = []

    def GetCustomerKpis(self, request, context):
        self.seen.append((request, dict(context.invocation_metadata()).get("authorization")))
        return reporting_pb2.KpiReport(period=request.period, source_service="customer", kpis=[
            kpi("new_customers", 17, "count", previous=5),
            kpi("churn_rate", 0.031, "ratio", previous=0.04, higher=False),
            kpi("satisfaction_score", 4.6, "score_5", target=4.5),
        ])


class Sales(sales_pb2_grpc.SalesServiceServicer):
    def GetSalesKpis(self, request, context):
        context.abort(grpc.StatusCode.PERMISSION_DENIED, "not for you")


class Marketing(marketing_pb2_grpc.MarketingServiceServicer):
    def GetMarketingKpis(self, request, context):
        return reporting_pb2.KpiReport(kpis=[kpi("campaign_revenue", 1234567, "minor:CNY",
                                                 previous=1000000)])


class Notifications(notification_pb2_grpc.NotificationServiceServicer):
    def GetNotificationKpis(self, request, context):
        return reporting_pb2.KpiReport(kpis=[kpi("mystery_figure", 3, "count")])


@pytest.fixture(scope="module")
def customers():
    return Customers()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, customers):
    # The ticket service is not served: it is down (and so is the gateway's directory).
    # Deadlines of 2 s: with a service-config timeout under 2 s, grpcio 1.85 reports the fake
    # sales service's PERMISSION_DENIED as DEADLINE_EXCEEDED.
    return console_for(serve_grpc(customers, Sales(), Marketing(), Notifications()),
                       timeout=2.0)


ADMIN = {"user_id": "u-admin", "username": "admin", "roles": ["admin"],
         "department_path": "/hq", "data_scope": "all", "display_name": "管理员"}


def panel_html(page: str, service: str) -> str:
    match = re.search(rf'<section class="panel kpi-panel" id="panel-{service}".*?</section>',
                      page, re.DOTALL)
    assert match, f"no {service} panel"
    return match.group(0)


def chart_option(page: str, service: str) -> dict:
    match = re.search(rf'<script type="application/json" id="chart-kpi-{service}-option">'
                      r"(.*?)</script>", page, re.DOTALL)
    assert match, f"no chart for {service}"
    return json.loads(match.group(1))


def series_values(option: dict, series_name: str) -> dict:
    return {item["key"]: item["value"] for series in option["series"]
            if series["name"] == series_name for item in series["data"]}


def test_a_down_or_refusing_service_says_so_in_its_panel_while_the_others_render(
        console, customers):
    token = console.token(ADMIN)
    client = console.client(ADMIN, "en-US", token=token)

    started = time.monotonic()
    response = client.get("/dashboard/?period=last_7_days")
    elapsed = time.monotonic() - started

    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert elapsed < 5  # the down service costs its deadline, not the page
    ticket = panel_html(page, "ticket")
    assert 'data-status="unavailable"' in ticket
    assert ("This service is not available right now." in ticket
            or "This service did not answer in time." in ticket)
    assert "Try again" in ticket
    sales = panel_html(page, "sales")
    assert 'data-status="unavailable"' in sales
    assert "You are not allowed to see these figures." in sales
    assert 'data-status="available"' in panel_html(page, "customer")
    option = chart_option(page, "customer")
    assert series_values(option, "This period") == {
        "new_customers": 17, "churn_rate": 0.031, "satisfaction_score": 4.6}
    assert series_values(option, "Previous period") == {
        "new_customers": 5, "churn_rate": 0.04, "satisfaction_score": None}
    assert chart_option(page, "marketing")["series"][0]["data"][0]["value"] == 1234567
    # The period the user picked, with the user's own token.
    request, authorization = customers.seen[-1]
    start, end = period_in_zone("last_7_days", ZoneInfo("Asia/Shanghai"))
    assert (request.period.start_date, request.period.end_date) == (
        start.isoformat(), end.isoformat())
    assert authorization == f"Bearer {token}"
    # Figures are formatted by their unit.
    customer = panel_html(page, "customer")
    assert "3.1%" in customer and "4.60 / 5" in customer and "−0.9 pp" in customer
    assert "¥12,345.67" in panel_html(page, "marketing")
    # A KPI the console has no label for shows the service's own name, marked as data.
    assert 'translate="no">Mystery figure</td>' in panel_html(page, "notification")


def test_the_period_is_the_readers_calendar_not_utcs(console, customers, monkeypatch):
    """At 01:00 on 1 March in Shanghai (the console's zone) it is still 28 February in UTC:
    "month to date" is March, the services are asked for it and the page says so."""
    monkeypatch.setattr(kpis, "utc_now", lambda: datetime(2026, 2, 28, 17, 0, tzinfo=UTC))
    client = console.client(ADMIN, "en-US")

    page = client.get("/dashboard/?period=month_to_date").get_data(as_text=True)
    request, _authorization = customers.seen[-1]
    assert (request.period.start_date, request.period.end_date) == ("2026-03-01", "2026-03-01")
    period = page.split('class="dashboard-period', 1)[1].split("</p>", 1)[0]
    assert "Mar 1, 2026 – Mar 1, 2026, compared with Feb 28, 2026 – Feb 28, 2026" in period


def test_the_page_is_in_chinese_and_bad_filter_values_are_field_errors(console):
    client = console.client("rep.zhang", "zh-CN")

    page = client.get("/dashboard/?period=year_to_date").get_data(as_text=True)
    ticket = panel_html(page, "ticket")
    assert "该服务" in ticket and "重试" in ticket
    assert 'href="/dashboard/?period=year_to_date"' in ticket  # try again: the same page
    assert 'name="department"' not in page  # a rep sees their own records' figures only

    refused = client.get("/dashboard/?period=forever&department=/hq/sales")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "请选择列表中的统计周期。" in page
    assert "您只能查看本人负责记录的指标。" in page
    assert 'id="panel-customer"' in page  # the default period's panels still show


# -- the pure parts ------------------------------------------------------------------------

@pytest.fixture
def in_language():
    app = Flask(__name__)

    def enter(language: str):
        context = app.test_request_context()
        context.push()
        g.language = language
        g.translations = None
        return context

    contexts = []
    yield lambda language: contexts.append(enter(language))
    for context in contexts:
        context.pop()


@pytest.mark.parametrize("value, unit, text", [
    (0.4251, "ratio", "42.5%"),
    (1234567, "minor:CNY", "¥12,345.67"),
    (12, "count", "12"),
    (12.5, "hours", "12.5 h"),
    (3.25, "days", "3.2 days"),
    (1.981603, "s", "1.98 s"),
    (4.6, "score_5", "4.60 / 5"),
    (88, "score_100", "88.0 / 100"),
    (35, "nps", "+35"),
    (-12, "nps", "-12"),
])
def test_each_unit_is_formatted_as_people_read_it(in_language, value, unit, text):
    in_language("en-US")
    assert view.format_kpi(value, unit) == text


def test_a_change_is_signed_and_a_ratio_changes_in_percentage_points(in_language):
    in_language("en-US")
    assert view.format_change(0.021, "ratio") == "+2.1 pp"
    assert view.format_change(-50000, "minor:CNY") == "−¥500.00"
    assert view.format_change(0, "count") == "±0"


def test_the_chart_puts_each_unit_on_its_own_axis_with_the_raw_values_and_their_text(
        in_language):
    in_language("en-US")
    rows = [view.kpi_row(k) for k in (
        kpi("win_rate", 0.25, "ratio", previous=0.2),
        kpi("won_amount", 500000, "minor:CNY"),
        kpi("lead_conversion_rate", 0.1, "ratio", previous=0.15),
    )]
    option = view.kpi_chart(rows)

    assert len(option["grid"]) == len(option["xAxis"]) == len(option["yAxis"]) == 2
    assert option["yAxis"][0]["data"] == ["Win rate", "Lead conversion rate"]
    assert option["yAxis"][1]["data"] == ["Won amount"]
    current = [s for s in option["series"] if s["name"] == "This period"]
    assert [[(d["key"], d["value"], d["label"]["formatter"]) for d in s["data"]]
            for s in current] == [[("win_rate", 0.25, "25.0%"),
                                   ("lead_conversion_rate", 0.1, "10.0%")],
                                  [("won_amount", 500000, "¥5,000.00")]]
    assert rows[0]["change_kind"] == "ok" and rows[2]["change_kind"] == "bad"
    assert view.chart_height(rows) > view.ROW_HEIGHT * 3
    json.dumps(option)  # plain data, ready for the page


def test_the_previous_period_has_the_same_length_right_before():
    from crm_shared.kpis import previous_range

    start, end = date(2026, 5, 14), date(2026, 5, 20)
    assert previous_range(start, end) == (start - timedelta(days=7), start - timedelta(days=1))
