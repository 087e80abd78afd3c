"""Asking the customer service about a customer the sales service has not heard of yet (its
``customer.created`` event is still on its way), with the caller's own token, so the customer
service decides whether the caller may see it. Called before a unit of work opens, never
inside one."""

from __future__ import annotations

import grpc
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.errors import Unavailable
from crm_shared.grpc.client import connect

CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
UNREACHABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class CustomerLookup:
    def __init__(self, address: str, *, timeout_seconds: float) -> None:
        self._channel = connect(address, [CUSTOMER_SERVICE], default_timeout=timeout_seconds)
        self._stub = customer_pb2_grpc.CustomerServiceStub(self._channel)

    def get(self, customer_id: str) -> customer_pb2.Customer | None:
        """The customer as the caller may see it; None when it does not exist or is not the
        caller's to see. Unavailable when the customer service cannot be reached."""
        try:
            return self._stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer_id))
        except grpc.RpcError as exc:
            if exc.code() in UNREACHABLE:
                raise Unavailable("the customer service cannot be reached to check customer "
                                  f"{customer_id}; try again") from exc
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                return None
            raise

    def close(self) -> None:
        self._channel.close()
