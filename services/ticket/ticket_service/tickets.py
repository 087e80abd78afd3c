"""Tickets in the database: numbers, visibility, history, agents' load, and routing (rules and
agent selection applied and recorded). Never commits: the caller's unit of work does."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from crm_shared.auth import Principal, visibility_clause
from crm_shared.auth.principal import DataScope
from crm_shared.auth.visibility import in_subtree
from crm_shared.errors import FieldViolation, InvalidArgument
from sqlalchemy import func, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ticket_service import lifecycle, routing
from ticket_service.customers import CustomerFacts
from ticket_service.models import (
    Agent,
    Department,
    RoutingDecisionRecord,
    RoutingRuleRecord,
    Ticket,
    TicketHistoryEntry,
    TicketNumberSequence,
)

AGENT_ROLES = frozenset({"agent", "service_agent"})
LOAD_STATES = tuple(lifecycle.WORKING_STATES)
"""States in which a ticket counts towards its assignee's open tickets."""
DEFAULT_DEPARTMENT = "/hq/service"
"""Where a ticket goes when no routing rule is left at all (the seeded fallback rule's target)."""


# -- numbers ------------------------------------------------------------------------------------


def next_number(session: Session, now: datetime) -> str:
    """``T<yyyymmdd>-<nnnn>``: one counter per day, incremented atomically (upsert)."""
    day = now.strftime("%Y%m%d")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(TicketNumberSequence)
        .values(day=day, last_value=1)
        .on_conflict_do_update(index_elements=["day"],
                               set_={"last_value": TicketNumberSequence.last_value + 1})
        .returning(TicketNumberSequence.last_value)
    )
    value = session.execute(statement).scalar_one()
    return f"T{day}-{value:04d}"


# -- visibility ---------------------------------------------------------------------------------


def ticket_visibility(principal: Principal):
    """Who sees a ticket: its assignee, creator and account manager; a department scope its
    subtree; an agent (role ``agent``/``service_agent``) the tickets of their own department;
    ``all`` everything."""
    if principal.data_scope is DataScope.ALL:
        return true()
    clauses = [
        visibility_clause(principal, Ticket.assignee_id, Ticket.department_path),
        Ticket.created_by == principal.user_id,
        Ticket.account_manager_id == principal.user_id,
    ]
    if principal.has_role(*AGENT_ROLES) and principal.department_path:
        clauses.append(Ticket.department_path == principal.department_path)
    return or_(*clauses)


def get_visible(session: Session, principal: Principal, ticket_id: str) -> Ticket | None:
    """The ticket, or None when it does not exist *or* the caller may not see it."""
    if not ticket_id:
        return None
    return session.scalars(
        select(Ticket).where(Ticket.id == ticket_id, ticket_visibility(principal))
    ).first()


# -- history ------------------------------------------------------------------------------------


def record(session: Session, ticket: Ticket, kind: str, now: datetime, actor_id: str | None,
           **fields) -> TicketHistoryEntry:
    """Append one history entry (``kind``: short TicketHistoryKind name)."""
    entry = TicketHistoryEntry(ticket_id=ticket.id, kind=kind, occur_time=now,
                               actor_id=actor_id or None, **fields)
    session.add(entry)
    return entry


def change_state(session: Session, ticket: Ticket, action: str, now: datetime, actor_id: str,
                 reason: str = "") -> str:
    """Apply a lifecycle action (IllegalTransition when not allowed); record it; return the
    state before."""
    before = ticket.state
    ticket.state = lifecycle.next_state(action, before)
    record(session, ticket, "state_changed", now, actor_id, from_state=before,
           to_state=ticket.state, reason=reason or None)
    return before


def touch(ticket: Ticket, now: datetime, actor_id: str) -> None:
    """Someone acted on the ticket: the untouched clock starts again."""
    ticket.update_time = now
    ticket.last_activity_time = now
    ticket.updated_by = actor_id


# -- agents and departments ---------------------------------------------------------------------


