"""Liveness, readiness and the public signing keys."""

from __future__ import annotations

import jwt


def test_healthz_answers_without_a_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_200_while_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_a_503_problem_when_the_database_does_not_answer(app, client, monkeypatch):
    database = app.extensions["crm.gateway"].database

    def unreachable():
        raise ConnectionError("database is down")

    monkeypatch.setattr(database, "ping", unreachable)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"]


def test_jwks_publishes_the_key_that_verifies_issued_tokens(client, login):
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    token = login("admin")

    assert len(keys) == 1
    claims = jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["ES256"], audience="crm-gateway")
    assert claims["preferred_username"] == "admin"
