"""The personal-data access audit log: who read, revealed, exported or erased whose data.

Entries are written in the caller's unit of work, so an access that failed (rolled back)
leaves no entry and one that returned data always has one. They are kept after an erasure:
they name fields, never values.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal
from crm_shared.db import utcnow
from crm_shared.grpc.paging import keyset_page
from crm_shared.telemetry import current_trace_id
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select
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