def open_ticket_counts(session: Session, user_ids: list[str]) -> dict[str, int]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(Ticket.assignee_id, func.count())
        .where(Ticket.assignee_id.in_(user_ids), Ticket.state.in_(LOAD_STATES))
        .group_by(Ticket.assignee_id)
    ).all()
    counts = {user_id: 0 for user_id in user_ids}
    counts.update({user_id: count for user_id, count in rows})
    return counts


def agents_of(session: Session, department_path: str) -> list[Agent]:
    return list(session.scalars(select(Agent).where(Agent.department_path == department_path)))


def department_lead(session: Session, department_path: str) -> str:
    """The lead of the department (identity's department record, else an agent flagged lead)."""
    department = session.get(Department, department_path)
    if department is not None and department.lead_user_id:
        return department.lead_user_id
    lead = session.scalars(
        select(Agent.user_id).where(Agent.department_path == department_path,
                                    Agent.department_lead.is_(True), Agent.active.is_(True))
    ).first()
    return lead or ""


def is_known_department(session: Session, department_path: str) -> bool:
    """Known from identity, or as the home of an agent, or as the target of a routing rule."""
    department = session.get(Department, department_path)
    if department is not None:
        return department.active
    return bool(
        session.scalar(select(func.count()).select_from(Agent)
                       .where(Agent.department_path == department_path))
        or session.scalar(select(func.count()).select_from(RoutingRuleRecord)
                          .where(RoutingRuleRecord.target_department_path == department_path))
    )


def valid_department_path(path: str) -> bool:
    parts = path.split("/")
    return path.startswith("/") and len(path) <= 255 and all(part.strip() for part in parts[1:])


# -- routing ------------------------------------------------------------------------------------


def load_rules(session: Session) -> list[routing.Rule]:
    rows = session.scalars(
        select(RoutingRuleRecord).where(RoutingRuleRecord.enabled.is_(True))
        .order_by(RoutingRuleRecord.priority, RoutingRuleRecord.id)
    )
    return [routing.Rule(row.id, row.display_name, row.condition or {},
                         row.target_department_path, row.agent_selection,
                         tuple(row.required_skills or ())) for row in rows]


def facts_of(ticket: Ticket) -> dict:
    """What a routing rule's conditions can read (see RoutingRule in the contract)."""
    return {
        "type": ticket.type,
        "category": ticket.category,
        "title": ticket.title,
        "description": ticket.description,
        "text": f"{ticket.title}\n{ticket.description}",
        "keywords": list(ticket.keywords or []),
        "product": ticket.product,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "customer_value_class": ticket.customer_value_class.lower(),
        "customer_at_risk": ticket.customer_at_risk,
    }


@dataclass
class Placement:
    """Where routing puts a ticket, before it is applied."""

    department_path: str
    rule: routing.Rule | None
    matched_conditions: list[str]
    fallback: bool
    reason: str


def place_by_rules(session: Session, ticket: Ticket) -> Placement:
    match = routing.match_rule(load_rules(session), facts_of(ticket))
    if match is None:
        return Placement(DEFAULT_DEPARTMENT, None, [], True,
                         f"no routing rule enabled -> {DEFAULT_DEPARTMENT}")
    label = "fallback rule" if match.fallback else "rule"
    return Placement(match.rule.department_path, match.rule, match.matched_conditions,
                     match.fallback, f"{label} '{match.rule.name}' -> {match.rule.department_path}")


def select_in_department(session: Session, department_path: str, *, rng: random.Random,
                         required_skills=(), mode: str = "least_loaded",
                         only: str | None = None) -> routing.Selection:
    """Pick an agent of the department (or judge the one named in ``only``)."""
    agents = agents_of(session, department_path)
    if only is not None:
        agents = [agent for agent in agents if agent.user_id == only]
        mode = "least_loaded" if mode == "queue_only" else mode
    counts = open_ticket_counts(session, [agent.user_id for agent in agents])
    profiles = [routing.AgentProfile(agent.user_id, agent.active, agent.available,
                                     frozenset(agent.skills or ()), agent.max_open_tickets,
                                     counts[agent.user_id]) for agent in agents]
    return routing.select_agent(profiles, required_skills, rng, mode=mode)


