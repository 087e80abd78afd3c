"""The SLA clock of tickets: due times from the policy and the department's calendar, paused
while waiting on the customer, first response and resolution judged against them; and the
timer's scan that reminds, escalates, warns and records breaches, each once per ticket.

Policies and calendars are the set-up side (:mod:`ticket_service.sla_policies`,
:mod:`ticket_service.calendars`); this module applies them to tickets. ``scan`` takes ``now``
so tests (and the worker's timer) control the clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.ticket.v1 import events_pb2, ticket_pb2
from crm_shared.db import Database
from crm_shared.telemetry import within_trace_of
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ticket_service import calendars, lifecycle, sla_policies, tickets
from ticket_service.models import SlaPolicy, Ticket
from ticket_service.views import duration, event_view

log = logging.getLogger(__name__)

Emit = Callable[..., str]

# Used when no policy applies (or a policy leaves a figure empty).
DEFAULT_UNTOUCHED = timedelta(hours=24)
DEFAULT_ESCALATE_AFTER = timedelta(hours=24)

TIMED_STATES = frozenset({lifecycle.NEW, lifecycle.ROUTED, lifecycle.IN_PROGRESS})
"""States in which the clock runs (waiting on the customer pauses it; resolved stops it)."""


@dataclass(frozen=True)
class Terms:
    policy_id: str | None
    first_response: timedelta | None
    resolution: timedelta | None
    business_hours_only: bool
    warning_before: timedelta | None
    untouched: timedelta
    escalate_after: timedelta


def _seconds(value: int | None) -> timedelta | None:
    return timedelta(seconds=value) if value else None


def terms_of(policy: SlaPolicy | None) -> Terms:
    if policy is None:
        return Terms(None, None, None, False, None, DEFAULT_UNTOUCHED, DEFAULT_ESCALATE_AFTER)
    return Terms(
        policy.id,
        _seconds(policy.first_response_seconds),
        _seconds(policy.resolution_seconds),
        policy.business_hours_only,
        _seconds(policy.warning_before_seconds),
        _seconds(policy.untouched_reminder_seconds) or DEFAULT_UNTOUCHED,
        _seconds(policy.escalate_after_seconds) or DEFAULT_ESCALATE_AFTER,
    )


def terms_for(session: Session, ticket: Ticket) -> Terms:
    """The terms of the policy the ticket's clock runs on (the one picked at routing)."""
    policy = session.get(SlaPolicy, ticket.sla_policy_id) if ticket.sla_policy_id else None
    return terms_of(policy)


def _calendar(session: Session, ticket: Ticket, terms: Terms):
    return calendars.calendar_for(session, ticket.department_path) if terms.business_hours_only else None


def start_clock(session: Session, ticket: Ticket) -> None:
    """Pick the policy for the ticket's type and priority and set its due times, counted from
    its creation (plus the time it spent paused). Called at routing and on priority changes."""
    policy = sla_policies.policy_for(session, ticket.type, ticket.priority)
    terms = terms_of(policy)
    ticket.sla_policy_id = terms.policy_id
    calendar = _calendar(session, ticket, terms)
    paused = timedelta(seconds=ticket.sla_paused_seconds)

    def due(target: timedelta | None) -> datetime | None:
        if target is None:
            return None
        return calendars.add_business_time(calendar, ticket.create_time, target + paused)

    ticket.first_response_due_time = due(terms.first_response)
    ticket.resolution_due_time = due(terms.resolution)


def pause(ticket: Ticket, now: datetime) -> None:
    if ticket.sla_paused_since is None:
        ticket.sla_paused_since = now


def resume(session: Session, ticket: Ticket, now: datetime) -> None:
    """End a pause: the due times move out by the (business) time spent waiting."""
    since = ticket.sla_paused_since
    if since is None:
        return
    ticket.sla_paused_since = None
    terms = terms_for(session, ticket)
    calendar = _calendar(session, ticket, terms)
    waited = calendars.business_time_between(calendar, since, now)
    ticket.sla_paused_seconds += int(waited.total_seconds())
    if ticket.first_response_time is None and ticket.first_response_due_time is not None:
        ticket.first_response_due_time = calendars.add_business_time(
            calendar, ticket.first_response_due_time, waited)
    if ticket.resolution_due_time is not None:
        ticket.resolution_due_time = calendars.add_business_time(
            calendar, ticket.resolution_due_time, waited)


def record_first_response(ticket: Ticket, now: datetime) -> bool:
    """Mark the first response (once); True when this was it."""
    if ticket.first_response_time is not None:
        return False
    ticket.first_response_time = now
    if ticket.first_response_due_time is not None and now > ticket.first_response_due_time:
        ticket.first_response_breached = True
    return True


def record_resolution(ticket: Ticket, now: datetime) -> None:
    if ticket.resolution_due_time is not None and now > ticket.resolution_due_time:
        ticket.resolution_breached = True


# -- the timer's scan ---------------------------------------------------------------------------


def due_actions(ticket: Ticket, terms: Terms, now: datetime) -> list[str]:
    """What the scan must do for the ticket now, in order; each at most once per clock."""
    actions: list[str] = []
    if ticket.state not in TIMED_STATES:
        return actions
    reminded_since_activity = (ticket.reminder_time is not None
                               and ticket.reminder_time >= ticket.last_activity_time)
    if not reminded_since_activity:
        if now - ticket.last_activity_time >= terms.untouched:
            actions.append("remind")
    elif ((ticket.escalate_time is None or ticket.escalate_time < ticket.reminder_time)
          and now - ticket.reminder_time >= terms.escalate_after):
        actions.append("escalate")
    targets = (("first_response", ticket.first_response_time is None),
               ("resolution", True))
    for target, running in targets:
        due = getattr(ticket, f"{target}_due_time")
        if not running or due is None:
            continue
        if now >= due:
            if not getattr(ticket, f"{target}_breached"):
                actions.append(f"breach:{target}")
        elif (terms.warning_before is not None and now >= due - terms.warning_before
              and getattr(ticket, f"{target}_warning_time") is None):
            actions.append(f"warn:{target}")
    return actions


