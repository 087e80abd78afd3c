"""The public pages' foundation (crm_console.public): a PublicBlueprint's pages need no
sign-in while every other page still does, refusals are plain pages on the public layout,
and the abuse guards (public/abuse.py) refuse before a form is read: too many requests per
address or per target (429 with Retry-After), a filled honeypot (400), a body too large
(413), a missing CSRF token (400), a field too long (its error next to the field).

No gateway is needed: the test blueprint calls nothing, and every refused request is
refused before anything would be called."""

from __future__ import annotations

import re

import pytest
from crm_console.app import create_app
from crm_console.public import PublicBlueprint
from crm_console.public.abuse import FormFields, csrf_exempt, guard
from crm_console.settings import ConsoleSettings
from crm_shared.auth import generate_signing_key
from crm_shared.settings import load_settings
from flask import render_template_string, request

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = """{% extends "public/base.html" %}{% import "public/_form.html" as pf %}
{% block content %}<form method="post">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">{{ pf.honeypot() }}
<p id="stored">{{ stored }}</p><p id="errors">{{ errors }}</p></form>{% endblock %}"""


@pytest.fixture()
def app(tmp_path):
    generate_signing_key(tmp_path / "k.pem", tmp_path / "k.pub")
    settings = load_settings(
        ConsoleSettings,
        gateway_url="http://127.0.0.1:1",
        jwt_public_key_file=tmp_path / "k.pub",
        console_secret_key="public-foundation-test-secret-of-32-chars",
        console_secure_cookies=False,
        public_company_name="宁波某某电器有限公司",
        public_rate_limit_per_address=5,
        public_rate_limit_per_target=3,
    )
    app = create_app(settings)
    app.testing = True
    stored = []
    pages = PublicBlueprint("public_test", __name__, url_prefix="/_public-test")

    @pages.route("/form/<target>", methods=["GET", "POST"])
    def form(target):
        errors = {}
        if request.method == "POST":
            guard("test", target=target, max_body=1024)
            fields = FormFields(request.form)
            note = fields.text("note", max_length=10, required=True)
            errors = fields.errors
            if not errors:
                stored.append(note)
        return render_template_string(FORM, stored=len(stored), errors=errors)

    @pages.route("/one-click/<target>", methods=["POST"])
    @csrf_exempt
    def one_click(target):
        guard("one-click", target=target)
        stored.append(target)
        return "", 204

    app.register_blueprint(pages)
    # The app exempts marked views when it is built; this blueprint came after, so likewise.
    app.extensions["csrf"].exempt(one_click)
    app.stored = stored
    return app


def _csrf(client, target="a"):
    page = client.get(f"/_public-test/form/{target}")
    assert page.status_code == 200
    return CSRF_INPUT.search(page.text).group(1)


def test_a_public_page_needs_no_sign_in_and_shows_the_company(app):
    page = app.test_client().get("/_public-test/form/a")

    assert page.status_code == 200
    assert "宁波某某电器有限公司" in page.text and 'translate="no"' in page.text
    assert 'class="topbar"' not in page.text  # no staff navigation
    assert page.headers["Content-Language"] == "zh-CN"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_staff_pages_still_need_a_sign_in(app):
    assert app.test_client().get("/").status_code == 302


def test_english_is_chosen_by_the_link_or_the_browser(app):
    client = app.test_client()
    by_link = client.get("/_public-test/form/a?lang=en-US")
    by_browser = app.test_client().get(
        "/_public-test/form/a", headers={"Accept-Language": "en-GB,en;q=0.8"}
    )

    assert by_link.headers["Content-Language"] == "en-US"
    assert by_browser.headers["Content-Language"] == "en-US"
    assert 'href="?lang=zh-CN"' in by_browser.text


def test_a_post_without_the_csrf_token_is_a_plain_refusal_and_stores_nothing(app):
    client = app.test_client()
    client.get("/_public-test/form/a")
    refused = client.post("/_public-test/form/a", data={"note": "hi"})

    assert refused.status_code == 400
    assert "表单已过期" in refused.text
    assert app.stored == []


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(app):
    client = app.test_client()
    token = _csrf(client)
    refused = client.post(
        "/_public-test/form/a",
        data={"csrf_token": token, "note": "hi", "website": "http://spam.example"},
    )

    assert refused.status_code == 400
    assert "无法受理此请求" in refused.text
    assert app.stored == []


def test_a_body_over_the_forms_limit_is_refused(app):
    client = app.test_client()
    token = _csrf(client)
    refused = client.post("/_public-test/form/a", data={"csrf_token": token, "note": "x" * 2000})

    assert refused.status_code == 413
    assert app.stored == []


def test_a_field_over_its_limit_gets_its_error_and_nothing_is_stored(app):
    client = app.test_client()
    token = _csrf(client)
    answered = client.post("/_public-test/form/a", data={"csrf_token": token, "note": "x" * 11})

    assert answered.status_code == 200
    assert "最多 10 个字符" in answered.text
    assert app.stored == []


def test_too_many_posts_for_one_target_are_refused_with_retry_after(app):
    client = app.test_client()
    token = _csrf(client, "t1")
    # each from its own address: only the target's count can refuse them
    answers = [
        client.post(
            "/_public-test/form/t1",
            data={"csrf_token": token, "note": ""},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"},
        )
        for i in range(5)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert "请求过于频繁" in answers[-1].text
    # another target still has its own allowance
    assert (
        client.post("/_public-test/form/t2", data={"csrf_token": token, "note": "ok"}).status_code
        == 200
    )
    assert app.stored == ["ok"]


def test_too_many_posts_from_one_address_are_refused_whatever_the_target(app):
    client = app.test_client()
    token = _csrf(client)
    statuses = [
        client.post(
            f"/_public-test/form/x{i}",
            data={"csrf_token": token, "note": ""},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        ).status_code
        for i in range(7)
    ]
    other = client.post(
        "/_public-test/form/y",
        data={"csrf_token": token, "note": ""},
        environ_base={"REMOTE_ADDR": "203.0.113.8"},
    )

    assert statuses == [200] * 5 + [429, 429]
    assert other.status_code == 200


def test_a_one_click_post_needs_no_csrf_token_but_is_rate_limited(app):
    client = app.test_client()
    statuses = [client.post("/_public-test/one-click/abc").status_code for _ in range(4)]

    assert statuses == [204, 204, 204, 429]
    assert app.stored == ["abc"] * 3
