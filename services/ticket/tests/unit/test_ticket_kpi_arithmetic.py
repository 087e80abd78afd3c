"""KPI arithmetic over plain rows: counts, times, SLA rates, transfers, reopens, call-backs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ticket_service.kpis import (
    CallbackRow,
    Period,
    TicketRow,
    TransferRow,
    compute,
    direct_children,
    in_subtree_of,
    periods,
)

H = timedelta(hours=1)
START = datetime(2026, 3, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=31))
NOW = START + timedelta(days=40)


def ticket(created_h, *, type="consultation", dept="/hq/service", response_h=None, resolve_h=None,
           close_h=None, response_due_h=None, resolve_due_h=None, reopen=0, breached=(False, False)):
    def at(hours):
        return None if hours is None else START + hours * H

    return TicketRow(type=type, department_path=dept, create_time=at(created_h),
                     first_response_time=at(response_h), resolve_time=at(resolve_h),
                     close_time=at(close_h), first_response_due_time=at(response_due_h),
                     resolution_due_time=at(resolve_due_h), first_response_breached=breached[0],
                     resolution_breached=breached[1], reopen_count=reopen)


def figures(tickets=(), transfers=(), callbacks=(), scope="/hq/service", now=NOW):
    return {f.key: f for f in compute(list(tickets), list(transfers), list(callbacks), PERIOD, now,
                                      in_subtree_of(scope))}


def test_counts_only_tickets_created_in_the_period_and_the_subtree():
    result = figures([ticket(1), ticket(2, dept="/hq/service/vip"), ticket(-5), ticket(3, dept="/hq/tech"),
                      ticket(800)])
    assert result["ticket_count"].value == 2


def test_backlog_is_what_is_open_at_period_end():
    result = figures([ticket(-100), ticket(1, resolve_h=5), ticket(2, resolve_h=31 * 24 + 1),
                      ticket(3, close_h=4), ticket(-50, resolve_h=-10)])
    assert result["backlog"].value == 2  # the old open one, and the one resolved after the end


def test_first_response_average_and_median_in_hours():
    result = figures([ticket(0, response_h=1), ticket(0, response_h=2), ticket(0, response_h=9),
                      ticket(0)])
    assert result["first_response_hours_avg"].value == pytest.approx(4.0)
    assert result["first_response_hours_p50"].value == pytest.approx(2.0)
    assert result["first_response_hours_avg"].sample_size == 3


def test_resolution_time_counts_tickets_resolved_in_the_period():
    result = figures([ticket(-10, resolve_h=10), ticket(0, resolve_h=4), ticket(0, resolve_h=2000)])
    assert result["resolution_hours_avg"].value == pytest.approx(12.0)
    assert result["resolution_hours_avg"].sample_size == 2


def test_sla_rates_count_decided_targets_only():
    rows = [
        ticket(0, response_h=1, response_due_h=2),  # met
        ticket(0, response_h=3, response_due_h=2),  # missed
        ticket(0, response_due_h=2, breached=(True, False)),  # missed, no response yet
        ticket(700, response_due_h=744 + 100),  # not decided yet: due after the period, now
    ]
    result = figures(rows, now=START + 740 * H)
    assert result["first_response_sla_rate"].value == pytest.approx(1 / 3)
    assert result["first_response_sla_rate"].sample_size == 3


def test_complaint_and_demand_rates_use_the_resolution_target():
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


def test_transfers_into_or_out_of_the_subtree_count():
    transfers = [TransferRow(START + H, "/hq/tech", "/hq/service"),
                 TransferRow(START + H, "/hq/service/vip", "/hq/tech"),
                 TransferRow(START + H, "/hq/tech", "/hq/logistics"),
                 TransferRow(START - H, "/hq/tech", "/hq/service")]
    assert figures(transfers=transfers)["transfer_count"].value == 2


def test_reopen_rate_is_reopened_among_resolved():
    rows = [ticket(0, resolve_h=2, reopen=1), ticket(0, resolve_h=3), ticket(0, resolve_h=4),
            ticket(0, resolve_h=5), ticket(0)]
    assert figures(rows)["reopen_rate"].value == pytest.approx(0.25)


def test_callback_on_time_rate_ignores_cancelled_tasks():
    due = START + 10 * H
    callbacks = [CallbackRow("/hq/service", due, "done", due - H),
                 CallbackRow("/hq/service", due, "done", due + H),
                 CallbackRow("/hq/service", due, "overdue", None),
                 CallbackRow("/hq/service", due, "cancelled", None)]
    result = figures(callbacks=callbacks)
    assert result["callback_on_time_rate"].value == pytest.approx(1 / 3)


def test_no_data_gives_zero_with_zero_samples():
    result = figures()
    assert result["sla_compliance_rate"].value == 0.0
    assert result["sla_compliance_rate"].sample_size == 0


def test_periods_are_local_days_and_the_previous_has_the_same_length():
    current, previous, first, last = periods(date(2026, 3, 1), date(2026, 3, 31), ZoneInfo("Asia/Shanghai"))
    assert current.start == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert current.end == datetime(2026, 3, 31, 16, tzinfo=UTC)
    assert (first, last) == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous.end == current.start


def test_direct_children_of_a_department():
    paths = ["/hq/service", "/hq/service/vip/gold", "/hq/service/web", "/hq/tech"]
    assert direct_children("/hq/service", paths) == ["/hq/service/vip", "/hq/service/web"]
    assert direct_children("", paths) == ["/hq"]
