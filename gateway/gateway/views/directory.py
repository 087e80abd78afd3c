"""Identity administration (role ``admin``): departments, users, service accounts.

Every change goes through :mod:`gateway.identity.directory` in one unit of work and is
published as an identity event through the outbox. Request bodies forbid unknown fields, so
nothing but what a model lists can be set; the password hash, revision, ids and the
service-account flag never can.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from crm_shared.auth.scopes import SCOPES
from crm_shared.errors import NotFound
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gateway.endpoints import operation
from gateway.identity import directory
from gateway.views import json_response

ADMIN = ("admin",)
SERVICE_ROLE = "service"  # what makes a principal a service account (crm_shared.auth)
DataScopeWord = Literal["own", "department", "all"]
# The suite's scopes, declared once (crm_shared.auth.scopes): a scope no RPC names would grant
# nothing, so it is refused (422) rather than stored.
ScopeName = Annotated[Literal[tuple(SCOPES)], Field(description="e.g. `customers.read`")]


DEPARTMENT_EXAMPLE = {
    "path": "/hq/sales",
    "name": "销售部",
    "parent_path": "/hq",
    "lead_user_id": "5a6b7c8d-1e2f-5a3b-8c4d-9e0f1a2b3c4d",
    "active": True,
    "revision": 3,
}
USER_EXAMPLE = {
    "id": "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b",
    "username": "rep.zhang",
    "display_name": "张伟",
    "email": "rep.zhang@example.com",
    "phone": "+8613800138002",
    "locale": "zh-CN",
    "job_title": "销售代表",
    "department_path": "/hq/sales/east",
    "roles": ["sales_rep"],
    "data_scope": "own",
    "active": True,
    "is_department_lead": False,
    "revision": 2,
    "create_time": "2026-01-05T02:00:00Z",
    "update_time": "2026-03-01T08:30:00Z",
}
ACCOUNT_EXAMPLE = {
    "id": "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "client_id": "svc.erp",
    "display_name": "ERP integration",
    "department_path": "/hq",
    "roles": ["service"],
    "scopes": ["customers.read", "customers.write"],
    "data_scope": "all",
    "active": True,
    "revision": 1,
}


class Department(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DEPARTMENT_EXAMPLE]})

    path: str
    name: str
    parent_path: str | None = None
    lead_user_id: str | None = None
    active: bool
    revision: int


class DepartmentList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"departments": [DEPARTMENT_EXAMPLE]}]}
    )

    departments: list[Department]


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"path": "/hq/sales/south", "name": "华南销售组"}]},
    )

    path: str = Field(min_length=2, max_length=255, description="Under an existing parent.")
    name: str = Field(min_length=1, max_length=200)


class DepartmentUpdate(BaseModel):
    """Rename, and/or set the lead (a member of the department; `null` clears it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "华东大区"}, {"lead_user_id": None}]},
    )

    name: str | None = Field(None, min_length=1, max_length=200)
    lead_user_id: str | None = Field(None, max_length=36)


class DepartmentPath(BaseModel):
    department_path: str = Field(
        min_length=1, max_length=254, description="The path without its leading `/`: `hq/sales`."
    )


class UserView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [USER_EXAMPLE]})

    id: str
    username: str
    display_name: str
    email: str
    phone: str
    locale: str
    job_title: str
    department_path: str
    roles: list[str]
    data_scope: DataScopeWord
    active: bool
    is_department_lead: bool
    revision: int
    create_time: datetime
    update_time: datetime


class UserList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"users": [USER_EXAMPLE]}]})

    users: list[UserView]


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "rep.wu",
                    "password": "a long passphrase",
                    "display_name": "吴芳",
                    "department_path": "/hq/sales/east",
                    "roles": ["sales_rep"],
                    "data_scope": "own",
                    "email": "rep.wu@example.com",
                }
            ]
        },
    )

    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=8, max_length=1024)
    display_name: str = Field(min_length=1, max_length=200)
    department_path: str = Field(min_length=2, max_length=255)
    roles: list[str] = Field(default_factory=list, max_length=20)
    data_scope: DataScopeWord = "own"
    email: str = Field("", max_length=320)
    phone: str = Field("", max_length=32)
    locale: Literal["zh-CN", "en-US"] = "zh-CN"
    job_title: str = Field("", max_length=200)

    @field_validator("roles")
    @classmethod
    def _no_service_role(cls, roles: list[str] | None) -> list[str] | None:
        if roles and SERVICE_ROLE in roles:
            raise ValueError("the service role belongs to service accounts only")
        return roles


