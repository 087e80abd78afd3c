"""The ticket service's setup: routing rules, SLA policies and business calendars."""

from __future__ import annotations

from crm.common.v1 import rules_pb2
from crm.ticket.v1 import ticket_pb2
from flask import flash, redirect, render_template, request, url_for
from google.protobuf.duration_pb2 import Duration
from google.protobuf.field_mask_pb2 import FieldMask
from google.type import dayofweek_pb2

from crm_console.display import today
from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.admin import (
    PAGE_SIZE,
    blueprint,
    checked,
    condition_from_form,
    condition_rows,
    condition_values,
    department_options,
    describe_condition,
    enum_options,
    int_or_zero,
    new_request_id,
    request_id,
    words,
)

# Fields a routing rule's condition can read (the contract's comment on RoutingRule).
ROUTING_FIELDS = ("type", "category", "title", "description", "text", "keywords", "product",
                  "channel", "priority", "customer_value_class", "customer_at_risk")
ROUTING_MASK = ["display_name", "description", "condition", "target_department_path",
                "agent_selection", "required_skills", "priority", "enabled"]


# --- routing rules ---------------------------------------------------------------------------

def routing_rule_from_form(form) -> ticket_pb2.RoutingRule:
    return ticket_pb2.RoutingRule(
        display_name=(form.get("display_name") or "").strip(),
        description=(form.get("description") or "").strip(),
        condition=condition_from_form(form),
        target_department_path=(form.get("target_department_path") or "").strip(),
        agent_selection=max(int_or_zero(form.get("agent_selection")), 0),
        required_skills=words(form.get("required_skills") or ""),
        priority=int_or_zero(form.get("priority")),
        enabled=form.get("enabled") in ("true", "on", "1"),
    )


def routing_rule_values(rule) -> dict:
    return {"display_name": rule.display_name, "description": rule.description,
            "target_department_path": rule.target_department_path,
            "agent_selection": str(rule.agent_selection or ""),
            "required_skills": ", ".join(rule.required_skills), "priority": str(rule.priority),
            "enabled": rule.enabled, **condition_values(rule.condition)}


def _condition_context(fields):
    return {"condition_fields": [("", "")] + [(f, f) for f in fields],
            "operators": enum_options(rules_pb2.ConditionOperator.DESCRIPTOR, blank=""),
            "match_modes": enum_options(rules_pb2.MatchMode.DESCRIPTOR)}


def _routing_form(values, errors, *, rule=None, status=200):
    return render_template(
        "admin/routing_rule_form.html", values=values, errors=errors, rule=rule,
        rows=condition_rows(values), departments=department_options(blank=""),
        selections=enum_options(ticket_pb2.AgentSelection.DESCRIPTOR, blank=""),
        **_condition_context(ROUTING_FIELDS)), status


