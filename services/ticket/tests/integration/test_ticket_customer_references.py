"""A ticket names a customer its creator may see (``crm_shared.references``): checked with the
creator's own token against the real customer api, in-process beside the ticket api. Service
agents take phone calls and may open a ticket for any active customer; everyone else needs the
ordinary rule (owner, department subtree, ``all``). A refused ticket stores nothing: no row, no
history, no event.
"""

from __future__ import annotations

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.ticket.v1 import ticket_pb2
from sqlalchemy import text
from ticket_service.models import Ticket, TicketHistoryEntry

pytestmark = pytest.mark.integration

CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
VIOLATION = ("ticket.customer_id", "customer not found or not visible to you")


def customer_of(customer_api, owner: str, *, enterprise: bool = False) -> str:
    """A new customer created by ``owner`` (so theirs, in their department); an enterprise
    (which has contacts) when asked."""
    stub = customer_pb2_grpc.CustomerServiceStub(customer_api.channel(owner, CUSTOMER_SERVICE))
    customer = customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                     display_name="王先生")
    if enterprise:
        customer = customer_pb2.Customer(
            type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, display_name="某某公司",
            enterprise=customer_pb2.EnterpriseProfile(legal_name="某某公司", industry="retail"))
    return stub.CreateCustomer(customer_pb2.CreateCustomerRequest(customer=customer)).id


@pytest.fixture
def api(start_ticket_api, customer_api):
    return start_ticket_api(customer_address=customer_api.target, customer_timeout=15)


def assert_refused_and_nothing_stored(api, error) -> None:
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [(v.field, v.description) for v in error.violations] == [VIOLATION]
    assert (api.count(Ticket), api.count(TicketHistoryEntry)) == (0, 0)
    assert api.events("ticket.created") == [] and api.events("ticket.routed") == []


def test_a_rep_cannot_open_a_ticket_for_a_customer_they_may_not_see(api, customer_api,
                                                                      rpc_error):
    someone_elses = customer_of(customer_api, "u-admin")
    error = rpc_error(api.create, "u-rep", customer_id=someone_elses)
    assert_refused_and_nothing_stored(api, error)


def test_a_customer_that_does_not_exist_is_refused_the_same_way(api, rpc_error):
    error = rpc_error(api.create, "u-admin", customer_id="0b5c1f9e-0000-4000-8000-000000000000")
    assert_refused_and_nothing_stored(api, error)


def test_the_owner_opens_a_ticket_for_their_customer(api, customer_api):
    mine = customer_of(customer_api, "u-rep")
    ticket = api.create("u-rep", customer_id=mine)
    assert (ticket.customer_id, ticket.account_manager_id) == (mine, "u-rep")
    [created] = api.events("ticket.created")
    assert created["ticket"]["customerId"] == mine


def test_a_lead_of_another_subtree_is_refused(api, customer_api, rpc_error):
    reps = customer_of(customer_api, "u-rep")  # /hq/sales/east
    error = rpc_error(api.create, "u-tech-lead", customer_id=reps)  # lead of /hq/tech
    assert_refused_and_nothing_stored(api, error)


@pytest.mark.parametrize("agent", ["u-agent", "u-zhao", "u-wang"])
def test_a_service_agent_opens_a_ticket_for_any_active_customer(api, customer_api, agent):
    """Roles ``service_agent`` and ``agent`` (they take phone calls): the customer service
    shows them any active customer by id, so the check through their token passes."""
    anyones = customer_of(customer_api, "u-admin")
    ticket = api.create(agent, customer_id=anyones)
    assert ticket.customer_id == anyones
    assert ticket.account_manager_id == "u-admin"  # routing read the customer the check found


def test_not_even_an_agent_names_a_merged_customer(api, customer_api, rpc_error):
    merged = customer_of(customer_api, "u-admin")
    with customer_api.database.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET state = 'merged' WHERE id = :id"), {"id": merged})
    error = rpc_error(api.create, "u-agent", customer_id=merged)
    assert_refused_and_nothing_stored(api, error)


def test_without_a_customer_service_a_ticket_naming_a_customer_is_unavailable(
        start_ticket_api, rpc_error):
    api = start_ticket_api()  # no customer service configured: nothing can be checked
    error = rpc_error(api.create, "u-admin", customer_id="0b5c1f9e-0000-4000-8000-000000000000")
    assert error.code is grpc.StatusCode.UNAVAILABLE
    assert api.count(Ticket) == 0
    assert api.create("u-admin").state == ticket_pb2.TICKET_STATE_ROUTED  # by phone it works


# -- changing a ticket's contact ----------------------------------------------------------------

def contact_of(customer_api, owner: str, customer_id: str) -> str:
    stub = customer_pb2_grpc.CustomerServiceStub(customer_api.channel(owner, CUSTOMER_SERVICE))
    return stub.CreateContact(customer_pb2.CreateContactRequest(contact=customer_pb2.Contact(
        customer_id=customer_id, name="李四", job_title="采购经理"))).id


def change_contact(api, caller: str, ticket: ticket_pb2.Ticket, contact_id: str,
                   named_customer: str = "") -> ticket_pb2.Ticket:
    return api.stub(caller).UpdateTicket(ticket_pb2.UpdateTicketRequest(
        ticket=ticket_pb2.Ticket(id=ticket.id, contact_id=contact_id,
                                 customer_id=named_customer),
        update_mask={"paths": ["contact_id"]}))


def stored_contact(api, ticket_id: str) -> str | None:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.get(Ticket, ticket_id).contact_id


def test_a_tickets_contact_changes_only_to_one_of_its_customers(api, customer_api, rpc_error):
    """The contact an update names is checked as a created one is, against the customer the
    ticket already names: naming another customer of one's own in the request (which the
    update ignores) does not make a stranger's contact fit."""
    mine = customer_of(customer_api, "u-rep", enterprise=True)
    other = customer_of(customer_api, "u-rep", enterprise=True)
    ticket = api.create("u-rep", customer_id=mine)
    others_contact = contact_of(customer_api, "u-rep", other)
    history = api.count(TicketHistoryEntry)
    error = rpc_error(change_contact, api, "u-rep", ticket, others_contact, named_customer=other)
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["ticket.contact_id"]
    assert stored_contact(api, ticket.id) is None
    assert api.count(TicketHistoryEntry) == history
    own_contact = contact_of(customer_api, "u-rep", mine)
    assert change_contact(api, "u-rep", ticket, own_contact).contact_id == own_contact


def test_a_tickets_contact_cannot_become_one_the_caller_may_not_see(api, customer_api,
                                                                     rpc_error):
    """An agent may open and change a ticket of any customer; the contact is the customer's
    only (the desk's exception covers the customer, never a stranger's contact)."""
    anyones = customer_of(customer_api, "u-admin", enterprise=True)
    ticket = api.create("u-agent", customer_id=anyones)
    strangers = contact_of(customer_api, "u-admin",
                           customer_of(customer_api, "u-admin", enterprise=True))
    error = rpc_error(change_contact, api, "u-agent", ticket, strangers)
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["ticket.contact_id"]
    assert stored_contact(api, ticket.id) is None
