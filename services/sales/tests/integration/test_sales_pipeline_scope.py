"""The funnel and the forecast read a team through the department list and the pipeline index
(``pipeline.department_scope``) and average the stays from the opportunities' own stay
columns: these tests hold them to the plain definition, computed here row by row from the
deals the test opened, for every kind of caller and department filter, on SQLite and on
PostgreSQL (the recursive department scan and the month grouping are SQL of both).

The deals are opened and moved with ``open_opportunity`` / ``change_stage`` (what the api and
the leads part call) on a clock the test sets, so every stay has a known length. Departments
include the traps of prefix matching: ``/hq/sales/eastern`` and ``/hq/salesforce`` are not
inside ``/hq/sales/east`` or ``/hq/sales``, and the east lead owns a deal in north.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from crm.common.v1 import reporting_pb2, types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.auth.visibility import can_see, in_subtree
from sales_service.opportunities import FUNNEL_ORDER, RANK, STAGES, change_stage, open_opportunity

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()
OPENED = NOW - timedelta(days=40)
PERIOD = (TODAY - timedelta(days=60), TODAY + timedelta(days=90))


@dataclass(frozen=True)
class Deal:
    owner: str
    department: str
    path: tuple[str, ...]
    """Stages after opening in potential, in order."""
    stay_days: tuple[int, ...]
    """Days spent in each stage before moving on (one per entry of ``path``)."""
    amount_minor: int
    currency: str = "CNY"
    close_in_days: int = 30

    @property
    def stage(self) -> str:
        return self.path[-1] if self.path else "potential"

    @property
    def peak(self) -> str:
        reached = [s for s in ("potential", *self.path) if s in RANK]
        return max(reached, key=RANK.__getitem__)

    def stays(self) -> list[tuple[str, int]]:
        """(stage, seconds) of every completed stay."""
        return [(stage, days * 86_400) for stage, days in
                zip(("potential", *self.path), self.stay_days, strict=False)]

    @property
    def expected_close(self) -> date:
        return TODAY + timedelta(days=self.close_in_days)

    @property
    def closed_on(self) -> date | None:
        if self.stage not in ("won", "lost"):
            return None
        return (OPENED + timedelta(days=sum(self.stay_days))).date()


DEALS = (
    Deal("u-rep", "/hq/sales/east", ("intent", "proposal"), (3, 5), 100_000),
    Deal("u-rep", "/hq/sales/east", ("intent", "proposal", "negotiation", "won"), (1, 2, 4, 6),
         250_000, close_in_days=45),
    Deal("u-t1", "/hq/sales/east/t1", (), (), 70_000, close_in_days=80),
    Deal("u-t1", "/hq/sales/east/t1", ("intent", "lost"), (2, 9), 40_000),
    Deal("u-t1", "/hq/sales/east/t1", ("intent",), (7,), 9_900, currency="USD"),
    Deal("u-eastern", "/hq/sales/eastern", ("intent", "proposal", "intent"), (1, 1, 1), 55_000),
    Deal("u-east-lead", "/hq/sales/north", ("negotiation",), (10,), 300_000, close_in_days=5),
    Deal("u-rep-north", "/hq/sales/north", ("proposal", "won"), (4, 8), 120_000),
    Deal("u-sf", "/hq/salesforce", ("intent",), (6,), 33_000),
    Deal("u-svc", "/hq/service", (), (), 12_000, close_in_days=200),
)
CALLERS = (
    ("u-rep", ""),
    ("u-rep", "/hq/sales/east"),
    ("u-east-lead", ""),
    ("u-east-lead", "/hq/sales/east/t1"),
    ("u-east-lead", "/hq/sales/north"),
    ("u-sales-lead", ""),
    ("u-sales-lead", "/hq/sales/east"),
    ("u-admin", ""),
    ("u-admin", "/hq/sales"),
)


# the callers' departments and scopes, as the harness's tokens give them (conftest.PEOPLE)
SCOPES = {"u-rep": ("/hq/sales/east", DataScope.OWN),
          "u-east-lead": ("/hq/sales/east", DataScope.DEPARTMENT),
          "u-sales-lead": ("/hq/sales", DataScope.DEPARTMENT),
          "u-admin": ("/hq", DataScope.ALL)}


def principal(caller: str) -> Principal:
    department, scope = SCOPES[caller]
    return Principal(user_id=caller, username=caller, roles=frozenset(),
                     department_path=department, data_scope=scope)


def visible(caller: str, department_filter: str) -> list[Deal]:
    who = principal(caller)
    return [deal for deal in DEALS
            if can_see(who, owner_id=deal.owner, department_path=deal.department)
            and (not department_filter or in_subtree(deal.department, department_filter))]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request, start_sales_api):
    server = start_sales_api(request.param)
    with server.database.unit_of_work() as uow:
        for index, deal in enumerate(DEALS):
            row = open_opportunity(
                uow.session, uow.emit, customer_id=f"c-{index}", name=f"deal {index}",
                owner_id=deal.owner, department_path=deal.department,
                amount=types_pb2.Money(currency_code=deal.currency,
                                       amount_minor=deal.amount_minor),
                expected_close_date=deal.expected_close, lead_id=None, campaign_id=None,
                campaign_variant_id=None, source=None, actor_id=deal.owner, now=OPENED)
            at = OPENED
            for stage, days in zip(deal.path, deal.stay_days, strict=True):
                at += timedelta(days=days)
                change_stage(uow.session, uow.emit, row, stage, actor_id=deal.owner, now=at,
                             lost_reason="budget cut" if stage == "lost" else "")
    return server


def period() -> types_pb2.DateRange:
    return types_pb2.DateRange(start_date=PERIOD[0].isoformat(),
                               end_date=PERIOD[1].isoformat())


@pytest.mark.parametrize(("caller", "department"), CALLERS)
def test_the_funnel_is_the_plain_definition_over_what_the_caller_may_see(api, caller,
                                                                         department):
    deals = visible(caller, department)
    funnel = api.stub(caller).GetSalesFunnel(sales_pb2.GetSalesFunnelRequest(
        period=period(), department_path=department))

    got = {STAGES.name(s.stage): (s.count, s.amount.amount_minor) for s in funnel.stages}
    expected = {}
    for stage in FUNNEL_ORDER:
        reached = [d for d in deals if RANK[d.peak] >= RANK[stage]]
        expected[stage] = (len(reached),
                           sum(d.amount_minor for d in reached if d.currency == "CNY"))
    lost = [d for d in deals if d.stage == "lost"]
    expected["lost"] = (len(lost), sum(d.amount_minor for d in lost if d.currency == "CNY"))
    assert got == expected
    assert funnel.excluded_count == sum(d.currency != "CNY" for d in deals)

    for item in funnel.stages:
        stays = [seconds for d in deals for stage, seconds in d.stays()
                 if stage == STAGES.name(item.stage)]
        average_days = sum(stays) / len(stays) / 86_400 if stays else 0.0
        assert item.average_days_in_stage == pytest.approx(average_days), item.stage


@pytest.mark.parametrize(("caller", "department"), CALLERS)
def test_the_forecast_totals_are_the_plain_definition_over_what_the_caller_may_see(
        api, caller, department):
    deals = visible(caller, department)
    forecast = api.stub(caller).GetSalesForecast(sales_pb2.GetSalesForecastRequest(
        period=period(), department_path=department))

    open_deals = [d for d in deals if d.stage not in ("won", "lost")
                  and PERIOD[0] <= d.expected_close <= PERIOD[1]]
    won = [d for d in deals if d.stage == "won" and PERIOD[0] <= d.closed_on <= PERIOD[1]]
    expected: dict[str, list[int]] = {}
    for d in open_deals:
        cell = expected.setdefault(d.expected_close.replace(day=1).isoformat(), [0, 0, 0])
        cell[0] += 1
        cell[1] += d.amount_minor if d.currency == "CNY" else 0
    for d in won:
        cell = expected.setdefault(d.closed_on.replace(day=1).isoformat(), [0, 0, 0])
        cell[2] += d.amount_minor if d.currency == "CNY" else 0
    got = {row.bucket_start_date: [row.open_count, row.pipeline_amount.amount_minor,
                                   row.won_amount.amount_minor] for row in forecast.totals}
    assert got == expected
    assert {row.group_key for row in forecast.rows} == {d.owner for d in (*open_deals, *won)}


def test_a_weekly_forecast_buckets_each_deal_by_the_monday_of_its_week(api):
    forecast = api.stub("u-admin").GetSalesForecast(sales_pb2.GetSalesForecastRequest(
        period=period(), granularity=reporting_pb2.TIME_GRANULARITY_WEEK))
    expected: dict[str, int] = {}
    for d in DEALS:
        if d.stage not in ("won", "lost") and PERIOD[0] <= d.expected_close <= PERIOD[1]:
            monday = d.expected_close - timedelta(days=d.expected_close.weekday())
            expected[monday.isoformat()] = expected.get(monday.isoformat(), 0) + 1
    assert {row.bucket_start_date: row.open_count for row in forecast.totals
            if row.open_count} == expected
