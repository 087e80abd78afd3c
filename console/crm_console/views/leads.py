"""Leads: my leads (a sales lead sees the team's) with grade, source, status, the assignment's
"why" and the first-contact countdown; a new lead; the lead page with its assignment decision,
follow-up records (need, budget and decision maker on the first), conversion into a customer
and an opportunity, reassignment and disqualification."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from flask import Blueprint, g, redirect, render_template, request, url_for
from google.protobuf.timestamp_pb2 import Timestamp

from crm_console import grading_reasons, table_exports
from crm_console.i18n import N_, current_language
from crm_console.navigation import SALES, SALES_LEADS, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import decision_reasons
from crm_console.views import sales_forms as forms
from crm_console.views.decision_reasons import SKIP_REASONS

blueprint = Blueprint("leads", __name__, url_prefix="/leads")
NAV = [NavItem("leads.lead_list", N_("Leads"), roles=SALES, order=20, section=N_("Sales"))]
PAGE_SIZE = 30
OPEN_STATUSES = ("new", "assigned", "contacted", "cold")


def enums() -> dict:
    return {
        "status": sales_pb2.LeadStatus.DESCRIPTOR,
        "grade": sales_pb2.LeadGrade.DESCRIPTOR,
        "source": types_pb2.SourceChannel.DESCRIPTOR,
        "intent": sales_pb2.IntentLevel.DESCRIPTOR,
        "need": sales_pb2.NeedClarity.DESCRIPTOR,
        "method": sales_pb2.FollowUpMethod.DESCRIPTOR,
        "assignment_method": sales_pb2.AssignmentMethod.DESCRIPTOR,
    }


def is_sales_lead() -> bool:
    return g.principal.has_role(*SALES_LEADS)


def _list_selection(args) -> tuple[sales_pb2.ListLeadsRequest, dict[str, str]]:
    """The list's ListLeads (without paging) and its filters as the page shows them (also the
    query string of a link that keeps them, such as the export's)."""
    status = args.get("status", "open")
    grade = args.get("grade", "")
    query = args.get("q", "").strip()
    statuses = ([forms.enum_number(sales_pb2.LeadStatus.DESCRIPTOR, s) for s in OPEN_STATUSES]
                if status == "open" else
                [forms.enum_number(sales_pb2.LeadStatus.DESCRIPTOR, status)] if status else [])
    grades = [forms.enum_number(sales_pb2.LeadGrade.DESCRIPTOR, grade)] if grade else []
    order_by = args.get("order", "first_contact_due_time")
    if order_by not in ("first_contact_due_time", "create_time desc", "grade"):
        order_by = "first_contact_due_time"
    listing = sales_pb2.ListLeadsRequest(
        statuses=[s for s in statuses if s], grades=[x for x in grades if x], query=query,
        order_by=order_by)
    return listing, {"status": status, "grade": grade, "q": query, "order": order_by}


@blueprint.get("/")
def lead_list():
    listing, filters = _list_selection(request.args)
    listing.page_size = PAGE_SIZE
    listing.page_token = request.args.get("page_token", "")
    page = call("sales", "ListLeads", listing)
    template = "sales/_lead_rows.html" if request.headers.get("HX-Request") and \
        request.headers.get("HX-Target") == "lead-results" else "sales/lead_list.html"
    return render_template(
        template, page=page, assignments=latest_assignments(page.leads), why=decision_reasons,
        names=forms.rep_names(),
        enums=enums(), filters=filters,
        status_options=[("open", _label("Still open")), ("", _label("All"))]
        + forms.enum_options(sales_pb2.LeadStatus.DESCRIPTOR, blank=None),
        grade_options=forms.enum_options(sales_pb2.LeadGrade.DESCRIPTOR, blank=_label("Any")))


@blueprint.get("/export.<any(csv, xlsx):file_format>")
def export_leads(file_format: str):
    """The list's leads under its filters as a file, headed in the reader's language. The sales
    service applies the user's visibility and audit-logs the contacts' details."""
    listing, _filters = _list_selection(request.args)
    export = table_exports.export_request(listing, sales_pb2.ExportLeadsRequest(
        format=table_exports.FORMATS[file_format], locale=current_language(),
        access_purpose="console lead list export"))
    return table_exports.download("sales", "ExportLeads", export, file_format=file_format,
                                  ascii_name="leads", name=_label("lead list"))


