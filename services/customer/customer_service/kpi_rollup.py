"""The customer KPIs' rollup: what each active customer adds to the figures of its department
and owner, as a snapshot and per UTC day.

Why a rollup: every customer figure of GetCustomerKpis (:mod:`customer_service.kpis`) is a count
of customers, and one aggregate of about twenty filtered counts over 100,000 active customers
took 80-90 ms on PostgreSQL on every dashboard "Refresh figures" (the time is the aggregate
itself: a covering index did not change it). The data scopes select customers by owner and
department only (:func:`crm_shared.auth.visibility_clause`), so counts kept per (department,
owner) answer every caller and department subtree exactly:

* :class:`~customer_service.models.CustomerKpiCount` per (department, owner, completeness
  score): customers, at risk, per value class, per lifecycle stage. Keyed by the score too,
  because the completeness target is the policy's and an admin may change it.
* :class:`~customer_service.models.CustomerKpiDay` per (UTC day, department, owner): customers
  created that day, lost customers whose stage changed to lost that day. A period is whole UTC
  days (:class:`customer_service.kpis.Period`), so a period's figures are sums over its days,
  and "before the period's end" is the snapshot minus the few days after it.

Why kept this way (as the ticket service's rollup, ``services/ticket/README.md``; the mechanism
is :mod:`crm_shared.rollups`, written once for both): mapper events on
:class:`~customer_service.models.Customer` take the customer's old share out (read from the
stored row) and put the new one in, on the connection of the flush that writes it - whatever
path changes a customer (api, import, merge, handover, portrait events, the daily sweep) - in
the same transaction: a rolled-back change rolls its share back, nothing lags behind, no event
or job. Upserts (``ON CONFLICT DO UPDATE SET n = n + excluded.n``) let concurrent writers add to
one row. A bulk ``UPDATE customers`` of a :data:`KPI_COLUMNS` column bypasses the events: wrap
it in :func:`bulk_change` (the erasure does).

What lives here, not in :mod:`crm_shared.rollups`: what a customer counts for (:func:`shares`),
the rows' keys, :func:`bulk_change` and :func:`rebuild` - only this service knows its figures.

What a report still reads from the customers: the churn base counts a customer created before
the period's end unless it was lost before the period's start; the rollup gives that exactly
for a lost customer whose stage changed after its creation (then "lost before the start"
implies "created before the end"). The others - lost with no change time, or a change time
before the creation time (an import of old data could write one) - are counted from the
customers (:data:`OUT_OF_ORDER`; a partial index on PostgreSQL, normally empty).

:func:`rebuild` computes it all from the customers (revision 0009 fills it with it; the bench
calls it after loading customers with SQL COPY).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date

from crm_shared.rollups import add_to_counters, insert_all, keep_in_transaction
from sqlalchemy import and_, delete, literal_column, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from customer_service import classification
from customer_service.models import Customer, CustomerKpiCount, CustomerKpiDay

# The customer columns the figures read: a change of any of them changes the customer's share.
KPI_COLUMNS = (
    "state",
    "department_path",
    "owner_id",
    "create_time",
    "completeness_score",
    "at_risk",
    "value_class",
    "lifecycle_stage",
    "lifecycle_stage_change_time",
)

VALUE_CLASSES = ("A", "B", "C", None)  # None: not classified yet


def class_column(value_class: str | None) -> str:
    return "class_none" if value_class is None else f"class_{value_class.lower()}"


def stage_column(stage: str) -> str:
    return f"stage_{stage}"


COUNTS = (
    "customers",
    "at_risk",
    *(class_column(c) for c in VALUE_CLASSES),
    *(stage_column(s) for s in classification.STAGES),
    "lost_dated",
)
DAY_SUMS = ("created", "went_lost")

# Lost customers the day rows cannot place against their creation (see the module's docstring).
# The constants are written into the SQL, not bound: PostgreSQL reads the partial index of
# these rows (revision 0009) only for a query whose condition is the index's, also in a
# prepared statement's generic plan.
OUT_OF_ORDER = and_(
    Customer.state == literal_column("'active'"),
    Customer.lifecycle_stage == literal_column(f"'{classification.LOST}'"),
    or_(
        Customer.lifecycle_stage_change_time.is_(None),
        Customer.lifecycle_stage_change_time < Customer.create_time,
    ),
)


def utc_day(instant) -> date:
    return instant.astimezone(UTC).date()


def shares(customer) -> tuple[tuple | None, dict[str, int], list[tuple[date, str]]]:
    """What ``customer`` (anything with the :data:`KPI_COLUMNS` as attributes) adds: its
    counts row's key (department, owner, score) and counts, and its (day, column) day shares.
    Nothing but an active customer counts (merged and erased records are not customers)."""
    if (customer.state or "active") != "active":
        return None, {}, []
    department, owner = customer.department_path or "", customer.owner_id or ""
    # A missing score counts as 0, which no completeness target (1-100) reaches, as in SQL.
    key = (department, owner, customer.completeness_score or 0)
    counts = {"customers": 1}
    if customer.value_class in VALUE_CLASSES:  # another value is in no class's count, as in SQL
        counts[class_column(customer.value_class)] = 1
    if customer.at_risk:
        counts["at_risk"] = 1
    if customer.lifecycle_stage in classification.STAGES:
        counts[stage_column(customer.lifecycle_stage)] = 1
    days = [(utc_day(customer.create_time), "created")]
    changed = customer.lifecycle_stage_change_time
    if customer.lifecycle_stage == classification.LOST and changed is not None:
        counts["lost_dated"] = 1
        days.append((utc_day(changed), "went_lost"))
    return key, counts, days


class Rollup:
    """Shares added up per counts row and per day row."""

    def __init__(self) -> None:
        self.counts: dict[tuple, Counter] = {}
        self.days: dict[tuple, Counter] = {}

    def add(self, customer, sign: int = 1) -> None:
        key, counts, days = shares(customer)
        if key is None:
            return
        row = self.counts.setdefault(key, Counter())
        for name, value in counts.items():
            row[name] += sign * value
        department, owner, _score = key
        for day, name in days:
            self.days.setdefault((day, department, owner), Counter())[name] += sign

    def count_rows(self, changed_only: bool = True) -> list[dict]:
        return [
            {
                "department_path": department,
                "owner_id": owner,
                "completeness_score": score,
                **{n: row[n] for n in COUNTS},
            }
            for (department, owner, score), row in self.counts.items()
            if any(row.values()) or not changed_only
        ]

    def day_rows(self, changed_only: bool = True) -> list[dict]:
        return [
            {
                "day": day,
                "department_path": department,
                "owner_id": owner,
                **{n: row[n] for n in DAY_SUMS},
            }
            for (day, department, owner), row in self.days.items()
            if any(row.values()) or not changed_only
        ]

    def write(self, connection: Connection) -> None:
        """Add these sums to the stored ones."""
        add_to_counters(
            connection,
            CustomerKpiCount,
            ("department_path", "owner_id", "completeness_score"),
            COUNTS,
            self.count_rows(),
        )
        add_to_counters(
            connection,
            CustomerKpiDay,
            ("day", "department_path", "owner_id"),
            DAY_SUMS,
            self.day_rows(),
        )


# -- kept in the transaction that writes the customer -------------------------------------------

_TABLE = Customer.__table__
_COLUMNS = [_TABLE.c[name] for name in KPI_COLUMNS]
keep_in_transaction(Customer, KPI_COLUMNS, Rollup)


@contextmanager
def bulk_change(session: Session, customer_ids: Iterable[str]) -> Iterator[None]:
    """Around a bulk ``UPDATE customers`` of these customers (which passes by the mapper
    events): their shares as stored before are taken out and their shares after put in."""
    session.flush()  # pending changes first, with their own shares, or they count twice
    connection = session.connection()
    ids = list(customer_ids)
    query = select(_TABLE.c.id, *_COLUMNS).where(_TABLE.c.id.in_(ids))
    before = connection.execute(query).all()
    yield
    rollup = Rollup()
    for row in before:
        rollup.add(row, -1)
    for row in connection.execute(query):
        rollup.add(row)
    rollup.write(connection)


def rebuild(connection: Connection, batch: int = 5000) -> int:
    """Compute the rollup from the customers, replacing what is stored; the number of rows."""
    rollup = Rollup()
    count = 0
    for customer in connection.execute(select(*_COLUMNS).execution_options(yield_per=batch)):
        rollup.add(customer)
        count += 1
    connection.execute(delete(CustomerKpiCount.__table__))
    connection.execute(delete(CustomerKpiDay.__table__))
    insert_all(connection, CustomerKpiCount, rollup.count_rows(changed_only=False), batch)
    insert_all(connection, CustomerKpiDay, rollup.day_rows(changed_only=False), batch)
    return count
