"""The harness of the sales service's integration tests, shared as fixtures (test folders are
not packages, so fixtures are the only way to share code between the test modules).

``start_sales_api(backend)`` is a ``SalesApi``: the devstack's in-process api
(``crm_devstack.inprocess_api``: the real servicer inside the real server bootstrap, called
through the suite's client factory with tokens from the session's test issuer) on a database the
real migrations built (a copy of a template migrated once per session, SQLite or PostgreSQL),
called by the people of ``PEOPLE``. The outbox relay is off: the events a call wrote stay in the
outbox, where ``api.events(routing_key, type)`` reads them. The customer service is really down
(a closed port) unless a test says otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, Person
from crm_devstack.ports import free_port
from sales_service.api import build_bindings
from sales_service.settings import SalesApiSettings

SALES_SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]

# user id -> (roles, department path, data scope)
PEOPLE: dict[str, Person] = {
    "u-admin": (("admin",), "/hq", "all"),
    "u-dpo": (("dpo",), "/hq/legal", "own"),
    "u-sales-lead": (("manager", "sales_lead"), "/hq/sales", "department"),
    "u-east-lead": (("sales_lead",), "/hq/sales/east", "department"),
    "u-north-lead": (("sales_lead",), "/hq/sales/north", "department"),
    "u-rep": (("sales_rep",), "/hq/sales/east", "own"),
    "u-rep-2": (("sales_rep",), "/hq/sales/east", "own"),
    "u-rep-north": (("sales_rep",), "/hq/sales/north", "own"),
    "u-erp": (("service",), "/", "own"),
}


class SalesApi(InProcessApi):
    """The sales api, with a stub per caller; ``bindings`` builds the servicer (the real one
    unless a test says otherwise)."""

    def __init__(self, database_url: str, keys, *, customer_addr: str | None = None,
                 bindings=build_bindings) -> None:
        super().__init__("sales", bindings, database_url, keys, service=SALES_SERVICE,
                         stub_class=sales_pb2_grpc.SalesServiceStub, people=PEOPLE,
                         settings_cls=SalesApiSettings,
                         customer_addr=customer_addr or f"127.0.0.1:{free_port()}",
                         customer_timeout_seconds=2.0)


@pytest.fixture(scope="module")
def sales_database_url(module_migrated_database) -> Callable[..., str]:
    """``sales_database_url(backend)``: a new migrated database ("sqlite" or "postgresql"),
    for the module."""
    return functools.partial(module_migrated_database, "sales_service")


@pytest.fixture(scope="module")
def start_sales_api(keys, sales_database_url) -> Iterator[Callable[..., SalesApi]]:
    """Start a sales api on a fresh database (``backend``: sqlite or postgresql), stopped
    after the module."""
    started: list[SalesApi] = []

    def start(backend: str = "sqlite", **options) -> SalesApi:
        server = SalesApi(sales_database_url(backend), keys, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
