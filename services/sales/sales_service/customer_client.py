"""The sales api's one client of the customer service: checking that a customer a write names
is one the caller may see (``crm_shared.references``: leads, conversion, opportunities,
contracts, purchases) and that a contact an activity names is one of its customer's, reading a customer the sales service has not heard of yet (its
``customer.created`` is still on its way) and creating the customer of a converted lead.

Calls carry the caller's own token (the suite's client factory forwards it), so the customer
service applies the caller's rights, and a deadline (``CUSTOMER_TIMEOUT_SECONDS``). They are
made before a unit of work opens, never inside one. The customer service's errors come back
as this service's (its field paths are those of ``ConvertLeadRequest.customer``, so they pass
through unchanged); one that is down or too slow is UNAVAILABLE.
"""

from __future__ import annotations

import threading

import grpc
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    PermissionDenied,
    Unavailable,
)
from crm_shared.grpc.client import LazyStub
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.references import CONTACT, CUSTOMER, Referenced, checked, customer_referenced

CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
NOT_THE_CALLERS = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)


class CustomerClient:
    """The customer service's calls this service makes, on one shared channel."""

    def __init__(self, address: str, *, timeout_seconds: float) -> None:
        self._customers = LazyStub(address, CUSTOMER_SERVICE,
                                   customer_pb2_grpc.CustomerServiceStub,
                                   default_timeout=timeout_seconds)

    def get(self, customer_id: str) -> customer_pb2.Customer | None:
        """The customer as the caller may see it; None when it does not exist or is not the
        caller's to see. One this call's reference check found already is not asked again."""
        known = checked(CUSTOMER, customer_id)
        if known is not None:
            return known.record
        try:
            return self._customers().GetCustomer(customer_pb2.GetCustomerRequest(id=customer_id))
        except grpc.RpcError as exc:
            if exc.code() in NOT_THE_CALLERS:
                return None
            raise translated(exc, f"check customer {customer_id}") from exc

    def referenced(self, customer_id: str) -> Referenced | None:
        """The look-up of ``crm_shared.references`` (the caller's token is forwarded)."""
        return referenced_customer(self.get(customer_id))

    def referenced_contact(self, contact_id: str) -> Referenced | None:
        """The contact look-up of ``crm_shared.references``: the contact as the caller may
        see it (its customer's visibility), with the customer it belongs to."""
        try:
            contact = self._customers().GetContact(customer_pb2.GetContactRequest(id=contact_id))
        except grpc.RpcError as exc:
            if exc.code() in NOT_THE_CALLERS:
                return None
            raise translated(exc, f"check contact {contact_id}") from exc
        return Referenced(owner_id="", department_path="", active=True, record=contact,
                          belongs_to_id=contact.customer_id)

    def create(self, customer: customer_pb2.Customer, request_id: str) -> customer_pb2.Customer:
        try:
            return self._customers().CreateCustomer(customer_pb2.CreateCustomerRequest(
                customer=customer, request_id=request_id))
        except grpc.RpcError as exc:
            raise translated(exc, "create the lead's customer") from exc

    def close(self) -> None:
        self._customers.close()


def translated(exc: grpc.RpcError, doing: str):
    """The customer service's answer as this service's error; nothing was done here."""
    error = describe_rpc_error(exc)
    if error.code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument(error.violations or [FieldViolation("customer", error.message)])
    if error.code == grpc.StatusCode.PERMISSION_DENIED:
        return PermissionDenied(error.message)
    if error.code == grpc.StatusCode.ALREADY_EXISTS:
        return Conflict("another user started converting this lead; they can finish it by "
                        "converting it again")
    if error.code == grpc.StatusCode.FAILED_PRECONDITION:
        return FailedPrecondition(error.message, reason=error.reason or None)
    return Unavailable(f"the customer service could not {doing} ({error.code.name}); nothing "
                       "was changed, try again")


def referenced_customer(customer: customer_pb2.Customer | None) -> Referenced | None:
    """A customer as ``crm_shared.references`` judges a reference to it."""
    if customer is None:
        return None
    return customer_referenced(customer)


def referenced_lookups(servicer):
    """The servicer's look-ups for ``ServiceBinding.references`` (customers and contacts):
    UNAVAILABLE when no customer service is configured (a reference is never accepted
    unchecked)."""

    def lookup_of(kind: str, method: str):
        def lookup(record_id: str) -> Referenced | None:
            client = customer_client(servicer)
            if client is None:
                raise Unavailable(f"no customer service is configured (CUSTOMER_ADDR) to check "
                                  f"the {kind} this write names; nothing was changed")
            return getattr(client, method)(record_id)

        return lookup

    return {CUSTOMER: lookup_of(CUSTOMER, "referenced"),
            CONTACT: lookup_of(CONTACT, "referenced_contact")}


_CLIENT_LOCK = threading.Lock()


def customer_client(servicer) -> CustomerClient | None:
    """The servicer's customer service client (made on first use); None when its settings
    name no customer service (then nothing is looked up)."""
    with _CLIENT_LOCK:
        client = getattr(servicer, "_customer_client", None)
        if client is None:
            address = getattr(servicer.settings, "customer_addr", "")
            if not address:
                return None
            client = CustomerClient(address, timeout_seconds=getattr(
                servicer.settings, "customer_timeout_seconds", 5.0))
            servicer._customer_client = client
        return client
