"""Calls to the services' gRPC contracts, always with the signed-in user's own token.

The token reaches the callee through ``crm_shared``'s client factory, which forwards the
current principal's token (set for each request in :mod:`crm_console.session`), so every page
sees exactly what the API would show this user. A failure becomes a :class:`Refusal`.

    customer = call("customer", "GetCustomer", customer_pb2.GetCustomerRequest(customer_id=id))

A page that needs several independent reads starts them together and then waits for each, so
it waits for the slowest instead of their sum (gRPC futures: no thread per call, and the
token is attached when the call starts, in the request's own context)::

    tags = start("customer", "ListTags", customer_pb2.ListTagsRequest(page_size=500))
    page = call("customer", "ListCustomers", list_request)
    tags.result()  # its Refusal, if it failed, is raised here
"""

from __future__ import annotations

from typing import Any

import grpc
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.grpc.peers import Peers
from flask import current_app

from crm_console.refusals import Refusal

# peer → (its gRPC service, the stub class)
SERVICES = {
    "customer": (customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
                 customer_pb2_grpc.CustomerServiceStub),
    "sales": (sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
              sales_pb2_grpc.SalesServiceStub),
    "ticket": (ticket_pb2.DESCRIPTOR.services_by_name["TicketService"],
               ticket_pb2_grpc.TicketServiceStub),
    "marketing": (marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"],
                  marketing_pb2_grpc.MarketingServiceStub),
    "notification": (notification_pb2.DESCRIPTOR.services_by_name["NotificationService"],
                     notification_pb2_grpc.NotificationServiceStub),
}


def peers() -> Peers:
    return current_app.extensions["crm.console"].peers


def stub(peer: str) -> Any:
    service, stub_class = SERVICES[peer]
    return peers().stub(peer, service, stub_class)


def call(peer: str, method: str, request: Any, *, field_prefix: str = "",
         timeout: float | None = None) -> Any:
    """``method`` of ``peer``'s service with ``request``; a failed call raises :class:`Refusal`.

    ``field_prefix`` is stripped from the violations' field paths, so ``customer.email`` of a
    ``CreateCustomerRequest`` reaches the form as ``email``."""
    try:
        return getattr(stub(peer), method)(request, timeout=timeout)
    except grpc.RpcError as exc:
        raise Refusal.from_rpc_error(peer, exc, field_prefix=field_prefix) from exc


class Pending:
    """A started call (:func:`start`); :meth:`result` waits for it."""

    def __init__(self, peer: str, future: grpc.Future, field_prefix: str) -> None:
        self._peer, self._future, self._field_prefix = peer, future, field_prefix

    def result(self) -> Any:
        """The answer; a failed call raises :class:`Refusal` (as :func:`call` does)."""
        try:
            return self._future.result()
        except grpc.RpcError as exc:
            raise Refusal.from_rpc_error(self._peer, exc, field_prefix=self._field_prefix) from exc


def start(peer: str, method: str, request: Any, *, field_prefix: str = "",
          timeout: float | None = None) -> Pending:
    """:func:`call`, started without waiting for its answer."""
    try:
        future = getattr(stub(peer), method).future(request, timeout=timeout)
    except grpc.RpcError as exc:  # refused before it was sent
        raise Refusal.from_rpc_error(peer, exc, field_prefix=field_prefix) from exc
    return Pending(peer, future, field_prefix)


def call_stream(peer: str, method: str, request: Any) -> list[Any]:
    """A server-streaming ``method``, drained (pages show what fits on them)."""
    try:
        return list(getattr(stub(peer), method)(request))
    except grpc.RpcError as exc:
        raise Refusal.from_rpc_error(peer, exc) from exc
