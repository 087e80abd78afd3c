"""The public pages a customer opens from a message (issue 14), in a real browser against the
suite as processes: the survey link of a closed ticket's e-mail opens a form that a phone
answers and whose score reaches the customer's portrait; a second answer and a forged link
are refused in plain words with nothing stored; a burst of posts is refused with 429, nothing
stored; and the unsubscribe link of a marketing e-mail and a 退订 reply to a marketing SMS (the
SMS gateway's signed inbound webhook) each withdraw the customer's marketing consent, with its
source, so the next campaign is not sent to them."""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import re
import time
import uuid

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from crm_devstack.waiting import wait_until
from crm_shared.webhook_signatures import SIGNATURE_HEADER, sign
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
SURVEY_LINK = re.compile(r"https?://\S+?/s/[A-Za-z0-9_.-]+")
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
LEADS = {
    "/hq/product": "product.lead",
    "/hq/service": "service.lead",
    "/hq/tech": "tech.lead",
    "/hq/logistics": "logistics.lead",
}


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def _mail_to(running_suite, address):
    folder = running_suite.config.mail_dir
    if not folder.exists():
        return []
    messages = [
        email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
        for m in mailbox.Maildir(folder, factory=None, create=False)
    ]
    return [m for m in messages if address in str(m["To"])]


def _text_of(message) -> str:
    return message.get_body(preferencelist=("plain", "html")).get_content()


def _customer(http, address: str) -> dict:
    return _ok(
        http.call(
            "POST",
            "/api/v1/customers",
            {
                "type": "enterprise",
                "display_name": f"宁波某某电器有限公司 {address[:6]}",
                "email": address,
                "enterprise": {"legal_name": "宁波某某电器有限公司", "industry": "manufacturing"},
            },
            token=http.login("rep.zhang"),
        ),
        201,
    )


def _surveyed_customer(running_suite) -> tuple[dict, str]:
    """A customer whose ticket was closed, and the survey link their e-mail carries."""
    http = running_suite.http
    address = f"li.na.{uuid.uuid4().hex[:8]}@example.com"
    customer = _customer(http, address)
    ticket = _ok(
        http.call(
            "POST",
            "/api/v1/tickets",
            {
                "type": "complaint",
                "channel": "phone",
                "title": "产品质量问题",
                "description": "电器外壳开裂",
                "customer_id": customer["id"],
            },
            token=http.login("agent.wang"),
        ),
        201,
    )
    lead = http.login(LEADS[ticket["department_path"]])
    for step, body in (("start", {}), ("resolve", {"resolution": "已更换新机"}), ("close", {})):
        _ok(http.call("POST", f"/api/v1/tickets/{ticket['id']}/{step}", body, token=lead))
    mail = wait_until(
        lambda: _mail_to(running_suite, address),
        timeout=90,
        message="the customer never got the satisfaction survey",
    )
    link = SURVEY_LINK.search(_text_of(mail[0])).group(0)
    assert link.startswith(running_suite.config.console_url + "/s/")  # the public page
    return customer, link


def _satisfaction(http, customer_id: str) -> dict:
    return _ok(
        http.call("GET", f"/api/v1/customers/{customer_id}/portrait", token=http.login("rep.zhang"))
    )["satisfaction"]


@pytest.fixture(scope="module")
def surveyed(running_suite):
    return _surveyed_customer(running_suite)


