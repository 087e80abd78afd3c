"""Sales targets for sales leads and managers (issue 18; seeds 002 所有工作业绩可查询, 003
绩效指标与激励管理): set a rep's or the team's target for a month, quarter or year, and see the
team's attainment and its leaderboard.

Everything shown is what the sales service answers for this user (``GetSalesLeaderboard``,
``GetTargetAttainment``): it decides who may set or see which target, computes the actuals
(contracts signed in the period, new customers, follow-ups) and orders the leaderboard; the
page only picks the period and the team and formats the figures.
"""

from __future__ import annotations

from datetime import date

from crm.sales.v1 import sales_pb2
from flask import Blueprint, g, redirect, render_template, request, url_for

from crm_console.display import today
from crm_console.i18n import N_, gettext
from crm_console.navigation import SALES_LEADS, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import sales_forms as forms

blueprint = Blueprint("sales_targets", __name__, url_prefix="/sales")
NAV = [
    NavItem(
        "sales_targets.targets", N_("Targets"), roles=SALES_LEADS, order=45, section=N_("Sales")
    )
]
METRIC_LABELS = {
    "signed_amount": N_("Signed amount"),
    "new_customers": N_("New customers"),
    "follow_ups": N_("Follow-ups"),
}
"""The metrics the service reports (``TargetMetricAttainment.key``), in the reader's words."""
FIELDS = ("rep_id", "period", "signed_amount", "new_customer_count", "follow_up_count")


def period_options(day: date) -> list[str]:
    """The periods a lead picks from: the month of ``day``, the two before and the two after,
    its quarter and the next, its year and the next (the contract's words: ``2026-12``,
    ``2026-Q4``, ``2026``)."""
    months = []
    for shift in (-2, -1, 0, 1, 2):
        index = day.year * 12 + day.month - 1 + shift
        months.append(f"{index // 12}-{index % 12 + 1:02d}")
    quarter = (day.month - 1) // 3
    quarters = [
        f"{day.year}-Q{quarter + 1}",
        f"{day.year + (quarter == 3)}-Q{(quarter + 1) % 4 + 1}",
    ]
    return [*months, *quarters, str(day.year), str(day.year + 1)]


def metric_cells(attainment: sales_pb2.TargetAttainment) -> dict[str, dict]:
    """Per metric key: its label, unit currency (None for a count), target, actual, ratio."""
    cells = {}
    for metric in attainment.metrics:
        currency = metric.unit.split(":", 1)[1] if metric.unit.startswith("minor:") else None
        cells[metric.key] = {
            "label": METRIC_LABELS.get(metric.key, metric.display_name),
            "currency": currency,
            "actual": metric.actual,
            "target": metric.target if metric.HasField("target") else None,
            "ratio": metric.ratio if metric.HasField("ratio") else None,
        }
    return cells


def leaderboard_option(board: sales_pb2.SalesLeaderboard) -> dict:
    """Bars per rep, best first: the signed amount's attainment in percent (0 without a
    target)."""
    names, values = [], []
    for row in board.rows:
        cells = metric_cells(row.attainment)
        names.append(row.attainment.display_name or row.attainment.rep_id)
        ratio = cells.get("signed_amount", {}).get("ratio")
        values.append(round(ratio * 100, 1) if ratio is not None else 0)
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 24, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": names,
            "axisLabel": {"interval": 0, "rotate": 30 if len(names) > 4 else 0},
        },
        "yAxis": {"type": "value", "name": "%"},
        "series": [{"type": "bar", "name": gettext("Signed amount attained"), "data": values}],
    }


def target_request(form, department: str) -> tuple[sales_pb2.SetSalesTargetRequest, dict[str, str]]:
    """The form as SetSalesTarget: a rep's target, or the team's when no rep is chosen; the
    amount in yuan. Errors the page can tell (an amount or count that is not a number) come
    back by field name; the rest is the service's to judge."""
    errors: dict[str, str] = {}
    target = sales_pb2.SalesTarget(period=form.get("period", "").strip())
    rep_id = form.get("rep_id", "").strip()
    if rep_id:
        target.rep_id = rep_id
    else:
        target.department_path = department
    amount = forms.money_from_text(form.get("signed_amount"), "signed_amount", errors)
    if amount is not None:
        target.signed_amount.CopyFrom(amount)
    for name in ("new_customer_count", "follow_up_count"):
        text = form.get(name, "").strip()
        if not text:
            continue
        if not text.isdigit() or len(text) > 9:
            errors[name] = gettext("Enter a whole number of zero or more.")
        else:
            setattr(target, name, int(text))
    return sales_pb2.SetSalesTargetRequest(target=target), errors


def _context(period: str, department: str) -> dict:
    board = call(
        "sales",
        "GetSalesLeaderboard",
        sales_pb2.GetSalesLeaderboardRequest(period=period, department_path=department),
    )
    try:
        team = call(
            "sales",
            "GetTargetAttainment",
            sales_pb2.GetTargetAttainmentRequest(
                period=period, department_path=board.department_path
            ),
        )
    except Refusal:
        team = None  # a rep sees their own row only, not the team's figures
    departments = sorted(
        {rep.department_path for rep in forms.sales_reps() if rep.department_path}
        | {board.department_path}
    )
    return {
        "period": period,
        "period_choices": [(word, word) for word in period_options(today())],
        "board": board,
        "department": board.department_path,
        "team": team,
        "team_cells": metric_cells(team) if team is not None else {},
        "rows": [(row, metric_cells(row.attainment)) for row in board.rows],
        "chart_option": leaderboard_option(board),
        "department_options": [(path, path) for path in departments],
        "rep_choices": forms.rep_options(blank=gettext("The whole team")),
    }


def _period_of(value: str | None) -> str:
    options = period_options(today())
    return value if value in options else options[2]


@blueprint.get("/targets")
def targets():
    principal = g.principal
    department = request.args.get("department", "").strip() or principal.department_path
    context = _context(_period_of(request.args.get("period")), department)
    return render_template(
        "sales/targets.html", values={"period": context["period"]}, errors={}, **context
    )


@blueprint.post("/targets")
def set_target():
    values = {name: request.form.get(name, "") for name in FIELDS}
    department = request.form.get("department", "").strip() or g.principal.department_path
    period = _period_of(request.form.get("period"))
    set_request, errors = target_request(request.form, department)
    if not errors:
        try:
            call("sales", "SetSalesTarget", set_request, field_prefix="target.")
            return redirect(
                url_for(
                    "sales_targets.targets", period=set_request.target.period, department=department
                )
                + "#leaderboard"
            )
        except Refusal as refusal:
            if refusal.status not in (400, 403, 404, 422) and not refusal.field_errors:
                raise
            errors = {_form_field(name): text for name, text in refusal.field_errors.items()} or {
                "": refusal.message
            }
    context = _context(period, department)
    return render_template("sales/targets.html", values=values, errors=errors, **context), 422


def _form_field(api_field: str) -> str:
    """The form's input for a field the service named (``signed_amount.amount_minor`` is the
    amount's box; ``department_path`` the team, chosen above the form)."""
    name = api_field.split(".", 1)[0]
    return name if name in FIELDS else ""
