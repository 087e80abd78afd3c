"""The console's sales pages in a real browser: a rep records a lead's first follow-up (the API's
field errors next to need, budget and decision maker, the typed text kept), converts the lead
and finds the new opportunity on the customer's page; the sales lead's funnel chart holds the
API's counts; moving a kanban card changes the opportunity's stage and lost asks for the
reason; the leads list fits a phone."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from crm_devstack.waiting import wait_until
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
FUNNEL_STAGES = ("potential", "intent", "proposal", "negotiation", "won")


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _rep_id(http, username: str) -> str:
    """The rep's user id, once the sales service has heard of them (identity events)."""
    lead_token = http.login("sales.lead")
    rep_id = _ok(http.call("GET", "/api/v1/me", token=http.login(username)))["id"]
    wait_until(lambda: http.call("GET", f"/api/v1/sales/reps/{rep_id}",
                                 token=lead_token).status == 200,
               timeout=30, message=f"the sales service never learnt of {username}")
    return rep_id


def _lead_body(company: str) -> dict:
    return {"contact_name": "周杰", "company_name": company,
            "phone": "139" + str(uuid.uuid4().int)[:8], "intent_level": "medium",
            "need_clarity": "partial"}


def _customer(http, token: str, name: str) -> str:
    return _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": name, "phone": "139" + str(uuid.uuid4().int)[:8],
        "enterprise": {"legal_name": name, "industry": "manufacturing"}}, token=token),
        201)["id"]


def _opportunity(http, token: str, customer_id: str, name: str, stage: str = "potential"):
    return _ok(http.call("POST", "/api/v1/opportunities", {
        "customer_id": customer_id, "name": name, "initial_stage": stage,
        "amount": {"currency_code": "CNY", "amount_minor": 12_000_000},
        "expected_close_date": (date.today() + timedelta(days=20)).isoformat()},
        token=token), 201)


