"""The ticket KPIs' rollup: what each ticket adds to its department's figures, per UTC day
and per UTC hour.

Why a rollup: every ticket figure of GetTicketKpis (:mod:`ticket_service.kpis`) is a sum over
tickets — counts, SLA targets met and decided, seconds to respond and to resolve — and
aggregating the tickets of two periods on every call took 0.4-0.7 s with 100,000 tickets on
PostgreSQL (the dashboard's "Refresh figures" asks every time). So each ticket's share is kept
in a row per (department, UTC day) and one per (department, UTC hour)
(:class:`~ticket_service.models.TicketKpiSum`), and a report sums a row per department and
whole day of its periods, and per whole hour of the partial days at their ends, instead of
reading tickets.

Why kept this way (the mechanism is :mod:`crm_shared.rollups`, shared with the customer
service's rollup; what a ticket counts for, the rows' keys and :func:`rebuild` stay here, as
only this service knows its figures): mapper events on :class:`~ticket_service.models.Ticket`
take the ticket's old share out of the rollup and put its new one in, on the connection of the
flush that writes the ticket — whatever code path changes a ticket (api, SLA timer, worker),
in the same transaction: a rolled-back change rolls its share back, nothing lags behind, no
event or job is needed. Upserts (``ON CONFLICT DO UPDATE SET n = n + excluded.n``) let
concurrent writers add to one row; they wait for each other on that row only. A bulk ``UPDATE
tickets`` of the :data:`KPI_COLUMNS` would bypass the events: change those columns through the
ORM (the bulk updates there are of the customer and the score, which count in no figure).
Facts stored per ticket with a covering index were the other choice; a report would still
read every ticket of its periods (tens of thousands of index entries and a sort for the median).

What a report adds to the rollup's whole days, so its figures stay exactly what they were when
they were aggregated from the tickets:

* the partial hours at a period's ends: periods run from local midnight to local midnight of
  the report's zone; a zone a whole number of hours from UTC (most, China's too) ends them on
  UTC hours, others (India, Nepal) within one, and those minutes come from the tickets
  themselves, with the same :func:`shares`;
* the targets still pending (no response or resolution yet and not marked breached) whose due
  time is before the period's end or now — decided or not depends on when the report is asked,
  so those are counted from the tickets (few: the SLA timer marks breaches as they happen;
  partial indexes on PostgreSQL);
* the median first response: :class:`~ticket_service.models.TicketResponseCount` counts the
  responses per bucket of response times (:data:`BUCKET_EDGES`), which says in which bucket the
  middle ranks are; only the period's tickets of that bucket are read.

:func:`rebuild` computes it all from the tickets (revision 0006 fills it with it; the bench
calls it after loading tickets with SQL COPY).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from datetime import UTC, datetime, timedelta

from crm_shared.rollups import add_to_counters, insert_all, keep_in_transaction
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from ticket_service.models import Ticket, TicketKpiSum, TicketResponseCount

# The ticket columns the figures read: a change of any of them changes the ticket's share.
KPI_COLUMNS = ("type", "department_path", "create_time", "first_response_time", "resolve_time",
               "close_time", "first_response_due_time", "resolution_due_time",
               "first_response_breached", "resolution_breached", "reopen_count")

# The SLA targets: (name, done column, due column, breached column, ticket type or None for all).
TARGETS = (
    ("first", "first_response_time", "first_response_due_time", "first_response_breached", None),
    ("resolution", "resolve_time", "resolution_due_time", "resolution_breached", None),
    ("complaint", "resolve_time", "resolution_due_time", "resolution_breached", "complaint"),
    ("demand", "resolve_time", "resolution_due_time", "resolution_breached", "demand"),
)

# The rollup's sums, by the instant of the ticket that places them in a day.
BY_CREATION = ("created", "responded", "response_us",
               *(f"{name}_{kind}" for name, *_ in TARGETS for kind in ("met", "settled")),
               "ever_resolved", "reopened")
BY_RESOLUTION = ("resolved", "resolution_us")
SUMS = (*BY_CREATION, *BY_RESOLUTION, "done")


def _edges() -> tuple[int, ...]:
    """Response-time bucket edges in whole seconds: under a minute, then each a fifth wider
    than the one before, up to a year (about 75 buckets). Whole seconds, so Python and SQL put
    a response time on the same side of an edge."""
    edges, edge = [0, 60], 60
    while edge < 366 * 86400:
        edge = edge * 6 // 5
        edges.append(edge)
    return tuple(edges)


BUCKET_EDGES = _edges()


def bucket_of(seconds: float) -> int:
    return max(0, bisect_right(BUCKET_EDGES, seconds) - 1)


def bucket_bounds(bucket: int) -> tuple[int | None, int | None]:
    """The bucket's seconds as [low, high); None: unbounded (the first and the last)."""
    low = BUCKET_EDGES[bucket] if bucket > 0 else None
    high = BUCKET_EDGES[bucket + 1] if bucket + 1 < len(BUCKET_EDGES) else None
    return low, high


