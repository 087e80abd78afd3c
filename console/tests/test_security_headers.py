"""Every console response carries the security headers (crm_shared.security_headers): nothing
inline may run or style a page, no site may frame it, no Referer leaves it, and HSTS comes
only over TLS (directly or through a trusted proxy). No gateway is needed: the pages asked
for here are public, or refused before anything is called."""

from __future__ import annotations

import pytest
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_shared.auth import generate_signing_key
from crm_shared.settings import load_settings

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


@pytest.fixture(scope="module")
def make_client(tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    generate_signing_key(keys / "k.pem", keys / "k.pub")

    def make(**overrides):
        settings = load_settings(
            ConsoleSettings,
            gateway_url="http://127.0.0.1:1",
            jwt_public_key_file=keys / "k.pub",
            console_secret_key="security-headers-test-secret-of-32-characters",
            console_secure_cookies=False,
            **overrides,
        )
        app = create_app(settings)
        app.testing = True
        return app.test_client()

    return make


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sign-in", 200),
        ("/healthz", 200),
        ("/static/console.css", 200),
        ("/no-such-page", 404),
        ("/", 302),  # to the sign-in page
    ],
)
def test_every_response_carries_the_headers(make_client, path, status):
    response = make_client().get(path)

    assert response.status_code == status
    headers = response.headers
    directives = dict(
        d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";")
    )
    assert {name: directives.get(name) for name in POLICY} == POLICY
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP (make run)
    response.close()


def test_hsts_only_over_tls(make_client):
    direct, behind_ingress = make_client(), make_client(http_trusted_proxies=1)
    hsts = "Strict-Transport-Security"

    assert (
        direct.get("/healthz", base_url="https://crm.example.com")
        .headers[hsts]
        .startswith("max-age=")
    )
    assert hsts not in direct.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    assert hsts in behind_ingress.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    forged = behind_ingress.get("/healthz", headers={"X-Forwarded-Proto": "https, http"})
    assert hsts not in forged.headers


def test_no_template_holds_inline_script_or_style():
    """What the policy forbids must not be in the pages: a <script> without src (a JSON data
    block is data, not a script), a <style> element, a style="" or on...="" attribute would
    be blocked in the browser."""
    import re
    from pathlib import Path

    import crm_console

    inline = re.compile(
        r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
        re.IGNORECASE,
    )
    templates = Path(crm_console.__file__).parent / "templates"
    found = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in sorted(templates.rglob("*.html"))
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
