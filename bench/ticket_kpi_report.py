"""Benchmark (not a test): the ticket service's KPI report alone (what GetTicketKpis computes),
in-process on PostgreSQL with many tickets — time per report and SQL statements per report.

Starts a private PostgreSQL cluster on a free loopback port, migrates a ticket database, loads
``--tickets`` tickets with SQL ``COPY`` as ``bench/console_pages.py`` does (same rows, KPI
rollup rebuilt, vacuumed), adds ``--transfers`` transfers between the four departments and
``--callbacks`` call-back tasks spread over the last 90 days (so the transfers and call-backs
queries read rows), then computes, one at a time after ``--warmup`` runs, the report of the
dashboard's default period (the last 30 days in Beijing time, and the 30 days before) for the
whole organisation and for /hq/service, as the api does: the zone, the periods, then
:func:`ticket_service.kpis.period_figures` for both periods, in a read-only unit of work. It
prints p50 / p95 in milliseconds and the SQL statements one report sends. No gRPC: the report's
own cost, which the console's "Refresh figures" waits for (``bench/console_pages.py`` measures
the whole call).

    uv run python bench/ticket_kpi_report.py [--tickets 100000] [--requests 200] [--warmup 10]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from crm_devstack.postgres import PostgresCluster
from crm_shared.db import Database, utcnow
from crm_shared.kpis import period_in_zone, time_zone
from crm_shared.migrations import upgrade
from sqlalchemy import event, select
from ticket_service import kpis
from ticket_service.models import CallbackTask, Ticket, TicketHistoryEntry

sys.path.insert(0, str(Path(__file__).parent))
from console_pages import DEPARTMENTS, copy_tickets, percentile, ticket_rows


def add_transfers_and_callbacks(
    database: Database, transfers: int, callbacks: int, rng: random.Random
) -> None:
    """Transfers and call-back tasks over the last 90 days, on tickets that exist."""
    now = utcnow()
    with database.unit_of_work() as uow:
        ticket_ids = list(uow.session.scalars(select(Ticket.id).limit(5000)))
        for n in range(transfers):
            source, target = rng.sample(DEPARTMENTS, 2)
            uow.session.add(
                TicketHistoryEntry(
                    ticket_id=rng.choice(ticket_ids),
                    kind="transferred",
                    occur_time=now - timedelta(minutes=rng.randint(1, 90 * 24 * 60)),
                    from_department_path=source,
                    to_department_path=target,
                    reason=f"bench {n}",
                )
            )
        for n in range(callbacks):
            due = now - timedelta(minutes=rng.randint(1, 90 * 24 * 60))
            done = rng.random() < 0.8
            uow.session.add(
                CallbackTask(
                    id=str(uuid.uuid4()),
                    ticket_id=rng.choice(ticket_ids),
                    ticket_number=f"B{n}",
                    customer_id=str(uuid.uuid4()),
                    assignee_id="u-bench",
                    department_path=DEPARTMENTS[n % len(DEPARTMENTS)],
                    due_time=due,
                    state="done" if done else rng.choice(("overdue", "cancelled")),
                    complete_time=due + timedelta(minutes=rng.randint(-120, 60)) if done else None,
                    create_time=due - timedelta(days=1),
                    update_time=due,
                )
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--transfers", type=int, default=5_000)
    parser.add_argument("--callbacks", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="ticket-kpi-bench-") as base,
        PostgresCluster(Path(base)) as cluster,
    ):
        url = cluster.create_database("ticket")
        upgrade("ticket_service", url)
        customers = [(str(uuid.uuid4()), f"客户{n}") for n in range(1000)]
        count, seconds = copy_tickets(
            url, ticket_rows(args.tickets, customers, customers[0][0], "u-bench", rng)
        )
        print(
            f"tickets     {count} with SQL COPY, KPI rollup rebuilt, vacuumed, in {seconds:.1f} s"
        )
        database = Database(url)
        add_transfers_and_callbacks(database, args.transfers, args.callbacks, rng)
        print(f"transfers   {args.transfers}, call-backs {args.callbacks}")
        statements = []
        event.listen(database.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        start, end = period_in_zone("last_30_days", time_zone("Asia/Shanghai"))

        def report(root: str) -> None:
            with database.unit_of_work(readonly=True) as uow:
                zone = kpis.report_zone(uow.session, root)
                current, previous, *_ = kpis.periods(start, end, zone)
                kpis.period_figures(uow.session, root, (current, previous), utcnow())

        print(
            f"\nreport (last 30 days and the 30 before)   p50 ms  p95 ms  statements"
            f"   load average {os.getloadavg()[0]:.1f}"
        )
        for root in ("", "/hq/service"):
            for _ in range(args.warmup):
                report(root)
            statements.clear()
            report(root)
            sent = len(statements)
            times = []
            for _ in range(args.requests):
                began = time.perf_counter()
                report(root)
                times.append((time.perf_counter() - began) * 1000)
            print(
                f"{root or 'all departments':<42}{statistics.median(times):7.1f} "
                f"{percentile(times, 0.95):7.1f} {sent:11d}"
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        database.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
