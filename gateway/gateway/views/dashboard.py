"""``GET /api/v1/dashboard``: every service's KPI report, gathered in parallel with deadlines.

Each panel is one service's ``Get<Service>Kpis`` RPC; a service that is down, slow or does
not implement its report yet gives an ``unavailable`` panel with the reason, never a failed
page. The calls run in a shared thread pool, each inside a copy of the request's context, so
the caller's token (forwarded to the service) and the trace go with it. The gathering is
:mod:`crm_shared.kpis`, which the console's dashboard uses too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from crm_shared.kpis import KpiGatherer, date_range, period_in_zone, period_range, time_zone
from crm_shared.protojson import to_json
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gateway.endpoints import operation
from gateway.views import json_response

__all__ = ["period_range", "register"]

PeriodWord = Literal[
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "month_to_date",
    "quarter_to_date",
    "year_to_date",
]


class DashboardQuery(BaseModel):
    period: PeriodWord = Field(
        "last_30_days",
        description="Period ending today, the day it is in `time_zone` (so at 01:00 on "
        "1 March in Shanghai `month_to_date` is March, although it is 28 February in UTC).",
    )
    time_zone: str | None = Field(
        None,
        max_length=64,
        description="IANA zone whose calendar counts the period's days, e.g. `Asia/Shanghai`; "
        "default the gateway's `DASHBOARD_TIME_ZONE`.",
    )
    department: str | None = Field(
        None,
        max_length=255,
        pattern=r"^(/[a-z0-9][a-z0-9_-]{0,62})+$",
        description="Department subtree, e.g. `/hq/sales`; default everything the caller sees.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            time_zone(value)  # ValueError: a 422 naming the field
        return value


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
                    "time_zone": "Asia/Shanghai",
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
    time_zone: str = Field(description="The zone the period's days were counted in.")
    department: str | None = None
    panels: list[Panel]


def register(app, deps) -> None:
    api = APIBlueprint("dashboard", __name__, abp_tags=[Tag(name="dashboard")])
    gatherer = KpiGatherer(
        deps.peers,
        timeout_seconds=deps.settings.dashboard_timeout_seconds,
        thread_name_prefix="dashboard",
    )

    def panel(result) -> Panel:
        if not result.available:
            return Panel(
                service=result.service,
                status="unavailable",
                reason=result.reason,
                detail=result.detail,
            )
        body = to_json(result.report)
        return Panel(
            service=result.service,
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
        zone = query.time_zone or deps.settings.dashboard_time_zone
        period = date_range(*period_in_zone(query.period, time_zone(zone)))
        panels = gatherer.gather(period, query.department or "")
        return json_response(
            Dashboard(
                period=DateRange(start_date=period.start_date, end_date=period.end_date),
                time_zone=zone,
                department=query.department,
                panels=[panel(result) for result in panels],
            )
        )

    app.register_api(api)
