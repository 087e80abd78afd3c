"""Every kind of bad token is refused with 401 at the gateway; refresh tokens rotate, and a
reused refresh token revokes its whole session."""

from __future__ import annotations

import time

import jwt
import pytest
from crm_shared.auth import TokenIssuer

PROBLEM = "application/problem+json"
CLAIMS = {
    "user_id": "u-1",
    "username": "rep.zhang",
    "roles": ["admin"],
    "department_path": "/hq",
    "data_scope": "all",
}


def get_me(client, token: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def password_login(client, username="rep.zhang", password="demo"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def refresh(client, token: str):
    return client.post(
        "/api/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": token}
    )


def _forged(signing_keys, **changes) -> str:
    issuer = TokenIssuer(
        signing_keys.private.read_bytes(),
        issuer=changes.pop("iss", "crm-gateway"),
        audience=changes.pop("aud", None),  # None: what a real token of CLAIMS names
    )
    return issuer.issue(**CLAIMS, **changes)


def _alg_none() -> str:
    now = int(time.time())
    claims = {
        "iss": "crm-gateway",
        "aud": "crm-gateway",
        "sub": "u-1",
        "iat": now,
        "exp": now + 300,
        "roles": ["admin"],
        "dept": "/hq",
        "scope_data": "all",
    }
    return jwt.encode(claims, None, algorithm="none", headers={"typ": "at+jwt"})


def _wrong_typ(signing_keys) -> str:
    token = _forged(signing_keys)
    claims = jwt.decode(token, options={"verify_signature": False})
    key = TokenIssuer(signing_keys.private.read_bytes(), issuer="crm-gateway")
    return jwt.encode(claims, key._key, algorithm="ES256", headers={"typ": "JWT"})


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda keys, foreign: _forged(keys, ttl_seconds=-120), id="expired"),
        pytest.param(lambda keys, foreign: _forged(keys, aud="erp"), id="wrong-audience"),
        pytest.param(lambda keys, foreign: _forged(keys, iss="evil"), id="wrong-issuer"),
        pytest.param(lambda keys, foreign: _alg_none(), id="alg-none"),
        pytest.param(lambda keys, foreign: _forged(foreign), id="wrong-key"),
        pytest.param(lambda keys, foreign: _wrong_typ(keys), id="not-an-access-token"),
        pytest.param(lambda keys, foreign: "not.a.jwt", id="garbage"),
    ],
)
def test_bad_access_tokens_are_refused_with_401(client, signing_keys, foreign_keys, make_token):
    response = get_me(client, make_token(signing_keys, foreign_keys))

    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_login_returns_a_refresh_token_that_rotates(client):
    first = password_login(client).get_json()
    assert first["refresh_token"] and first["refresh_expires_in"] == 28_800

    second = refresh(client, first["refresh_token"])

    assert second.status_code == 200
    body = second.get_json()
    assert body["refresh_token"] != first["refresh_token"]
    assert get_me(client, body["access_token"]).get_json()["username"] == "rep.zhang"


def test_reusing_a_refresh_token_is_refused_and_revokes_the_whole_session(client):
    stolen = password_login(client).get_json()["refresh_token"]
    successor = refresh(client, stolen).get_json()["refresh_token"]

    reused = refresh(client, stolen)

    assert reused.status_code == 401
    assert reused.mimetype == PROBLEM
    assert "reused" in reused.get_json()["detail"]
    # The family is revoked: the legitimate successor no longer works either.
    assert refresh(client, successor).status_code == 401


def test_unknown_refresh_token_is_refused(client):
    assert refresh(client, "x" * 43).status_code == 401


def test_logout_revokes_the_session(client):
    token = password_login(client).get_json()["refresh_token"]

    response = client.post("/api/v1/auth/logout", json={"refresh_token": token})

    assert response.get_json() == {"revoked": True}
    assert refresh(client, token).status_code == 401


def test_a_grant_without_its_fields_is_a_422_naming_them(client):
    response = client.post("/api/v1/auth/token", json={"grant_type": "client_credentials"})

    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"client_id", "client_secret"}
