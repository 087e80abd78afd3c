"""Assignment of leads in the database: the rules and reps loaded, the pure selection of
:mod:`sales_service.lead_assignment` applied, the decision stored with its candidates, the
first-contact clock started and ``lead.assigned`` emitted. Never commits."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.sales.v1 import events_pb2
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select
from sqlalchemy.orm import Session

from sales_service import lead_assignment, lead_clocks, leads, policy, reps
from sales_service.lead_views import assignment_to_proto, condition_of, grade_value
from sales_service.models import AssignmentRuleRecord, Lead, LeadAssignmentRecord, SalesRep

Emit = Callable[..., str]


def load_rules(session: Session) -> list[lead_assignment.AssignmentRule]:
    rows = session.scalars(select(AssignmentRuleRecord)
                           .where(AssignmentRuleRecord.enabled.is_(True))
                           .order_by(AssignmentRuleRecord.priority, AssignmentRuleRecord.id))
    return [lead_assignment.AssignmentRule(
        row.id, row.display_name, condition_of(row.condition), row.department_path,
        row.min_seniority, tuple(row.user_ids or ()), row.strategy) for row in rows]


def _candidate_json(candidate: lead_assignment.Candidate) -> dict:
    return {"user_id": candidate.user_id, "eligible": candidate.eligible,
            "skip_reason": candidate.skip_reason, "open_lead_count": candidate.open_lead_count,
            "last_assign_time": candidate.last_assign_time.isoformat()
            if candidate.last_assign_time else None, "selected": candidate.selected}


def assign_automatically(session: Session, lead: Lead, *, facts, now: datetime,
                         rng: random.Random, emit: Emit, actor_id: str = "",
                         request_id: str | None = None,
                         exclude: frozenset[str] = frozenset()) -> LeadAssignmentRecord | None:
    """Run the assignment rules for ``lead``: the first matching rule's group, the fair pick.
    When nobody is eligible the lead waits unassigned in the rule's department (or the sales
    root), and the decision is stored all the same (so the candidates explain why)."""
    rule = lead_assignment.match_rule(load_rules(session), facts, now)
    if rule is None:
        unassign(lead, reps.SALES_ROOT)
        return None
    group = reps.reps_of_group(session, department_path=rule.department_path,
                               user_ids=rule.user_ids, lock=True)
    group = [rep for rep in group if rep.user_id not in exclude]
    counts = leads.open_lead_counts(session, [rep.user_id for rep in group])
    selection = lead_assignment.select_rep(
        reps.profiles(group, counts), min_seniority=rule.min_seniority, strategy=rule.strategy,
        rng=rng, now=now)
    reason = f"rule '{rule.name}': {selection.reason}"
    if selection.assignee_id is None:
        previous = lead.owner_id
        unassign(lead, rule.department_path or reps.SALES_ROOT)
        return _record(session, lead, assignee=None, previous=previous, method="automatic",
                       rule_id=rule.id, reason=reason + "; waits for a manual assignment",
                       candidates=selection.candidates, tie=False, actor_id=actor_id,
                       now=now, request_id=request_id, rule=rule)
    rep = session.get(SalesRep, selection.assignee_id)
    rep.last_assign_time = now
    return apply(session, lead, rep, method="automatic", rule_id=rule.id, reason=reason,
                 candidates=selection.candidates, tie=selection.tie_broken_at_random,
                 actor_id=actor_id, now=now, request_id=request_id, emit=emit, rule=rule)


def unassign(lead: Lead, department_path: str) -> None:
    lead.owner_id = None
    lead.department_path = department_path
    if lead.status == "assigned":
        lead.status = "new"
    lead.assign_time = lead.first_contact_due_time = lead.first_contact_remind_time = None


def apply(session: Session, lead: Lead, rep: SalesRep, *, method: str, rule_id: str | None,
          reason: str, candidates, tie: bool, actor_id: str, now: datetime,
          request_id: str | None, emit: Emit,
          rule: lead_assignment.AssignmentRule | None = None,
          note: str = "") -> LeadAssignmentRecord:
    """Give ``lead`` to ``rep``: a new first-contact clock when it was not contacted yet.
    ``rule`` (automatic) and ``note`` (what a person wrote) are kept with the decision."""
    previous_owner, previous_path = lead.owner_id, lead.department_path
    lead.owner_id = rep.user_id
    lead.department_path = rep.department_path
    lead.assign_time = now
    if lead.status == "new":
        lead.status = "assigned"
    if lead.first_contact_time is None:
        schedule = lead_clocks.first_contact_schedule(now, lead.grade,
                                                      policy.current(session).first_contact)
        lead.first_contact_due_time = schedule.due_time
        lead.first_contact_remind_time = schedule.remind_time
        lead.first_contact_reminded_time = lead.first_contact_escalated_time = None
        lead.first_contact_overdue = False
    record = _record(session, lead, assignee=rep.user_id, previous=previous_owner, method=method,
                     rule_id=rule_id, reason=reason, candidates=candidates, tie=tie,
                     actor_id=actor_id, now=now, request_id=request_id, rule=rule, note=note)
    emit(events_pb2.LeadAssigned(
        lead_id=lead.id, lead_number=lead.number, grade=grade_value(lead.grade),
        contact_name=lead.contact_name, company_name=lead.company_name,
        current=types_pb2.Ownership(owner_id=rep.user_id, department_path=rep.department_path),
        previous=types_pb2.Ownership(owner_id=previous_owner, department_path=previous_path)
        if previous_owner else None,
        assignment=assignment_to_proto(record),
        first_contact_due_time=to_timestamp(lead.first_contact_due_time)), key=lead.id)
    return record


def _record(session: Session, lead: Lead, *, assignee: str | None, previous: str | None,
            method: str, rule_id: str | None, reason: str, candidates, tie: bool, actor_id: str,
            now: datetime, request_id: str | None,
            rule: lead_assignment.AssignmentRule | None = None,
            note: str = "") -> LeadAssignmentRecord:
    record = LeadAssignmentRecord(
        id=str(uuid.uuid4()), lead_id=lead.id, assignee_id=assignee,
        previous_assignee_id=previous, department_path=lead.department_path, method=method,
        rule_id=rule_id, reason=reason,
        candidates=[c if isinstance(c, dict) else _candidate_json(c) for c in candidates],
        tie_broken_at_random=tie, actor_id=actor_id or None, assign_time=now,
        request_id=request_id, rule_name=rule.name if rule else None,
        strategy=rule.strategy if rule else None, note=note or None)
    session.add(record)
    session.flush()
    return record
