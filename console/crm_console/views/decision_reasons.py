"""The "why" of a ticket's routing decision in the reader's language.

The ticket service writes its ``reason`` in English for API clients; a page composes the same
sentence from the decision's structured fields (the kind, the rule, the department, how the
agent was picked, how many were eligible, the tie) with the catalogs' sentences, so a zh-CN
page never shows the service's English. The data in it (rule names, department paths, what a
person typed) stays as it is, marked ``translate="no"``."""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2
from markupsafe import Markup, escape

from crm_console.i18n import gettext as _


def _sentence(template: str, **values) -> Markup:
    """``template`` (already translated) with each text value as data and numbers as they are."""
    return Markup(escape(template)) % {
        name: value
        if isinstance(value, int)
        else Markup('<span translate="no">{}</span>').format(value)
        for name, value in values.items()
    }


def _joined(parts: list[Markup]) -> Markup:
    return Markup(escape(_("; "))).join(parts)


def placement(decision: ticket_pb2.RoutingDecision) -> Markup:
    """Where the decision put the ticket and by what: the rule, a person, a transfer."""
    department = decision.department_path
    if decision.kind == ticket_pb2.ROUTING_KIND_TRANSFER:
        return _sentence(_("transferred to %(department)s"), department=department)
    if decision.kind == ticket_pb2.ROUTING_KIND_MANUAL:
        return _sentence(_("routed by hand to %(department)s"), department=department)
    if decision.kind == ticket_pb2.ROUTING_KIND_REASSIGN:
        return _sentence(_("within %(department)s"), department=department)
    if decision.rule_name and decision.fallback:
        return _sentence(
            _("fallback rule '%(rule)s' -> %(department)s"),
            rule=decision.rule_name,
            department=department,
        )
    if decision.rule_name:
        return _sentence(
            _("rule '%(rule)s' -> %(department)s"), rule=decision.rule_name, department=department
        )
    return _sentence(_("no routing rule enabled -> %(department)s"), department=department)


def agent_pick(decision: ticket_pb2.RoutingDecision) -> Markup:
    """How the agent was picked, among how many eligible, and whether a tie was drawn."""
    eligible = sum(1 for candidate in decision.candidates if candidate.eligible)
    if decision.agent_selection == ticket_pb2.AGENT_SELECTION_QUEUE_ONLY:
        return _sentence(_("no agent is picked by this rule; waits in the department queue"))
    if not decision.assignee_id:
        return _sentence(
            _("no eligible agent among %(n)s; waits in the department queue"),
            n=len(decision.candidates),
        )
    if decision.agent_selection == ticket_pb2.AGENT_SELECTION_SKILL_MATCH:
        picked = _sentence(
            _("most matching skills, then least loaded, of %(n)s eligible agent(s)"), n=eligible
        )
    else:
        picked = _sentence(_("least loaded of %(n)s eligible agent(s)"), n=eligible)
    if decision.tie_broken_at_random:
        return _joined([picked, _sentence(_("tie broken at random"))])
    return picked


def routing_why(decision: ticket_pb2.RoutingDecision) -> Markup:
    """The decision's whole "why": where and by what, then how the agent was picked."""
    return _joined([placement(decision), agent_pick(decision)])


def history_detail(
    entry: ticket_pb2.TicketHistoryEntry, decisions: dict[str, ticket_pb2.RoutingDecision]
) -> Markup | None:
    """A routing history entry's detail as the reader reads it: the rules' placement sentence
    composed again from its decision; what a person typed (a transfer's or a re-route's
    reason) stays as it was written. None when the entry has no detail."""
    if not entry.reason:
        return None
    decision = decisions.get(entry.routing_decision_id)
    typed = (
        decision is None
        or decision.kind == ticket_pb2.ROUTING_KIND_TRANSFER
        or (
            # the service appends a person's reason to the decision's summary as "reason: <text>";
            # an entry whose detail is that text is theirs, otherwise it is the rules' sentence
            decision.reason.endswith(f"reason: {entry.reason}")
        )
    )
    if typed:
        return _sentence("%(text)s", text=entry.reason)
    return placement(decision)
