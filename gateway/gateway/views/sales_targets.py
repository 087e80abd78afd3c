"""REST over gRPC: sales targets, attainment and the team leaderboard (issue 18).

``POST /api/v1/sales/targets`` sets a rep's or a department's target for a period (the same
subject and period again replaces its figures), ``GET /api/v1/sales/targets`` lists those the
caller may see, ``GET /api/v1/sales/targets/attainment`` is a rep's or a department's target,
actual and ratio per metric, ``GET /api/v1/sales/leaderboard`` a team's reps by attainment.
Translation only: the sales service checks the period, the figures and who may set or see what
(it sees the forwarded token); its field violations come back as this API's field errors.
"""

from __future__ import annotations

from typing import Any

from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.protojson import from_json, to_json
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customers import Money
from gateway.views.dashboard import DateRange
from gateway.views.ticket_schemas import TicketPageQuery, department_path_field

PEER = "sales"
SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
TARGETS = "/api/v1/sales/targets"
INT32_MAX = 2**31 - 1  # the contract's int32 counts; the service sets the real bound

REP = "6f1c2e3d-4b5a-5c6d-8e7f-9a0b1c2d3e4f"
PERIOD_HELP = "A month `2026-12`, a quarter `2026-Q4` or a year `2026`."
TARGET_EXAMPLE = {
    "id": "0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a",
    "rep_id": REP,
    "department_path": "/hq/sales/east",
    "period": "2026-12",
    "period_range": {"start_date": "2026-12-01", "end_date": "2026-12-31"},
    "signed_amount": {"currency_code": "CNY", "amount_minor": 50000000},
    "new_customer_count": 3,
    "follow_up_count": 60,
    "create_time": "2026-11-28T02:00:00Z",
    "update_time": "2026-11-28T02:00:00Z",
    "created_by": "u-sales-lead",
    "updated_by": "u-sales-lead",
}
METRICS_EXAMPLE = [
    {
        "key": "signed_amount",
        "display_name": "Signed amount",
        "unit": "minor:CNY",
        "target": 50000000.0,
        "actual": 45000000.0,
        "ratio": 0.9,
    },
    {
        "key": "new_customers",
        "display_name": "New customers",
        "unit": "count",
        "target": 3.0,
        "actual": 1.0,
        "ratio": 0.3333,
    },
    {
        "key": "follow_ups",
        "display_name": "Follow-ups",
        "unit": "count",
        "target": 60.0,
        "actual": 48.0,
        "ratio": 0.8,
    },
]
ATTAINMENT_EXAMPLE = {
    "rep_id": REP,
    "department_path": "/hq/sales/east",
    "display_name": "张伟",
    "period": "2026-12",
    "period_range": {"start_date": "2026-12-01", "end_date": "2026-12-31"},
    "target": TARGET_EXAMPLE,
    "metrics": METRICS_EXAMPLE,
}


