"""Sales reports for sales leads and managers: the team's funnel and weighted forecast per rep
for a period, conversion and follow-up timeliness, the team's latest follow-ups with 批示
(manager comments; the service notifies the rep), and the handover of a leaving rep's book.

The handover is the customer service's ``HandOverCustomers`` (the only handover in the
contracts): it moves the rep's customers, and the sales service, on ``customer.handed_over``,
moves their open opportunities, quotes, contracts, follow-up tasks and plans. Leads are not
part of a customer handover (they move only by assignment), so the same form also reassigns
the rep's open leads to the successor with ``AssignLead``, one call per lead."""

from __future__ import annotations

from urllib.parse import urlsplit

from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from flask import Blueprint, redirect, render_template, request, url_for

from crm_console.display import today
from crm_console.i18n import N_, current_language, gettext
from crm_console.navigation import SALES_LEADS, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import sales_forms as forms
from crm_console.views.leads import OPEN_STATUSES, comments_of
from crm_console.views.leads import enums as lead_enums

blueprint = Blueprint("sales_reports", __name__, url_prefix="/sales")
NAV = [NavItem("sales_reports.reports", N_("Sales reports"), roles=SALES_LEADS, order=40,
               section=N_("Sales"))]
STAGE = sales_pb2.OpportunityStage.DESCRIPTOR
FUNNEL_STAGES = ("potential", "intent", "proposal", "negotiation", "won")


def funnel_option(funnel: sales_pb2.SalesFunnel) -> dict:
    """The ECharts funnel of the API's counts per stage (lost is in the table below it)."""
    names = forms.stage_names()
    data = [{"name": names.get(stage.stage, ""), "value": stage.count,
             "stage": forms.enum_word(STAGE, stage.stage)}
            for stage in funnel.stages if forms.enum_word(STAGE, stage.stage) in FUNNEL_STAGES]
    return {
        "tooltip": {"trigger": "item"},
        "series": [{"type": "funnel", "name": gettext("Opportunities"), "sort": "none",
                    "minSize": "8%", "gap": 2, "left": "5%", "width": "90%",
                    "label": {"show": True, "position": "inside"}, "data": data}],
    }


def forecast_rows(forecast: sales_pb2.SalesForecast, names: dict[str, str]) -> list[dict]:
    """Per rep over the period's buckets: open count, pipeline, weighted and won amounts."""
    reps: dict[str, dict] = {}
    for row in forecast.rows:
        name = names.get(row.group_key, row.display_name or row.group_key)
        rep = reps.setdefault(row.group_key, {"key": row.group_key, "name": name,
                                              "open_count": 0, "pipeline": 0, "weighted": 0,
                                              "won": 0})
        rep["open_count"] += row.open_count
        rep["pipeline"] += row.pipeline_amount.amount_minor
        rep["weighted"] += row.weighted_amount.amount_minor
        rep["won"] += row.won_amount.amount_minor
    return sorted(reps.values(), key=lambda rep: -rep["weighted"])


