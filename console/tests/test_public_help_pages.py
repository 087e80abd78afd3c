"""The web-to-lead form and the help pages (crm_console.public.lead_form, help) without a
gateway: they open without sign-in in Chinese first; the lead form may be framed only by the
sites ``PUBLIC_LEAD_FORM_FRAME_ANCESTORS`` lists ('none' and X-Frame-Options DENY otherwise);
a form with mistakes is answered with each error next to its field and what was typed kept,
before anything is sent (the gateway here is unreachable: a call would be a 503); a lead form
whose signed token was forged is refused. What lands where, through the real gateway and
services, is e2e-tests/test_public_help_and_leads.py."""

from __future__ import annotations

import re

import pytest

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def client(public_client):
    return public_client()


def test_the_lead_form_opens_without_sign_in_carrying_its_campaign(client):
    page = client.get("/forms/lead?utm_source=baidu&utm_campaign=spring&owner_id=x")
    assert page.status_code == 200
    assert "联系我们" in page.text
    assert 'name="utm_source" value="baidu"' in page.text
    assert 'name="utm_campaign" value="spring"' in page.text
    assert 'name="owner_id"' not in page.text  # only the campaign's parameters travel
    # switching the language keeps the campaign
    assert 'href="?utm_source=baidu&amp;utm_campaign=spring&amp;owner_id=x&amp;lang=en-US"' in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_only_the_listed_sites_may_frame_the_lead_form(public_client):
    client = public_client(
        public_lead_form_frame_ancestors="https://www.example.com "
        "javascript:alert(1) https://a.example:8443",
    )
    page = client.get("/forms/lead")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors https://www.example.com https://a.example:8443" in policy
    assert "javascript" not in policy
    assert "X-Frame-Options" not in page.headers
    # every other page stays unframeable
    other = client.get("/help")
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]
    assert other.headers["X-Frame-Options"] == "DENY"


def test_a_lead_form_with_mistakes_shows_each_next_to_its_field_and_sends_nothing(client):
    token = FORM_TOKEN.search(client.get("/forms/lead").text).group(1)
    page = client.post(
        "/forms/lead?lang=en-US",
        data={
            "form_token": token,
            "contact_name": "",
            "phone": "",
            "email": "",
            "need_description": "字" * 2001,
            "job_title": "经理",
        },
    )
    assert page.status_code == 422
    assert 'id="f-contact_name-error"' in page.text and 'id="f-phone-error"' in page.text
    assert 'id="f-need_description-error"' in page.text
    assert 'value="经理"' in page.text  # what was typed is kept


def test_a_lead_form_with_a_forged_token_is_refused(client):
    page = client.post(
        "/forms/lead", data={"form_token": "forged", "contact_name": "王", "phone": "13712345678"}
    )
    assert page.status_code == 400
    assert "表单已过期" in page.text


def test_the_help_form_checks_its_fields_before_sending(client):
    form = client.get("/help")
    assert form.status_code == 200 and "联系客服" in form.text
    assert 'hx-post="/help/suggest"' in form.text
    csrf = CSRF_INPUT.search(form.text).group(1)
    page = client.post(
        "/help",
        data={"csrf_token": csrf, "type": "praise", "description": " ", "reporter_name": "李女士"},
    )
    assert page.status_code == 422
    for field in ("type", "description", "reporter_phone"):
        assert f'id="f-{field}-error"' in page.text
    assert 'value="李女士"' in page.text


def test_the_help_form_needs_its_csrf_token(client):
    client.get("/help")
    page = client.post(
        "/help", data={"type": "complaint", "description": "坏了", "reporter_phone": "13800138000"}
    )
    assert page.status_code == 400


def test_the_status_form_and_the_knowledge_base_open_without_sign_in(client):
    status = client.get("/help/status")
    assert status.status_code == 200 and "查询工单进度" in status.text
    csrf = CSRF_INPUT.search(status.text).group(1)
    missing = client.post("/help/status", data={"csrf_token": csrf, "number": "", "contact": ""})
    assert missing.status_code == 422
    assert 'id="f-number-error"' in missing.text and 'id="f-contact-error"' in missing.text
    assert client.get("/help/kb").status_code == 200
    short = client.post("/help/suggest", data={"csrf_token": csrf, "description": "坏了"})
    assert short.status_code == 200 and short.text.strip() == ""  # too short to look


def test_a_suggestion_searches_words_never_the_numbers_or_addresses_typed():
    from crm_console.public.help import _searchable

    assert _searchable("净水器漏水 电话 138 0013 8000，邮箱 li@example.com 订单 2026031200") == (
        "净水器漏水 电话 ，邮箱 订单")
