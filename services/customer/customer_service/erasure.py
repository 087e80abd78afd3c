"""Erasure (anonymisation) of a customer here, and its fan-out to every other service.

What is erased is found, not listed: every column flagged ``info={"personal": True}`` in
every table of this service that has a ``customer_id`` column (and in ``customers`` itself),
for the customer and the customers earlier merged into it, plus the encrypted sensitive
fields. Non-personal facts (amounts, dates, stages, tags) stay, so reports keep adding up.
Events already sent for the customer are dropped from the outbox (their payloads carry the
data); events not yet sent are left to be delivered (consumers erase after them, because
``customer.erased`` is published after them).

The request is recorded with one status row per service; ``customer`` is done at once, the
others when their ``<service>.customer_data_erased`` acknowledgement arrives
(``erasure_events.ErasureAcknowledgements``, mixed into the worker). Erasing an erased customer
returns the first request and publishes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.attachments import ObjectStore, records
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from crm_shared.timestamps import to_timestamp
from sqlalchemy import JSON, Column, LargeBinary, String, Table, Text, delete, select, update
from sqlalchemy.orm import Session

from customer_service import kpi_rollup, personal_data
from customer_service.models import Attachment, Base, Customer, ErasureRequest, ErasureServiceStatus

SERVICE = "customer"
OTHER_SERVICES = ("sales", "ticket", "marketing", "notification")

IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATE_VALUES = {
    IN_PROGRESS: customer_pb2.ERASURE_STATE_IN_PROGRESS,
    COMPLETED: customer_pb2.ERASURE_STATE_COMPLETED,
}
STATE_NAMES = {value: name for name, value in STATE_VALUES.items()}


# --- what is personal -------------------------------------------------------------------------


def personal_columns(table: Table) -> list[Column]:
    return [column for column in table.columns if column.info.get("personal")]


def customer_key(table: Table) -> Column | None:
    """The column naming the customer a row is about: ``customers.id``, else ``customer_id``."""
    if table.name == Customer.__tablename__:
        return table.c.id
    return table.c.get("customer_id")


def tables_about_customers() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if customer_key(table) is not None]


def anonymous_value(column: Column):
    """What an erased value becomes: NULL where allowed, else an empty value of its type."""
    if column.nullable:
        return None
    if isinstance(column.type, LargeBinary):
        return b""
    if isinstance(column.type, JSON):
        return {}
    if isinstance(column.type, (String, Text)):
        return ""
    raise TypeError(
        f"{column.table.name}.{column.name} is personal, NOT NULL and not text: "
        "give it a nullable type or an anonymous value"
    )


def alias_ids(session: Session, customer_id: str) -> list[str]:
    """Customers merged into this one (their data is the same person's)."""
    merged_into = getattr(Customer, "merged_into_customer_id", None)
    if merged_into is None:
        return []
    return list(session.scalars(select(Customer.id).where(merged_into == customer_id)))


def anonymise(session: Session, customer_ids: Iterable[str]) -> int:
    """Blank every personal column of every row about these customers; returns the number of
    rows touched. Encrypted fields are deleted outright."""
    ids = list(customer_ids)
    touched = 0
    for table in tables_about_customers():
        columns = personal_columns(table)
        if not columns:
            continue
        touched += (
            session.execute(
                update(table)
                .where(customer_key(table).in_(ids))
                .values({column.name: anonymous_value(column) for column in columns})
                .execution_options(synchronize_session=False)
            ).rowcount
            or 0
        )
    for customer_id in ids:
        touched += personal_data.delete_personal_fields(session, customer_id)
    state = Customer.__table__.c.get("state")
    if state is not None:
        # An erased record is no customer any more: out of the KPI rollup, which the bulk
        # update passes by.
        with kpi_rollup.bulk_change(session, ids):
            session.execute(
                update(Customer.__table__)
                .where(Customer.__table__.c.id.in_(ids))
                .values({state.name: "erased"})
            )
    # Events already delivered still hold the data in their payload; the ones not yet sent
    # are delivered first (consumers then erase on ``customer.erased``).
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.partition_key.in_(ids), OutboxMessage.status != OutboxStatus.PENDING
        )
    )
    session.expire_all()
    return touched