def forecast_option(rows: list[dict]) -> dict:
    """Bars per rep: weighted pipeline and won amount, in yuan."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": [row["name"] for row in rows],
                  "axisLabel": {"interval": 0, "rotate": 30 if len(rows) > 4 else 0}},
        "yAxis": {"type": "value", "name": "¥"},
        "series": [
            {"type": "bar", "name": gettext("Weighted pipeline"),
             "data": [row["weighted"] / 100 for row in rows]},
            {"type": "bar", "name": gettext("Won"),
             "data": [row["won"] / 100 for row in rows]},
        ],
    }


def _department_options(reps) -> list[tuple[str, str]]:
    paths = sorted({rep.department_path for rep in reps if rep.department_path})
    return [("", gettext("Everything I can see"))] + [(path, path) for path in paths]


def _report_context(period_word: str, department: str) -> dict:
    period = forms.period_range(period_word, today())
    funnel = call("sales", "GetSalesFunnel", sales_pb2.GetSalesFunnelRequest(
        period=period, department_path=department))
    forecast = call("sales", "GetSalesForecast", sales_pb2.GetSalesForecastRequest(
        period=period, department_path=department, group_by=sales_pb2.REPORT_GROUP_BY_OWNER))
    conversion = call("sales", "GetConversionReport", sales_pb2.GetConversionReportRequest(
        period=period, department_path=department, group_by=sales_pb2.REPORT_GROUP_BY_OWNER))
    follow_ups = call("sales", "GetFollowUpReport", sales_pb2.GetFollowUpReportRequest(
        period=period, department_path=department, group_by=sales_pb2.REPORT_GROUP_BY_OWNER))
    activities = list(call("sales", "ListActivities", sales_pb2.ListActivitiesRequest(
        page_size=20, department_path=department,
        start_time=forms.period_start_time(period))).activities)
    rows = forecast_rows(forecast, forms.rep_names())
    try:  # why lost customers left (issue 19); the rest of the page does without it
        churn = call("sales", "GetChurnReport", sales_pb2.GetChurnReportRequest(
            period=period, department_path=department)).rows
    except Refusal:
        churn = []
    chinese = current_language().startswith("zh")  # the reasons are data named in both
    try:
        handovers = list(call("customer", "ListHandovers", customer_pb2.ListHandoversRequest(
            page_size=10)).handovers)
    except Refusal:
        handovers = []
    return {
        "period_word": period_word if period_word in forms.PERIODS else forms.DEFAULT_PERIOD,
        "period": period, "department": department, "periods": forms.PERIODS,
        "funnel": funnel, "funnel_option": funnel_option(funnel),
        "forecast": forecast, "forecast_rows": rows, "forecast_option": forecast_option(rows),
        "conversion": conversion, "follow_ups": follow_ups,
        "activities": activities, "comments": comments_of(activities),
        "names": forms.rep_names(), "enums": {**lead_enums(), "stage": STAGE},
        "stage_names": forms.stage_names(),
        "department_options": _department_options(forms.sales_reps()),
        "rep_choices": forms.rep_options(blank=gettext("Choose a rep")),
        "handovers": handovers,
        "churn_rows": [(row.name if chinese else row.name_en, row.count) for row in churn],
    }


@blueprint.get("/reports")
def reports():
    context = _report_context(request.args.get("period", forms.DEFAULT_PERIOD),
                              request.args.get("department", "").strip())
    done = {}
    if request.args.get("handover"):
        try:
            done["handover"] = call("customer", "GetHandover", customer_pb2.GetHandoverRequest(
                id=request.args["handover"]))
        except Refusal:
            pass
        done["leads"] = request.args.get("leads", "0")
        done["leads_failed"] = request.args.get("leads_failed", "0")
    return render_template("sales/reports.html", done=done, handover=(
        {"request_id": forms.request_id(), "include_leads": "true"}, {}), **context)


@blueprint.post("/handover")
def hand_over():
    """A leaving rep's book in one action: their customers (and with them the open deals, quotes,
    contracts, tasks and plans) through the customer service, then their open leads."""
    values = request.form
    errors: dict[str, str] = {}
    source, target = values.get("from_user_id", ""), values.get("to_user_id", "")
    try:
        handover = call("customer", "HandOverCustomers", customer_pb2.HandOverCustomersRequest(
            from_user_id=source, to_user_id=target,
            reason=values.get("reason", "").strip(), request_id=forms._key(values)))
    except Refusal as refusal:
        if refusal.status not in (400, 403, 404, 409, 422) and not refusal.field_errors:
            raise
        errors = refusal.field_errors or {"": refusal.message}
        context = _report_context(values.get("period", forms.DEFAULT_PERIOD),
                                  values.get("department", ""))
        return render_template("sales/reports.html", handover=(values, errors), done={},
                               **context), 422
    moved, failed = 0, 0
    if values.get("include_leads") in ("true", "on", "1"):
        moved, failed = _reassign_open_leads(source, target, values.get("reason", "").strip(),
                                             handover.id)
    return redirect(url_for("sales_reports.reports", handover=handover.id, leads=moved,
                            leads_failed=failed) + "#handover")


def _reassign_open_leads(source: str, target: str, reason: str, handover_id: str
                         ) -> tuple[int, int]:
    """AssignLead for each open lead of ``source``; keyed by the handover, so a repeated form
    reassigns nothing twice. Returns (moved, refused)."""
    import uuid

    moved = failed = 0
    statuses = [forms.enum_number(sales_pb2.LeadStatus.DESCRIPTOR, s) for s in OPEN_STATUSES]
    leads, token = [], ""
    while True:
        page = call("sales", "ListLeads", sales_pb2.ListLeadsRequest(
            owner_id=source, statuses=statuses, page_size=500, page_token=token))
        leads.extend(page.leads)
        token = page.next_page_token
        if not token or len(leads) >= 5000:
            break
    for lead in leads:
        try:
            call("sales", "AssignLead", sales_pb2.AssignLeadRequest(
                id=lead.id, assignee_id=target, reason=reason or gettext("Handover"),
                request_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{handover_id}/{lead.id}"))))
            moved += 1
        except Refusal:
            failed += 1
    return moved, failed


@blueprint.post("/follow-ups/<activity_id>/comments")
def comment(activity_id: str):
    """批示 on a rep's follow-up record; the sales service tells the rep."""
    body = request.form.get("body", "").strip()
    call("sales", "CreateActivityComment", sales_pb2.CreateActivityCommentRequest(
        comment=sales_pb2.ActivityComment(activity_id=activity_id, body=body),
        request_id=forms.request_id()), field_prefix="comment.")
    return redirect(_safe_next(request.form.get("next")) + f"#activity-{activity_id}")


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") \
            or target.startswith("//"):
        return url_for("sales_reports.reports")
    return target
