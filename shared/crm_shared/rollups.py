"""Counters kept in the transaction that writes the rows they count: the mechanism of the
services' KPI rollups (``customer_service.kpi_rollup``, ``ticket_service.kpi_rollup``).

Why here: the two services keep their rollups the same way, and that way is subtle enough to
be written once - which columns of the stored row to read, when the old share comes out,
how concurrent writers add to one row. What each service counts (its shares, its keys, its
rows) and its own hooks (a bulk ``UPDATE`` wrapper, the rebuild) stay in the service: only it
knows its figures.

* :func:`keep_in_transaction` registers mapper events on a model that take a row's old share
  out of the rollup (read from the stored row) and put its new one in, on the connection of
  the flush that writes it - whatever code path changes the row, in the same transaction: a
  rolled-back change rolls its share back, nothing lags behind, no event or job is needed. A
  bulk ``UPDATE`` of the counted columns passes by the mapper events; the service says how it
  handles those.
* :func:`add_to_counters` adds sums to stored counter rows with one upsert (``ON CONFLICT DO
  UPDATE SET n = n + excluded.n``), so concurrent writers add to one row and wait for each
  other on that row only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import and_, event, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


class Rollup(Protocol):
    """A service's shares added up in memory, then added to its stored rows."""

    def add(self, row: Any, sign: int = 1) -> None:
        """Add ``row``'s share (``sign`` -1: take it out); ``row`` is an ORM object or a
        stored row with the counted columns as attributes."""

    def write(self, connection: Connection) -> None:
        """Add the summed shares to the stored ones (with :func:`add_to_counters`)."""


def add_to_counters(
    connection: Connection,
    model,
    keys: Sequence[str],
    sums: Iterable[str],
    rows: list[dict],
) -> None:
    """Add each row's ``sums`` columns to the stored row of the same ``keys`` (a unique
    index), inserting the row where there is none yet."""
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in sums},
    )
    connection.execute(statement, rows)


def insert_all(connection: Connection, model, rows: list[dict], batch: int = 5000) -> None:
    """Insert ``rows`` into ``model``'s table, ``batch`` at a time (a rebuild's many rows)."""
    for start in range(0, len(rows), batch):
        connection.execute(insert(model.__table__), rows[start : start + batch])


def keep_in_transaction(
    model, kpi_columns: Sequence[str], make_rollup: Callable[[], Rollup]
) -> None:
    """Keep the rollup ``make_rollup`` writes in step with every flush of ``model``: an insert
    adds the row's share, a delete takes it out, and an update of any of ``kpi_columns`` (the
    columns the share is computed from) takes the stored row's share out and puts the new one
    in. Call once per model, where the rollup is defined (importing that module arms it)."""
    table = model.__table__
    columns = [table.c[name] for name in kpi_columns]
    primary_key = inspect(model).primary_key

    def inserted(_mapper, connection: Connection, target) -> None:
        rollup = make_rollup()
        rollup.add(target)
        rollup.write(connection)

    def updating(_mapper, connection: Connection, target) -> None:
        state = inspect(target)
        if not any(state.attrs[name].history.has_changes() for name in kpi_columns):
            return
        # The stored row, not the attributes' history: an attribute set after the session
        # expired it has no old value in its history.
        where = and_(*(column == value for column, value in zip(primary_key, state.identity)))
        before = connection.execute(select(*columns).where(where)).one()
        rollup = make_rollup()
        rollup.add(before, -1)
        rollup.add(target)
        rollup.write(connection)

    def deleted(_mapper, connection: Connection, target) -> None:
        rollup = make_rollup()
        rollup.add(target, -1)
        rollup.write(connection)

    event.listen(model, "after_insert", inserted)
    event.listen(model, "before_update", updating)
    event.listen(model, "after_delete", deleted)