def microseconds(span: timedelta) -> int:
    return (span.days * 86400 + span.seconds) * 1_000_000 + span.microseconds


def response_seconds(ticket) -> float | None:
    if ticket.first_response_time is None:
        return None
    return (ticket.first_response_time - ticket.create_time).total_seconds()


def shares(ticket) -> list[tuple[datetime, dict[str, int]]]:
    """What ``ticket`` (anything with the :data:`KPI_COLUMNS` as attributes) adds to the
    figures, each part with the instant that places it: its creation, its resolution, the time
    it left the backlog (the first of resolution and closing, not before its creation)."""
    created = {"created": 1}
    if ticket.first_response_time is not None:
        created["responded"] = 1
        created["response_us"] = microseconds(ticket.first_response_time - ticket.create_time)
    for name, done_column, due_column, breached_column, only_type in TARGETS:
        due = getattr(ticket, due_column)
        if due is None or (only_type is not None and ticket.type != only_type):
            continue
        done, breached = getattr(ticket, done_column), getattr(ticket, breached_column)
        met = done is not None and done <= due and not breached
        if met:
            created[f"{name}_met"] = 1
        if met or breached or (done is not None and done > due):
            created[f"{name}_settled"] = 1
    if ticket.resolve_time is not None or ticket.reopen_count > 0:
        created["ever_resolved"] = 1
    if ticket.reopen_count > 0:
        created["reopened"] = 1
    parts = [(ticket.create_time, created)]
    if ticket.resolve_time is not None:
        parts.append((ticket.resolve_time, {
            "resolved": 1, "resolution_us": microseconds(ticket.resolve_time - ticket.create_time)}))
    left = [t for t in (ticket.resolve_time, ticket.close_time) if t is not None]
    if left:
        parts.append((max(min(left), ticket.create_time), {"done": 1}))
    return parts


HOUR, DAY = 1, 24


def spans_of(instant: datetime) -> tuple[tuple[datetime, int], tuple[datetime, int]]:
    """The rollup's rows an instant counts in: its UTC day's and its UTC hour's (start, hours)."""
    at = instant.astimezone(UTC)
    return ((at.replace(hour=0, minute=0, second=0, microsecond=0), DAY),
            (at.replace(minute=0, second=0, microsecond=0), HOUR))


class Rollup:
    """Shares added up per (department, start, hours) and per (..., response-time bucket)."""

    def __init__(self) -> None:
        self.sums: dict[tuple[str, datetime, int], Counter] = {}
        self.buckets: Counter = Counter()

    def add(self, ticket, sign: int = 1) -> None:
        department = ticket.department_path or ""
        for instant, counts in shares(ticket):
            for start, hours in spans_of(instant):
                row = self.sums.setdefault((department, start, hours), Counter())
                for name, value in counts.items():
                    row[name] += sign * value
        if (seconds := response_seconds(ticket)) is not None:
            bucket = bucket_of(seconds)
            for start, hours in spans_of(ticket.create_time):
                self.buckets[(department, start, hours, bucket)] += sign

    def sum_rows(self, changed_only: bool = True) -> list[dict]:
        return [{"department_path": department, "start": start, "hours": hours,
                 **{n: row[n] for n in SUMS}}
                for (department, start, hours), row in self.sums.items()
                if any(row.values()) or not changed_only]

    def bucket_rows(self) -> list[dict]:
        return [{"department_path": department, "start": start, "hours": hours,
                 "bucket": bucket, "tickets": n}
                for (department, start, hours, bucket), n in self.buckets.items() if n]

    def write(self, connection: Connection) -> None:
        """Add these sums to the stored ones."""
        keys = ("department_path", "start", "hours")
        add_to_counters(connection, TicketKpiSum, keys, SUMS, self.sum_rows())
        add_to_counters(connection, TicketResponseCount, (*keys, "bucket"), ("tickets",),
                        self.bucket_rows())


# -- kept in the transaction that writes the ticket ---------------------------------------------

_COLUMNS = [Ticket.__table__.c[name] for name in KPI_COLUMNS]
keep_in_transaction(Ticket, KPI_COLUMNS, Rollup)


def rebuild(connection: Connection, batch: int = 5000) -> int:
    """Compute the rollup from the tickets, replacing what is stored; the number of tickets."""
    rollup = Rollup()
    count = 0
    rows = connection.execute(select(*_COLUMNS).execution_options(yield_per=batch))
    for ticket in rows:
        rollup.add(ticket)
        count += 1
    connection.execute(delete(TicketKpiSum.__table__))
    connection.execute(delete(TicketResponseCount.__table__))
    insert_all(connection, TicketKpiSum, rollup.sum_rows(changed_only=False), batch)
    insert_all(connection, TicketResponseCount, rollup.bucket_rows(), batch)
    return count
