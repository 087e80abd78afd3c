"""Logging in and asking who one is, over HTTP, against a migrated database."""

from __future__ import annotations

import pytest
from crm_shared.auth import TokenIssuer, TokenVerifier
from gateway.identity.demo import USERS

PROBLEM = "application/problem+json"


def me(client, token: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_login_returns_a_bearer_token_the_shared_verifier_accepts(client, signing_keys):
    response = client.post("/api/v1/auth/token", json={"username": "rep.zhang", "password": "demo"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert response.headers["Cache-Control"] == "no-store"
    # a person's token is for every service too (crm_shared.auth.audiences)
    verifier = TokenVerifier(
        signing_keys.public.read_bytes(), issuer="crm-gateway", audience="crm-customer"
    )
    principal = verifier.verify(body["access_token"])
    assert principal.username == "rep.zhang"
    assert principal.department_path == "/hq/sales/east"
    assert principal.data_scope.value == "own"


@pytest.mark.parametrize(
    "credentials",
    [{"username": "rep.zhang", "password": "wrong"}, {"username": "nobody", "password": "demo"}],
    ids=["wrong-password", "unknown-user"],
)
def test_wrong_credentials_give_the_same_401_whichever_part_was_wrong(client, credentials):
    response = client.post("/api/v1/auth/token", json=credentials)

    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.get_json()["detail"] == "invalid username or password"


def test_me_describes_the_caller(client, login):
    response = me(client, login("sales.lead"))

    assert response.status_code == 200
    body = response.get_json()
    lead = next(u for u in USERS if u.username == "sales.lead")
    assert body == {
        "id": lead.user_id,
        "username": "sales.lead",
        "display_name": lead.display_name,
        "email": "sales.lead@example.com",
        "phone": lead.phone,
        "job_title": lead.job_title,
        "locale": "zh-CN",
        "roles": ["manager", "sales_lead"],
        "department_path": "/hq/sales",
        "data_scope": "department",
        "is_department_lead": True,
    }


def test_missing_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="crm"'


def test_malformed_authorization_header_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Basic cmVwOmRlbW8="})
    assert response.status_code == 401


def test_expired_token_is_401(client, signing_keys):
    issuer = TokenIssuer(signing_keys.private.read_bytes(), issuer="crm-gateway")
    token = issuer.issue(
        user_id="u",
        username="rep.zhang",
        roles=["sales_rep"],
        department_path="/hq/sales/east",
        data_scope="own",
        ttl_seconds=-60,
    )

    response = me(client, token)

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "expired" in response.get_json()["detail"]


def test_token_signed_with_a_foreign_key_is_401(client, foreign_keys):
    issuer = TokenIssuer(foreign_keys.private.read_bytes(), issuer="crm-gateway")
    token = issuer.issue(
        user_id="u", username="admin", roles=["admin"], department_path="/hq", data_scope="all"
    )

    assert me(client, token).status_code == 401


def test_unsigned_token_is_401(client, login):
    import base64
    import json

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    _, claims, _ = login("rep.zhang").split(".")
    forged = f"{part({'alg': 'none', 'typ': 'at+jwt'})}.{claims}."

    assert me(client, forged).status_code == 401


def test_a_disabled_user_cannot_log_in(client, demo_database):
    from gateway.identity import directory

    with demo_database.unit_of_work() as uow:
        directory.find_user(uow.session, "rep.li").active = False

    response = client.post("/api/v1/auth/token", json={"username": "rep.li", "password": "demo"})
    assert response.status_code == 401
