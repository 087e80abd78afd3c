"""What routing needs to know about a customer, asked of the customer service over gRPC.

The caller's token is forwarded (``crm_shared.grpc.client.connect``), so the customer service
answers with the caller's rights. A customer service that is down, slow, or does not show the
customer never fails a ticket: routing goes on without the facts and says so in its decision.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import grpc
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.grpc.client import LazyStub

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

    def facts(self, customer_id: str) -> CustomerFacts:
        if not customer_id:
            return NO_CUSTOMER
        try:
            customer = self._customers().GetCustomer(customer_pb2.GetCustomerRequest(id=customer_id))
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            log.warning("customer %s not looked up: %s", customer_id, code.name)
            return CustomerFacts(known=False, note=f"customer service answered {code.name}")
        return CustomerFacts(
            known=True,
            value_class=VALUE_CLASS_LETTERS.get(customer.value_class, ""),
            at_risk=customer.churn_risk.at_risk,
            risk_reason=customer.churn_risk.reason,
            owner_id=customer.owner_id,
        )

    def close(self) -> None:
        self._customers.close()
