"""The dashboard: every service's KPI panel for a period and a department, each KPI next to
its previous-period value (a table of formatted figures and an ECharts bar chart).

The panels are gathered by :mod:`crm_shared.kpis` (the same gathering as the gateway's
``GET /api/v1/dashboard``): the five ``Get<Service>Kpis`` calls run in parallel with the
signed-in user's token and a deadline, and a service that is down, slow or refuses gives a
panel that says so while the others render. The page never fails as a whole.

Reports are kept for a while per person, period and department
(``CONSOLE_DASHBOARD_CACHE_SECONDS``, :class:`crm_shared.kpis.KpiGatherer`): each is an
aggregate over a service's whole data set. Every panel says when its figures were computed and
"Refresh figures" asks the services again.

The page is one plain GET form and its answer, without htmx partial updates: htmx drops the
``<script type="application/json">`` that holds each chart's data from the content it swaps
in (``allowScriptTags: false``), so a swapped panel could not draw its chart.

Who may pick a department: a caller whose data scope is ``all`` (any department) or
``department`` (their own subtree); a caller who sees only their own records gets their own
figures (the services decide what each caller may see either way).
"""

from __future__ import annotations

import re
import threading
from datetime import date
from zoneinfo import ZoneInfo

from crm_shared.auth.principal import DataScope
from crm_shared.kpis import (
    DEFAULT_PERIOD,
    PERIODS,
    KpiGatherer,
    KpiPanel,
    date_range,
    period_in_zone,
    previous_range,
)
from flask import Blueprint, current_app, g, render_template, request, session
from markupsafe import escape

from crm_console.display import format_money, format_number, format_percent
from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.navigation import NavItem
from crm_console.refusals import Refusal

blueprint = Blueprint("dashboard", __name__, url_prefix="/dashboard")
NAV = [NavItem("dashboard.dashboard", N_("Dashboard"), order=10, section=N_("Reports"))]

# A dashboard call waits at most this long (the gateway's dashboard default), less when the
# console's own gRPC deadline is shorter.
TIMEOUT_SECONDS = 3.0
DEPARTMENT_PATTERN = re.compile(r"^(/[a-z0-9][a-z0-9_-]{0,62})+$")

