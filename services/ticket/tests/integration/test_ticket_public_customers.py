"""A service request from the public form is filed for the customer its reporter is: the real
customer api (in-process beside the ticket api) matches the reporter's phone or e-mail
(``MatchCustomerByContact``, asked with the public ``tickets.intake`` token) to the one active
customer with it, whose value class raises the priority and whose owner does the call-back, as
for an agent's ticket naming the customer; no match, or a phone two customers share, files it
with the reporter's details only. The match answers nothing personal, refuses a bad phone per
field, and only the intake scope opens it."""

from __future__ import annotations

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.ticket.v1 import ticket_pb2
from sqlalchemy import text

pytestmark = pytest.mark.integration

CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
INTAKE = "svc-intake"


@pytest.fixture
def api(start_ticket_api, customer_api):
    return start_ticket_api(customer_address=customer_api.target, customer_timeout=15)


def customers(customer_api, caller="u-admin"):
    return customer_pb2_grpc.CustomerServiceStub(customer_api.channel(caller, CUSTOMER_SERVICE))


def customer_with(customer_api, *, phone="", email="", value_class="") -> str:
    created = customers(customer_api).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                display_name="王先生",
                phone=phone,
                email=email,
            )
        )
    )
    if value_class:
        with customer_api.database.engine.begin() as conn:
            conn.execute(
                text("UPDATE customers SET value_class = :c WHERE id = :id"),
                {"c": value_class, "id": created.id},
            )
    return created.id


def file(api, **fields) -> ticket_pb2.Ticket:
    values = {"type": ticket_pb2.TICKET_TYPE_COMPLAINT, "description": "热水器不出热水"}
    values.update(fields)
    number = (
        api.stub(INTAKE)
        .SubmitServiceRequest(ticket_pb2.SubmitServiceRequestRequest(**values))
        .number
    )
    (found,) = [
        t
        for t in api.stub("u-admin")
        .ListTickets(ticket_pb2.ListTicketsRequest(query=number))
        .tickets
        if t.number == number
    ]
    return found


def test_a_request_from_a_customers_phone_is_filed_and_routed_for_that_customer(api, customer_api):
    vip = customer_with(customer_api, phone="13812340001", value_class="A")
    filed = file(api, reporter_phone="+86 138-1234-0001")
    assert (filed.customer_id, filed.account_manager_id) == (vip, "u-admin")
    assert filed.customer_value_class == types_pb2.VALUE_CLASS_A
    assert filed.priority_reason  # raised: an A-class customer, as for an agent's ticket
    by_agent = api.create("u-wang", description="热水器不出热水", customer_id=vip)
    assert (filed.priority, filed.department_path) == (by_agent.priority, by_agent.department_path)


def test_a_request_from_a_customers_e_mail_is_filed_for_that_customer(api, customer_api):
    mine = customer_with(customer_api, email="wang.xs@example.com")
    assert file(api, reporter_email="Wang.XS@example.com").customer_id == mine


def test_no_match_or_a_shared_phone_keeps_the_reporters_details_only(api, customer_api):
    customer_with(customer_api, phone="13812340002")
    customer_with(customer_api, phone="13812340002")
    for phone in ("13812340002", "13812349999"):
        filed = file(api, reporter_phone=phone)
        assert (filed.customer_id, filed.reporter_phone) == ("", phone)


def test_the_match_answers_nothing_personal_and_only_to_the_intake_scope(customer_api):
    customer_with(customer_api, phone="13812340003")
    match = customers(customer_api, INTAKE).MatchCustomerByContact(
        customer_pb2.MatchCustomerByContactRequest(phone="13812340003")
    )
    assert match.customer_id and match.owner_id == "u-admin"
    assert {f.name for f in customer_pb2.CustomerContactMatch.DESCRIPTOR.fields} == {
        "customer_id",
        "value_class",
        "at_risk",
        "risk_reason",
        "owner_id",
    }
    for caller in ("u-admin", "svc-status", "svc-kb"):
        with pytest.raises(grpc.RpcError) as refused:
            customers(customer_api, caller).MatchCustomerByContact(
                customer_pb2.MatchCustomerByContactRequest(phone="13812340003")
            )
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as bad:
        customers(customer_api, INTAKE).MatchCustomerByContact(
            customer_pb2.MatchCustomerByContactRequest(phone="12345")
        )
    assert bad.value.code() is grpc.StatusCode.INVALID_ARGUMENT
