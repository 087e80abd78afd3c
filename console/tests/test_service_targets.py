"""The service targets page over the real ticket service (its servicer, migrations and server
bootstrap, verifying the console's tokens): a service lead sets an agent's target and sees it
next to the agent's figures; a percentage out of range is shown next to its field with what was
typed kept. The form's reading (percent to a share) without I/O."""

from __future__ import annotations

import pytest
from crm_console.views.service_targets import target_request
from crm_devstack.ports import free_port
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.settings import load_settings

LEAD = {
    "user_id": "u-service-lead",
    "username": "service.lead",
    "roles": ["service_lead"],
    "department_path": "/hq/service",
    "data_scope": "department",
}


@pytest.fixture(scope="module")
def console(console_for, module_migrated_database):
    """The console with the real ticket api behind it, on the same token key; agent 王磊 of
    /hq/service in its directory, as its worker keeps it from identity."""
    from ticket_service.api import build_bindings
    from ticket_service.models import Agent
    from ticket_service.settings import TicketApiSettings

    key = console_for({}).app.extensions["crm.console"].settings.jwt_public_key_file
    url = module_migrated_database("ticket_service")
    settings = load_settings(
        TicketApiSettings,
        service_name="ticket",
        database_url=url,
        jwt_public_key_file=key,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False,
        grpc_reflection=False,
        health_check_seconds=3600,
        customer_addr=f"127.0.0.1:{free_port()}",
    )
    database = Database(url)
    with database.unit_of_work() as uow:
        uow.session.add(
            Agent(
                user_id="u-wang",
                username="agent.wang",
                display_name="王磊",
                department_path="/hq/service",
                department_lead=False,
                active=True,
                skills=[],
                max_open_tickets=0,
                available=True,
                revision=1,
                update_time=utcnow(),
            )
        )
    api = GrpcApi(
        settings, database, build_bindings(database, settings), service_verifier(settings)
    )
    port = api.start("127.0.0.1:0")
    yield console_for({"ticket": f"127.0.0.1:{port}"})
    api.stop(grace=0)
    database.dispose()


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _period(page: str) -> str:
    picker = page.split('id="filter-period"', 1)[1].split("</select>", 1)[0]
    return picker.split(" selected", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]


def test_a_service_lead_sets_an_agents_target_and_sees_it_next_to_their_figures(console):
    client = console.client(LEAD, "zh-CN")
    page = client.get("/service/targets").get_data(as_text=True)
    assert "服务目标" in page and "王磊" in page
    saved = client.post(
        "/service/targets",
        data={
            "csrf_token": _csrf(page),
            "department": "/hq/service",
            "agent_id": "u-wang",
            "period": _period(page),
            "first_response_sla_rate": "95",
            "satisfaction_score": "4.5",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    row = shown.split('data-agent="u-wang"', 1)[1].split("</tr>", 1)[0]
    assert "95.0%" in row and "4.50 / 5" in row


def test_a_percentage_out_of_range_is_shown_next_to_its_field_and_kept(console):
    client = console.client(LEAD, "en-US")
    page = client.get("/service/targets").get_data(as_text=True)
    refused = client.post(
        "/service/targets",
        data={
            "csrf_token": _csrf(page),
            "department": "/hq/service",
            "agent_id": "u-wang",
            "period": _period(page),
            "resolution_sla_rate": "120",
        },
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    box = body.split('for="target-resolution_sla_rate"', 1)[0].rsplit("<div", 1)[1]
    assert "has-error" in box and "Enter a percentage from 0 to 100." in body
    assert 'value="120"' in body.split('id="target-resolution_sla_rate"', 1)[1].split(">", 1)[0]


def test_the_form_reads_percentages_as_shares_and_leaves_empty_figures_unset():
    request, errors = target_request(
        {
            "agent_id": "",
            "period": "2026-12",
            "first_response_sla_rate": "92.5%",
            "satisfaction_score": "4",
        },
        "/hq/service",
    )
    assert errors == {}
    target = request.target
    assert (
        target.department_path,
        target.agent_id,
        target.first_response_sla_rate,
        target.resolution_sla_rate,
        target.satisfaction_score,
    ) == ("/hq/service", "", 0.925, 0.0, 4.0)
    _, bad = target_request({"period": "2026-12", "satisfaction_score": "很好"}, "/hq/service")
    assert list(bad) == ["satisfaction_score"]
