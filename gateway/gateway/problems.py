"""Errors as ``application/problem+json`` (RFC 9457), from whatever failed.

Every error response of the gateway is built here. Status codes come from one place only:
``crm_shared.errors.HTTP_STATUS_BY_GRPC_CODE``, for the services' gRPC statuses and for the
gateway's own typed domain errors alike (an error is data: its gRPC code names it).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

import grpc
from crm_shared.db import database_unreachable
from crm_shared.errors import HTTP_STATUS_BY_GRPC_CODE, DomainError, FieldViolation, InvalidArgument
from crm_shared.grpc.status import CallError, describe_rpc_error
from crm_shared.telemetry import current_trace_id
from flask import Flask, Response, g, has_request_context, json, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:crm:problem:"

# Seconds a client should wait before retrying, by status. A 503 means the service is down
# (the channel already retried the idempotent reads); a 504 that it was slow.
RETRY_AFTER_SECONDS = {429: 1, 503: 5, 504: 2}

_EXTRA_TITLES = {499: "Client Closed Request"}
INVALID_TOKEN_CHALLENGE = 'Bearer realm="crm", error="invalid_token"'


class FieldError(BaseModel):
    """One bad input field."""

    field: str = Field(description="Path of the field in the request, e.g. `email` or `ids[2]`.")
    message: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """An error, as an RFC 9457 problem document."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:crm:problem:invalid-argument",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "the request has invalid fields",
                    "instance": "/api/v1/customers",
                    "errors": [{"field": "email", "message": "is not an e-mail address"}],
                    "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                    "request_id": "7f1c0e0a9b2d4c6e8f00112233445566",
                }
            ]
        }
    )

    type: str = Field(
        description="URI naming the kind of problem, e.g. `urn:crm:problem:not-found`."
    )
    title: str = Field(description="Short summary of the kind of problem (the HTTP reason phrase).")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="Explanation of this occurrence, meant for people.")
    instance: str | None = Field(None, description="Path of the request that failed.")
    errors: list[FieldError] = Field(
        default_factory=list, description="Field-level errors of bad input; empty otherwise."
    )
    trace_id: str | None = Field(None, description="OpenTelemetry trace id of the request.")
    request_id: str | None = Field(None, description="The request's `X-Request-Id`.")


class UpstreamCallFailed(Exception):
    """A gRPC call to a service failed; carries what the gateway may tell the caller."""

    def __init__(self, service: str, error: CallError, *, field_prefix: str = "") -> None:
        super().__init__(f"{service}: {error.code.name}: {error.message}")
        self.service = service
        self.error = error
        self.field_prefix = field_prefix


def title_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _EXTRA_TITLES.get(status, "Error")


def _slug(reason: str) -> str:
    return reason.strip().lower().replace("_", "-") or "error"


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The one constructor of error responses."""
    problem = Problem(
        type=PROBLEM_TYPE_PREFIX + _slug(kind),
        title=title_for(status),
        status=status,
        detail=detail,
        instance=request.path if has_request_context() else None,
        errors=errors or [],
        trace_id=current_trace_id(),
        request_id=g.get("request_id") if has_request_context() else None,
    )
    response = Response(
        json.dumps(problem.model_dump(mode="json")), status=status, mimetype=PROBLEM_CONTENT_TYPE
    )
    retry_after = RETRY_AFTER_SECONDS.get(status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(violations: list[FieldViolation], *, strip_prefix: str = "") -> list[FieldError]:
    return [
        FieldError(
            field=v.field.removeprefix(strip_prefix) if strip_prefix else v.field,
            message=v.description,
        )
        for v in violations
    ]


def _location(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def from_validation_error(exc: ValidationError) -> Response:
    """Request validation (body, query, path): 422 with one entry per bad field."""
    errors = []
    for error in exc.errors(include_url=False):
        field = _location(tuple(error.get("loc", ())))
        message = error.get("msg", "is invalid")
        if not field:
            # The body as a whole: not JSON, or not an object.
            field = "body"
            if error.get("type") in ("model_type", "model_attributes_type", "dict_type"):
                message = "the request body must be a JSON object"
        errors.append(FieldError(field=field, message=message))
    status = HTTP_STATUS_BY_GRPC_CODE[grpc.StatusCode.INVALID_ARGUMENT]
    return problem_response(
        status, "the request has invalid fields", kind="invalid_argument", errors=errors
    )


def from_domain_error(exc: DomainError) -> Response:
    status = HTTP_STATUS_BY_GRPC_CODE.get(exc.grpc_code, 500)
    errors = field_errors(exc.violations) if isinstance(exc, InvalidArgument) else []
    headers = dict(getattr(exc, "headers", None) or {})  # e.g. Retry-After of a rate limit
    if status == 401:
        headers["WWW-Authenticate"] = getattr(exc, "www_authenticate", INVALID_TOKEN_CHALLENGE)
    return problem_response(status, exc.message, kind=exc.reason, errors=errors, headers=headers)


def from_call_error(service: str, error: CallError, *, field_prefix: str = "") -> Response:
    """A service's gRPC status, mapped through the one table; violations passed through."""
    status = HTTP_STATUS_BY_GRPC_CODE.get(error.code, 500)
    if status >= 500:
        # The services' internals (addresses, exceptions) stay in the log, not in the response.
        log.warning(
            "call to the %s service failed",
            service,
            extra={"peer": service, "grpc_code": error.code.name, "grpc_message": error.message},
        )
        if error.code is grpc.StatusCode.UNAVAILABLE:
            detail = f"the {service} service is unavailable; retry later"
        elif error.code is grpc.StatusCode.DEADLINE_EXCEEDED:
            detail = f"the {service} service did not answer in time; retry later"
        elif error.code is grpc.StatusCode.UNIMPLEMENTED:
            detail = f"the {service} service does not implement this operation"
        else:
            detail = f"the {service} service failed"
        return problem_response(status, detail, kind=error.code.name)
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = INVALID_TOKEN_CHALLENGE
    return problem_response(
        status,
        error.message,
        kind=error.reason or error.code.name,
        errors=field_errors(error.violations, strip_prefix=field_prefix),
        headers=headers,
    )


def from_http_exception(exc: HTTPException) -> Response:
    if exc.response is not None and exc.response.mimetype == PROBLEM_CONTENT_TYPE:
        return exc.response  # already a problem (e.g. a request validation error)
    status = exc.code or 500
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    kind = exc.name if status != 500 else "internal"
    return problem_response(
        status, exc.description or title_for(status), kind=kind.replace(" ", "_"), headers=headers
    )


def from_unexpected(exc: BaseException) -> Response:
    if database_unreachable(exc):
        # the identity database restarting or failing over: nothing was done, retry later
        log.warning("%s %s: the database is unreachable (%s)", request.method, request.path,
                    type(exc).__name__)
        return problem_response(503, "the database is unavailable; retry later",
                                kind="unavailable")
    log.error("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return problem_response(
        500,
        "an unexpected error occurred; quote trace id "
        f"{current_trace_id() or '-'} when reporting it",
        kind="internal",
    )


def install_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, from_http_exception)
    app.register_error_handler(DomainError, from_domain_error)
    app.register_error_handler(
        UpstreamCallFailed,
        lambda exc: from_call_error(exc.service, exc.error, field_prefix=exc.field_prefix),
    )
    app.register_error_handler(
        grpc.RpcError, lambda exc: from_call_error("upstream", describe_rpc_error(exc))
    )
    app.register_error_handler(Exception, from_unexpected)
