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

Rates are ratios 0..1. The ticket figures are sums over tickets, kept per department and UTC
day by :mod:`ticket_service.kpi_rollup` in the transaction that writes each ticket: a report
sums the rollup's rows of its whole days and adds what depends on the hour or on now from the
tickets themselves (the partial days at the ends of a period in a zone not at UTC, the SLA
targets still pending, the bucket of response times holding the median). Aggregating every
ticket of the two periods instead took 0.4-0.7 s with 100,000 tickets. Each question is asked
once for all the periods of a report (the current and the previous one), the rows sorted into
each by conditional aggregation: every query is a round trip and a statement to build, and the
dashboard's "Refresh figures" waits for them. The arithmetic on the sums (:func:`figures`) is
pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from crm_shared.db import seconds_between
from sqlalchemy import and_, false, func, literal, not_, or_, select, union_all
from sqlalchemy.orm import Session

from ticket_service import kpi_rollup
from ticket_service.calendars import calendar_for
from ticket_service.models import (
    CallbackTask,
    Ticket,
    TicketHistoryEntry,
    TicketKpiSum,
    TicketResponseCount,
)

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
    """One period of a report: the rollup's whole UTC days and hours in it, the minutes at its
    ends read from the tickets (a zone not a whole number of hours from UTC), and the
    conditions read from the tickets. ``as_of`` (the period's end, or now when it has not
    ended) decides whether a target without its event is missed yet."""

    def __init__(self, period: Period, now: datetime) -> None:
        self.period = period
        self.as_of = min(now, period.end)
        self.days, self.hours, self.minutes = _cover(period.start, period.end)
        # The backlog at the end: everything before it.
        self.backlog = _cover(None, period.end)

    def in_minutes(self, instant: datetime) -> bool:
        return any(a <= instant < b for a, b in self.minutes)

    def within(self, column):
        return and_(column >= self.period.start, column < self.period.end)

    def sum_columns(self, suffix: str) -> list:
        """The rollup's sums over the period's whole days and hours, and its backlog before the
        end's minutes, labelled ``<name><suffix>``."""
        whole = _rollup_rows(TicketKpiSum, self.days, self.hours)
        columns = [func.sum(getattr(TicketKpiSum, name)).filter(whole).label(name + suffix)
                   for name in (*kpi_rollup.BY_CREATION, *kpi_rollup.BY_RESOLUTION)]
        before = _rollup_rows(TicketKpiSum, *self.backlog[:2])
        columns.append(func.sum(TicketKpiSum.created - TicketKpiSum.done).filter(before)
                       .label("backlog" + suffix))
        return columns

    def pending(self, name: str, done, due, breached, only_type: str | None):
        """The period's new tickets whose target is not met yet nor marked breached, due before
        ``as_of``: decided (missed) now, though not settled in the rollup."""
        return and_(self.within(Ticket.create_time), done.is_(None), not_(breached),
                    due < self.as_of, *(() if only_type is None else (Ticket.type == only_type,)))


def period_figures(session: Session, root: str, periods_: Iterable[Period],
                   now: datetime) -> list[list[Figure]]:
    """The figures of each period over the tickets of the subtree of ``root`` (``""``: all):
    the rollup's sums (:mod:`ticket_service.kpi_rollup`) and what depends on the minute or on
    now, read from the tickets."""
    sqls = [_PeriodSql(period, now) for period in periods_]
    sums = [_rollup_sums(session, root, sqls), _minute_sums(session, root, sqls),
            _pending_targets(session, root, sqls)]
    found_sums = [Counter() for _ in sqls]
    for found in sums:
        for total, part in zip(found_sums, found, strict=True):
            total.update(part)
    medians = _median_responses(session, root, sqls, [a["responded"] for a in found_sums],
                                _response_buckets(session, root, sqls))
    transfers = _transfers(session, root, sqls)
    callbacks = _callbacks(session, root, sqls)
    result = []
    for index, aggregates in enumerate(found_sums):
        for name, *_ in kpi_rollup.TARGETS:
            aggregates[f"{name}_decided"] = (aggregates[f"{name}_settled"]
                                             + aggregates[f"{name}_pending"])
        aggregates["response_seconds"] = aggregates["response_us"] / 1_000_000
        aggregates["resolution_seconds"] = aggregates["resolution_us"] / 1_000_000
        aggregates["response_seconds_p50"] = medians[index]
        aggregates["transfers"] = transfers[index]
        aggregates["callbacks_due"], aggregates["callbacks_on_time"] = callbacks[index]
        result.append(figures(aggregates))
    return result


