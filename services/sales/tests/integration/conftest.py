"""The harness of the sales service's integration tests, shared as fixtures (test folders are
not packages, so fixtures are the only way to share code between the test modules).

``start_sales_api(backend)`` is a ``SalesApi``: the devstack's in-process api
(``crm_devstack.inprocess_api``: the real servicer inside the real server bootstrap, called
through the suite's client factory with tokens from the session's test issuer) on a database the
real migrations built (a copy of a template migrated once per session, SQLite or PostgreSQL),
called by the people of ``PEOPLE``. The outbox relay is off: the events a call wrote stay in the
outbox, where ``api.events(routing_key, type)`` reads them. The customer service is really down
(a closed port) unless a test says otherwise: ``start_sales_api(customers=sales_customers)``
puts the real customer api (``CustomerApi``, in-process, same people and token issuer) behind
it, and ``api.customers.customer(owner)`` creates a customer that owner may name. A write that
names a customer is checked against it with the caller's token (``crm_shared.references``). So
is a campaign, against the real marketing api: down unless ``start_sales_api(marketing=
sales_marketing)``, whose ``api.marketing.campaign(owner)`` is a running campaign of that owner.
"""

from __future__ import annotations

import base64
import functools
import os
from collections.abc import Callable, Iterator

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, Person
from crm_devstack.marketing_records import stored_campaign
from crm_devstack.ports import free_port
from crm_shared.db import Database
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
    # an ERP's service account: it books any customer's purchases (and the sales service checks
    # the customer a purchase names with its token, hence customers.read)
    "u-erp": (("service",), "/", "all", ("purchases.read", "purchases.write", "customers.read")),
    "u-erp-own": (("service",), "/", "own", ("purchases.read", "purchases.write",
                                              "customers.read")),
    "u-agent": (("service_agent",), "/hq/service", "own"),
    # the gateway's public token for the web-to-lead form: its one scope
    "svc-lead-form": (("service",), "/", "own", ("leads.intake",)),
}
CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
MARKETING_SERVICE = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]


class CustomerApi(InProcessApi):
    """The real customer api in-process (its servicer, migrations, a field-encryption key of
    the test), called by ``PEOPLE`` with tokens of the same issuer as the sales api's."""

    def __init__(self, database: str | Database, keys) -> None:
        from customer_service.api import build_bindings as customer_bindings
        from customer_service.settings import CustomerApiSettings

        super().__init__("customer", customer_bindings, database, keys, service=CUSTOMER_SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, people=PEOPLE,
                         settings_cls=CustomerApiSettings,
                         field_encryption_key=base64.b64encode(os.urandom(32)).decode())

    def customer(self, owner: str = "u-rep", name: str = "华东客户") -> str:
        """A new customer of ``owner`` (created by them, so theirs and their department's)."""
        return self.stub(owner).CreateCustomer(customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                           display_name=name))).id


class MarketingApi(InProcessApi):
    """The real marketing api in-process (its servicer and migrations), called by ``PEOPLE``
    with tokens of the same issuer as the sales api's: the campaigns sales writes name are
    checked against it with the caller's token."""

    def __init__(self, database: str | Database, keys) -> None:
        from marketing_service.api import build_bindings as marketing_bindings
        from marketing_service.settings import MarketingApiSettings

        super().__init__("marketing", marketing_bindings, database, keys,
                         service=MARKETING_SERVICE,
                         stub_class=marketing_pb2_grpc.MarketingServiceStub, people=PEOPLE,
                         settings_cls=MarketingApiSettings,
                         survey_link_secret="survey-link-secret-of-the-tests",
                         outbound_dispatch=False)  # it sends nothing here

    def campaign(self, owner: str = "u-admin", department: str = "/hq", *,
                 state: str = "running") -> str:
        """A campaign of ``owner`` in ``state`` (``crm_devstack.marketing_records``)."""
        return stored_campaign(self.database, owner, department, state=state)


