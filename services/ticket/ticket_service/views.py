"""Rows ⇄ protos for tickets, their history, routing decisions, comments, service records,
routing rules and agents. Enums are stored by their short lower-case names (``in_progress``)."""

from __future__ import annotations

from datetime import timedelta

from crm.common.v1 import rules_pb2, types_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.contact_masks import masked_copy
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format
from google.protobuf.duration_pb2 import Duration

from ticket_service.models import (
    Agent,
    RoutingDecisionRecord,
    RoutingRuleRecord,
    ServiceRecordEntry,
    Ticket,
    TicketCommentRecord,
    TicketHistoryEntry,
)

TYPES = EnumNames(ticket_pb2.TicketType, "TICKET_TYPE_")
PRIORITIES = EnumNames(ticket_pb2.TicketPriority, "TICKET_PRIORITY_")
STATES = EnumNames(ticket_pb2.TicketState, "TICKET_STATE_")
CHANNELS = EnumNames(ticket_pb2.TicketChannel, "TICKET_CHANNEL_")
HISTORY_KINDS = EnumNames(ticket_pb2.TicketHistoryKind, "TICKET_HISTORY_KIND_")
ROUTING_KINDS = EnumNames(ticket_pb2.RoutingKind, "ROUTING_KIND_")
SELECTIONS = EnumNames(ticket_pb2.AgentSelection, "AGENT_SELECTION_")
VISIBILITIES = EnumNames(ticket_pb2.CommentVisibility, "COMMENT_VISIBILITY_")
VALUE_CLASSES = {"A": types_pb2.VALUE_CLASS_A, "B": types_pb2.VALUE_CLASS_B,
                 "C": types_pb2.VALUE_CLASS_C}


def duration(delta: timedelta) -> Duration:
    message = Duration()
    message.FromTimedelta(delta)
    return message


def etag_of(ticket: Ticket) -> str:
    return f'W/"{ticket.version}"'


REPORTER_CONTACT_FIELDS = ("reporter_phone", "reporter_email")
"""The reporter's addresses (a ticket by phone, or from the public help page). Every ticket
event carries them masked (:func:`ticket_for_event`): its consumers (notification, the customer
timeline, marketing's survey trigger) need the ticket's ids, department and state, never how to
reach the reporter, and an event is copied to every queue, the broker and its dead-letter
queues. Whoever calls the reporter back reads the ticket from this service (``GetTicket``)."""

FREE_TEXT_FIELDS = ("title", "description")
"""What the reporter or the agent typed: it often repeats a phone or an e-mail ("请回电
139..."), so every ticket event carries it with each such value masked."""


def ticket_for_event(message: ticket_pb2.Ticket) -> ticket_pb2.Ticket:
    """A copy of ``message`` as an event carries it: :data:`REPORTER_CONTACT_FIELDS` masked,
    and the addresses inside :data:`FREE_TEXT_FIELDS` (:mod:`crm_shared.contact_masks`);
    ``message`` (the caller's answer) is left as it is."""
    return masked_copy(message, REPORTER_CONTACT_FIELDS, FREE_TEXT_FIELDS)


def event_view(ticket: Ticket) -> ticket_pb2.Ticket:
    """The ticket as every ticket event carries it: the BASIC view, reporter masked."""
    return ticket_for_event(ticket_to_proto(ticket))


def ticket_to_proto(ticket: Ticket) -> ticket_pb2.Ticket:
    """The BASIC view."""
    paused = ticket.sla_paused_since is not None
    warnings = [time for time in (ticket.first_response_warning_time,
                                  ticket.resolution_warning_time) if time is not None]
    sla = ticket_pb2.TicketSla(
        policy_id=ticket.sla_policy_id or "",
        first_response_due_time=to_timestamp(ticket.first_response_due_time),
        resolution_due_time=to_timestamp(ticket.resolution_due_time),
        first_response_breached=ticket.first_response_breached,
        resolution_breached=ticket.resolution_breached,
        paused=paused,
        paused_duration=duration(timedelta(seconds=ticket.sla_paused_seconds)),
        warning_time=to_timestamp(max(warnings)) if warnings else None,
        reminder_time=to_timestamp(ticket.reminder_time),
        escalate_time=to_timestamp(ticket.escalate_time),
    )
    message = ticket_pb2.Ticket(
        id=ticket.id,
        number=ticket.number,
        type=TYPES.value(ticket.type),
        category=ticket.category,
        title=ticket.title,
        description=ticket.description,
        channel=CHANNELS.value(ticket.channel),
        product=ticket.product,
        keywords=list(ticket.keywords or []),
        priority=PRIORITIES.value(ticket.priority),
        priority_reason=ticket.priority_reason,
        state=STATES.value(ticket.state),
        customer_id=ticket.customer_id or "",
        contact_id=ticket.contact_id or "",
        reporter_name=ticket.reporter_name or "",
        reporter_phone=ticket.reporter_phone or "",
        reporter_email=ticket.reporter_email or "",
        customer_value_class=VALUE_CLASSES.get(ticket.customer_value_class, 0),
        customer_at_risk=ticket.customer_at_risk,
        department_path=ticket.department_path,
        assignee_id=ticket.assignee_id or "",
        account_manager_id=ticket.account_manager_id or "",
        sla=sla,
        resolution=ticket.resolution or "",
        transfer_count=ticket.transfer_count,
        reopen_count=ticket.reopen_count,
        escalation_level=ticket.escalation_level,
        external_ids=dict(ticket.external_ids or {}),
        create_time=to_timestamp(ticket.create_time),
        update_time=to_timestamp(ticket.update_time),
        route_time=to_timestamp(ticket.route_time),
        first_response_time=to_timestamp(ticket.first_response_time),
        resolve_time=to_timestamp(ticket.resolve_time),
        confirm_time=to_timestamp(ticket.confirm_time),
        close_time=to_timestamp(ticket.close_time),
        last_activity_time=to_timestamp(ticket.last_activity_time),
        created_by=ticket.created_by,
        updated_by=ticket.updated_by,
        etag=etag_of(ticket),
    )
    if ticket.satisfaction_score is not None:
        message.satisfaction_score = ticket.satisfaction_score
    return message


