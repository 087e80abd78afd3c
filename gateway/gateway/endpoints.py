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

from crm_shared.auth import principal_scope
from crm_shared.errors import HTTP_STATUS_BY_GRPC_CODE
from flask import current_app, g
from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from gateway.problems import PROBLEM_CONTENT_TYPE, title_for

BEARER_SCHEME = "bearerAuth"
ACCESS_ATTRIBUTE = "__crm_access__"
_RESPONSE_HEADERS_KEY = "x-crm-response-headers"
_IDEMPOTENT_KEY = "x-crm-idempotent"

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
    "RateLimit-Limit": {
        "description": "Requests the caller may make in the current window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the current window ends.",
        "schema": {"type": "integer"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored response to an earlier request "
        "with the same `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
_HEADERS_BY_STATUS = {
    401: ("WWW-Authenticate",),
    409: ("Retry-After",),
    429: ("Retry-After",),
    503: ("Retry-After",),
    504: ("Retry-After",),
}


# Models named in a route's signature or responses, by name: flask-openapi3 drops their
# ``examples`` when it builds the component schemas, so the document gets them back from here.
DOCUMENTED_MODELS: dict[str, type[BaseModel]] = {}


def _remember_models(*candidates: Any) -> None:
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            DOCUMENTED_MODELS.setdefault(candidate.__name__, candidate)


def _schema_made_once(model: Any) -> None:
    """Make ``model.model_json_schema()`` (no arguments) once instead of on every request.

    flask-openapi3 reads a query, header or form model's JSON Schema on every request to know
    which parameters are lists (``flask_openapi3.request._validate_query``): about 0.8 ms of
    CPU per call with the GIL held, a third of the gateway's own time on a read (issue 17).
    A model's schema never changes; only the argument-less call the request path makes is
    remembered (the OpenAPI document asks with arguments and still gets a fresh schema), and
    that reader only reads it."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return
    if "_crm_schema_made_once" in model.__dict__:
        return
    generate = model.model_json_schema.__func__  # type: ignore[attr-defined]
    made: dict[type, dict[str, Any]] = {}

    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return generate(cls, *args, **kwargs)
        if cls not in made:
            made[cls] = generate(cls)
        return made[cls]

    model.model_json_schema = classmethod(model_json_schema)  # type: ignore[method-assign]
    model._crm_schema_made_once = True  # type: ignore[attr-defined]


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
    creates: bool = False,
) -> Callable[[Callable], Callable]:
    """Declare a route on ``api`` (the app or an ``APIBlueprint``); see the module docstring.

    ``creates=True`` (a POST that creates something) honours ``Idempotency-Key``
    (:mod:`gateway.idempotency`), and documents the header, its 409 and 422."""
    access = Access(public=public, roles=frozenset(roles))

    def decorator(view: Callable) -> Callable:
        hints = get_type_hints(view)
        _remember_models(*hints.values(), *responses.values())
        for parameters in ("query", "header", "form"):  # read on every request
            _schema_made_once(hints.get(parameters))
        statuses = {500, *problems}
        if not access.public:
            statuses.update((401, 429))
        if creates:
            statuses.update((409, 422))
        if access.roles:
            statuses.add(403)
        if {"path", "query", "body", "header"} & hints.keys():
            statuses.add(422)
        if calls_services:
            statuses.update(UPSTREAM_STATUSES)
        documented = {**{s: problem_doc(s) for s in sorted(statuses)}, **responses}

        @functools.wraps(view)
        def in_principal_scope(*args: Any, **kwargs: Any) -> Any:
            principal = g.get("principal")
            with principal_scope(principal):
                if creates and principal is not None:
                    from gateway.idempotency import run_idempotently

                    deps = current_app.extensions["crm.gateway"]
                    return run_idempotently(
                        deps.database,
                        deps.settings.idempotency_ttl_seconds,
                        principal.user_id,
                        lambda: view(*args, **kwargs),
                    )
                return view(*args, **kwargs)

        setattr(in_principal_scope, ACCESS_ATTRIBUTE, access)
        extensions: dict[str, Any] = {}
        if access.roles:
            extensions["x-required-roles"] = sorted(access.roles)
        if creates:
            extensions[_IDEMPOTENT_KEY] = True
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
        for name, schema in self.spec_json.get("components", {}).get("schemas", {}).items():
            model = DOCUMENTED_MODELS.get(name)
            if model is not None and "examples" not in schema:
                examples = model.model_json_schema().get("examples")
                if examples:
                    schema["examples"] = examples
        for path_item in self.spec_json.get("paths", {}).values():
            for op in path_item.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                responses = op["responses"]
                generic_422 = responses.get("422")
                if generic_422 and PROBLEM_CONTENT_TYPE not in generic_422.get("content", {}):
                    del responses["422"]
                extra = op.pop(_RESPONSE_HEADERS_KEY, {})
                protected = op.get("security") is not None
                if op.pop(_IDEMPOTENT_KEY, False):
                    from gateway.idempotency import PARAMETER_DOC

                    parameters = op.setdefault("parameters", [])
                    if not any(p.get("name") == PARAMETER_DOC["name"] for p in parameters):
                        parameters.append(dict(PARAMETER_DOC))
                    for status, response in responses.items():
                        if status.startswith("2"):
                            extra.setdefault(status, [])
                            extra[status] = [*extra[status], "Idempotent-Replayed"]
                for status, response in responses.items():
                    names = ["X-Request-Id", "traceparent", *extra.get(status, ())]
                    if protected and status != "401":
                        names += ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]
                    names += _HEADERS_BY_STATUS.get(int(status), ()) if status.isdigit() else ()
                    if status == "405":
                        names.append("Allow")
                    response["headers"] = {n: RESPONSE_HEADERS[n] for n in names}
