"""Logins are throttled per client address, per account at an address and per account
everywhere (the rule: ``gateway.ratelimits.LoginThrottle``), without telling which usernames
exist; behind the ingress the client address comes from the trusted proxy hop."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def attempt(client, username, password="wrong", address="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


INGRESS = "10.42.0.7"  # the ingress controller's pod: the peer of every request behind it


@pytest.fixture
def app(make_app):
    return make_app(
        login_failures_per_account_address=3,
        login_failures_per_address=6,
        login_failures_per_account=8,
    )


@pytest.fixture
def behind_ingress(make_app):
    """A client of a gateway behind one trusted proxy hop (what the chart deploys)."""
    return make_app(
        http_trusted_proxies=1,
        login_failures_per_account_address=3,
        login_failures_per_address=6,
        login_failures_per_account=6,
    ).test_client()


def through_ingress(client, username, password="wrong", *, client_address, forwarded=()):
    """The status of a login as the ingress passes it on: from the ingress's address, with the
    client's address added to whatever X-Forwarded-For the client sent itself."""
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": INGRESS},
        headers={"X-Forwarded-For": ", ".join([*forwarded, client_address])},
    ).status_code


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


def test_an_attacker_exhausting_its_limit_on_an_account_does_not_lock_out_its_owner_elsewhere(
    behind_ingress,
):
    attacker, owner = "203.0.113.9", "198.51.100.20"
    statuses = [through_ingress(behind_ingress, "admin", client_address=attacker) for _ in range(8)]
    assert statuses.count(401) >= 3 and statuses[-1] == 429  # the attacker is stopped...

    # ...and the owner of the account, at another address, is not.
    assert through_ingress(behind_ingress, "admin", "demo", client_address=owner) == 200
    assert through_ingress(behind_ingress, "admin", "demo", client_address=attacker) == 429


def test_failures_from_many_addresses_refuse_new_addresses_but_not_the_owners_usual_one(
    behind_ingress,
):
    usual = "198.51.100.20"
    assert through_ingress(behind_ingress, "admin", "demo", client_address=usual) == 200

    # Guessing spread over two addresses, three each: the 6 the account allows from everywhere.
    for bot in ("203.0.113.1", "203.0.113.2"):
        for _ in range(3):
            assert through_ingress(behind_ingress, "admin", client_address=bot) == 401

    # No more guesses from anywhere new, even with the right password...
    assert through_ingress(behind_ingress, "admin", "demo", client_address="203.0.113.4") == 429
    assert through_ingress(behind_ingress, "admin", "demo", client_address="192.0.2.55") == 429
    # ...while the owner, where they logged in before, still gets in,
    assert through_ingress(behind_ingress, "admin", "demo", client_address=usual) == 200
    # and other accounts are not concerned.
    assert through_ingress(behind_ingress, "rep.li", "demo", client_address="192.0.2.55") == 200


def test_a_forwarded_for_written_by_the_client_is_ignored_behind_the_ingress(behind_ingress):
    attacker = "203.0.113.9"
    for index in range(6):
        # Another account and another made-up address each time, before the one the ingress
        # adds: all six are counted for the attacker's real address.
        made_up = [f"192.0.2.{index}"]
        status = through_ingress(
            behind_ingress, f"user{index}", client_address=attacker, forwarded=made_up
        )
        assert status == 401

    assert through_ingress(behind_ingress, "rep.li", "demo", client_address=attacker) == 429
    assert through_ingress(behind_ingress, "rep.li", "demo", client_address="192.0.2.0") == 200


def test_without_trusted_proxies_a_forwarded_for_is_ignored_altogether(client):
    def login(username, password, forwarded_for):
        return client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": password},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code

    for index in range(6):
        assert login(f"user{index}", "wrong", f"192.0.2.{index}") == 401

    assert login("rep.li", "demo", "192.0.2.99") == 429  # counted for 10.0.0.9, the peer
