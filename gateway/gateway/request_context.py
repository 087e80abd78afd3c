"""Per-request bookkeeping: the request id, the trace reference, one access-log line.

``X-Request-Id`` is taken from the request when it is a sane token (else generated), set on
the span, echoed on the response and logged; ``traceparent`` on the response names the
request's server span, so a user who reports a problem hands over the way to its trace.
The logged path is redacted as spans are (:func:`crm_shared.redaction.redact_path`): a survey
link's token or a search term never reaches the access log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from crm_shared.auth.revocations import DOCUMENT_PATH as TOKEN_REVOCATIONS_PATH
from crm_shared.redaction import redact_path
from flask import Flask, Response, g, request
from opentelemetry import trace
from opentelemetry.trace import format_span_id, format_trace_id

log = logging.getLogger("crm.http.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def _request_id_from(header: str | None) -> str:
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def traceparent_of_current_span() -> str | None:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return (
        f"00-{format_trace_id(context.trace_id)}-{format_span_id(context.span_id)}"
        f"-{int(context.trace_flags):02x}"
    )


def _level(route: str | None, status: int) -> int:
    """DEBUG for a token-revocations poll that found nothing new (304): every api, worker and
    console process polls every few seconds, so at INFO those lines would drown the requests
    people make. A changed document (200) or a failure is logged at INFO as usual."""
    if route == TOKEN_REVOCATIONS_PATH and status == 304:
        return logging.DEBUG
    return logging.INFO


def install_request_context(app: Flask) -> None:
    """Register the hooks; call after the OpenTelemetry instrumentation, so its span is current."""

    @app.before_request
    def remember_request() -> None:
        g.started = time.perf_counter()
        g.request_id = _request_id_from(request.headers.get("X-Request-Id"))
        trace.get_current_span().set_attribute("http.request.header.x-request-id", g.request_id)

    @app.after_request
    def stamp_response(response: Response) -> Response:
        request_id = g.get("request_id") or _request_id_from(request.headers.get("X-Request-Id"))
        response.headers["X-Request-Id"] = request_id
        traceparent = traceparent_of_current_span()
        if traceparent:
            response.headers["traceparent"] = traceparent
        started = g.get("started")
        principal = g.get("principal")
        route = request.url_rule.rule if request.url_rule else None
        log.log(
            _level(route, response.status_code),
            "http request",
            extra={
                "method": request.method,
                "path": redact_path(request.path, route),
                "route": route,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                if started
                else None,
                "request_id": request_id,
                "user_id": principal.user_id if principal else None,
            },
        )
        return response
