"""Opportunities: the pipeline as a kanban by stage (drop a card on a column, or pick the stage
on the card: the same form; lost asks for the reason the API requires), and the opportunity
page with its stage path, history, quotes, contracts, payment plans, payments and overdue
receivables, with the forms the contract allows at each step."""

from __future__ import annotations

from crm.sales.v1 import sales_pb2
from flask import Blueprint, g, redirect, render_template, request, url_for

from crm_console.display import today
from crm_console.i18n import N_, gettext
from crm_console.navigation import SALES, SALES_LEADS, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import sales_forms as forms

blueprint = Blueprint("opportunities", __name__, url_prefix="/opportunities")
NAV = [NavItem("opportunities.pipeline", N_("Pipeline"), roles=SALES, order=30,
               section=N_("Sales"))]
STAGE = sales_pb2.OpportunityStage.DESCRIPTOR
OPEN_PAGE = 500
CLOSED_PAGE = 30


def enums() -> dict:
    return {
        "stage": STAGE,
        "quote_status": sales_pb2.QuoteStatus.DESCRIPTOR,
        "contract_status": sales_pb2.ContractStatus.DESCRIPTOR,
        "installment_status": sales_pb2.InstallmentStatus.DESCRIPTOR,
        "payment_method": sales_pb2.PaymentMethod.DESCRIPTOR,
        "payment_status": sales_pb2.PaymentStatus.DESCRIPTOR,
    }


# -- the kanban ----------------------------------------------------------------------------------


def _filters(source) -> dict[str, str]:
    return {"owner": (source.get("owner") or "").strip(), "q": (source.get("q") or "").strip()}


def load_board(filters: dict[str, str]) -> dict:
    """Open opportunities by stage (soonest expected close first) and the latest closed ones."""
    common = {"owner_id": filters["owner"], "query": filters["q"]}
    opened = call("sales", "ListOpportunities", sales_pb2.ListOpportunitiesRequest(
        page_size=OPEN_PAGE, order_by="amount desc",
        stages=[forms.enum_number(STAGE, s) for s in forms.OPEN_STAGES], **common))
    closed = call("sales", "ListOpportunities", sales_pb2.ListOpportunitiesRequest(
        page_size=CLOSED_PAGE, order_by="update_time desc",
        stages=[forms.enum_number(STAGE, s) for s in forms.CLOSED_STAGES], **common))
    columns = {stage: [] for stage in forms.STAGES}
    for opportunity in list(opened.opportunities) + list(closed.opportunities):
        columns.setdefault(forms.enum_word(STAGE, opportunity.stage), []).append(opportunity)
    for stage in forms.OPEN_STAGES:  # soonest expected close first, undated last
        columns[stage].sort(key=lambda o: o.expected_close_date or "9999")
    totals = {stage: sum(o.amount.amount_minor for o in items if o.amount.currency_code
                         in ("", forms.CURRENCY)) for stage, items in columns.items()}
    weighted = {stage: sum(o.weighted_amount.amount_minor for o in items)
                for stage, items in columns.items()}
    customers = forms.customer_names(o.customer_id for items in columns.values() for o in items)
    return {"columns": columns, "totals": totals, "weighted": weighted, "customers": customers,
            "more_open": bool(opened.next_page_token), "open_total": opened.total_size}


def _board_context(filters, *, errors=None, pending=None) -> dict:
    return {"board": load_board(filters), "filters": filters, "enums": enums(),
            "names": forms.rep_names(), "card_errors": errors or {},
            "stage_names": forms.stage_names(),
            "pending": pending or {}, "stage_options": stage_options(),
            "owner_options": forms.rep_options(blank=gettext("Everyone I can see"))
            if g.principal.has_role(*SALES_LEADS) else None}


def stage_options(closed: bool = True) -> list[tuple[str, str]]:
    names = forms.stage_names()
    return [(word, names[number]) for word, number in forms.STAGE_NUMBERS.items()
            if closed or word in forms.OPEN_STAGES]


@blueprint.get("/")
def pipeline():
    filters = _filters(request.args)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "kanban":
        return render_template("sales/_board.html", **_board_context(filters))
    return render_template("sales/pipeline.html", **_board_context(filters))


