"""Logins are throttled per account and per client address, without telling which
usernames exist."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def attempt(client, username, password="wrong", address="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def app(make_app):
    return make_app(login_failures_per_account=3, login_failures_per_address=6)


@pytest.mark.parametrize("username", ["rep.zhang", "nobody.here"], ids=["existing", "unknown"])
def test_an_account_is_locked_after_its_failures_the_same_way_whether_it_exists(client, username):
    for _ in range(3):
        assert attempt(client, username).status_code == 401

    locked = attempt(client, username, password="demo")  # even the right password

    assert locked.status_code == 429
    assert locked.mimetype == PROBLEM
    assert 1 <= int(locked.headers["Retry-After"]) <= 900
    assert locked.get_json()["detail"] == "too many failed logins; retry later"


def test_another_account_and_another_address_are_not_affected(client):
    for _ in range(3):
        attempt(client, "rep.zhang")
    assert attempt(client, "rep.li", password="demo").status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(client):
    for index in range(6):
        assert attempt(client, f"user{index}", address="10.9.9.9").status_code == 401

    assert attempt(client, "rep.li", password="demo", address="10.9.9.9").status_code == 429
    assert attempt(client, "rep.li", password="demo", address="10.1.1.1").status_code == 200


def test_client_credentials_are_throttled_too(client):
    for _ in range(3):
        response = client.post(
            "/api/v1/auth/token",
            json={"grant_type": "client_credentials", "client_id": "svc.x", "client_secret": "no"},
        )
        assert response.status_code == 401
    response = client.post(
        "/api/v1/auth/token",
        json={"grant_type": "client_credentials", "client_id": "svc.x", "client_secret": "no"},
    )
    assert response.status_code == 429
