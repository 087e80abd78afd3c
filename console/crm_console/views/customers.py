"""Customers: the list (filters, keyset pages over any number of rows, export), the quick create, and
the customer 360 page with its tags and the audited reveal of masked fields. The 360 page's
slower or other-service panels (sales, tickets, revisions, the full timeline) load by htmx
from :mod:`crm_console.views.customers_panels`, each failing on its own.

RPCs: CustomerService.ListCustomers, ExportCustomers (the list as .xlsx or CSV), ListTags,
CreateCustomer, GetCustomerPortrait,
GetCustomer (also with ``reveal_sensitive``), GetDecisionChain, ListSatisfactionRecords,
ListDuplicateCandidates, AddCustomerTags, RemoveCustomerTags; SalesService.ListSalesReps
(owners' names)."""

from __future__ import annotations

import time
import uuid

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.auth import roles
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup

from crm_console import navigation, table_exports, timeline_titles
from crm_console.display import enum_word_label, format_date
from crm_console.field_labels import FIELD_LABELS
from crm_console.i18n import N_, current_language
from crm_console.i18n import gettext as _
from crm_console.navigation import NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import Pending, call, start
from crm_console.service_texts import STATUS_TITLES
from crm_console.views import customers_forms as forms

blueprint = Blueprint("customers", __name__, url_prefix="/customers")
NAV = [NavItem("customers.customer_list", N_("Customers"), roles=navigation.SALES, order=20,
               section=N_("Sales"))]
PAGE_SIZE = 50
# Roles the customer service lets reveal masked fields (declared once in crm_shared, where the
# service reads it too); the service decides, this only chooses whether to offer the button.
REVEAL_ROLES = roles.REVEAL_ROLES
SATISFACTION_POINTS = 50

ENUMS = {
    "type": customer_pb2.CustomerType.DESCRIPTOR,
    "value_class": types_pb2.ValueClass.DESCRIPTOR,
    "stage": types_pb2.LifecycleStage.DESCRIPTOR,
    "source": types_pb2.SourceChannel.DESCRIPTOR,
    "gender": customer_pb2.Gender.DESCRIPTOR,
    "decision_role": customer_pb2.DecisionRole.DESCRIPTOR,
    "tag_source": customer_pb2.TagSource.DESCRIPTOR,
    "timeline_kind": customer_pb2.TimelineEntryKind.DESCRIPTOR,
    "satisfaction_source": customer_pb2.SatisfactionSource.DESCRIPTOR,
    "revision_source": customer_pb2.RevisionSource.DESCRIPTOR,
    "duplicate_reason": customer_pb2.DuplicateReason.DESCRIPTOR,
    "state": customer_pb2.CustomerState.DESCRIPTOR,
    "consent_purpose": customer_pb2.ConsentPurpose.DESCRIPTOR,
    "consent_state": customer_pb2.ConsentState.DESCRIPTOR,
    "channel": types_pb2.DeliveryChannel.DESCRIPTOR,
}
# Revisions whose values are enum words: shown as their labels.
VALUE_ENUMS = {"lifecycle_stage": types_pb2.LifecycleStage.DESCRIPTOR,
               "source": types_pb2.SourceChannel.DESCRIPTOR,
               "individual.gender": customer_pb2.Gender.DESCRIPTOR,
               "state": customer_pb2.CustomerState.DESCRIPTOR}


def field_label(path: str) -> str:
    """The label of a field path; the path itself when the page has no name for it (the
    templates show such a path as code)."""
    label = FIELD_LABELS.get(path)
    return _(label) if label else path


def has_field_label(path: str) -> bool:
    return path in FIELD_LABELS


def revision_value(path: str, value: str) -> tuple[str, bool]:
    """(text, is_label): an enum word of a known field as its translated label, anything else
    as recorded (the user's data)."""
    enum = VALUE_ENUMS.get(path)
    if enum is not None and value:
        label = enum_word_label(enum, value)
        if label and label != value:
            return label, True
    return value, False


