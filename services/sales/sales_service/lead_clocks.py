"""The first-contact clock and the cold-lead clock of leads.

On assignment a lead's first contact is due within its grade's target (the sales policy's
``lead_response_targets``; A: 2 h), with a reminder to the owner ``remind_before`` ahead. The
worker's timer calls :func:`scan_leads` with its clock: it emits ``lead.first_contact_due``
(the reminder) and ``lead.first_contact_overdue`` (the escalation to the team lead; the lead
is flagged ``first_contact_overdue``) each once per assignment, and ``lead.went_cold`` once when
an open lead has had no follow-up for ``lead_cold_after_days``. A first contact stops the
first-contact clock; the fact that an event fired is stored in the same transaction as the
event. The decisions are pure (:func:`first_contact_schedule`, :func:`due_actions`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.sales.v1 import events_pb2
from crm_shared.db import Database
from crm_shared.timestamps import to_timestamp
from sqlalchemy import and_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from sales_service import policy
from sales_service.lead_views import grade_value
from sales_service.models import Lead

log = logging.getLogger(__name__)

REMIND, ESCALATE, COLD = "remind", "escalate", "cold"
COLD_CANDIDATES = ("new", "assigned", "contacted")


@dataclass(frozen=True)
class FirstContactSchedule:
    due_time: datetime
    remind_time: datetime


def first_contact_schedule(assign_time: datetime, grade: str,
                           targets: dict[str, tuple[timedelta, timedelta]]) -> FirstContactSchedule:
    """When the first contact of a lead assigned at ``assign_time`` is due, and when its owner
    is reminded (never before the assignment)."""
    within, before = targets.get(grade) or targets.get("C") or (timedelta(hours=72),
                                                                 timedelta(hours=4))
    due = assign_time + within
    return FirstContactSchedule(due, max(assign_time, due - before))


@dataclass(frozen=True)
class ClockState:
    """What the clocks read of a lead."""

    status: str
    owner_id: str | None
    first_contact_time: datetime | None
    first_contact_due_time: datetime | None
    first_contact_remind_time: datetime | None
    first_contact_reminded_time: datetime | None
    first_contact_escalated_time: datetime | None
    last_activity_time: datetime
    went_cold_time: datetime | None


def due_actions(lead: ClockState, now: datetime, cold_after: timedelta) -> list[str]:
    """The timer's actions due for one lead now, each at most once: a reminder past its time
    (but not once the contact is overdue: the escalation says more), an escalation past the
    due time, the cold mark past the cold period."""
    actions = []
    waiting = (lead.status == "assigned" and lead.owner_id and lead.first_contact_time is None
               and lead.first_contact_due_time is not None)
    if waiting and lead.first_contact_due_time <= now:
        if lead.first_contact_escalated_time is None:
            actions.append(ESCALATE)
    elif (waiting and lead.first_contact_reminded_time is None
          and lead.first_contact_remind_time is not None and lead.first_contact_remind_time <= now):
        actions.append(REMIND)
    if (lead.status in COLD_CANDIDATES and lead.went_cold_time is None
            and lead.last_activity_time <= now - cold_after):
        actions.append(COLD)
    return actions


def clock_state(lead: Lead) -> ClockState:
    return ClockState(lead.status, lead.owner_id, lead.first_contact_time,
                      lead.first_contact_due_time, lead.first_contact_remind_time,
                      lead.first_contact_reminded_time, lead.first_contact_escalated_time,
                      lead.last_activity_time, lead.went_cold_time)


def _apply(lead: Lead, action: str, now: datetime, emit) -> None:
    facts = {"lead_id": lead.id, "lead_number": lead.number, "grade": grade_value(lead.grade),
             "owner_id": lead.owner_id or "", "department_path": lead.department_path}
    people = {"contact_name": lead.contact_name, "company_name": lead.company_name,
              "first_contact_due_time": to_timestamp(lead.first_contact_due_time)}
    if action == REMIND:
        lead.first_contact_reminded_time = now
        emit(events_pb2.LeadFirstContactDue(**facts, **people), key=lead.id)
    elif action == ESCALATE:
        lead.first_contact_escalated_time = now
        lead.first_contact_overdue = True
        emit(events_pb2.LeadFirstContactOverdue(**facts, **people), key=lead.id)
    elif action == COLD:
        inactive = now - lead.last_activity_time
        lead.status_before_cold = lead.status
        lead.status = "cold"
        lead.went_cold_time = now
        emit(events_pb2.LeadWentCold(
            lead_id=lead.id, customer_id=lead.customer_id or "",
            campaign_id=lead.campaign_id or "",
            last_activity_time=to_timestamp(lead.last_activity_time),
            inactive_days=inactive.days, owner_id=lead.owner_id or "",
            department_path=lead.department_path), key=lead.id)
    lead.update_time = now


def scan_leads(database: Database, now: datetime) -> dict[str, int]:
    """One pass of the lead timer at ``now``. Each lead is changed in its own unit of work,
    guarded by its version: a lead changed meanwhile is left to the next pass. Returns how many
    of each action fired."""
    fired: dict[str, int] = {}
    with database.unit_of_work(readonly=True) as uow:
        values = policy.current(uow.session)
        cold_after = timedelta(days=values.lead_cold_after_days)
        waiting = and_(Lead.status == "assigned", Lead.first_contact_time.is_(None),
                       or_(Lead.first_contact_due_time <= now,
                           Lead.first_contact_remind_time <= now))
        cold = and_(Lead.status.in_(COLD_CANDIDATES), Lead.went_cold_time.is_(None),
                    Lead.last_activity_time <= now - cold_after)
        todo = [(lead.id, lead.version) for lead in uow.session.scalars(
            select(Lead).where(or_(waiting, cold)))
            if due_actions(clock_state(lead), now, cold_after)]
    for lead_id, version in todo:
        try:
            with database.unit_of_work() as uow:
                lead = uow.session.get(Lead, lead_id)
                if lead is None or lead.version != version:
                    continue
                for action in due_actions(clock_state(lead), now, cold_after):
                    _apply(lead, action, now, uow.emit)
                    fired[action] = fired.get(action, 0) + 1
        except StaleDataError:
            log.info("lead %s changed during the lead scan; left to the next pass", lead_id)
    return fired