def test_a_phone_answers_the_survey_of_a_closed_ticket_and_the_score_reaches_the_portrait(
    running_suite, console, surveyed
):
    customer, link = surveyed
    page = console.new_page(viewport=PHONE)
    page.goto(link)
    expect(page.locator(".public-company")).to_contain_text("示例科技有限公司")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found = Axe().run(page).response["violations"]
    assert [v["id"] for v in found if v["impact"] in ("critical", "serious")] == []

    stale = console.new_page(viewport=PHONE)  # the same link open twice, answered from one
    stale.goto(link)

    for fieldset in page.locator("fieldset.public-fieldset").all():
        values = fieldset.locator("input[type=radio]").evaluate_all("l => l.map(e => e.value)")
        wanted = "9" if "10" in values else "4" if "5" in values else values[0]
        fieldset.locator(f"label:has(input[value='{wanted}'])").click()
    page.fill("#f-comment", "换货很快")
    page.click("form.public-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("感谢您的反馈！")

    satisfaction = wait_until(
        lambda: (
            (found := _satisfaction(running_suite.http, customer["id"]))["record_count"] and found
        ),
        timeout=30,
        message="the answer never reached the customer's portrait",
    )
    assert satisfaction["latest_score"] == 4.0 and satisfaction["latest_nps"] == 9

    # a second answer: the link says it was answered, the stale form is refused
    page.goto(link)
    expect(page.locator("h1")).to_have_text("该问卷已经提交过了，感谢您的参与。")
    for fieldset in stale.locator("fieldset.public-fieldset").all():
        fieldset.locator("label").first.click()
    stale.click("form.public-form button[type=submit]")
    expect(stale.locator("h1")).to_have_text("该问卷已经提交过了，感谢您的参与。")
    assert _satisfaction(running_suite.http, customer["id"])["record_count"] == 1
    assert console.csp_violations == []


def test_a_forged_or_mangled_link_is_refused_in_plain_words(running_suite, console, surveyed):
    customer, link = surveyed
    payload, _, signature = link.rpartition("/")[2].partition(".")
    forged = f"{running_suite.config.console_url}/s/{payload}.{signature[::-1]}"
    page = console.new_page(viewport=PHONE, language="en-US")

    response = page.goto(forged)

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("This survey link is not valid or has expired.")
    assert "fieldset" not in page.content()
    response = page.goto(f"{running_suite.config.console_url}/s/not-a-token")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("This survey link is not valid or has expired.")
    # an answer posted to the forged link (with the page's own CSRF token) stores nothing
    session = requests.Session()
    # (any page's CSRF token serves: it belongs to the session; the link's page is answered)
    token = CSRF_INPUT.search(
        session.get(f"{running_suite.config.console_url}/sign-in", timeout=10).text
    ).group(1)
    posted = session.post(forged, data={"csrf_token": token, "q-q1": "1"}, timeout=10)
    assert posted.status_code == 404 and "fieldset" not in posted.text
    assert _satisfaction(running_suite.http, customer["id"])["record_count"] == 1


def test_a_burst_of_posts_is_refused_with_429_and_nothing_is_stored(running_suite):
    customer, link = _surveyed_customer(running_suite)
    session = requests.Session()
    token = CSRF_INPUT.search(session.get(link, timeout=10).text).group(1)

    # a valid token, no answers (the required question is missing): nothing could be stored
    statuses = [
        session.post(link, data={"csrf_token": token}, timeout=10).status_code for _ in range(200)
    ]

    assert statuses[0] == 422  # the answer's own error, until the link's allowance is spent
    assert statuses.count(429) >= 180
    refused = session.post(link, data={"csrf_token": token}, timeout=10)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert _satisfaction(running_suite.http, customer["id"])["record_count"] == 0

    # the window ends: this address may post again (so later tests are not refused)
    def posted_again():  # each probe its own target, refused as a robot's (honeypot): 400
        probe = f"{running_suite.config.console_url}/s/probe-{uuid.uuid4().hex}"
        return (
            session.post(probe, data={"csrf_token": token, "website": "x"}, timeout=10).status_code
            != 429
        )

    wait_until(posted_again, timeout=70, interval=1, message="the rate limit's window never ended")


# -- unsubscribing: the link in a marketing e-mail, and a 退订 reply to a marketing SMS --------


def _consenting_customer(running_suite, **contact) -> tuple[dict, str]:
    """A customer with marketing consent, alone in a segment of their own (by industry)."""
    http = running_suite.http
    rep, marketer = http.login("rep.zhang"), http.login("marketer.chen")
    industry = f"e2e-unsub-{uuid.uuid4().hex[:8]}"
    name = "杭州某某茶业有限公司"
    customer = _ok(
        http.call(
            "POST",
            "/api/v1/customers",
            {
                "type": "enterprise",
                "display_name": name,
                **contact,
                "enterprise": {"legal_name": name, "industry": industry},
            },
            token=rep,
        ),
        201,
    )
    _ok(
        http.call(
            "POST",
            f"/api/v1/customers/{customer['id']}/consents",
            {"purpose": "marketing", "source": "web_form", "evidence": "e2e"},
            token=rep,
        )
    )
    wait_until(
        lambda: (
            (
                found := http.call(
                    "GET", f"/api/v1/marketing/profiles/{customer['id']}", token=marketer
                )
            ).status
            == 200
            and found.body["marketing_consent"]
        ),
        timeout=30,
        message="the customer's consent never reached marketing's read model",
    )
    segment = _ok(
        http.call(
            "POST",
            "/api/v1/segments",
            {
                "display_name": f"退订 {industry}",
                "rule": {
                    "match": "all",
                    "conditions": [
                        {"field": "industry", "operator": "equals", "values": [industry]}
                    ],
                    "groups": [],
                },
            },
            token=marketer,
        ),
        201,
    )
    return customer, segment["id"]


def _campaign(http, channel: str, segment_id: str) -> str:
    marketer = http.login("marketer.chen")
    variant = {"id": "A", "weight_percent": 100, "body": "{{display_name}}，春季新品 8 折"}
    if channel == "email":
        variant["subject"] = "春季新品"
    campaign = _ok(
        http.call(
            "POST",
            "/api/v1/campaigns",
            {
                "name": f"春季新品 {uuid.uuid4().hex[:6]}",
                "channel": channel,
                "segment_ids": [segment_id],
                "variants": [variant],
            },
            token=marketer,
        ),
        201,
    )
    _ok(http.call("POST", f"/api/v1/campaigns/{campaign['id']}/launch", {}, token=marketer))
    return campaign["id"]


def _recipient_statuses(http, campaign_id: str) -> list[str]:
    page = _ok(
        http.call(
            "GET", f"/api/v1/campaigns/{campaign_id}/recipients", token=http.login("marketer.chen")
        )
    )
    return [r["status"] for r in page["recipients"]]


def _marketing_consent(http, customer_id: str, channel: str | None = None) -> dict:
    """The customer's marketing consent on ``channel`` (None: on every channel); an empty one
    (no state) if none was recorded for it."""
    consents = _ok(
        http.call("GET", f"/api/v1/customers/{customer_id}/consents", token=http.login("rep.zhang"))
    )["consents"]
    found = [c for c in consents if c["purpose"] == "marketing" and c["channel"] == channel]
    return found[0] if found else {"state": None}


def _texts_to(running_suite, phone: str) -> list[dict]:
    folder = running_suite.config.sms_dir
    texts = [json.loads(p.read_text()) for p in folder.glob("*.json")] if folder.exists() else []
    return [t for t in texts if t["to"] == phone]


def _next_campaign_is_suppressed(running_suite, channel: str, segment_id: str) -> None:
    campaign_id = _campaign(running_suite.http, channel, segment_id)
    assert wait_until(
        lambda: (
            (s := _recipient_statuses(running_suite.http, campaign_id)) and s[0] != "pending" and s
        ),
        timeout=30,
        message="the next campaign never decided",
    ) == ["suppressed_no_consent"]


def test_the_unsubscribe_link_of_a_marketing_email_stops_the_next_campaign(running_suite, console):
    """...the next e-mail campaign only: an SMS campaign still reaches them."""
    http = running_suite.http
    address = f"han.mei.{uuid.uuid4().hex[:8]}@example.com"
    phone = f"+86138{uuid.uuid4().int % 10**8:08d}"
    customer, segment_id = _consenting_customer(running_suite, email=address, phone=phone)
    _campaign(http, "email", segment_id)
    (mail,) = wait_until(
        lambda: _mail_to(running_suite, address),
        timeout=60,
        message="the campaign's e-mail never arrived",
    )
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith(running_suite.config.console_url + "/u/") and link in _text_of(mail)

    page = console.new_page(viewport=PHONE)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("确定退订营销信息吗？")
    assert _marketing_consent(http, customer["id"], "email")["state"] is None  # opening: nothing
    page.click("form.public-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("您已成功退订。")

    consent = wait_until(
        lambda: (
            (c := _marketing_consent(http, customer["id"], "email"))["state"] == "withdrawn" and c
        ),
        timeout=30,
        message="the consent was never withdrawn",
    )
    assert consent["source"] == "unsubscribe_link"
    assert consent["history"][-1]["source"] == "unsubscribe_link"
    assert _marketing_consent(http, customer["id"])["state"] == "granted"  # every channel
    _next_campaign_is_suppressed(running_suite, "email", segment_id)
    assert len(_mail_to(running_suite, address)) == 1
    _campaign(http, "sms", segment_id)
    wait_until(
        lambda: _texts_to(running_suite, phone),
        timeout=60,
        message="the SMS campaign never reached the customer who unsubscribed from e-mail",
    )
    assert console.csp_violations == []


def test_a_reply_of_tuiding_to_a_marketing_sms_stops_the_next_campaign(running_suite):
    """...the next SMS campaign only: an e-mail campaign still reaches them."""
    http = running_suite.http
    phone = f"+86139{uuid.uuid4().int % 10**8:08d}"
    address = f"li.lei.{uuid.uuid4().hex[:8]}@example.com"
    customer, segment_id = _consenting_customer(running_suite, phone=phone, email=address)
    _campaign(http, "sms", segment_id)
    (text,) = wait_until(
        lambda: _texts_to(running_suite, phone),
        timeout=60,
        message="the campaign's text never reached the SMS gateway",
    )
    assert text["text"].endswith("回T退订")

    secret = running_suite.suite.sms_secret_file.read_text().strip()
    body = json.dumps({"from": phone, "text": " 退订 "}, ensure_ascii=False).encode()
    inbound = f"{running_suite.config.gateway_url}/api/v1/public/sms/inbound"
    forged = requests.post(
        inbound,
        data=body,
        timeout=10,
        headers={SIGNATURE_HEADER: sign("not-the-secret", int(time.time()), body)},
    )
    assert forged.status_code == 401
    assert _marketing_consent(http, customer["id"], "sms")["state"] is None
    answered = requests.post(
        inbound,
        data=body,
        timeout=10,
        headers={SIGNATURE_HEADER: sign(secret, int(time.time()), body)},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json() == {"opt_out": True, "unsubscribed_count": 1}

    consent = _marketing_consent(http, customer["id"], "sms")
    assert (consent["state"], consent["source"]) == ("withdrawn", "sms_reply")
    assert _marketing_consent(http, customer["id"])["state"] == "granted"  # every channel
    _next_campaign_is_suppressed(running_suite, "sms", segment_id)
    assert len(_texts_to(running_suite, phone)) == 1
    _campaign(http, "email", segment_id)
    wait_until(
        lambda: _mail_to(running_suite, address),
        timeout=60,
        message="the e-mail campaign never reached the customer who replied 退订",
    )
