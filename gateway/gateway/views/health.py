"""Probes, the signing keys and the API description: the public routes."""

from __future__ import annotations

import logging
from typing import Literal

from crm_shared.auth.revocations import DOCUMENT_PATH
from flask import Response, current_app, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.identity.revocations import revocations_document
from gateway.problems import problem_response
from gateway.views import json_response

log = logging.getLogger(__name__)


class Liveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ready"}]})

    status: Literal["ready"] = "ready"


class Jwk(BaseModel):
    """A public signing key (RFC 7517)."""

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str
    y: str
    use: Literal["sig"]
    alg: Literal["ES256"]
    kid: str = Field(description="RFC 7638 thumbprint of the key.")


class JwkSet(BaseModel):
    """The keys that verify the gateway's access tokens."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keys": [
                        {
                            "kty": "EC",
                            "crv": "P-256",
                            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                            "use": "sig",
                            "alg": "ES256",
                            "kid": "Xl0xNfBlFk1fH4OZdH-5RzvhN4oFe0bY8Yk0t0NnB1Q",
                        }
                    ]
                }
            ]
        }
    )

    keys: list[Jwk]


class TokenRevocations(BaseModel):
    """Each user's token watermark: the user's access tokens issued before it are void. Only
    watermarks younger than the longest token lifetime are listed; users are named by the
    SHA-256 of their id (crm_shared.auth.revocations)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "window_seconds": 960,
                    "not_before_ms": {
                        "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592": 1765130000123
                    },
                }
            ]
        }
    )

    window_seconds: int = Field(description="How far back the listed watermarks reach.")
    not_before_ms: dict[str, int] = Field(
        description="SHA-256 (hex) of a user id → milliseconds since the epoch."
    )


OPENAPI_DOCUMENT = {
    "description": "The OpenAPI 3.1 document of this API.",
    "content": {
        "application/json": {
            "schema": {"type": "object"},
            "example": {"openapi": "3.1.0", "info": {"title": "CRM suite API"}, "paths": {}},
        }
    },
}


def register(app, deps) -> None:
    probes = APIBlueprint("health", __name__, abp_tags=[Tag(name="operations")])
    jwks = JwkSet.model_validate(deps.jwks)

    @operation(
        probes,
        "get",
        "/healthz",
        operation_id="getLiveness",
        public=True,
        summary="Liveness: the process serves HTTP",
        responses={200: Liveness},
    )
    def healthz():
        return json_response(Liveness())

    @operation(
        probes,
        "get",
        "/readyz",
        operation_id="getReadiness",
        public=True,
        summary="Readiness: the identity database answers",
        responses={200: Readiness},
        problems=(503,),
    )
    def readyz():
        try:
            deps.database.ping()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            log.warning("readiness: database unreachable: %s", exc)
            return problem_response(
                503, "the identity database does not answer", kind="unavailable"
            )
        return json_response(Readiness())

    @operation(
        probes,
        "get",
        "/.well-known/jwks.json",
        operation_id="getJwks",
        public=True,
        summary="Public keys that verify the gateway's access tokens (JWK set)",
        responses={200: JwkSet},
    )
    def jwks_json():
        return json_response(jwks, headers={"Cache-Control": "public, max-age=300"})

    longest_token_seconds = deps.settings.longest_token_seconds()

    @operation(
        probes,
        "get",
        DOCUMENT_PATH,
        operation_id="getTokenRevocations",
        public=True,
        summary="Token watermarks: each user's access tokens issued before theirs are void",
        description="Polled by every service and the console (a conditional GET with "
        "`If-None-Match` answers 304 when nothing changed).",
        responses={200: TokenRevocations},
    )
    def token_revocations():
        body, etag = revocations_document(
            deps.database, longest_token_seconds=longest_token_seconds
        )
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            response = json_response(TokenRevocations.model_validate(body))
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @operation(
        probes,
        "get",
        "/api/v1/openapi.json",
        operation_id="getOpenApiDocument",
        public=True,
        summary="This API's OpenAPI 3.1 document",
        responses={200: OPENAPI_DOCUMENT},
    )
    def openapi_json():
        return current_app.api_doc  # type: ignore[attr-defined]

    app.register_api(probes)
