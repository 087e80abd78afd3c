"""Every error is a problem document: unknown route, wrong method, bad input, a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import text

PROBLEM = "application/problem+json"


def test_unknown_route_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == 404 and body["type"] == "urn:crm:problem:not-found"
    assert body["instance"] == "/api/v1/no-such-thing"


def test_wrong_method_is_a_405_problem_naming_the_allowed_ones(client):
    response = client.delete("/api/v1/me")

    assert response.status_code == 405
    assert response.mimetype == PROBLEM
    assert "GET" in response.headers["Allow"]


def test_bad_login_body_is_422_with_one_error_per_field(client):
    response = client.post("/api/v1/auth/token", json={"username": "", "extra": 1})

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(errors) == {"username", "extra"}  # password is required per grant, checked next


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{not json", "application/json"), ("[1, 2]", "application/json"), ("a=b", "text/plain")],
    ids=["malformed-json", "not-an-object", "not-json"],
)
def test_body_that_is_not_a_json_object_is_422_on_the_body(client, data, content_type):
    response = client.post("/api/v1/auth/token", data=data, content_type=content_type)

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "body"


def test_bad_customer_body_is_422_with_field_errors_before_any_call(client, auth_header):
    # No customer service runs: a 422 proves nothing was sent on.
    response = client.post(
        "/api/v1/customers",
        json={"type": "company", "display_name": "", "owner": "someone", "phone": 13800138000},
        headers=auth_header("rep.zhang"),
    )

    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"type", "display_name", "owner", "phone"}


def test_bad_query_is_422_naming_the_parameter(client, auth_header):
    response = client.get("/api/v1/customers?page_size=zero", headers=auth_header("rep.zhang"))

    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["page_size"]


def test_authentication_comes_before_validation(client):
    response = client.post("/api/v1/customers", json={"type": "bogus"})
    assert response.status_code == 401


def test_mark_read_needs_ids_or_all_but_not_both(client, auth_header):
    for body in ({}, {"ids": ["n-1"], "all": True}):
        response = client.post(
            "/api/v1/notifications/mark-read", json=body, headers=auth_header("rep.zhang")
        )
        assert response.status_code == 422, body


def test_unexpected_exception_is_a_500_problem_with_the_trace_id_and_no_traceback(
    app, client, spans
):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/app.py line 42")

    from gateway.endpoints import ACCESS_ATTRIBUTE, Access

    setattr(app.view_functions["boom"], ACCESS_ATTRIBUTE, Access(public=True))
    response = client.get("/boom")

    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    body = response.get_json()
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert body["trace_id"] and len(body["trace_id"]) == 32
    assert body["trace_id"] in body["detail"]
    server = [s for s in spans.get_finished_spans() if s.name.endswith("/boom")]
    assert format(server[0].context.trace_id, "032x") == body["trace_id"]


def test_a_database_that_cannot_be_reached_is_a_503_with_retry_after_not_a_500(app, client):
    """A restart of the identity database (the chaos harness, issue 17) drops the connections
    of requests in flight: the caller is told to retry, not that the gateway failed."""
    from crm_devstack.ports import free_port
    from crm_shared.db import Database

    down = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")

    @app.get("/database-down")
    def database_down():
        with down.unit_of_work(readonly=True) as uow:
            uow.session.execute(text("SELECT 1"))

    from gateway.endpoints import ACCESS_ATTRIBUTE, Access

    setattr(app.view_functions["database_down"], ACCESS_ATTRIBUTE, Access(public=True))
    response = client.get("/database-down")
    down.dispose()

    assert response.status_code == 503
    assert response.mimetype == PROBLEM
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["detail"] == "the database is unavailable; retry later"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_oversized_body_is_a_413_problem(make_app):
    client = make_app(http_max_body_bytes=2048).test_client()
    response = client.post("/api/v1/auth/token", data="x" * 4096, content_type="application/json")

    assert response.status_code == 413
    assert response.mimetype == PROBLEM
