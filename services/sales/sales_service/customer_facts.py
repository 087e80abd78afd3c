"""The customer facts the sales service keeps from the customer service's events (owner,
department, value class, lifecycle stage, state, and type, industry and staff count, and its
collaborators): whom a plan's tasks go to, which cadence it follows, who may read a customer's
follow-up records and record new ones (:func:`visible`: as the customer service decides, the
data scope or a collaborator), and the traits of won customers. Never commits.

Events can arrive late or twice: a fact is only changed by an event that happened at or after
the newest one already applied (``fact_time``).
"""

from __future__ import annotations

from datetime import datetime

from crm.common.v1 import collaborators_pb2, types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal, can_see
from crm_shared.grpc.enums import EnumNames
from sqlalchemy import select
from sqlalchemy.orm import Session

from sales_service.activity_views import class_letter
from sales_service.models import CustomerCollaboratorFact, CustomerFact

ACTIVE, MERGED, ERASED = "active", "merged", "erased"
STAGES = EnumNames(types_pb2.LifecycleStage, "LIFECYCLE_STAGE_")
CUSTOMER_TYPES = EnumNames(customer_pb2.CustomerType, "CUSTOMER_TYPE_")
COLLABORATOR_ROLES = EnumNames(collaborators_pb2.CollaboratorRole, "COLLABORATOR_ROLE_")
_STATES = {customer_pb2.CUSTOMER_STATE_MERGED: MERGED, customer_pb2.CUSTOMER_STATE_ERASED: ERASED}
_KEEP = object()


def record(session: Session, customer_id: str, at: datetime, *, owner_id=_KEEP,
           department_path=_KEEP, value_class=_KEEP, lifecycle_stage=_KEEP, state=_KEEP,
           merged_into=_KEEP, customer_type=_KEEP, industry=_KEEP,
           staff_count=_KEEP) -> CustomerFact | None:
    """Apply what an event that happened ``at`` says of the customer (arguments left out are
    unchanged); None when a newer event was already applied. A customer first heard of by an
    event without an owner is kept with an empty owner until one arrives."""
    if not customer_id:
        return None
    fact = session.get(CustomerFact, customer_id)
    if fact is None:
        fact = CustomerFact(customer_id=customer_id, owner_id="", department_path="",
                            state=ACTIVE, fact_time=at)
        session.add(fact)
    elif at < fact.fact_time:
        return None
    for name, value in (("owner_id", owner_id), ("department_path", department_path),
                        ("value_class", value_class), ("lifecycle_stage", lifecycle_stage),
                        ("state", state), ("merged_into", merged_into),
                        ("customer_type", customer_type), ("industry", industry),
                        ("staff_count", staff_count)):
        if value is not _KEEP:
            setattr(fact, name, value)
    fact.fact_time = at
    return fact


def record_customer(session: Session, customer: customer_pb2.Customer, at: datetime) -> CustomerFact | None:
    """Everything a ``Customer`` message (created, updated, merged survivor) says."""
    return record(session, customer.id, at, owner_id=customer.owner_id,
                  department_path=customer.department_path,
                  value_class=class_letter(customer.value_class),
                  lifecycle_stage=STAGES.name(customer.lifecycle_stage) or None,
                  state=_STATES.get(customer.state, ACTIVE),
                  merged_into=customer.merged_into_customer_id or None,
                  customer_type=CUSTOMER_TYPES.name(customer.type) or None,
                  industry=customer.enterprise.industry.strip() or None,
                  staff_count=customer.enterprise.staff_count or None)


def visible(session: Session, principal: Principal, fact: CustomerFact | None) -> bool:
    """May the caller work with this customer (record follow-ups, plan tasks)? As the customer
    service decides: its owner, a lead of the owner's department, ``all`` scope, or one of its
    collaborators."""
    if fact is None or fact.state == MERGED:
        return False
    return can_see(principal, owner_id=fact.owner_id,
                   department_path=fact.department_path) or session.scalar(
        select(CustomerCollaboratorFact.active).where(
            CustomerCollaboratorFact.customer_id == fact.customer_id,
            CustomerCollaboratorFact.user_id == principal.user_id)) is True


def collaborated_customers(principal: Principal):
    """The ids of the customers the caller is a collaborator of, as a subquery."""
    return select(CustomerCollaboratorFact.customer_id).where(
        CustomerCollaboratorFact.user_id == principal.user_id,
        CustomerCollaboratorFact.active.is_(True))


def collaborator_added(uow, event, *, at: datetime, now: datetime) -> None:
    """``customer.collaborator_added``: they work on the customer from now on."""
    _record_collaborator(uow.session, event.customer_id, event.collaborator.user_id, at,
                         role=COLLABORATOR_ROLES.name(event.collaborator.role))


def collaborator_removed(uow, event, *, at: datetime, now: datetime) -> None:
    """``customer.collaborator_removed``: they no longer do."""
    _record_collaborator(uow.session, event.customer_id, event.user_id, at, role=None)


def collaborators_merged(session: Session, survivor_id: str, merged_ids, at: datetime) -> None:
    """``customer.merged``: the merged customers' collaborators work on the survivor now (as the
    customer service re-points them), unless the survivor says otherwise of the same person."""
    for row in session.scalars(select(CustomerCollaboratorFact).where(
            CustomerCollaboratorFact.customer_id.in_(list(merged_ids)),
            CustomerCollaboratorFact.active.is_(True))).all():
        if session.get(CustomerCollaboratorFact, (survivor_id, row.user_id)) is None:
            session.add(CustomerCollaboratorFact(customer_id=survivor_id, user_id=row.user_id,
                                                 role=row.role, active=True, fact_time=at))


def _record_collaborator(session: Session, customer_id: str, user_id: str, at: datetime, *,
                         role: str | None) -> None:
    """Added with ``role``, or removed (None), ``at``; an event older than the newest one
    applied for this person on this customer changes nothing."""
    if not (customer_id and user_id):
        return
    row = session.get(CustomerCollaboratorFact, (customer_id, user_id))
    if row is None:
        row = CustomerCollaboratorFact(customer_id=customer_id, user_id=user_id, role="",
                                       fact_time=at)
        session.add(row)
    elif at < row.fact_time:
        return
    row.active = role is not None
    row.role = role or row.role
    row.fact_time = at
