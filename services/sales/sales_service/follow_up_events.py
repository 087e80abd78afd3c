"""What the worker does with each event the activities part consumes, one function per event,
each inside the handler's unit of work (tests call them with a unit of work of their own and
their own clock). ``at`` is when the event happened at its producer, ``now`` the worker's clock.

- Customer events keep the customer facts, and through them the follow-up plans: a plan is
  created when a customer gets a value class (or, before its first contract, an estimated
  class from the prospect grading) and re-planned when the class changes; tasks and plans
  follow the customer's owner.
- ``opportunity.stage_changed`` into INTENT (need confirmed) and ``quote.sent`` open the
  3-day and 2-day re-contact tasks.
- ``customer.merged``, ``customer.handed_over`` and ``customer.erased`` apply to the whole
  sales schema (:mod:`sales_service.customer_data`); the erasure is acknowledged with
  ``sales.customer_data_erased`` in the same transaction.
- ``identity.department_upserted`` keeps the department leads (the A-class senior contacts).
- ``marketing.contact_due`` (a segment's contact strategy due for a member) puts a task on the
  customer's owner's list, once per occasion key; it is completed by a follow-up record and
  flagged overdue (reported to the lead) like any other task. ``segment.member_left`` (an
  at-risk flag cleared) cancels the segment's tasks of that customer not yet overdue.
- ``customer.stage_changed`` into LOST puts a win-back visit on the owner's list, due the
  policy's ``win_back_after_months`` (3) after the loss, once per loss; out of LOST again
  cancels it. The record that completes it says why the customer left (the churn report).
"""

from __future__ import annotations

from datetime import datetime

from crm.common.v1 import types_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import events_pb2 as sales_events
from crm.sales.v1 import sales_pb2
from crm_shared.db import UnitOfWork
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import from_timestamp
from sqlalchemy import exists, select

from sales_service import (
    customer_data,
    customer_facts,
    follow_ups,
    plans_and_tasks,
    policy,
    prospect_grading,
)
from sales_service.activity_views import class_letter
from sales_service.customer_facts import ERASED, MERGED
from sales_service.models import CustomerFact, DepartmentLead, FollowUpPlan, FollowUpTask
from sales_service.plans_and_tasks import SYSTEM

ACTION_KINDS = EnumNames(marketing_pb2.ContactActionKind, "CONTACT_ACTION_KIND_")

OWNER_TABLES = (FollowUpTask.__table__, FollowUpPlan.__table__)
"""What follows a customer to its new owner when only its owner changes (a handover moves
leads and opportunities too)."""


def _replan(uow: UnitOfWork, fact: CustomerFact | None, now: datetime, *, replan: bool) -> None:
    """The customer's estimated class graded again from what changed (its first value class
    ends it), and its plan brought in line (by the grading when the class changed)."""
    if fact is not None:
        uow.session.flush()
        if not prospect_grading.regrade(uow.session, uow.emit, fact.customer_id, now,
                                        replan=replan):
            plans_and_tasks.plan_from_facts(uow.session, fact, now, replan=replan)


def customer_created(uow: UnitOfWork, event: customer_events.CustomerCreated, *, at: datetime,
                     now: datetime) -> None:
    _replan(uow, customer_facts.record_customer(uow.session, event.customer, at), now,
            replan=False)


def customer_updated(uow: UnitOfWork, event: customer_events.CustomerUpdated, *, at: datetime,
                     now: datetime) -> None:
    _replan(uow, customer_facts.record_customer(uow.session, event.customer, at), now,
            replan=False)


def customer_value_class_changed(uow: UnitOfWork, event: customer_events.CustomerValueClassChanged,
                                 *, at: datetime, now: datetime) -> None:
    fact = customer_facts.record(uow.session, event.customer_id, at, owner_id=event.owner_id,
                                 department_path=event.department_path,
                                 value_class=class_letter(event.current))
    _replan(uow, fact, now, replan=True)


def customer_stage_changed(uow: UnitOfWork, event: customer_events.CustomerStageChanged, *,
                           at: datetime, now: datetime) -> FollowUpTask | None:
    """The stage kept in the facts. Gone lost: a win-back visit on the owner's list, due the
    policy's months after the loss (once per loss). Out of lost again (buying or a new
    opportunity): its win-back visits still open are cancelled. A late older event changes
    nothing."""
    fact = customer_facts.record(uow.session, event.customer_id, at, owner_id=event.owner_id,
                                 department_path=event.department_path,
                                 lifecycle_stage=customer_facts.STAGES.name(event.current) or None)
    if fact is None or fact.state != customer_facts.ACTIVE:
        return None
    if event.current != types_pb2.LIFECYCLE_STAGE_LOST:
        if event.previous == types_pb2.LIFECYCLE_STAGE_LOST:
            plans_and_tasks.cancel_win_back(uow.session, customer_id=event.customer_id, now=now)
        return None
    if not fact.owner_id:
        return None
    lost_at = from_timestamp(event.change_time) if event.HasField("change_time") else at
    return plans_and_tasks.open_win_back_task(
        uow.session, customer_id=event.customer_id, owner=(fact.owner_id, fact.department_path),
        lost_at=lost_at, months=policy.current(uow.session).win_back_after_months, now=now)


