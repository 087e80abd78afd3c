"""Service tickets: a new ticket from a phone call in three steps, the department's queue by
SLA due time, the ticket page with its routing "why", history, comments, knowledge and the
lifecycle's actions, call-back tasks, and the department leads' overview.

Every call goes to ``crm.ticket.v1.TicketService`` (and the customer service for the caller's
customer) with the signed-in user's token, so the pages show what the API would. Pure logic
(forms → requests, chart options) is in :mod:`crm_console.views.tickets_forms`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from crm.customer.v1 import customer_pb2
from crm.ticket.v1 import ticket_pb2
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from crm_console import navigation, table_exports
from crm_console.display import enum_label, time_zone
from crm_console.i18n import N_, current_language
from crm_console.i18n import gettext as _
from crm_console.navigation import NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call, start
from crm_console.views import decision_reasons
from crm_console.views import tickets_forms as forms

blueprint = Blueprint("tickets", __name__)
SERVICE_SECTION = N_("Service")
LEADS = frozenset({"manager", "service_lead", "admin"})
# Call-backs are the account manager's (the customer's owner, usually a sales rep).
CALLBACK_ROLES = navigation.SERVICE | frozenset({"sales_rep", "sales_lead"})
NAV = [
    NavItem("tickets.queue", N_("Ticket queue"), roles=navigation.SERVICE, order=10,
            section=SERVICE_SECTION),
    NavItem("tickets.new_ticket", N_("New ticket"), roles=navigation.SERVICE, order=20,
            section=SERVICE_SECTION),
    NavItem("tickets.callbacks", N_("Call-backs"), roles=CALLBACK_ROLES, order=30,
            section=SERVICE_SECTION),
    NavItem("tickets.overview", N_("Service overview"), roles=LEADS, order=40,
            section=SERVICE_SECTION),
]
PAGE_SIZE = 30
# The leads' overview looks for breaches and escalations among this many open tickets.
QUEUE_READ_LIMIT = 500
ENUMS = {
    "state": ticket_pb2.TicketState.DESCRIPTOR,
    "type": ticket_pb2.TicketType.DESCRIPTOR,
    "priority": ticket_pb2.TicketPriority.DESCRIPTOR,
    "channel": ticket_pb2.TicketChannel.DESCRIPTOR,
    "history": ticket_pb2.TicketHistoryKind.DESCRIPTOR,
    "routing": ticket_pb2.RoutingKind.DESCRIPTOR,
    "selection": ticket_pb2.AgentSelection.DESCRIPTOR,
    "callback_state": ticket_pb2.CallbackTaskState.DESCRIPTOR,
    "callback_result": ticket_pb2.CallbackResult.DESCRIPTOR,
    "visibility": ticket_pb2.CommentVisibility.DESCRIPTOR,
    "knowledge": ticket_pb2.KnowledgeArticleKind.DESCRIPTOR,
    "value_class": None,
}


# --- directory look-ups (each a nicety: a refusal leaves ids or paths on the page) ------------

def departments() -> list[dict]:
    if "_departments" not in g:
        try:
            found = current_app.extensions["crm.console"].identity.departments(
                session.get("access_token"), g.principal.user_id)
            g._departments = [d for d in found if d.get("active", True)]
        except Refusal:
            g._departments = []
    return g._departments


def department_names() -> dict[str, str]:
    return {d["path"]: d.get("name") or d["path"] for d in departments()}


def start_agent_names() -> None:
    """Start reading the agents now, so :func:`agent_names` waits less (or not at all)."""
    if "_agents_read" not in g and "_agent_names" not in g:
        g._agents_read = start("ticket", "ListAgents", ticket_pb2.ListAgentsRequest(page_size=500))


def agent_names() -> dict[str, str]:
    """User id → display name, from the ticket service's agents (and the signed-in user)."""
    if "_agent_names" not in g:
        names = {}
        try:
            start_agent_names()
            page = g.pop("_agents_read").result()
            names = {a.user_id: a.display_name for a in page.agents if a.display_name}
        except Refusal:
            pass
        if g.principal.display_name:
            names.setdefault(g.principal.user_id, g.principal.display_name)
        g._agent_names = names
    return g._agent_names


