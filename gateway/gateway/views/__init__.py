"""HTTP routes, one module per area; each ``register(app, deps)`` declares its routes."""

from __future__ import annotations

from flask import Response
from pydantic import BaseModel


def json_response(
    model: BaseModel, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """``model`` as the response body, exactly as its schema documents it."""
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
