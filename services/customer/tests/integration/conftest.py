"""What the customer service's integration test modules share, as fixtures (test folders are
not packages, so fixtures are the only way to share code between them).

``start_customer_api(backend)`` is the devstack's in-process api (``crm_devstack.inprocess_api``:
the real servicer inside the real server bootstrap, called through the suite's client factory
with tokens from the session's test issuer) of the customer service on a fresh database the
real migrations built ("sqlite" or "postgresql"), its callers given as
``crm_shared.auth.Principal``. The outbox relay is off: the events a call wrote stay in the
outbox. Modules with helpers of their own subclass ``InProcessApi`` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from customer_service.api import build_bindings

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]


@pytest.fixture
def start_customer_api(keys, migrated_database) -> Iterator[Callable[..., InProcessApi]]:
    """Start a customer api on a fresh migrated database (``backend``: sqlite or postgresql),
    stopped after the test."""
    started: list[InProcessApi] = []

    def start(backend: str = "sqlite") -> InProcessApi:
        server = InProcessApi("customer", build_bindings,
                              migrated_database("customer_service", backend), keys,
                              service=SERVICE, stub_class=customer_pb2_grpc.CustomerServiceStub,
                              claims=principal_claims)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