def _label(message_id: str) -> str:
    from crm_console.i18n import gettext

    return gettext(message_id)


def latest_assignments(leads) -> dict[str, sales_pb2.LeadAssignment]:
    """The latest assignment decision of each lead on the page (its "why" is told from it):
    one call for the decisions since the oldest assignment shown, then one per lead still
    missing."""
    assigned = [lead for lead in leads if lead.assign_time.seconds]
    if not assigned:
        return {}
    latest: dict[str, sales_pb2.LeadAssignment] = {}
    oldest = min(lead.assign_time.seconds for lead in assigned)
    wanted = {lead.id for lead in assigned}
    try:
        answer = call("sales", "ListLeadAssignments", sales_pb2.ListLeadAssignmentsRequest(
            page_size=500, start_time=Timestamp(seconds=oldest - 1)))
        for decision in answer.assignments:  # newest first
            if decision.lead_id in wanted:
                latest.setdefault(decision.lead_id, decision)
    except Refusal:
        pass
    for lead in assigned:
        if lead.id in latest:
            continue
        try:
            answer = call("sales", "ListLeadAssignments", sales_pb2.ListLeadAssignmentsRequest(
                lead_id=lead.id, page_size=1))
        except Refusal:
            continue
        if answer.assignments:
            latest[lead.id] = answer.assignments[0]
    return latest


@blueprint.route("/new", methods=["GET", "POST"])
def new_lead():
    values, errors, status = {"request_id": forms.request_id()}, {}, 200
    if request.method == "POST":
        values = request.form
        create, errors = forms.lead_request(request.form)
        if not errors:
            try:
                lead = call("sales", "CreateLead", create, field_prefix="lead.")
                return redirect(url_for("leads.lead", lead_id=lead.id))
            except Refusal as refusal:
                if refusal.status != 422 and not refusal.field_errors:
                    raise
                errors = refusal.field_errors or {"": refusal.message}
        status = 422
    return render_template(
        "sales/lead_new.html", values=values, errors=errors,
        enum_options_source=forms.enum_options(types_pb2.SourceChannel.DESCRIPTOR,
                                               blank=_label("Label it from the intake")),
        enum_options_intent=forms.enum_options(sales_pb2.IntentLevel.DESCRIPTOR,
                                               blank=_label("Not assessed")),
        enum_options_need=forms.enum_options(sales_pb2.NeedClarity.DESCRIPTOR,
                                             blank=_label("Not assessed"))), status


def _lead_page(lead_id: str, *, follow_up=None, convert=None, assign=None, status=200):
    """The lead page; each form's values and errors when it was just refused."""
    lead = call("sales", "GetLead", sales_pb2.GetLeadRequest(id=lead_id))
    assignments = call("sales", "ListLeadAssignments", sales_pb2.ListLeadAssignmentsRequest(
        lead_id=lead_id, page_size=20)).assignments
    activities = list(call("sales", "ListActivities", sales_pb2.ListActivitiesRequest(
        lead_id=lead_id, page_size=100)).activities)
    comments = comments_of(activities)
    first = not any(activity.first_contact for activity in activities) and \
        not lead.first_contact_time.seconds
    names = forms.rep_names()
    follow_up = follow_up or ({"request_id": forms.request_id(), "method": "phone"}, {})
    convert = convert or (convert_defaults(lead), {})
    assign = assign or ({"request_id": forms.request_id()}, {})
    can_assign = is_sales_lead() and lead.status in (
        sales_pb2.LEAD_STATUS_NEW, sales_pb2.LEAD_STATUS_ASSIGNED,
        sales_pb2.LEAD_STATUS_CONTACTED, sales_pb2.LEAD_STATUS_COLD)
    return render_template(
        "sales/lead.html", lead=lead, grade_why=grading_reasons.lead_why(lead),
        assignments=assignments, activities=activities,
        comments=comments, first_follow_up=first, names=names, enums=enums(),
        follow_up=follow_up, convert=convert, assign=assign, can_assign=can_assign,
        can_comment=is_sales_lead(), skip_reasons=SKIP_REASONS, why=decision_reasons,
        rep_choices=forms.rep_options(blank=None) if can_assign else [],
        method_options=forms.enum_options(sales_pb2.FollowUpMethod.DESCRIPTOR, blank=None),
        customer_type_options=[("enterprise", _label("Enterprise")),
                               ("individual", _label("Individual"))],
        open_lead=lead.status in (sales_pb2.LEAD_STATUS_NEW, sales_pb2.LEAD_STATUS_ASSIGNED,
                                  sales_pb2.LEAD_STATUS_CONTACTED, sales_pb2.LEAD_STATUS_COLD),
    ), status


