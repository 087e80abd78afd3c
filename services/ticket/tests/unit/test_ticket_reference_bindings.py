"""The ticket binding gives ``crm_shared.references`` the customer directory's look-ups
(customers, contacts) when a customer service is configured, and none otherwise (tickets naming a customer are then
refused UNAVAILABLE, never accepted unchecked), and its own look-up of a ticket being changed."""

from crm_shared.references import CONTACT, CUSTOMER, REFERENCES, SERVICE_DESK_ROLES, TICKET
from ticket_service.api import build_bindings
from ticket_service.settings import TicketApiSettings


def test_create_ticket_is_checked_with_the_service_desk_exception():
    customer, contact = REFERENCES["/crm.ticket.v1.TicketService/CreateTicket"]
    assert (customer.field, customer.kind) == ("ticket.customer_id", CUSTOMER)
    assert customer.any_active_for_roles == SERVICE_DESK_ROLES == {"agent", "service_agent"}
    # the contact must be one of that customer's
    assert (contact.field, contact.kind, contact.belongs_to) == (
        "ticket.contact_id", CONTACT, "ticket.customer_id")


def test_the_binding_has_the_lookup_only_with_a_customer_service():
    settings = TicketApiSettings.model_construct(customer_addr="127.0.0.1:1",
                                                 customer_lookup_timeout_seconds=1.0)
    [binding] = build_bindings(None, settings)
    assert binding.references == {CUSTOMER: binding.servicer.customers.referenced,
                                  CONTACT: binding.servicer.customers.referenced_contact,
                                  TICKET: binding.servicer.referenced_ticket}
    [without] = build_bindings(None, None)
    assert without.references == {TICKET: without.servicer.referenced_ticket}


def test_a_tickets_new_contact_is_checked_against_the_tickets_customer():
    [contact] = REFERENCES["/crm.ticket.v1.TicketService/UpdateTicket"]
    assert (contact.field, contact.kind, contact.update_path, contact.belongs_to,
            contact.belongs_via) == ("ticket.contact_id", CONTACT, "contact_id", "ticket.id",
                                     TICKET)