def apply_routing(
    session: Session,
    ticket: Ticket,
    *,
    kind: str,
    placement: Placement,
    now: datetime,
    rng: random.Random,
    actor_id: str,
    facts: CustomerFacts | None = None,
    priority_before: str | None = None,
    assignee_id: str = "",
    history_kind: str | None = "routed",
    reason: str = "",
) -> RoutingDecisionRecord:
    """Put the ticket in ``placement``'s department, pick (or check) its agent, record the
    decision and the history entries. The state change itself is the caller's."""
    rule = placement.rule
    mode = rule.agent_selection if rule else "least_loaded"
    required = list(rule.required_skills) if rule else []
    if assignee_id:
        selection = select_in_department(session, placement.department_path, rng=rng,
                                         required_skills=required, only=assignee_id)
        if selection.assignee_id != assignee_id:
            why = next((c.skip_reason for c in selection.candidates), "not_in_department")
            raise InvalidArgument(FieldViolation(
                "assignee_id", f"cannot take tickets of {placement.department_path} ({why})"))
    else:
        selection = select_in_department(session, placement.department_path, rng=rng,
                                         required_skills=required, mode=mode)
    summary = [placement.reason,
               f"assigned by hand to {assignee_id}" if assignee_id else selection.summary()]
    if facts is not None and not facts.known:
        summary.append(f"routed without customer facts ({facts.note})")
    if reason:
        summary.append(f"reason: {reason}")
    decision = RoutingDecisionRecord(
        ticket_id=ticket.id,
        kind=kind,
        rule_id=rule.id if rule else None,
        rule_name=rule.name if rule else None,
        matched_conditions=placement.matched_conditions,
        department_path=placement.department_path,
        fallback=placement.fallback,
        agent_selection=mode,
        required_skills=required,
        candidates=[vars(candidate) for candidate in selection.candidates],
        assignee_id=selection.assignee_id,
        tie_broken_at_random=selection.tie_broken_at_random,
        customer_value_class=ticket.customer_value_class,
        customer_at_risk=ticket.customer_at_risk,
        priority_before=priority_before or ticket.priority,
        priority_after=ticket.priority,
        reason="; ".join(summary),
        actor_id=actor_id or None,
        decide_time=now,
        note=reason or None,
        assigned_by_hand=bool(assignee_id),
        customer_facts_unknown=facts is not None and not facts.known,
    )
    session.add(decision)
    session.flush()  # the decision's id goes into the history entries
    previous_department, previous_assignee = ticket.department_path, ticket.assignee_id
    ticket.department_path = placement.department_path
    ticket.assignee_id = selection.assignee_id
    ticket.route_time = now
    if history_kind:
        record(session, ticket, history_kind, now, actor_id,
               from_department_path=previous_department or None,
               to_department_path=placement.department_path, reason=reason or placement.reason,
               routing_decision_id=decision.id)
    if selection.assignee_id != previous_assignee:
        record(session, ticket, "assigned", now, actor_id, from_assignee_id=previous_assignee,
               to_assignee_id=selection.assignee_id, routing_decision_id=decision.id)
    if selection.assignee_id:
        agent = session.get(Agent, selection.assignee_id)
        if agent is not None:
            agent.last_assign_time = now
    return decision


def can_see_department(principal: Principal, department_path: str) -> bool:
    """Whether the caller's scope covers a department (for acting on its queue)."""
    if principal.data_scope is DataScope.ALL:
        return True
    if principal.data_scope is DataScope.DEPARTMENT:
        return in_subtree(department_path, principal.department_path)
    return principal.has_role(*AGENT_ROLES) and department_path == principal.department_path