@blueprint.get("/routing-rules", endpoint="routing_rules")
def routing_rules():
    page = call("ticket", "ListRoutingRules", ticket_pb2.ListRoutingRulesRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", "")))
    return render_template("admin/routing_rules.html", page=page, describe=describe_condition,
                           selection_enum=ticket_pb2.AgentSelection.DESCRIPTOR,
                           saved=request.args.get("saved"))


@blueprint.route("/routing-rules/new", methods=["GET", "POST"])
def new_routing_rule():
    if request.method == "GET":
        return _routing_form({"enabled": True, "priority": "100", "request_id": new_request_id(),
                              "condition.match": "1"}, {})
    rule = routing_rule_from_form(request.form)
    try:
        created = call("ticket", "CreateRoutingRule", ticket_pb2.CreateRoutingRuleRequest(
            rule=rule, request_id=request_id()), field_prefix="rule.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _routing_form(request.form.to_dict(), refusal.field_errors or
                             {"": refusal.message}, status=422)
    return redirect(url_for("admin.routing_rules", saved=created.id))


@blueprint.route("/routing-rules/<rule_id>", methods=["GET", "POST"])
def edit_routing_rule(rule_id: str):
    rule = call("ticket", "GetRoutingRule", ticket_pb2.GetRoutingRuleRequest(id=rule_id))
    if request.method == "GET":
        return _routing_form(routing_rule_values(rule), {}, rule=rule)
    changed = routing_rule_from_form(request.form)
    changed.id = rule_id
    try:
        call("ticket", "UpdateRoutingRule", ticket_pb2.UpdateRoutingRuleRequest(
            rule=changed, update_mask=FieldMask(paths=ROUTING_MASK)), field_prefix="rule.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _routing_form(request.form.to_dict(), refusal.field_errors or
                             {"": refusal.message}, rule=rule, status=422)
    return redirect(url_for("admin.routing_rules", saved=rule_id))


@blueprint.post("/routing-rules/<rule_id>/enabled")
def toggle_routing_rule(rule_id: str):
    call("ticket", "UpdateRoutingRule", ticket_pb2.UpdateRoutingRuleRequest(
        rule=ticket_pb2.RoutingRule(id=rule_id, enabled=checked("enabled")),
        update_mask=FieldMask(paths=["enabled"])))
    return redirect(url_for("admin.routing_rules"))


@blueprint.post("/routing-rules/<rule_id>/delete")
def delete_routing_rule(rule_id: str):
    call("ticket", "DeleteRoutingRule", ticket_pb2.DeleteRoutingRuleRequest(id=rule_id))
    return redirect(url_for("admin.routing_rules"))


# --- SLA policies ----------------------------------------------------------------------------

SLA_DURATIONS = (("first_response_target", N_("First response within (hours)")),
                 ("resolution_target", N_("Resolution within (hours)")),
                 ("warning_before", N_("Warn this long before a breach (hours)")),
                 ("untouched_reminder_after", N_("Remind the owner when untouched for (hours)")),
                 ("escalate_after", N_("Escalate this long after the reminder (hours)")))
SLA_MASK = ["display_name", "ticket_type", "priority", "business_hours_only", "enabled",
            *(name for name, _label in SLA_DURATIONS)]


def hours(duration) -> str:
    """A Duration as hours for a form (``1.5``); empty when unset."""
    seconds = duration.seconds + duration.nanos / 1e9
    if not seconds:
        return ""
    value = seconds / 3600
    return str(int(value)) if value == int(value) else f"{value:g}"


def duration_of(text: str | None) -> Duration | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return Duration(seconds=round(float(text) * 3600))
    except ValueError:
        return Duration(seconds=-1)  # the service names the field


def sla_policy_from_form(form) -> ticket_pb2.SlaPolicy:
    policy = ticket_pb2.SlaPolicy(
        display_name=(form.get("display_name") or "").strip(),
        ticket_type=max(int_or_zero(form.get("ticket_type")), 0),
        priority=max(int_or_zero(form.get("priority")), 0),
        business_hours_only=form.get("business_hours_only") in ("true", "on", "1"),
        enabled=form.get("enabled") in ("true", "on", "1"))
    for name, _label in SLA_DURATIONS:
        value = duration_of(form.get(name))
        if value is not None:
            getattr(policy, name).CopyFrom(value)
    return policy


def sla_policy_values(policy) -> dict:
    values = {"display_name": policy.display_name, "ticket_type": str(policy.ticket_type or ""),
              "priority": str(policy.priority or ""),
              "business_hours_only": policy.business_hours_only, "enabled": policy.enabled}
    for name, _label in SLA_DURATIONS:
        values[name] = hours(getattr(policy, name))
    return values


def _sla_form(values, errors, *, policy=None, status=200):
    return render_template(
        "admin/sla_policy_form.html", values=values, errors=errors, policy=policy,
        durations=SLA_DURATIONS,
        types=enum_options(ticket_pb2.TicketType.DESCRIPTOR, blank=N_("Any type")),
        priorities=enum_options(ticket_pb2.TicketPriority.DESCRIPTOR,
                                blank=N_("Any priority"))), status


@blueprint.get("/sla-policies", endpoint="sla_policies")
def sla_policies():
    page = call("ticket", "ListSlaPolicies", ticket_pb2.ListSlaPoliciesRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", "")))
    return render_template("admin/sla_policies.html", page=page, hours=hours,
                           type_enum=ticket_pb2.TicketType.DESCRIPTOR,
                           priority_enum=ticket_pb2.TicketPriority.DESCRIPTOR)


@blueprint.route("/sla-policies/new", methods=["GET", "POST"])
def new_sla_policy():
    if request.method == "GET":
        return _sla_form({"enabled": True, "request_id": new_request_id()}, {})
    try:
        call("ticket", "CreateSlaPolicy", ticket_pb2.CreateSlaPolicyRequest(
            policy=sla_policy_from_form(request.form), request_id=request_id()),
            field_prefix="policy.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _sla_form(request.form.to_dict(), refusal.field_errors or {"": refusal.message},
                         status=422)
    return redirect(url_for("admin.sla_policies"))


@blueprint.route("/sla-policies/<policy_id>", methods=["GET", "POST"])
def edit_sla_policy(policy_id: str):
    policy = call("ticket", "GetSlaPolicy", ticket_pb2.GetSlaPolicyRequest(id=policy_id))
    if request.method == "GET":
        return _sla_form(sla_policy_values(policy), {}, policy=policy)
    changed = sla_policy_from_form(request.form)
    changed.id = policy_id
    try:
        call("ticket", "UpdateSlaPolicy", ticket_pb2.UpdateSlaPolicyRequest(
            policy=changed, update_mask=FieldMask(paths=SLA_MASK)), field_prefix="policy.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _sla_form(request.form.to_dict(), refusal.field_errors or {"": refusal.message},
                         policy=policy, status=422)
    return redirect(url_for("admin.sla_policies"))


# --- business calendars ----------------------------------------------------------------------

WEEKDAYS = [value for value in dayofweek_pb2.DayOfWeek.DESCRIPTOR.values if value.number]
WEEKDAY_LABELS = {1: N_("Monday"), 2: N_("Tuesday"), 3: N_("Wednesday"), 4: N_("Thursday"),
                  5: N_("Friday"), 6: N_("Saturday"), 7: N_("Sunday")}
CALENDAR_MASK = ["display_name", "department_path", "time_zone", "working_hours", "holidays"]


def calendar_from_form(form) -> ticket_pb2.BusinessCalendar:
    calendar = ticket_pb2.BusinessCalendar(
        display_name=(form.get("display_name") or "").strip(),
        department_path=(form.get("department_path") or "").strip(),
        time_zone=(form.get("time_zone") or "").strip())
    for day in WEEKDAY_LABELS:
        opens = (form.get(f"hours[{day}].opens_at") or "").strip()
        closes = (form.get(f"hours[{day}].closes_at") or "").strip()
        if opens or closes:
            calendar.working_hours.add(day=day, opens_at=opens, closes_at=closes)
    for line in (form.get("holidays") or "").splitlines():
        parts = line.strip().split(None, 1)
        if parts:
            calendar.holidays.add(date=parts[0], name=parts[1] if len(parts) > 1 else "")
    return calendar


def calendar_values(calendar) -> dict:
    values = {"display_name": calendar.display_name, "department_path": calendar.department_path,
              "time_zone": calendar.time_zone,
              "holidays": "\n".join(f"{h.date} {h.name}".strip() for h in calendar.holidays)}
    for hours_of_day in calendar.working_hours:
        values[f"hours[{hours_of_day.day}].opens_at"] = hours_of_day.opens_at
        values[f"hours[{hours_of_day.day}].closes_at"] = hours_of_day.closes_at
    return values


def calendar_errors(errors: dict, sent) -> dict:
    """``working_hours[2].opens_at`` (as sent) → the form's ``hours[<weekday>].opens_at``."""
    mapped = {}
    for name, text in errors.items():
        if name.startswith("working_hours["):
            number, rest = name[len("working_hours["):].split("]", 1)
            if number.isdigit() and int(number) < len(sent.working_hours):
                day = sent.working_hours[int(number)].day
                name = f"hours[{day}]{rest or '.opens_at'}"
        elif name.startswith("holidays"):
            name = "holidays"
        mapped.setdefault(name, text)
    return mapped


def _calendar_form(values, errors, *, calendar=None, status=200, fill_values=None, fill_errors=None):
    if fill_values is None:
        fill_values = {"year": today().year}
    return render_template("admin/calendar_form.html", values=values, errors=errors,
                           calendar=calendar, weekdays=WEEKDAY_LABELS,
                           fill_values=fill_values, fill_errors=fill_errors or {},
                           departments=department_options(blank=N_("Default (every department)"))
                           ), status


@blueprint.get("/calendars", endpoint="calendars")
def calendars():
    page = call("ticket", "ListBusinessCalendars", ticket_pb2.ListBusinessCalendarsRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", "")))
    return render_template("admin/calendars.html", page=page, weekdays=WEEKDAY_LABELS)


@blueprint.route("/calendars/new", methods=["GET", "POST"])
def new_calendar():
    if request.method == "GET":
        values = {"time_zone": "Asia/Shanghai", "request_id": new_request_id()}
        for day in range(1, 6):
            values[f"hours[{day}].opens_at"], values[f"hours[{day}].closes_at"] = "09:00", "18:00"
        return _calendar_form(values, {})
    sent = calendar_from_form(request.form)
    try:
        call("ticket", "CreateBusinessCalendar", ticket_pb2.CreateBusinessCalendarRequest(
            calendar=sent, request_id=request_id()), field_prefix="calendar.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _calendar_form(request.form.to_dict(),
                              calendar_errors(refusal.field_errors, sent) or
                              {"": refusal.message}, status=422)
    return redirect(url_for("admin.calendars"))


@blueprint.route("/calendars/<calendar_id>", methods=["GET", "POST"])
def edit_calendar(calendar_id: str):
    calendar = call("ticket", "GetBusinessCalendar",
                    ticket_pb2.GetBusinessCalendarRequest(id=calendar_id))
    if request.method == "GET":
        return _calendar_form(calendar_values(calendar), {}, calendar=calendar)
    sent = calendar_from_form(request.form)
    sent.id = calendar_id
    try:
        call("ticket", "UpdateBusinessCalendar", ticket_pb2.UpdateBusinessCalendarRequest(
            calendar=sent, update_mask=FieldMask(paths=CALENDAR_MASK)),
            field_prefix="calendar.")
    except Refusal as refusal:
        if refusal.status not in (400, 409, 422):
            raise
        return _calendar_form(request.form.to_dict(),
                              calendar_errors(refusal.field_errors, sent) or
                              {"": refusal.message}, calendar=calendar, status=422)
    return redirect(url_for("admin.calendars"))


@blueprint.post("/calendars/<calendar_id>/public-holidays")
def fill_public_holidays(calendar_id: str):
    """Adds a year's public holidays and make-up days (FillPublicHolidays); a refused year
    shows next to the year with what was typed, under the calendar's own form."""
    typed = (request.form.get("year") or "").strip()
    try:
        if not typed.isdigit() or len(typed) > 4:
            raise Refusal(status=422, message=_("Some fields need correcting."),
                          field_errors={"year": _("must be a whole number")})
        filled = call("ticket", "FillPublicHolidays", ticket_pb2.FillPublicHolidaysRequest(
            calendar_id=calendar_id, year=int(typed)))
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        calendar = call("ticket", "GetBusinessCalendar",
                        ticket_pb2.GetBusinessCalendarRequest(id=calendar_id))
        return _calendar_form(calendar_values(calendar), {}, calendar=calendar, status=422,
                              fill_values={"year": typed},
                              fill_errors=refusal.field_errors or {"year": refusal.message})
    flash(_("%(year)s: added %(holidays)s holidays and %(days)s make-up working days.",
            year=typed, holidays=filled.holidays_added, days=filled.extra_working_days_added), "ok")
    return redirect(url_for("admin.edit_calendar", calendar_id=calendar_id))
