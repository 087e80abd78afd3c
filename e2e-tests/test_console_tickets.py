"""The service-ticket pages of the console in a real browser: the issue's flagship flow.

An agent takes a call, finds the customer by the caller's phone, creates a complaint in three
steps and sees where it was routed and why; the product department's lead transfers it to
``/hq/tech`` with a reason on the ticket page, and the tech lead finds it in the inbox and
opens it from there. A refused move and a missing reason are readable, never a 500; the queue
fits a phone; the leads' overview draws its charts from the page's data.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from crm_devstack.waiting import wait_until
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TICKET_URL = re.compile(r"/tickets/[0-9a-f-]{36}")


def _phone() -> str:
    return "139" + str(uuid.uuid4().int)[-8:]


@pytest.fixture(scope="module")
def customer(running_suite):
    """A customer of rep.zhang's, with a phone number of its own (created over REST)."""
    http = running_suite.http
    phone = _phone()
    created = http.call("POST", "/api/v1/customers",
                        {"type": "enterprise", "display_name": f"宁波某某电器有限公司{phone[-4:]}",
                         "phone": phone,
                         "enterprise": {"legal_name": "宁波某某电器有限公司", "industry": "manufacturing"}},
                        token=http.login("rep.zhang"))
    assert created.status == 201, created
    return {**created.body, "typed_phone": phone}


def _ticket(running_suite, customer, *, title, description, username="agent.wang"):
    http = running_suite.http
    created = http.call("POST", "/api/v1/tickets",
                        {"type": "complaint", "channel": "phone", "title": title,
                         "description": description, "customer_id": customer["id"]},
                        token=http.login(username))
    assert created.status == 201, created
    return created.body


def test_an_agent_creates_a_complaint_by_phone_in_three_steps_and_sees_it_routed_with_the_reason(
        running_suite, console, customer):
    page = console.page_as("agent.wang")
    page.goto(f"{console.url}/tickets/new")
    current_step = page.locator(".steps li[aria-current=step]")
    expect(current_step).to_contain_text("1")

    # Step 1: the caller's phone finds the rep's customer (htmx swaps the results in).
    page.fill("#f-phone", customer["typed_phone"])
    page.locator("form.filters button[type=submit]").click()
    results = page.locator("#customer-results")
    expect(results).to_contain_text(customer["display_name"])
    results.get_by_role("link").first.click()

    # Step 2: type and description.
    expect(current_step).to_contain_text("2")
    expect(page.locator("main")).to_contain_text(customer["number"])
    page.select_option("#f-type", "complaint")
    page.fill("#f-title", "产品质量问题")
    page.fill("#f-description", "收到的产品外壳破损，质量有问题")
    page.locator("button[name=action][value=review]").click()

    # Step 3: confirm, then the ticket page says where it went and why.
    expect(current_step).to_contain_text("3")
    expect(page.locator("#suggested-category")).not_to_be_empty()
    page.locator("button[name=action][value=create]").click()
    page.wait_for_url(TICKET_URL)
    expect(page.locator("#ticket-department")).to_contain_text("/hq/product")
    expect(page.locator("#ticket-category")).to_contain_text("产品质量")
    routing = page.locator("#routing")
    expect(routing).to_contain_text("category = product_quality")
    expect(routing.locator(".routing-reason")).to_contain_text("/hq/product")
    expect(page.locator("#ticket-highlights")).to_contain_text(customer["display_name"])

    ticket_id = TICKET_URL.search(page.url).group(0).rsplit("/", 1)[1]
    stored = running_suite.http.call("GET", f"/api/v1/tickets/{ticket_id}",
                                     token=running_suite.http.login("agent.wang")).body
    assert (stored["customer_id"], stored["type"], stored["channel"]) == (
        customer["id"], "complaint", "phone")


