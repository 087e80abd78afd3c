"""The customer facts the sales service keeps from the customer service's events (owner,
department, value class, lifecycle stage, state, and type, industry and staff count): whom a
plan's tasks go to, which cadence it follows, who may read a customer's follow-up records, and
the traits of won customers. Never commits.

Events can arrive late or twice: a fact is only changed by an event that happened at or after
the newest one already applied (``fact_time``).
"""

from __future__ import annotations

from datetime import datetime

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal, can_see
from crm_shared.grpc.enums import EnumNames
from sqlalchemy.orm import Session

from sales_service.activity_views import class_letter
from sales_service.models import CustomerFact

ACTIVE, MERGED, ERASED = "active", "merged", "erased"
STAGES = EnumNames(types_pb2.LifecycleStage, "LIFECYCLE_STAGE_")
CUSTOMER_TYPES = EnumNames(customer_pb2.CustomerType, "CUSTOMER_TYPE_")
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


def visible(principal: Principal, fact: CustomerFact | None) -> bool:
    """May the caller work with this customer (record follow-ups, plan tasks)? As the customer
    service decides: its owner, a lead of the owner's department, ``all`` scope."""
    return fact is not None and fact.state != MERGED and can_see(
        principal, owner_id=fact.owner_id, department_path=fact.department_path)