@blueprint.post("/<opportunity_id>/stage")
def change_stage(opportunity_id: str):
    """A card dropped on a column, or the stage picked on the card or the record page."""
    from_record = request.form.get("from") == "record"
    try:
        call("sales", "ChangeOpportunityStage", forms.stage_request(request.form, opportunity_id))
    except Refusal as refusal:
        if refusal.status not in (400, 409, 412, 422) and not refusal.field_errors:
            raise
        errors = refusal.field_errors or {"": refusal.message}
        if from_record:
            return _record_page(opportunity_id, state={"stage": (request.form, errors)},
                                status=422)
        context = _board_context(_filters(request.form), errors={opportunity_id: errors},
                                 pending={opportunity_id: request.form})
        if request.headers.get("HX-Request"):
            return render_template("sales/_board.html", **context), 422
        return render_template("sales/pipeline.html", **context), 422
    if from_record:
        return redirect(url_for("opportunities.opportunity", opportunity_id=opportunity_id))
    filters = _filters(request.form)
    if request.headers.get("HX-Request"):
        return render_template("sales/_board.html", **_board_context(filters))
    return redirect(url_for("opportunities.pipeline", **{k: v for k, v in filters.items() if v}))


# -- the opportunity page ----------------------------------------------------------------------


def _record_page(opportunity_id: str, *, state=None, status=200):
    """The opportunity with everything about its money; ``state`` holds a refused form's values
    and errors by form name (``stage``, ``quote``, ``contract``, ``payment:<contract id>``)."""
    opportunity = call("sales", "GetOpportunity",
                       sales_pb2.GetOpportunityRequest(id=opportunity_id))
    quotes = list(call("sales", "ListQuotes", sales_pb2.ListQuotesRequest(
        opportunity_id=opportunity_id, page_size=100)).quotes)
    contracts = [c for c in call("sales", "ListContracts", sales_pb2.ListContractsRequest(
        customer_id=opportunity.customer_id, page_size=200)).contracts
        if c.opportunity_id == opportunity_id]
    plans, payments = {}, {}
    for contract in contracts:
        plans[contract.id] = call("sales", "GetPaymentPlan", sales_pb2.GetPaymentPlanRequest(
            contract_id=contract.id))
        payments[contract.id] = list(call("sales", "ListPayments", sales_pb2.ListPaymentsRequest(
            contract_id=contract.id, page_size=100, include_voided=True)).payments)
    receivables = []
    if contracts:
        ids = {c.id for c in contracts}
        receivables = [r for r in call("sales", "ListOverdueReceivables",
                                       sales_pb2.ListOverdueReceivablesRequest(
                                           customer_id=opportunity.customer_id,
                                           page_size=200)).receivables
                       if r.contract_id in ids]
    state = state or {}
    defaults = {
        "stage": ({"stage": forms.enum_word(STAGE, opportunity.stage),
                   "etag": opportunity.etag}, {}),
        "quote": ({"request_id": forms.request_id(), "title": opportunity.name,
                   "line_items[0].quantity": "1",
                   "line_items[0].unit_price": forms.money_text(opportunity.amount)}, {}),
        "contract": ({"request_id": forms.request_id(), "title": opportunity.name,
                      "amount": forms.money_text(opportunity.amount),
                      "start_date": today().isoformat()}, {}),
    }
    for contract in contracts:
        defaults[f"plan:{contract.id}"] = (
            {"count": "3", "first_due_date": contract.start_date or today().isoformat()},
            {})
        defaults[f"payment:{contract.id}"] = (
            {"request_id": forms.request_id(), "receive_date": today().isoformat(),
             "method": "bank_transfer",
             "amount": forms.money_text(contract.outstanding_amount)}, {})
    defaults.update(state)
    stage_word = forms.enum_word(STAGE, opportunity.stage)
    return render_template(
        "sales/opportunity.html", opportunity=opportunity, quotes=quotes, contracts=contracts,
        plans=plans, payments=payments, receivables=receivables, state=defaults,
        enums=enums(), names=forms.rep_names(), stage_word=stage_word,
        is_open=stage_word in forms.OPEN_STAGES, stage_names=forms.stage_names(),
        stage_numbers=forms.STAGE_NUMBERS,
        customer_name=forms.customer_names([opportunity.customer_id]).get(
            opportunity.customer_id, ""),
        stage_options=stage_options(),
        method_options=forms.enum_options(sales_pb2.PaymentMethod.DESCRIPTOR, blank=None),
        quote_options=[("", gettext("None"))] + [
            (q.id, f"{q.number} · {q.title}") for q in quotes
            if q.status == sales_pb2.QUOTE_STATUS_ACCEPTED],
    ), status