def customer_names(ids) -> dict[str, str]:
    ids = sorted({i for i in ids if i})[:500]
    if not ids:
        return {}
    try:
        found = call("customer", "BatchGetCustomers",
                     customer_pb2.BatchGetCustomersRequest(ids=ids))
    except Refusal:
        return {}
    return {c.id: c.display_name for c in found.customers}


def _translated(errors: dict[str, str]) -> dict[str, str]:
    """The service's field errors in the user's language where the catalog has them."""
    return {name: _(text) for name, text in errors.items()}


def _common() -> dict:
    return {"enums": {k: v for k, v in ENUMS.items() if v is not None}, "forms": forms,
            "dept_names": department_names(), "names": agent_names()}


# --- 1. a new ticket from a phone call, in three steps ----------------------------------------

def _find_customers(phone: str) -> tuple[list, Refusal | None]:
    phone = forms.clean_phone(phone)
    if not phone:
        return [], None
    try:
        page = call("customer", "ListCustomers",
                    customer_pb2.ListCustomersRequest(phone=phone, page_size=10))
    except Refusal as refusal:
        return [], refusal
    return list(page.customers), None


def _customer(customer_id: str):
    if not customer_id:
        return None
    try:
        return call("customer", "GetCustomer", customer_pb2.GetCustomerRequest(id=customer_id))
    except Refusal:
        return None


def _type_options():
    return [("", _("Choose…"))] + _enum_options(ENUMS["type"], forms.TYPES)


def _enum_options(enum, numbers):
    return [(forms.enum_word(enum, n), enum_label(enum, n)) for n in numbers]


def _category_options():
    return [("", _("Let routing infer it from the text"))] + [
        (key, _(label)) for key, label in forms.CATEGORY_LABELS.items()]


def _render_new(step: int, *, values, errors=None, customers=(), lookup_refusal=None,
                customer=None, suggestion="", similar=(), status=200):
    return render_template(
        "tickets/new.html", step=step, values=values, errors=errors or {},
        request_id=values.get("request_id") or str(uuid.uuid4()),
        customers=customers, lookup_refusal=lookup_refusal, customer=customer,
        suggestion=suggestion, similar=similar, type_options=_type_options(),
        phone=values.get("phone", ""), searched=bool(forms.clean_phone(values.get("phone", ""))),
        category_options=_category_options(), **_common()), status


@blueprint.get("/tickets/new")
def new_ticket():
    """Step 1 (find the caller by phone) and step 2 (type and description)."""
    values = request.args
    customer_id = values.get("customer_id", "")
    if customer_id or values.get("step") == "2":
        customer = _customer(customer_id)
        if customer_id and customer is None:
            return _render_new(1, values=values, errors={
                "phone": _("The customer could not be opened. Look them up again.")}, status=404)
        return _render_new(2, values=values, customer=customer)
    customers, refusal = _find_customers(values.get("phone", ""))
    return _render_new(1, values=values, customers=customers, lookup_refusal=refusal)


@blueprint.get("/tickets/new/customers")
def lookup_customers():
    """htmx: the customers with this phone number, each with "Next" to step 2."""
    phone = request.args.get("phone", "")
    customers, refusal = _find_customers(phone)
    return render_template("tickets/_customers.html", customers=customers, phone=phone,
                           lookup_refusal=refusal, searched=bool(forms.clean_phone(phone)))


@blueprint.post("/tickets/new")
def create_ticket():
    """Step 2 → step 3 (confirm, with the suggested category), step 3 → create."""
    values = request.form
    customer = _customer(values.get("customer_id", ""))
    missing = forms.ticket_form_errors(values)
    if values.get("action") == "back" or missing:
        errors = {k: _(v) for k, v in missing.items()} if values.get("action") != "back" else {}
        return _render_new(2, values=values, errors=errors, customer=customer,
                           status=422 if errors else 200)
    if values.get("action") != "create":
        similar, suggestion = _similar_articles(values)
        return _render_new(3, values=values, customer=customer, suggestion=suggestion,
                           similar=similar)
    request_id = values.get("request_id") or str(uuid.uuid4())
    try:
        created = call("ticket", "CreateTicket",
                       forms.create_ticket_request(values, request_id), field_prefix="ticket.")
    except Refusal as refusal:
        if refusal.status in (400, 422) and refusal.field_errors:
            errors = _translated(refusal.field_errors)
            if "reporter_phone" in errors:
                errors.setdefault("phone", errors.pop("reporter_phone"))
            if "customer_id" in errors:
                errors.setdefault("phone", errors.pop("customer_id"))
            return _render_new(2, values=values, errors=errors, customer=customer, status=422)
        raise
    flash(_("Ticket %(number)s created and routed.", number=created.number), "ok")
    return redirect(url_for("tickets.ticket", ticket_id=created.id, created=1))


