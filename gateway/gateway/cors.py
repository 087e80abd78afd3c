"""CORS (Fetch standard), off unless ``CORS_ALLOWED_ORIGINS`` names origins.

Only listed origins get ``Access-Control-Allow-Origin`` (``*`` allows any origin, without
credentials); preflights are answered for every route. Tokens travel in the
``Authorization`` header, never in cookies, so credentials are not allowed.
"""

from __future__ import annotations

from flask import Flask, Response, request

ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent"
EXPOSED_HEADERS = (
    "X-Request-Id, traceparent, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
    "RateLimit-Reset, Idempotent-Replayed"
)


def install_cors(app: Flask, origins: frozenset[str]) -> None:
    if not origins:
        return

    @app.after_request
    def allow_origin(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if not origin or ("*" not in origins and origin not in origins):
            return response
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in origins else origin
        response.headers.add("Vary", "Origin")
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response.headers["Access-Control-Allow-Methods"] = response.headers.get(
                "Allow", "GET, POST, PATCH, DELETE"
            )
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        return response
