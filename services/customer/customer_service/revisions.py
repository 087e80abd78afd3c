"""Revision history of key customer fields: who changed what, when, old -> new."""

from __future__ import annotations

import uuid
from datetime import datetime

from crm.customer.v1 import customer_pb2
from crm_shared.grpc.paging import keyset_page
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select
from sqlalchemy.orm import Session

from customer_service.models import CustomerRevision

API, IMPORT, MERGE, RULE, EVENT, HANDOVER, ERASURE = (
    "api",
    "import",
    "merge",
    "rule",
    "event",
    "handover",
    "erasure",
)
APPROVAL, APPROVAL_REJECTED = "approval", "approval_rejected"
"""A held key-field change applied by its approval, or not applied (rejected, expired)."""
SOURCE_VALUES = {
    name: customer_pb2.RevisionSource.Value(f"REVISION_SOURCE_{name.upper()}")
    for name in (API, IMPORT, MERGE, RULE, EVENT, HANDOVER, ERASURE, APPROVAL, APPROVAL_REJECTED)
}


def record(
    session: Session,
    customer_id: str,
    changes: dict[str, tuple[str, str]],
    *,
    actor_id: str,
    source: str,
    now: datetime,
    correlation_id: str | None = None,
    comment: str = "",
) -> list[CustomerRevision]:
    """One revision row per changed field path; ``changes`` holds (old, new) as text;
    ``comment`` is an approver's, on a change decided by approval."""
    rows = [
        CustomerRevision(
            id=str(uuid.uuid4()),
            customer_id=customer_id,
            field_path=path,
            old_value=old,
            new_value=new,
            actor_id=actor_id,
            change_time=now,
            change_source=source,
            correlation_id=correlation_id or None,
            comment=comment or None,
        )
        for path, (old, new) in sorted(changes.items())
    ]
    session.add_all(rows)
    return rows


def list_page(
    session: Session,
    customer_id: str,
    *,
    field_path: str | None,
    actor_id: str | None,
    page_size: int,
    page_token: str,
) -> tuple[list[CustomerRevision], str]:
    query = select(CustomerRevision).where(CustomerRevision.customer_id == customer_id)
    if field_path:
        query = query.where(CustomerRevision.field_path == field_path)
    if actor_id:
        query = query.where(CustomerRevision.actor_id == actor_id)
    return keyset_page(
        session,
        query,
        created_column=CustomerRevision.change_time,
        id_column=CustomerRevision.id,
        page_size=page_size,
        page_token=page_token,
    )


def to_proto(
    row: CustomerRevision, *, withheld: frozenset[str] = frozenset()
) -> customer_pb2.CustomerRevision:
    """The revision; a change of a field in ``withheld`` (fields the caller is not given,
    ``personal_data.withheld_from``) shows that it changed, not the values."""
    hidden = row.field_path in withheld
    return customer_pb2.CustomerRevision(
        id=row.id,
        customer_id=row.customer_id,
        field_path=row.field_path,
        old_value="" if hidden else row.old_value or "",
        new_value="" if hidden else row.new_value or "",
        actor_id=row.actor_id,
        change_time=to_timestamp(row.change_time),
        change_source=SOURCE_VALUES.get(row.change_source, 0),
        correlation_id=row.correlation_id or "",
        comment=row.comment or "",
    )
