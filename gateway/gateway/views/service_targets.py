"""REST over gRPC: service targets and their attainment (issue 18).

``POST /api/v1/service-targets`` sets an agent's or a department's target for a period (the
same subject and period again replaces its figures), ``GET /api/v1/service-targets`` lists
those the caller may see, ``GET /api/v1/service-targets/attainment`` is an agent's or a
department's attainment as KPIs with their targets. Translation only: the ticket service
checks the period, the figures and who may set or see what (it sees the forwarded token); its
field violations come back as this API's field errors.
"""

from __future__ import annotations

from typing import Any

from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.protojson import from_json, to_json
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.peers import call
from gateway.views import json_response
from gateway.views.dashboard import DateRange, Kpi
from gateway.views.sales_targets import PERIOD_HELP
from gateway.views.ticket_schemas import TicketPageQuery, department_path_field

PEER = "ticket"
SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]
TARGETS = "/api/v1/service-targets"
AGENT = "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
TARGET_EXAMPLE = {
    "id": "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928",
    "agent_id": AGENT,
    "department_path": "/hq/service",
    "period": "2026-12",
    "period_range": {"start_date": "2026-12-01", "end_date": "2026-12-31"},
    "first_response_sla_rate": 0.95,
    "resolution_sla_rate": 0.9,
    "satisfaction_score": 4.5,
    "create_time": "2026-11-28T02:00:00Z",
    "update_time": "2026-11-28T02:00:00Z",
    "created_by": "u-service-lead",
    "updated_by": "u-service-lead",
}


class ServiceTargetInput(BaseModel):
    """An agent's (``agent_id``) or a department's (``department_path``) target for a period."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "agent_id": AGENT,
                    "period": "2026-12",
                    "first_response_sla_rate": 0.95,
                    "resolution_sla_rate": 0.9,
                    "satisfaction_score": 4.5,
                }
            ]
        },
    )

    agent_id: str = Field("", max_length=64, description="The agent; empty for a department.")
    department_path: str = department_path_field("The department, when `agent_id` is empty.")
    period: str = Field(max_length=16, description=PERIOD_HELP)
    first_response_sla_rate: float = Field(
        0.0, description="Share of first responses within SLA, 0..1; 0 for none."
    )
    resolution_sla_rate: float = Field(
        0.0, description="Share of resolutions within SLA, 0..1; 0 for none."
    )
    satisfaction_score: float = Field(0.0, description="Average score, 1..5; 0 for none.")


class ServiceTarget(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [TARGET_EXAMPLE]})

    id: str
    agent_id: str = ""
    department_path: str
    period: str
    period_range: DateRange
    first_response_sla_rate: float = 0.0
    resolution_sla_rate: float = 0.0
    satisfaction_score: float = 0.0
    create_time: str
    update_time: str
    created_by: str
    updated_by: str


class ServiceTargetPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"targets": [TARGET_EXAMPLE], "next_page_token": ""}]},
    )

    targets: list[ServiceTarget]
    next_page_token: str = ""


class ServiceTargetAttainment(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "agent_id": AGENT,
                    "department_path": "/hq/service",
                    "display_name": "王磊",
                    "period": "2026-12",
                    "period_range": {"start_date": "2026-12-01", "end_date": "2026-12-31"},
                    "target": TARGET_EXAMPLE,
                    "kpis": [
                        {
                            "key": "first_response_sla_rate",
                            "display_name": "First responses within SLA",
                            "value": 0.92,
                            "target": 0.95,
                            "unit": "ratio",
                            "higher_is_better": True,
                            "sample_size": 50,
                        }
                    ],
                }
            ]
        },
    )

    agent_id: str = ""
    department_path: str
    display_name: str
    period: str
    period_range: DateRange
    target: ServiceTarget | None = None
    kpis: list[Kpi]


class ServiceTargetListQuery(TicketPageQuery):
    period: str = Field("", max_length=16, description=PERIOD_HELP)
    department_path: str = department_path_field("Only targets of this department subtree.")
    agent_id: str = Field("", max_length=64, description="Only this agent's targets.")


class ServiceAttainmentQuery(BaseModel):
    period: str = Field(max_length=16, description=PERIOD_HELP)
    agent_id: str = Field("", max_length=64, description="The agent; or give `department_path`.")
    department_path: str = department_path_field("The department, when `agent_id` is empty.")


def _model(model: type[BaseModel], message) -> BaseModel:
    return model.model_validate(to_json(message))


def _set_fields(body: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(mode="json").items() if v not in (None, "", 0)}


def register(app, deps) -> None:
    """Adds this module's routes to the app."""
    api = APIBlueprint("service_targets", __name__, abp_tags=[Tag(name="targets")])

    def rpc(method: str, request, *, field_prefix: str = ""):
        stub = deps.peers.stub(PEER, SERVICE, ticket_pb2_grpc.TicketServiceStub)
        return call(PEER, getattr(stub, method), request, field_prefix=field_prefix)

    @operation(
        api,
        "post",
        TARGETS,
        operation_id="setServiceTarget",
        summary="Set an agent's or a department's service target for a period",
        description="Service leads and managers set the targets of their department subtree, "
        "admins anyone's; the same subject and period again replaces its figures. Publishes "
        "`service_target.set`.",
        responses={200: ServiceTarget},
        calls_services=True,
    )
    def set_service_target(body: ServiceTargetInput):
        target = rpc(
            "SetServiceTarget",
            ticket_pb2.SetServiceTargetRequest(
                target=from_json(_set_fields(body), ticket_pb2.ServiceTarget())
            ),
            field_prefix="target.",
        )
        return json_response(_model(ServiceTarget, target))

    @operation(
        api,
        "get",
        TARGETS,
        operation_id="listServiceTargets",
        summary="List the service targets the caller may see, newest period first",
        responses={200: ServiceTargetPage},
        calls_services=True,
    )
    def list_service_targets(query: ServiceTargetListQuery):
        page = rpc(
            "ListServiceTargets",
            ticket_pb2.ListServiceTargetsRequest(
                page_size=query.page_size or 0,
                page_token=query.page_token,
                period=query.period,
                department_path=query.department_path,
                agent_id=query.agent_id,
            ),
        )
        return json_response(
            ServiceTargetPage(
                targets=[_model(ServiceTarget, target) for target in page.targets],
                next_page_token=page.next_page_token,
            )
        )

    @operation(
        api,
        "get",
        f"{TARGETS}/attainment",
        operation_id="getServiceTargetAttainment",
        summary="An agent's or a department's service KPIs for a period against the target",
        description="Over the tickets created in the period: first responses and resolutions "
        "within SLA, satisfaction. An agent sees their own only.",
        responses={200: ServiceTargetAttainment},
        calls_services=True,
    )
    def service_attainment(query: ServiceAttainmentQuery):
        answer = rpc(
            "GetServiceTargetAttainment",
            ticket_pb2.GetServiceTargetAttainmentRequest(
                agent_id=query.agent_id,
                department_path=query.department_path,
                period=query.period,
            ),
        )
        return json_response(_model(ServiceTargetAttainment, answer))

    app.register_api(api)
