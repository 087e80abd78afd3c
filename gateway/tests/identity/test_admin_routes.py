"""Identity administration over REST: admins only, every change published as an identity
event in the same transaction, and no route lets a caller set what they may not."""

from __future__ import annotations

import base64
import json
import os

import pytest
from crm.identity.v1 import events_pb2
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.staff_addresses import open_address
from sqlalchemy import select

PROBLEM = "application/problem+json"
NEW_USER = {
    "username": "rep.wu",
    "password": "a long passphrase",
    "display_name": "吴芳",
    "department_path": "/hq/sales/east",
    "roles": ["sales_rep"],
    "data_scope": "own",
    "email": "rep.wu@example.com",
}


def events_after(database, after_id: int) -> list[tuple[str, dict]]:
    with database.unit_of_work(readonly=True) as uow:
        return [
            (row.routing_key, json.loads(row.payload))
            for row in uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.id > after_id).order_by(OutboxMessage.id)
            )
        ]


def last_event_id(database) -> int:
    with database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0


@pytest.fixture
def admin(auth_header):
    return auth_header("admin")


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "/api/v1/users", NEW_USER),
        ("get", "/api/v1/users", None),
        ("patch", "/api/v1/users/x", {"roles": ["admin"]}),
        ("post", "/api/v1/departments", {"path": "/hq/x", "name": "x"}),
        ("patch", "/api/v1/departments/hq", {"name": "x"}),
        (
            "post",
            "/api/v1/service-accounts",
            {"client_id": "svc.x", "display_name": "x", "department_path": "/hq"},
        ),
    ],
)
def test_identity_administration_needs_the_admin_role(client, auth_header, method, path, body):
    response = getattr(client, method)(path, json=body, headers=auth_header("sales.lead"))

    assert response.status_code == 403
    assert response.mimetype == PROBLEM


def test_admin_creates_a_user_who_can_log_in_and_the_event_is_published(
    client, admin, demo_database
):
    before = last_event_id(demo_database)

    response = client.post("/api/v1/users", json=NEW_USER, headers=admin)

    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"] == f"/api/v1/users/{created['id']}"
    assert "password" not in json.dumps(created)
    [(key, payload)] = events_after(demo_database, before)
    assert key == "identity.user_upserted" and payload["username"] == "rep.wu"
    login = client.post(
        "/api/v1/auth/token", json={"username": "rep.wu", "password": "a long passphrase"}
    )
    assert login.status_code == 200


def test_the_user_event_carries_the_address_masked_and_sealed_never_in_clear(
    client, admin, demo_database, monkeypatch
):
    """identity.user_upserted goes to every consumer's queue: the e-mail and phone are in it
    masked, and sealed with the key the notification worker holds (issue 15)."""
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())
    before = last_event_id(demo_database)
    user = {
        **NEW_USER,
        "username": "rep.qian",
        "email": "rep.qian@example.com",
        "phone": "13912345678",
    }

    assert client.post("/api/v1/users", json=user, headers=admin).status_code == 201

    [(key, payload)] = events_after(demo_database, before)
    assert key == "identity.user_upserted"
    assert "rep.qian@example.com" not in json.dumps(payload)
    assert "13912345678" not in json.dumps(payload)
    assert (payload["emailMasked"], payload["phoneMasked"]) == ("r***@example.com", "139******78")
    event = wire.decode(json.dumps(payload), events_pb2.UserUpserted)
    assert (open_address(event, "email"), open_address(event, "phone")) == (
        "rep.qian@example.com",
        "13912345678",
    )
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())
    assert open_address(event, "email") is None  # another key (another process) cannot open it


def test_moving_a_lead_to_another_department_clears_the_lead_and_says_where_from(
    client, admin, demo_database
):
    lead_id = next(
        u["id"]
        for u in client.get("/api/v1/users", headers=admin).get_json()["users"]
        if u["username"] == "sales.lead"
    )
    before = last_event_id(demo_database)

    response = client.patch(
        f"/api/v1/users/{lead_id}", json={"department_path": "/hq/service"}, headers=admin
    )

    assert response.status_code == 200
    assert response.get_json()["department_path"] == "/hq/service"
    events = events_after(demo_database, before)
    assert ("identity.department_upserted", "/hq/sales") in [(k, p.get("path")) for k, p in events]
    user_event = [p for k, p in events if k == "identity.user_upserted"][-1]
    assert user_event["previousDepartmentPath"] == "/hq/sales"
    assert not user_event.get("isDepartmentLead")
    departments = client.get("/api/v1/departments", headers=admin).get_json()["departments"]
    assert next(d for d in departments if d["path"] == "/hq/sales")["lead_user_id"] is None


