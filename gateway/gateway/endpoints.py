"""How a route is declared: its access rule, its schemas and its problems, in one place.

Routes are flask-openapi3 operations: the pydantic models in a view's signature (``path``,
``query``, ``body``, ``header``) validate the request and are the request schemas of the
OpenAPI document, and the ``responses`` models are its response schemas, so the document is
generated from the code that serves the requests and cannot drift from it.

:func:`operation` adds what every route of this gateway has:

- an access rule: public, or an authenticated caller holding one of ``roles`` (checked by
  :mod:`gateway.authn` *before* the request is validated, so an anonymous caller learns
  nothing about the input);
- the view runs inside ``principal_scope(caller)``, so gRPC channels forward the caller's token;
- the error responses it can give, documented as ``application/problem+json``: 401/403 for
  the access rule, 422 when it takes input, every status of ``HTTP_STATUS_BY_GRPC_CODE`` when
  it calls a service, 500 always.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from flask import g
from flask_openapi3 import OpenAPI

from crm_shared.auth import principal_scope
from crm_shared.errors import HTTP_STATUS_BY_GRPC_CODE
from gateway.problems import PROBLEM_CONTENT_TYPE, title_for

BEARER_SCHEME = "bearerAuth"
ACCESS_ATTRIBUTE = "__crm_access__"
_RESPONSE_HEADERS_KEY = "x-crm-response-headers"

UPSTREAM_STATUSES = tuple(sorted({s for s in HTTP_STATUS_BY_GRPC_CODE.values() if s >= 400}))

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "The request's id: the one sent, or one the gateway generated.",
        "schema": {"type": "string"},
    },
    "traceparent": {
        "description": "W3C trace context of the request's span, to find its trace.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "URL of the created resource.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme the route needs (RFC 6750).",
        "schema": {"type": "string"},
    },
    "Allow": {"description": "Methods the path supports.", "schema": {"type": "string"}},
}
_HEADERS_BY_STATUS = {
    401: ("WWW-Authenticate",),
    429: ("Retry-After",),
    503: ("Retry-After",),
    504: ("Retry-After",),
}


@dataclass(frozen=True)
class Access:
    """Who may call a route: anyone (``public``), or an authenticated caller with any of ``roles``
    (no roles: every authenticated caller)."""

    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)


AUTHENTICATED = Access()


def access_of(view: Callable | None) -> Access:
    """The access rule of a registered view; a view declared without one needs a token."""
    return getattr(view, ACCESS_ATTRIBUTE, AUTHENTICATED)


def problem_doc(status: int) -> dict[str, Any]:
    return {
        "description": title_for(status),
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def operation(
    api,
    method: str,
    rule: str,
    *,
    operation_id: str,
    summary: str,
    responses: dict[int, Any],
    public: bool = False,
    roles: Iterable[str] = (),
    calls_services: bool = False,
    problems: Iterable[int] = (),
    response_headers: dict[int, Iterable[str]] | None = None,
    description: str | None = None,
) -> Callable[[Callable], Callable]:
    """Declare a route on ``api`` (the app or an ``APIBlueprint``); see the module docstring."""
    access = Access(public=public, roles=frozenset(roles))

    def decorator(view: Callable) -> Callable:
        hints = get_type_hints(view)
        statuses = {500, *problems}
        if not access.public:
            statuses.add(401)
        if access.roles:
            statuses.add(403)
        if {"path", "query", "body", "header"} & hints.keys():
            statuses.add(422)
        if calls_services:
            statuses.update(UPSTREAM_STATUSES)
        documented = {**{s: problem_doc(s) for s in sorted(statuses)}, **responses}

        @functools.wraps(view)
        def in_principal_scope(*args: Any, **kwargs: Any) -> Any:
            with principal_scope(g.get("principal")):
                return view(*args, **kwargs)

        setattr(in_principal_scope, ACCESS_ATTRIBUTE, access)
        extensions: dict[str, Any] = {}
        if access.roles:
            extensions["x-required-roles"] = sorted(access.roles)
        if response_headers:
            extensions[_RESPONSE_HEADERS_KEY] = {
                str(s): list(h) for s, h in response_headers.items()
            }
        register = getattr(api, method.lower())
        return register(
            rule,
            operation_id=operation_id,
            summary=summary,
            description=description,
            responses=documented,
            security=None if access.public else [{BEARER_SCHEME: []}],
            openapi_extensions=extensions or None,
        )(in_principal_scope)

    return decorator


class GatewayOpenAPI(OpenAPI):
    """flask-openapi3's app with the gateway's finishing of the document:

    - flask-openapi3 documents a 422 on every operation; only those that take input keep
      theirs (declared by :func:`operation` as a problem document);
    - every response documents ``X-Request-Id`` and ``traceparent``, plus the headers the
      route or the status adds (``Location``, ``Retry-After``, ``WWW-Authenticate``).
    """

    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        for path_item in self.spec_json.get("paths", {}).values():
            for op in path_item.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                responses = op["responses"]
                generic_422 = responses.get("422")
                if generic_422 and PROBLEM_CONTENT_TYPE not in generic_422.get("content", {}):
                    del responses["422"]
                extra = op.pop(_RESPONSE_HEADERS_KEY, {})
                for status, response in responses.items():
                    names = ["X-Request-Id", "traceparent", *extra.get(status, ())]
                    names += _HEADERS_BY_STATUS.get(int(status), ()) if status.isdigit() else ()
                    if status == "405":
                        names.append("Allow")
                    response["headers"] = {n: RESPONSE_HEADERS[n] for n in names}
