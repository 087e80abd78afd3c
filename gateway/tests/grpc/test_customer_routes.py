"""``/api/v1/customers`` against the real customer service, over a real gRPC server.

The gateway forwards the caller's token; the customer service applies that caller's
visibility, so what another user gets back proves whose token arrived.
"""

from __future__ import annotations

import re

import pytest
from gateway.identity.demo import USERS

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
DEMO_IDS = {u.username: u.user_id for u in USERS}


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def create(client, headers, **fields):
    body = {
        "type": "enterprise",
        "display_name": "西湖科技",
        "phone": "13800138000",
        "email": "Contact@Example.com",
        # an enterprise's required fields (the service refuses one without them)
        "enterprise": {"legal_name": "杭州西湖科技有限公司", "industry": "software"},
        **fields,
    }
    return client.post("/api/v1/customers", json=body, headers=headers)


def test_create_returns_201_the_customer_and_its_location(client, auth_header):
    response = create(client, auth_header("rep.zhang"))

    assert response.status_code == 201, response.get_data(as_text=True)
    customer = response.get_json()
    assert response.headers["Location"] == f"/api/v1/customers/{customer['id']}"
    assert customer["type"] == "enterprise"
    assert customer["display_name"] == "西湖科技"
    assert customer["number"]
    assert customer["owner_id"] == DEMO_IDS["rep.zhang"]  # the caller: the token arrived
    assert customer["department_path"] == "/hq/sales/east"
    assert RFC3339.match(customer["create_time"])


def test_created_customer_is_readable_at_its_location_and_listed(client, auth_header):
    headers = auth_header("rep.zhang")
    location = create(client, headers).headers["Location"]

    found = client.get(location, headers=headers)
    page = client.get("/api/v1/customers?page_size=10", headers=headers)

    assert found.status_code == 200
    assert found.get_json()["id"] == location.rsplit("/", 1)[1]
    assert page.status_code == 200
    assert [c["id"] for c in page.get_json()["customers"]] == [found.get_json()["id"]]
    assert page.get_json()["next_page_token"] == ""


def test_visibility_is_the_callers_own_rep_lead_and_admin(client, auth_header):
    location = create(client, auth_header("rep.zhang")).headers["Location"]

    assert client.get(location, headers=auth_header("rep.li")).status_code == 404
    assert client.get(location, headers=auth_header("sales.lead")).status_code == 200
    assert client.get(location, headers=auth_header("admin")).status_code == 200
    assert (
        client.get("/api/v1/customers", headers=auth_header("rep.li")).get_json()["customers"] == []
    )


# rep.zhang (/hq/sales/east, scope own) owns the customer. Each caller: can they read it,
# change it, and do they find it in their list?
VISIBILITY_MATRIX = [
    ("rep.zhang", True, True, True),  # the owner
    ("rep.li", False, False, False),  # another rep: someone else's customer is not found
    ("sales.lead", True, True, True),  # lead of /hq/sales: the owner's department subtree
    ("service.lead", False, False, False),  # lead of another subtree
    ("admin", True, True, True),  # scope all
    ("agent.wang", True, False, False),  # service desk: reads by id only (tickets need it)
]


@pytest.mark.parametrize("caller, reads, changes, lists", VISIBILITY_MATRIX)
def test_visibility_matrix_over_rest(client, auth_header, caller, reads, changes, lists):
    created = create(client, auth_header("rep.zhang")).get_json()
    location = f"/api/v1/customers/{created['id']}"
    headers = auth_header(caller)

    got = client.get(location, headers=headers)
    patched = client.patch(location, headers=headers,
                           json={"needs": f"changed by {caller}", "etag": created["etag"]})
    listed = client.get("/api/v1/customers?page_size=200", headers=headers).get_json()["customers"]

    assert got.status_code == (200 if reads else 404)
    assert patched.status_code == (200 if changes else 404), patched.get_data(as_text=True)
    assert (created["id"] in {c["id"] for c in listed}) is lists
    after = client.get(location, headers=auth_header("admin")).get_json()
    assert (after["needs"] == f"changed by {caller}") is changes  # a refused change stored nothing


