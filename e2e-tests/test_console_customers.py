"""The console's customer pages and global search, in a real browser: a rep creates a customer
through the form (field errors next to the fields, typed text kept), the customer 360 page
shows what the services hold about a customer (contacts, tags, timeline, satisfaction chart,
tickets), another rep cannot open it by URL, only a privacy role reveals masked fields,
the header's search finds a customer by phone and a ticket by number, and the list works on a
phone without horizontal scrolling."""

from __future__ import annotations

import json
import re
import uuid

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.waiting import wait_until
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _mobile() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


def _id_card(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_CARD_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def _create_tag(running_suite, name: str) -> str:
    """The tag catalogue has no REST route: a lead or admin curates it over gRPC."""
    channel = grpc.insecure_channel(f"127.0.0.1:{running_suite.config.grpc_ports['customer']}")
    try:
        tag = customer_pb2_grpc.CustomerServiceStub(channel).CreateTag(
            customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name=name, dimension="free"),
                                          request_id=str(uuid.uuid4())),
            metadata=[("authorization", f"Bearer {running_suite.http.login('admin')}")],
            timeout=10)
    finally:
        channel.close()
    return tag.id


def _answer_a_survey(http, customer_id: str, phone: str, survey_link_texted_to) -> None:
    """A marketer invites the customer by text message (a service survey: no marketing consent
    needed); the customer answers 4/5 and NPS 9 through the link they got."""
    marketer = http.login("marketer.chen")
    survey = _ok(http.call("POST", "/api/v1/surveys", {
        "title": "季度满意度", "kind": "service_satisfaction", "state": "active", "questions": [
            {"id": "q1", "dimension": "product_quality", "text": "您对产品质量满意吗？",
             "type": "rating_1_to_5", "required": True, "options": []},
            {"id": "q2", "dimension": "nps", "text": "您会推荐我们吗？",
             "type": "nps_0_to_10", "required": False, "options": []}]}, token=marketer), 201)
    invitation = _ok(http.call("POST", f"/api/v1/surveys/{survey['id']}/invitations",
                               {"customer_id": customer_id, "channel": "sms"},
                               token=marketer), 201)
    assert invitation["link_url"] == ""  # the link is only in the customer's message
    path = survey_link_texted_to(phone)
    form = _ok(http.call("GET", path))
    answers = [{"question_id": q["id"], "score": 9 if q["type"] == "nps_0_to_10" else 4}
               for q in form["questions"]]
    _ok(http.call("POST", path, {"answers": answers, "comment": "交货及时"}), 201)


@pytest.fixture(scope="module")
def prepared(running_suite, survey_link_texted_to):
    """rep.zhang's enterprise customer with a decision chain, a tag, a survey answer and a
    ticket; and an individual with masked personal fields."""
    http = running_suite.http
    rep = http.login("rep.zhang")
    suffix = uuid.uuid4().hex[:6]
    phone = _mobile()
    customer = _ok(http.call("POST", "/api/v1/customers", {
        "type": "enterprise", "display_name": f"嘉兴精工机械{suffix}", "phone": phone,
        "enterprise": {"legal_name": f"嘉兴精工机械有限公司{suffix}", "industry": "manufacturing"},
    }, token=rep), 201)
    boss = _ok(http.call("POST", f"/api/v1/customers/{customer['id']}/contacts", {
        "name": "周总", "job_title": "总经理", "decision_role": "decision_maker", "primary": True,
    }, token=rep), 201)
    _ok(http.call("POST", f"/api/v1/customers/{customer['id']}/contacts", {
        "name": "钱采购", "job_title": "采购经理", "decision_role": "influencer",
        "reports_to_contact_id": boss["id"],
    }, token=rep), 201)
    tag_name = f"重点跟进{suffix}"
    _ok(http.call("POST", f"/api/v1/customers/{customer['id']}/tags",
                  {"tag_ids": [_create_tag(running_suite, tag_name)]}, token=rep))
    _answer_a_survey(http, customer["id"], phone, survey_link_texted_to)
    ticket = _ok(http.call("POST", "/api/v1/tickets", {
        "type": "fault", "channel": "phone", "title": "数控机床报警",
        "description": "主轴过热报警", "customer_id": customer["id"],
    }, token=http.login("agent.wang")), 201)

    def portrait_complete():
        portrait = _ok(http.call("GET", f"/api/v1/customers/{customer['id']}/portrait",
                                 token=rep))
        titles = " ".join(entry["title"] for entry in portrait["recent_timeline"])
        return portrait if (portrait["satisfaction"]["record_count"]
                            and ticket["number"] in titles) else None

    wait_until(portrait_complete, timeout=60,
               message="the survey answer and the ticket never reached the customer's timeline")

    person = _ok(http.call("POST", "/api/v1/customers", {
        "type": "individual", "display_name": f"陈静{suffix}", "phone": _mobile(),
        "bank_account": "6222020200112233445",
        "individual": {"gender": "female", "id_card_number": _id_card("33010619900101123")},
    }, token=rep), 201)
    return {"customer": customer, "phone": phone, "tag": tag_name, "ticket": ticket,
            "person": person}