def _span(sqls: list[_PeriodSql], column) -> list:
    """``column`` within the periods taken together (an index range for the query that sorts
    its rows into each period)."""
    return [column >= min(sql.period.start for sql in sqls),
            column < max(sql.period.end for sql in sqls)]


def _transfers(session: Session, root: str, sqls: list[_PeriodSql]) -> list[int]:
    """Each period's transfers into or out of the subtree, in one query for all periods."""
    occur = TicketHistoryEntry.occur_time
    moved = [TicketHistoryEntry.kind == "transferred", *_span(sqls, occur)]
    if root:
        moved.append(or_(_subtree(TicketHistoryEntry.from_department_path, root),
                         _subtree(TicketHistoryEntry.to_department_path, root)))
    columns = [func.count().filter(sql.within(occur)) for sql in sqls]
    return list(session.execute(select(*columns).select_from(TicketHistoryEntry)
                                .where(*moved)).one())


def _callbacks(session: Session, root: str, sqls: list[_PeriodSql]) -> list[tuple[int, int]]:
    """Each period's call-back tasks due in it (cancelled ones aside) and those of them done
    by their due time, in one query for all periods."""
    due = [*_span(sqls, CallbackTask.due_time), CallbackTask.state != "cancelled"]
    if (clause := _subtree(CallbackTask.department_path, root)) is not None:
        due.append(clause)
    on_time = and_(CallbackTask.complete_time.is_not(None),
                   CallbackTask.complete_time <= CallbackTask.due_time)
    columns = [column for sql in sqls
               for column in (func.count().filter(sql.within(CallbackTask.due_time)),
                              func.count().filter(and_(sql.within(CallbackTask.due_time),
                                                       on_time)))]
    row = session.execute(select(*columns).where(*due)).one()
    return [(row[2 * index], row[2 * index + 1]) for index in range(len(sqls))]


def _rollup_sums(session: Session, root: str, sqls: list[_PeriodSql]) -> list[Counter]:
    columns = [column for index, sql in enumerate(sqls) for column in sql.sum_columns(f"_{index}")]
    where = [c] if (c := _subtree(TicketKpiSum.department_path, root)) is not None else []
    rows = or_(*(_rollup_rows(TicketKpiSum, *spans)
                 for sql in sqls for spans in ((sql.days, sql.hours), sql.backlog[:2])))
    row = session.execute(select(*columns).where(*where, rows)).one()._mapping
    found = [Counter() for _ in sqls]
    for key, value in row.items():
        name, index = key.rsplit("_", 1)
        found[int(index)][name] = int(value or 0)
    return found


def _minute_sums(session: Session, root: str, sqls: list[_PeriodSql]) -> list[Counter]:
    """The shares of the tickets in the minutes at the periods' ends that are no whole UTC hour
    (zones like India's), computed as the rollup computes them."""
    found = [Counter() for _ in sqls]
    ranges = {r for sql in sqls for r in (*sql.minutes, *sql.backlog[2])}
    if not ranges:
        return found
    columns = [getattr(Ticket, name) for name in kpi_rollup.KPI_COLUMNS]
    placed = [or_(*(and_(column >= a, column < b) for a, b in ranges))
              for column in (Ticket.create_time, Ticket.resolve_time, Ticket.close_time)]
    where = [c] if (c := _subtree(Ticket.department_path, root)) is not None else []
    for ticket in session.execute(select(*columns).where(*where, or_(*placed))):
        parts = kpi_rollup.shares(ticket)
        for index, sql in enumerate(sqls):
            for instant, counts in parts:
                if sql.in_minutes(instant):
                    found[index].update({k: v for k, v in counts.items() if k != "done"})
                if any(a <= instant < b for a, b in sql.backlog[2]):
                    found[index]["backlog"] += counts.get("created", 0) - counts.get("done", 0)
    return found