def customer_owner_changed(uow: UnitOfWork, event: customer_events.CustomerOwnerChanged, *,
                           at: datetime, now: datetime) -> None:
    """The customer's plan and its open tasks of the previous owner go to the new owner."""
    fact = customer_facts.record(uow.session, event.customer_id, at,
                                 owner_id=event.current.owner_id,
                                 department_path=event.current.department_path)
    if fact is None:
        return
    customer_data.hand_over(uow.session, customer_ids=[event.customer_id],
                            previous_owner_id=event.previous.owner_id,
                            owner_id=event.current.owner_id,
                            department_path=event.current.department_path, now=now,
                            include_customerless=False, tables=OWNER_TABLES)
    _replan(uow, fact, now, replan=False)


def customer_handed_over(uow: UnitOfWork, event: customer_events.CustomerHandedOver, *,
                         at: datetime, now: datetime) -> dict[str, int]:
    """The open work of the previous owner about these customers moves to the successor; when
    the previous owner keeps no customer at all (they left), their open work about no customer
    (leads not converted) moves too. Returns rows moved per table."""
    previous, current = event.previous, event.current
    facts = [customer_facts.record(uow.session, customer_id, at, owner_id=current.owner_id,
                                   department_path=current.department_path)
             for customer_id in event.customer_ids]
    uow.session.flush()
    keeps_customers = uow.session.scalar(select(exists().where(
        CustomerFact.owner_id == previous.owner_id, CustomerFact.state == customer_facts.ACTIVE)))
    moved = customer_data.hand_over(
        uow.session, customer_ids=list(event.customer_ids), previous_owner_id=previous.owner_id,
        owner_id=current.owner_id, department_path=current.department_path, now=now,
        include_customerless=not keeps_customers)
    for fact in facts:
        _replan(uow, fact, now, replan=False)
    return moved


def customer_merged(uow: UnitOfWork, event: customer_events.CustomerMerged, *, at: datetime,
                    now: datetime) -> dict[str, int]:
    """Every sales table's rows of the merged customers now belong to the survivor; the
    survivor's plan (kept, or the merged one's when it had none) takes their live tasks."""
    survivor = event.surviving_customer_id
    merged = [customer_id for customer_id in event.merged_customer_ids if customer_id != survivor]
    changed = customer_data.merge(uow.session, survivor, merged, now)
    customer_facts.collaborators_merged(uow.session, survivor, merged, at)
    for customer_id in merged:
        customer_facts.record(uow.session, customer_id, at, state=MERGED, merged_into=survivor)
    if event.HasField("customer"):
        fact = customer_facts.record_customer(uow.session, event.customer, at)
    else:
        fact = customer_facts.record(uow.session, survivor, at, owner_id=event.owner_id,
                                     department_path=event.department_path)
    uow.session.flush()
    plan = plans_and_tasks.plan_of(uow.session, survivor)
    if plan is not None:
        orphans = uow.session.scalars(select(FollowUpTask).where(
            FollowUpTask.customer_id == survivor, FollowUpTask.plan_id.is_not(None),
            FollowUpTask.plan_id != plan.id)).all()
        for task in orphans:  # their plan (a merged customer's) gave way to the survivor's
            task.plan_id = plan.id
    _replan(uow, fact, now, replan=True)
    return changed


def customer_erased(uow: UnitOfWork, event: customer_events.CustomerErased, *, at: datetime,
                    now: datetime, files: int = 0) -> int:
    """Blank every personal column about the customer and its aliases, stop following them up
    (live tasks cancelled, plan paused), and acknowledge; returns the records anonymised (plus
    ``files``: the attachments the worker deleted before)."""
    ids = sorted({event.customer_id, *event.alias_customer_ids} - {""})
    count = customer_data.erase(uow.session, ids, now) + files
    for task in uow.session.scalars(select(FollowUpTask).where(
            FollowUpTask.customer_id.in_(ids),
            FollowUpTask.state.in_(follow_ups.LIVE_STATES))):
        task.state, task.cancel_reason = follow_ups.CANCELLED, "the customer's data was erased"
        task.update_time, task.updated_by = now, SYSTEM
    for plan in uow.session.scalars(select(FollowUpPlan).where(FollowUpPlan.customer_id.in_(ids))):
        plan.active, plan.update_time = False, now
    for customer_id in ids:
        customer_facts.record(uow.session, customer_id, at, state=ERASED)
    uow.emit(sales_events.SalesCustomerDataErased(
        erasure_request_id=event.erasure_request_id, customer_id=event.customer_id,
        erased_record_count=count), key=event.customer_id)
    return count


