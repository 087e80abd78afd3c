"""The ticket KPI rollup (:mod:`ticket_service.kpi_rollup`), on SQLite and PostgreSQL: every
write of a ticket through the api and the SLA timer — creation, first response, transfer to
another department, a breach, resolution, closing, reopening — leaves the stored rollup exactly
what rebuilding it from the tickets gives, and the figures follow the ticket; periods in zones a
whole number of hours and a number of minutes off UTC add the hours and minutes at their ends
from the tickets and count as the tickets say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from crm.ticket.v1 import ticket_pb2
from crm_shared.db import utcnow
from sqlalchemy import select
from ticket_service import kpi_rollup, kpis, sla
from ticket_service.models import TicketKpiSum, TicketResponseCount

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)]

FAULT = ticket_pb2.TICKET_TYPE_FAULT
ADMIN, ZHAO = "u-admin", "u-zhao"
DEPARTMENTS = {"/hq/service": "u-service-lead", "/hq/tech": "u-tech-lead",
               "/hq/product": "u-product-lead", "/hq/logistics": "u-logistics-lead"}
AGENTS = {"u-wang": "/hq/service", "u-zhao": "/hq/tech", "u-qian": "/hq/product",
          "u-sun": "/hq/logistics"}


@pytest.fixture
def ticket_people():
    """Routing needs departments with leads and agents in them."""
    return DEPARTMENTS, AGENTS


def _rows(connection) -> dict:
    """The rollup's rows that hold anything, by key."""
    sums = {(r.department_path, r.start, r.hours): tuple(getattr(r, n) for n in kpi_rollup.SUMS)
            for r in connection.execute(select(TicketKpiSum.__table__))}
    buckets = {(r.department_path, r.start, r.hours, r.bucket): r.tickets
               for r in connection.execute(select(TicketResponseCount.__table__))}
    return {"sums": {k: v for k, v in sums.items() if any(v)},
            "buckets": {k: v for k, v in buckets.items() if v}}


def assert_kept(api) -> None:
    """The stored rollup equals the one rebuilt from the tickets (rebuilt, then rolled back)."""
    with api.database.engine.connect() as connection:
        kept = _rows(connection)
        kpi_rollup.rebuild(connection)
        rebuilt = _rows(connection)
        connection.rollback()
    assert kept == rebuilt
    assert kept["sums"]  # not trivially equal


def today_figures(api, root: str) -> dict:
    today = utcnow().date()
    period, *_ = kpis.periods(today, today, ZoneInfo("UTC"))
    with api.database.unit_of_work(readonly=True) as uow:
        (found,) = kpis.period_figures(uow.session, root, [period], utcnow())
    return {f.key: f.value for f in found}


def test_every_write_of_a_ticket_keeps_its_share_of_the_rollup(api):
    ticket = api.create(type=FAULT, title="App error", description="登录报错")  # to /hq/tech
    other = api.create(type=FAULT, title="App error", description="登录报错",
                       priority=ticket_pb2.TICKET_PRIORITY_URGENT)
    assert_kept(api)
    assert today_figures(api, "/hq/tech")["ticket_count"] == 2
    assert today_figures(api, "/hq/tech")["backlog"] == 2

    tech = api.stub(ZHAO)
    started = tech.StartTicket(ticket_pb2.StartTicketRequest(id=ticket.id))  # first response
    assert_kept(api)
    assert today_figures(api, "/hq/tech")["first_response_sla_rate"] == 1.0

    moved = tech.TransferTicket(ticket_pb2.TransferTicketRequest(
        id=ticket.id, department_path="/hq/logistics", reason="a delivery problem",
        etag=started.etag))
    assert moved.department_path == "/hq/logistics"
    assert_kept(api)
    tech_now, logistics = today_figures(api, "/hq/tech"), today_figures(api, "/hq/logistics")
    assert (tech_now["ticket_count"], logistics["ticket_count"]) == (1, 1)
    assert (tech_now["transfer_count"], logistics["transfer_count"]) == (1, 1)

    due = other.sla.first_response_due_time.ToDatetime().replace(tzinfo=UTC)
    sla.scan(api.database, due + timedelta(seconds=1))  # the timer marks the breach
    assert_kept(api)
    assert today_figures(api, "/hq/tech")["first_response_sla_rate"] == 0.0

    admin = api.stub(ADMIN)
    admin.StartTicket(ticket_pb2.StartTicketRequest(id=ticket.id))
    admin.ResolveTicket(ticket_pb2.ResolveTicketRequest(id=ticket.id,
                                                                  resolution="re-sent"))
    assert_kept(api)
    assert today_figures(api, "/hq/logistics")["backlog"] == 0
    admin.ConfirmTicket(ticket_pb2.ConfirmTicketRequest(id=ticket.id))
    admin.CloseTicket(ticket_pb2.CloseTicketRequest(id=ticket.id))
    assert_kept(api)

    reopened = admin.ReopenTicket(ticket_pb2.ReopenTicketRequest(id=ticket.id,
                                                                           reason="again"))
    assert reopened.reopen_count == 1
    assert_kept(api)
    assert today_figures(api, "/hq/logistics")["reopen_rate"] == 1.0