def test_admin_assigns_roles_scope_and_leads(client, admin, demo_database):
    zhang = next(
        u
        for u in client.get("/api/v1/users", headers=admin).get_json()["users"]
        if u["username"] == "rep.zhang"
    )

    changed = client.patch(
        f"/api/v1/users/{zhang['id']}",
        json={"roles": ["manager", "sales_rep"], "data_scope": "department"},
        headers=admin,
    ).get_json()
    led = client.patch(
        "/api/v1/departments/hq/sales/east", json={"lead_user_id": zhang["id"]}, headers=admin
    )

    assert changed["roles"] == ["manager", "sales_rep"] and changed["data_scope"] == "department"
    assert led.status_code == 200 and led.get_json()["lead_user_id"] == zhang["id"]
    me = client.get(f"/api/v1/users/{zhang['id']}", headers=admin).get_json()
    assert me["is_department_lead"] is True
    assert me["revision"] > zhang["revision"]


def test_admin_creates_and_renames_departments(client, admin):
    created = client.post(
        "/api/v1/departments", json={"path": "/hq/sales/south", "name": "华南"}, headers=admin
    )
    renamed = client.patch(
        "/api/v1/departments/hq/sales/south", json={"name": "华南销售组"}, headers=admin
    )
    missing = client.patch("/api/v1/departments/hq/nowhere", json={"name": "x"}, headers=admin)

    assert created.status_code == 201
    assert renamed.get_json()["name"] == "华南销售组" and renamed.get_json()["revision"] == 2
    assert missing.status_code == 404


def test_a_disabled_user_can_neither_log_in_nor_refresh(client, admin):
    session = client.post(
        "/api/v1/auth/token", json={"username": "rep.li", "password": "demo"}
    ).get_json()
    li_id = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {session['access_token']}"}
    ).get_json()["id"]

    response = client.patch(f"/api/v1/users/{li_id}", json={"active": False}, headers=admin)

    assert response.get_json()["active"] is False
    assert (
        client.post(
            "/api/v1/auth/token", json={"username": "rep.li", "password": "demo"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/token",
            json={"grant_type": "refresh_token", "refresh_token": session["refresh_token"]},
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    "field,value",
    [
        ("roles", ["admin"]),
        ("department_path", "/hq"),
        ("data_scope", "all"),
        ("owner_id", "someone"),
        ("active", True),
        ("id", "x"),
    ],
)
def test_a_person_cannot_set_privileged_fields_on_themselves(client, auth_header, field, value):
    headers = auth_header("rep.zhang")

    response = client.patch("/api/v1/me", json={field: value}, headers=headers)

    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["roles"] == ["sales_rep"] and me["data_scope"] == "own"


def test_a_person_changes_their_own_profile(client, auth_header):
    headers = auth_header("rep.zhang")

    response = client.patch(
        "/api/v1/me", json={"locale": "en-US", "job_title": "KA"}, headers=headers
    )

    assert response.status_code == 200
    assert response.get_json()["locale"] == "en-US"


def test_admin_patch_refuses_fields_no_one_may_set(client, admin):
    users = client.get("/api/v1/users", headers=admin).get_json()["users"]
    response = client.patch(
        f"/api/v1/users/{users[0]['id']}",
        json={"password_hash": "x", "service_account": True, "revision": 1},
        headers=admin,
    )

    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {
        "password_hash",
        "service_account",
        "revision",
    }


def test_people_cannot_be_given_the_service_accounts_role(client, admin):
    created = client.post("/api/v1/users", json={**NEW_USER, "roles": ["service"]}, headers=admin)
    users = client.get("/api/v1/users", headers=admin).get_json()["users"]
    patched = client.patch(
        f"/api/v1/users/{users[0]['id']}", json={"roles": ["service"]}, headers=admin
    )

    assert created.status_code == patched.status_code == 422
    assert [e["field"] for e in patched.get_json()["errors"]] == ["roles"]
