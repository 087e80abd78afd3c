"""CORS is off unless configured, then only for the listed origins; the API explorer page
and its assets are served by the gateway itself, with nothing loaded from elsewhere."""

from __future__ import annotations

import re

ORIGIN = "https://crm.example.com"


def test_cors_is_off_by_default(client):
    response = client.get("/healthz", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_listed_origin_is_allowed_and_its_preflight_answered(make_app):
    client = make_app(cors_allowed_origins=f"{ORIGIN}, https://admin.example.com").test_client()

    simple = client.get("/healthz", headers={"Origin": ORIGIN})
    preflight = client.options(
        "/api/v1/customers",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, idempotency-key",
        },
    )
    other = client.get("/healthz", headers={"Origin": "https://evil.example"})

    assert simple.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in simple.headers["Vary"]
    assert "RateLimit-Remaining" in simple.headers["Access-Control-Expose-Headers"]
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in other.headers


def test_the_explorer_page_and_its_assets_come_from_the_gateway(client):
    page = client.get("/api/v1/explorer")

    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/api/v1/explorer/assets/") for u in urls)
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.get_data()) > 100, url
        asset.close()
