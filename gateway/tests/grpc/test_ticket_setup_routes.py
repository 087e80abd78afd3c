"""The ticket service's configuration over REST (routing rules, SLA policies, business
calendars, agents, the ticket policy), against the real ticket service over a real gRPC
server.

Agents reach the ticket service as identity events (its worker's business); here the agent
profile is written into the service's database the way that handler writes it.
"""

from __future__ import annotations

import pytest
from crm_shared.db import Database, utcnow
from gateway.identity.demo import USERS

pytestmark = pytest.mark.integration

DEMO_IDS = {u.username: u.user_id for u in USERS}


@pytest.fixture
def client(make_app, ticket_service):
    return make_app(
        ticket_addr=ticket_service.address, rate_limit_user_requests=1_000_000
    ).test_client()


@pytest.fixture
def tech_agent(tmp_path, ticket_service) -> str:
    """``tech.zhao`` known to the ticket service as an agent of ``/hq/tech``."""
    from ticket_service.models import Agent

    database = Database(f"sqlite:///{tmp_path / 'ticket.db'}")
    try:
        with database.unit_of_work() as uow:
            uow.session.add(
                Agent(
                    user_id=DEMO_IDS["tech.zhao"],
                    username="tech.zhao",
                    display_name="赵军",
                    department_path="/hq/tech",
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
    return DEMO_IDS["tech.zhao"]


def rule(client, headers, **fields):
    body = {
        "display_name": "Technical problems",
        "condition": {
            "match": "any",
            "conditions": [{"field": "category", "operator": "equals", "values": ["technical"]}],
        },
        "target_department_path": "/hq/tech",
        "agent_selection": "least_loaded",
        "priority": 20,
        **fields,
    }
    return client.post("/api/v1/routing-rules", json=body, headers=headers)


def test_routing_rules_crud(client, auth_header):
    headers = auth_header("admin")
    created = rule(client, headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    location = created.headers["Location"]
    assert created.get_json()["condition"]["conditions"][0]["operator"] == "equals"

    patched = client.patch(location, json={"enabled": False}, headers=headers)
    disabled = client.get("/api/v1/routing-rules?enabled=false", headers=headers).get_json()
    deleted = client.delete(location, headers=headers)

    assert patched.status_code == 200 and patched.get_json()["enabled"] is False
    assert patched.get_json()["display_name"] == "Technical problems"
    assert [r["id"] for r in disabled["rules"]] == [created.get_json()["id"]]
    assert deleted.status_code == 204
    assert client.get(location, headers=headers).status_code == 404


def test_a_rule_outside_the_callers_scope_is_403_and_a_bad_one_422(client, auth_header):
    seeded = client.get("/api/v1/routing-rules", headers=auth_header("admin")).get_json()["rules"]

    foreign = rule(client, auth_header("logistics.lead"))
    bad = rule(
        client,
        auth_header("admin"),
        target_department_path="tech",
        condition={"conditions": [{"field": "category", "operator": "resembles"}]},
    )

    assert foreign.status_code == 403
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {
        "target_department_path",
        "condition.conditions[0].operator",
    }
    listed = client.get("/api/v1/routing-rules", headers=auth_header("admin")).get_json()
    assert listed["rules"] == seeded  # nothing stored


def test_sla_policy_durations_are_iso_8601(client, auth_header):
    headers = auth_header("admin")
    created = client.post(
        "/api/v1/sla-policies",
        json={
            "display_name": "Complaints - 24 h resolution",
            "ticket_type": "complaint",
            "first_response_target": "PT4H",
            "resolution_target": "PT24H",
            "business_hours_only": False,
        },
        headers=headers,
    )

    assert created.status_code == 201, created.get_data(as_text=True)
    policy = created.get_json()
    assert policy["first_response_target"] == "PT4H"
    assert policy["resolution_target"] == "P1D"
    changed = client.patch(
        created.headers["Location"], json={"resolution_target": "PT12H"}, headers=headers
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["resolution_target"] == "PT12H"
    assert changed.get_json()["first_response_target"] == "PT4H"
    listed = client.get("/api/v1/sla-policies?ticket_type=complaint", headers=headers).get_json()
    assert policy["id"] in [p["id"] for p in listed["policies"]]


def test_business_calendar_round_trip(client, auth_header):
    headers = auth_header("admin")
    body = {
        "display_name": "Tech office hours",
        "department_path": "/hq/tech",
        "time_zone": "Asia/Shanghai",
        "working_hours": [{"day": "monday", "opens_at": "09:00", "closes_at": "18:00"}],
        "holidays": [{"date": "2026-10-01", "name": "国庆节"}],
        "extra_working_days": [{"date": "2026-10-10", "name": "调休", "weekday_like": "monday"}],
    }

    created = client.post("/api/v1/business-calendars", json=body, headers=headers)
    bad = client.post(
        "/api/v1/business-calendars",
        json={**body, "working_hours": [{"day": "funday", "opens_at": "9", "closes_at": "18:00"}]},
        headers=headers,
    )

    assert created.status_code == 201, created.get_data(as_text=True)
    calendar = created.get_json()
    assert calendar["working_hours"] == body["working_hours"]
    assert calendar["extra_working_days"][0]["weekday_like"] == "monday"
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {
        "working_hours[0].day",
        "working_hours[0].opens_at",
    }
    listed = client.get("/api/v1/business-calendars", headers=headers).get_json()
    assert calendar["id"] in [c["id"] for c in listed["calendars"]]


def test_a_year_of_public_holidays_is_filled_once_and_an_unknown_year_is_422(client, auth_header):
    headers = auth_header("admin")
    body = {
        "display_name": "Finance office hours",
        "department_path": "/hq/finance",
        "time_zone": "Asia/Shanghai",
        "working_hours": [
            {"day": day, "opens_at": "09:00", "closes_at": "18:00"}
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        ],
    }
    calendar = client.post("/api/v1/business-calendars", json=body, headers=headers).get_json()
    fill = f"/api/v1/business-calendars/{calendar['id']}/public-holidays"

    first = client.post(fill, json={"year": 2026}, headers=headers)
    again = client.post(fill, json={"year": 2026}, headers=headers)
    unknown = client.post(fill, json={"year": 2999}, headers=headers)

    assert first.status_code == 200, first.get_data(as_text=True)
    filled = first.get_json()
    make_up = {"date": "2026-02-14", "name": "春节调休 (Spring Festival)", "weekday_like": "monday"}
    assert make_up in filled["calendar"]["extra_working_days"]
    assert filled["holidays_added"] > 0
    repeated = again.get_json()
    assert (repeated["holidays_added"], repeated["extra_working_days_added"]) == (0, 0)
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.get_json()["errors"]] == ["year"]


def test_ticket_policy_get_and_put(client, auth_header):
    headers = auth_header("admin")
    policy = {
        "raise_priority_value_classes": ["a", "b"],
        "raise_priority_when_at_risk": False,
        "callback_within": "PT12H",
        "service_record_within": "PT2H",
        "auto_close_after": "P3D",
    }

    before = client.get("/api/v1/ticket-policy", headers=headers)
    put = client.put("/api/v1/ticket-policy", json=policy, headers=headers)
    partial = client.put(
        "/api/v1/ticket-policy", json={"raise_priority_when_at_risk": True}, headers=headers
    )
    after = client.get("/api/v1/ticket-policy", headers=headers).get_json()

    assert before.status_code == 200, before.get_data(as_text=True)
    assert put.status_code == 200, put.get_data(as_text=True)
    assert partial.status_code == 422
    assert {k: after[k] for k in policy} == policy
    assert after["updated_by"] == DEMO_IDS["admin"]


def test_agents_are_listed_updated_and_picked_by_routing(client, auth_header, tech_agent):
    lead = auth_header("tech.lead")

    listed = client.get("/api/v1/agents?department_path=/hq/tech", headers=lead).get_json()
    patched = client.patch(
        f"/api/v1/agents/{tech_agent}",
        json={"skills": ["network"], "max_open_tickets": 5},
        headers=lead,
    )
    foreign = client.patch(
        f"/api/v1/agents/{tech_agent}", json={"available": False}, headers=auth_header("rep.li")
    )
    missing = client.get("/api/v1/agents/nobody", headers=lead)

    assert [a["user_id"] for a in listed["agents"]] == [tech_agent]
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert patched.get_json()["skills"] == ["network"]
    assert patched.get_json()["max_open_tickets"] == 5
    assert foreign.status_code == 403
    assert missing.status_code == 404

    assert rule(client, auth_header("admin")).status_code == 201
    ticket = client.post(
        "/api/v1/tickets",
        json={
            "type": "fault",
            "title": "服务器宕机",
            "description": "生产服务器无法访问",
            "category": "technical",
            "reporter_name": "李女士",
            "reporter_phone": "13900139000",
        },
        headers=auth_header("admin"),
    ).get_json()
    assert ticket["department_path"] == "/hq/tech"
    assert ticket["assignee_id"] == tech_agent
    agent = client.get(f"/api/v1/agents/{tech_agent}", headers=lead).get_json()
    assert agent["open_ticket_count"] == 1


def test_a_department_lead_cannot_pull_every_ticket_into_their_department(client, auth_header):
    """Issue 15 (low): tech.lead may route tickets of a condition to /hq/tech after the
    company's rules, but neither a catch-all nor a rule ahead of them (403, nothing stored);
    the admin may write both."""
    lead = auth_header("tech.lead")
    catch_all = rule(client, lead, display_name="Everything to tech", condition=None,
                     priority=5000)
    ahead = rule(client, lead, display_name="Tech first", priority=1)
    assert (catch_all.status_code, ahead.status_code) == (403, 403), catch_all.get_data(
        as_text=True)
    names = {r["display_name"] for r in client.get(
        "/api/v1/routing-rules?page_size=100", headers=auth_header("admin")).get_json()["rules"]}
    assert not names & {"Everything to tech", "Tech first"}

    after = rule(client, lead, display_name="Tech after the company", priority=5000)
    assert after.status_code == 201, after.get_data(as_text=True)
    moved = client.patch(after.headers["Location"], json={"priority": 1}, headers=lead)
    assert moved.status_code == 403
    admin = rule(client, auth_header("admin"), display_name="Everything to tech",
                 condition=None, priority=5000)
    assert admin.status_code == 201, admin.get_data(as_text=True)