@blueprint.get("/<opportunity_id>")
def opportunity(opportunity_id: str):
    return _record_page(opportunity_id)


def _form_post(opportunity_id: str, name: str, build, method: str, *, anchor: str,
               prefix: str = ""):
    """Build the request from the form, call ``method``; a refusal re-renders the page with the
    form's values and the API's errors next to its fields."""
    rpc_request, errors = build(request.form)
    if not errors:
        try:
            call("sales", method, rpc_request, field_prefix=prefix)
            return redirect(url_for("opportunities.opportunity",
                                    opportunity_id=opportunity_id) + anchor)
        except Refusal as refusal:
            if refusal.status not in (400, 409, 412, 422) and not refusal.field_errors:
                raise
            errors = refusal.field_errors or {"": refusal.message}
    return _record_page(opportunity_id, state={name: (request.form, errors)}, status=422)


@blueprint.post("/<opportunity_id>/quotes")
def add_quote(opportunity_id: str):
    return _form_post(opportunity_id, "quote",
                      lambda form: forms.quote_request(form, opportunity_id), "CreateQuote",
                      anchor="#quotes", prefix="quote.")


QUOTE_ACTIONS = {"send": ("SendQuote", sales_pb2.SendQuoteRequest),
                 "accept": ("AcceptQuote", sales_pb2.AcceptQuoteRequest),
                 "reject": ("RejectQuote", sales_pb2.RejectQuoteRequest)}


@blueprint.post("/<opportunity_id>/quotes/<quote_id>/<action>")
def quote_action(opportunity_id: str, quote_id: str, action: str):
    if action not in QUOTE_ACTIONS:
        raise Refusal(status=404, message=action)
    method, message = QUOTE_ACTIONS[action]
    rpc_request = message(id=quote_id)
    if action == "reject":
        rpc_request.reason = request.form.get("reason", "").strip()
    call("sales", method, rpc_request)
    return redirect(url_for("opportunities.opportunity", opportunity_id=opportunity_id)
                    + "#quotes")


@blueprint.post("/<opportunity_id>/contracts")
def add_contract(opportunity_id: str):
    customer_id = request.form.get("customer_id", "")
    return _form_post(opportunity_id, "contract",
                      lambda form: forms.contract_request(form, customer_id=customer_id,
                                                          opportunity_id=opportunity_id),
                      "CreateContract", anchor="#contracts", prefix="contract.")


@blueprint.post("/<opportunity_id>/contracts/<contract_id>/sign")
def sign_contract(opportunity_id: str, contract_id: str):
    call("sales", "SignContract", sales_pb2.SignContractRequest(id=contract_id))
    return redirect(url_for("opportunities.opportunity", opportunity_id=opportunity_id)
                    + f"#contract-{contract_id}")


@blueprint.post("/<opportunity_id>/contracts/<contract_id>/plan")
def set_payment_plan(opportunity_id: str, contract_id: str):
    contract = call("sales", "GetContract", sales_pb2.GetContractRequest(id=contract_id))
    return _form_post(opportunity_id, f"plan:{contract_id}",
                      lambda form: forms.payment_plan_request(
                          form, contract_id, contract.amount.amount_minor,
                          contract.amount.currency_code or forms.CURRENCY),
                      "SetPaymentPlan", anchor=f"#contract-{contract_id}")


@blueprint.post("/<opportunity_id>/contracts/<contract_id>/payments")
def record_payment(opportunity_id: str, contract_id: str):
    return _form_post(opportunity_id, f"payment:{contract_id}",
                      lambda form: forms.payment_request(form, contract_id), "RecordPayment",
                      anchor=f"#contract-{contract_id}", prefix="payment.")