def test_a_rep_creates_a_customer_after_fixing_the_field_errors_shown_next_to_the_fields(
        console):
    """…then adds its decision maker on the 360 page it lands on."""
    page = console.page_as("rep.zhang", language="zh-CN")
    page.goto(f"{console.url}/customers/new")
    page.click("a[href$='type=enterprise']")
    name = f"绍兴纺织{uuid.uuid4().hex[:6]}"
    page.fill("#f-display_name", name)
    page.fill("#f-phone", "12345")
    page.click("form.stacked button[type=submit]")

    expect(page.locator("#f-phone-error")).to_be_visible()
    expect(page.locator("#f-enterprise-legal_name-error")).to_contain_text("必填")
    expect(page.locator("#f-enterprise-industry-error")).to_contain_text("必填")
    expect(page.locator("#f-display_name")).to_have_value(name)
    expect(page.locator("#f-phone")).to_have_value("12345")
    expect(page.locator("#f-display_name-error")).to_have_count(0)

    phone = _mobile()
    page.fill("#f-phone", phone)
    page.fill("#f-enterprise-legal_name", f"{name}有限公司")
    page.fill("#f-enterprise-industry", "textiles")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/customers/[0-9a-f-]{36}\?created=1$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".message-ok")).to_be_visible()
    expect(page.locator("#h-profile + dl")).to_contain_text(phone)

    page.click(".add-contact summary")  # and its decision maker, without leaving the page
    page.fill("#f-name", "孙经理")
    page.fill("#f-job_title", "采购总监")
    page.select_option("#f-decision_role", "decision_maker")
    page.click(".add-contact button[type=submit]")
    expect(page.locator(".contacts-table tbody tr", has_text="孙经理")).to_contain_text("决策人")


def test_the_360_page_shows_contacts_tags_timeline_tickets_and_the_satisfaction_chart(
        console, prepared):
    customer = prepared["customer"]
    page = console.page_as("rep.zhang", language="zh-CN")
    page.goto(f"{console.url}/customers/{customer['id']}")

    expect(page.locator("h1")).to_have_text(customer["display_name"])
    contacts = page.locator(".contacts-table tbody tr")
    expect(contacts).to_have_count(2)
    expect(contacts.first).to_contain_text("周总")  # decision makers first
    expect(page.locator(".contacts-table")).to_contain_text("钱采购")
    expect(page.locator("#tags .tag-list")).to_contain_text(prepared["tag"])
    expect(page.locator("#timeline .timeline li", has_text=prepared["ticket"]["number"])
           ).to_have_count(1)
    expect(page.locator("#timeline .timeline")).to_contain_text("填写问卷")
    ticket_link = page.locator(f"#tickets a[href='/tickets/{prepared['ticket']['id']}']")
    expect(ticket_link).to_have_text(prepared["ticket"]["number"])

    option = json.loads(page.locator("#chart-satisfaction-option").text_content())
    scores, nps = (series["data"] for series in option["series"])
    assert scores == [4.0] and nps == [9]
    assert len(option["xAxis"]["data"]) == 1
    expect(page.locator("#chart-satisfaction canvas")).to_have_count(1)  # ECharts drew it


def test_a_rep_cannot_open_another_reps_customer_by_url(console, prepared):
    customer = prepared["customer"]
    page = console.page_as("rep.li", language="en-US")
    response = page.goto(f"{console.url}/customers/{customer['id']}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found, or not visible to you.")
    html = page.content()
    for secret in (customer["display_name"], prepared["phone"], customer["number"], "周总"):
        assert secret not in html


def test_an_admin_reveals_a_masked_field_and_a_rep_is_offered_no_reveal(console, prepared):
    person = prepared["person"]
    rep_page = console.page_as("rep.zhang", language="zh-CN")
    rep_page.goto(f"{console.url}/customers/{person['id']}")
    expect(rep_page.locator(".masked-fields")).to_contain_text("**** **** 3445")
    expect(rep_page.locator(".reveal-form")).to_have_count(0)
    assert "6222020200112233445" not in rep_page.content()

    admin = console.page_as("admin", language="en-US")
    admin.goto(f"{console.url}/customers/{person['id']}")
    expect(admin.locator(".masked-fields")).to_contain_text("**** **** 3445")
    admin.fill("#f-access_purpose", "customer asked for a refund to this account")
    admin.click(".reveal-form button[type=submit]")
    expect(admin.locator("#revealed .revealed-fields")).to_contain_text("6222020200112233445")
    expect(admin.locator("#revealed")).to_contain_text("access log")


def test_global_search_finds_a_customer_by_phone_and_a_ticket_by_number(console, prepared):
    page = console.page_as("rep.zhang", language="zh-CN")
    page.fill("#global-search-q", prepared["phone"])
    page.press("#global-search-q", "Enter")
    page.wait_for_url(f"**/customers/{prepared['customer']['id']}")
    expect(page.locator("h1")).to_have_text(prepared["customer"]["display_name"])

    page.fill("#global-search-q", prepared["ticket"]["number"].lower())
    page.press("#global-search-q", "Enter")
    page.wait_for_url(f"**/tickets/{prepared['ticket']['id']}")

    page.goto(f"{console.url}/search?q={prepared['customer']['display_name'][:4]}")
    expect(page.locator(".search-customers a",
                        has_text=prepared["customer"]["display_name"])).to_have_count(1)


def test_the_list_filters_in_place_and_fits_a_phone(console, prepared):
    page = console.page_as("rep.zhang", language="zh-CN", viewport=PHONE)
    page.goto(f"{console.url}/customers/")
    expect(page.locator(".customer-table tbody tr").first).to_be_visible()
    name = prepared["customer"]["display_name"]
    page.fill("#f-q", name)
    page.wait_for_url(re.compile(r"/customers/\?.*q="))  # htmx pushed the filter to the URL
    rows = page.locator(".customer-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.reload()  # the pushed URL is a real page
    expect(page.locator(".customer-table tbody tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