def _similar_articles(values) -> tuple[list, str]:
    """Published knowledge articles like the caller's problem, and the category they suggest."""
    text = " ".join(v for v in (values.get("title", ""), values.get("description", "")) if v)
    try:
        found = call("ticket", "SearchKnowledgeArticles", ticket_pb2.SearchKnowledgeArticlesRequest(
            query=text[:500], page_size=5))
    except Refusal:
        return [], ""
    results = list(found.results)
    return results, forms.suggest_category(results)


# --- 2. the queue -------------------------------------------------------------------------------

@blueprint.get("/tickets/")
def queue():
    filters = forms.queue_filters(request.args)
    # The agents and the tickets are read while the directory answers the departments.
    start_agent_names()
    tickets = start("ticket", "ListTickets", forms.list_tickets_request(
        filters, user_id=g.principal.user_id, department_path=g.principal.department_path,
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", "")))
    departments()
    page = forms.queue_page(tickets.result())
    template = "tickets/_queue_table.html" if request.headers.get("HX-Request") \
        and request.headers.get("HX-Target") == "queue-results" else "tickets/queue.html"
    return render_template(template, page=page, filters=filters,
                           customers=customer_names(t.customer_id for t in page.tickets),
                           **_common())


@blueprint.get("/tickets/export.<any(csv, xlsx):file_format>")
def export_queue(file_format: str):
    """The queue's tickets under its filters as a file, headed in the reader's language. The
    ticket service applies the user's visibility and audit-logs the reporters' contacts."""
    listing = forms.list_tickets_request(
        forms.queue_filters(request.args), user_id=g.principal.user_id,
        department_path=g.principal.department_path, page_size=0)
    export = table_exports.export_request(listing, ticket_pb2.ExportTicketsRequest(
        format=table_exports.FORMATS[file_format], locale=current_language(),
        access_purpose="console ticket queue export"))
    return table_exports.download("ticket", "ExportTickets", export, file_format=file_format,
                                  ascii_name="tickets", name=_("ticket list"))


# --- 3. the ticket page --------------------------------------------------------------------------

def _try(method: str, req, default=None):
    """A secondary read of the ticket page: a refusal leaves its panel with a note."""
    try:
        return call("ticket", method, req)
    except Refusal:
        return default


def render_ticket(ticket_id: str, *, status: int = 200, form: str = "", values=None,
                  errors=None, problem: Refusal | None = None):
    ticket = call("ticket", "GetTicket", ticket_pb2.GetTicketRequest(
        id=ticket_id, view=ticket_pb2.TICKET_VIEW_FULL))
    comments = _try("ListTicketComments", ticket_pb2.ListTicketCommentsRequest(
        ticket_id=ticket_id, page_size=200))
    records = _try("ListServiceRecords", ticket_pb2.ListServiceRecordsRequest(
        ticket_id=ticket_id, page_size=50))
    knowledge = _try("SearchKnowledgeArticles", ticket_pb2.SearchKnowledgeArticlesRequest(
        ticket_id=ticket_id, page_size=5, kinds=[ticket_pb2.KNOWLEDGE_ARTICLE_KIND_SOLVED_CASE,
                                                 ticket_pb2.KNOWLEDGE_ARTICLE_KIND_FAQ]))
    templates = _try("SearchKnowledgeArticles", ticket_pb2.SearchKnowledgeArticlesRequest(
        ticket_id=ticket_id, page_size=5,
        kinds=[ticket_pb2.KNOWLEDGE_ARTICLE_KIND_REPLY_TEMPLATE]))
    if templates is not None and not templates.results:
        listed = _try("ListKnowledgeArticles", ticket_pb2.ListKnowledgeArticlesRequest(
            kind=ticket_pb2.KNOWLEDGE_ARTICLE_KIND_REPLY_TEMPLATE,
            state=ticket_pb2.KNOWLEDGE_ARTICLE_STATE_PUBLISHED, page_size=5))
        reply_templates = list(listed.articles) if listed is not None else []
    else:
        reply_templates = [r.article for r in templates.results] if templates else None
    callbacks = _try("ListCallbackTasks", ticket_pb2.ListCallbackTasksRequest(
        ticket_id=ticket_id, page_size=20))
    customer = _customer(ticket.customer_id) if ticket.customer_id else None
    dept_options = [("", _("Choose a department"))] + [
        (d["path"], f'{d.get("name") or d["path"]} · {d["path"]}') for d in departments()
        if d["path"] != ticket.department_path]
    return render_template(
        "tickets/ticket.html", ticket=ticket, comments=comments, records=records,
        knowledge=knowledge, reply_templates=reply_templates, callbacks=callbacks,
        customer=customer, actions=forms.actions_for(ticket.state), form=form,
        values=values or {}, errors=errors or {}, problem=problem, dept_options=dept_options,
        due=forms.ticket_due(ticket), breached=forms.is_breached(ticket),
        result_options=_enum_options(ENUMS["callback_result"], forms.CALLBACK_RESULTS),
        why=decision_reasons, decisions={d.id: d for d in ticket.routing_decisions},
        **_common()), status


@blueprint.get("/tickets/<ticket_id>")
def ticket(ticket_id: str):
    template_id = request.args.get("use_template", "")
    if template_id:  # a reply template, filled in, as the start of a reply to the customer
        try:
            article = call("ticket", "GetKnowledgeArticle",
                           ticket_pb2.GetKnowledgeArticleRequest(id=template_id))
        except Refusal:
            article = None
        if article is not None:
            return render_ticket(ticket_id, form="comment", values={
                "body": forms.fill_template(article.body, _customer_name_of(ticket_id)),
                "visibility": "public"})
    return render_ticket(ticket_id)


def _customer_name_of(ticket_id: str) -> str:
    found = call("ticket", "GetTicket", ticket_pb2.GetTicketRequest(id=ticket_id))
    customer = _customer(found.customer_id)
    return customer.display_name if customer else found.reporter_name


def _refused_on_page(ticket_id: str, form: str, refusal: Refusal):
    """A refused action, shown on the ticket page: field errors next to the fields (422),
    anything else as a readable message with the ticket as it is now."""
    values = request.form
    if refusal.field_errors and refusal.status in (400, 422):
        return render_ticket(ticket_id, status=422, form=form, values=values,
                             errors=forms.form_errors(form, _translated(refusal.field_errors)))
    if refusal.status == 404:
        raise refusal
    return render_ticket(ticket_id, status=refusal.status, form=form, values=values,
                         problem=refusal)


def _back_to(ticket_id: str, message: str):
    flash(message, "ok")
    return redirect(url_for("tickets.ticket", ticket_id=ticket_id))


@blueprint.post("/tickets/<ticket_id>/act/<action>")
def act(ticket_id: str, action: str):
    """One lifecycle move (start, hold, resume, resolve, confirm, close, reopen, escalate)."""
    if action not in forms.TRANSITIONS:
        return render_ticket(ticket_id, status=404, problem=Refusal(
            status=404, message=_("Unknown action.")))
    method, request_class, text_field = forms.TRANSITIONS[action]
    req = request_class(id=ticket_id)
    setattr(req, text_field, request.form.get(forms.form_field(action, text_field), "").strip())
    if "etag" in request_class.DESCRIPTOR.fields_by_name and request.form.get("etag"):
        req.etag = request.form["etag"]
    if action == "resolve":
        req.create_knowledge_article = request.form.get("create_knowledge_article") == "true"
    try:
        call("ticket", method, req)
    except Refusal as refusal:
        return _refused_on_page(ticket_id, action, refusal)
    return _back_to(ticket_id, _(forms.DONE_MESSAGES[action]))


@blueprint.post("/tickets/<ticket_id>/transfer")
def transfer(ticket_id: str):
    target = request.form.get("department_path", "").strip()
    req = ticket_pb2.TransferTicketRequest(
        id=ticket_id, department_path=target,
        reason=request.form.get("transfer_reason", "").strip(),
        request_id=request.form.get("request_id") or str(uuid.uuid4()),
        etag=request.form.get("etag", ""))
    try:
        call("ticket", "TransferTicket", req)
    except Refusal as refusal:
        return _refused_on_page(ticket_id, "transfer", refusal)
    name = department_names().get(target, target)
    message = _("Transferred to %(department)s.", department=name)
    try:  # once it has left, the sender may no longer see it
        call("ticket", "GetTicket", ticket_pb2.GetTicketRequest(id=ticket_id))
    except Refusal:
        flash(message + " " + _("It is no longer in your view."), "ok")
        return redirect(url_for("tickets.queue"))
    return _back_to(ticket_id, message)


@blueprint.post("/tickets/<ticket_id>/comments")
def comment(ticket_id: str):
    visibility = (ticket_pb2.COMMENT_VISIBILITY_PUBLIC if request.form.get("visibility") == "public"
                  else ticket_pb2.COMMENT_VISIBILITY_INTERNAL)
    req = ticket_pb2.CreateTicketCommentRequest(
        comment=ticket_pb2.TicketComment(ticket_id=ticket_id, body=request.form.get("body", "").strip(),
                                         visibility=visibility),
        request_id=request.form.get("request_id") or str(uuid.uuid4()))
    try:
        call("ticket", "CreateTicketComment", req, field_prefix="comment.")
    except Refusal as refusal:
        return _refused_on_page(ticket_id, "comment", refusal)
    return _back_to(ticket_id, _("Comment added."))


@blueprint.post("/tickets/<ticket_id>/service-records")
def service_record(ticket_id: str):
    req = ticket_pb2.CreateServiceRecordRequest(
        service_record=ticket_pb2.ServiceRecord(
            ticket_id=ticket_id, actions_taken=request.form.get("actions_taken", "").strip(),
            customer_feedback=request.form.get("customer_feedback", "").strip(),
            next_plan=request.form.get("next_plan", "").strip()),
        request_id=request.form.get("request_id") or str(uuid.uuid4()))
    try:
        call("ticket", "CreateServiceRecord", req, field_prefix="service_record.")
    except Refusal as refusal:
        return _refused_on_page(ticket_id, "service_record", refusal)
    return _back_to(ticket_id, _("Service record saved."))


# --- 4. call-back tasks ----------------------------------------------------------------------------

def _callback_request(show: str, page_token: str) -> ticket_pb2.ListCallbackTasksRequest:
    req = ticket_pb2.ListCallbackTasksRequest(page_size=PAGE_SIZE, page_token=page_token,
                                             assignee_id=g.principal.user_id)
    if show != "all":
        req.states.extend([ticket_pb2.CALLBACK_TASK_STATE_OPEN,
                           ticket_pb2.CALLBACK_TASK_STATE_OVERDUE])
    return req


def _render_callbacks(*, status=200, errors=None, values=None, task_id="", problem=None):
    show = request.args.get("show", "open")
    page = call("ticket", "ListCallbackTasks",
                _callback_request(show, request.args.get("page_token", "")))
    return render_template(
        "tickets/callbacks.html", page=page, show=show, errors=errors or {},
        values=values or {}, task_id=task_id, problem=problem,
        customers=customer_names(t.customer_id for t in page.tasks),
        result_options=[("", _("Choose…"))] + _enum_options(ENUMS["callback_result"],
                                                            forms.CALLBACK_RESULTS),
        **_common()), status


@blueprint.get("/tickets/callbacks")
def callbacks():
    return _render_callbacks()


@blueprint.post("/tickets/callbacks/<task_id>")
def complete_callback(task_id: str):
    result = forms.enum_from_word(ENUMS["callback_result"], request.form.get("result", ""))
    if not result:
        return _render_callbacks(status=422, task_id=task_id, values=request.form,
                                 errors={"result": _("Choose the result of the call.")})
    req = ticket_pb2.CompleteCallbackTaskRequest(
        id=task_id, result=result, note=request.form.get("note", "").strip(),
        reopen_ticket=(result == ticket_pb2.CALLBACK_RESULT_NEEDS_FOLLOW_UP
                       and request.form.get("reopen_ticket") == "true"))
    try:
        call("ticket", "CompleteCallbackTask", req)
    except Refusal as refusal:
        if refusal.field_errors:
            return _render_callbacks(status=422, task_id=task_id, values=request.form,
                                     errors=_translated(refusal.field_errors))
        return _render_callbacks(status=refusal.status, task_id=task_id, values=request.form,
                                 problem=refusal)
    flash(_("The call-back is recorded."), "ok")
    return redirect(url_for("tickets.callbacks"))


# --- 5. the department leads' overview ---------------------------------------------------------------

@blueprint.get("/service/overview")
def overview():
    principal = g.principal
    period = request.args.get("period", "30d")
    period = period if period in forms.PERIODS else "30d"
    department = request.args.get("department", "").strip() or principal.department_path
    today = datetime.now(time_zone()).date()
    date_range = forms.period_range(period, today)
    notes = []

    def attempt(label, method, req):
        try:
            return call("ticket", method, req)
        except Refusal as refusal:
            notes.append((label, refusal))
            return None

    open_states = list(forms.OPEN_STATES)
    # The department's open tickets, most urgent first; breaches and escalations among them.
    scan = attempt(N_("Queue"), "ListTickets", ticket_pb2.ListTicketsRequest(
        page_size=QUEUE_READ_LIMIT, department_path=department, states=open_states,
        order_by=forms.QUEUE_ORDER))
    open_tickets = list(scan.tickets) if scan else []
    queue_page = forms.QueuePage(tickets=open_tickets[:20], next_page_token="",
                                 total_size=scan.total_size) if scan else None
    problems = [t for t in open_tickets if forms.is_breached(t) or t.escalation_level > 0]
    agents_page = attempt(N_("Agents' load"), "ListAgents", ticket_pb2.ListAgentsRequest(
        page_size=200, department_path=department))
    kpis = attempt(N_("KPIs"), "GetTicketKpis", ticket_pb2.GetTicketKpisRequest(
        period=date_range, department_path=department))
    period_tickets = attempt(N_("Satisfaction"), "ListTickets", ticket_pb2.ListTicketsRequest(
        page_size=500, department_path=department,
        min_create_time=_timestamp(forms.day_start(date_range.start_date))))
    agents = list(agents_page.agents) if agents_page else []
    kpi_names = {key: _(label) for key, label in forms.KPI_LABELS.items()}
    load_option = forms.load_chart(agents, {"open": _("Open tickets"),
                                            "capacity": _("Capacity")})
    sla_option = forms.sla_chart(kpis, {"current": _("This period"),
                                        "previous": _("Previous period")}, kpi_names) \
        if kpis is not None else None
    counts = forms.satisfaction_scores(period_tickets.tickets if period_tickets else [])
    sat_labels = {str(s): _("%(n)s stars", n=s) for s in range(1, 6)}
    sat_labels["tickets"] = _("Tickets")
    satisfaction_option = forms.satisfaction_chart(counts, sat_labels)
    rated = sum(counts.values())
    average = (sum(s * n for s, n in counts.items()) / rated) if rated else None
    tickets_seen = list(queue_page.tickets if queue_page else []) + problems
    return render_template(
        "tickets/overview.html", period=period, department=department, date_range=date_range,
        queue_page=queue_page, problems=problems, agents=agents,
        kpis=kpis, kpi_names=kpi_names, load_option=load_option, sla_option=sla_option,
        satisfaction_option=satisfaction_option, rated=rated, average=average, notes=notes,
        customers=customer_names(t.customer_id for t in tickets_seen),
        period_options=[(p, _(forms.PERIOD_LABELS[p])) for p in forms.PERIODS],
        department_options=[(d["path"], f'{d.get("name") or d["path"]} · {d["path"]}')
                            for d in departments()] or [(department, department)],
        **_common())


def _timestamp(moment: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


# The ticket page's attachments panel lives in a module of its own; importing it here attaches
# its routes to this blueprint before the app registers it.
from crm_console.views import tickets_attachments  # noqa: F401
