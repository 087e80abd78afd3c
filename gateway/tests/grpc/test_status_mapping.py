"""gRPC statuses from a real server become the table's HTTP problems, field errors included;
a stopped service is a 503, a slow one a 504, both with Retry-After."""

from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind

PROBLEM = "application/problem+json"


@pytest.fixture
def scripted(scripted_customers):
    return scripted_customers[0]


@pytest.fixture
def client(make_app, scripted_customers):
    _, server = scripted_customers
    return make_app(customer_addr=server.address).test_client()


@pytest.mark.parametrize(
    ("customer_id", "status", "kind"),
    [
        ("forbidden", 403, "permission-denied"),
        ("missing", 404, "not-found"),
        ("closed", 409, "failed-precondition"),
    ],
)
def test_service_errors_map_through_the_table(client, auth_header, customer_id, status, kind):
    response = client.get(f"/api/v1/customers/{customer_id}", headers=auth_header("rep.zhang"))

    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert response.get_json()["type"] == f"urn:crm:problem:{kind}"
    assert customer_id in response.get_json()["detail"]


def test_field_violations_from_the_service_become_422_field_errors(client, auth_header, scripted):
    response = client.post(
        "/api/v1/customers",
        json={"type": "individual", "display_name": "王小明", "email": "x", "phone": "1"},
        headers=auth_header("rep.zhang"),
    )

    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "email", "message": "is not an e-mail address"},
        {"field": "phone", "message": "must be an 11-digit mainland mobile or E.164"},
    ]
    assert [m for m, _, _ in scripted.calls.seen] == ["CreateCustomer"]


def test_the_callers_token_reaches_the_service(client, auth_header, scripted):
    client.get("/api/v1/customers/c-9", headers=auth_header("agent.wang"))

    ((_, request, principal),) = scripted.calls.seen
    assert request.id == "c-9"
    assert principal.username == "agent.wang"
    assert principal.department_path == "/hq/service"


def test_an_unexpected_service_failure_is_a_500_without_its_internals(client, auth_header):
    response = client.get("/api/v1/customers/broken", headers=auth_header("rep.zhang"))

    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert "hunter2" not in response.get_data(as_text=True)


def test_invalid_request_body_is_not_sent_on(client, auth_header, scripted):
    response = client.post(
        "/api/v1/customers", json={"type": "planet"}, headers=auth_header("rep.zhang")
    )

    assert response.status_code == 422
    assert scripted.calls.seen == []


def test_a_stopped_service_is_503_with_retry_after(scripted_customers, make_app, auth_header):
    _, server = scripted_customers
    client = make_app(customer_addr=server.address).test_client()
    headers = auth_header("rep.zhang")
    server.stop()

    read = client.get("/api/v1/customers/c-1", headers=headers)
    write = client.post(
        "/api/v1/customers", json={"type": "individual", "display_name": "x"}, headers=headers
    )

    for response in (read, write):
        assert response.status_code == 503
        assert response.mimetype == PROBLEM
        assert int(response.headers["Retry-After"]) > 0
        assert "unavailable" in response.get_json()["detail"]


def test_a_service_slower_than_the_deadline_is_504_with_retry_after(
    scripted_customers, make_app, auth_header
):
    scripted, server = scripted_customers
    client = make_app(customer_addr=server.address, grpc_timeout_seconds=0.3).test_client()

    response = client.get("/api/v1/customers/slow", headers=auth_header("rep.zhang"))
    scripted.release.set()

    assert response.status_code == 504
    assert response.mimetype == PROBLEM
    assert int(response.headers["Retry-After"]) > 0


def test_grpc_calls_are_client_spans_inside_the_requests_server_span(client, auth_header, spans):
    headers = auth_header("rep.zhang")
    spans.clear()

    response = client.get("/api/v1/customers/c-1", headers=headers)

    assert response.status_code == 200
    finished = spans.get_finished_spans()
    server = [s for s in finished if s.kind is SpanKind.SERVER and s.name.startswith("GET")]
    client_calls = [s for s in finished if s.kind is SpanKind.CLIENT]
    assert len(server) == 1 and client_calls
    assert all(c.parent.span_id == server[0].context.span_id for c in client_calls)
    assert all(c.context.trace_id == server[0].context.trace_id for c in client_calls)
    # The service continued the same trace (its server span is in this process too).
    grpc_server = [s for s in finished if s.kind is SpanKind.SERVER and "GetCustomer" in s.name]
    assert grpc_server and grpc_server[0].context.trace_id == server[0].context.trace_id
