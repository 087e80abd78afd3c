"""Request ids echoed, and the trace of each request reachable from its response."""

from __future__ import annotations

import re

from gateway.identity.demo import USERS
from opentelemetry.trace import SpanKind

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def test_request_id_is_echoed(client):
    response = client.get("/api/v1/me", headers={"X-Request-Id": "req-123.abc"})
    assert response.headers["X-Request-Id"] == "req-123.abc"
    assert response.get_json()["request_id"] == "req-123.abc"  # also in the problem


def test_request_id_is_generated_when_absent_or_unusable(client):
    generated = client.get("/healthz").headers["X-Request-Id"]
    replaced = client.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})

    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-Id"])


def test_response_carries_the_traceparent_of_the_requests_server_span(client, auth_header, spans):
    headers = auth_header("rep.zhang")
    spans.clear()
    response = client.get("/api/v1/me", headers={**headers, "X-Request-Id": "r-1"})

    match = TRACEPARENT.match(response.headers["traceparent"])
    assert match
    server = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert len(server) == 1
    assert format(server[0].context.trace_id, "032x") == match.group(1)
    assert format(server[0].context.span_id, "016x") == match.group(2)
    assert server[0].attributes["http.request.header.x-request-id"] == "r-1"


def test_an_incoming_traceparent_is_continued(client, auth_header, spans):
    headers = auth_header("rep.zhang")
    caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = client.get(
        "/api/v1/me", headers={**headers, "traceparent": f"00-{caller_trace}-00f067aa0ba902b7-01"}
    )
    assert TRACEPARENT.match(response.headers["traceparent"]).group(1) == caller_trace


def test_each_request_is_logged_once_with_its_request_id_and_caller(client, auth_header, caplog):
    headers = auth_header("rep.zhang")
    caplog.clear()
    with caplog.at_level("INFO", logger="crm.http.access"):
        client.get("/api/v1/me", headers={**headers, "X-Request-Id": "log-me-1"})

    (record,) = [r for r in caplog.records if r.name == "crm.http.access"]
    assert record.request_id == "log-me-1"
    assert (record.method, record.route, record.status) == ("GET", "/api/v1/me", 200)
    assert record.user_id == next(u.user_id for u in USERS if u.username == "rep.zhang")


def test_the_access_log_shows_a_survey_link_by_its_route_not_its_token(client, caplog):
    """The signed token is the customer's key to their survey: it never reaches a log."""
    token = "c2VjcmV0LXN1cnZleS10b2tlbg.c2lnbmF0dXJl"
    caplog.clear()
    with caplog.at_level("INFO", logger="crm.http.access"):
        client.get(f"/api/v1/surveys/respond/{token}?lang=zh-CN")

    (record,) = [r for r in caplog.records if r.name == "crm.http.access"]
    assert record.route == "/api/v1/surveys/respond/<token>"
    assert record.path == "/api/v1/surveys/respond/<token>"
    assert token not in repr(record.__dict__)


def test_an_unchanged_token_revocations_poll_is_not_logged_at_info(client, caplog):
    """Every process polls the watermarks every few seconds: a 304 would flood the log."""
    first = client.get("/.well-known/token-revocations")
    assert first.status_code == 200
    caplog.clear()
    with caplog.at_level("INFO", logger="crm.http.access"):
        unchanged = client.get("/.well-known/token-revocations",
                               headers={"If-None-Match": first.headers["ETag"]})
        changed = client.get("/.well-known/token-revocations")

    assert (unchanged.status_code, changed.status_code) == (304, 200)
    (record,) = [r for r in caplog.records if r.name == "crm.http.access"]
    assert (record.route, record.status) == ("/.well-known/token-revocations", 200)