def opportunity_stage_changed(uow: UnitOfWork, event: sales_events.OpportunityStageChanged, *,
                              at: datetime, now: datetime) -> FollowUpTask | None:
    """Moved into INTENT, the need is confirmed: re-contact within the policy's days (3)."""
    opportunity = event.opportunity
    if (opportunity.stage != sales_pb2.OPPORTUNITY_STAGE_INTENT
            or event.previous_stage == sales_pb2.OPPORTUNITY_STAGE_INTENT):
        return None
    days = policy.current(uow.session).need_confirmed_contact_days
    return plans_and_tasks.open_recontact_task(
        uow.session, reason=follow_ups.NEED_CONFIRMED, customer_id=opportunity.customer_id,
        opportunity_id=opportunity.id, owner_id=opportunity.owner_id,
        department_path=opportunity.department_path,
        due=follow_ups.recontact_due(follow_ups.day_of(at), days), now=now,
        actor_id=event.actor_id or SYSTEM)


def quote_sent(uow: UnitOfWork, event: sales_events.QuoteSent, *, at: datetime,
               now: datetime) -> FollowUpTask | None:
    """A proposal went out: re-contact within the policy's days (2)."""
    quote = event.quote
    days = policy.current(uow.session).proposal_contact_days
    return plans_and_tasks.open_recontact_task(
        uow.session, reason=follow_ups.PROPOSAL_SENT, customer_id=quote.customer_id,
        opportunity_id=quote.opportunity_id, owner_id=quote.owner_id,
        department_path=quote.department_path,
        due=follow_ups.recontact_due(follow_ups.day_of(at), days), now=now,
        actor_id=event.actor_id or SYSTEM)


def department_upserted(uow: UnitOfWork, event: identity_events.DepartmentUpserted, *,
                        now: datetime) -> None:
    row = uow.session.get(DepartmentLead, event.path)
    if row is None:
        row = DepartmentLead(path=event.path, revision=0)
        uow.session.add(row)
    elif event.revision <= row.revision:
        return  # a late, older revision
    row.revision = event.revision
    row.parent_path = event.parent_path or None
    row.lead_user_id = (event.lead_user_id or None) if event.active else None
    row.update_time = now


def contact_due(uow: UnitOfWork, event: marketing_events.ContactDue, *, at: datetime,
                now: datetime) -> FollowUpTask | None:
    """A segment's contact strategy is due for a member: the task goes on the list of the
    customer's owner as sales knows it (marketing's may lag a handover), due on the occasion's
    day. Nothing for an occasion that already has its task, an unreadable due date, or a
    customer merged away or erased meanwhile."""
    due = follow_ups.parse_day(event.due_date)
    if not event.occasion_key or not event.customer_id or due is None:
        return None
    fact = uow.session.get(CustomerFact, event.customer_id)
    if fact is not None and fact.state != customer_facts.ACTIVE:
        return None
    if fact is not None and fact.owner_id:
        owner = (fact.owner_id, fact.department_path)
    else:
        owner = (event.owner_id, event.department_path)
    if not owner[0]:
        return None
    return plans_and_tasks.open_strategy_task(
        uow.session, occasion_key=event.occasion_key, segment_id=event.segment_id,
        segment_name=event.segment_name, action_kind=ACTION_KINDS.name(event.action.kind),
        customer_id=event.customer_id, owner=owner, due=due, note=event.action.description,
        now=now)


def segment_member_left(uow: UnitOfWork, event: marketing_events.SegmentMemberLeft, *,
                        at: datetime, now: datetime) -> list[FollowUpTask]:
    """The customer left the segment (its risk flag cleared...): the segment's contact-strategy
    tasks of that customer still open are no longer wanted and are cancelled; an overdue one
    stays, as it was reported and counts as overdue. Returns the tasks cancelled."""
    tasks = [task for task in plans_and_tasks.live_tasks(
        uow.session, customer_id=event.customer_id, reason=follow_ups.CONTACT_STRATEGY,
        segment_id=event.segment_id) if task.state == follow_ups.OPEN]
    for task in tasks:
        task.state, task.cancel_reason = follow_ups.CANCELLED, "the customer left the segment"
        task.update_time, task.updated_by = now, SYSTEM
    return tasks
