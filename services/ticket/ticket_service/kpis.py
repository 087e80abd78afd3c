"""Ticket KPIs for a period and a department subtree (GetTicketKpis).

The period's dates are local days of the department's calendar zone (UTC without a calendar);
the previous period is the same number of days right before it. Figures, by key:

* ``ticket_count`` — tickets created in the period;
* ``backlog`` — tickets created before the period's end and neither resolved nor closed by then;
* ``first_response_hours_avg`` / ``first_response_hours_p50`` — wall-clock hours from creation
  to the first response, over tickets created in the period that got one;
* ``resolution_hours_avg`` — hours from creation to resolution of tickets resolved in the period;
* ``first_response_sla_rate``, ``resolution_sla_rate`` — share of targets met, over the tickets
  created in the period whose target is decided (met, or due before the period's end / now);
  ``sla_compliance_rate`` — both kinds of targets together;
* ``complaint_timeliness_rate`` — the resolution rate for complaints (24 h promise);
* ``need_resolution_rate`` — the resolution rate for demand tickets (3 working days);
* ``transfer_count`` — transfers in the period into or out of the subtree;
* ``reopen_rate`` — share of the period's tickets that were resolved and then reopened;
* ``callback_on_time_rate`` — call-back tasks due in the period done by their due time.

Rates are ratios 0..1. The arithmetic is pure (:func:`compute`) over plain rows, so it is tested
without a database; the queries only fetch the rows of the subtree and the two periods.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ticket_service.calendars import calendar_for
from ticket_service.models import CallbackTask, Ticket, TicketHistoryEntry

HOUR = 3600.0


@dataclass(frozen=True)
class TicketRow:
    type: str
    department_path: str
    create_time: datetime
    first_response_time: datetime | None
    resolve_time: datetime | None
    close_time: datetime | None
    first_response_due_time: datetime | None
    resolution_due_time: datetime | None
    first_response_breached: bool
    resolution_breached: bool
    reopen_count: int


@dataclass(frozen=True)
class TransferRow:
    occur_time: datetime
    from_department_path: str
    to_department_path: str


@dataclass(frozen=True)
class CallbackRow:
    department_path: str
    due_time: datetime
    state: str
    complete_time: datetime | None


@dataclass(frozen=True)
class Figure:
    key: str
    display_name: str
    value: float
    unit: str
    higher_is_better: bool
    sample_size: int


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive


def _within(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


def _rate(met: int, decided: int) -> float:
    return met / decided if decided else 0.0


def _target(rows: Iterable[TicketRow], done_attr: str, due_attr: str, breached_attr: str,
            as_of: datetime) -> tuple[int, int]:
    """(met, decided) for one kind of target."""
    met = decided = 0
    for row in rows:
        due = getattr(row, due_attr)
        if due is None:
            continue
        done = getattr(row, done_attr)
        if done is not None and done <= due and not getattr(row, breached_attr):
            met += 1
            decided += 1
        elif getattr(row, breached_attr) or due < as_of or (done is not None and done > due):
            decided += 1
    return met, decided


def compute(tickets: list[TicketRow], transfers: list[TransferRow], callbacks: list[CallbackRow],
            period: Period, now: datetime, in_scope) -> list[Figure]:
    """The figures of one period; ``in_scope(path)`` says whether a department path counts."""
    as_of = min(now, period.end)
    mine = [row for row in tickets if in_scope(row.department_path)]
    created = [row for row in mine if _within(row.create_time, period)]
    backlog = [row for row in mine if row.create_time < period.end
               and not (row.resolve_time and row.resolve_time < period.end)
               and not (row.close_time and row.close_time < period.end)]
    response_hours = [(row.first_response_time - row.create_time).total_seconds() / HOUR
                      for row in created if row.first_response_time is not None]
    resolved = [row for row in mine if _within(row.resolve_time, period)]
    resolution_hours = [(row.resolve_time - row.create_time).total_seconds() / HOUR for row in resolved]
    first_met, first_decided = _target(created, "first_response_time", "first_response_due_time",
                                       "first_response_breached", as_of)
    res_met, res_decided = _target(created, "resolve_time", "resolution_due_time",
                                   "resolution_breached", as_of)
    complaint_met, complaint_decided = _target(
        [row for row in created if row.type == "complaint"], "resolve_time",
        "resolution_due_time", "resolution_breached", as_of)
    demand_met, demand_decided = _target(
        [row for row in created if row.type == "demand"], "resolve_time",
        "resolution_due_time", "resolution_breached", as_of)
    transfers_in_period = [row for row in transfers if _within(row.occur_time, period)
                           and (in_scope(row.from_department_path or "")
                                or in_scope(row.to_department_path or ""))]
    ever_resolved = [row for row in created if row.resolve_time is not None or row.reopen_count]
    reopened = [row for row in ever_resolved if row.reopen_count > 0]
    due_callbacks = [row for row in callbacks if in_scope(row.department_path)
                     and _within(row.due_time, period) and row.state != "cancelled"]
    on_time = [row for row in due_callbacks
               if row.complete_time is not None and row.complete_time <= row.due_time]
    return [
        Figure("ticket_count", "Tickets created", len(created), "count", False, len(created)),
        Figure("backlog", "Open tickets at period end", len(backlog), "count", False, len(backlog)),
        Figure("first_response_hours_avg", "Average first response time",
               statistics.fmean(response_hours) if response_hours else 0.0, "hours", False,
               len(response_hours)),
        Figure("first_response_hours_p50", "Median first response time",
               statistics.median(response_hours) if response_hours else 0.0, "hours", False,
               len(response_hours)),
        Figure("resolution_hours_avg", "Average resolution time",
               statistics.fmean(resolution_hours) if resolution_hours else 0.0, "hours", False,
               len(resolution_hours)),
        Figure("first_response_sla_rate", "First responses within SLA",
               _rate(first_met, first_decided), "ratio", True, first_decided),
        Figure("resolution_sla_rate", "Resolutions within SLA",
               _rate(res_met, res_decided), "ratio", True, res_decided),
        Figure("sla_compliance_rate", "SLA compliance",
               _rate(first_met + res_met, first_decided + res_decided), "ratio", True,
               first_decided + res_decided),
        Figure("complaint_timeliness_rate", "Complaints resolved in time",
               _rate(complaint_met, complaint_decided), "ratio", True, complaint_decided),
        Figure("need_resolution_rate", "Demands answered in time",
               _rate(demand_met, demand_decided), "ratio", True, demand_decided),
        Figure("transfer_count", "Transfers between departments", len(transfers_in_period),
               "count", False, len(transfers_in_period)),
        Figure("reopen_rate", "Reopened after resolution", _rate(len(reopened), len(ever_resolved)),
               "ratio", False, len(ever_resolved)),
        Figure("callback_on_time_rate", "Call-backs on time", _rate(len(on_time), len(due_callbacks)),
               "ratio", True, len(due_callbacks)),
    ]


# -- periods and queries ---------------------------------------------------------------------------


def periods(start: date, end: date, zone: ZoneInfo) -> tuple[Period, Period, date, date]:
    """The period (inclusive local dates) and the previous one of equal length, as instants;
    and the previous period's first and last date."""
    days = (end - start).days + 1
    previous_start = start - timedelta(days=days)
    previous_end = start - timedelta(days=1)

    def instant(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)

    current = Period(instant(start), instant(end + timedelta(days=1)))
    previous = Period(instant(previous_start), instant(start))
    return current, previous, previous_start, previous_end


