"""``/api/v1/customers/<id>/collaborators`` (team selling, issue 18) against the real customer
service: the owner brings a rep of another team in, who then reads the customer; the
collaborator may not bring in others; everyone else still gets 404."""

from __future__ import annotations

import pytest
from crm_shared.db import Database, utcnow
from customer_service.models import Employee
from gateway.identity.demo import USERS

IDS = {u.username: u.user_id for u in USERS}


@pytest.fixture
def client(make_app, customer_service, tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'customer.db'}")
    with database.unit_of_work() as uow:  # the directory the customer worker keeps
        uow.session.add(
            Employee(
                user_id=IDS["rep.li"],
                username="rep.li",
                department_path="/hq/sales/north",
                active=True,
                update_time=utcnow(),
            )
        )
    database.dispose()
    return make_app(customer_addr=customer_service.address).test_client()


def test_the_owner_adds_a_collaborator_who_reads_the_customer_and_others_still_get_404(
    client, auth_header
):
    owner, li, outsider = auth_header("rep.zhang"), auth_header("rep.li"), auth_header("tech.lead")
    created = client.post(
        "/api/v1/customers",
        json={
            "type": "enterprise",
            "display_name": "西湖科技",
            "enterprise": {"legal_name": "杭州西湖科技有限公司", "industry": "software"},
        },
        headers=owner,
    )
    location = created.headers["Location"]
    member = f"{location}/collaborators/{IDS['rep.li']}"
    assert client.get(location, headers=li).status_code == 404
    assert client.put(member, json={"role": "co_owner"}, headers=li).status_code == 404

    bad = client.put(member, json={"role": "boss"}, headers=owner)
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["role"]
    added = client.put(member, json={"role": "co_owner"}, headers=owner)
    assert added.status_code == 200, added.get_data(as_text=True)
    assert added.get_json()["role"] == "co_owner"
    assert added.get_json()["added_by"] == IDS["rep.zhang"]

    seen = client.get(location, headers=li)
    assert seen.status_code == 200
    assert [(c["user_id"], c["role"]) for c in seen.get_json()["collaborators"]] == [
        (IDS["rep.li"], "co_owner")
    ]
    listed = client.get(f"{location}/collaborators", headers=li).get_json()
    assert [c["user_id"] for c in listed["collaborators"]] == [IDS["rep.li"]]
    brought_in = client.put(
        f"{location}/collaborators/{IDS['tech.lead']}", json={"role": "service"}, headers=li
    )
    assert brought_in.status_code == 403
    assert client.get(location, headers=outsider).status_code == 404

    assert client.delete(member, headers=owner).status_code == 204
    assert client.get(location, headers=li).status_code == 404