class UserUpdate(BaseModel):
    """Only the fields sent change. `active: false` disables the user (and ends their
    sessions); a new `department_path` moves them (they stop leading the old department)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"department_path": "/hq/sales/north"},
                {"roles": ["manager", "sales_lead"], "data_scope": "department"},
                {"active": False},
            ]
        },
    )

    display_name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=32)
    locale: Literal["zh-CN", "en-US"] | None = None
    job_title: str | None = Field(None, max_length=200)
    department_path: str | None = Field(None, min_length=2, max_length=255)
    roles: list[str] | None = Field(None, max_length=20)
    data_scope: DataScopeWord | None = None
    active: bool | None = None
    password: str | None = Field(None, min_length=8, max_length=1024)

    @field_validator("roles")
    @classmethod
    def _no_service_role(cls, roles: list[str] | None) -> list[str] | None:
        if roles and SERVICE_ROLE in roles:
            raise ValueError("the service role belongs to service accounts only")
        return roles


class UserPath(BaseModel):
    user_id: str = Field(min_length=1, max_length=36)


class ServiceAccountView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ACCOUNT_EXAMPLE]})

    id: str
    client_id: str
    display_name: str
    department_path: str
    roles: list[str]
    scopes: list[str]
    data_scope: DataScopeWord
    active: bool
    revision: int


class ServiceAccountList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"service_accounts": [ACCOUNT_EXAMPLE]}]}
    )

    service_accounts: list[ServiceAccountView]


class ServiceAccountCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "client_id": "svc.erp",
                    "display_name": "ERP integration",
                    "department_path": "/hq",
                    "roles": ["service"],
                    "scopes": ["customers.read", "customers.write"],
                    "data_scope": "all",
                }
            ]
        },
    )

    client_id: str = Field(min_length=2, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    department_path: str = Field(min_length=2, max_length=255)
    roles: list[str] = Field(default_factory=list, max_length=20)
    scopes: list[ScopeName] = Field(default_factory=list, max_length=50)
    data_scope: DataScopeWord = "own"


class ServiceAccountUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"scopes": ["customers.read"]}, {"active": False}]},
    )

    display_name: str | None = Field(None, min_length=1, max_length=200)
    department_path: str | None = Field(None, min_length=2, max_length=255)
    roles: list[str] | None = Field(None, max_length=20)
    scopes: list[ScopeName] | None = Field(None, max_length=50)
    data_scope: DataScopeWord | None = None
    active: bool | None = None


class ServiceAccountCredentials(ServiceAccountView):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**ACCOUNT_EXAMPLE, "client_secret": "p0Yk3...shown-once...Qe8"}]
        }
    )

    client_secret: str = Field(description="Shown once; only its argon2id hash is stored.")


def _department(d) -> Department:
    return Department(
        path=d.path,
        name=d.name,
        parent_path=d.parent_path,
        lead_user_id=d.lead_user_id,
        active=d.active,
        revision=d.revision,
    )


def _user(session, u) -> UserView:
    return UserView(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        email=u.email,
        phone=u.phone,
        locale=u.locale,
        job_title=u.job_title,
        department_path=u.department_path,
        roles=sorted(u.roles),
        data_scope=u.data_scope,
        active=u.active,
        is_department_lead=directory.leads_own_department(session, u),
        revision=u.revision,
        create_time=u.create_time,
        update_time=u.update_time,
    )


def _account(u) -> dict:
    return {
        "id": u.id,
        "client_id": u.username,
        "display_name": u.display_name,
        "department_path": u.department_path,
        "roles": sorted(u.roles),
        "scopes": sorted(u.scopes or []),
        "data_scope": u.data_scope,
        "active": u.active,
        "revision": u.revision,
    }


def register(app, deps) -> None:
    api = APIBlueprint("directory", __name__, abp_tags=[Tag(name="identity administration")])

    # --- departments ------------------------------------------------------------------

    @operation(
        api,
        "get",
        "/api/v1/departments",
        operation_id="listDepartments",
        summary="The department tree, by path",
        responses={200: DepartmentList},
    )
    def list_departments():
        with deps.database.unit_of_work(readonly=True) as uow:
            found = [_department(d) for d in directory.list_departments(uow.session)]
        return json_response(DepartmentList(departments=found))

    @operation(
        api,
        "post",
        "/api/v1/departments",
        operation_id="createDepartment",
        summary="Create a department",
        roles=ADMIN,
        creates=True,
        responses={201: Department},
        problems=(409,),
        response_headers={201: ["Location"]},
    )
    def create_department(body: DepartmentCreate):
        with deps.database.unit_of_work() as uow:
            created = _department(directory.create_department(uow, path=body.path, name=body.name))
        return json_response(
            created, status=201, headers={"Location": f"/api/v1/departments{created.path}"}
        )

    @operation(
        api,
        "patch",
        "/api/v1/departments/<path:department_path>",
        operation_id="updateDepartment",
        summary="Rename a department or set its lead",
        roles=ADMIN,
        responses={200: Department},
        problems=(404,),
    )
    def update_department(path: DepartmentPath, body: DepartmentUpdate):
        department_path = "/" + path.department_path.strip("/")
        sent = body.model_fields_set
        with deps.database.unit_of_work() as uow:
            if directory.get_department(uow.session, department_path) is None:
                raise NotFound(f"department {department_path} not found")
            if "name" in sent and body.name is not None:
                directory.rename_department(uow, path=department_path, name=body.name)
            if "lead_user_id" in sent:
                directory.set_department_lead(
                    uow, path=department_path, user_id=body.lead_user_id or None
                )
            updated = _department(directory.get_department(uow.session, department_path))
        return json_response(updated)

    # --- users ------------------------------------------------------------------------

    @operation(
        api,
        "get",
        "/api/v1/users",
        operation_id="listUsers",
        summary="Every user",
        roles=ADMIN,
        responses={200: UserList},
    )
    def list_users():
        with deps.database.unit_of_work(readonly=True) as uow:
            found = [_user(uow.session, u) for u in directory.list_users(uow.session)]
        return json_response(UserList(users=found))

    @operation(
        api,
        "get",
        "/api/v1/users/<user_id>",
        operation_id="getUser",
        summary="One user",
        roles=ADMIN,
        responses={200: UserView},
        problems=(404,),
    )
    def get_user(path: UserPath):
        with deps.database.unit_of_work(readonly=True) as uow:
            user = directory.get_user(uow.session, path.user_id)
            if user is None or user.service_account:
                raise NotFound(f"user {path.user_id} not found")
            found = _user(uow.session, user)
        return json_response(found)

    @operation(
        api,
        "post",
        "/api/v1/users",
        operation_id="createUser",
        summary="Create a user",
        roles=ADMIN,
        creates=True,
        responses={201: UserView},
        problems=(409,),
        response_headers={201: ["Location"]},
    )
    def create_user(body: UserCreate):
        with deps.database.unit_of_work() as uow:
            user = directory.create_user(uow, hashing=deps.hashing, **body.model_dump())
            created = _user(uow.session, user)
        return json_response(
            created, status=201, headers={"Location": f"/api/v1/users/{created.id}"}
        )

    @operation(
        api,
        "patch",
        "/api/v1/users/<user_id>",
        operation_id="updateUser",
        summary="Change a user: profile, department (move), roles, data scope, disable",
        roles=ADMIN,
        responses={200: UserView},
        problems=(404,),
    )
    def update_user(path: UserPath, body: UserUpdate):
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        with deps.database.unit_of_work() as uow:
            user = directory.update_user(
                uow, hashing=deps.hashing, user_id=path.user_id, changes=changes
            )
            updated = _user(uow.session, user)
        return json_response(updated)

    # --- service accounts ---------------------------------------------------------------

    @operation(
        api,
        "get",
        "/api/v1/service-accounts",
        operation_id="listServiceAccounts",
        summary="Every service account",
        roles=ADMIN,
        responses={200: ServiceAccountList},
    )
    def list_service_accounts():
        with deps.database.unit_of_work(readonly=True) as uow:
            found = [
                ServiceAccountView(**_account(u))
                for u in directory.list_users(uow.session, service_accounts=True)
            ]
        return json_response(ServiceAccountList(service_accounts=found))

    @operation(
        api,
        "post",
        "/api/v1/service-accounts",
        operation_id="createServiceAccount",
        summary="Create a service account (client credentials for an internal system)",
        roles=ADMIN,
        creates=True,
        responses={201: ServiceAccountCredentials},
        problems=(409,),
        response_headers={201: ["Location"]},
    )
    def create_service_account(body: ServiceAccountCreate):
        with deps.database.unit_of_work() as uow:
            account, secret = directory.create_service_account(
                uow, hashing=deps.hashing, **body.model_dump()
            )
            created = ServiceAccountCredentials(**_account(account), client_secret=secret)
        return json_response(
            created,
            status=201,
            headers={
                "Location": f"/api/v1/service-accounts/{created.id}",
                "Cache-Control": "no-store",
            },
        )

    @operation(
        api,
        "patch",
        "/api/v1/service-accounts/<user_id>",
        operation_id="updateServiceAccount",
        summary="Change a service account's roles, scopes, data scope; disable it",
        roles=ADMIN,
        responses={200: ServiceAccountView},
        problems=(404,),
    )
    def update_service_account(path: UserPath, body: ServiceAccountUpdate):
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        if "roles" in changes:
            changes["roles"] = sorted({"service", *changes["roles"]})
        changes["_service_account"] = True
        with deps.database.unit_of_work() as uow:
            account = directory.update_user(
                uow, hashing=deps.hashing, user_id=path.user_id, changes=changes
            )
            updated = ServiceAccountView(**_account(account))
        return json_response(updated)

    @operation(
        api,
        "post",
        "/api/v1/service-accounts/<user_id>/secret",
        operation_id="rotateServiceAccountSecret",
        summary="Issue a new client secret (the old one stops working)",
        roles=ADMIN,
        responses={200: ServiceAccountCredentials},
        problems=(404,),
    )
    def rotate_secret(path: UserPath):
        with deps.database.unit_of_work() as uow:
            secret = directory.rotate_client_secret(uow, hashing=deps.hashing, user_id=path.user_id)
            account = directory.get_user(uow.session, path.user_id)
            rotated = ServiceAccountCredentials(**_account(account), client_secret=secret)
        return json_response(rotated, headers={"Cache-Control": "no-store"})

    app.register_api(api)
