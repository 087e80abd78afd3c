"""The record routes of ``/api/v1/customers`` against the real customer service: list filters,
patch and history, portrait, contacts, tags, duplicates, merge and handover."""

from __future__ import annotations

import pytest
from crm_shared.db import utcnow
from customer_service.models import Employee
from gateway.identity.demo import USERS

DEMO_IDS = {u.username: u.user_id for u in USERS}


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def _create(client, headers, **fields) -> dict:
    body = {"type": "individual", "display_name": "李雷", **fields}
    response = client.post("/api/v1/customers", headers=headers, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_list_filters_and_cursor_pages(client, auth_header):
    rep = auth_header("rep.zhang")
    _create(client, rep, display_name="张三", source="exhibition")
    _create(client, rep, display_name="李四", source="referral")
    _create(
        client,
        rep,
        type="enterprise",
        display_name="西湖科技",
        enterprise={"legal_name": "杭州西湖科技有限公司", "industry": "software"},
    )

    by_source = client.get("/api/v1/customers?source=exhibition", headers=rep).get_json()
    by_type = client.get("/api/v1/customers?type=enterprise", headers=rep).get_json()
    by_text = client.get("/api/v1/customers?query=西湖", headers=rep).get_json()
    first = client.get("/api/v1/customers?page_size=2", headers=rep).get_json()
    second = client.get(
        f"/api/v1/customers?page_size=2&page_token={first['next_page_token']}", headers=rep
    ).get_json()

    assert [c["display_name"] for c in by_source["customers"]] == ["张三"]
    assert [c["display_name"] for c in by_type["customers"]] == ["西湖科技"]
    assert [c["display_name"] for c in by_text["customers"]] == ["西湖科技"]
    assert len(first["customers"]) == 2 and first["next_page_token"]
    assert len(second["customers"]) == 1 and second["next_page_token"] == ""
    assert first["total_size"] == 3
    assert client.get("/api/v1/customers?value_classes=Z", headers=rep).status_code == 422


def test_patch_changes_only_the_fields_sent_and_is_in_the_history(client, auth_header):
    rep = auth_header("rep.zhang")
    created = _create(client, rep, phone="13800138000", email="li@example.com")
    location = f"/api/v1/customers/{created['id']}"

    patched = client.patch(
        location, headers=rep, json={"phone": "13900139000", "etag": created["etag"]}
    )
    stale = client.patch(location, headers=rep, json={"needs": "x", "etag": created["etag"]})
    history = client.get(f"{location}/history", headers=rep)

    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert (patched.get_json()["phone"], patched.get_json()["email"]) == (
        "+8613900139000",
        "li@example.com",
    )
    assert stale.status_code == 409
    assert history.status_code == 200
    revisions = history.get_json()["revisions"]
    assert [(r["field_path"], r["new_value"]) for r in revisions if r["field_path"] == "phone"]
    assert client.patch(location, headers=rep, json={}).status_code == 422
    assert (
        client.patch(location, headers=auth_header("rep.li"), json={"needs": "x"}).status_code
        == 404
    )


def test_portrait_of_a_visible_customer(client, auth_header):
    rep = auth_header("rep.zhang")
    created = _create(client, rep)
    portrait = client.get(f"/api/v1/customers/{created['id']}/portrait", headers=rep)
    assert portrait.status_code == 200, portrait.get_data(as_text=True)
    assert portrait.get_json()["customer"]["id"] == created["id"]
    assert (
        client.get(
            f"/api/v1/customers/{created['id']}/portrait", headers=auth_header("rep.li")
        ).status_code
        == 404
    )


def test_contacts_and_tags_sub_resources(client, auth_header):
    rep = auth_header("rep.zhang")
    created = _create(
        client,
        rep,
        type="enterprise",
        display_name="西湖科技",
        enterprise={"legal_name": "杭州西湖科技有限公司", "industry": "software"},
    )
    contacts = f"/api/v1/customers/{created['id']}/contacts"

    added = client.post(
        contacts,
        headers=rep,
        json={"name": "王经理", "job_title": "采购经理", "decision_role": "decision_maker"},
    )
    assert added.status_code == 201, added.get_data(as_text=True)
    contact = client.get(added.headers["Location"], headers=rep)
    changed = client.patch(added.headers["Location"], headers=rep, json={"job_title": "采购总监"})
    listed = client.get(contacts, headers=rep)
    assert contact.status_code == 200
    assert changed.get_json()["job_title"] == "采购总监"
    assert [c["name"] for c in listed.get_json()["contacts"]] == ["王经理"]
    assert client.delete(added.headers["Location"], headers=rep).status_code == 204
    assert client.get(contacts, headers=rep).get_json()["contacts"] == []

    # The tag catalogue has no REST route here: an unknown tag id is refused by the service.
    tagged = client.post(
        f"/api/v1/customers/{created['id']}/tags",
        headers=auth_header("admin"),
        json={"tag_ids": ["no-such-tag"]},
    )
    assert tagged.status_code in (404, 422)


def test_duplicates_merge_and_handover(client, auth_header, customer_service):
    rep = auth_header("rep.zhang")
    one = _create(client, rep, display_name="李雷", phone="13800138000")
    two = _create(client, rep, display_name="李 雷", phone="13800138000")

    pairs = client.get(f"/api/v1/customers/duplicates?customer_id={one['id']}", headers=rep)
    assert pairs.status_code == 200, pairs.get_data(as_text=True)
    assert {
        frozenset((p["customer_id"], p["duplicate_customer_id"]))
        for p in pairs.get_json()["duplicate_candidates"]
    } == {frozenset((one["id"], two["id"]))}

    merged = client.post(
        "/api/v1/customers/merge",
        headers=rep,
        json={
            "surviving_customer_id": one["id"],
            "merged_customer_ids": [two["id"]],
            "reason": "same person",
        },
    )
    assert merged.status_code == 200, merged.get_data(as_text=True)
    assert merged.get_json()["merge"]["merged_customer_ids"] == [two["id"]]

    # The successor is in the service's employee directory (kept from identity events).
    with customer_service.api.database.unit_of_work() as uow:
        uow.session.add(
            Employee(
                user_id=DEMO_IDS["rep.li"],
                username="rep.li",
                department_path="/hq/sales/north",
                active=True,
                update_time=utcnow(),
            )
        )
    admin = auth_header("admin")
    handed = client.post(
        "/api/v1/customers/handover",
        headers=admin,
        json={
            "from_user_id": DEMO_IDS["rep.zhang"],
            "to_user_id": DEMO_IDS["rep.li"],
            "reason": "employee left",
        },
    )
    assert handed.status_code == 200, handed.get_data(as_text=True)
    assert handed.get_json()["customer_count"] == 1
    assert (
        client.get(f"/api/v1/customers/{one['id']}", headers=auth_header("rep.li")).status_code
        == 200
    )
