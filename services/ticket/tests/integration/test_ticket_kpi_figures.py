"""KPI figures over rows stored as the ticket core stores them, on SQLite and PostgreSQL:
counts, times, SLA rates, transfers, reopens, call-backs (each an aggregate the database
computes, :func:`ticket_service.kpis.period_figures`), and a report's two periods asked together
(one query for both periods) giving what each gives asked alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from ticket_service.kpis import Figure, Period, period_figures
from ticket_service.models import CallbackTask, TicketHistoryEntry

pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)]

H = timedelta(hours=1)
START = datetime(2026, 3, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=31))
PREVIOUS = Period(START - timedelta(days=31), START)
NOW = START + timedelta(days=40)


def at(hours):
    return None if hours is None else START + hours * H


def ticket(created_h, *, type="consultation", dept="/hq/service", response_h=None, resolve_h=None,
           close_h=None, response_due_h=None, resolve_due_h=None, reopen=0, breached=(False, False)):
    return {"type": type, "department_path": dept, "create_time": at(created_h),
            "first_response_time": at(response_h), "resolve_time": at(resolve_h),
            "close_time": at(close_h), "first_response_due_time": at(response_due_h),
            "resolution_due_time": at(resolve_due_h), "first_response_breached": breached[0],
            "resolution_breached": breached[1], "reopen_count": reopen}


def transfer(occur_time, from_path, to_path):
    return lambda ticket_id: TicketHistoryEntry(
        ticket_id=ticket_id, kind="transferred", occur_time=occur_time,
        from_department_path=from_path, to_department_path=to_path)


def callback(path, due, state, complete_time):
    return lambda ticket_id: CallbackTask(
        id=str(uuid.uuid4()), ticket_id=ticket_id, ticket_number="T1", customer_id="c",
        assignee_id="u-am", department_path=path, due_time=due, state=state,
        complete_time=complete_time, create_time=START, update_time=START)


@pytest.fixture
def figures(api):
    """Store the rows, then the figures of PERIOD for the subtree of ``scope``."""
    def stored(tickets=(), transfers=(), callbacks=(), scope="/hq/service", now=NOW):
        for fields in tickets:
            api.add_ticket(**fields)
        if transfers or callbacks:
            holder = api.add_ticket(**ticket(-1000, dept="/elsewhere", resolve_h=-999))
            with api.database.unit_of_work() as uow:  # (the holder counts in no figure)
                uow.session.add_all(make(holder.id) for make in (*transfers, *callbacks))
        with api.database.unit_of_work(readonly=True) as uow:
            (result,) = period_figures(uow.session, scope, [PERIOD], now)
        return {f.key: f for f in result}

    return stored


def test_counts_only_tickets_created_in_the_period_and_the_subtree(figures):
    result = figures([ticket(1), ticket(2, dept="/hq/service/vip"), ticket(-5), ticket(3, dept="/hq/tech"),
                      ticket(800)])
    assert result["ticket_count"].value == 2


def test_backlog_is_what_is_open_at_period_end(figures):
    result = figures([ticket(-100), ticket(1, resolve_h=5), ticket(2, resolve_h=31 * 24 + 1),
                      ticket(3, close_h=4), ticket(-50, resolve_h=-10)])
    assert result["backlog"].value == 2  # the old open one, and the one resolved after the end


def test_first_response_average_and_median_in_hours(figures):
    result = figures([ticket(0, response_h=1), ticket(0, response_h=2), ticket(0, response_h=9),
                      ticket(0)])
    assert result["first_response_hours_avg"].value == pytest.approx(4.0)
    assert result["first_response_hours_p50"].value == pytest.approx(2.0)
    assert result["first_response_hours_avg"].sample_size == 3


def test_resolution_time_counts_tickets_resolved_in_the_period(figures):
    result = figures([ticket(-10, resolve_h=10), ticket(0, resolve_h=4), ticket(0, resolve_h=2000)])
    assert result["resolution_hours_avg"].value == pytest.approx(12.0)
    assert result["resolution_hours_avg"].sample_size == 2


def test_sla_rates_count_decided_targets_only(figures):
    rows = [
        ticket(0, response_h=1, response_due_h=2),  # met
        ticket(0, response_h=3, response_due_h=2),  # missed
        ticket(0, response_due_h=2, breached=(True, False)),  # missed, no response yet
        ticket(700, response_due_h=744 + 100),  # not decided yet: due after the period, now
    ]
    result = figures(rows, now=START + 740 * H)
    assert result["first_response_sla_rate"].value == pytest.approx(1 / 3)
    assert result["first_response_sla_rate"].sample_size == 3


def test_complaint_and_demand_rates_use_the_resolution_target(figures):
    rows = [
        ticket(0, type="complaint", resolve_h=20, resolve_due_h=24),
        ticket(0, type="complaint", resolve_h=30, resolve_due_h=24),
        ticket(0, type="demand", resolve_h=50, resolve_due_h=72),
    ]
    result = figures(rows)
    assert result["complaint_timeliness_rate"].value == pytest.approx(0.5)
    assert result["need_resolution_rate"].value == pytest.approx(1.0)
    assert result["resolution_sla_rate"].value == pytest.approx(2 / 3)
    assert result["sla_compliance_rate"].value == pytest.approx(2 / 3)


def test_transfers_into_or_out_of_the_subtree_count(figures):
    transfers = [transfer(START + H, "/hq/tech", "/hq/service"),
                 transfer(START + H, "/hq/service/vip", "/hq/tech"),
                 transfer(START + H, "/hq/tech", "/hq/logistics"),
                 transfer(START - H, "/hq/tech", "/hq/service")]
    assert figures(transfers=transfers)["transfer_count"].value == 2


def test_reopen_rate_is_reopened_among_resolved(figures):
    rows = [ticket(0, resolve_h=2, reopen=1), ticket(0, resolve_h=3), ticket(0, resolve_h=4),
            ticket(0, resolve_h=5), ticket(0)]
    assert figures(rows)["reopen_rate"].value == pytest.approx(0.25)


def test_callback_on_time_rate_ignores_cancelled_tasks(figures):
    due = START + 10 * H
    callbacks = [callback("/hq/service", due, "done", due - H),
                 callback("/hq/service", due, "done", due + H),
                 callback("/hq/service", due, "overdue", None),
                 callback("/hq/service", due, "cancelled", None)]
    result = figures(callbacks=callbacks)
    assert result["callback_on_time_rate"].value == pytest.approx(1 / 3)


def test_no_data_gives_zero_with_zero_samples(figures):
    result = figures()
    assert result["sla_compliance_rate"].value == 0.0
    assert result["sla_compliance_rate"].sample_size == 0




def test_both_periods_asked_together_count_each_its_own_transfers_call_backs_and_median(
        figures, api):
    day = 24 * H
    # the middle two (3.05 h, 3.1 h) after the first of their bucket of response times
    rows = [ticket(0, response_h=1), ticket(0, response_h=3), ticket(0, response_h=3.05),
            ticket(0, response_h=3.1), ticket(0, response_h=3.2), ticket(0, response_h=9),
            ticket(-100, response_h=-97), ticket(-100, response_h=-95),  # in two buckets
            ticket(-800, response_h=-799)]  # before both periods
    transfers = [transfer(START + H, "/hq/tech", "/hq/service"),
                 transfer(START + 2 * H, "/hq/service", "/hq/tech"),
                 transfer(START - H, "/hq/service/vip", "/hq/logistics"),
                 transfer(START - H, "/hq/tech", "/hq/logistics"),  # not the subtree's
                 transfer(START - 32 * day, "/hq/tech", "/hq/service")]  # before both
    due, before = START + 10 * H, START - 10 * H
    callbacks = [callback("/hq/service", due, "done", due - H),
                 callback("/hq/service", due, "overdue", None),
                 callback("/hq/service", before, "done", before - H),
                 callback("/hq/service/vip", before, "done", before),
                 callback("/hq/service", before, "done", before + H),
                 callback("/hq/service", before, "cancelled", None),
                 callback("/hq/tech", before, "done", before - H),  # not the subtree's
                 callback("/hq/service", START - 40 * day, "done", None)]  # before both
    alone = figures(rows, transfers, callbacks)
    with api.database.unit_of_work(readonly=True) as uow:
        (previous_alone,) = period_figures(uow.session, "/hq/service", [PREVIOUS], NOW)
        together = period_figures(uow.session, "/hq/service", [PERIOD, PREVIOUS], NOW)

    def key(found: list[Figure]) -> dict[str, Figure]:
        return {f.key: f for f in found}

    current, previous = (key(found) for found in together)
    assert current == alone
    assert previous == key(previous_alone)
    assert current["first_response_hours_p50"].value == pytest.approx(3.075)
    assert previous["first_response_hours_p50"].value == pytest.approx(4.0)
    assert (current["transfer_count"].value, previous["transfer_count"].value) == (2, 1)
    assert current["callback_on_time_rate"].value == pytest.approx(1 / 2)
    assert previous["callback_on_time_rate"].value == pytest.approx(2 / 3)
