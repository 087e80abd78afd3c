"""Per-caller rate limits: quota headers on every authenticated response, 429 with
``Retry-After`` past the limit, separate quotas per user, and none on public routes."""

from __future__ import annotations

import pytest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


PROBLEM = "application/problem+json"


@pytest.fixture
def app(make_app):
    return make_app(rate_limit_user_requests=3, rate_limit_window_seconds=3600)


def test_responses_carry_the_quota_and_the_request_past_it_is_429(client, login):
    token = login("rep.zhang")
    remaining = []
    for _ in range(3):
        response = client.get("/api/v1/me", headers=bearer(token))
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "3"
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]

    refused = client.get("/api/v1/me", headers=bearer(token))

    assert refused.status_code == 429
    assert refused.mimetype == PROBLEM
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["Retry-After"] == refused.headers["RateLimit-Reset"]


def test_each_user_has_their_own_quota(client, login):
    zhang, li = login("rep.zhang"), login("rep.li")
    for _ in range(3):
        client.get("/api/v1/me", headers=bearer(zhang))
    assert client.get("/api/v1/me", headers=bearer(zhang)).status_code == 429
    assert client.get("/api/v1/me", headers=bearer(li)).status_code == 200


def test_public_routes_are_not_counted(client):
    for _ in range(5):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert "RateLimit-Limit" not in response.headers


def test_limits_are_on_by_default_with_600_a_minute_per_user(make_settings):
    settings = make_settings()
    assert settings.rate_limit_enabled
    assert (settings.rate_limit_user_requests, settings.rate_limit_window_seconds) == (600, 60)


def test_limits_can_be_turned_off(make_app, login):
    client = make_app(rate_limit_enabled=False, rate_limit_user_requests=1).test_client()
    token = client.post(
        "/api/v1/auth/token", json={"username": "rep.zhang", "password": "demo"}
    ).get_json()["access_token"]
    for _ in range(3):
        response = client.get("/api/v1/me", headers=bearer(token))
        assert response.status_code == 200
        assert "RateLimit-Limit" not in response.headers