def _pending_targets(session: Session, root: str, sqls: list[_PeriodSql]) -> list[Counter]:
    found = [Counter() for _ in sqls]
    where = [c] if (c := _subtree(Ticket.department_path, root)) is not None else []
    since = min(sql.period.start for sql in sqls)
    until = max(sql.period.end for sql in sqls)
    as_of = max(sql.as_of for sql in sqls)
    # One query per done column, shaped like its partial index (revision 0006).
    for done_name in dict.fromkeys(done for _n, done, *_ in kpi_rollup.TARGETS):
        targets = [t for t in kpi_rollup.TARGETS if t[1] == done_name]
        _n, _d, due_name, breached_name, _t = targets[0]
        done, due, breached = (getattr(Ticket, n) for n in (done_name, due_name, breached_name))
        columns = [func.count().filter(sql.pending(name, done, due, breached, only_type))
                   .label(f"{name}_{index}")
                   for index, sql in enumerate(sqls) for name, *_c, only_type in targets]
        row = session.execute(select(*columns).where(
            *where, done.is_(None), not_(breached), Ticket.create_time >= since,
            Ticket.create_time < until, due < as_of)).one()._mapping
        for key, value in row.items():
            name, index = key.rsplit("_", 1)
            found[int(index)][f"{name}_pending"] = value
    return found


def _response_buckets(session: Session, root: str, sqls: list[_PeriodSql]) -> list[Counter]:
    """How many of each period's new tickets got their first response in each bucket of
    response times: the rollup's whole days and hours, and the minutes from the tickets."""
    where = [c] if (c := _subtree(TicketResponseCount.department_path, root)) is not None else []
    spans = [_rollup_rows(TicketResponseCount, sql.days, sql.hours) for sql in sqls]
    columns = [func.sum(TicketResponseCount.tickets).filter(rows) for rows in spans]
    found = [Counter() for _ in sqls]
    for bucket, *counts in session.execute(
            select(TicketResponseCount.bucket, *columns).where(*where, or_(*spans))
            .group_by(TicketResponseCount.bucket)):
        for index, count in enumerate(counts):
            if count:
                found[index][bucket] = int(count)
    minutes = {r for sql in sqls for r in sql.minutes}
    if minutes:
        placed = or_(*(and_(Ticket.create_time >= a, Ticket.create_time < b) for a, b in minutes))
        ticket_where = [c] if (c := _subtree(Ticket.department_path, root)) is not None else []
        for fr, created in session.execute(select(Ticket.first_response_time, Ticket.create_time)
                                           .where(*ticket_where, placed,
                                                  Ticket.first_response_time.is_not(None))):
            bucket = kpi_rollup.bucket_of((fr - created).total_seconds())
            for index, sql in enumerate(sqls):
                if sql.in_minutes(created):
                    found[index][bucket] += 1
    return found