def test_a_rep_records_the_first_follow_up_converts_the_lead_and_finds_the_opportunity(
        running_suite, console, lead_assigned_to):
    http = running_suite.http
    company = f"苏州精密机械 {uuid.uuid4().hex[:6]}"
    lead = lead_assigned_to("rep.zhang", _lead_body(company))
    page = console.page_as("rep.zhang")

    page.goto(f"{console.url}/leads/?q={company}")
    page.get_by_role("link", name="周杰").click()
    expect(page.locator("h1")).to_contain_text(company)

    # First without need, budget and decision maker: the API's errors next to those fields.
    form = page.locator("#record-follow-up form")
    form.locator("[name=topic]").fill("首次电话沟通")
    form.locator("[name=summary]").fill("客户需要设备维护方案")
    form.get_by_role("button").click()
    for field in ("need", "budget", "decision_maker"):
        expect(page.locator(f"#f-qualification-{field}-error")).to_be_visible()
    expect(page.locator("#f-topic")).to_have_value("首次电话沟通")  # what was typed is kept
    expect(page.locator("#f-summary")).to_have_value("客户需要设备维护方案")

    page.fill("#f-qualification-need", "年度设备维护")
    page.fill("#f-qualification-budget", "600,000")
    page.fill("#f-qualification-decision_maker", "总经理")
    page.locator("#record-follow-up form").get_by_role("button").click()
    timeline = page.locator("#follow-ups .timeline")
    expect(timeline).to_contain_text("首次电话沟通")
    expect(timeline).to_contain_text("¥600,000.00")
    assert _ok(http.call("GET", f"/api/v1/leads/{lead['id']}",
                         token=http.login("rep.zhang")))["status"] == "contacted"

    convert = page.locator("#convert form")
    convert.locator("[name='customer.enterprise.industry']").fill("manufacturing")
    convert.locator("[name='opportunity.name']").fill(f"{company} 维护合同")
    convert.get_by_role("button").click()
    converted = page.locator("#converted")
    expect(converted).to_be_visible()
    opportunity_id = converted.locator("[data-opportunity-id]").get_attribute(
        "data-opportunity-id")
    customer_id = converted.locator("[data-customer-id]").get_attribute("data-customer-id")
    assert opportunity_id and customer_id

    converted.locator("[data-customer-id]").click()
    page.wait_for_url(f"**/customers/{customer_id}")
    opportunity_link = page.locator(f"a[href='/opportunities/{opportunity_id}']")
    expect(opportunity_link).to_contain_text(f"{company} 维护合同")
    opportunity_link.click()
    expect(page.locator(".path [aria-current=step]")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(f"{company} 维护合同")


def test_the_sales_lead_sees_the_funnel_with_the_counts_of_the_api(running_suite, console):
    http = running_suite.http
    lead_token, rep_token = http.login("sales.lead"), http.login("rep.zhang")
    _rep_id(http, "rep.zhang")
    today = date.today()
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    query = f"/api/v1/sales/funnel?start_date={start}&end_date={end}"

    def counts() -> dict[str, int]:
        funnel = _ok(http.call("GET", query, token=lead_token))
        return {stage["stage"]: stage["count"] for stage in funnel["stages"]}

    before = counts()
    customer_id = _customer(http, rep_token, f"漏斗测试 {uuid.uuid4().hex[:6]}")
    for stage in ("potential", "intent", "proposal"):
        _opportunity(http, rep_token, customer_id, f"漏斗 {stage}", stage)
    after = counts()
    # An opportunity counts in every stage up to the furthest it reached.
    assert after["potential"] == before["potential"] + 3
    assert after["intent"] == before["intent"] + 2
    assert after["proposal"] == before["proposal"] + 1

    page = console.page_as("sales.lead")
    page.goto(f"{console.url}/sales/reports?period=this_month")
    option = json.loads(page.locator("#chart-funnel-option").text_content())
    drawn = {item["stage"]: item["value"] for item in option["series"][0]["data"]}
    assert drawn == {stage: after[stage] for stage in FUNNEL_STAGES}
    expect(page.locator("#chart-funnel canvas")).to_be_visible()  # ECharts drew it
    forecast = json.loads(page.locator("#chart-forecast-option").text_content())
    assert "张伟" in forecast["xAxis"]["data"]


def test_moving_a_kanban_card_changes_the_stage_and_lost_asks_for_the_reason(
        running_suite, console):
    http = running_suite.http
    rep_token = http.login("rep.zhang")
    _rep_id(http, "rep.zhang")
    name = f"看板 {uuid.uuid4().hex[:6]}"
    opportunity = _opportunity(http, rep_token, _customer(http, rep_token, f"{name} 客户"), name)

    def stage() -> str:
        return _ok(http.call("GET", f"/api/v1/opportunities/{opportunity['id']}",
                             token=rep_token))["stage"]

    page = console.page_as("rep.zhang")
    page.goto(f"{console.url}/opportunities/?q={name}")
    card = page.locator(f"#opp-{opportunity['id']}")
    expect(page.locator("[data-kanban-column=potential]").locator(card)).to_be_visible()

    card.drag_to(page.locator("[data-kanban-column=intent]"))
    expect(page.locator("[data-kanban-column=intent]")
           .locator(f"#opp-{opportunity['id']}")).to_be_visible()
    wait_until(lambda: stage() == "intent", timeout=10, message="the drop changed nothing")

    # Lost without a reason: the API's error on the card, the stage unchanged.
    card = page.locator(f"#opp-{opportunity['id']}")
    card.locator("select[name=stage]").select_option("lost")
    error = page.locator(f"#lost-reason-{opportunity['id']}-error")
    expect(error).to_be_visible()
    assert stage() == "intent"

    page.fill(f"#lost-reason-{opportunity['id']}", "预算被砍")
    page.locator(f"#opp-{opportunity['id']}").get_by_role("button").click()
    expect(page.locator("[data-kanban-column=lost]")
           .locator(f"#opp-{opportunity['id']}")).to_contain_text("预算被砍")
    assert stage() == "lost"


def test_the_leads_list_fits_a_phone(console, lead_assigned_to):
    company = f"手机测试 {uuid.uuid4().hex[:6]}"
    lead_assigned_to("rep.zhang", _lead_body(company))
    page = console.page_as("rep.zhang", viewport=PHONE)
    page.goto(f"{console.url}/leads/")
    expect(page.locator("#lead-results table.data")).to_contain_text(company)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