SLA_TARGETS = {"first_response": ticket_pb2.SLA_TARGET_FIRST_RESPONSE,
               "resolution": ticket_pb2.SLA_TARGET_RESOLUTION}


def _apply(session: Session, ticket: Ticket, action: str, now: datetime, emit: Emit) -> None:
    """Record one scan action on the ticket and emit its event. The system acts: the ticket's
    untouched clock (``last_activity_time``) does not restart."""
    ticket.update_time = now
    if action == "remind":
        untouched = now - ticket.last_activity_time
        ticket.reminder_time = now
        ticket.escalation_level = max(ticket.escalation_level, 1)
        tickets.record(session, ticket, "sla_reminder", now, None,
                       reason=f"untouched for {_hours(untouched)}",
                       to_assignee_id=ticket.assignee_id)
        session.flush()
        emit(events_pb2.TicketSlaReminder(ticket=event_view(ticket),
                                          untouched_duration=duration(untouched)), key=ticket.id)
    elif action == "escalate":
        lead = tickets.department_lead(session, ticket.department_path)
        untouched = now - ticket.last_activity_time
        reason = f"untouched for {_hours(untouched)} after the reminder"
        ticket.escalate_time = now
        ticket.escalation_level = 2
        tickets.record(session, ticket, "escalated", now, None, reason=reason,
                       to_assignee_id=lead or None)
        session.flush()
        emit(events_pb2.TicketEscalated(ticket=event_view(ticket), escalated_to_user_id=lead,
                                        reason=reason, manual=False), key=ticket.id)
    else:
        verb, target = action.split(":")
        due = getattr(ticket, f"{target}_due_time")
        if verb == "breach":
            setattr(ticket, f"{target}_breached", True)
            tickets.record(session, ticket, "sla_breached", now, None,
                           reason=f"{target.replace('_', ' ')} was due {due.isoformat()}")
            session.flush()
            emit(events_pb2.TicketSlaBreached(ticket=event_view(ticket),
                                              target=SLA_TARGETS[target],
                                              due_time=to_timestamp(due)), key=ticket.id)
        else:
            setattr(ticket, f"{target}_warning_time", now)
            tickets.record(session, ticket, "sla_warning", now, None,
                           reason=f"{target.replace('_', ' ')} due {due.isoformat()}")
            session.flush()
            emit(events_pb2.TicketSlaWarning(ticket=event_view(ticket),
                                             target=SLA_TARGETS[target],
                                             due_time=to_timestamp(due),
                                             remaining=duration(due - now)), key=ticket.id)


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.0f} h"


def scan(database: Database, now: datetime) -> dict[str, int]:
    """One pass of the SLA timer over the tickets whose clock runs. Each ticket is changed in
    its own unit of work, guarded by its version: a ticket changed meanwhile (by a person or
    another worker replica) is left to the next pass. Returns how many of each action fired."""
    fired: dict[str, int] = {}
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(Ticket).where(Ticket.state.in_(TIMED_STATES))).all()
        todo = []
        for ticket in rows:
            actions = due_actions(ticket, terms_for(uow.session, ticket), now)
            if actions:
                todo.append((ticket.id, ticket.version))
    for ticket_id, version in todo:
        try:
            with database.unit_of_work() as uow:
                ticket = uow.session.get(Ticket, ticket_id)
                if ticket is None or ticket.version != version:
                    continue
                # The timer's events belong to the ticket's trace, like every other action on it.
                with within_trace_of(ticket.trace_parent or "", "ticket.sla_scan",
                                     {"crm.ticket.id": ticket.id}):
                    for action in due_actions(ticket, terms_for(uow.session, ticket), now):
                        _apply(uow.session, ticket, action, now, uow.emit)
                        key = action.split(":")[0]
                        fired[key] = fired.get(key, 0) + 1
        except StaleDataError:
            log.info("ticket %s changed during the SLA scan; left to the next pass", ticket_id)
    return fired


def auto_close(database: Database, now: datetime) -> int:
    """Close resolved tickets the customer did not confirm within the ticket policy's
    ``auto_close_after`` (each once, guarded by its version like ``scan``); returns how many."""
    with database.unit_of_work(readonly=True) as uow:
        after = sla_policies.ticket_policy(uow.session).auto_close_after
        if after is None:
            return 0
        due = uow.session.execute(
            select(Ticket.id, Ticket.version).where(Ticket.state == lifecycle.RESOLVED,
                                                    Ticket.resolve_time <= now - after)
        ).all()
    closed = 0
    for ticket_id, version in due:
        try:
            with database.unit_of_work() as uow:
                ticket = uow.session.get(Ticket, ticket_id)
                if ticket is None or ticket.version != version:
                    continue
                with within_trace_of(ticket.trace_parent or "", "ticket.auto_close",
                                     {"crm.ticket.id": ticket.id}):
                    tickets.change_state(
                        uow.session, ticket, "close", now, None,
                        f"closed automatically: not confirmed within {_hours(after)}")
                    ticket.close_time = now
                    ticket.update_time = now
                    uow.session.flush()
                    uow.emit(events_pb2.TicketClosed(ticket=event_view(ticket),
                                                     auto_closed=True), key=ticket.id)
                closed += 1
        except StaleDataError:
            log.info("ticket %s changed while closing it automatically; left to the next pass",
                     ticket_id)
    return closed
