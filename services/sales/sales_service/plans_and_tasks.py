"""Follow-up plans and tasks in the database: plans kept in step with the customer facts and the
policy, tasks opened, completed and cancelled, and the timer's scan for reminders and overdue
tasks. Never commits: the caller's unit of work does. The rules themselves are
:mod:`sales_service.follow_ups`.

A plan has at most one live task of each of its reasons (regular contact, senior contact). Its
regular contact is due one interval after the customer's latest contact: any follow-up record
about the customer completes the plan's live regular task and schedules the next; a record by
the senior task's owner (the department lead) completes the senior task too. The same record
completes the customer's live tasks of segments' contact strategies (made from marketing's
``marketing.contact_due``, :func:`open_strategy_task`): the contact they asked for happened.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from crm.sales.v1 import events_pb2
from crm_shared.auth import Principal, visibility_clause
from crm_shared.db import Database
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from sales_service import dates, follow_ups, policy
from sales_service.activity_views import task_to_proto
from sales_service.follow_ups import (
    CADENCE,
    CANCELLED,
    CONTACT_STRATEGY,
    DONE,
    OPEN,
    OVERDUE,
    SENIOR_CONTACT,
    WIN_BACK,
)
from sales_service.models import CustomerFact, DepartmentLead, FollowUpPlan, FollowUpTask

log = logging.getLogger(__name__)

Emit = Callable[..., str]
SYSTEM = "system"
# How many tasks one timer tick handles; the next tick takes the rest.
SCAN_BATCH = 500


# -- tasks --------------------------------------------------------------------------------------


def new_task(session: Session, *, owner_id: str, department_path: str, reason: str, title: str,
             due: date, now: datetime, actor_id: str, customer_id: str | None = None,
             lead_id: str | None = None, opportunity_id: str | None = None,
             plan_id: str | None = None, note: str = "", suggested_method: str | None = None,
             request_id: str | None = None) -> FollowUpTask:
    task = FollowUpTask(
        id=str(uuid.uuid4()), plan_id=plan_id, customer_id=customer_id or None,
        lead_id=lead_id or None, opportunity_id=opportunity_id or None, owner_id=owner_id,
        department_path=department_path, reason=reason, title=title[:200], note=note,
        due_date=due.isoformat(), suggested_method=suggested_method or None, state=OPEN,
        completed_late=False, create_time=now, update_time=now, created_by=actor_id,
        updated_by=actor_id, request_id=request_id or None, version=1)
    session.add(task)
    return task


def task_visibility(principal: Principal):
    return visibility_clause(principal, FollowUpTask.owner_id, FollowUpTask.department_path)


def get_visible_task(session: Session, principal: Principal, task_id: str) -> FollowUpTask | None:
    """The task, or None when it does not exist *or* the caller may not see it."""
    if not task_id:
        return None
    return session.scalars(select(FollowUpTask).where(
        FollowUpTask.id == task_id, task_visibility(principal))).first()


def _touch(row, now: datetime, actor_id: str) -> None:
    row.update_time = now
    if hasattr(row, "updated_by"):
        row.updated_by = actor_id


def complete_task(session: Session, task: FollowUpTask, *, activity_id: str, contact_day: date,
                  now: datetime, actor_id: str) -> None:
    """Done by the follow-up record ``activity_id`` (made on ``contact_day``); a plan's task
    schedules the plan's next one. The caller checked the task is live."""
    task.state = DONE
    task.complete_time = now
    task.completed_activity_id = activity_id
    task.completed_late = follow_ups.completed_late(date.fromisoformat(task.due_date), contact_day)
    _touch(task, now, actor_id)
    plan = session.get(FollowUpPlan, task.plan_id) if task.plan_id else None
    if plan is not None:
        if task.reason == CADENCE:
            record_contact(plan, contact_day)
        session.flush()
        sync_plan(session, plan, policy.current(session), now)


def cancel_task(session: Session, task: FollowUpTask, *, reason: str, now: datetime,
                actor_id: str) -> None:
    """Cancelled with ``reason``; a plan's task is followed by the plan's next one, counted
    from the cancelled one's due date (the cadence goes on)."""
    task.state = CANCELLED
    task.cancel_reason = reason
    _touch(task, now, actor_id)
    plan = session.get(FollowUpPlan, task.plan_id) if task.plan_id else None
    if plan is not None:
        if task.reason == CADENCE:
            record_contact(plan, date.fromisoformat(task.due_date))
        session.flush()
        sync_plan(session, plan, policy.current(session), now)


def reschedule_task(task: FollowUpTask, new_due: date, today: date) -> None:
    state, remind_again = follow_ups.due_after_reschedule(task.state, new_due, today)
    task.due_date = new_due.isoformat()
    task.state = state
    if remind_again:
        task.remind_time = None
        task.overdue_time = None


