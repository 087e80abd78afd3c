"""Logging in (access tokens) and who the caller is."""

from __future__ import annotations

from typing import Literal

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from crm_shared.auth import current_principal
from crm_shared.errors import Unauthenticated
from gateway.endpoints import operation
from gateway.identity import directory
from gateway.views import json_response

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"username": "rep.zhang", "password": "demo"}]},
    )

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJFUzI1NiIs...",
                    "token_type": "Bearer",
                    "expires_in": 900,
                }
            ]
        }
    )

    access_token: str = Field(description="Signed JWT (ES256); send as `Authorization: Bearer`.")
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


class Me(BaseModel):
    """The authenticated caller."""

    id: str
    username: str
    display_name: str
    email: str | None = None
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
        problems=(401,),
    )
    def issue_token(body: TokenRequest):
        with deps.database.unit_of_work(readonly=True) as uow:
            user = directory.authenticate(
                uow.session, hashing=deps.hashing, username=body.username, password=body.password
            )
            if user is None:
                # Never say whether the username or the password was wrong.
                raise Unauthenticated("invalid username or password")
            claims = {
                "user_id": user.id,
                "username": user.username,
                "roles": list(user.roles),
                "department_path": user.department_path,
                "data_scope": user.data_scope,
                "display_name": user.display_name,
            }
            stale_hash = deps.hashing.needs_rehash(user.password_hash)
        if stale_hash:
            with deps.database.unit_of_work() as uow:
                directory.rehash_password(
                    uow, hashing=deps.hashing, user_id=claims["user_id"], password=body.password
                )
        token = deps.issuer.issue(**claims)
        return json_response(
            TokenResponse(access_token=token, expires_in=deps.issuer.ttl_seconds), headers=NO_STORE
        )

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