def report_zone(session: Session, department_path: str) -> ZoneInfo:
    calendar = calendar_for(session, department_path) if department_path else None
    return ZoneInfo(calendar.time_zone) if calendar is not None else ZoneInfo("UTC")


def _subtree(column, root: str):
    if not root:
        return None
    root = root.rstrip("/")
    return or_(column == root, column.startswith(root + "/", autoescape=True))


def load(session: Session, root: str, since: datetime, until: datetime):
    """Rows that can count for a period starting at ``since`` and ending at ``until``."""
    ticket_where = [
        Ticket.create_time < until,
        or_(Ticket.create_time >= since, Ticket.resolve_time.is_(None),
            Ticket.resolve_time >= since),
    ]
    if (clause := _subtree(Ticket.department_path, root)) is not None:
        ticket_where.append(clause)
    tickets = [TicketRow(**row._asdict()) for row in session.execute(
        select(Ticket.type, Ticket.department_path, Ticket.create_time, Ticket.first_response_time,
               Ticket.resolve_time, Ticket.close_time, Ticket.first_response_due_time,
               Ticket.resolution_due_time, Ticket.first_response_breached,
               Ticket.resolution_breached, Ticket.reopen_count).where(*ticket_where))]
    transfer_where = [TicketHistoryEntry.kind == "transferred",
                      TicketHistoryEntry.occur_time >= since, TicketHistoryEntry.occur_time < until]
    if root:
        transfer_where.append(or_(_subtree(TicketHistoryEntry.from_department_path, root),
                                  _subtree(TicketHistoryEntry.to_department_path, root)))
    transfers = [TransferRow(**row._asdict()) for row in session.execute(
        select(TicketHistoryEntry.occur_time, TicketHistoryEntry.from_department_path,
               TicketHistoryEntry.to_department_path).where(*transfer_where))]
    callback_where = [CallbackTask.due_time >= since, CallbackTask.due_time < until]
    if (clause := _subtree(CallbackTask.department_path, root)) is not None:
        callback_where.append(clause)
    callbacks = [CallbackRow(**row._asdict()) for row in session.execute(
        select(CallbackTask.department_path, CallbackTask.due_time, CallbackTask.state,
               CallbackTask.complete_time).where(*callback_where))]
    return tickets, transfers, callbacks


def direct_children(root: str, paths: Iterable[str]) -> list[str]:
    """The direct sub-departments of ``root`` (``""``: the top-level departments) seen in paths."""
    prefix = root.rstrip("/") + "/"
    children = set()
    for path in paths:
        if path.startswith(prefix):
            children.add(prefix + path[len(prefix):].split("/")[0])
    return sorted(children)


def in_subtree_of(root: str):
    root = root.rstrip("/")
    return lambda path: not root or path == root or path.startswith(root + "/")
