"""Logging in (access tokens) and who the caller is."""

from __future__ import annotations

import logging
from typing import Literal

from crm_shared.auth import current_principal
from crm_shared.errors import FieldViolation, InvalidArgument, Unauthenticated
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.identity import directory, sessions
from gateway.identity.passwords import HashingBusy
from gateway.ratelimits import client_address
from gateway.views import json_response

log = logging.getLogger(__name__)


def _require(body: BaseModel, *names: str) -> None:
    missing = [n for n in names if getattr(body, n) is None]
    if missing:
        grant = getattr(body, "grant_type", "")
        raise InvalidArgument(
            [FieldViolation(n, f"is required for grant_type {grant}") for n in missing]
        )


def _claims(user) -> dict:
    return {
        "user_id": user.id,
        "username": user.username,
        "roles": list(user.roles),
        "department_path": user.department_path,
        "data_scope": user.data_scope,
        "display_name": user.display_name,
    }


NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenRequest(BaseModel):
    """One of three grants (RFC 6749 names): `password` (a person logs in; the default),
    `refresh_token` (a new access token from a refresh token, which is rotated), or
    `client_credentials` (a service account)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"username": "rep.zhang", "password": "demo"},
                {"grant_type": "refresh_token", "refresh_token": "Zr1...q8"},
                {
                    "grant_type": "client_credentials",
                    "client_id": "svc.erp",
                    "client_secret": "s3...",
                },
            ]
        },
    )

    grant_type: Literal["password", "refresh_token", "client_credentials"] = "password"
    username: str | None = Field(None, min_length=1, max_length=64)
    password: str | None = Field(None, min_length=1, max_length=1024)
    refresh_token: str | None = Field(None, min_length=1, max_length=512)
    client_id: str | None = Field(None, min_length=1, max_length=64)
    client_secret: str | None = Field(None, min_length=1, max_length=1024)


class LogoutRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"refresh_token": "Zr1...q8"}]}
    )

    refresh_token: str = Field(min_length=1, max_length=512)


class LoggedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"revoked": True}]})

    revoked: bool = Field(description="True when the session of the token was found and revoked.")


class ProfileUpdate(BaseModel):
    """What a person may change about themselves. Roles, department, data scope and the like
    are the administrators' (`PATCH /api/v1/users/{user_id}`): sending them here is a 422."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"display_name": "张伟", "locale": "en-US"}]},
    )

    display_name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=32)
    locale: Literal["zh-CN", "en-US"] | None = None
    job_title: str | None = Field(None, max_length=200)


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJFUzI1NiIs...",
                    "token_type": "Bearer",
                    "expires_in": 900,
                    "refresh_token": "Zr1kq8...",
                    "refresh_expires_in": 28800,
                },
                {
                    "access_token": "eyJhbGciOiJFUzI1NiIs...",
                    "token_type": "Bearer",
                    "expires_in": 900,
                    "scope": "customers.read customers.write",
                },
            ]
        }
    )

    access_token: str = Field(description="Signed JWT (ES256); send as `Authorization: Bearer`.")
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
    refresh_token: str | None = Field(
        None,
        description="Single-use token for `grant_type=refresh_token` (people only); each use "
        "returns its successor, and reusing a used one revokes the session.",
    )
    refresh_expires_in: int | None = Field(None, description="Seconds the refresh token lives.")
    scope: str | None = Field(None, description="Scopes granted (service accounts).")


