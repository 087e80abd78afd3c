"""Merging customers: every row of every table that belongs to a merged customer moves to the
survivor, so both histories stay whole. Never commits.

The move is generic: each table in ``Base.metadata`` with a ``customer_id`` column is re-pointed,
so tables added later (consents, timeline, satisfaction...) follow without changes here. Where a
unique key including ``customer_id`` would collide (the same tag on both customers, one consent
per purpose), the survivor's row is kept and the merged customer's duplicate is dropped. A table
whose rows cannot simply be re-pointed (values sealed to their customer id) registers a mover.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Table, UniqueConstraint, and_, delete, exists, select, update
from sqlalchemy.orm import Session

from customer_service.models import Base

CUSTOMER_COLUMN = "customer_id"
Mover = Callable[[Session, str, str], int]
"""(session, merged customer id, surviving customer id) -> rows moved."""


def _unique_keys(table: Table) -> list[list[str]]:
    """Column-name lists of the unique keys of ``table`` that include ``customer_id``."""
    keys = [list(table.primary_key.columns.keys())]
    keys += [
        list(c.columns.keys())
        for c in table.constraints
        if isinstance(c, UniqueConstraint)
    ]
    keys += [list(i.columns.keys()) for i in table.indexes if i.unique]
    return [key for key in keys if CUSTOMER_COLUMN in key]


def customer_tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if CUSTOMER_COLUMN in table.columns]


def repoint(
    session: Session, merged_id: str, survivor_id: str, movers: dict[str, Mover] | None = None
) -> dict[str, int]:
    """Move every row of ``merged_id`` to ``survivor_id``; return rows moved per table."""
    moved: dict[str, int] = {}
    for table in customer_tables():
        if movers and table.name in movers:
            moved[table.name] = movers[table.name](session, merged_id, survivor_id)
            continue
        column = table.c[CUSTOMER_COLUMN]
        for key in _unique_keys(table):
            others = [name for name in key if name != CUSTOMER_COLUMN]
            if not others:  # one row per customer: the survivor's stays
                if session.scalar(select(exists().where(column == survivor_id))):
                    session.execute(delete(table).where(column == merged_id))
                continue
            kept = table.alias("kept")
            session.execute(
                delete(table).where(
                    column == merged_id,
                    exists().where(
                        and_(
                            kept.c[CUSTOMER_COLUMN] == survivor_id,
                            *[kept.c[name] == table.c[name] for name in others],
                        )
                    ),
                )
            )
        result = session.execute(
            update(table).where(column == merged_id).values({CUSTOMER_COLUMN: survivor_id})
        )
        moved[table.name] = result.rowcount or 0
    session.flush()
    return moved
