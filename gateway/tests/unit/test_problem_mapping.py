"""gRPC statuses become problem documents through the one table, for every code in it."""

from __future__ import annotations

import grpc
import pytest
from crm_shared.errors import (
    HTTP_STATUS_BY_GRPC_CODE,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.status import CallError
from flask import Flask
from gateway.problems import PROBLEM_CONTENT_TYPE, from_call_error, from_domain_error


@pytest.fixture
def request_context():
    app = Flask(__name__)
    with app.test_request_context("/api/v1/things"):
        yield


NON_OK = sorted((c for c in HTTP_STATUS_BY_GRPC_CODE if c is not grpc.StatusCode.OK), key=str)


@pytest.mark.parametrize("code", NON_OK, ids=lambda c: c.name)
def test_every_grpc_code_maps_to_its_table_status_as_a_problem(request_context, code):
    response = from_call_error("customer", CallError(code=code, message="service says no"))
    body = response.get_json()

    status = HTTP_STATUS_BY_GRPC_CODE[code]
    assert response.status_code == status
    assert response.mimetype == PROBLEM_CONTENT_TYPE
    assert body["status"] == status
    assert body["type"].startswith("urn:crm:problem:")
    assert body["title"] and body["instance"] == "/api/v1/things"
    if status >= 500:
        assert "service says no" not in body["detail"]  # internals stay in the log
    else:
        assert body["detail"] == "service says no"
    if status in (429, 503, 504):
        assert int(response.headers["Retry-After"]) > 0
    else:
        assert "Retry-After" not in response.headers


def test_unavailable_is_503_and_deadline_exceeded_504_with_retry_after(request_context):
    down = from_call_error(
        "customer", CallError(grpc.StatusCode.UNAVAILABLE, "connect failed: 10.0.0.7")
    )
    slow = from_call_error(
        "customer", CallError(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")
    )

    assert (down.status_code, slow.status_code) == (503, 504)
    assert down.headers["Retry-After"] and slow.headers["Retry-After"]
    assert "10.0.0.7" not in down.get_data(as_text=True)


def test_field_violations_pass_through_without_the_request_prefix(request_context):
    error = CallError(
        code=grpc.StatusCode.INVALID_ARGUMENT,
        message="customer.email: is not an e-mail address",
        reason="INVALID_ARGUMENT",
        violations=[
            FieldViolation("customer.email", "is not an e-mail address"),
            FieldViolation("request_id", "must be a UUID"),
        ],
    )
    body = from_call_error("customer", error, field_prefix="customer.").get_json()

    assert body["status"] == 422
    assert body["errors"] == [
        {"field": "email", "message": "is not an e-mail address"},
        {"field": "request_id", "message": "must be a UUID"},
    ]


def test_the_gateways_own_domain_errors_use_the_same_table(request_context):
    assert from_domain_error(NotFound("no such user")).status_code == 404
    assert from_domain_error(PermissionDenied("admins only")).status_code == 403
    invalid = from_domain_error(InvalidArgument(FieldViolation("path", "is malformed")))
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"] == [{"field": "path", "message": "is malformed"}]
