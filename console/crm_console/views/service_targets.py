"""Service targets for service leads and managers (issue 18): set an agent's or the team's
target for a month, quarter or year - first responses and resolutions within SLA, satisfaction -
and see each agent's and the team's figures against it.

The figures are the ticket service's (``GetServiceTargetAttainment``: KPIs with their targets),
shown as the dashboard shows a KPI (:func:`crm_console.views.dashboard.kpi_row`); the ticket
service decides who may set or see which target. The periods offered are the sales targets'
(:func:`crm_console.views.sales_targets.period_options`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crm.ticket.v1 import ticket_pb2
from flask import Blueprint, g, redirect, render_template, request, url_for

from crm_console.display import today
from crm_console.i18n import N_, gettext
from crm_console.navigation import SERVICE_LEADS, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call, start
from crm_console.views.dashboard import kpi_row
from crm_console.views.sales_targets import period_options

blueprint = Blueprint("service_targets", __name__, url_prefix="/service")
NAV = [
    NavItem(
        "service_targets.targets",
        N_("Service targets"),
        roles=SERVICE_LEADS,
        order=60,
        section=N_("Service"),
    )
]
PERCENT_FIELDS = ("first_response_sla_rate", "resolution_sla_rate")
FIELDS = ("agent_id", "period", *PERCENT_FIELDS, "satisfaction_score")


def target_request(
    form, department: str
) -> tuple[ticket_pb2.SetServiceTargetRequest, dict[str, str]]:
    """The form as SetServiceTarget: an agent's target, or the team's when no agent is chosen;
    the SLA shares typed in percent, the score as it is. Errors the page can tell (not a
    number, a percentage outside 0..100) come back by field name; the rest is the service's."""
    errors: dict[str, str] = {}
    target = ticket_pb2.ServiceTarget(period=form.get("period", "").strip())
    agent_id = form.get("agent_id", "").strip()
    if agent_id:
        target.agent_id = agent_id
    else:
        target.department_path = department
    for name in (*PERCENT_FIELDS, "satisfaction_score"):
        text = form.get(name, "").strip().replace("%", "").replace("％", "")
        if not text:
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors[name] = gettext("Enter a number such as 95 or 4.5.")
            continue
        if not number.is_finite():
            errors[name] = gettext("Enter a number such as 95 or 4.5.")
        elif name in PERCENT_FIELDS:
            if not 0 <= number <= 100:
                errors[name] = gettext("Enter a percentage from 0 to 100.")
            else:
                setattr(target, name, float(number / 100))
        else:
            setattr(target, name, float(number))
    return ticket_pb2.SetServiceTargetRequest(target=target), errors


def _rows(answer: ticket_pb2.ServiceTargetAttainment) -> list[dict]:
    return [kpi_row(kpi) for kpi in answer.kpis]


def _context(period: str, department: str) -> dict:
    agents = call(
        "ticket",
        "ListAgents",
        ticket_pb2.ListAgentsRequest(page_size=500, department_path=department),
    ).agents
    pending = {
        agent.user_id: start(
            "ticket",
            "GetServiceTargetAttainment",
            ticket_pb2.GetServiceTargetAttainmentRequest(agent_id=agent.user_id, period=period),
        )
        for agent in agents
    }
    try:
        team = call(
            "ticket",
            "GetServiceTargetAttainment",
            ticket_pb2.GetServiceTargetAttainmentRequest(department_path=department, period=period),
        )
    except Refusal:
        team = None  # an agent sees their own figures only
    rows = []
    for agent in agents:
        try:
            answer = pending[agent.user_id].result()
        except Refusal:
            continue  # not one the caller may see
        rows.append((agent, _rows(answer)))
    periods = period_options(today())
    return {
        "period": period,
        "period_choices": [(word, word) for word in periods],
        "department": department,
        "team": team,
        "team_rows": _rows(team) if team else [],
        "rows": rows,
        "agent_choices": [("", gettext("The whole team"))]
        + [(agent.user_id, agent.display_name or agent.username) for agent in agents],
    }


def _period_of(value: str | None) -> str:
    options = period_options(today())
    return value if value in options else options[2]


@blueprint.get("/targets")
def targets():
    department = request.args.get("department", "").strip() or g.principal.department_path
    context = _context(_period_of(request.args.get("period")), department)
    return render_template(
        "tickets/targets.html", values={"period": context["period"]}, errors={}, **context
    )


@blueprint.post("/targets")
def set_target():
    values = {name: request.form.get(name, "") for name in FIELDS}
    department = request.form.get("department", "").strip() or g.principal.department_path
    period = _period_of(request.form.get("period"))
    set_request, errors = target_request(request.form, department)
    if not errors:
        try:
            call("ticket", "SetServiceTarget", set_request, field_prefix="target.")
            return redirect(
                url_for(
                    "service_targets.targets",
                    period=set_request.target.period,
                    department=department,
                )
                + "#agents"
            )
        except Refusal as refusal:
            if refusal.status not in (400, 403, 404, 422) and not refusal.field_errors:
                raise
            errors = {
                (name if name in FIELDS else ""): text
                for name, text in refusal.field_errors.items()
            } or {"": refusal.message}
    context = _context(period, department)
    return render_template("tickets/targets.html", values=values, errors=errors, **context), 422