def test_the_product_lead_transfers_it_to_tech_and_the_tech_lead_opens_it_from_the_inbox(
        running_suite, console, customer):
    ticket = _ticket(running_suite, customer, title="产品质量问题",
                     description="产品使用一周后外壳开裂，质量有问题")
    assert ticket["department_path"] == "/hq/product"

    lead = console.page_as("product.lead")
    lead.goto(f"{console.url}/tickets/{ticket['id']}")
    transfer = lead.locator("#transfer")
    transfer.locator("summary").click()
    transfer.locator("#f-department_path").select_option("/hq/tech")
    transfer.locator("#f-transfer_reason").fill("是软件问题，转技术支持")
    transfer.get_by_role("button").click()
    expect(lead.locator("#messages")).to_contain_text("技术支持部")

    tech = console.page_as("tech.lead")
    tech.goto(f"{console.url}/inbox/")

    def listed() -> bool:  # the notification service tells the lead asynchronously
        tech.reload()
        return ticket["number"] in tech.locator("main").inner_text()

    wait_until(listed, timeout=30, interval=1.0,
               message="the tech lead's inbox never listed the transfer")
    row = tech.locator("tr", has_text=ticket["number"]).first
    expect(row).to_contain_text("/hq/tech", timeout=10_000)
    row.locator("form button").first.click()  # "Open": marks it read, goes to the ticket
    tech.wait_for_url(f"**/tickets/{ticket['id']}")
    expect(tech.locator("#ticket-department")).to_contain_text("/hq/tech")
    expect(tech.locator("#history")).to_contain_text("是软件问题，转技术支持")
    expect(tech.locator("#routing")).to_contain_text("/hq/tech")


def test_a_refused_move_and_an_empty_transfer_reason_are_readable_not_errors(
        running_suite, console, customer):
    ticket = _ticket(running_suite, customer, title="客服态度差",
                     description="客服人员服务态度恶劣")
    assert ticket["department_path"] == "/hq/service"
    page = console.page_as("agent.wang", language="en-US")
    stale = console.page_as("agent.wang", language="en-US")
    page.goto(f"{console.url}/tickets/{ticket['id']}")
    stale.goto(f"{console.url}/tickets/{ticket['id']}")

    page.get_by_role("button", name="Start work").click()
    expect(page.locator("#messages")).to_contain_text("Work on the ticket has started.")
    with stale.expect_response(lambda r: r.url.endswith("/act/start")) as answer:
        stale.get_by_role("button", name="Start work").click()
    assert answer.value.status == 409
    expect(stale.locator("#action-problem")).to_contain_text(
        "This cannot be done in the ticket's current state.")
    expect(stale.locator("#action-problem")).to_contain_text("In progress")

    page.locator("#transfer summary").click()
    page.locator("#f-department_path").select_option("/hq/tech")
    with page.expect_response(lambda r: r.url.endswith("/transfer")) as answer:
        page.locator("#transfer").get_by_role("button", name="Transfer").click()
    assert answer.value.status == 422
    reason = page.locator("#f-transfer_reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-transfer_reason-error")).not_to_be_empty()
    expect(page.locator("#f-department_path")).to_have_value("/hq/tech")  # kept what was chosen
    still = running_suite.http.call("GET", f"/api/v1/tickets/{ticket['id']}",
                                    token=running_suite.http.login("agent.wang")).body
    assert still["department_path"] == "/hq/service"


def test_the_queue_fits_a_phone_without_horizontal_scrolling(running_suite, console, customer):
    ticket = _ticket(running_suite, customer, title="服务态度问题", description="客服不耐烦")
    page = console.page_as("agent.wang", viewport=PHONE)
    page.goto(f"{console.url}/tickets/")
    expect(page.locator("#ticket-queue")).to_contain_text(ticket["number"])
    expect(page.locator("#ticket-queue td[data-label]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_service_leads_overview_draws_load_sla_and_satisfaction_from_the_page_data(
        running_suite, console, customer):
    _ticket(running_suite, customer, title="服务态度差", description="客服人员态度不好")
    page = console.page_as("service.lead")
    page.goto(f"{console.url}/service/overview")
    load = json.loads(page.locator("#chart-agent-load-option").text_content())
    names = load["yAxis"]["data"]
    assert names and sum(load["series"][0]["data"]) >= 1  # /hq/service's agents hold it
    sla = json.loads(page.locator("#chart-sla-option").text_content())
    assert sla["yAxis"]["data"] and len(sla["series"]) == 2  # this period and the previous
    satisfaction = json.loads(page.locator("#chart-satisfaction-option").text_content())
    assert len(satisfaction["series"][0]["data"]) == 5
    expect(page.locator("#chart-agent-load canvas")).to_be_attached()
