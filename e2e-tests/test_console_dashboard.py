"""The console's dashboard in a real browser: each panel's chart holds the KPI values (this
period and the previous one) that the gateway's ``GET /api/v1/dashboard`` gives the same
person for the same period and department, picked with the page's period and department
pickers, the days of the period counted in the console's zone (``CONSOLE_TIME_ZONE``, given
to the gateway as ``time_zone``); a department lead is offered only their own subtree; the
page fits a phone. (A panel whose service is down is tested in process, in
``console/tests/test_dashboard.py``.)"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SERVICES = ("customer", "sales", "ticket", "marketing", "notification")
# The console's CONSOLE_TIME_ZONE (its default; the suite sets none): the gateway is asked
# for the same zone, so "today" is the same calendar day on both.
ZONE = "time_zone=Asia/Shanghai"


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _api_panels(http, token: str, query: str) -> dict:
    """service → ("available", {kpi key: (value, previous value)}) or ("unavailable", reason)."""
    body = _ok(http.call("GET", f"/api/v1/dashboard?{query}", token=token))
    panels = {}
    for panel in body["panels"]:
        if panel["status"] == "available":
            panels[panel["service"]] = ("available", {
                k["key"]: (k["value"], k.get("previous_value")) for k in panel["kpis"]})
        else:
            panels[panel["service"]] = ("unavailable", panel["reason"])
    return panels


def _page_panels(page) -> dict:
    """The same, read from the page: the charts' JSON (series in pairs: this period, then the
    previous one) and the panels' status."""
    panels = {}
    for service in SERVICES:
        section = page.locator(f"#panel-{service}")
        if section.get_attribute("data-status") != "available":
            panels[service] = ("unavailable", None)
            continue
        option = json.loads(page.locator(f"#chart-kpi-{service}-option").text_content())
        values = {}
        series = option["series"]
        for current, previous in zip(series[0::2], series[1::2], strict=True):
            for now, before in zip(current["data"], previous["data"], strict=True):
                assert now["key"] == before["key"]
                values[now["key"]] = (now["value"], before["value"])
        panels[service] = ("available", values)
    return panels


def _differences(api: dict, shown: dict) -> list:
    """Where the page and the API disagree: (service, key, the API's, the page's)."""
    found = []
    for service in api.keys() | shown.keys():
        a, b = api.get(service), shown.get(service)
        if a is None or b is None or a[0] != b[0]:
            found.append((service, "status", a and a[0], b and b[0]))
        elif a[0] == "available":
            for key in a[1].keys() | b[1].keys():
                if a[1].get(key) != b[1].get(key):
                    found.append((service, key, a[1].get(key), b[1].get(key)))
    return found


def _same_figures(api: dict, shown: dict) -> bool:
    if api.keys() != shown.keys():
        return False
    for service, (status, figures) in api.items():
        if shown[service][0] != status:
            return False
        if status == "available" and figures != shown[service][1]:
            return False
    return True


def _matches_the_api(http, token: str, query: str, page) -> tuple[dict, dict]:
    """The page's figures and the API's, taken when the API gave the same answer just before
    and just after reading the page (the workers keep counting deliveries in the background);
    the page is loaded again for another try when they moved. "Refresh figures": the page
    keeps each report a minute, the API does not."""
    for _attempt in range(5):
        before = _api_panels(http, token, query)
        # Rendered between the two reads of the API, never before them.
        with page.expect_navigation():
            page.locator("form.dashboard-filters button[name=refresh]").click()
        expect(page.locator("#chart-kpi-customer canvas")).to_have_count(1)
        shown = _page_panels(page)
        after = _api_panels(http, token, query)
        if before == after:
            return before, shown
    raise AssertionError("the API's figures kept moving")


def test_each_panels_chart_holds_the_gateways_kpis_for_the_chosen_period(
        running_suite, console):
    http = running_suite.http
    rep = http.login("rep.zhang")
    name = f"看板客户 {uuid.uuid4().hex[:6]}"
    customer = _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": name, "phone": "139" + str(uuid.uuid4().int)[:8],
        "enterprise": {"legal_name": name, "industry": "retail"}}, token=rep), 201)
    _ok(http.call("POST", "/api/v1/tickets", {
        "type": "complaint", "channel": "phone", "title": "看板投诉", "description": "外壳破损",
        "customer_id": customer["id"]}, token=http.login("agent.wang")), 201)
    admin = http.login("admin")

    page = console.page_as("admin", language="en-US")
    page.goto(f"{console.url}/dashboard/")
    expect(page.locator("#chart-kpi-customer canvas")).to_have_count(1)
    page.select_option("#f-period", "last_90_days")
    page.locator("form.dashboard-filters button[type=submit]:not([name])").click()
    expect(page).to_have_url(re.compile(r"period=last_90_days"))
    expect(page.locator("#chart-kpi-customer canvas")).to_have_count(1)

    api, shown = _matches_the_api(http, admin, f"period=last_90_days&{ZONE}", page)

    assert _same_figures(api, shown), _differences(api, shown)
    assert api["customer"][0] == "available" and api["ticket"][0] == "available"
    assert api["customer"][1]["new_customers"][0] >= 1  # not an empty comparison
    assert api["ticket"][1]["ticket_count"][0] >= 1
    # The numbers next to the chart are formatted by unit.
    row = page.locator("#panel-ticket tr[data-kpi=sla_compliance_rate] td").nth(1)
    expect(row).to_have_text(re.compile(r"^\d{1,3}\.\d%$"))
    # The same days: the period the page names is the one the gateway counted in the zone.
    period = _ok(http.call("GET", f"/api/v1/dashboard?period=last_90_days&{ZONE}",
                           token=admin))["period"]
    shown_days = page.locator(".dashboard-period").text_content()
    for day in (period["start_date"], period["end_date"]):
        assert format_date(date.fromisoformat(day), "medium", locale="en_US") in shown_days


def test_a_department_lead_picks_a_department_of_their_own_and_sees_its_figures(
        running_suite, console):
    http = running_suite.http
    lead = http.login("sales.lead")
    page = console.page_as("sales.lead", language="zh-CN")
    page.goto(f"{console.url}/dashboard/?period=last_30_days")

    offered = page.eval_on_selector_all("#f-department option", "els => els.map(e => e.value)")
    assert offered[0] == ""  # everything the lead can see
    assert {"/hq/sales", "/hq/sales/east", "/hq/sales/north"} <= set(offered)
    assert all(path == "/hq/sales" or path.startswith("/hq/sales/") for path in offered[1:])

    page.select_option("#f-department", "/hq/sales/east")
    page.locator("form.dashboard-filters button[type=submit]:not([name])").click()
    expect(page).to_have_url(re.compile(r"department=(%2F|/)hq(%2F|/)sales(%2F|/)east"))
    expect(page.locator(".dashboard-period")).to_contain_text("/hq/sales/east")
    expect(page.locator("#chart-kpi-sales canvas")).to_have_count(1)

    api, shown = _matches_the_api(
        http, lead, f"period=last_30_days&department=/hq/sales/east&{ZONE}", page)
    assert _same_figures(api, shown), (api, shown)
    assert api["sales"][0] == "available"


def test_the_dashboard_fits_a_phone(console):
    page = console.page_as("sales.lead", language="zh-CN", viewport=PHONE)
    page.goto(f"{console.url}/dashboard/")
    for service in SERVICES:
        expect(page.locator(f"#panel-{service}")).to_be_visible()
    expect(page.locator("#chart-kpi-customer canvas")).to_have_count(1)

    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    for chart in page.locator("[data-chart]").all():
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
