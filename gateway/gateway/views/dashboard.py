"""``GET /api/v1/dashboard``: every service's KPI report, gathered in parallel with deadlines.

Each panel is one service's ``Get<Service>Kpis`` RPC; a service that is down, slow or does
not implement its report yet gives an ``unavailable`` panel with the reason, never a failed
page. The calls run in a shared thread pool, each inside a copy of the request's context, so
the caller's token (forwarded to the service) and the trace go with it.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import grpc
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.grpc.status import describe_rpc_error
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from crm_shared.protojson import to_json
from gateway.views import json_response

# (peer, module, stub, service name, rpc, request)
SOURCES = (
    (
        "customer",
        customer_pb2,
        customer_pb2_grpc.CustomerServiceStub,
        "CustomerService",
        "GetCustomerKpis",
        customer_pb2.GetCustomerKpisRequest,
    ),
    (
        "sales",
        sales_pb2,
        sales_pb2_grpc.SalesServiceStub,
        "SalesService",
        "GetSalesKpis",
        sales_pb2.GetSalesKpisRequest,
    ),
    (
        "ticket",
        ticket_pb2,
        ticket_pb2_grpc.TicketServiceStub,
        "TicketService",
        "GetTicketKpis",
        ticket_pb2.GetTicketKpisRequest,
    ),
    (
        "marketing",
        marketing_pb2,
        marketing_pb2_grpc.MarketingServiceStub,
        "MarketingService",
        "GetMarketingKpis",
        marketing_pb2.GetMarketingKpisRequest,
    ),
    (
        "notification",
        notification_pb2,
        notification_pb2_grpc.NotificationServiceStub,
        "NotificationService",
        "GetNotificationKpis",
        notification_pb2.GetNotificationKpisRequest,
    ),
)

PeriodWord = Literal[
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "month_to_date",
    "quarter_to_date",
    "year_to_date",
]


class DashboardQuery(BaseModel):
    period: PeriodWord = Field("last_30_days", description="Period ending today (UTC).")
    department: str | None = Field(
        None,
        max_length=255,
        pattern=r"^(/[a-z0-9][a-z0-9_-]{0,62})+$",
        description="Department subtree, e.g. `/hq/sales`; default everything the caller sees.",
    )


class DateRange(BaseModel):
    start_date: str
    end_date: str


class Kpi(BaseModel):
    key: str
    display_name: str
    value: float
    previous_value: float | None = None
    target: float | None = None
    unit: str
    higher_is_better: bool
    sample_size: int


class Panel(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service": "ticket",
                    "status": "unavailable",
                    "reason": "not_implemented",
                    "detail": "the ticket service does not report KPIs yet",
                    "kpis": [],
                }
            ]
        }
    )

    service: Literal["customer", "sales", "ticket", "marketing", "notification"]
    status: Literal["available", "unavailable"]
    reason: str | None = Field(
        None,
        description="Why unavailable: `unavailable`, `timeout`, `not_implemented`, "
        "`permission_denied`, `invalid_argument`, or `failed`.",
    )
    detail: str | None = None
    kpis: list[Kpi] = Field(default_factory=list)
    compute_time: datetime | None = None


class Dashboard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "period": {"start_date": "2026-03-01", "end_date": "2026-03-30"},
                    "department": "/hq/sales",
                    "panels": [
                        {
                            "service": "customer",
                            "status": "available",
                            "kpis": [
                                {
                                    "key": "churn_rate",
                                    "display_name": "Churn rate",
                                    "value": 0.03,
                                    "previous_value": 0.04,
                                    "target": 0.05,
                                    "unit": "ratio",
                                    "higher_is_better": False,
                                    "sample_size": 900,
                                }
                            ],
                            "compute_time": "2026-03-30T09:00:00Z",
                        },
                        {
                            "service": "ticket",
                            "status": "unavailable",
                            "reason": "timeout",
                            "detail": "the ticket service did not answer in time",
                            "kpis": [],
                        },
                    ],
                }
            ]
        }
    )

    period: DateRange
    department: str | None = None
    panels: list[Panel]


def period_range(word: str, today: date) -> tuple[date, date]:
    if word.startswith("last_"):
        days = int(word.split("_")[1])
        return today - timedelta(days=days - 1), today
    if word == "month_to_date":
        return today.replace(day=1), today
    if word == "quarter_to_date":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    return today.replace(month=1, day=1), today


REASONS = {
    grpc.StatusCode.UNAVAILABLE: ("unavailable", "the {} service is unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: ("timeout", "the {} service did not answer in time"),
    grpc.StatusCode.UNIMPLEMENTED: ("not_implemented", "the {} service does not report KPIs yet"),
    grpc.StatusCode.PERMISSION_DENIED: ("permission_denied", "not allowed to see the {} figures"),
    grpc.StatusCode.INVALID_ARGUMENT: ("invalid_argument", "the {} service refused the request"),
}


def register(app, deps) -> None:
    api = APIBlueprint("dashboard", __name__, abp_tags=[Tag(name="dashboard")])
    pool = ThreadPoolExecutor(max_workers=4 * len(SOURCES), thread_name_prefix="dashboard")
    timeout = deps.settings.dashboard_timeout_seconds

    def fetch(source, period: types_pb2.DateRange, department: str) -> Panel:
        peer, module, stub_class, service_name, rpc, request_class = source
        service = module.DESCRIPTOR.services_by_name[service_name]
        try:
            stub = deps.peers.stub(peer, service, stub_class)
            report = getattr(stub, rpc)(
                request_class(period=period, department_path=department), timeout=timeout
            )
        except grpc.RpcError as exc:
            error = describe_rpc_error(exc)
            reason, detail = REASONS.get(error.code, ("failed", "the {} service failed"))
            return Panel(
                service=peer, status="unavailable", reason=reason, detail=detail.format(peer)
            )
        body = to_json(report)
        return Panel(
            service=peer,
            status="available",
            kpis=body.get("kpis") or [],
            compute_time=body.get("compute_time"),
        )

    @operation(
        api,
        "get",
        "/api/v1/dashboard",
        operation_id="getDashboard",
        summary="KPIs of every service for a period and department",
        description="Satisfaction, complaint timeliness, conversion, follow-up "
        "timeliness, churn, backlog, SLA compliance: one panel per service, fetched in "
        "parallel with a deadline; a service that cannot answer gives an `unavailable` "
        "panel with the reason instead of failing the page.",
        responses={200: Dashboard},
    )
    def dashboard(query: DashboardQuery):
        start, end = period_range(query.period, datetime.now(UTC).date())
        period = types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())
        futures = {
            source[0]: pool.submit(
                contextvars.copy_context().run, fetch, source, period, query.department or ""
            )
            for source in SOURCES
        }
        wait(futures.values(), timeout=timeout + 1)
        panels = []
        for peer, future in futures.items():
            if future.done() and future.exception() is None:
                panels.append(future.result())
            else:
                panels.append(
                    Panel(
                        service=peer,
                        status="unavailable",
                        reason="timeout",
                        detail=f"the {peer} service did not answer in time",
                    )
                )
        return json_response(
            Dashboard(
                period=DateRange(start_date=period.start_date, end_date=period.end_date),
                department=query.department,
                panels=panels,
            )
        )

    app.register_api(api)
