"""The "why" of a ticket's routing decision and of a lead's assignment in the reader's language.

The ticket and sales services write their ``reason`` in English for API clients; a page
composes the same sentence from the decision's structured fields (the kind or method, the rule,
the department, how the agent or rep was picked, how many were eligible, the tie) with the
catalogs' sentences, so a zh-CN page never shows the service's English. The data in it (rule
names, department paths, people, what a person typed) stays as it is, marked
``translate="no"``."""

from __future__ import annotations

from collections.abc import Mapping

from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from markupsafe import Markup, escape

from crm_console.i18n import N_
from crm_console.i18n import gettext as _

# Why a rep was skipped by an automatic assignment (the API's words → message ids).
SKIP_REASONS = {
    "unavailable": N_("unavailable"),
    "at_capacity": N_("at capacity"),
    "seniority": N_("not senior enough"),
    "inactive": N_("inactive"),
}


def _sentence(template: str, **values) -> Markup:
    """``template`` (already translated) with each text value as data; numbers and sentences
    composed here (Markup) go in as they are."""
    return Markup(escape(template)) % {
        name: value
        if isinstance(value, int | Markup)
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


def agent_pick(decision: ticket_pb2.RoutingDecision, names: Mapping[str, str]) -> Markup:
    """How the agent was picked (by hand, or by the rule among how many eligible, and whether
    a tie was drawn). ``names``: user id → display name."""
    eligible = sum(1 for candidate in decision.candidates if candidate.eligible)
    if decision.assigned_by_hand:
        return _sentence(
            _("assigned by hand to %(agent)s"),
            agent=names.get(decision.assignee_id) or decision.assignee_id,
        )
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


def routing_why(decision: ticket_pb2.RoutingDecision, names: Mapping[str, str]) -> Markup:
    """The decision's whole "why": where and by what, how the agent was picked, whether the
    customer's facts were missing, and what the person who acted wrote."""
    parts = [placement(decision), agent_pick(decision, names)]
    if decision.customer_facts_unknown:
        parts.append(_sentence(_("routed without customer facts")))
    if decision.note:
        parts.append(_sentence(_("reason: %(note)s"), note=decision.note))
    return _joined(parts)


def history_detail(
    entry: ticket_pb2.TicketHistoryEntry, decisions: Mapping[str, ticket_pb2.RoutingDecision]
) -> Markup | None:
    """A routing history entry's detail as the reader reads it: what a person wrote (a
    transfer's or a re-route's reason, the decision's note) stays as it was written; otherwise
    the detail is the rules' placement, composed again from the entry's decision. None when
    the entry has no detail."""
    if not entry.reason:
        return None
    decision = decisions.get(entry.routing_decision_id)
    # a transfer's reason is always a person's (older decisions have no note to compare)
    if (
        decision is None
        or decision.kind == ticket_pb2.ROUTING_KIND_TRANSFER
        or (entry.reason == decision.note)
    ):
        return _sentence("%(text)s", text=entry.reason)
    return placement(decision)


# -- a lead's assignment --------------------------------------------------------------------------


def _tied(decision: sales_pb2.LeadAssignment, picked: sales_pb2.AssignmentCandidate) -> int:
    """How many eligible reps were as due as the one picked (the draw was among them)."""
    if decision.strategy == sales_pb2.ASSIGNMENT_STRATEGY_LEAST_LOADED:
        same = [c for c in decision.candidates if c.open_lead_count == picked.open_lead_count]
    else:
        same = [c for c in decision.candidates if c.last_assign_time == picked.last_assign_time]
    return sum(1 for candidate in same if candidate.eligible)


def _rule_pick(decision: sales_pb2.LeadAssignment) -> Markup:
    """How the rule picked the rep (its strategy), among how many eligible, and the draw."""
    eligible = sum(1 for candidate in decision.candidates if candidate.eligible)
    if not decision.assignee_id:
        return _joined(
            [
                _sentence(_("no eligible rep among %(n)s"), n=len(decision.candidates)),
                _sentence(_("waits for a manual assignment")),
            ]
        )
    picked = next((c for c in decision.candidates if c.selected), None)
    if picked is None or not decision.strategy:  # decided before the strategy was kept
        how = _sentence(_("picked among %(n)s eligible rep(s)"), n=eligible)
    elif decision.strategy == sales_pb2.ASSIGNMENT_STRATEGY_LEAST_LOADED:
        how = _sentence(
            _("least loaded (%(open)s open) among %(n)s eligible rep(s)"),
            open=picked.open_lead_count,
            n=eligible,
        )
    elif not picked.last_assign_time.seconds and not picked.last_assign_time.nanos:
        how = _sentence(_("next in turn (never assigned) among %(n)s eligible rep(s)"), n=eligible)
    else:
        how = _sentence(
            _("next in turn (longest since the last lead) among %(n)s eligible rep(s)"), n=eligible
        )
    if decision.tie_broken_at_random and picked is not None:
        how = _joined(
            [how, _sentence(_("tie among %(n)s broken at random"), n=_tied(decision, picked))]
        )
    return how


def assignment_why(decision: sales_pb2.LeadAssignment, names: Mapping[str, str]) -> Markup:
    """The assignment's whole "why": the rule and how it picked, a person's hand and their
    reason, or a leaving rep's handover. ``names``: user id → display name."""
    person = {
        user_id: names.get(user_id, user_id)
        for user_id in (decision.assignee_id, decision.previous_assignee_id)
    }
    if decision.method == sales_pb2.ASSIGNMENT_METHOD_HANDOVER:
        return _sentence(
            _("%(leaver)s was disabled; handed to the named successor %(rep)s"),
            leaver=person[decision.previous_assignee_id],
            rep=person[decision.assignee_id],
        )
    if decision.method == sales_pb2.ASSIGNMENT_METHOD_MANUAL:
        parts = [_sentence(_("assigned by hand to %(rep)s"), rep=person[decision.assignee_id])]
        picked = next((c for c in decision.candidates if c.selected), None)
        if picked is not None and not picked.eligible:
            parts.append(
                _sentence(
                    _("despite: %(why)s"),
                    why=Markup(escape(_(SKIP_REASONS.get(picked.skip_reason, picked.skip_reason)))),
                )
            )
        if decision.note:
            parts.append(_sentence(_("reason: %(note)s"), note=decision.note))
        return _joined(parts)
    if decision.rule_name:
        return _sentence(
            _("rule '%(rule)s': %(how)s"), rule=decision.rule_name, how=_rule_pick(decision)
        )
    return _sentence(_("by the assignment rules: %(how)s"), how=_rule_pick(decision))
