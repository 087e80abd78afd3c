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

Rates are ratios 0..1. Each figure is an aggregate the database computes (``count(*) FILTER
(WHERE ...)``, averages of the hours between two timestamps) in one pass over the subtree's
tickets for both periods: loading the rows instead took seconds with 100,000 tickets. The
conditions are written once here (:class:`_PeriodSql`) and the arithmetic on the aggregates
(:func:`figures`) is pure.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from crm_shared.db import seconds_between
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ticket_service.calendars import calendar_for
from ticket_service.models import CallbackTask, Ticket, TicketHistoryEntry

HOUR = 3600.0


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


def _rate(met: int, decided: int) -> float:
    return met / decided if decided else 0.0


def _average(total: float | None, count: int) -> float:
    return float(total) / count if count and total is not None else 0.0


def figures(a: dict) -> list[Figure]:
    """The figures of one period from its aggregates (:meth:`_PeriodSql.aggregates` names)."""
    first_met, first_decided = a["first_met"], a["first_decided"]
    res_met, res_decided = a["resolution_met"], a["resolution_decided"]
    return [
        Figure("ticket_count", "Tickets created", a["created"], "count", False, a["created"]),
        Figure("backlog", "Open tickets at period end", a["backlog"], "count", False, a["backlog"]),
        Figure("first_response_hours_avg", "Average first response time",
               _average(a["response_seconds"], a["responded"]) / HOUR, "hours", False,
               a["responded"]),
        Figure("first_response_hours_p50", "Median first response time",
               (a["response_seconds_p50"] or 0.0) / HOUR, "hours", False, a["responded"]),
        Figure("resolution_hours_avg", "Average resolution time",
               _average(a["resolution_seconds"], a["resolved"]) / HOUR, "hours", False,
               a["resolved"]),
        Figure("first_response_sla_rate", "First responses within SLA",
               _rate(first_met, first_decided), "ratio", True, first_decided),
        Figure("resolution_sla_rate", "Resolutions within SLA",
               _rate(res_met, res_decided), "ratio", True, res_decided),
        Figure("sla_compliance_rate", "SLA compliance",
               _rate(first_met + res_met, first_decided + res_decided), "ratio", True,
               first_decided + res_decided),
        Figure("complaint_timeliness_rate", "Complaints resolved in time",
               _rate(a["complaint_met"], a["complaint_decided"]), "ratio", True,
               a["complaint_decided"]),
        Figure("need_resolution_rate", "Demands answered in time",
               _rate(a["demand_met"], a["demand_decided"]), "ratio", True, a["demand_decided"]),
        Figure("transfer_count", "Transfers between departments", a["transfers"], "count",
               False, a["transfers"]),
        Figure("reopen_rate", "Reopened after resolution",
               _rate(a["reopened"], a["ever_resolved"]), "ratio", False, a["ever_resolved"]),
        Figure("callback_on_time_rate", "Call-backs on time",
               _rate(a["callbacks_on_time"], a["callbacks_due"]), "ratio", True,
               a["callbacks_due"]),
    ]


