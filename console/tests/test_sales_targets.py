"""The targets page over the real sales service (its servicer, migrations and server
bootstrap, verifying the console's tokens): a lead sets a rep's target, sees the team's
attainment and the leaderboard in Chinese and English, and a bad figure is shown next to its
field with what was typed kept. The pure parts (the periods offered, the chart) without I/O."""

from __future__ import annotations

from datetime import date

import pytest
from crm.identity.v1 import events_pb2 as identity_events
from crm.sales.v1 import sales_pb2
from crm_console.views.sales_targets import leaderboard_option, period_options
from crm_devstack.ports import free_port
from crm_shared.db import Database, utcnow
from crm_shared.grpc.server import GrpcApi, service_verifier
from crm_shared.settings import load_settings

LEAD = {
    "user_id": "u-east-lead",
    "username": "east.lead",
    "roles": ["sales_lead"],
    "department_path": "/hq/sales/east",
    "data_scope": "department",
}
REPS = {"u-rep": "张伟", "u-rep-2": "李娜"}


@pytest.fixture(scope="module")
def console(console_for, module_migrated_database):
    """The console with the real sales api behind it, on the same token key."""
    from sales_service import rep_directory
    from sales_service.api import build_bindings
    from sales_service.settings import SalesApiSettings

    key = console_for({}).app.extensions["crm.console"].settings.jwt_public_key_file
    url = module_migrated_database("sales_service")
    settings = load_settings(
        SalesApiSettings,
        service_name="sales",
        database_url=url,
        jwt_public_key_file=key,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False,
        grpc_reflection=False,
        health_check_seconds=3600,
        customer_addr=f"127.0.0.1:{free_port()}",
    )
    database = Database(url)
    api = GrpcApi(
        settings, database, build_bindings(database, settings), service_verifier(settings)
    )
    port = api.start("127.0.0.1:0")
    with database.unit_of_work() as uow:
        for revision, (user_id, name) in enumerate(REPS.items(), start=1):
            rep_directory.user_upserted(
                uow.session,
                identity_events.UserUpserted(
                    user_id=user_id,
                    username=user_id,
                    display_name=name,
                    roles=["sales_rep"],
                    department_path="/hq/sales/east",
                    active=True,
                    revision=revision,
                ),
                utcnow(),
            )
    yield console_for({"sales": f"127.0.0.1:{port}"})
    api.stop(grace=0)
    database.dispose()


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _period(page: str) -> str:
    """The period the page shows (its default: this month where the readers are)."""
    picker = page.split('id="filter-period"', 1)[1].split("</select>", 1)[0]
    return picker.split(" selected", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]


def test_a_lead_sets_a_reps_target_and_sees_the_leaderboard(console):
    client = console.client(LEAD, "zh-CN")
    page = client.get("/sales/targets").get_data(as_text=True)
    period = _period(page)
    assert "目标" in page and "排行榜" in page
    saved = client.post(
        "/sales/targets",
        data={
            "csrf_token": _csrf(page),
            "department": "/hq/sales/east",
            "rep_id": "u-rep-2",
            "period": period,
            "signed_amount": "120,000",
            "new_customer_count": "2",
            "follow_up_count": "",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    row = shown.split('data-rep="u-rep-2"', 1)[1].split("</tr>", 1)[0]
    assert "李娜" in row and "¥0.00 / ¥120,000.00" in row and "0 / 2" in row
    # the rep with a target ranks before the one without
    assert shown.index('data-rep="u-rep-2"') < shown.index('data-rep="u-rep"')
    english = console.client(LEAD, "en-US").get(f"/sales/targets?period={period}")
    assert "Leaderboard" in english.get_data(as_text=True)


def test_a_bad_figure_is_shown_next_to_its_field_and_the_input_is_kept(console):
    client = console.client(LEAD, "zh-CN")
    page = client.get("/sales/targets").get_data(as_text=True)
    refused = client.post(
        "/sales/targets",
        data={
            "csrf_token": _csrf(page),
            "department": "/hq/sales/east",
            "rep_id": "u-rep",
            "period": _period(page),
            "signed_amount": "十万",
            "new_customer_count": "3",
        },
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    field = body.split('id="target-signed_amount"', 1)[1].split("</div>", 1)[0]
    assert (
        'value="十万"' in field
        and "aria-invalid"
        not in body.split('id="target-new_customer_count"', 1)[1].split(">", 1)[0]
    )
    assert 'value="3"' in body.split('id="target-new_customer_count"', 1)[1].split(">", 1)[0]
    assert "has-error" in body.split('for="target-signed_amount"', 1)[0].rsplit("<div", 1)[1]


def test_the_periods_offered_are_months_quarters_and_years_in_the_contracts_words():
    assert period_options(date(2026, 12, 7)) == [
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2026-Q4",
        "2027-Q1",
        "2026",
        "2027",
    ]


def test_the_chart_holds_each_reps_signed_amount_attainment_in_percent():
    board = sales_pb2.SalesLeaderboard(
        rows=[
            sales_pb2.SalesLeaderboardRow(
                rank=1,
                attainment=sales_pb2.TargetAttainment(
                    rep_id="u-rep",
                    display_name="张伟",
                    metrics=[
                        sales_pb2.TargetMetricAttainment(
                            key="signed_amount", unit="minor:CNY", target=100, actual=90, ratio=0.9
                        )
                    ],
                ),
            ),
            sales_pb2.SalesLeaderboardRow(
                rank=2,
                attainment=sales_pb2.TargetAttainment(
                    rep_id="u-rep-2",
                    display_name="李娜",
                    metrics=[
                        sales_pb2.TargetMetricAttainment(
                            key="signed_amount", unit="minor:CNY", actual=5
                        )
                    ],
                ),
            ),
        ]
    )
    option = leaderboard_option(board)
    assert option["xAxis"]["data"] == ["张伟", "李娜"]
    assert option["series"][0]["data"] == [90.0, 0]
