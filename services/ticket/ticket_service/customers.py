"""The ticket api's one client of the customer service: whether a ticket may name a customer,
and what routing needs to know about it.

The caller's token is forwarded (``crm_shared.grpc.client.connect``), so the customer service
answers with the caller's rights. A ticket that names a customer is checked first
(``crm_shared.references``, :meth:`CustomerDirectory.referenced`): a customer the caller may not
see (service agents see any active one: they take phone calls) refuses the ticket with
INVALID_ARGUMENT, and a customer service that is down or slower than
``CUSTOMER_LOOKUP_TIMEOUT_SECONDS`` refuses it with UNAVAILABLE, since a customer id nobody
checked must not reach the customer's timeline or survey. A ticket that names no customer
(the reporter's phone or e-mail) needs no customer service at all. Routing then reads the
customer the check found, without asking again; outside a checked call (``facts`` on its own)
a customer service that cannot answer leaves routing to go on without the facts, saying so in
its decision.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import grpc
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.errors import Unavailable
from crm_shared.grpc.client import LazyStub
from crm_shared.references import CONTACT, CUSTOMER, Referenced, checked, customer_referenced

log = logging.getLogger(__name__)

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
VALUE_CLASS_LETTERS = {
    types_pb2.VALUE_CLASS_A: "A",
    types_pb2.VALUE_CLASS_B: "B",
    types_pb2.VALUE_CLASS_C: "C",
}


@dataclass(frozen=True)
class CustomerFacts:
    """``known`` is False when the customer service could not tell (``note`` says why)."""

    known: bool
    value_class: str = ""  # "A" | "B" | "C" | ""
    at_risk: bool = False
    risk_reason: str = ""
    owner_id: str = ""
    note: str = ""


NO_CUSTOMER = CustomerFacts(known=False, note="no customer given")


class CustomerDirectory:
    """The customer facts routing reads, asked of the customer service on one shared
    channel."""

    def __init__(self, address: str, *, timeout_seconds: float = 2.0) -> None:
        self.address = address
        self.timeout_seconds = timeout_seconds
        self._customers = LazyStub(address, SERVICE, customer_pb2_grpc.CustomerServiceStub,
                                   default_timeout=timeout_seconds)

    def referenced(self, customer_id: str) -> Referenced | None:
        """The look-up of ``crm_shared.references``: the customer as the caller may see it,
        None when it does not exist or is not theirs to see; UNAVAILABLE when the customer
        service cannot tell."""
        try:
            customer = self._customers().GetCustomer(customer_pb2.GetCustomerRequest(id=customer_id))
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            if code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                return None
            log.warning("customer %s not checked: %s", customer_id, code.name)
            raise Unavailable(f"the customer service could not check customer {customer_id} "
                              f"({code.name}); nothing was changed, try again, or create the "
                              "ticket with the reporter's phone or e-mail only") from error
        return customer_referenced(customer)

    def referenced_contact(self, contact_id: str) -> Referenced | None:
        """The contact look-up of ``crm_shared.references``: the contact as the caller may see
        it (its customer's visibility), with the customer it belongs to; a ticket's contact
        must be one of the ticket's customer's."""
        try:
            contact = self._customers().GetContact(customer_pb2.GetContactRequest(id=contact_id))
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            if code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                return None
            log.warning("contact %s not checked: %s", contact_id, code.name)
            raise Unavailable(f"the customer service could not check contact {contact_id} "
                              f"({code.name}); nothing was changed, try again") from error
        return Referenced(owner_id="", department_path="", active=True, record=contact,
                          belongs_to_id=contact.customer_id)

    def match(self, phone: str, email: str) -> tuple[str, CustomerFacts]:
        """The one customer a public service request's reporter is (by phone or e-mail), asked
        with the caller's ``tickets.intake`` token, and its facts; ``("", NO_CUSTOMER)`` when
        none or several match, or when the customer service cannot tell: the request is then
        filed with the reporter's details only, as an agent's by phone is."""
        try:
            found = self._customers().MatchCustomerByContact(
                customer_pb2.MatchCustomerByContactRequest(phone=phone, email=email))
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            log.warning("reporter not matched to a customer: %s", code.name)
            return "", NO_CUSTOMER
        if not found.customer_id:
            return "", NO_CUSTOMER
        return found.customer_id, CustomerFacts(
            known=True, value_class=VALUE_CLASS_LETTERS.get(found.value_class, ""),
            at_risk=found.at_risk, risk_reason=found.risk_reason, owner_id=found.owner_id)

    @property
    def lookups(self):
        """This directory's look-ups for ``ServiceBinding.references``."""
        return {CUSTOMER: self.referenced, CONTACT: self.referenced_contact}

    def facts(self, customer_id: str) -> CustomerFacts:
        if not customer_id:
            return NO_CUSTOMER
        known = checked(CUSTOMER, customer_id)
        if known is not None:
            return self._facts_of(known.record)
        try:
            customer = self._customers().GetCustomer(customer_pb2.GetCustomerRequest(id=customer_id))
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            log.warning("customer %s not looked up: %s", customer_id, code.name)
            return CustomerFacts(known=False, note=f"customer service answered {code.name}")
        return self._facts_of(customer)

    @staticmethod
    def _facts_of(customer: customer_pb2.Customer) -> CustomerFacts:
        return CustomerFacts(
            known=True,
            value_class=VALUE_CLASS_LETTERS.get(customer.value_class, ""),
            at_risk=customer.churn_risk.at_risk,
            risk_reason=customer.churn_risk.reason,
            owner_id=customer.owner_id,
        )

    def close(self) -> None:
        self._customers.close()