PERIOD_LABELS = {
    "last_7_days": N_("Last 7 days"),
    "last_30_days": N_("Last 30 days"),
    "last_90_days": N_("Last 90 days"),
    "month_to_date": N_("Month to date"),
    "quarter_to_date": N_("Quarter to date"),
    "year_to_date": N_("Year to date"),
}
SERVICE_LABELS = {
    "customer": N_("Customers"),
    "sales": N_("Sales"),
    "ticket": N_("Service tickets"),
    "marketing": N_("Marketing and satisfaction"),
    "notification": N_("Notifications"),
}
# Why a panel is empty (crm_shared.kpis reasons) → what a person reads.
REASON_TEXTS = {
    "unavailable": N_("This service is not available right now. The other panels are not "
                      "affected."),
    "timeout": N_("This service did not answer in time. The other panels are not affected."),
    "not_implemented": N_("This service does not report KPIs yet."),
    "permission_denied": N_("You are not allowed to see these figures."),
    "invalid_argument": N_("This service refused the request for this period or department."),
    "failed": N_("This service failed to report its figures. The other panels are not "
                 "affected."),
}
# KPI keys (each service documents its own) → message ids; the service's English
# display name is shown, untranslated, for a key this list does not know yet.
KPI_LABELS = {
    # customer
    "new_customers": N_("New customers"),
    "churn_rate": N_("Churn rate"),
    "repurchase_rate": N_("Repurchase rate"),
    "satisfaction_score": N_("Satisfaction score"),
    "data_completeness_rate": N_("Data completeness rate"),
    "at_risk_customers": N_("Customers at risk of churn"),
    "customers_value_class_a": N_("Customers of value class A"),
    "customers_value_class_b": N_("Customers of value class B"),
    "customers_value_class_c": N_("Customers of value class C"),
    "customers_value_class_unclassified": N_("Customers not yet classified by value"),
    "customers_stage_potential": N_("Customers at the potential stage"),
    "customers_stage_intent": N_("Customers at the intent stage"),
    "customers_stage_customer": N_("Customers at the customer stage"),
    "customers_stage_lost": N_("Customers lost"),
    # sales
    "lead_conversion_rate": N_("Lead conversion rate"),
    "win_rate": N_("Win rate"),
    "follow_up_timeliness": N_("Follow-ups on time"),
    "first_contact_on_time_rate": N_("First contact on time"),
    "average_deal_cycle_days": N_("Average deal cycle"),
    "won_amount": N_("Won amount"),
    "weighted_pipeline": N_("Weighted pipeline"),
    "overdue_receivables": N_("Overdue receivables"),
    "opportunity_count": N_("Opportunities"),
    "won_count": N_("Deals won"),
    "payment_received_amount": N_("Payments received"),
    "signed_amount": N_("Signed amount"),
    # ticket
    "ticket_count": N_("Tickets created"),
    "backlog": N_("Open tickets at period end"),
    "first_response_hours_avg": N_("Average first response time"),
    "first_response_hours_p50": N_("Median first response time"),
    "resolution_hours_avg": N_("Average resolution time"),
    "first_response_sla_rate": N_("First responses within SLA"),
    "resolution_sla_rate": N_("Resolutions within SLA"),
    "sla_compliance_rate": N_("SLA compliance"),
    "complaint_timeliness_rate": N_("Complaints resolved in time"),
    "need_resolution_rate": N_("Demands answered in time"),
    "transfer_count": N_("Transfers between departments"),
    "reopen_rate": N_("Reopened after resolution"),
    "callback_on_time_rate": N_("Call-backs on time"),
    # marketing (the customer panel has a satisfaction_score too: same label)
    "campaign_response_rate": N_("Campaign response rate"),
    "campaign_conversion_rate": N_("Campaign conversion rate"),
    "campaign_revenue": N_("Campaign revenue"),
    "satisfaction_score_100": N_("Satisfaction score (of 100)"),
    "nps": N_("Net promoter score"),
    "survey_response_rate": N_("Survey response rate"),
    "low_score_share": N_("Share of low scores"),
    # notification
    "delivery_success_rate": N_("Delivery success rate"),
    "delivery_latency_seconds_p50": N_("Median delivery time"),
    "delivery_latency_seconds_p99": N_("Delivery time, 99th percentile"),
    "duplicates_suppressed": N_("Duplicates suppressed"),
    "dead_letters": N_("Dead-lettered messages"),
}

_gatherer_lock = threading.Lock()


def gatherer() -> KpiGatherer:
    """This app's gatherer (one thread pool per process, made on first use)."""
    extensions = current_app.extensions
    found = extensions.get("crm.console.kpis")
    if found is None:
        with _gatherer_lock:
            found = extensions.get("crm.console.kpis")
            if found is None:
                deps = extensions["crm.console"]
                found = KpiGatherer(
                    deps.peers, thread_name_prefix="console-kpis",
                    timeout_seconds=min(TIMEOUT_SECONDS, deps.settings.grpc_timeout_seconds),
                    cache_seconds=deps.settings.console_dashboard_cache_seconds)
                extensions["crm.console.kpis"] = found
    return found


# -- formatting ------------------------------------------------------------------------------

def _plain(value: float, digits: int) -> str:
    return format_number(value, digits)


def format_kpi(value: float | None, unit: str) -> str:
    """A KPI value as people read it, by its unit (``reporting.proto``): ``ratio`` as a
    percentage, ``minor:<currency>`` as money, counts as whole numbers, durations with their
    unit, scores out of their scale."""
    if value is None:
        return ""
    unit = unit or ""
    if unit == "ratio":
        return format_percent(value, 1)
    if unit.startswith("minor:"):
        return format_money(value, unit.split(":", 1)[1] or "CNY")
    if unit == "count":
        return _plain(value, 0 if float(value).is_integer() else 1)
    if unit == "hours":
        return _("%(h)s h", h=_plain(value, 1))
    if unit == "days":
        return _("%(n)s days", n=_plain(value, 1))
    if unit in ("s", "seconds"):
        return _("%(n)s s", n=_plain(value, 2 if abs(value) < 10 else 1))
    if unit == "score_5":
        return _plain(value, 2) + " / 5"
    if unit == "score_100":
        return _plain(value, 1) + " / 100"
    if unit == "nps":
        return ("+" if value > 0 else "") + _plain(value, 0)
    return _plain(value, 2) + (f" {unit}" if unit else "")


