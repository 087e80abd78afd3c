"""The personal-data access audit log: who read, revealed, exported or erased whose data.

Entries are written in the caller's unit of work, so an access that failed (rolled back)
leaves no entry and one that returned data always has one. They are kept after an erasure:
they name fields, never values.

Every RPC answer carrying personal values (fields the contract marks
``(crm.common.v1.sensitivity)`` PERSONAL or SECRET) is a ``READ``: :func:`personal_paths_of`
names the fields an answer carries, :func:`record_reads` writes one entry per customer. A
customer's own fields are named as in ``Customer`` (``phone``, ``individual.birth_date``), its
contacts' fields under ``contacts.`` (``contacts.phone``), as in ``CustomerPortrait``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import options_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal
from crm_shared.db import utcnow
from crm_shared.grpc.paging import keyset_page
from crm_shared.telemetry import current_trace_id
from crm_shared.timestamps import to_timestamp
from google.protobuf.message import Message
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from customer_service.models import AccessLogEntry

READ = "read"
REVEAL = "reveal"
EXPORT = "export"
ERASE = "erase"

ACTION_NAMES = {
    customer_pb2.ACCESS_ACTION_READ: READ,
    customer_pb2.ACCESS_ACTION_REVEAL: REVEAL,
    customer_pb2.ACCESS_ACTION_EXPORT: EXPORT,
    customer_pb2.ACCESS_ACTION_ERASE: ERASE,
}
ACTION_VALUES = {name: value for value, name in ACTION_NAMES.items()}

PERSONAL_LEVELS = frozenset({options_pb2.SENSITIVITY_PERSONAL, options_pb2.SENSITIVITY_SECRET})
CONTACT_PREFIX = "contacts."


def record(
    session: Session,
    principal: Principal,
    customer_id: str,
    action: str,
    field_paths: Sequence[str],
    *,
    purpose: str = "",
    method: str = "",
    now: datetime | None = None,
) -> AccessLogEntry:
    entry = AccessLogEntry(
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        actor_id=principal.user_id,
        actor_roles=sorted(principal.roles),
        action=action,
        field_paths=list(field_paths),
        purpose=purpose[:500],
        method=method[:200],
        trace_id=current_trace_id() or "",
        access_time=now or utcnow(),
    )
    session.add(entry)
    return entry


def personal_paths_of(message: Message, prefix: str = "") -> list[str]:
    """Paths (in field order) of the personal or secret fields that carry a value in
    ``message`` and in its set single sub-messages of this service (a customer's profile).
    A masked secret counts: part of the value was returned."""
    paths: list[str] = []
    for field in message.DESCRIPTOR.fields:
        path = prefix + field.name
        if field.message_type is not None:
            if (not field.is_repeated
                    and field.message_type.full_name.startswith("crm.customer.")
                    and message.HasField(field.name)):
                paths.extend(personal_paths_of(getattr(message, field.name), path + "."))
        elif (field.GetOptions().Extensions[options_pb2.sensitivity] in PERSONAL_LEVELS
              and getattr(message, field.name)):
            paths.append(path)
    return paths


def contact_paths_of(contact: customer_pb2.Contact) -> list[str]:
    """:func:`personal_paths_of` a contact, named as the customer's ``contacts.`` fields."""
    return personal_paths_of(contact, CONTACT_PREFIX)


def record_reads(
    session: Session,
    principal: Principal,
    reads: Iterable[tuple[str, Sequence[str]]],
    method: str,
    *,
    now: datetime | None = None,
) -> int:
    """One ``READ`` entry per customer whose personal ``field_paths`` an answer returned, in
    one bulk insert. ``reads``: (customer id, field paths) pairs; pairs of the same customer
    (its contacts, say) merge into one entry, customers without paths get none. Returns the
    number of entries written."""
    paths_by_customer: dict[str, dict[str, None]] = {}
    for customer_id, field_paths in reads:
        if field_paths:
            paths_by_customer.setdefault(customer_id, {}).update(dict.fromkeys(field_paths))
    if not paths_by_customer:
        return 0
    # Same columns as record(); one time and trace for the whole answer.
    access_time = now or utcnow()
    trace_id = current_trace_id() or ""
    roles = sorted(principal.roles)
    session.execute(insert(AccessLogEntry), [
        {
            "id": str(uuid.uuid4()),
            "customer_id": customer_id,
            "actor_id": principal.user_id,
            "actor_roles": roles,
            "action": READ,
            "field_paths": list(paths),
            "purpose": "",
            "method": method[:200],
            "trace_id": trace_id,
            "access_time": access_time,
        }
        for customer_id, paths in paths_by_customer.items()
    ])
    return len(paths_by_customer)


@dataclass(frozen=True)
class AccessLogFilters:
    customer_id: str | None = None
    actor_id: str | None = None
    action: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None

    def clauses(self) -> list:
        clauses = []
        if self.customer_id:
            clauses.append(AccessLogEntry.customer_id == self.customer_id)
        if self.actor_id:
            clauses.append(AccessLogEntry.actor_id == self.actor_id)
        if self.action:
            clauses.append(AccessLogEntry.action == self.action)
        if self.start_time:
            clauses.append(AccessLogEntry.access_time >= self.start_time)
        if self.end_time:
            clauses.append(AccessLogEntry.access_time < self.end_time)
        return clauses


def list_entries(
    session: Session, filters: AccessLogFilters, *, page_size: int, page_token: str
) -> tuple[list[AccessLogEntry], str]:
    return keyset_page(
        session,
        select(AccessLogEntry).where(*filters.clauses()),
        created_column=AccessLogEntry.access_time,
        id_column=AccessLogEntry.id,
        page_size=page_size,
        page_token=page_token,
    )


def to_proto(entry: AccessLogEntry) -> customer_pb2.AccessLogEntry:
    return customer_pb2.AccessLogEntry(
        id=entry.id,
        customer_id=entry.customer_id,
        actor_id=entry.actor_id,
        actor_roles=entry.actor_roles,
        action=ACTION_VALUES.get(entry.action, customer_pb2.ACCESS_ACTION_UNSPECIFIED),
        field_paths=entry.field_paths,
        purpose=entry.purpose,
        access_time=to_timestamp(entry.access_time),
        method=entry.method,
        trace_id=entry.trace_id,
    )
