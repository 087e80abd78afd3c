"""Tickets of real customers over REST: the ticket service asks the real customer service for
the customer's account manager, who sees the ticket and gets its call-back task."""

from __future__ import annotations

import pytest
from gateway.identity.demo import USERS

pytestmark = pytest.mark.integration

DEMO_IDS = {u.username: u.user_id for u in USERS}


@pytest.fixture
def ticket_customer_address(customer_service) -> str:
    return customer_service.address


@pytest.fixture
def client(make_app, customer_service, ticket_service):
    return make_app(
        customer_addr=customer_service.address,
        ticket_addr=ticket_service.address,
        rate_limit_user_requests=1_000_000,
    ).test_client()


@pytest.fixture
def customer_id(client, auth_header) -> str:
    """A customer of ``rep.zhang``, its account manager."""
    response = client.post(
        "/api/v1/customers",
        json={"type": "individual", "display_name": "王小明", "phone": "13800138000"},
        headers=auth_header("rep.zhang"),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def test_resolving_a_customers_ticket_gives_its_account_manager_a_callback_task(
    client, auth_header, customer_id
):
    headers = auth_header("admin")
    created = client.post(
        "/api/v1/tickets",
        json={
            "type": "fault",
            "title": "服务器宕机",
            "description": "生产服务器无法访问",
            "category": "technical",
            "customer_id": customer_id,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    ticket = created.get_json()
    assert ticket["account_manager_id"] == DEMO_IDS["rep.zhang"]
    path = f"/api/v1/tickets/{ticket['id']}"
    # The account manager sees the ticket of their customer.
    assert client.get(path, headers=auth_header("rep.zhang")).status_code == 200
    assert client.post(f"{path}/start", json={}, headers=headers).status_code == 200
    resolved = client.post(f"{path}/resolve", json={"resolution": "重启服务"}, headers=headers)
    assert resolved.status_code == 200, resolved.get_data(as_text=True)

    mine = client.get("/api/v1/callback-tasks?state=open", headers=auth_header("rep.zhang"))

    assert mine.status_code == 200, mine.get_data(as_text=True)
    [task] = mine.get_json()["tasks"]
    assert task["ticket_id"] == ticket["id"] and task["ticket_number"] == ticket["number"]
    assert task["assignee_id"] == DEMO_IDS["rep.zhang"]
    done = client.post(
        f"/api/v1/callback-tasks/{task['id']}/complete",
        json={"result": "satisfied", "note": "客户满意"},
        headers=auth_header("rep.zhang"),
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["state"] == "done" and done.get_json()["result"] == "satisfied"
    again = client.get(f"/api/v1/callback-tasks/{task['id']}", headers=auth_header("rep.zhang"))
    assert again.get_json()["note"] == "客户满意"
    twice = client.post(
        f"/api/v1/callback-tasks/{task['id']}/complete",
        json={"result": "resolved"},
        headers=auth_header("rep.zhang"),
    )
    assert twice.status_code == 409