class _PeriodSql:
    """The conditions of one period's figures, as SQL. ``as_of`` (the period's end, or now
    when it has not ended) decides whether a target without its event is missed yet."""

    def __init__(self, period: Period, now: datetime, dialect: str) -> None:
        self.period = period
        self.as_of = min(now, period.end)
        self.dialect = dialect

    def within(self, column):
        return and_(column >= self.period.start, column < self.period.end)

    def target(self, done, due, breached, *only) -> tuple:
        """(met, decided) conditions of one kind of target over the period's new tickets: met
        when done by its due time and not marked breached; decided when met, breached, due
        before ``as_of`` or done late."""
        base = (self.within(Ticket.create_time), due.is_not(None), *only)
        met = and_(done.is_not(None), done <= due, breached.is_(False))
        decided = or_(met, breached.is_(True), due < self.as_of,
                      and_(done.is_not(None), done > due))
        return and_(*base, met), and_(*base, decided)

    def ticket_columns(self, suffix: str) -> list:
        """Every per-ticket aggregate of the period, labelled ``<name><suffix>``."""
        created = self.within(Ticket.create_time)
        end = self.period.end
        responded = and_(created, Ticket.first_response_time.is_not(None))
        resolved = self.within(Ticket.resolve_time)
        first = self.target(Ticket.first_response_time, Ticket.first_response_due_time,
                            Ticket.first_response_breached)
        resolution = (Ticket.resolve_time, Ticket.resolution_due_time, Ticket.resolution_breached)
        counted = {
            "created": created,
            "backlog": and_(Ticket.create_time < end,
                            or_(Ticket.resolve_time.is_(None), Ticket.resolve_time >= end),
                            or_(Ticket.close_time.is_(None), Ticket.close_time >= end)),
            "responded": responded,
            "resolved": resolved,
            "first_met": first[0], "first_decided": first[1],
            "ever_resolved": and_(created, or_(Ticket.resolve_time.is_not(None),
                                               Ticket.reopen_count > 0)),
            "reopened": and_(created, Ticket.reopen_count > 0),
        }
        for name, only in (("resolution", ()), ("complaint", (Ticket.type == "complaint",)),
                           ("demand", (Ticket.type == "demand",))):
            met, decided = self.target(*resolution, *only)
            counted[f"{name}_met"], counted[f"{name}_decided"] = met, decided
        columns = [func.count().filter(condition).label(name + suffix)
                   for name, condition in counted.items()]
        response = seconds_between(Ticket.first_response_time, Ticket.create_time)
        columns.append(func.sum(response).filter(responded).label("response_seconds" + suffix))
        if self.dialect == "postgresql":  # SQLite has no ordered-set aggregates
            columns.append(func.percentile_cont(0.5).within_group(response).filter(responded)
                           .label("response_seconds_p50" + suffix))
        columns.append(func.sum(seconds_between(Ticket.resolve_time, Ticket.create_time))
                       .filter(resolved).label("resolution_seconds" + suffix))
        return columns

    def response_seconds_p50(self, session: Session, where: list) -> float | None:
        """The median first-response time (seconds) of the period's new tickets, where the
        database cannot compute it with the other figures."""
        seconds = seconds_between(Ticket.first_response_time, Ticket.create_time)
        values = session.scalars(select(seconds).where(
            *where, self.within(Ticket.create_time), Ticket.first_response_time.is_not(None))).all()
        return statistics.median(values) if values else None

    def transfers(self, root: str):
        moved = [TicketHistoryEntry.kind == "transferred", self.within(TicketHistoryEntry.occur_time)]
        if root:
            moved.append(or_(_subtree(TicketHistoryEntry.from_department_path, root),
                             _subtree(TicketHistoryEntry.to_department_path, root)))
        return select(func.count()).select_from(TicketHistoryEntry).where(*moved)

    def callbacks(self, root: str):
        due = [self.within(CallbackTask.due_time), CallbackTask.state != "cancelled"]
        if (clause := _subtree(CallbackTask.department_path, root)) is not None:
            due.append(clause)
        on_time = and_(CallbackTask.complete_time.is_not(None),
                       CallbackTask.complete_time <= CallbackTask.due_time)
        return select(func.count(), func.count().filter(on_time)).where(*due)


def period_figures(session: Session, root: str, periods_: Iterable[Period],
                   now: datetime) -> list[list[Figure]]:
    """The figures of each period over the tickets of the subtree of ``root`` (``""``: all),
    with one pass over the tickets for all the periods."""
    dialect = session.get_bind().dialect.name
    sqls = [_PeriodSql(period, now, dialect) for period in periods_]
    where = [clause] if (clause := _subtree(Ticket.department_path, root)) is not None else []
    columns = [column for index, sql in enumerate(sqls) for column in sql.ticket_columns(f"_{index}")]
    window = _window(min(sql.period.start for sql in sqls), max(sql.period.end for sql in sqls))
    row = session.execute(select(*columns).where(*where, *window)).one()._mapping
    result = []
    for index, sql in enumerate(sqls):
        aggregates = {key.rsplit("_", 1)[0]: value for key, value in row.items()
                      if key.endswith(f"_{index}")}
        if "response_seconds_p50" not in aggregates:
            aggregates["response_seconds_p50"] = (
                sql.response_seconds_p50(session, where) if aggregates["responded"] else None)
        aggregates["transfers"] = session.scalar(sql.transfers(root))
        aggregates["callbacks_due"], aggregates["callbacks_on_time"] = session.execute(
            sql.callbacks(root)).one()
        result.append(figures(aggregates))
    return result


def _window(since: datetime, until: datetime) -> list:
    """The tickets that can count for periods from ``since`` to ``until``: created before its
    end, and not resolved before its start (those count in none of the figures)."""
    return [Ticket.create_time < until, or_(Ticket.create_time >= since,
                                            Ticket.resolve_time.is_(None),
                                            Ticket.resolve_time >= since)]


def department_paths(session: Session, root: str, since: datetime, until: datetime) -> list[str]:
    """The department paths of the subtree's tickets that count from ``since`` to ``until``
    (to break a report down)."""
    where = [clause] if (clause := _subtree(Ticket.department_path, root)) is not None else []
    return list(session.scalars(select(Ticket.department_path)
                                .where(*where, *_window(since, until)).distinct()))


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


def direct_children(root: str, paths: Iterable[str]) -> list[str]:
    """The direct sub-departments of ``root`` (``""``: the top-level departments) seen in paths."""
    prefix = root.rstrip("/") + "/"
    children = set()
    for path in paths:
        if path.startswith(prefix):
            children.add(prefix + path[len(prefix):].split("/")[0])
    return sorted(children)