def _median_responses(session: Session, root: str, sqls: list[_PeriodSql], responded: list[int],
                      counts: list[Counter]) -> list[float | None]:
    """The median first-response time (seconds) of each period's new tickets: the bucket
    counts say which buckets hold the middle ranks; only those tickets are read, in one query
    for all periods."""
    middles = [sorted({(n - 1) // 2, n // 2}) if n else [] for n in responded]
    wanted = []  # (period index, bucket, the middle ranks in it counted from its first member)
    for index, middle in enumerate(middles):
        below = 0
        for bucket in sorted(counts[index]):
            size = int(counts[index][bucket])
            if ranks := [rank - below for rank in middle if below <= rank < below + size]:
                wanted.append((index, bucket, ranks))
            below += size
    values = [[] for _ in sqls]
    for (index, _bucket, _ranks), found in zip(
            wanted, _bucket_members(session, root, sqls, wanted), strict=True):
        values[index] += found
    if any(len(found) != len(middle) for found, middle in zip(values, middles, strict=True)):
        # the rollup disagrees with the tickets: never expected
        raise RuntimeError("the ticket KPI rollup is out of step with the tickets; rebuild it")
    return [sum(found) / len(found) if found else None for found in values]


def _bucket_members(session: Session, root: str, sqls: list[_PeriodSql],
                    wanted: list[tuple[int, int, list[int]]]) -> list[list[float]]:
    """For each (period index, bucket, ranks) of ``wanted``, the first-response seconds at
    ``ranks`` (0: the smallest) among that period's new tickets in ``bucket``, in one query
    (a UNION ALL of a part per bucket, told apart by its position in ``wanted``).

    PostgreSQL computes the seconds exactly (microseconds), so the bucket's bounds select its
    tickets and the database reads just the ranks. SQLite's are floating-point days, so rows are
    read with a second of margin and placed by :func:`kpi_rollup.bucket_of` from their
    timestamps, as the rollup placed them."""
    if not wanted:
        return []
    exact = session.get_bind().dialect.name == "postgresql"
    seconds = seconds_between(Ticket.first_response_time, Ticket.create_time)
    margin = 0 if exact else 1
    parts = []
    for part, (index, bucket, ranks) in enumerate(wanted):
        low, high = kpi_rollup.bucket_bounds(bucket)
        where = [c] if (c := _subtree(Ticket.department_path, root)) is not None else []
        if low is not None:
            where.append(seconds >= low - margin)
        if high is not None:
            where.append(seconds < high + margin)
        where += [Ticket.first_response_time.is_not(None), sqls[index].within(Ticket.create_time)]
        if exact:
            # a part with its own ORDER BY and LIMIT is a subquery in a UNION
            ranked = (select(seconds.label("seconds")).where(*where).order_by(seconds)
                      .offset(min(ranks)).limit(max(ranks) - min(ranks) + 1).subquery())
            parts.append(select(literal(part).label("part"), ranked.c.seconds))
        else:
            parts.append(select(literal(part).label("part"), Ticket.first_response_time,
                                Ticket.create_time).where(*where))
    rows = session.execute(parts[0] if len(parts) == 1 else union_all(*parts)).all()
    members = [[] for _ in wanted]
    if exact:
        for part, value in rows:
            members[part].append(float(value))
    else:
        for part, first_response, created in rows:
            value = (first_response - created).total_seconds()
            if kpi_rollup.bucket_of(value) == wanted[part][1]:
                members[part].append(value)
    result = []
    for part, (_index, _bucket, ranks) in enumerate(wanted):
        found = sorted(members[part])
        first = min(ranks) if exact else 0  # PostgreSQL read from the first rank wanted on
        result.append([found[rank - first] for rank in ranks])
    return result


def _cover(start: datetime | None, end: datetime):
    """[start, end) (start None: from the beginning) as the rollup's whole UTC days, its whole
    UTC hours outside them, and the minutes outside those: ([(a, b)], [(a, b)], [(a, b)])."""
    days, hours, minutes = [], [], []
    first = None if start is None else _ceil(start, kpi_rollup.DAY)
    last = _floor(end, kpi_rollup.DAY)
    if first is None or first <= last:
        if first is None or first < last:
            days.append((first, last))
        edges = ([] if start is None else [(start, first)]) + [(last, end)]
    else:
        edges = [(start, end)]
    for a, b in edges:
        if a >= b:
            continue
        up, down = _ceil(a, kpi_rollup.HOUR), _floor(b, kpi_rollup.HOUR)
        if up <= down:
            hours += [(up, down)] if up < down else []
            minutes += [(x, y) for x, y in ((a, up), (down, b)) if x < y]
        else:
            minutes.append((a, b))
    return days, hours, minutes


def _rollup_rows(model, days: list, hours: list):
    """The rollup's rows of these whole days and hours."""
    def within(span: int, a: datetime | None, b: datetime):
        return and_(model.hours == span, *(() if a is None else (model.start >= a,)),
                    model.start < b)

    return or_(false(), *(within(kpi_rollup.DAY, a, b) for a, b in days),
               *(within(kpi_rollup.HOUR, a, b) for a, b in hours))


def _floor(instant: datetime, hours: int) -> datetime:
    at = instant.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return at.replace(hour=0) if hours == kpi_rollup.DAY else at


def _ceil(instant: datetime, hours: int) -> datetime:
    floor = _floor(instant, hours)
    return floor if floor == instant else floor + timedelta(hours=hours)


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