def comments_of(activities) -> dict[str, list]:
    """Manager comments (批示) on the records that have any."""
    comments: dict[str, list] = {}
    for activity in activities:
        if activity.comment_count:
            try:
                comments[activity.id] = list(reversed(call(
                    "sales", "ListActivityComments", sales_pb2.ListActivityCommentsRequest(
                        activity_id=activity.id, page_size=50)).comments))
            except Refusal:
                comments[activity.id] = []
    return comments


def convert_defaults(lead) -> dict[str, str]:
    return {
        "request_id": forms.request_id(),
        "customer.type": "enterprise" if lead.company_name else "individual",
        "customer.display_name": lead.company_name or lead.contact_name,
        "opportunity.name": lead.company_name or lead.contact_name,
        "opportunity.amount": forms.money_text(lead.budget) if lead.HasField("budget") else "",
    }


@blueprint.get("/<lead_id>")
def lead(lead_id: str):
    return _lead_page(lead_id)


@blueprint.post("/<lead_id>/follow-ups")
def record_follow_up(lead_id: str):
    create, errors = forms.activity_request(request.form, lead_id=lead_id)
    if not errors:
        try:
            call("sales", "CreateActivity", create, field_prefix="activity.")
            return redirect(url_for("leads.lead", lead_id=lead_id) + "#follow-ups")
        except Refusal as refusal:
            if refusal.status != 422 and not refusal.field_errors:
                raise
            errors = refusal.field_errors or {"": refusal.message}
    return _lead_page(lead_id, follow_up=(request.form, errors), status=422)


@blueprint.post("/<lead_id>/convert")
def convert(lead_id: str):
    convert_lead, errors = forms.convert_request(request.form, lead_id)
    if not errors:
        try:
            call("sales", "ConvertLead", convert_lead)
            return redirect(url_for("leads.lead", lead_id=lead_id) + "#converted")
        except Refusal as refusal:
            if refusal.status != 422 and not refusal.field_errors:
                raise
            errors = _customer_errors(refusal)
    return _lead_page(lead_id, convert=(request.form, errors), status=422)


def _customer_errors(refusal: Refusal) -> dict[str, str]:
    """The customer service's errors come back under the customer's own field paths: put them
    next to the conversion form's customer fields."""
    errors = {}
    for name, text in (refusal.field_errors or {"": refusal.message}).items():
        if name.startswith(("enterprise.", "individual.", "display_name", "type")):
            name = "customer." + name
        errors[name] = text
    return errors


@blueprint.post("/<lead_id>/assign")
def assign(lead_id: str):
    assignee = request.form.get("assignee_id", "")
    try:
        call("sales", "AssignLead", sales_pb2.AssignLeadRequest(
            id=lead_id, assignee_id=assignee, reason=request.form.get("reason", "").strip(),
            request_id=forms._key(request.form)))
    except Refusal as refusal:
        if refusal.status != 422 and not refusal.field_errors:
            raise
        return _lead_page(lead_id, assign=(request.form, refusal.field_errors
                                           or {"": refusal.message}), status=422)
    return redirect(url_for("leads.lead", lead_id=lead_id))


@blueprint.post("/<lead_id>/disqualify")
def disqualify(lead_id: str):
    call("sales", "DisqualifyLead", sales_pb2.DisqualifyLeadRequest(
        id=lead_id, reason=request.form.get("reason", "").strip()))
    return redirect(url_for("leads.lead", lead_id=lead_id))

