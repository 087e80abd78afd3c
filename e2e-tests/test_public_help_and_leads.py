"""The public web-to-lead form and help centre (issue 14), in a real browser on a phone-sized
screen against the suite as processes: the lead form, opened with a campaign's UTM parameters,
creates an A lead that a senior rep is assigned and shows the visitor a confirmation only; a
complaint filed on the help form is routed as an agent's is, and its status page shows the
public reply and never the internal note, answering a wrong phone as it answers an unknown
number; the public knowledge base finds a public article by a Chinese search (also as a
suggestion while the problem is typed) and never an internal one; axe-core finds no serious
violation on the forms, the CSP blocks nothing and no page scrolls sideways."""

from __future__ import annotations

import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from crm_devstack.waiting import wait_until
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _serious(result) -> list[str]:
    return [
        f"{v['id']}: {v['help']}"
        for v in result.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _mobile() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


def test_the_lead_form_creates_an_a_lead_a_senior_rep_is_assigned(running_suite, console):
    http = running_suite.http
    admin = http.login("admin")
    campaign = f"spring-expo-{uuid.uuid4().hex[:6]}"
    # The sales manager's rule: leads from this campaign's web form are A (graded like any lead).
    _ok(
        http.call(
            "POST",
            "/api/v1/sales/grading-rules",
            {
                "display_name": f"{campaign} web form is A",
                "grade": "a",
                "priority": 1,
                "condition": {
                    "match": "all",
                    "groups": [],
                    "conditions": [
                        {
                            "field": "source",
                            "operator": "equals",
                            "values": ["SOURCE_CHANNEL_WEBSITE_FORM"],
                        },
                        {
                            "field": "intake_params.utm_campaign",
                            "operator": "equals",
                            "values": [campaign],
                        },
                    ],
                },
            },
            token=admin,
        ),
        201,
    )
    rep_id = _ok(http.call("GET", "/api/v1/me", token=http.login("rep.zhang")))["id"]
    wait_until(
        lambda: http.call("GET", f"/api/v1/sales/reps/{rep_id}", token=admin).status == 200,
        timeout=30,
        message="the sales service never learnt of rep.zhang",
    )
    _ok(http.call("PATCH", f"/api/v1/sales/reps/{rep_id}", {"seniority": "senior"}, token=admin))

    page = console.new_page(viewport=PHONE)
    page.goto(f"{console.url}/forms/lead?utm_source=baidu&utm_medium=cpc&utm_campaign={campaign}")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert not _serious(Axe().run(page))
    phone = _mobile()
    page.fill("#f-contact_name", "周杰")
    page.fill("#f-company_name", "苏州某某精密机械有限公司")
    page.fill("#f-phone", phone)
    page.fill("#f-need_description", "年产 10 万件的设备维护")
    page.click("form.public-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("感谢您，我们已收到您的信息。")
    shown = page.content()

    found = wait_until(
        lambda: _ok(http.call("GET", f"/api/v1/leads?query={phone}", token=admin))["leads"],
        timeout=30,
        message="the web lead never arrived",
    )
    (lead,) = found
    assert (lead["source"], lead["grade"], lead["status"]) == ("website_form", "a", "assigned")
    assert lead["intake_params"]["utm_campaign"] == campaign
    owner = _ok(http.call("GET", f"/api/v1/sales/reps/{lead['owner_id']}", token=admin))
    assert owner["seniority"] == "senior"
    for crm_data in (lead["number"], lead["owner_id"], lead["id"]):
        assert crm_data not in shown

    # the same visitor again: a duplicate inside, the same confirmation outside
    page.goto(f"{console.url}/forms/lead?utm_campaign={campaign}")
    page.fill("#f-contact_name", "周杰")
    page.fill("#f-phone", phone)
    page.click("form.public-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("感谢您，我们已收到您的信息。")
    assert console.csp_violations == [] and console.foreign_requests() == []


def test_a_complaint_from_the_help_form_is_routed_as_an_agents_and_shows_no_internal_note(
    running_suite, console
):
    http = running_suite.http
    admin = http.login("admin")
    phone = _mobile()
    description = f"收到的洗衣机外壳有裂缝，产品质量有问题 {uuid.uuid4().hex[:6]}"

    page = console.new_page(viewport=PHONE)
    page.goto(f"{console.url}/help")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert not _serious(Axe().run(page))
    page.select_option("#f-type", "complaint")
    page.fill("#f-description", description)
    page.fill("#f-reporter_name", "李女士")
    page.fill("#f-reporter_phone", phone)
    page.click("form.public-form button[type=submit]")
    number = page.locator(".public-number").inner_text()
    assert number.startswith("T")

    (filed,) = _ok(http.call("GET", f"/api/v1/tickets?query={number}", token=admin))["tickets"]
    by_agent = _ok(
        http.call(
            "POST",
            "/api/v1/tickets",
            {
                "type": "complaint",
                "channel": "phone",
                "title": filed["title"],
                "description": description,
                "reporter_phone": _mobile(),
            },
            token=http.login("agent.wang"),
        ),
        201,
    )
    assert filed["channel"] == "web" and filed["state"] == "routed"
    assert (filed["category"], filed["department_path"], filed["priority"]) == (
        by_agent["category"],
        by_agent["department_path"],
        by_agent["priority"],
    )

    internal, public = "内部备注：该客户上月也投诉过", "您好，我们已安排上门更换外壳。"
    for body, visibility in ((internal, "internal"), (public, "public")):
        _ok(
            http.call(
                "POST",
                f"/api/v1/tickets/{filed['id']}/comments",
                {"body": body, "visibility": visibility},
                token=admin,
            ),
            201,
        )

    page.goto(f"{console.url}/help/status")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.fill("#f-number", number)
    page.fill("#f-contact", f"+86 {phone}")
    page.click("form.public-form button[type=submit]")
    expect(page.locator(".public-replies")).to_contain_text(public)
    assert internal not in page.content()
    assert filed["department_path"] not in page.content()

    def refusal(number_typed: str, contact: str) -> str:
        page.goto(f"{console.url}/help/status")
        page.fill("#f-number", number_typed)
        page.fill("#f-contact", contact)
        page.click("form.public-form button[type=submit]")
        return page.locator("[role=alert]").inner_text()

    assert refusal(number, _mobile()) == refusal("T20990101-0001", phone)
    assert console.csp_violations == [] and console.foreign_requests() == []


def test_the_public_knowledge_base_finds_public_articles_only(running_suite, console):
    http = running_suite.http
    agent = http.login("agent.wang")
    word = f"净水器{uuid.uuid4().hex[:4]}"
    article = {
        "kind": "faq",
        "state": "published",
        "keywords": [word],
        "body": f"{word}滤芯建议每六个月更换一次。\n\n更换后请冲洗五分钟。",
    }
    _ok(
        http.call(
            "POST",
            "/api/v1/knowledge",
            {**article, "title": f"{word}滤芯多久更换", "public": True},
            token=agent,
        ),
        201,
    )
    _ok(
        http.call(
            "POST", "/api/v1/knowledge", {**article, "title": f"{word}内部维修手册"}, token=agent
        ),
        201,
    )

    page = console.new_page(viewport=PHONE)
    page.goto(f"{console.url}/help/kb?q={word}滤芯")
    results = page.locator(".public-results li a")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text(f"{word}滤芯多久更换")
    assert "内部维修手册" not in page.content()
    results.first.click()
    expect(page.locator("h1")).to_have_text(f"{word}滤芯多久更换")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # suggested while the problem is described, before anything is sent
    page.goto(f"{console.url}/help")
    page.locator("#f-description").press_sequentially(f"我的{word}滤芯该换了吗", delay=20)
    suggestions = page.locator("#kb-suggestions a")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_have_text(f"{word}滤芯多久更换")
    assert console.csp_violations == [] and console.foreign_requests() == []