class SalesTargetInput(BaseModel):
    """A rep's (``rep_id``) or a department's (``department_path``) target for a period."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rep_id": REP,
                    "period": "2026-12",
                    "signed_amount": {"currency_code": "CNY", "amount_minor": 50000000},
                    "new_customer_count": 3,
                    "follow_up_count": 60,
                }
            ]
        },
    )

    rep_id: str = Field("", max_length=64, description="The rep; empty for a department.")
    department_path: str = department_path_field("The department, when `rep_id` is empty.")
    period: str = Field(max_length=16, description=PERIOD_HELP)
    signed_amount: Money | None = Field(
        None, description="Contracts to sign, in the sales policy's currency (CNY by default)."
    )
    new_customer_count: int = Field(0, ge=0, le=INT32_MAX, description="New customers to win.")
    follow_up_count: int = Field(0, ge=0, le=INT32_MAX, description="Follow-ups to record.")


class SalesTarget(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [TARGET_EXAMPLE]})

    id: str
    rep_id: str = ""
    department_path: str
    period: str
    period_range: DateRange
    signed_amount: Money | None = None
    new_customer_count: int = 0
    follow_up_count: int = 0
    create_time: str
    update_time: str
    created_by: str
    updated_by: str


class SalesTargetPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"targets": [TARGET_EXAMPLE], "next_page_token": ""}]},
    )

    targets: list[SalesTarget]
    next_page_token: str = ""


class TargetMetric(BaseModel):
    key: str = Field(description="`signed_amount`, `new_customers` or `follow_ups`.")
    display_name: str
    unit: str = Field(description="`minor:<currency>` or `count`.")
    target: float | None = Field(None, description="Absent when no target is set.")
    actual: float = 0.0
    ratio: float | None = Field(None, description="actual / target (1.0 = attained).")


class TargetAttainment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [ATTAINMENT_EXAMPLE]})

    rep_id: str = ""
    department_path: str
    display_name: str
    period: str
    period_range: DateRange
    target: SalesTarget | None = None
    metrics: list[TargetMetric]


class LeaderboardRow(BaseModel):
    rank: int
    attainment: TargetAttainment


class SalesLeaderboard(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "department_path": "/hq/sales/east",
                    "period": "2026-12",
                    "period_range": {"start_date": "2026-12-01", "end_date": "2026-12-31"},
                    "rows": [{"rank": 1, "attainment": ATTAINMENT_EXAMPLE}],
                }
            ]
        },
    )

    department_path: str
    period: str
    period_range: DateRange
    rows: list[LeaderboardRow]


class TargetListQuery(TicketPageQuery):
    period: str = Field("", max_length=16, description=PERIOD_HELP)
    department_path: str = department_path_field("Only targets of this department subtree.")
    rep_id: str = Field("", max_length=64, description="Only this rep's targets.")


class AttainmentQuery(BaseModel):
    period: str = Field(max_length=16, description=PERIOD_HELP)
    rep_id: str = Field("", max_length=64, description="The rep; or give `department_path`.")
    department_path: str = department_path_field("The department, when `rep_id` is empty.")


class LeaderboardQuery(BaseModel):
    period: str = Field(max_length=16, description=PERIOD_HELP)
    department_path: str = department_path_field("The team; default the caller's department.")


def _model(model: type[BaseModel], message) -> BaseModel:
    return model.model_validate(to_json(message))


def _set_fields(body: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(mode="json").items() if v not in (None, "", 0)}


def register(app, deps) -> None:
    """Adds this module's routes to the app."""
    api = APIBlueprint("sales_targets", __name__, abp_tags=[Tag(name="targets")])

    def rpc(method: str, request, *, field_prefix: str = ""):
        stub = deps.peers.stub(PEER, SERVICE, sales_pb2_grpc.SalesServiceStub)
        return call(PEER, getattr(stub, method), request, field_prefix=field_prefix)

    @operation(
        api,
        "post",
        TARGETS,
        operation_id="setSalesTarget",
        summary="Set a rep's or a department's sales target for a period",
        description="Sales leads and managers set the targets of their department "
        "subtree, admins anyone's; the same subject and period again replaces its "
        "figures. Publishes `sales_target.set`.",
        responses={200: SalesTarget},
        calls_services=True,
    )
    def set_target(body: SalesTargetInput):
        target = rpc(
            "SetSalesTarget",
            sales_pb2.SetSalesTargetRequest(
                target=from_json(_set_fields(body), sales_pb2.SalesTarget())
            ),
            field_prefix="target.",
        )
        return json_response(_model(SalesTarget, target))

    @operation(
        api,
        "get",
        TARGETS,
        operation_id="listSalesTargets",
        summary="List the sales targets the caller may see, newest period first",
        responses={200: SalesTargetPage},
        calls_services=True,
    )
    def list_targets(query: TargetListQuery):
        page = rpc(
            "ListSalesTargets",
            sales_pb2.ListSalesTargetsRequest(
                page_size=query.page_size or 0,
                page_token=query.page_token,
                period=query.period,
                department_path=query.department_path,
                rep_id=query.rep_id,
            ),
        )
        return json_response(
            SalesTargetPage(
                targets=[_model(SalesTarget, target) for target in page.targets],
                next_page_token=page.next_page_token,
            )
        )

    @operation(
        api,
        "get",
        f"{TARGETS}/attainment",
        operation_id="getTargetAttainment",
        summary="A rep's or a department's target, actual and ratio per metric",
        description="Actuals: contracts signed in the period, customers whose first "
        "contract it was, follow-up records. A rep sees their own only.",
        responses={200: TargetAttainment},
        calls_services=True,
    )
    def attainment(query: AttainmentQuery):
        return json_response(
            _model(
                TargetAttainment,
                rpc(
                    "GetTargetAttainment",
                    sales_pb2.GetTargetAttainmentRequest(
                        rep_id=query.rep_id,
                        department_path=query.department_path,
                        period=query.period,
                    ),
                ),
            )
        )

    @operation(
        api,
        "get",
        "/api/v1/sales/leaderboard",
        operation_id="getSalesLeaderboard",
        summary="A team's reps ordered by attainment of their signed amount target",
        responses={200: SalesLeaderboard},
        calls_services=True,
    )
    def leaderboard(query: LeaderboardQuery):
        return json_response(
            _model(
                SalesLeaderboard,
                rpc(
                    "GetSalesLeaderboard",
                    sales_pb2.GetSalesLeaderboardRequest(
                        department_path=query.department_path, period=query.period
                    ),
                ),
            )
        )

    app.register_api(api)
