"""Global search (the header's box): customers by name, phone or customer number; tickets by
ticket number. Exact lookups first (a ticket number, a customer number, a phone number), the
service's free-text match otherwise; a single exact hit opens the record itself.

RPCs: CustomerService.ListCustomers (``number``, ``phone`` or ``query``), TicketService.ListTickets
(``query``, then the exact number among the hits)."""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm.ticket.v1 import ticket_pb2
from flask import Blueprint, redirect, render_template, request, url_for

from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views import customers as customers_view
from crm_console.views.customers_forms import search_plan

blueprint = Blueprint("search", __name__)
RESULTS = 20


def _customers(plan) -> tuple[list, bool, Refusal | None]:
    """(customers, found by an exact key, refusal)."""
    try:
        if plan.customer_number:
            found = call("customer", "ListCustomers", customer_pb2.ListCustomersRequest(
                number=plan.customer_number, page_size=RESULTS)).customers
            if found:
                return list(found), True, None
        if plan.phone:
            found = call("customer", "ListCustomers", customer_pb2.ListCustomersRequest(
                phone=plan.phone, page_size=RESULTS)).customers
            if found:
                return list(found), True, None
        text = plan.phone or plan.text
        found = call("customer", "ListCustomers", customer_pb2.ListCustomersRequest(
            query=text, page_size=RESULTS)).customers
        return list(found), False, None
    except Refusal as refusal:
        return [], False, refusal


def _tickets(plan) -> tuple[list, Refusal | None]:
    try:
        found = call("ticket", "ListTickets", ticket_pb2.ListTicketsRequest(
            query=plan.ticket_number or plan.text, page_size=RESULTS)).tickets
    except Refusal as refusal:
        return [], refusal
    if plan.ticket_number:
        exact = [t for t in found if t.number.upper() == plan.ticket_number]
        return exact or list(found), None
    return list(found), None


@blueprint.get("/search")
def search():
    q = request.args.get("q", "")
    plan = search_plan(q)
    customers, tickets = [], []
    customer_refusal = ticket_refusal = None
    exact_customer = False
    if plan.text:
        if not plan.ticket_number:
            customers, exact_customer, customer_refusal = _customers(plan)
        if plan.ticket_number or not plan.exact:
            tickets, ticket_refusal = _tickets(plan)
        if plan.ticket_number and len(tickets) == 1 \
                and tickets[0].number.upper() == plan.ticket_number:
            return redirect(f"/tickets/{tickets[0].id}")
        if exact_customer and len(customers) == 1 and not tickets:
            return redirect(url_for("customers.customer", customer_id=customers[0].id))
    return render_template(
        "search/results.html", q=plan.text, plan=plan, customers=customers, tickets=tickets,
        customer_refusal=customer_refusal, ticket_refusal=ticket_refusal,
        owners=customers_view.owner_names() if customers else {},
        ticket_states=ticket_pb2.TicketState.DESCRIPTOR)
