"""``crm_shared.references``: every write of the suite that names another service's customer is
declared (or says why it need not be), the declarations name real fields, and the rule judges
what the owning service showed the caller."""

from __future__ import annotations

import pytest
from crm.marketing.v1 import marketing_pb2
from crm.notification.v1 import notification_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import DataScope, Principal, principal_scope
from crm_shared.errors import InvalidArgument, Unavailable
from crm_shared.references import (
    CONTACT,
    CUSTOMER,
    REFERENCES,
    SERVICE_DESK_ROLES,
    TICKET,
    Reference,
    Referenced,
    check_references,
    checked,
    may_reference,
)
from google.protobuf.descriptor import FieldDescriptor

READS = ("Get", "List", "Search", "BatchGet", "Export")

NOT_DECLARED = {
    # the field cannot be given: output only, or not in the RPC's update mask
    "/crm.sales.v1.SalesService/UpdateOpportunity": "customer_id is not updatable",
    "/crm.sales.v1.SalesService/CreateQuote": "customer_id is output only (the opportunity's)",
    "/crm.sales.v1.SalesService/UpdateQuote": "customer_id is output only",
    "/crm.sales.v1.SalesService/UpdateContract": "customer_id is not updatable",
    "/crm.sales.v1.SalesService/RecordPayment": "customer_id is output only (the contract's)",
    "/crm.sales.v1.SalesService/UpdateActivity": "customer_id is not updatable (its "
                                                 "contact_id is declared)",
    "/crm.sales.v1.SalesService/UpdateFollowUpTask": "customer_id is not updatable",
    "/crm.sales.v1.SalesService/UpdateFollowUpPlan": "customer_id picks the plan; not updatable",
    "/crm.ticket.v1.TicketService/UpdateTicket": "customer_id is not updatable (its "
                                                 "contact_id is declared)",
    "/crm.ticket.v1.TicketService/CreateServiceRecord": "customer_id is output only (the "
                                                         "ticket's)",
    # checked by the service against what it knows, NOT_FOUND when not the caller's (to be
    # moved onto the shared check; CreateActivity's contact_id is declared)
    "/crm.sales.v1.SalesService/CreateActivity": "sales customer facts (the customer service's "
                                                 "owner and department; an unknown customer is "
                                                 "asked with the caller's token)",
    "/crm.sales.v1.SalesService/CreateFollowUpTask": "sales customer facts, as CreateActivity",
    "/crm.marketing.v1.MarketingService/RecordCampaignResponse": "must be a recipient of a "
                                                                 "campaign the caller sees",
    "/crm.marketing.v1.MarketingService/CreateSurveyInvitation": "marketing's read model, "
                                                                 "with the caller's visibility",
    "/crm.notification.v1.NotificationService/SendMessages": "addresses a message; not stored "
                                                             "on the customer",
}


def _customer_fields(message, prefix: str = "", depth: int = 0) -> list[str]:
    found = []
    for field in message.fields:
        if field.name.endswith(("customer_id", "customer_ids")):
            found.append(prefix + field.name)
        if (field.type == FieldDescriptor.TYPE_MESSAGE and depth < 2
                and not field.message_type.full_name.startswith("google.")):
            found += _customer_fields(field.message_type, f"{prefix}{field.name}.", depth + 1)
    return found


