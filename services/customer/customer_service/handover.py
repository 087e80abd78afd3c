"""Changing owners: one customer (reassignment) or all customers of one employee at once
(handover). Never commits; the caller's unit of work holds the moves, their revisions and the
one ``customer.handed_over`` event together.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select

from customer_service import revisions
from customer_service.models import Customer, Employee, Handover


def change_owner(
    session,
    customer: Customer,
    owner_id: str,
    department_path: str,
    *,
    actor_id: str,
    now: datetime,
    correlation_id: str = "",
    source: str = revisions.HANDOVER,
) -> None:
    """Give ``customer`` to another owner (and their department), recording the revision."""
    changes = {}
    if customer.owner_id != owner_id:
        changes["owner_id"] = (customer.owner_id, owner_id)
    if customer.department_path != department_path:
        changes["department_path"] = (customer.department_path, department_path)
    customer.owner_id, customer.department_path = owner_id, department_path
    customer.version += 1
    customer.update_time = now
    customer.updated_by = actor_id
    revisions.record(
        session,
        customer.id,
        changes,
        actor_id=actor_id,
        source=source,
        now=now,
        correlation_id=correlation_id,
    )


def customers_of(session, owner_id: str, *where) -> list[Customer]:
    """The active customers of ``owner_id`` (narrowed by ``where``), locked for the move."""
    query = select(Customer).where(
        Customer.owner_id == owner_id, Customer.state == "active", *where
    )
    return list(
        session.scalars(query.order_by(Customer.create_time, Customer.id).with_for_update())
    )


def hand_over(
    uow,
    *,
    from_user_id: str,
    successor: Employee,
    customers: list[Customer],
    previous_department: str,
    reason: str,
    actor_id: str,
    now: datetime,
    request_id: str | None = None,
) -> Handover:
    """Move ``customers`` to ``successor``, record the handover and emit its one event.

    The event goes out even without customers: the other services still move the open work
    (leads, tickets) of the person who left.
    """
    handover = Handover(
        id=str(uuid.uuid4()),
        from_user_id=from_user_id,
        to_user_id=successor.user_id,
        to_department_path=successor.department_path,
        customer_ids=",".join(c.id for c in customers),
        customer_count=len(customers),
        reason=reason.strip() or None,
        actor_id=actor_id,
        create_time=now,
        request_id=request_id or None,
    )
    uow.session.add(handover)
    for customer in customers:
        change_owner(
            uow.session,
            customer,
            successor.user_id,
            successor.department_path,
            actor_id=actor_id,
            now=now,
            correlation_id=handover.id,
        )
    uow.session.flush()
    uow.emit(
        events_pb2.CustomerHandedOver(
            handover_id=handover.id,
            previous=types_pb2.Ownership(
                owner_id=from_user_id, department_path=previous_department
            ),
            current=types_pb2.Ownership(
                owner_id=successor.user_id, department_path=successor.department_path
            ),
            customer_ids=[c.id for c in customers],
            reason=reason,
            actor_id=actor_id,
        ),
        key=from_user_id,
    )
    return handover


def on_user_disabled(
    uow,
    *,
    user_id: str,
    department_path: str,
    successor_user_id: str,
    reason: str,
    actor_id: str,
    revision: int,
    correlation_id: str,
    now: datetime,
) -> Handover | None:
    """Mark the employee inactive and, with an active successor named, hand their customers over.

    A disable older than the state held (a late redelivery after a re-enable) changes nothing;
    the handover's request id is the event id, so a redelivered event hands over only once.
    """
    employee = uow.session.get(Employee, user_id)
    if employee is None:
        employee = Employee(user_id=user_id, username=user_id, department_path=department_path,
                            revision=0, active=True)
        uow.session.add(employee)
    elif revision and revision <= employee.revision:
        return None
    employee.active = False
    employee.revision = max(revision, employee.revision or 0)
    employee.update_time = now
    if not successor_user_id or successor_user_id == user_id:
        return None
    successor = uow.session.get(Employee, successor_user_id)
    if successor is None or not successor.active:
        return None  # an admin hands over by hand (HandOverCustomers) once the successor exists
    if uow.session.scalar(select(Handover.id).where(Handover.request_id == correlation_id)):
        return None
    return hand_over(
        uow, from_user_id=user_id, successor=successor,
        customers=customers_of(uow.session, user_id), previous_department=department_path,
        reason=reason, actor_id=actor_id, now=now, request_id=correlation_id,
    )


def to_proto(row: Handover) -> customer_pb2.Handover:
    return customer_pb2.Handover(
        id=row.id,
        from_user_id=row.from_user_id,
        to_user_id=row.to_user_id,
        to_department_path=row.to_department_path,
        customer_ids=[i for i in row.customer_ids.split(",") if i],
        customer_count=row.customer_count,
        reason=row.reason or "",
        actor_id=row.actor_id,
        create_time=to_timestamp(row.create_time),
    )