class Me(BaseModel):
    """The authenticated caller."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
                    "username": "rep.zhang",
                    "display_name": "张伟",
                    "email": "rep.zhang@example.com",
                    "locale": "zh-CN",
                    "roles": ["sales_rep"],
                    "department_path": "/hq/sales/east",
                    "data_scope": "own",
                    "is_department_lead": False,
                }
            ]
        }
    )

    id: str
    username: str
    display_name: str
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    locale: str | None = None
    roles: list[str]
    department_path: str
    data_scope: Literal["own", "department", "all"]
    is_department_lead: bool = False


def register(app, deps) -> None:
    api = APIBlueprint("auth", __name__, abp_tags=[Tag(name="identity")])

    @operation(
        api,
        "post",
        "/api/v1/auth/token",
        operation_id="createAccessToken",
        public=True,
        summary="Log in: exchange username and password for an access token",
        responses={200: TokenResponse},
        problems=(401, 422, 429),
    )
    def issue_token(body: TokenRequest):
        if body.grant_type == "refresh_token":
            return refresh(body)
        if body.grant_type == "client_credentials":
            return client_credentials(body)
        _require(body, "username", "password")
        address = client_address()
        deps.login_throttle.check(body.username, address)
        with deps.database.unit_of_work(readonly=True) as uow:
            user = directory.authenticate(
                uow.session, hashing=deps.hashing, username=body.username, password=body.password
            )
            claims = _claims(user) if user is not None else None
            stale_hash = user is not None and deps.hashing.needs_rehash(user.password_hash)
        if claims is None:
            deps.login_throttle.failed(body.username, address)
            # Never say whether the username or the password was wrong.
            raise Unauthenticated("invalid username or password")
        deps.login_throttle.succeeded(body.username, address)
        with deps.database.unit_of_work() as uow:
            if stale_hash:
                try:
                    directory.rehash_password(
                        uow, hashing=deps.hashing, user_id=claims["user_id"], password=body.password
                    )
                except HashingBusy:
                    pass  # the upgrade waits for a quieter login; this one has succeeded
            refresh_token = sessions.start_session(
                uow,
                user_id=claims["user_id"],
                ttl=deps.settings.refresh_token_ttl_seconds,
                max_age=deps.settings.refresh_session_max_age_seconds,
            )
        return _token_response(deps.issuer.issue(**claims), refresh_token)

    def refresh(body: TokenRequest):
        _require(body, "refresh_token")
        with deps.database.unit_of_work() as uow:
            outcome = sessions.rotate(
                uow, token=body.refresh_token, ttl=deps.settings.refresh_token_ttl_seconds
            )
            claims = _claims(outcome.user) if outcome.user is not None else None
        # Committed: a detected reuse has revoked the family even though this call fails.
        if claims is None:
            if outcome.reuse_detected:
                log.warning("refresh token reuse: session revoked")
            raise Unauthenticated(outcome.refused or "invalid refresh token")
        return _token_response(deps.issuer.issue(**claims), outcome.refresh_token)

    def client_credentials(body: TokenRequest):
        _require(body, "client_id", "client_secret")
        address = client_address()
        deps.login_throttle.check(body.client_id, address)
        with deps.database.unit_of_work(readonly=True) as uow:
            account = directory.authenticate_client(
                uow.session,
                hashing=deps.hashing,
                client_id=body.client_id,
                client_secret=body.client_secret,
            )
            claims = _claims(account) if account is not None else None
            scopes = list(account.scopes or []) if account is not None else []
        if claims is None:
            deps.login_throttle.failed(body.client_id, address)
            raise Unauthenticated("invalid client credentials")
        deps.login_throttle.succeeded(body.client_id, address)
        ttl = deps.settings.service_token_ttl_seconds
        token = deps.issuer.issue(**claims, scopes=scopes, ttl_seconds=ttl)
        return json_response(
            TokenResponse(
                access_token=token, expires_in=ttl, scope=" ".join(sorted(scopes)) or None
            ),
            headers=NO_STORE,
        )

    def _token_response(access_token: str, refresh_token: str) -> Response:
        return json_response(
            TokenResponse(
                access_token=access_token,
                expires_in=deps.issuer.ttl_seconds,
                refresh_token=refresh_token,
                refresh_expires_in=deps.settings.refresh_token_ttl_seconds,
            ),
            headers=NO_STORE,
        )

    @operation(
        api,
        "post",
        "/api/v1/auth/logout",
        operation_id="logout",
        public=True,
        summary="Log out: revoke the session (every refresh token) of a refresh token",
        responses={200: LoggedOut},
    )
    def logout(body: LogoutRequest):
        with deps.database.unit_of_work() as uow:
            revoked = sessions.revoke_token_family(uow, token=body.refresh_token)
        return json_response(LoggedOut(revoked=revoked), headers=NO_STORE)

    @operation(
        api,
        "patch",
        "/api/v1/me",
        operation_id="updateMe",
        summary="Change one's own profile (never roles, department or data scope)",
        responses={200: Me},
        problems=(404,),
    )
    def update_me(body: ProfileUpdate):
        principal = current_principal()
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        with deps.database.unit_of_work() as uow:
            directory.update_user(
                uow, hashing=deps.hashing, user_id=principal.user_id, changes=changes
            )
        return me()

    @operation(
        api,
        "get",
        "/api/v1/me",
        operation_id="getMe",
        summary="The caller: id, roles, department and data scope",
        responses={200: Me},
        description="Roles, department and data scope are those of the access token, "
        "i.e. what the services apply to this caller's requests; the profile "
        "fields come from the directory.",
    )
    def me():
        principal = current_principal()
        with deps.database.unit_of_work(readonly=True) as uow:
            user = directory.get_user(uow.session, principal.user_id)
            profile = {}
            if user is not None:  # a service account has only what its token says
                profile = {
                    "display_name": user.display_name,
                    "email": user.email or None,
                    "phone": user.phone or None,
                    "job_title": user.job_title or None,
                    "locale": user.locale,
                    "is_department_lead": directory.leads_own_department(uow.session, user),
                }
        caller = Me(
            **{
                "id": principal.user_id,
                "username": principal.username,
                "display_name": principal.display_name,
                "roles": sorted(principal.roles),
                "department_path": principal.department_path,
                "data_scope": principal.data_scope.value,
                **profile,
            }
        )
        return json_response(caller, headers={"Cache-Control": "no-store"})

    app.register_api(api)