def _writes_naming_a_customer() -> dict[str, list[str]]:
    writes = {}
    for module in (sales_pb2, ticket_pb2, marketing_pb2, notification_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                if method.name.startswith(READS):
                    continue
                fields = _customer_fields(method.input_type)
                if fields:
                    writes[f"/{service.full_name}/{method.name}"] = fields
    return writes


def test_every_write_that_names_a_customer_is_declared_or_says_why_not():
    writes = _writes_naming_a_customer()
    undeclared = sorted(set(writes) - set(REFERENCES) - set(NOT_DECLARED))
    assert undeclared == [], f"declare these in crm_shared.references.REFERENCES: {undeclared}"
    assert set(NOT_DECLARED) <= set(writes)  # no stale excuses


def test_declared_fields_exist_in_their_requests():
    services = {s.full_name: s for m in (sales_pb2, ticket_pb2)
                for s in m.DESCRIPTOR.services_by_name.values()}
    for method, declared in REFERENCES.items():
        service_name, rpc = method.lstrip("/").split("/")
        request = services[service_name].methods_by_name[rpc].input_type
        for reference in declared:
            for path in filter(None, (reference.field, reference.belongs_to)):
                message = request
                for name in path.split("."):
                    field = message.fields_by_name[name]  # KeyError: a typo
                    message = field.message_type
            if reference.update_path:
                assert "update_mask" in request.fields_by_name


def principal(user="rep", scope=DataScope.OWN, dept="/hq/sales/east", roles=()):
    return Principal(user_id=user, username=user, roles=frozenset(roles), department_path=dept,
                     data_scope=scope)


ORDINARY = Reference("opportunity.customer_id", CUSTOMER)
DESK = Reference("ticket.customer_id", CUSTOMER, any_active_for_roles=SERVICE_DESK_ROLES)
COLLEAGUES = Referenced(owner_id="rep2", department_path="/hq/sales/east", active=True)


@pytest.mark.parametrize(("caller", "reference", "shown", "allowed"), [
    (principal(), ORDINARY, Referenced("rep", "/hq/sales/east", True), True),
    (principal(), ORDINARY, COLLEAGUES, False),
    (principal(), ORDINARY, None, False),
    (principal("lead", DataScope.DEPARTMENT, "/hq/sales"), ORDINARY, COLLEAGUES, True),
    (principal("lead", DataScope.DEPARTMENT, "/hq/sales/north"), ORDINARY, COLLEAGUES, False),
    (principal("admin", DataScope.ALL, "/hq"), ORDINARY, COLLEAGUES, True),
    (principal("admin", DataScope.ALL, "/hq"), ORDINARY,
     Referenced("rep2", "/hq/sales/east", active=False), False),
    # the service desk's exception holds where declared only
    (principal("agent", dept="/hq/service", roles=["service_agent"]), DESK, COLLEAGUES, True),
    (principal("agent", dept="/hq/service", roles=["agent"]), DESK, COLLEAGUES, True),
    (principal("agent", dept="/hq/service", roles=["agent"]), ORDINARY, COLLEAGUES, False),
    (principal("agent", dept="/hq/service", roles=["agent"]), DESK,
     Referenced("rep2", "/hq/sales/east", active=False), False),
])
def test_the_rule(caller, reference, shown, allowed):
    assert may_reference(caller, reference, shown) is allowed


CONTACT_OF = Reference("ticket.contact_id", CONTACT, belongs_to="ticket.customer_id")


@pytest.mark.parametrize(("shown", "named_customer", "allowed"), [
    (Referenced("", "", True, belongs_to_id="c-1"), "c-1", True),
    (Referenced("", "", True, belongs_to_id="c-1"), "c-2", False),  # another customer's
    (Referenced("", "", True, belongs_to_id="c-1"), "", False),  # a contact of no customer named
    (None, "c-1", False),  # not shown to the caller
])
def test_a_contact_must_belong_to_the_named_customer(shown, named_customer, allowed):
    assert may_reference(principal(), CONTACT_OF, shown, named_customer) is allowed


def test_a_contact_of_another_customer_is_refused_on_its_field():
    request = ticket_pb2.CreateTicketRequest(ticket=ticket_pb2.Ticket(customer_id="c-2",
                                                                      contact_id="k-1"))
    lookups = {CUSTOMER: lambda _id: Referenced("rep", "/hq/sales/east", True),
               CONTACT: lambda _id: Referenced("", "", True, belongs_to_id="c-1")}
    with principal_scope(principal()), pytest.raises(InvalidArgument) as caught:
        check_references("/crm.ticket.v1.TicketService/CreateTicket", request, lookups)
    assert [(v.field, v.description) for v in caught.value.violations] == [
        ("ticket.contact_id", "is not a contact of ticket.customer_id")]


UPDATE_TICKET = "/crm.ticket.v1.TicketService/UpdateTicket"


def _contact_update(contact_id: str, named_customer: str = "") -> ticket_pb2.UpdateTicketRequest:
    """A change of ticket t-1's contact; ``named_customer`` is ignored by the service (not in
    the mask), so it must not decide the check either."""
    return ticket_pb2.UpdateTicketRequest(
        ticket=ticket_pb2.Ticket(id="t-1", contact_id=contact_id, customer_id=named_customer),
        update_mask={"paths": ["contact_id"]})


def _ticket_of(customer_id: str, asked: list[str]):
    return lambda ticket_id: asked.append(ticket_id) or Referenced(
        "", "/hq/service", True, belongs_to_id=customer_id)


@pytest.mark.parametrize("method", [UPDATE_TICKET, "/crm.sales.v1.SalesService/UpdateActivity"])
def test_a_changed_contact_is_checked_against_the_stored_records_customer(method):
    assert any(r.belongs_via and r.update_path == "contact_id" for r in REFERENCES[method])


def test_a_new_contact_must_belong_to_the_customer_the_ticket_already_names():
    asked: list[str] = []
    lookups = {TICKET: _ticket_of("c-1", asked),
               CONTACT: lambda _id: Referenced("", "", True, belongs_to_id="c-2")}
    with principal_scope(principal()):
        # the request naming the contact's own customer does not help: the ticket's counts
        with pytest.raises(InvalidArgument) as caught:
            check_references(UPDATE_TICKET, _contact_update("k-2", named_customer="c-2"), lookups)
        assert [(v.field, v.description) for v in caught.value.violations] == [
            ("ticket.contact_id", "is not a contact of the ticket ticket.id names")]
        assert asked == ["t-1"]
        # one of the ticket's customer's contacts goes ahead; clearing it needs no check
        check_references(UPDATE_TICKET, _contact_update("k-1"), {
            TICKET: _ticket_of("c-1", asked),
            CONTACT: lambda _id: Referenced("", "", True, belongs_to_id="c-1")})
        check_references(UPDATE_TICKET, _contact_update(""), {})
        # a contact the caller may not see is refused as ever
        with pytest.raises(InvalidArgument) as caught:
            check_references(UPDATE_TICKET, _contact_update("k-3"),
                             {TICKET: _ticket_of("c-1", asked), CONTACT: lambda _id: None})
        assert [v.description for v in caught.value.violations] == [
            "contact not found or not visible to you"]
        # a ticket of no customer takes no contact
        with pytest.raises(InvalidArgument):
            check_references(UPDATE_TICKET, _contact_update("k-1"), {
                TICKET: _ticket_of("", asked),
                CONTACT: lambda _id: Referenced("", "", True, belongs_to_id="c-1")})


def test_a_contact_change_of_a_ticket_the_caller_may_not_see_is_left_to_the_handler():
    """The handler answers NOT_FOUND for it; the check tells nothing about its customer."""
    def no_contact_lookup(_id):
        raise AssertionError("the contact is not looked up")

    with principal_scope(principal()):
        check_references(UPDATE_TICKET, _contact_update("k-1"),
                         {TICKET: lambda _id: None, CONTACT: no_contact_lookup})


def test_a_refused_reference_names_its_field_and_a_missing_lookup_is_unavailable():
    request = sales_pb2.CreateOpportunityRequest(
        opportunity=sales_pb2.Opportunity(customer_id="c-1"))
    method = "/crm.sales.v1.SalesService/CreateOpportunity"
    with principal_scope(principal()):
        with pytest.raises(InvalidArgument) as caught:
            check_references(method, request, {CUSTOMER: lambda _id: COLLEAGUES})
        assert [(v.field, v.description) for v in caught.value.violations] == [
            ("opportunity.customer_id", "customer not found or not visible to you")]
        with pytest.raises(Unavailable):
            check_references(method, request, {})
        found = {}
        mine = Referenced("rep", "/hq/sales/east", True, record="the customer")
        check_references(method, request, {CUSTOMER: lambda _id: mine}, found=found)
        assert found == {(CUSTOMER, "c-1"): mine}
        # an empty reference is the handler's to judge; an unmasked update is not checked
        check_references(method, sales_pb2.CreateOpportunityRequest(), {})
        check_references("/crm.sales.v1.SalesService/UpdateLead", sales_pb2.UpdateLeadRequest(
            lead=sales_pb2.Lead(customer_id="c-1")), {})
    assert checked(CUSTOMER, "c-1") is None  # outside a guarded call
