"""Sales targets through the in-process sales api (real server bootstrap, tokens, migrated
SQLite database, the real customer api behind the contracts): a lead sets a rep's target, the
rep's attainment is their signed contracts, new customers and follow-ups of the period against
it, a team's leaderboard orders its reps by it, and who may set and see what. Every date is
fixed by the test (contracts signed and follow-ups made in November 2026)."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from sales_service import follow_up_events, rep_directory

pytestmark = pytest.mark.integration

S = sales_pb2
Code = grpc.StatusCode
PERIOD = "2026-11"
REPS = {
    "u-rep": ("张伟", "/hq/sales/east"),
    "u-rep-2": ("李娜", "/hq/sales/east"),
    "u-rep-north": ("王芳", "/hq/sales/north"),
}


def cny(minor: int) -> types_pb2.Money:
    return types_pb2.Money(currency_code="CNY", amount_minor=minor)


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers):
    server = start_sales_api("sqlite", customers=sales_customers)
    now = utcnow()
    with server.database.unit_of_work() as uow:  # the rep directory, as identity tells it
        for revision, (user_id, (name, department)) in enumerate(REPS.items(), start=1):
            rep_directory.user_upserted(
                uow.session,
                identity_events.UserUpserted(
                    user_id=user_id,
                    username=user_id,
                    display_name=name,
                    roles=["sales_rep"],
                    department_path=department,
                    active=True,
                    revision=revision,
                ),
                now,
            )
    return server


def signed(api, owner: str, customer_id: str, minor: int, sign_date: str | None) -> str:
    """A contract of ``owner`` for ``customer_id``, signed on ``sign_date`` (None: a draft)."""
    stub = api.stub(owner)
    contract = stub.CreateContract(
        S.CreateContractRequest(
            contract=S.Contract(
                customer_id=customer_id,
                title="年度服务",
                amount=cny(minor),
                start_date="2026-10-01",
                end_date="2027-09-30",
            )
        )
    )
    if sign_date:
        stub.SignContract(S.SignContractRequest(id=contract.id, sign_date=sign_date))
    return contract.id


def follow_up(api, owner: str, department: str, day: str) -> None:
    customer_id = f"c-{owner}-{day}"
    now = utcnow()
    with api.database.unit_of_work() as uow:  # known from customer.created, as the worker does
        follow_up_events.customer_created(
            uow,
            customer_events.CustomerCreated(
                customer=customer_pb2.Customer(
                    id=customer_id, owner_id=owner, department_path=department
                )
            ),
            at=now,
            now=now,
        )
    api.stub(owner).CreateActivity(
        S.CreateActivityRequest(
            activity=S.Activity(
                customer_id=customer_id,
                method=S.FOLLOW_UP_METHOD_PHONE,
                topic="回访",
                summary="电话回访",
                occur_time=to_timestamp(datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)),
            )
        )
    )


def metrics(attainment: S.TargetAttainment) -> dict[str, tuple]:
    return {
        m.key: (
            m.target if m.HasField("target") else None,
            m.actual,
            round(m.ratio, 4) if m.HasField("ratio") else None,
        )
        for m in attainment.metrics
    }


def set_target(api, caller: str, **fields) -> S.SalesTarget:
    return api.stub(caller).SetSalesTarget(
        S.SetSalesTargetRequest(target=S.SalesTarget(period=PERIOD, **fields))
    )


@pytest.fixture(scope="module")
def november(api):
    """u-rep: customer A signs 60,000 and 20,000 (A is new), B signed 50,000 in October and
    10,000 in November (B is not new), a 99,000 draft; two follow-ups in November, one in
    December. u-rep-2: customer C signs 150,000. u-rep-north: 30,000."""
    customers = api.customers
    a, b = customers.customer("u-rep", "客户甲"), customers.customer("u-rep", "客户乙")
    signed(api, "u-rep", a, 6_000_000, "2026-11-05")
    signed(api, "u-rep", a, 2_000_000, "2026-11-30")
    signed(api, "u-rep", b, 5_000_000, "2026-10-31")
    signed(api, "u-rep", b, 1_000_000, "2026-11-01")
    signed(api, "u-rep", a, 9_900_000, None)
    signed(api, "u-rep-2", customers.customer("u-rep-2", "客户丙"), 15_000_000, "2026-11-15")
    signed(api, "u-rep-north", customers.customer("u-rep-north", "客户丁"), 3_000_000, "2026-11-20")
    for day in ("2026-11-02", "2026-11-30"):
        follow_up(api, "u-rep", "/hq/sales/east", day)
    follow_up(api, "u-rep", "/hq/sales/east", "2026-12-01")
    set_target(
        api,
        "u-east-lead",
        rep_id="u-rep",
        signed_amount=cny(10_000_000),
        new_customer_count=2,
        follow_up_count=4,
    )
    set_target(api, "u-east-lead", rep_id="u-rep-2", signed_amount=cny(20_000_000))
    return api


def test_a_reps_attainment_is_their_signed_contracts_against_their_target(november):
    api = november
    attainment = api.stub("u-rep").GetTargetAttainment(
        S.GetTargetAttainmentRequest(rep_id="u-rep", period=PERIOD)
    )
    # 60,000 + 20,000 + 10,000 signed in November (not October's, not the draft) of 100,000;
    # A is the one new customer of two; two follow-ups of four
    assert metrics(attainment) == {
        "signed_amount": (10_000_000, 9_000_000, 0.9),
        "new_customers": (2, 1, 0.5),
        "follow_ups": (4, 2, 0.5),
    }
    assert (
        attainment.display_name,
        attainment.department_path,
        attainment.target.updated_by,
        attainment.period_range.start_date,
        attainment.period_range.end_date,
    ) == ("张伟", "/hq/sales/east", "u-east-lead", "2026-11-01", "2026-11-30")
    [event] = [
        e
        for e in api.events("sales_target.set", events_pb2.SalesTargetSet)
        if e.target.rep_id == "u-rep"
    ]
    assert (event.target.signed_amount, event.target.period, event.actor_id) == (
        cny(10_000_000),
        PERIOD,
        "u-east-lead",
    )


def test_setting_a_target_again_replaces_its_figures_and_a_team_counts_its_subtree(november):
    api = november
    again = set_target(
        api,
        "u-sales-lead",
        rep_id="u-rep",
        signed_amount=cny(9_000_000),
        new_customer_count=2,
        follow_up_count=4,
    )
    assert (again.created_by, again.updated_by) == ("u-east-lead", "u-sales-lead")
    assert metrics(
        api.stub("u-rep").GetTargetAttainment(
            S.GetTargetAttainmentRequest(rep_id="u-rep", period=PERIOD)
        )
    )["signed_amount"] == (9_000_000, 9_000_000, 1.0)
    assert (
        len(api.stub("u-admin").ListSalesTargets(S.ListSalesTargetsRequest(rep_id="u-rep")).targets)
        == 1
    )
    set_target(
        api,
        "u-sales-lead",
        department_path="/hq/sales/east",
        signed_amount=cny(30_000_000),
        new_customer_count=4,
    )
    team = api.stub("u-east-lead").GetTargetAttainment(
        S.GetTargetAttainmentRequest(department_path="/hq/sales/east", period=PERIOD)
    )
    assert metrics(team) == {
        "signed_amount": (30_000_000, 24_000_000, 0.8),
        "new_customers": (4, 2, 0.5),
        "follow_ups": (None, 2, None),
    }


def test_the_leaderboard_orders_a_team_by_attainment_and_a_rep_sees_their_own_row(november):
    api = november
    board = api.stub("u-east-lead").GetSalesLeaderboard(S.GetSalesLeaderboardRequest(period=PERIOD))
    # u-rep 90,000 of 90,000 or 100,000 (≥ 0.9); u-rep-2 150,000 of 200,000 = 0.75
    assert [(row.rank, row.attainment.rep_id) for row in board.rows] == [
        (1, "u-rep"),
        (2, "u-rep-2"),
    ]
    assert metrics(board.rows[1].attainment)["signed_amount"] == (20_000_000, 15_000_000, 0.75)
    company = api.stub("u-admin").GetSalesLeaderboard(
        S.GetSalesLeaderboardRequest(department_path="/hq/sales", period=PERIOD)
    )
    # u-rep-north has no target: after the reps with one
    assert [row.attainment.rep_id for row in company.rows][-1] == "u-rep-north"
    own = api.stub("u-rep-2").GetSalesLeaderboard(S.GetSalesLeaderboardRequest(period=PERIOD))
    assert [row.attainment.rep_id for row in own.rows] == ["u-rep-2"]


def test_the_kpis_show_the_signed_amount_next_to_the_target_of_the_month(november):
    api = november
    november_days = types_pb2.DateRange(start_date="2026-11-01", end_date="2026-11-30")

    def signed(caller: str, **request):
        report = api.stub(caller).GetSalesKpis(S.GetSalesKpisRequest(**request))
        kpi = {k.key: k for k in report.kpis}["signed_amount"]
        return (kpi.value, kpi.target if kpi.HasField("target") else None, kpi.sample_size)

    # the rep's own contracts against their target (set to 90,000 above)
    assert signed("u-rep", period=november_days) == (9_000_000, 9_000_000, 3)
    # the east team's against its department target; a report across two months has none
    assert signed("u-east-lead", period=november_days) == (24_000_000, 30_000_000, 4)
    assert (
        signed(
            "u-east-lead",
            period=types_pb2.DateRange(start_date="2026-10-15", end_date="2026-11-14"),
        )[1]
        is None
    )


def test_leads_set_their_subtrees_targets_and_reps_see_only_their_own(
    november, rpc_error, stored_rows
):
    api = november
    before = stored_rows(api)
    assert (
        rpc_error(set_target, api, "u-north-lead", rep_id="u-rep", signed_amount=cny(1)).code
        is Code.PERMISSION_DENIED
    )
    assert (
        rpc_error(
            set_target, api, "u-east-lead", department_path="/hq/sales", signed_amount=cny(1)
        ).code
        is Code.PERMISSION_DENIED
    )
    assert (
        rpc_error(set_target, api, "u-rep", rep_id="u-rep", signed_amount=cny(1)).code
        is Code.PERMISSION_DENIED
    )
    assert stored_rows(api) == before
    rep = api.stub("u-rep")
    assert (
        rpc_error(
            rep.GetTargetAttainment, S.GetTargetAttainmentRequest(rep_id="u-rep-2", period=PERIOD)
        ).code
        is Code.NOT_FOUND
    )
    assert (
        rpc_error(
            rep.GetTargetAttainment,
            S.GetTargetAttainmentRequest(department_path="/hq/sales/east", period=PERIOD),
        ).code
        is Code.PERMISSION_DENIED
    )
    assert (
        rpc_error(
            api.stub("u-east-lead").GetSalesLeaderboard,
            S.GetSalesLeaderboardRequest(department_path="/hq/sales/north", period=PERIOD),
        ).code
        is Code.PERMISSION_DENIED
    )
    assert {t.rep_id for t in rep.ListSalesTargets(S.ListSalesTargetsRequest()).targets} == {
        "u-rep"
    }
    assert {
        (t.rep_id, t.department_path)
        for t in api.stub("u-north-lead").ListSalesTargets(S.ListSalesTargetsRequest()).targets
    } == set()


def test_bad_input_names_each_field_and_stores_nothing(api, rpc_error, stored_rows):
    before = stored_rows(api)
    error = rpc_error(
        api.stub("u-east-lead").SetSalesTarget,
        S.SetSalesTargetRequest(
            target=S.SalesTarget(
                rep_id="u-rep", period="2026-13", signed_amount=cny(-1), follow_up_count=-2
            )
        ),
    )
    assert error.code is Code.INVALID_ARGUMENT
    assert sorted(v.field for v in error.violations) == [
        "target.follow_up_count",
        "target.period",
        "target.signed_amount.amount_minor",
    ]
    for target, field in (
        (S.SalesTarget(rep_id="u-nobody", period="2026-Q4"), "target.rep_id"),
        (S.SalesTarget(period="2026"), "target.rep_id"),
        (S.SalesTarget(department_path="hq", period="2026"), "target.department_path"),
        (
            S.SalesTarget(
                rep_id="u-rep",
                period="2026",
                signed_amount=types_pb2.Money(currency_code="USD", amount_minor=1),
            ),
            "target.signed_amount.currency_code",
        ),
    ):
        error = rpc_error(
            api.stub("u-admin").SetSalesTarget, S.SetSalesTargetRequest(target=target)
        )
        assert [v.field for v in error.violations] == [field], target
    assert stored_rows(api) == before
    assert [
        v.field
        for v in rpc_error(
            api.stub("u-rep").GetTargetAttainment,
            S.GetTargetAttainmentRequest(rep_id="u-rep", period="Q4"),
        ).violations
    ] == ["period"]