def live_tasks(session: Session, **where) -> list[FollowUpTask]:
    query = select(FollowUpTask).where(FollowUpTask.state.in_(follow_ups.LIVE_STATES))
    for column, value in where.items():
        query = query.where(getattr(FollowUpTask, column) == value)
    return list(session.scalars(query.order_by(FollowUpTask.due_date, FollowUpTask.id)))


def open_recontact_task(session: Session, *, reason: str, customer_id: str, opportunity_id: str,
                        owner_id: str, department_path: str, due: date, now: datetime,
                        actor_id: str) -> FollowUpTask | None:
    """The 3-day / 2-day re-contact of an opportunity's customer; None when one of the same
    reason is already live for the opportunity (its earlier due date stands)."""
    if opportunity_id and live_tasks(session, reason=reason, opportunity_id=opportunity_id):
        return None
    return new_task(session, owner_id=owner_id, department_path=department_path, reason=reason,
                    title=follow_ups.task_title(reason), due=due, now=now, actor_id=actor_id,
                    customer_id=customer_id, opportunity_id=opportunity_id)


def open_strategy_task(session: Session, *, occasion_key: str, segment_id: str,
                       segment_name: str, action_kind: str, customer_id: str,
                       owner: tuple[str, str], due: date, note: str,
                       now: datetime) -> FollowUpTask | None:
    """The owner's task for one occasion of a segment's contact strategy; None when the
    occasion already has its task (the key is unique, so it is made once however often it is
    told)."""
    if session.scalar(select(FollowUpTask.id).where(FollowUpTask.occasion_key == occasion_key)):
        return None
    task = new_task(session, owner_id=owner[0], department_path=owner[1],
                    reason=CONTACT_STRATEGY,
                    title=follow_ups.strategy_task_title(action_kind, segment_name), due=due,
                    now=now, actor_id=SYSTEM, customer_id=customer_id, note=note[:2000],
                    suggested_method=follow_ups.STRATEGY_METHODS.get(action_kind))
    task.occasion_key, task.segment_id, task.segment_name = (occasion_key, segment_id or None,
                                                             segment_name[:200] or None)
    return task


def open_win_back_task(session: Session, *, customer_id: str, owner: tuple[str, str],
                       lost_at: datetime, months: int, now: datetime) -> FollowUpTask | None:
    """The owner's win-back visit to a customer lost at ``lost_at``, due ``months`` calendar
    months later; None when this loss already has its task (the occasion key - customer and
    loss time - is unique, so a loss told twice makes one task)."""
    occasion_key = f"win_back:{customer_id}:{lost_at.isoformat()}"
    if session.scalar(select(FollowUpTask.id).where(FollowUpTask.occasion_key == occasion_key)):
        return None
    task = new_task(session, owner_id=owner[0], department_path=owner[1], reason=WIN_BACK,
                    title=follow_ups.task_title(WIN_BACK),
                    due=dates.add_months(follow_ups.day_of(lost_at), months), now=now,
                    actor_id=SYSTEM, customer_id=customer_id, suggested_method="visit")
    task.occasion_key = occasion_key
    return task


def cancel_win_back(session: Session, *, customer_id: str, now: datetime) -> list[FollowUpTask]:
    """The customer cooperates again: its win-back visits still to be made are not wanted."""
    tasks = live_tasks(session, customer_id=customer_id, reason=WIN_BACK)
    for task in tasks:
        cancel_task(session, task, reason="the customer is no longer lost", now=now,
                    actor_id=SYSTEM)
    return tasks


# -- plans --------------------------------------------------------------------------------------


def plan_cadence(plan: FollowUpPlan, values: policy.SalesPolicyValues) -> follow_ups.Cadence | None:
    return follow_ups.cadence_for(plan.value_class, values.cadence,
                                  interval_override=plan.interval_override,
                                  senior_override=plan.senior_override)


def plan_of(session: Session, customer_id: str) -> FollowUpPlan | None:
    return session.scalars(select(FollowUpPlan).where(
        FollowUpPlan.customer_id == customer_id)).first()


def record_contact(plan: FollowUpPlan, day: date) -> None:
    if not plan.last_contact_date or plan.last_contact_date < day.isoformat():
        plan.last_contact_date = day.isoformat()


def department_lead_of(session: Session, department_path: str) -> tuple[str, str] | None:
    """(lead's user id, the department they lead): the department's own lead, else the nearest
    ancestor's; None when no lead is known."""
    path = department_path.rstrip("/")
    while path:
        row = session.get(DepartmentLead, path)
        if row is not None and row.lead_user_id:
            return row.lead_user_id, path
        path = path.rsplit("/", 1)[0]
    return None