def test_invalid_data_is_422_with_the_services_field_errors(client, auth_header):
    response = create(client, auth_header("rep.zhang"), email="not-an-email", phone="12345")

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"email", "phone"}  # the service's customer.email, in the body's terms


def test_unknown_customer_is_a_404_problem(client, auth_header):
    response = client.get("/api/v1/customers/does-not-exist", headers=auth_header("rep.zhang"))

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_same_idempotency_key_creates_one_customer(client, auth_header):
    headers = {**auth_header("rep.zhang"), "Idempotency-Key": "order-7"}

    first = create(client, headers)
    again = create(client, headers)

    assert first.status_code == 201 and again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    listed = client.get("/api/v1/customers", headers=auth_header("rep.zhang")).get_json()
    assert len(listed["customers"]) == 1


def test_an_external_id_held_out_of_sight_is_a_409_that_names_no_customer(client, auth_header):
    """Issue 15 (low): rep.zhang learns that rep.li's ERP id is taken, never by whom."""
    hidden = create(client, auth_header("rep.li"), external_ids={"erp": "K-2002"}).get_json()
    zhang = auth_header("rep.zhang")
    mine = create(client, zhang).get_json()

    created = create(client, zhang, external_ids={"erp": "K-2002"})
    patched = client.patch(f"/api/v1/customers/{mine['id']}", headers=zhang,
                           json={"external_ids": {"erp": "K-2002"}})
    for response in (created, patched):
        assert response.status_code == 409, response.get_data(as_text=True)
        assert response.get_json()["detail"] == "the erp id K-2002 is already in use"
        assert hidden["number"] not in response.get_data(as_text=True)
    seen = client.patch(f"/api/v1/customers/{mine['id']}", headers=auth_header("admin"),
                        json={"external_ids": {"erp": "K-2002"}})
    assert seen.status_code == 409
    assert seen.get_json()["detail"] == f"customer {hidden['number']} already has the erp id K-2002"


def test_a_bank_account_change_waits_for_approval_and_a_rejection_keeps_the_old_one_over_rest(
    client, auth_header
):
    """Issue 18 (seed 002 修订机制) through the front door: the PATCH answers the customer as it
    was with the request holding the change; no department lead is known to this customer
    service, so the admin role decides; the rejection is in the history with its comment."""
    rep, admin = auth_header("rep.zhang"), auth_header("admin")
    created = create(client, rep, bank_account="6222020200112233445").get_json()
    location = f"/api/v1/customers/{created['id']}"

    held = client.patch(location, headers=rep, json={"bank_account": "6217000010009876543"})

    assert held.status_code == 200, held.get_data(as_text=True)
    request_id = held.get_json()["pending_approval_request_id"]
    assert held.get_json()["bank_account"].endswith("3445")
    one = f"/api/v1/customers/approval-requests/{request_id}"
    inbox = client.get("/api/v1/customers/approval-requests", headers=admin).get_json()
    assert [(r["subject_id"], r["approver_ids"]) for r in inbox["approval_requests"]
            if r["id"] == request_id] == [(created["id"], ["role:admin"])]
    assert client.post(f"{one}/reject", headers=rep, json={"comment": "x"}).status_code == 403
    assert client.get(one, headers=auth_header("rep.li")).status_code == 404
    unexplained = client.post(f"{one}/reject", headers=admin, json={})
    assert (unexplained.status_code, [e["field"] for e in unexplained.get_json()["errors"]]) == (
        422, ["comment"])

    rejected = client.post(f"{one}/reject", headers=admin, json={"comment": "账号与许可证不符"})

    assert rejected.get_json()["status"] == "rejected"
    assert client.get(location, headers=rep).get_json()["bank_account"].endswith("3445")
    history = client.get(f"{location}/history", headers=rep).get_json()["revisions"]
    assert [(r["field_path"], r["change_source"], r["comment"]) for r in history
            if r["change_source"] != "api"] == [
        ("bank_account", "approval_rejected", "账号与许可证不符")]