# 1-3 March 2026 in India (UTC+5:30) and in China (UTC+8).
DAYS = (date(2026, 3, 1), date(2026, 3, 3))
KOLKATA_START = datetime(2026, 2, 28, 18, 30, tzinfo=UTC)
KOLKATA_END = datetime(2026, 3, 3, 18, 30, tzinfo=UTC)
M = timedelta(minutes=1)


def figures_in(api, zone: str, now: datetime) -> dict:
    period, *_ = kpis.periods(*DAYS, ZoneInfo(zone))
    with api.database.unit_of_work(readonly=True) as uow:
        (found,) = kpis.period_figures(uow.session, "/hq/service", [period], now)
    return {f.key: f for f in found}


def test_periods_off_utc_count_the_hours_and_minutes_at_their_ends(api):
    hour = timedelta(hours=1)
    # created just before, just after, in the middle of and at the end of India's period
    api.add_ticket(create_time=KOLKATA_START - M, first_response_time=KOLKATA_START + 9 * M)
    api.add_ticket(create_time=KOLKATA_START + M, first_response_time=KOLKATA_START + 11 * M,
                   resolve_time=KOLKATA_START + 61 * M)
    api.add_ticket(create_time=KOLKATA_START + 30 * hour,
                   first_response_time=KOLKATA_START + 32 * hour)
    api.add_ticket(create_time=KOLKATA_END - M, first_response_time=KOLKATA_END + 3 * hour)
    api.add_ticket(create_time=KOLKATA_END, first_response_time=KOLKATA_END + M)
    # resolved in the last minute, closed in the first minute after the end
    api.add_ticket(create_time=KOLKATA_START - 50 * hour, resolve_time=KOLKATA_END - M)
    api.add_ticket(create_time=KOLKATA_START - 50 * hour, close_time=KOLKATA_END + M)
    later = KOLKATA_END + 10 * hour

    india = figures_in(api, "Asia/Kolkata", later)
    assert india["ticket_count"].value == 3
    assert india["first_response_hours_p50"].value == pytest.approx(2.0)  # 10 min, 2 h, 3 h 1 min
    assert india["first_response_hours_avg"].sample_size == 3
    assert india["resolution_hours_avg"].sample_size == 2
    # open at the end: the one from just before, the middle one, the one from its last minute,
    # and the old one closed a minute after it
    assert india["backlog"].value == 4

    # China's period (16:00 to 16:00 UTC, whole UTC hours) has the first three, not the last
    china = figures_in(api, "Asia/Shanghai", later)
    assert china["ticket_count"].value == 3
    assert china["first_response_hours_p50"].value == pytest.approx(10 / 60)  # 10, 10 min, 2 h
    # open at 16:00: the first and the middle one, and both old ones (done after 16:00)
    assert china["backlog"].value == 4


def test_a_target_due_before_now_and_not_yet_marked_breached_is_missed(api):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    api.add_ticket(create_time=start, first_response_due_time=start + timedelta(hours=2))
    api.add_ticket(create_time=start, first_response_due_time=start + timedelta(hours=2),
                   first_response_time=start + timedelta(hours=1))
    early, late = start + timedelta(hours=1), start + timedelta(hours=3)
    period = kpis.Period(start, start + timedelta(days=1))
    with api.database.unit_of_work(readonly=True) as uow:
        (before_due,) = kpis.period_figures(uow.session, "/hq/service", [period], early)
        (after_due,) = kpis.period_figures(uow.session, "/hq/service", [period], late)
    rate = {f.key: f for f in before_due}["first_response_sla_rate"]
    assert (rate.value, rate.sample_size) == (1.0, 1)  # the other one is not decided yet
    rate = {f.key: f for f in after_due}["first_response_sla_rate"]
    assert (rate.value, rate.sample_size) == (0.5, 2)