# --- requests ---------------------------------------------------------------------------------


def find_existing(
    session: Session, customer_id: str, request_id: str | None
) -> ErasureRequest | None:
    if request_id:
        earlier = session.scalars(
            select(ErasureRequest).where(ErasureRequest.request_id == request_id)
        ).first()
        if earlier is not None:
            return earlier
    return session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.customer_id == customer_id)
        .order_by(ErasureRequest.request_time)
    ).first()


def erase(
    uow: UnitOfWork,
    customer: Customer,
    *,
    actor_id: str,
    reason: str,
    request_id: str | None,
    now: datetime | None = None,
    objects: ObjectStore | None = None,
) -> ErasureRequest:
    """Anonymise the customer here, record the request and publish ``customer.erased``.
    ``objects``: the attachment store; the customer's attachments (rows and files) are deleted
    outright, since a business card or a screenshot cannot be anonymised column by column."""
    session = uow.session
    now = now or utcnow()
    aliases = alias_ids(session, customer.id)
    customer_id = customer.id
    touched = 0
    if objects is not None:
        touched += records.erase(session, objects, Attachment, [customer_id, *aliases])
    touched += anonymise(session, [customer_id, *aliases])
    request = ErasureRequest(
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        state=IN_PROGRESS,
        reason=reason[:500],
        requested_by=actor_id,
        request_time=now,
        complete_time=None,
        request_id=request_id,
    )
    session.add(request)
    session.add(
        ErasureServiceStatus(
            erasure_id=request.id,
            service=SERVICE,
            done=True,
            complete_time=now,
            erased_record_count=touched,
        )
    )
    for service in OTHER_SERVICES:
        session.add(
            ErasureServiceStatus(
                erasure_id=request.id,
                service=service,
                done=False,
                complete_time=None,
                erased_record_count=0,
            )
        )
    uow.emit(
        events_pb2.CustomerErased(
            erasure_request_id=request.id,
            customer_id=customer_id,
            alias_customer_ids=aliases,
            actor_id=actor_id,
            request_time=to_timestamp(now),
        ),
        key=customer_id,
    )
    session.flush()
    return request


def acknowledge(
    session: Session,
    erasure_id: str,
    service: str,
    erased_record_count: int,
    now: datetime | None = None,
) -> None:
    """A service erased its part; the request completes when every service has."""
    now = now or utcnow()
    status = session.get(ErasureServiceStatus, (erasure_id, service))
    if status is None or status.done:
        return  # unknown request (another environment) or a repeated acknowledgement
    status.done, status.complete_time, status.erased_record_count = True, now, erased_record_count
    session.flush()
    pending = session.scalar(
        select(ErasureServiceStatus.service).where(
            ErasureServiceStatus.erasure_id == erasure_id, ErasureServiceStatus.done.is_(False)
        )
    )
    if pending is None:
        request = session.get(ErasureRequest, erasure_id)
        request.state, request.complete_time = COMPLETED, now


def to_proto(session: Session, request: ErasureRequest) -> customer_pb2.ErasureRequest:
    statuses = session.scalars(
        select(ErasureServiceStatus).where(ErasureServiceStatus.erasure_id == request.id)
    )
    order = {name: index for index, name in enumerate((SERVICE, *OTHER_SERVICES))}
    return customer_pb2.ErasureRequest(
        id=request.id,
        customer_id=request.customer_id,
        state=STATE_VALUES[request.state],
        reason=request.reason,
        requested_by=request.requested_by,
        request_time=to_timestamp(request.request_time),
        complete_time=to_timestamp(request.complete_time),
        services=[
            customer_pb2.ServiceErasureStatus(
                service=status.service,
                done=status.done,
                complete_time=to_timestamp(status.complete_time),
                erased_record_count=status.erased_record_count,
            )
            for status in sorted(statuses, key=lambda s: order.get(s.service, len(order)))
        ],
    )
