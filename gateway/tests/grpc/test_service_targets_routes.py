"""Service targets over REST against the real ticket service (its api and migrations) as the
demo users, whose forwarded tokens the ticket service decides with; ``agent.wang`` is in its
agent directory the way its worker writes identity's facts."""

from __future__ import annotations

import pytest
from crm_shared.db import Database, utcnow
from gateway.identity.demo import USERS

pytestmark = pytest.mark.integration

DEMO = {u.username: u for u in USERS}


@pytest.fixture
def client(make_app, ticket_service, tmp_path):
    from ticket_service.models import Agent

    wang = DEMO["agent.wang"]
    database = Database(f"sqlite:///{tmp_path / 'ticket.db'}")
    try:
        with database.unit_of_work() as uow:
            uow.session.add(
                Agent(
                    user_id=wang.user_id,
                    username=wang.username,
                    display_name=wang.display_name,
                    department_path=wang.department_path,
                    department_lead=False,
                    active=True,
                    skills=[],
                    max_open_tickets=0,
                    available=True,
                    revision=1,
                    update_time=utcnow(),
                )
            )
    finally:
        database.dispose()
    return make_app(
        ticket_addr=ticket_service.address, rate_limit_user_requests=1_000_000
    ).test_client()


def test_a_service_lead_sets_an_agents_target_and_the_agent_reads_it_as_kpis(client, auth_header):
    lead, wang = auth_header("service.lead"), auth_header("agent.wang")
    agent_id = DEMO["agent.wang"].user_id
    made = client.post(
        "/api/v1/service-targets",
        headers=lead,
        json={
            "agent_id": agent_id,
            "period": "2026-11",
            "first_response_sla_rate": 0.95,
            "satisfaction_score": 4.5,
        },
    )
    assert made.status_code == 200, made.get_data(as_text=True)
    assert made.get_json()["department_path"] == "/hq/service"
    answer = client.get(
        f"/api/v1/service-targets/attainment?agent_id={agent_id}&period=2026-11", headers=wang
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert {k["key"]: k.get("target") for k in answer.get_json()["kpis"]} == {
        "first_response_sla_rate": 0.95,
        "resolution_sla_rate": None,
        "satisfaction_score": 4.5,
    }
    listed = client.get("/api/v1/service-targets", headers=wang).get_json()["targets"]
    assert [t["agent_id"] for t in listed] == [agent_id]

    assert (
        client.post(
            "/api/v1/service-targets",
            headers=wang,
            json={"agent_id": agent_id, "period": "2026-11"},
        ).status_code
        == 403
    )
    refused = client.post(
        "/api/v1/service-targets",
        headers=lead,
        json={"agent_id": agent_id, "period": "2026-11", "resolution_sla_rate": 1.5},
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["resolution_sla_rate"]
