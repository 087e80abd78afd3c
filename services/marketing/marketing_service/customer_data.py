"""What the marketing service holds about a customer, over its whole schema: re-pointed on a
merge, blanked on an erasure, listed for an export. Generic over the conventions of
:mod:`marketing_service.models`: every table about a customer has a ``customer_id`` column,
and the columns holding a customer's personal data carry ``info=PERSONAL``. A table added
later is covered without touching this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from crm.common.v1 import privacy_pb2, types_pb2
from crm_shared.timestamps import to_timestamp
from google.protobuf.struct_pb2 import Struct
from sqlalchemy import JSON, Column, Date, Table, select, update
from sqlalchemy.orm import Session

from marketing_service.customer_reach import Reach
from marketing_service.models import Base, PurchaseTally

ERASED_TEXT = ""


def customer_tables() -> list[Table]:
    """Every table of the schema about a customer (it has a ``customer_id`` column)."""
    return [table for table in Base.metadata.sorted_tables if "customer_id" in table.columns]


def personal_columns(table: Table) -> list[Column]:
    return [column for column in table.columns if column.info.get("personal")]


def _blank(column: Column):
    """The value an erased personal column holds: NULL where allowed, else empty."""
    if column.nullable:
        return None
    if isinstance(column.type, JSON):
        return {}
    if isinstance(column.type, Date):
        return None
    return ERASED_TEXT


def repoint(session: Session, surviving_id: str, merged_ids: Iterable[str]) -> int:
    """Rows about the merged-away customers now belong to the survivor. Tables whose
    ``customer_id`` is (part of) their key hold one row per customer (the read model, segment
    membership: their owners' handlers decide); purchase tallies are added up."""
    merged = [customer_id for customer_id in merged_ids if customer_id != surviving_id]
    if not merged:
        return 0
    moved = 0
    for table in customer_tables():
        if table.columns["customer_id"].primary_key:
            continue
        moved += session.execute(update(table).where(table.c.customer_id.in_(merged))
                                 .values(customer_id=surviving_id)).rowcount
    tallies = session.scalars(select(PurchaseTally).where(
        PurchaseTally.customer_id.in_(merged))).all()
    if tallies:
        survivor = session.get(PurchaseTally, surviving_id)
        if survivor is None:
            survivor = PurchaseTally(customer_id=surviving_id, purchase_count=0,
                                     update_time=tallies[0].update_time)
            session.add(survivor)
        for tally in tallies:
            survivor.purchase_count += tally.purchase_count
            session.delete(tally)
    return moved


def erase(session: Session, customer_ids: Iterable[str]) -> int:
    """Blank every personal column of every row about ``customer_ids``; ids, times, scores and
    states stay (statistics keep counting). Returns the rows touched; a second run touches the
    same rows and changes nothing more."""
    ids = [customer_id for customer_id in customer_ids if customer_id]
    touched = 0
    for table in customer_tables():
        columns = personal_columns(table)
        if columns and ids:
            touched += session.execute(update(table).where(table.c.customer_id.in_(ids))
                                       .values({c.name: _blank(c) for c in columns})).rowcount
    return touched


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, customer_ids: list[str], reach: Reach | None = None
          ) -> Iterator[tuple[Table, dict]]:
    for table in customer_tables():
        query = select(table).where(table.c.customer_id.in_(customer_ids))
        if reach is not None:
            query = query.where(reach.customers(table.c.customer_id))
        for row in session.execute(query).mappings():
            yield table, dict(row)


def export(session: Session, customer_id: str, now: datetime, reach: Reach
           ) -> privacy_pb2.PersonalDataExport:
    """Every row about the customer, as stored, one record per row; nothing when the customer
    is out of ``reach`` (the caller's: :meth:`Reach.of`), whose rows are not theirs to read."""
    result = privacy_pb2.PersonalDataExport(customer_id=customer_id, source_service="marketing",
                                            generate_time=to_timestamp(now))
    for table, row in _rows(session, [customer_id], reach):
        key = ":".join(str(row[column.name]) for column in table.primary_key.columns)
        data = Struct()
        data.update({name: _plain(value) for name, value in row.items()})
        created = row.get("create_time") or row.get("fire_time") or row.get("submit_time")
        result.records.append(privacy_pb2.PersonalDataRecord(
            resource_type=table.name, resource_id=key, data=data,
            audit=types_pb2.AuditStamp(
                create_time=to_timestamp(created), created_by=row.get("created_by") or "",
                update_time=to_timestamp(row.get("update_time") or created),
                updated_by=row.get("updated_by") or "")))
    return result