def format_change(delta: float, unit: str) -> str:
    """A difference between two values of ``unit``, with its sign (a ratio's difference is in
    percentage points)."""
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if unit == "ratio":
        return sign + _("%(n)s pp", n=_plain(size * 100, 1))
    text = format_kpi(size, unit)
    return sign + text.lstrip("+")


def kpi_row(kpi) -> dict:
    """One KPI of a report, ready for the page: label, formatted figures, how it moved."""
    has_previous = kpi.HasField("previous_value")
    has_target = kpi.HasField("target")
    previous = kpi.previous_value if has_previous else None
    row = {
        "key": kpi.key,
        "label": _(KPI_LABELS[kpi.key]) if kpi.key in KPI_LABELS else kpi.display_name,
        "known": kpi.key in KPI_LABELS,
        "unit": kpi.unit,
        "value": kpi.value,
        "previous": previous,
        "target": kpi.target if has_target else None,
        "text": format_kpi(kpi.value, kpi.unit),
        "previous_text": format_kpi(previous, kpi.unit) if has_previous else "",
        "target_text": format_kpi(kpi.target, kpi.unit) if has_target else "",
        "higher_is_better": kpi.higher_is_better,
        "sample_size": kpi.sample_size,
        "change_text": "",
        "change_kind": "muted",
        "target_met": None,
    }
    if has_previous:
        delta = kpi.value - previous
        row["change_text"] = format_change(delta, kpi.unit)
        if abs(delta) > 1e-12:
            row["change_kind"] = "ok" if (delta > 0) == kpi.higher_is_better else "bad"
    if has_target:
        row["target_met"] = (kpi.value >= kpi.target) if kpi.higher_is_better \
            else (kpi.value <= kpi.target)
    return row


# -- the chart -------------------------------------------------------------------------------

ROW_HEIGHT = 44  # per KPI: two bars (this period, the previous one)
GROUP_GAP = 28
LEGEND_HEIGHT = 36


def chart_height(rows: list[dict]) -> int:
    groups = {row["unit"] for row in rows}
    return LEGEND_HEIGHT + ROW_HEIGHT * len(rows) + GROUP_GAP * len(groups)


def kpi_chart(rows: list[dict]) -> dict:
    """The ECharts option of one panel: horizontal bars, this period next to the previous one,
    one grid (its own value axis) per unit, since a percentage and an amount of money share no
    scale. Each bar carries the KPI's key and its formatted value (label and tooltip), and the
    values are the service's own (a ratio stays 0..1, money stays in minor units)."""
    current_name, previous_name = _("This period"), _("Previous period")
    units: list[str] = []
    for row in rows:
        if row["unit"] not in units:
            units.append(row["unit"])
    option: dict = {
        "animation": False,
        "legend": {"top": 0, "left": 0, "data": [current_name, previous_name]},
        "tooltip": {"trigger": "item", "confine": True},
        "color": ["#1f5fd1", "#a9b4c4"],
        "grid": [], "xAxis": [], "yAxis": [], "series": [],
    }
    top = LEGEND_HEIGHT
    for index, unit in enumerate(units):
        group = [row for row in rows if row["unit"] == unit]
        height = ROW_HEIGHT * len(group)
        negative = any((r["value"] or 0) < 0 or (r["previous"] or 0) < 0 for r in group)
        option["grid"].append({"left": 0, "right": 84, "top": top, "height": height,
                               "containLabel": True})
        option["xAxis"].append({"type": "value", "gridIndex": index, "show": False,
                                **({} if negative else {"min": 0})})
        option["yAxis"].append({
            "type": "category", "gridIndex": index, "inverse": True,
            "data": [row["label"] for row in group],
            "axisTick": {"show": False},
            "axisLabel": {"width": 150, "overflow": "break", "lineHeight": 14},
        })
        for name, value_key, text_key in ((current_name, "value", "text"),
                                          (previous_name, "previous", "previous_text")):
            data = []
            for row in group:
                text = row[text_key]
                data.append({
                    "key": row["key"],
                    "value": row[value_key],
                    "label": {"formatter": str(escape(text)) if text else ""},
                    # Plain text: the console draws tooltips on the canvas (no HTML).
                    "tooltip": {"formatter": f"{name}\n{row['label']}: {text or '—'}"},
                })
            option["series"].append({
                "name": name, "type": "bar", "xAxisIndex": index, "yAxisIndex": index,
                "barMaxWidth": 16, "barGap": "10%",
                "label": {"show": True, "position": "right", "fontSize": 11},
                "data": data,
            })
        top += height + GROUP_GAP
    return option