def class_followed(fact: CustomerFact) -> str | None:
    """The class a customer's plan follows: the contract-based value class, else (no contract
    yet) the estimated class of the prospect grading."""
    return fact.value_class or fact.prospect_class


def plan_from_facts(session: Session, fact: CustomerFact, now: datetime, *,
                    replan: bool) -> FollowUpPlan | None:
    """Create the customer's plan when it gets a class (:func:`class_followed`), or bring it in
    line with the facts (owner, department, class). ``replan``: the cadence may have changed, so live tasks' due
    dates are recomputed. None when the customer has no plan and needs none."""
    plan = plan_of(session, fact.customer_id)
    values = policy.current(session)
    value_class = class_followed(fact)
    if plan is None:
        if follow_ups.cadence_for(value_class, values.cadence) is None or fact.state != "active":
            return None
        plan = FollowUpPlan(id=str(uuid.uuid4()), customer_id=fact.customer_id, active=True,
                            next_due_date="", create_time=now, update_time=now)
        session.add(plan)
        replan = True
    changed_class = plan.value_class != value_class
    plan.owner_id, plan.department_path = fact.owner_id, fact.department_path
    plan.value_class = value_class
    plan.update_time = now
    session.flush()
    sync_plan(session, plan, values, now, replan=replan or changed_class)
    return plan


def _last_senior_contact(session: Session, plan: FollowUpPlan) -> date | None:
    last = session.scalar(select(FollowUpTask.complete_time).where(
        FollowUpTask.plan_id == plan.id, FollowUpTask.reason == SENIOR_CONTACT,
        FollowUpTask.state == DONE).order_by(FollowUpTask.complete_time.desc()).limit(1))
    return follow_ups.day_of(last) if last is not None else None


def sync_plan(session: Session, plan: FollowUpPlan, values: policy.SalesPolicyValues,
              now: datetime, *, replan: bool = False) -> None:
    """Make the plan's live tasks match its cadence: one regular task, one senior task when the
    cadence has senior contacts (owned by the department lead), none of a kind it lacks. A
    paused plan opens no new task. ``replan`` moves live tasks to the due dates of the cadence
    now in force (otherwise a live task keeps its date, and an overdue one stays overdue)."""
    today = follow_ups.day_of(now)
    start = follow_ups.day_of(plan.create_time)
    cadence = plan_cadence(plan, values)
    live = {reason: live_tasks(session, plan_id=plan.id, reason=reason)
            for reason in follow_ups.PLAN_REASONS}
    if cadence is None:
        for task in live[CADENCE] + live[SENIOR_CONTACT]:
            task.state, task.cancel_reason = CANCELLED, "the customer has no value class any more"
            _touch(task, now, SYSTEM)
        plan.next_senior_due_date = None
        return
    regular_due = follow_ups.next_contact_due(follow_ups.parse_day(plan.last_contact_date or ""),
                                              start, today, cadence.interval_days)
    plan.next_due_date = regular_due.isoformat()
    _keep_one(session, plan, live[CADENCE], reason=CADENCE, due=regular_due, replan=replan,
              owner=(plan.owner_id, plan.department_path),
              title=follow_ups.task_title(CADENCE, plan.value_class, cadence.interval_days),
              now=now, today=today)
    if cadence.senior_interval_days:
        senior_due = follow_ups.next_contact_due(_last_senior_contact(session, plan), start,
                                                 today, cadence.senior_interval_days)
        plan.next_senior_due_date = senior_due.isoformat()
        owner = department_lead_of(session, plan.department_path) or (
            plan.owner_id, plan.department_path)
        _keep_one(session, plan, live[SENIOR_CONTACT], reason=SENIOR_CONTACT, due=senior_due,
                  replan=replan, owner=owner,
                  title=follow_ups.task_title(SENIOR_CONTACT, plan.value_class), now=now,
                  today=today)
    else:
        for task in live[SENIOR_CONTACT]:
            task.state, task.cancel_reason = CANCELLED, "the cadence has no senior contacts"
            _touch(task, now, SYSTEM)
        plan.next_senior_due_date = None