SIGNALS = {"interaction_drop": N_("Interactions dropping"),
           "complaint_rise": N_("Complaints rising"),
           "overdue_payment": N_("Overdue payment"),
           "low_satisfaction": N_("Low satisfaction")}
SOURCE_SERVICES = {"sales": N_("Sales"), "ticket": N_("Tickets"), "marketing": N_("Marketing"),
                   "customer": N_("Customer record")}
CALLBACK_RESULTS = {"resolved": N_("Resolved"), "satisfied": N_("Satisfied"),
                    "needs_follow_up": N_("Needs follow-up")}
PANEL_REFUSED = N_("This part is not available right now.")
NOT_VISIBLE = N_("No customer with this id exists among the customers you may see.")


@blueprint.app_template_global("customer_enums")
def customer_enums() -> dict:
    return ENUMS


@blueprint.app_template_global("customer_refusal_title")
def customer_refusal_title(refusal: Refusal) -> str:
    """The message id of a panel's refusal: the console's status title, or a short default."""
    return STATUS_TITLES.get(refusal.status, PANEL_REFUSED)


@blueprint.app_template_global("customer_signal_label")
def customer_signal_label(code: str) -> str:
    return SIGNALS.get(code, code)


@blueprint.app_template_global("customer_source_label")
def customer_source_label(service: str) -> str:
    return SOURCE_SERVICES.get(service, service)


@blueprint.app_template_global("customer_callback_label")
def customer_callback_label(result: str) -> str:
    return CALLBACK_RESULTS.get(result, result)


@blueprint.app_template_global("customer_timeline_title")
def customer_timeline_title(entry, owners) -> Markup:
    return timeline_titles.timeline_title(entry, owners)


@blueprint.app_template_global("customer_subject_url")
def customer_subject_url(subject_type: str, subject_id: str) -> str | None:
    from crm_console.views.customers_panels import subject_url

    return subject_url(subject_type, subject_id)


def may_reveal() -> bool:
    return g.principal.has_role(*REVEAL_ROLES)


def is_lead() -> bool:
    return g.principal.has_role(*navigation.SALES_LEADS)


# user id → (monotonic expiry, names that user may see): the rep list changes rarely, and
# every customer page shows owners, so one call a minute per user is enough.
_OWNER_NAMES: dict[str, tuple[float, dict[str, str]]] = {}
OWNER_NAMES_SECONDS = 60.0


