"""The rep directory's side of identity events: a user upserted (a rep or not, their
department, whether they lead it), disabled (inactive, their open leads handed to the named
successor or back to assignment), a department's lead changed. Called by the worker's handlers
(:mod:`sales_service.worker_leads`) with the handler's unit of work."""

from __future__ import annotations

import random
from datetime import datetime

from crm.identity.v1 import events_pb2 as identity_events
from sqlalchemy import select
from sqlalchemy.orm import Session

from sales_service import lead_assignments, leads, reps
from sales_service.models import Lead, SalesRep

HANDED_BACK = ("new", "assigned", "contacted", "cold")


def user_upserted(session: Session, event: identity_events.UserUpserted, now: datetime) -> None:
    rep = session.get(SalesRep, event.user_id)
    qualifies = reps.qualifies(event.roles, is_department_lead=event.is_department_lead,
                               department_path=event.department_path,
                               service_account=event.service_account)
    if rep is None:
        if not qualifies:
            return
        rep = reps.new_rep(event.user_id, now)
        session.add(rep)
    elif event.revision <= rep.revision:
        return  # reordered by a retry or another replica: we already hold newer state
    rep.revision = event.revision
    rep.username = event.username
    rep.display_name = event.display_name
    rep.department_path = event.department_path
    rep.team_lead = event.is_department_lead
    rep.active = event.active and qualifies
    rep.update_time, rep.updated_by = now, "identity"


def department_upserted(session: Session, event: identity_events.DepartmentUpserted,
                        now: datetime) -> None:
    """The department's reps learn who leads it (the lead takes escalations of the team)."""
    for rep in session.scalars(select(SalesRep).where(SalesRep.department_path == event.path)):
        lead = rep.user_id == event.lead_user_id
        if rep.team_lead != lead:
            rep.team_lead, rep.update_time, rep.updated_by = lead, now, "identity"


def user_disabled(session: Session, event: identity_events.UserDisabled, now: datetime, *,
                  rng: random.Random, emit) -> int:
    """The rep becomes inactive and their open leads move on: to the named successor when
    that successor is an active rep, else through the assignment rules (the disabled rep
    excluded); a lead nobody can take waits unassigned. Returns how many leads moved. A
    redelivery finds no lead left to move."""
    rep = session.get(SalesRep, event.user_id)
    if rep is None:
        return 0
    if not (event.revision and event.revision < rep.revision):
        rep.active = False
        rep.revision = max(rep.revision, event.revision)
        rep.update_time, rep.updated_by = now, "identity"
    successor = session.get(SalesRep, event.successor_user_id) if event.successor_user_id else None
    if successor is not None and (not successor.active or successor.user_id == rep.user_id):
        successor = None
    open_leads = list(session.scalars(select(Lead).where(
        Lead.owner_id == rep.user_id, Lead.status.in_(HANDED_BACK)).order_by(Lead.create_time)))
    for lead in open_leads:
        if successor is not None:
            lead_assignments.apply(
                session, lead, successor, method="handover", rule_id=None,
                reason=f"{rep.user_id} was disabled; handed to the named successor "
                       f"{successor.user_id}", candidates=[], tie=False, actor_id="",
                now=now, request_id=None, emit=emit)
        else:
            lead_assignments.assign_automatically(
                session, lead, facts=leads.facts_of(lead), now=now, rng=rng, emit=emit,
                exclude=frozenset({rep.user_id}))
            if lead.owner_id == rep.user_id:  # no rule applied: nobody else was asked
                lead_assignments.unassign(lead, reps.SALES_ROOT)
        leads.touch(lead, now, "identity")
    return len(open_leads)

