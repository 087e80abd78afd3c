"""Whether the caller of a personal-data export sees the customer it names.

Every service exports only what the caller's data scope shows of a customer. This one keeps
no owner or department of a customer (a delivery names only the customer's id), so it asks
the owner of that fact: the customer service's ``GetCustomer``, called with the caller's own
token (the suite's client factory forwards it), applies the caller's rights. Not found or
refused there means not the caller's to export here. A caller whose data scope is ``all``
sees every customer and is not asked about (which also keeps erased customers exportable).

The call is made before a unit of work opens, with a deadline (``CUSTOMER_TIMEOUT_SECONDS``);
a customer service that is down, too slow or not configured (``CUSTOMER_ADDR`` empty) makes
the export UNAVAILABLE: it is never answered unchecked.
"""

from __future__ import annotations

import grpc
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.auth import DataScope, Principal
from crm_shared.errors import Unavailable
from crm_shared.grpc.client import LazyStub

CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
NOT_THE_CALLERS = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)


class CustomerVisibility:
    """The customer service as the caller sees it (``address`` empty: not configured)."""

    def __init__(self, address: str, *, timeout_seconds: float) -> None:
        self._customers = LazyStub(address, CUSTOMER_SERVICE,
                                   customer_pb2_grpc.CustomerServiceStub,
                                   default_timeout=timeout_seconds) if address else None

    def sees(self, principal: Principal, customer_id: str) -> bool:
        if principal.data_scope is DataScope.ALL:
            return True
        if self._customers is None:
            raise Unavailable("no customer service is configured (CUSTOMER_ADDR) to check that "
                              "you may see this customer; nothing was exported")
        try:
            self._customers().GetCustomer(customer_pb2.GetCustomerRequest(id=customer_id))
        except grpc.RpcError as exc:
            if exc.code() in NOT_THE_CALLERS:
                return False
            raise Unavailable(f"the customer service could not check this customer "
                              f"({exc.code().name}); nothing was exported, try again") from exc
        return True


def visibility_for(settings) -> CustomerVisibility:
    return CustomerVisibility(getattr(settings, "customer_addr", ""),
                              timeout_seconds=getattr(settings, "customer_timeout_seconds", 5.0))
