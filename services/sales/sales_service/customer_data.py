"""The customer service's merge, handover and erasure, and the personal-data export, over the
whole sales schema: generic over the conventions of :mod:`sales_service.models`, so every part's
tables are covered without code of their own.

- A table is *about customers* when it has a ``customer_id`` column. A merge re-points it from
  the merged customers to the survivor. A table holding one row per customer (``customer_id``
  unique) keeps one: a merged customer's row is re-pointed only when the survivor has none,
  and dropped otherwise. A table keyed by ``customer_id`` is a directory of customers kept by
  its own handler (the customer facts) and is left alone here.
- A table of *open work* declares ``__handover__ = ("<state column>", (<open states>))`` and
  has ``owner_id`` and ``department_path``: a handover moves its rows in open states owned by
  the previous owner and about the handed-over customers (and, when the previous owner keeps
  no customer, also its rows about no customer, such as leads not converted yet).
- A column declared ``info=PERSONAL`` holds a person's data: an erasure blanks it (NULL when
  the column allows, else the empty string) in every row about the customer and its aliases;
  the export lists every row about the customer that its caller may see, in clear.

Every changed row gets ``update_time`` and a new ``version`` when it has those columns (an etag
read before the change is stale after it). Never commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crm_shared.auth import DataScope, Principal, visibility_clause
from sqlalchemy import (
    JSON,
    String,
    Table,
    UniqueConstraint,
    delete,
    exists,
    false,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from sales_service.models import Base

CUSTOMER_COLUMN = "customer_id"
OWNER_COLUMNS = ("owner_id", "activity_owner_id")
"""The column naming whose a row is, by precedence (a comment belongs to its activity's owner)."""


@dataclass(frozen=True)
class HandoverRule:
    table: Table
    state_column: str
    open_states: tuple


def customer_tables() -> list[Table]:
    """Every table about customers, in dependency order (parents before children)."""
    return [table for table in Base.metadata.sorted_tables if CUSTOMER_COLUMN in table.c]


def is_directory(table: Table) -> bool:
    return table.c[CUSTOMER_COLUMN].primary_key


def one_row_per_customer(table: Table) -> bool:
    column = table.c[CUSTOMER_COLUMN]
    return bool(column.unique) or any(
        [c.name for c in constraint.columns] == [CUSTOMER_COLUMN]
        for constraint in table.constraints if isinstance(constraint, UniqueConstraint))


def personal_columns(table: Table) -> list:
    return [column for column in table.c if column.info.get("personal")]


def blank_value(column) -> Any:
    """What an erased value becomes: NULL, or "" for a text column that must hold one."""
    if column.nullable:
        return None
    if isinstance(column.type, String) and not isinstance(column.type, JSON):
        return ""
    raise TypeError(f"personal column {column.table.name}.{column.name} can be neither NULL "
                    "nor empty text, so it cannot be erased")


def handover_rules(tables: Iterable[Table] | None = None) -> list[HandoverRule]:
    wanted = None if tables is None else {table.name for table in tables}
    rules = []
    for mapper in Base.registry.mappers:
        declared = getattr(mapper.class_, "__handover__", None)
        table = mapper.local_table
        if declared is None or (wanted is not None and table.name not in wanted):
            continue
        state_column, open_states = declared
        rules.append(HandoverRule(table, state_column, tuple(open_states)))
    return sorted(rules, key=lambda rule: rule.table.name)


def _stamp(table: Table, now: datetime) -> dict:
    values = {}
    if "update_time" in table.c:
        values["update_time"] = now
    if "version" in table.c:
        values["version"] = table.c.version + 1
    return values


# -- merge --------------------------------------------------------------------------------------


def merge(session: Session, survivor_id: str, merged_ids: Iterable[str], now: datetime) -> dict[str, int]:
    """Re-point every table's rows from ``merged_ids`` to ``survivor_id``; returns rows changed
    per table (re-pointed or, for one-row-per-customer tables, dropped)."""
    merged = sorted(set(merged_ids) - {"", survivor_id})
    changed: dict[str, int] = {}
    if not merged or not survivor_id:
        return changed
    for table in customer_tables():
        if is_directory(table):
            continue
        column = table.c[CUSTOMER_COLUMN]
        if one_row_per_customer(table):
            changed[table.name] = _merge_single(session, table, survivor_id, merged, now)
            continue
        result = session.execute(update(table).where(column.in_(merged))
                                 .values({CUSTOMER_COLUMN: survivor_id, **_stamp(table, now)}))
        changed[table.name] = result.rowcount
    return changed


def _merge_single(session: Session, table: Table, survivor_id: str, merged: list[str],
                  now: datetime) -> int:
    column = table.c[CUSTOMER_COLUMN]
    key = list(table.primary_key.columns)
    rows = session.execute(select(*key).where(column.in_(merged)).order_by(*key)).all()
    if not rows:
        return 0
    survivor_has_one = session.scalar(select(exists().where(column == survivor_id)))
    dropped = rows if survivor_has_one else rows[1:]
    if not survivor_has_one:
        first = rows[0]
        session.execute(update(table).where(*(c == v for c, v in zip(key, first, strict=True)))
                        .values({CUSTOMER_COLUMN: survivor_id, **_stamp(table, now)}))
    for row in dropped:
        session.execute(delete(table).where(*(c == v for c, v in zip(key, row, strict=True))))
    return len(rows)


# -- handover -----------------------------------------------------------------------------------


def hand_over(session: Session, *, customer_ids: Iterable[str], previous_owner_id: str,
              owner_id: str, department_path: str, now: datetime, include_customerless: bool,
              tables: Iterable[Table] | None = None) -> dict[str, int]:
    """Move the open work of ``previous_owner_id`` about ``customer_ids`` (and about no customer
    when ``include_customerless``) to ``owner_id`` in ``department_path``; returns rows moved
    per table. ``tables`` limits it to some tables (default: every table of open work)."""
    ids = sorted(set(customer_ids) - {""})
    moved: dict[str, int] = {}
    if not previous_owner_id or not owner_id or previous_owner_id == owner_id:
        return moved
    for rule in handover_rules(tables):
        table = rule.table
        about = []
        if CUSTOMER_COLUMN in table.c:
            if ids:
                about.append(table.c[CUSTOMER_COLUMN].in_(ids))
            if include_customerless:
                about.append(table.c[CUSTOMER_COLUMN].is_(None))
        elif include_customerless:
            about.append(table.c.owner_id == previous_owner_id)
        result = session.execute(
            update(table).where(table.c.owner_id == previous_owner_id,
                                table.c[rule.state_column].in_(rule.open_states),
                                or_(*about) if about else false())
            .values(owner_id=owner_id, department_path=department_path, **_stamp(table, now)))
        moved[table.name] = result.rowcount
    return moved


# -- erasure ------------------------------------------------------------------------------------


def erase(session: Session, customer_ids: Iterable[str], now: datetime) -> int:
    """Blank every personal column of every row about ``customer_ids``; returns the rows
    anonymised. Running it again changes nothing more."""
    ids = sorted(set(customer_ids) - {""})
    if not ids:
        return 0
    count = 0
    for table in customer_tables():
        columns = personal_columns(table)
        if not columns:
            continue
        blanks = {column.name: blank_value(column) for column in columns}
        result = session.execute(update(table).where(table.c[CUSTOMER_COLUMN].in_(ids))
                                 .values({**blanks, **_stamp(table, now)}))
        count += result.rowcount
    return count


# -- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldRecord:
    resource_type: str
    resource_id: str
    data: dict
    create_time: datetime | None
    update_time: datetime | None
    created_by: str
    updated_by: str


def resource_type_of(table: Table) -> str:
    """``FollowUpTask`` → ``follow_up_task``: the mapped class's name, in snake_case."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return re.sub(r"(?<!^)(?=[A-Z])", "_", mapper.class_.__name__).lower()
    return table.name


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def visible_rows(table: Table, viewer: Principal):
    """SQL: the rows of ``table`` ``viewer`` may see, by the suite's visibility rule over the
    row's owner (``owner_id``; a comment's is its activity's, ``activity_owner_id``) and
    ``department_path``. A table with neither shows its rows to ``all`` scope only."""
    owner = next((table.c[name] for name in OWNER_COLUMNS if name in table.c), None)
    if owner is None or "department_path" not in table.c:
        return true() if viewer.data_scope is DataScope.ALL else false()
    return visibility_clause(viewer, owner, table.c.department_path)


def rows_about(session: Session, customer_ids: Iterable[str], viewer: Principal | None = None
               ) -> list[HeldRecord]:
    """Every row of every table about ``customer_ids``, table by table, oldest first; with a
    ``viewer``, only the rows they may see (:func:`visible_rows`)."""
    ids = sorted(set(customer_ids) - {""})
    records: list[HeldRecord] = []
    if not ids:
        return records
    for table in sorted(customer_tables(), key=lambda t: t.name):
        key = list(table.primary_key.columns)
        order = [table.c.create_time] if "create_time" in table.c else []
        about = [table.c[CUSTOMER_COLUMN].in_(ids)]
        if viewer is not None:
            about.append(visible_rows(table, viewer))
        rows = session.execute(select(table).where(*about)
                               .order_by(*order, *key)).mappings().all()
        kind = resource_type_of(table)
        for row in rows:
            data = {name: _json_value(value) for name, value in row.items()}
            records.append(HeldRecord(
                resource_type=kind, resource_id=":".join(str(row[c.name]) for c in key),
                data=data, create_time=row.get("create_time"), update_time=row.get("update_time"),
                created_by=row.get("created_by") or "", updated_by=row.get("updated_by") or ""))
    return records
