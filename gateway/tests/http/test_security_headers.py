"""Every gateway response carries the security headers (crm_shared.security_headers): the
JSON API may load and run nothing, no site may frame it, a survey link's token never leaves
in a Referer, and HSTS comes only over TLS (directly or through a trusted proxy)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _assert_secured(response, *, policy=API_POLICY, referrer="strict-origin-when-cross-origin"):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == referrer
    assert headers["Content-Security-Policy"] == policy
    assert "Strict-Transport-Security" not in headers  # plain HTTP: a browser would ignore it


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/healthz", 200),
        ("get", "/api/v1/openapi.json", 200),
        ("get", "/api/v1/customers", 401),
        ("get", "/api/v1/no-such-thing", 404),
        ("post", "/api/v1/auth/token", 422),
        ("get", "/api/v1/explorer/assets/css/swagger-ui.css", 200),
    ],
)
def test_every_response_carries_the_headers(client, method, path, status):
    response = getattr(client, method)(path, json={} if method == "post" else None)
    assert response.status_code == status
    _assert_secured(response)
    response.close()


def test_a_survey_link_is_never_sent_on_as_a_referrer(client):
    response = client.get("/api/v1/surveys/respond/not-a-real-token")
    # No marketing service answers in these tests: the link is unknown (404) or the service
    # unavailable (503); either way the answer carries the headers.
    assert response.status_code in (404, 503), response.status_code
    _assert_secured(response, referrer="no-referrer")


def test_the_explorer_page_allows_exactly_its_own_script(client):
    page = client.get("/api/v1/explorer")
    policy = page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))

    (inline,) = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert directives["script-src"] == f"'self' 'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_over_tls(make_app):
    direct = make_app().test_client()
    behind_ingress = make_app(http_trusted_proxies=1).test_client()
    hsts = "Strict-Transport-Security"

    assert hsts not in direct.get("/healthz").headers
    assert (
        direct.get("/healthz", base_url="https://crm.example.com")
        .headers[hsts]
        .startswith("max-age=31536000")
    )
    # Without a trusted proxy, anyone can write X-Forwarded-Proto: it counts for nothing.
    assert hsts not in direct.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    assert hsts in behind_ingress.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    assert hsts not in behind_ingress.get("/healthz", headers={"X-Forwarded-Proto": "http"}).headers
    # The client's own claim sits left of what the ingress wrote.
    forged = behind_ingress.get("/healthz", headers={"X-Forwarded-Proto": "https, http"})
    assert hsts not in forged.headers