def panel_view(panel: KpiPanel) -> dict:
    """One service's panel, as its template shows it."""
    view = {"service": panel.service, "label": SERVICE_LABELS.get(panel.service, panel.service),
            "available": panel.available, "reason": panel.reason,
            "reason_text": REASON_TEXTS.get(panel.reason or "", REASON_TEXTS["failed"]),
            "rows": [], "chart": None, "chart_height": 0, "compute_time": None}
    if panel.available and panel.report is not None:
        rows = [kpi_row(kpi) for kpi in panel.report.kpis]
        view["rows"] = rows
        if rows:
            view["chart"] = kpi_chart(rows)
            view["chart_height"] = chart_height(rows)
        if panel.report.HasField("compute_time"):
            view["compute_time"] = panel.report.compute_time
    return view


# -- the filters -----------------------------------------------------------------------------

def may_choose_department() -> bool:
    return g.principal.data_scope in (DataScope.ALL, DataScope.DEPARTMENT)


def department_options() -> list[tuple[str, str]] | None:
    """The departments this person may pick, as (path, label); None when the directory
    could not be read (then any well-formed path is passed on and the services decide)."""
    if not may_choose_department():
        return []
    try:
        found = current_app.extensions["crm.console"].identity.departments(
            session.get("access_token"), g.principal.user_id)
    except Refusal:
        return None
    own = g.principal.department_path or "/"
    options = []
    for department in found:
        path = department.get("path") or ""
        if not path or not department.get("active", True):
            continue
        if g.principal.data_scope != DataScope.ALL and not (
                path == own or path.startswith(own.rstrip("/") + "/")):
            continue
        options.append((path, f'{department.get("name") or path} · {path}'))
    options.sort()
    return options


def read_filters(args) -> tuple[str, str, dict[str, str], list[tuple[str, str]] | None]:
    """(period word, department path, field errors, department options) of a request."""
    errors: dict[str, str] = {}
    period = args.get("period") or DEFAULT_PERIOD
    if period not in PERIODS:
        errors["period"] = _("Choose one of the listed periods.")
        period = DEFAULT_PERIOD
    department = (args.get("department") or "").strip()
    options = department_options()
    if department:
        if not may_choose_department():
            errors["department"] = _("You see the figures of your own records only.")
            department = ""
        elif not DEPARTMENT_PATTERN.match(department) or (
                options is not None and department not in {path for path, _label in options}):
            errors["department"] = _("Choose one of the listed departments.")
            department = ""
    return period, department, errors, options


def period_dates(period: str) -> tuple[date, date]:
    """The first and last day of ``period`` where the reader is (``CONSOLE_TIME_ZONE``, the
    zone every time is shown in), as the gateway's dashboard takes it for its ``time_zone``."""
    zone = current_app.extensions["crm.console"].settings.console_time_zone
    return period_in_zone(period, ZoneInfo(zone))


def _context(period: str, department: str, panels: list[KpiPanel], start: date,
             end: date) -> dict:
    before_start, before_end = previous_range(start, end)
    return {
        "period": period, "department": department,
        "start": start, "end": end, "previous_start": before_start,
        "previous_end": before_end,
        "panels": [panel_view(panel) for panel in panels],
    }


# -- the pages -------------------------------------------------------------------------------

@blueprint.get("/")
def dashboard():
    period, department, errors, options = read_filters(request.args)
    start, end = period_dates(period)
    panels = gatherer().gather(date_range(start, end), department,
                               refresh=request.args.get("refresh") == "1")
    department_choices = None
    if options:
        department_choices = [("", _("Everything I can see")), *options]
    return render_template(
        "dashboard/dashboard.html", **_context(period, department, panels, start, end),
        errors=errors,
        values={"period": period, "department": department},
        period_options=[(word, _(label)) for word, label in PERIOD_LABELS.items()],
        department_choices=department_choices, may_choose=may_choose_department(),
        department_free=options is None,
    ), 422 if errors else 200
