"""``GET /api/v1/dashboard``: one panel per service, gathered in parallel with a deadline; a
service that is down, slow or without a KPI report gives an unavailable panel, not a failure."""

from __future__ import annotations

import threading
import time

import pytest
from crm.common.v1 import reporting_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.grpc.server import ServiceBinding


class KpiCustomers(customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self) -> None:
        self.requests = []

    def GetCustomerKpis(self, request, context):
        from crm_shared.auth import current_principal

        self.requests.append((request, current_principal()))
        return reporting_pb2.KpiReport(
            period=request.period,
            department_path=request.department_path,
            source_service="customer",
            kpis=[
                reporting_pb2.Kpi(
                    key="satisfaction_score",
                    display_name="Satisfaction",
                    value=4.6,
                    previous_value=4.4,
                    target=4.5,
                    unit="score_5",
                    higher_is_better=True,
                    sample_size=120,
                ),
                reporting_pb2.Kpi(
                    key="churn_rate",
                    display_name="Churn rate",
                    value=0.03,
                    unit="ratio",
                    higher_is_better=False,
                    sample_size=900,
                ),
            ],
        )


class SlowSales(sales_pb2_grpc.SalesServiceServicer):
    def __init__(self) -> None:
        self.release = threading.Event()

    def GetSalesKpis(self, request, context):
        self.release.wait(10)
        return reporting_pb2.KpiReport(source_service="sales")


@pytest.fixture
def dashboard_client(make_app, start_grpc_api, scripted_notifications):
    customers = KpiCustomers()
    sales = SlowSales()
    customer_api = start_grpc_api(
        lambda _db: [
            ServiceBinding(
                descriptor=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
                servicer=customers,
                add_to_server=customer_pb2_grpc.add_CustomerServiceServicer_to_server,
            )
        ],
        name="kpi-customer",
    )
    sales_api = start_grpc_api(
        lambda _db: [
            ServiceBinding(
                descriptor=sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
                servicer=sales,
                add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server,
            )
        ],
        name="slow-sales",
    )
    nothing = f"127.0.0.1:{free_port()}"
    app = make_app(
        customer_addr=customer_api.address,
        sales_addr=sales_api.address,
        ticket_addr=nothing,
        marketing_addr=nothing,
        notification_addr=scripted_notifications[1].address,
        dashboard_timeout_seconds=1.0,
    )
    yield app.test_client(), customers
    sales.release.set()


def test_every_service_has_a_panel_and_failures_only_mark_theirs_unavailable(
    dashboard_client, auth_header
):
    client, customers = dashboard_client
    started = time.monotonic()

    response = client.get(
        "/api/v1/dashboard?period=last_7_days&department=/hq/sales",
        headers=auth_header("sales.lead"),
    )

    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    panels = {p["service"]: p for p in body["panels"]}
    assert list(panels) == ["customer", "sales", "ticket", "marketing", "notification"]
    assert panels["customer"]["status"] == "available"
    assert panels["customer"]["kpis"][0] == {
        "key": "satisfaction_score",
        "display_name": "Satisfaction",
        "value": 4.6,
        "previous_value": 4.4,
        "target": 4.5,
        "unit": "score_5",
        "higher_is_better": True,
        "sample_size": 120,
    }
    assert (panels["sales"]["status"], panels["sales"]["reason"]) == ("unavailable", "timeout")
    # Nothing listens there: the channel retries the idempotent read until the deadline, so a
    # down service reads as unavailable or timed out, never as a failed page.
    for down in ("ticket", "marketing"):
        assert panels[down]["status"] == "unavailable"
        assert panels[down]["reason"] in {"unavailable", "timeout"}
        assert panels[down]["kpis"] == []
    assert panels["notification"]["reason"] == "not_implemented"
    # In parallel, within the deadline: not the sum of the waits.
    assert elapsed < 5
    request, principal = customers.requests[0]
    assert request.department_path == "/hq/sales"
    assert principal.username == "sales.lead"  # the caller's token reached the service
    start, end = body["period"]["start_date"], body["period"]["end_date"]
    assert (request.period.start_date, request.period.end_date) == (start, end)


def test_period_and_department_are_validated(dashboard_client, auth_header):
    client, _ = dashboard_client
    response = client.get(
        "/api/v1/dashboard?period=forever&department=sales", headers=auth_header("admin")
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"period", "department"}


def test_the_periods_days_are_the_callers_calendar_in_the_time_zone(
    dashboard_client, auth_header, monkeypatch
):
    """At 01:00 on 1 March in Shanghai it is still 28 February in UTC: "month to date" is
    March for the default zone (the console's), February for a caller who asks in UTC."""
    from datetime import UTC, datetime

    from crm_shared import kpis

    monkeypatch.setattr(kpis, "utc_now", lambda: datetime(2026, 2, 28, 17, 0, tzinfo=UTC))
    client, customers = dashboard_client

    default = client.get("/api/v1/dashboard?period=month_to_date", headers=auth_header("admin"))
    assert default.status_code == 200, default.get_data(as_text=True)
    body = default.get_json()
    assert body["period"] == {"start_date": "2026-03-01", "end_date": "2026-03-01"}
    assert body["time_zone"] == "Asia/Shanghai"
    request, _principal = customers.requests[-1]
    assert (request.period.start_date, request.period.end_date) == ("2026-03-01", "2026-03-01")

    utc = client.get(
        "/api/v1/dashboard?period=month_to_date&time_zone=UTC", headers=auth_header("admin")
    ).get_json()
    assert utc["period"] == {"start_date": "2026-02-01", "end_date": "2026-02-28"}
    assert utc["time_zone"] == "UTC"


def test_an_unknown_time_zone_is_a_field_error(dashboard_client, auth_header):
    client, customers = dashboard_client
    response = client.get(
        "/api/v1/dashboard?time_zone=Mars/Olympus_Mons", headers=auth_header("admin")
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["time_zone"]
    assert customers.requests == []  # nothing was asked of the services


def test_period_words_are_ranges_ending_today():
    from datetime import date

    from gateway.views.dashboard import period_range

    today = date(2026, 5, 20)
    assert period_range("last_7_days", today) == (date(2026, 5, 14), today)
    assert period_range("month_to_date", today) == (date(2026, 5, 1), today)
    assert period_range("quarter_to_date", today) == (date(2026, 4, 1), today)
    assert period_range("year_to_date", today) == (date(2026, 1, 1), today)
