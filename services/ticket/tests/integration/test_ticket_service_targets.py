"""Service targets through the in-process ticket api (real server bootstrap, tokens, migrated
SQLite database): a service lead sets an agent's target, and the agent's attainment is the
SLA targets met and the satisfaction of the tickets created in the period, against it; a
department's is its subtree's; who may set and see what; bad figures are field errors. The
tickets are stored with the times the test gives them (November 2026)."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.ticket.v1 import events_pb2, ticket_pb2

pytestmark = pytest.mark.integration

T = ticket_pb2
Code = grpc.StatusCode
PERIOD = "2026-11"


@pytest.fixture
def ticket_people():
    return {"/hq/service": "u-service-lead"}, {"u-agent": "/hq/service", "u-agent-2": "/hq/service"}


def at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def figures(answer: T.ServiceTargetAttainment) -> dict[str, tuple]:
    return {
        k.key: (round(k.value, 4), k.target if k.HasField("target") else None, k.sample_size)
        for k in answer.kpis
    }


def test_an_agents_attainment_is_their_tickets_sla_and_satisfaction_against_the_target(
    api, rpc_error
):
    add = api.add_ticket
    # first response met, resolution breached (late); scored 4
    add(
        assignee_id="u-agent",
        create_time=at("2026-11-05"),
        first_response_due_time=at("2026-11-05", 6),
        first_response_time=at("2026-11-05", 3),
        resolution_due_time=at("2026-11-06"),
        resolve_time=at("2026-11-07"),
        resolution_breached=True,
        satisfaction_score=4.0,
    )
    # first response breached, resolution met; scored 5
    add(
        assignee_id="u-agent",
        create_time=at("2026-11-10"),
        first_response_due_time=at("2026-11-10", 4),
        first_response_time=at("2026-11-10", 9),
        first_response_breached=True,
        resolution_due_time=at("2026-11-12"),
        resolve_time=at("2026-11-11"),
        satisfaction_score=5.0,
    )
    # no response long past its due time (missed); resolution not due yet (not decided)
    add(
        assignee_id="u-agent",
        create_time=at("2026-11-15"),
        first_response_due_time=at("2026-11-15", 6),
        resolution_due_time=at("2027-01-20"),
    )
    # another agent's, and one of October
    add(
        assignee_id="u-agent-2",
        create_time=at("2026-11-12"),
        first_response_due_time=at("2026-11-12", 6),
        first_response_time=at("2026-11-12", 3),
        resolution_due_time=at("2026-11-14"),
        resolve_time=at("2026-11-13"),
        satisfaction_score=2.0,
    )
    add(
        assignee_id="u-agent",
        create_time=at("2026-10-20"),
        first_response_due_time=at("2026-10-20", 6),
        first_response_time=at("2026-10-20", 3),
    )

    target = api.stub("u-service-lead").SetServiceTarget(
        T.SetServiceTargetRequest(
            target=T.ServiceTarget(
                agent_id="u-agent",
                period=PERIOD,
                first_response_sla_rate=0.9,
                resolution_sla_rate=0.8,
                satisfaction_score=4.0,
            )
        )
    )
    assert (
        target.department_path,
        target.period_range.start_date,
        target.period_range.end_date,
    ) == ("/hq/service", "2026-11-01", "2026-11-30")
    [event] = api.events("service_target.set", events_pb2.ServiceTargetSet)
    assert (event.target.agent_id, event.actor_id) == ("u-agent", "u-service-lead")

    mine = api.stub("u-agent").GetServiceTargetAttainment(
        T.GetServiceTargetAttainmentRequest(agent_id="u-agent", period=PERIOD)
    )
    assert figures(mine) == {
        "first_response_sla_rate": (0.3333, 0.9, 3),
        "resolution_sla_rate": (0.5, 0.8, 2),
        "satisfaction_score": (4.5, 4.0, 2),
    }
    team = api.stub("u-service-lead").GetServiceTargetAttainment(
        T.GetServiceTargetAttainmentRequest(department_path="/hq/service", period=PERIOD)
    )
    assert figures(team) == {
        "first_response_sla_rate": (0.5, None, 4),
        "resolution_sla_rate": (0.6667, None, 3),
        "satisfaction_score": (3.6667, None, 3),
    }

    # the department's target shows next to the ticket KPIs of a report inside its month
    api.stub("u-service-lead").SetServiceTarget(
        T.SetServiceTargetRequest(
            target=T.ServiceTarget(
                department_path="/hq/service", period=PERIOD, resolution_sla_rate=0.75
            )
        )
    )
    report = api.stub("u-service-lead").GetTicketKpis(
        T.GetTicketKpisRequest(
            period=types_pb2.DateRange(start_date="2026-11-03", end_date="2026-11-20"),
            department_path="/hq/service",
        )
    )
    shown = {k.key: k.target if k.HasField("target") else None for k in report.kpis}
    assert (shown["resolution_sla_rate"], shown["first_response_sla_rate"]) == (0.75, None)

    # who may set and see what
    assert (
        rpc_error(
            api.stub("u-agent").SetServiceTarget,
            T.SetServiceTargetRequest(
                target=T.ServiceTarget(agent_id="u-agent", period=PERIOD, satisfaction_score=5)
            ),
        ).code
        is Code.PERMISSION_DENIED
    )
    assert (
        rpc_error(
            api.stub("u-tech-lead").SetServiceTarget,
            T.SetServiceTargetRequest(
                target=T.ServiceTarget(agent_id="u-agent", period=PERIOD, satisfaction_score=5)
            ),
        ).code
        is Code.PERMISSION_DENIED
    )
    assert (
        rpc_error(
            api.stub("u-agent-2").GetServiceTargetAttainment,
            T.GetServiceTargetAttainmentRequest(agent_id="u-agent", period=PERIOD),
        ).code
        is Code.NOT_FOUND
    )
    assert (
        rpc_error(
            api.stub("u-tech-lead").GetServiceTargetAttainment,
            T.GetServiceTargetAttainmentRequest(department_path="/hq/service", period=PERIOD),
        ).code
        is Code.PERMISSION_DENIED
    )
    assert [
        t.agent_id
        for t in api.stub("u-agent").ListServiceTargets(T.ListServiceTargetsRequest()).targets
    ] == ["u-agent"]
    assert not api.stub("u-agent-2").ListServiceTargets(T.ListServiceTargetsRequest()).targets


def test_bad_figures_are_field_errors_and_nothing_is_stored(api, rpc_error):
    from ticket_service.models import ServiceTargetRecord

    error = rpc_error(
        api.stub("u-admin").SetServiceTarget,
        T.SetServiceTargetRequest(
            target=T.ServiceTarget(
                agent_id="u-agent",
                period="2026-Q5",
                first_response_sla_rate=1.5,
                satisfaction_score=7,
            )
        ),
    )
    assert error.code is Code.INVALID_ARGUMENT
    assert sorted(v.field for v in error.violations) == [
        "target.first_response_sla_rate",
        "target.period",
        "target.satisfaction_score",
    ]
    unknown = rpc_error(
        api.stub("u-admin").SetServiceTarget,
        T.SetServiceTargetRequest(target=T.ServiceTarget(agent_id="u-nobody", period=PERIOD)),
    )
    assert [v.field for v in unknown.violations] == ["target.agent_id"]
    assert api.count(ServiceTargetRecord) == 0
    assert api.events("service_target.set") == []