def _keep_one(session: Session, plan: FollowUpPlan, live: list[FollowUpTask], *, reason: str,
              due: date, replan: bool, owner: tuple[str, str], title: str, now: datetime,
              today: date) -> None:
    keep, extra = (live[0], live[1:]) if live else (None, [])
    for task in extra:  # two live tasks of one kind (customers merged): the earliest stays
        task.state, task.cancel_reason = CANCELLED, "replaced by the plan's earlier task"
        _touch(task, now, SYSTEM)
    if keep is None:
        if plan.active:
            new_task(session, owner_id=owner[0], department_path=owner[1], reason=reason,
                     title=title, due=due, now=now, actor_id=SYSTEM,
                     customer_id=plan.customer_id, plan_id=plan.id)
        return
    if (keep.owner_id, keep.department_path) != owner:
        keep.owner_id, keep.department_path = owner
        _touch(keep, now, SYSTEM)
    if replan and (keep.due_date != due.isoformat() or keep.title != title):
        reschedule_task(keep, due, today)
        keep.title = title
        _touch(keep, now, SYSTEM)


def _done_by_record(task: FollowUpTask, *, activity_id: str, contact_day: date, now: datetime,
                    actor_id: str) -> None:
    task.state, task.complete_time, task.completed_activity_id = DONE, now, activity_id
    task.completed_late = follow_ups.completed_late(date.fromisoformat(task.due_date),
                                                    contact_day)
    _touch(task, now, actor_id)


def contact_recorded(session: Session, *, customer_id: str, owner_id: str, contact_day: date,
                     activity_id: str, now: datetime) -> list[FollowUpTask]:
    """A follow-up record about the customer: its live contact-strategy tasks completed, the
    plan's latest contact, its live regular task completed (and the senior task when the record
    is by that task's owner); returns the tasks completed."""
    done = []
    for task in live_tasks(session, customer_id=customer_id, reason=CONTACT_STRATEGY):
        if contact_day >= follow_ups.day_of(task.create_time):  # not a contact from before it
            _done_by_record(task, activity_id=activity_id, contact_day=contact_day, now=now,
                            actor_id=owner_id)
            done.append(task)
    plan = plan_of(session, customer_id)
    if plan is None:
        session.flush()
        return done
    record_contact(plan, contact_day)
    for task in live_tasks(session, plan_id=plan.id):
        if contact_day < follow_ups.day_of(task.create_time):
            continue  # a contact recorded late, from before the task existed
        if task.reason == CADENCE or (task.reason == SENIOR_CONTACT and task.owner_id == owner_id):
            _done_by_record(task, activity_id=activity_id, contact_day=contact_day, now=now,
                            actor_id=owner_id)
            done.append(task)
    session.flush()
    sync_plan(session, plan, policy.current(session), now)
    return done


# -- the timer ----------------------------------------------------------------------------------


def scan_follow_ups(database: Database, now: datetime) -> dict[str, int]:
    """One pass of the follow-up timer: ``follow_up_task.due`` for every open task whose reminder
    day has come (once: its ``remind_time`` is stored in the same transaction), and
    ``follow_up_task.overdue`` for every open task past its due date (once: it moves to
    OVERDUE). Each task in its own unit of work, guarded by its version, so a task changed
    meanwhile is left to the next pass. Returns how many of each fired."""
    today = follow_ups.day_of(now)
    with database.unit_of_work(readonly=True) as uow:
        days_before = policy.current(uow.session).reminder_days_before
        horizon = (today + timedelta(days=days_before)).isoformat()
        candidates = uow.session.execute(
            select(FollowUpTask.id, FollowUpTask.version).where(
                FollowUpTask.state == OPEN, FollowUpTask.due_date <= horizon,
                (FollowUpTask.remind_time.is_(None)) | (FollowUpTask.due_date < today.isoformat()))
            .order_by(FollowUpTask.due_date, FollowUpTask.id).limit(SCAN_BATCH)).all()
    fired = {follow_ups.REMIND: 0, follow_ups.MARK_OVERDUE: 0}
    for task_id, version in candidates:
        try:
            with database.unit_of_work() as uow:
                task = uow.session.get(FollowUpTask, task_id)
                if task is None or task.version != version:
                    continue
                action = apply_scan(task, today, days_before, now, uow.emit)
                if action:
                    fired[action] += 1
        except StaleDataError:
            log.info("follow-up task %s changed during the scan; left to the next pass", task_id)
    return fired


def apply_scan(task: FollowUpTask, today: date, days_before: int, now: datetime,
               emit: Emit) -> str | None:
    due = date.fromisoformat(task.due_date)
    action = follow_ups.scan_action(task.state, due, task.remind_time is not None, today,
                                    days_before)
    if action == follow_ups.REMIND:
        task.remind_time = now
        task.update_time = now
        emit(events_pb2.FollowUpTaskDue(task=task_to_proto(task)), key=task.id)
    elif action == follow_ups.MARK_OVERDUE:
        task.state = OVERDUE
        task.overdue_time = now
        task.update_time = now
        emit(events_pb2.FollowUpTaskOverdue(task=task_to_proto(task),
                                            days_overdue=follow_ups.days_overdue(due, today)),
             key=task.id)
    return action