class SalesApi(InProcessApi):
    """The sales api, with a stub per caller; ``bindings`` builds the servicer (the real one
    unless a test says otherwise)."""

    def __init__(self, database_url: str, keys, *, customer_addr: str | None = None,
                 customers: CustomerApi | None = None, marketing: MarketingApi | None = None,
                 bindings=build_bindings) -> None:
        self.customers, self.marketing = customers, marketing
        if customers is not None:
            customer_addr = customers.target
        super().__init__("sales", bindings, database_url, keys, service=SALES_SERVICE,
                         stub_class=sales_pb2_grpc.SalesServiceStub, people=PEOPLE,
                         settings_cls=SalesApiSettings,
                         customer_addr=customer_addr or f"127.0.0.1:{free_port()}",
                         # a customer service that is up answers well within 15 s on a loaded
                         # machine; the down one (a closed port) is refused at once
                         customer_timeout_seconds=15.0 if customers is not None else 2.0,
                         marketing_addr=marketing.target if marketing is not None
                         else f"127.0.0.1:{free_port()}",
                         marketing_timeout_seconds=15.0 if marketing is not None else 2.0)


def _stored_rows(api: SalesApi) -> tuple[int, ...]:
    """Rows of every table of the sales service, and its outbox."""
    from crm_shared.events.outbox import OutboxMessage
    from sales_service.models import Base
    from sqlalchemy import func, select

    tables = [*Base.metadata.sorted_tables, OutboxMessage.__table__]
    with api.database.unit_of_work(readonly=True) as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(table))
                     for table in tables)


@pytest.fixture
def stored_rows() -> Callable[[SalesApi], tuple[int, ...]]:
    """``stored_rows(api)``: how many rows each table of the sales service and its outbox hold
    (what a refused write must leave as it was)."""
    return _stored_rows


@pytest.fixture
def refused(rpc_error) -> Callable[..., None]:
    """``refused(api, field, call, request)``: the write names a record its caller may not
    name (``crm_shared.references``): INVALID_ARGUMENT with the one violation ``<kind> not
    found or not visible to you`` on ``field`` (``lead.campaign_id``: a campaign), and no
    table nor the outbox gained a row."""

    def check(api: SalesApi, field: str, call, request) -> None:
        kind = field.rsplit(".", 1)[-1].removesuffix("_id")
        before = _stored_rows(api)
        error = rpc_error(call, request)
        assert error.code is grpc.StatusCode.INVALID_ARGUMENT, error
        assert [(v.field, v.description) for v in error.violations] == [
            (field, f"{kind} not found or not visible to you")]
        assert _stored_rows(api) == before

    return check


@pytest.fixture(scope="module")
def sales_database_url(module_migrated_database) -> Callable[..., str]:
    """``sales_database_url(backend)``: a new migrated database ("sqlite" or "postgresql"),
    for the module."""
    return functools.partial(module_migrated_database, "sales_service")


@pytest.fixture(scope="module")
def start_customer_api(keys) -> Iterator[Callable[..., CustomerApi]]:
    """``start_customer_api(database)``: the real customer api on that migrated database (a
    URL, or a ``Database`` the test shares with it), stopped after the module."""
    started: list[CustomerApi] = []

    def start(database: str | Database) -> CustomerApi:
        server = CustomerApi(database, keys)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def sales_customers(start_customer_api, module_migrated_database) -> CustomerApi:
    """The real customer api for the module, on its own migrated SQLite database."""
    return start_customer_api(module_migrated_database("customer_service"))


@pytest.fixture(scope="module")
def sales_marketing(keys, module_migrated_database) -> Iterator[MarketingApi]:
    """The real marketing api for the module, on its own migrated SQLite database:
    ``sales_marketing.campaign(owner)`` is a campaign a write may name."""
    server = MarketingApi(module_migrated_database("marketing_service"), keys)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def start_sales_api(keys, sales_database_url) -> Iterator[Callable[..., SalesApi]]:
    """Start a sales api on a fresh database (``backend``: sqlite or postgresql), or on the
    migrated one at ``database_url`` (a worker process's), stopped after the module."""
    started: list[SalesApi] = []

    def start(backend: str = "sqlite", database_url: str | None = None, **options) -> SalesApi:
        server = SalesApi(database_url or sales_database_url(backend), keys, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
