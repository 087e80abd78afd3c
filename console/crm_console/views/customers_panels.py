"""The customer 360 page's secondary panels, each an htmx fragment loaded after the page
(``hx-trigger="load"``): the customer's deals from the sales service, its tickets, the full
cross-service timeline, the revision history and the consents. A panel whose service is down or refuses
shows a short message in its own box; the rest of the page is unaffected.

RPCs: SalesService.ListOpportunities, ListQuotes, ListContracts, GetPaymentPlan,
ListOverdueReceivables; TicketService.ListTickets; CustomerService.ListTimelineEntries,
ListCustomerRevisions, ListConsents."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from flask import abort, render_template, request

from crm_console import grading_reasons
from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import customers as customers_view

PANEL_ROWS = 20
PLANS_SHOWN = 5  # payment plans of the latest contracts
CONSENTS_SHOWN = 50  # three purposes, each on every channel and on each of three: 12 at most
TIMELINE_SOURCES = ("sales", "ticket", "marketing", "customer")

SALES_ENUMS = {
    "opportunity_stage": sales_pb2.OpportunityStage.DESCRIPTOR,
    "quote_status": sales_pb2.QuoteStatus.DESCRIPTOR,
    "contract_status": sales_pb2.ContractStatus.DESCRIPTOR,
    "installment_status": sales_pb2.InstallmentStatus.DESCRIPTOR,
    "value_class": types_pb2.ValueClass.DESCRIPTOR,
}
TICKET_ENUMS = {
    "state": ticket_pb2.TicketState.DESCRIPTOR,
    "priority": ticket_pb2.TicketPriority.DESCRIPTOR,
    "type": ticket_pb2.TicketType.DESCRIPTOR,
}


# How a consent was given or withdrawn, for the sources the suite itself records (the contract's
# `Consent.source` examples, the unsubscribe link and the 退订 reply); any other is shown as
# written.
CONSENT_SOURCES = {
    "web_form": N_("Web form"),
    "paper": N_("Paper form"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "import": N_("Import"),
    "survey": N_("Survey"),
    "unsubscribe_link": N_("Unsubscribe link"),
    "sms_reply": N_("SMS reply (退订)"),
}


def _attempt(peer: str, method: str, message, down: dict | None = None):
    """(answer, None) or (None, refusal): one part of a panel failing leaves the others.
    ``down`` remembers a peer that did not answer, so the panel's other parts do not wait
    for it again."""
    if down is not None and peer in down:
        return None, down[peer]
    try:
        return call(peer, method, message), None
    except Refusal as refusal:
        if down is not None and refusal.status in (503, 504):
            down[peer] = refusal
        return None, refusal


def _checked(customer_id: str) -> str:
    if not customer_id or len(customer_id) > 64:
        abort(404)
    return customer_id


def subject_url(subject_type: str, subject_id: str) -> str | None:
    """The console page of a record another service keeps (plain paths: other areas' pages)."""
    paths = {"opportunity": "/opportunities/", "ticket": "/tickets/", "lead": "/leads/"}
    prefix = paths.get((subject_type or "").lower())
    return prefix + subject_id if prefix and subject_id else None


@customers_view.blueprint.get("/<customer_id>/panels/sales")
def sales_panel(customer_id: str):
    customer_id = _checked(customer_id)
    down: dict[str, Refusal] = {}
    opportunities, opportunities_refusal = _attempt(
        "sales", "ListOpportunities", sales_pb2.ListOpportunitiesRequest(
            customer_id=customer_id, page_size=PANEL_ROWS, order_by="update_time desc"), down)
    quotes, quotes_refusal = _attempt("sales", "ListQuotes", sales_pb2.ListQuotesRequest(
        customer_id=customer_id, page_size=PANEL_ROWS), down)
    contracts, contracts_refusal = _attempt("sales", "ListContracts", sales_pb2.ListContractsRequest(
        customer_id=customer_id, page_size=PANEL_ROWS), down)
    receivables, receivables_refusal = _attempt(
        "sales", "ListOverdueReceivables", sales_pb2.ListOverdueReceivablesRequest(
            customer_id=customer_id, page_size=PANEL_ROWS), down)
    # The follow-up plan shows the estimated class (prospect grading) apart from the contract
    # class of the highlights; a customer with neither has no plan (NOT_FOUND), not an error.
    follow_up, follow_up_refusal = _attempt("sales", "GetFollowUpPlan",
                                            sales_pb2.GetFollowUpPlanRequest(
                                                customer_id=customer_id), down)
    if follow_up_refusal is not None and follow_up_refusal.status == 404:
        follow_up_refusal = None
    plans = []
    for contract in (contracts.contracts if contracts else [])[:PLANS_SHOWN]:
        plan, refusal = _attempt("sales", "GetPaymentPlan", sales_pb2.GetPaymentPlanRequest(
            contract_id=contract.id), down)
        if plan is not None and plan.installments:
            plans.append((contract, plan))
        elif refusal is not None and refusal.status not in (404,):
            plans.append((contract, refusal))
    return render_template(
        "customers/_sales.html", customer_id=customer_id, enums=SALES_ENUMS,
        opportunities=opportunities, opportunities_refusal=opportunities_refusal,
        quotes=quotes, quotes_refusal=quotes_refusal,
        contracts=contracts, contracts_refusal=contracts_refusal,
        receivables=receivables, receivables_refusal=receivables_refusal, plans=plans,
        follow_up=follow_up, follow_up_refusal=follow_up_refusal,
        estimated_why=grading_reasons.why(follow_up.estimated_class_rule_id,
                                          follow_up.estimated_class_reason)
        if follow_up and follow_up.estimated_class_reason else None)


@customers_view.blueprint.get("/<customer_id>/panels/tickets")
def tickets_panel(customer_id: str):
    customer_id = _checked(customer_id)
    tickets, refusal = _attempt("ticket", "ListTickets", ticket_pb2.ListTicketsRequest(
        customer_id=customer_id, page_size=PANEL_ROWS))
    return render_template("customers/_tickets.html", tickets=tickets, refusal=refusal,
                           enums=TICKET_ENUMS)


@customers_view.blueprint.get("/<customer_id>/panels/timeline")
def timeline_panel(customer_id: str):
    customer_id = _checked(customer_id)
    source = request.args.get("source", "")
    if source not in TIMELINE_SOURCES:
        source = ""
    page_token = request.args.get("page_token", "")[:2048]
    entries, refusal = _attempt("customer", "ListTimelineEntries",
                                customer_pb2.ListTimelineEntriesRequest(
                                    customer_id=customer_id, page_size=PANEL_ROWS,
                                    page_token=page_token, source_service=source))
    template = "customers/_timeline_more.html" if page_token else "customers/_timeline.html"
    return render_template(template, customer_id=customer_id, source=source,
                           sources=TIMELINE_SOURCES,
                           entries=list(entries.timeline_entries) if entries else [],
                           next_page_token=entries.next_page_token if entries else "",
                           refusal=refusal, subject_url=subject_url,
                           owners=customers_view.owner_names())


@customers_view.blueprint.get("/<customer_id>/panels/revisions")
def revisions_panel(customer_id: str):
    customer_id = _checked(customer_id)
    page_token = request.args.get("page_token", "")[:2048]
    page, refusal = _attempt("customer", "ListCustomerRevisions",
                             customer_pb2.ListCustomerRevisionsRequest(
                                 customer_id=customer_id, page_size=PANEL_ROWS,
                                 page_token=page_token))
    return render_template("customers/_revisions.html", customer_id=customer_id, page=page,
                           refusal=refusal, field_label=customers_view.field_label,
                           has_field_label=customers_view.has_field_label,
                           revision_value=customers_view.revision_value,
                           owners=customers_view.owner_names(), more=bool(page_token))


@customers_view.blueprint.get("/<customer_id>/panels/consents")
def consents_panel(customer_id: str):
    """Each consent of the customer, per purpose and channel (e-mail, SMS, WeChat, or every
    channel), with its state, source and time: what an unsubscribe link or a 退订 reply
    withdrew, and what staff recorded."""
    customer_id = _checked(customer_id)
    page, refusal = _attempt("customer", "ListConsents", customer_pb2.ListConsentsRequest(
        customer_id=customer_id, page_size=CONSENTS_SHOWN))
    consents = sorted(page.consents if page else [], key=lambda k: (k.purpose, k.channel))
    return render_template("customers/_consents.html", consents=consents, refusal=refusal,
                           changed_at=_changed_at, source_label=_source_label)


def _changed_at(consent):
    """When the consent took its present state."""
    withdrawn = consent.state == customer_pb2.CONSENT_STATE_WITHDRAWN
    stamp = consent.withdraw_time if withdrawn else consent.grant_time
    return stamp if stamp.seconds else None


def _source_label(source: str) -> tuple[str, bool]:
    """(text, whether it is a translated label): a source the suite records gets its label;
    any other is shown as written (user data)."""
    label = CONSENT_SOURCES.get(source)
    return (_(label), True) if label else (source, False)