def history_to_proto(entry: TicketHistoryEntry) -> ticket_pb2.TicketHistoryEntry:
    return ticket_pb2.TicketHistoryEntry(
        id=str(entry.id),
        ticket_id=entry.ticket_id,
        kind=HISTORY_KINDS.value(entry.kind),
        from_state=STATES.value(entry.from_state),
        to_state=STATES.value(entry.to_state),
        from_department_path=entry.from_department_path or "",
        to_department_path=entry.to_department_path or "",
        from_assignee_id=entry.from_assignee_id or "",
        to_assignee_id=entry.to_assignee_id or "",
        from_priority=PRIORITIES.value(entry.from_priority),
        to_priority=PRIORITIES.value(entry.to_priority),
        actor_id=entry.actor_id or "",
        reason=entry.reason or "",
        routing_decision_id=str(entry.routing_decision_id or ""),
        occur_time=to_timestamp(entry.occur_time),
    )


def decision_to_proto(decision: RoutingDecisionRecord) -> ticket_pb2.RoutingDecision:
    return ticket_pb2.RoutingDecision(
        id=str(decision.id),
        ticket_id=decision.ticket_id,
        kind=ROUTING_KINDS.value(decision.kind),
        rule_id=decision.rule_id or "",
        rule_name=decision.rule_name or "",
        matched_conditions=list(decision.matched_conditions or []),
        department_path=decision.department_path,
        fallback=decision.fallback,
        agent_selection=SELECTIONS.value(decision.agent_selection),
        required_skills=list(decision.required_skills or []),
        candidates=[ticket_pb2.RoutingCandidate(**candidate)
                    for candidate in decision.candidates or []],
        assignee_id=decision.assignee_id or "",
        tie_broken_at_random=decision.tie_broken_at_random,
        customer_value_class=VALUE_CLASSES.get(decision.customer_value_class, 0),
        customer_at_risk=decision.customer_at_risk,
        priority_before=PRIORITIES.value(decision.priority_before),
        priority_after=PRIORITIES.value(decision.priority_after),
        reason=decision.reason,
        actor_id=decision.actor_id or "",
        decide_time=to_timestamp(decision.decide_time),
        note=decision.note or "",
        assigned_by_hand=bool(decision.assigned_by_hand),
        customer_facts_unknown=bool(decision.customer_facts_unknown),
    )


def comment_to_proto(comment: TicketCommentRecord) -> ticket_pb2.TicketComment:
    return ticket_pb2.TicketComment(
        id=str(comment.id),
        ticket_id=comment.ticket_id,
        author_id=comment.author_id,
        body=comment.body,
        visibility=VISIBILITIES.value(comment.visibility),
        create_time=to_timestamp(comment.create_time),
    )


def service_record_to_proto(record: ServiceRecordEntry) -> ticket_pb2.ServiceRecord:
    return ticket_pb2.ServiceRecord(
        id=record.id,
        ticket_id=record.ticket_id,
        customer_id=record.customer_id or "",
        author_id=record.author_id,
        actions_taken=record.actions_taken,
        customer_feedback=record.customer_feedback,
        next_plan=record.next_plan,
        service_time=to_timestamp(record.service_time),
        late=record.late,
        create_time=to_timestamp(record.create_time),
    )


def condition_to_json(group: rules_pb2.ConditionGroup) -> dict:
    return json_format.MessageToDict(group)


def rule_to_proto(rule: RoutingRuleRecord) -> ticket_pb2.RoutingRule:
    condition = rules_pb2.ConditionGroup()
    json_format.ParseDict(rule.condition or {}, condition)
    return ticket_pb2.RoutingRule(
        id=rule.id,
        display_name=rule.display_name,
        description=rule.description,
        condition=condition,
        target_department_path=rule.target_department_path,
        agent_selection=SELECTIONS.value(rule.agent_selection),
        required_skills=list(rule.required_skills or []),
        priority=rule.priority,
        enabled=rule.enabled,
        create_time=to_timestamp(rule.create_time),
        update_time=to_timestamp(rule.update_time),
        created_by=rule.created_by,
        updated_by=rule.updated_by,
    )


def agent_to_proto(agent: Agent, open_ticket_count: int) -> ticket_pb2.Agent:
    return ticket_pb2.Agent(
        user_id=agent.user_id,
        display_name=agent.display_name,
        department_path=agent.department_path,
        skills=list(agent.skills or []),
        max_open_tickets=agent.max_open_tickets,
        available=agent.available,
        available_again_time=to_timestamp(agent.available_again_time),
        open_ticket_count=open_ticket_count,
        department_lead=agent.department_lead,
        active=agent.active,
        last_assign_time=to_timestamp(agent.last_assign_time),
    )