def owner_names() -> dict[str, str]:
    """Owner id → name, for the reps this user may see (the sales service's rep list), kept
    a minute per user. Unknown owners are shown by the templates as a short id."""
    principal = g.principal
    cached = _OWNER_NAMES.get(principal.user_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    names: dict[str, str] = {}
    try:
        reps = call("sales", "ListSalesReps", sales_pb2.ListSalesRepsRequest(page_size=500))
        names = {rep.user_id: rep.display_name for rep in reps.sales_reps}
    except Refusal:
        pass  # names are a nicety: the table still lists the customers (not kept: retry)
    else:
        if len(_OWNER_NAMES) > 10_000:
            _OWNER_NAMES.clear()
        _OWNER_NAMES[principal.user_id] = (time.monotonic() + OWNER_NAMES_SECONDS, names)
    names.setdefault(principal.user_id, principal.display_name or principal.username)
    return names


def start_catalogue_tags() -> Pending:
    """The tag catalogue, started (read it with :func:`catalogue_tags`)."""
    return start("customer", "ListTags", customer_pb2.ListTagsRequest(page_size=500))


def catalogue_tags(pending: Pending | None = None) -> list[customer_pb2.Tag]:
    try:
        return list((pending or start_catalogue_tags()).result().tags)
    except Refusal:
        return []


# --- the list ---------------------------------------------------------------------------------

@blueprint.get("/")
def customer_list():
    filters = forms.list_filters(request.args)
    lead = is_lead()
    list_request = forms.list_request(filters, page_size=PAGE_SIZE,
                                      page_token=request.args.get("page_token", "")[:2048],
                                      may_filter_owner=lead)
    partial = (request.headers.get("HX-Request") == "true"
               and not request.headers.get("HX-History-Restore-Request")
               and request.headers.get("HX-Target") == "customer-results")
    tags = None if partial else start_catalogue_tags()  # read while the list is read
    page, refusal = None, None
    try:
        page = call("customer", "ListCustomers", list_request)
    except Refusal as exc:
        if exc.status not in (400, 422):
            raise
        refusal = exc  # a stale page token or a filter the service refuses: say so
    context = {"page": page, "refusal": refusal, "filters": filters, "owners": owner_names(),
               "lead": lead, "export_args": forms.filter_args(filters)}
    if partial:
        return render_template("customers/_results.html", **context)
    return render_template("customers/list.html", tags=catalogue_tags(tags), **context)


@blueprint.get("/export.<any(csv, xlsx):file_format>")
def export_customers(file_format: str):
    """The list's customers under its filters as a file, headed in the reader's language. The
    customer service applies the user's data scope and writes the access log."""
    listing = forms.list_request(forms.list_filters(request.args), page_size=0,
                                 may_filter_owner=is_lead())
    export = table_exports.export_request(listing, customer_pb2.ExportCustomersRequest(
        format=table_exports.FORMATS[file_format], locale=current_language(),
        access_purpose="console customer list export"))
    return table_exports.download("customer", "ExportCustomers", export,
                                  file_format=file_format, ascii_name="customers",
                                  name=_("customer list"))


# --- quick create -----------------------------------------------------------------------------

@blueprint.route("/new", methods=["GET", "POST"])
def new_customer():
    values = request.form if request.method == "POST" else request.args
    kind = values.get("type", "")
    if kind not in forms.TYPES:
        return render_template("customers/new.html", kind="", values={}, errors={},
                               request_id="")
    if request.method == "GET":
        return render_template("customers/new.html", kind=kind, values={"type": kind},
                               errors={}, request_id=str(uuid.uuid4()))
    request_id = values.get("request_id", "")
    try:
        uuid.UUID(request_id)
    except ValueError:
        request_id = str(uuid.uuid4())
    customer, errors = forms.customer_from_form(values)
    status = 422
    if not errors:
        try:
            created = call("customer", "CreateCustomer", customer_pb2.CreateCustomerRequest(
                customer=customer, request_id=request_id), field_prefix="customer.")
        except Refusal as refusal:
            errors = dict(refusal.field_errors)
            if not errors:
                errors = {"": refusal.message or _("The customer could not be created.")}
            status = refusal.status if refusal.status in (400, 403, 409, 422) else 422
        else:
            return redirect(url_for("customers.customer", customer_id=created.id, created=1))
    return render_template("customers/new.html", kind=kind, values=values, errors=errors,
                           request_id=request_id), status


# --- the customer 360 page --------------------------------------------------------------------

def _load_customer(customer_id: str):
    """The portrait, or (when it is refused or down) at least the customer record. A customer
    the user may not see is the service's NOT_FOUND: the error page, nothing of the record."""
    try:
        return call("customer", "GetCustomerPortrait",
                    customer_pb2.GetCustomerPortraitRequest(customer_id=customer_id)), None
    except Refusal as refusal:
        try:
            customer = call("customer", "GetCustomer",
                            customer_pb2.GetCustomerRequest(id=customer_id))
        except Refusal as again:
            if again.status == 404:  # the service's words name the id; say it in the user's
                raise Refusal(status=404, message=_(NOT_VISIBLE), service="customer") from again
            raise
        return customer_pb2.CustomerPortrait(customer=customer), refusal


def _satisfaction_chart(records) -> dict:
    """ECharts line of the scores (1-5) and NPS answers (0-10) over time, oldest first."""
    points = sorted((r for r in records if r.score or r.HasField("nps")),
                    key=lambda r: (r.record_time.seconds, r.record_time.nanos))
    days = [format_date(r.record_time) for r in points]
    score = [round(r.score, 2) if r.score else None for r in points]
    nps = [r.nps if r.HasField("nps") else None for r in points]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Score (1-5)"), _("NPS (0-10)")], "bottom": 0},
        "grid": {"left": 8, "right": 8, "top": 36, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": days},
        "yAxis": [{"type": "value", "min": 0, "max": 5, "name": _("Score")},
                  {"type": "value", "min": 0, "max": 10, "name": "NPS"}],
        "series": [
            {"name": _("Score (1-5)"), "type": "line", "data": score, "connectNulls": True,
             "smooth": False, "symbolSize": 8},
            {"name": _("NPS (0-10)"), "type": "line", "yAxisIndex": 1, "data": nps,
             "connectNulls": True, "lineStyle": {"type": "dashed"}, "symbolSize": 8},
        ],
    }


@blueprint.get("/<customer_id>")
def customer(customer_id: str):
    if len(customer_id) > 64:
        abort(404)
    # Read together with the portrait; not shown if the portrait says the record is limited.
    tags = start_catalogue_tags()
    satisfaction_read = start("customer", "ListSatisfactionRecords",
                              customer_pb2.ListSatisfactionRecordsRequest(
                                  customer_id=customer_id, page_size=SATISFACTION_POINTS))
    portrait, portrait_refusal = _load_customer(customer_id)
    record = portrait.customer
    panels: dict[str, Refusal] = {}
    if portrait_refusal is not None:
        panels["portrait"] = portrait_refusal

    # Someone who may read the record by id but not its portrait (a service agent taking a
    # call): the record alone, read-only, without the panels that would only say "not found".
    limited = portrait_refusal is not None and portrait_refusal.status in (403, 404)
    chain = None
    if record.type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE and not limited:
        try:
            chain = call("customer", "GetDecisionChain",
                         customer_pb2.GetDecisionChainRequest(customer_id=record.id))
        except Refusal as refusal:
            panels["contacts"] = refusal
    contacts = list(chain.contacts) if chain is not None else list(portrait.contacts)

    satisfaction = []
    try:
        if limited:
            raise portrait_refusal
        if record.id != customer_id:  # the portrait answered for another record (merged)
            satisfaction_read = start("customer", "ListSatisfactionRecords",
                                      customer_pb2.ListSatisfactionRecordsRequest(
                                          customer_id=record.id, page_size=SATISFACTION_POINTS))
        satisfaction = list(satisfaction_read.result().satisfaction_records)
    except Refusal as refusal:
        panels["satisfaction"] = refusal

    duplicates = []
    if request.args.get("created"):
        try:
            duplicates = list(call("customer", "ListDuplicateCandidates",
                                   customer_pb2.ListDuplicateCandidatesRequest(
                                       customer_id=record.id, page_size=10)
                                   ).duplicate_candidates)
        except Refusal:
            pass  # the warning is a help, not the point of the page

    tags_on = {tag.tag_id for tag in record.tags}
    addable = [] if limited else [tag for tag in catalogue_tags(tags)
                                  if not tag.system and tag.id not in tags_on]
    return render_template(
        "customers/customer.html", limited=limited, tags_editable=not limited, portrait=portrait, c=record, panels=panels, chain=chain,
        contacts=contacts, contact_names={ct.id: ct.name for ct in contacts},
        satisfaction=satisfaction, chart=_satisfaction_chart(satisfaction),
        duplicates=duplicates, addable_tags=addable, owners=owner_names(),
        may_reveal=may_reveal(), field_label=field_label, has_field_label=has_field_label,
        contact_form={"request_id": str(uuid.uuid4())}, contact_errors={},
        created=bool(request.args.get("created")))


# --- contacts ---------------------------------------------------------------------------------

def _contacts_fragment(customer_id: str, form, errors: dict[str, str], status: int = 200):
    record = call("customer", "GetCustomer", customer_pb2.GetCustomerRequest(id=customer_id))
    chain, panels = None, {}
    try:
        chain = call("customer", "GetDecisionChain",
                     customer_pb2.GetDecisionChainRequest(customer_id=customer_id))
    except Refusal as refusal:
        panels["contacts"] = refusal
    contacts = list(chain.contacts) if chain is not None else []
    return render_template("customers/_contacts.html", c=record, chain=chain, panels=panels,
                           contacts=contacts, contact_names={ct.id: ct.name for ct in contacts},
                           contact_form=form, contact_errors=errors), status


@blueprint.post("/<customer_id>/contacts")
def add_contact(customer_id: str):
    """A contact person for an enterprise customer, in its place in the decision chain."""
    form = request.form
    contact, request_id = forms.contact_from_form(customer_id, form)
    htmx = bool(request.headers.get("HX-Request"))
    try:
        call("customer", "CreateContact", customer_pb2.CreateContactRequest(
            contact=contact, request_id=request_id), field_prefix="contact.")
    except Refusal as refusal:
        if refusal.status == 404:
            raise
        errors = dict(refusal.field_errors) or {"": refusal.message}
        if not htmx:
            raise
        return _contacts_fragment(customer_id, form, errors, 422)
    if not htmx:
        return redirect(url_for("customers.customer", customer_id=customer_id) + "#contacts")
    return _contacts_fragment(customer_id, {"request_id": str(uuid.uuid4())}, {})


# --- tags -------------------------------------------------------------------------------------

def _tags_response(customer_id: str, record=None, refusal: Refusal | None = None):
    """The tags panel again (htmx) or the page (a plain form post)."""
    if not request.headers.get("HX-Request"):
        if refusal is not None:
            raise refusal
        return redirect(url_for("customers.customer", customer_id=customer_id) + "#tags")
    if record is None:
        record = call("customer", "GetCustomer", customer_pb2.GetCustomerRequest(id=customer_id))
    tags_on = {tag.tag_id for tag in record.tags}
    addable = [tag for tag in catalogue_tags() if not tag.system and tag.id not in tags_on]
    return render_template("customers/_tags.html", c=record, addable_tags=addable,
                           tag_refusal=refusal, tags_editable=True)


@blueprint.post("/<customer_id>/tags")
def add_tags(customer_id: str):
    tag_ids = [tag for tag in request.form.getlist("tag_id") if tag]
    if not tag_ids:
        return _tags_response(customer_id, refusal=Refusal(
            status=422, message=_("Choose a tag to add.")))
    try:
        record = call("customer", "AddCustomerTags", customer_pb2.AddCustomerTagsRequest(
            customer_id=customer_id, tag_ids=tag_ids))
    except Refusal as refusal:
        if refusal.status == 404:
            raise
        return _tags_response(customer_id, refusal=refusal)
    return _tags_response(customer_id, record)


@blueprint.post("/<customer_id>/tags/<tag_id>/remove")
def remove_tag(customer_id: str, tag_id: str):
    try:
        record = call("customer", "RemoveCustomerTags", customer_pb2.RemoveCustomerTagsRequest(
            customer_id=customer_id, tag_ids=[tag_id]))
    except Refusal as refusal:
        if refusal.status == 404:
            raise
        return _tags_response(customer_id, refusal=refusal)
    return _tags_response(customer_id, record)


# --- reveal -----------------------------------------------------------------------------------

@blueprint.post("/<customer_id>/reveal")
def reveal(customer_id: str):
    """The masked fields in clear, for a role the service lets reveal; the service writes the
    reveal (who, when, why) to its access log. Anyone else reads the service's refusal."""
    purpose = (request.form.get("access_purpose") or "").strip()[:500]
    revealed, refusal = None, None
    try:
        revealed = call("customer", "GetCustomer", customer_pb2.GetCustomerRequest(
            id=customer_id, reveal_sensitive=True, access_purpose=purpose))
    except Refusal as exc:
        if exc.status == 404 or not request.headers.get("HX-Request"):
            raise
        refusal = exc
    template = "customers/_revealed.html"
    if not request.headers.get("HX-Request"):
        return render_template("customers/revealed_page.html", c=revealed)
    return render_template(template, c=revealed, refusal=refusal,
                           customer_id=customer_id)



# The 360 page's htmx panels and its attachments live in modules of their own; importing
# them here attaches their routes to this blueprint before the app registers it.
from crm_console.views import (
    customers_attachments,  # noqa: F401
    customers_collaborators,  # noqa: F401
    customers_panels,  # noqa: F401
)
