"""The harness of the marketing service's integration tests, shared as fixtures.

``start_marketing_api(backend)`` is a ``MarketingApi``: the devstack's in-process api
(``crm_devstack.inprocess_api``: the real servicer inside the real server bootstrap, called
through the suite's client factory with tokens from the session's test issuer) on a database the
real migrations built, called by the people of ``PEOPLE``; it signs survey links with the
tests' secret and dispatches nothing outbound by itself. The outbox relay is off: the events a
call wrote stay in the outbox, where ``api.events(routing_key, type)`` reads them.
``marketing_database_url(backend)`` gives a fresh migrated database (a copy of a template
migrated once per session, SQLite or PostgreSQL). ``notification`` is the REAL notification api
the sending queue hands messages to (``outbound.dispatch_due(api.database,
notification.marketing, now)``), whose deliveries a test reads back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, Person
from marketing_service.api import build_bindings
from marketing_service.contact_details import ContactDetails
from marketing_service.models import CustomerProfile
from marketing_service.settings import MarketingApiSettings
from sqlalchemy import select

MARKETING_SERVICE = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]
NOTIFICATION_SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
SURVEY_LINK_SECRET = "survey-link-secret-of-the-tests"
SURVEY_LINK_BASE_URL = "https://crm.example.com"

# user id -> (roles, department path, data scope)
PEOPLE: dict[str, Person] = {
    "u-admin": (("admin",), "/hq", "all"),
    "u-marketer": (("marketer",), "/hq/marketing", "own"),
    "u-marketer-2": (("marketer",), "/hq/marketing", "own"),
    "u-marketing-lead": (("marketer", "manager"), "/hq/marketing", "department"),
    "u-sales-lead": (("manager", "sales_lead"), "/hq/sales", "department"),
    "u-east-lead": (("sales_lead",), "/hq/sales/east", "department"),
    "u-east-manager": (("manager", "sales_lead"), "/hq/sales/east", "department"),
    "u-east-marketer": (("marketer",), "/hq/sales/east", "own"),
    "u-east-admin": (("admin",), "/hq/sales/east", "department"),
    "u-rep": (("sales_rep",), "/hq/sales/east", "own"),
    "u-rep-north": (("sales_rep",), "/hq/sales/north", "own"),
    "u-agent": (("agent",), "/hq/service", "own"),
    # the gateway's own token for the public survey form: its one scope opens the form's RPCs
    "u-form": (("service",), "/", "own", ("surveys.respond",)),
}


class ReadModelContacts:
    """The customer service's ``BatchGetContactDetails`` for the customers a test put into the
    read model, which the sending queue reads each message's address from
    (``outbound.dispatch_due(..., addresses=api.contacts)``): the tests write their customers'
    addresses into the profiles they make (the customer events carry them masked), and the
    customer service answers active customers only. (The real client,
    ``contact_details.CustomerAddressBook``, is tested against the real customer api.)"""

    def __init__(self, database) -> None:
        self.database = database

    def __call__(self, customer_ids) -> dict[str, ContactDetails]:
        with self.database.unit_of_work(readonly=True) as uow:
            return {row.customer_id: ContactDetails(row.email, row.phone)
                    for row in uow.session.scalars(select(CustomerProfile).where(
                        CustomerProfile.customer_id.in_(list(customer_ids)),
                        CustomerProfile.state == "active"))}


class MarketingApi(InProcessApi):
    """The marketing api, with a stub per caller; ``contacts`` is the address book its sending
    queue is dispatched with (:class:`ReadModelContacts`)."""

    def __init__(self, database_url: str, keys) -> None:
        super().__init__("marketing", build_bindings, database_url, keys,
                         service=MARKETING_SERVICE,
                         stub_class=marketing_pb2_grpc.MarketingServiceStub, people=PEOPLE,
                         settings_cls=MarketingApiSettings, survey_link_secret=SURVEY_LINK_SECRET,
                         survey_link_base_url=SURVEY_LINK_BASE_URL, outbound_dispatch=False)
        self.contacts = ReadModelContacts(self.database)


@pytest.fixture(scope="module")
def marketing_database_url(module_migrated_database) -> Callable[..., str]:
    """``marketing_database_url(backend)``: a new migrated database ("sqlite" or
    "postgresql"), for the module."""
    return functools.partial(module_migrated_database, "marketing_service")


@pytest.fixture(scope="module")
def start_marketing_api(keys, marketing_database_url) -> Iterator[Callable[..., MarketingApi]]:
    """Start a marketing api on a fresh database (``backend``: sqlite or postgresql), stopped
    after the module."""
    started: list[MarketingApi] = []

    def start(backend: str = "sqlite") -> MarketingApi:
        server = MarketingApi(marketing_database_url(backend), keys)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def survey_link_secret() -> str:
    """The secret the test apis sign survey links with (a test may sign a link of its own)."""
    return SURVEY_LINK_SECRET


class NotificationApi(InProcessApi):
    """The real notification api in-process on its own migrated SQLite database; ``marketing``
    is its client as the marketing service's account. (The notification service is imported
    by the tests that start it only.)"""

    def __init__(self, database_url: str, keys) -> None:
        from notification_service.api import build_bindings as notification_bindings

        super().__init__("notification", notification_bindings, database_url, keys,
                         service=NOTIFICATION_SERVICE,
                         stub_class=notification_pb2_grpc.NotificationServiceStub,
                         people={"svc.marketing": (("service",), "/hq", "all",
                                                   ("notification.send",))})
        self.marketing = self.stub("svc.marketing")

    def deliveries(self, customer_ids) -> list:
        """The deliveries it holds for these customers (id, customer, source ref, subject,
        address)."""
        from notification_service.models import Delivery
        from sqlalchemy import select

        with self.database.unit_of_work(readonly=True) as uow:
            return list(uow.session.execute(
                select(Delivery.id, Delivery.customer_id, Delivery.source_ref, Delivery.subject,
                       Delivery.address)
                .where(Delivery.customer_id.in_(list(customer_ids)))
                .order_by(Delivery.create_time)))


@pytest.fixture(scope="module")
def notification(module_migrated_database, keys):
    server = NotificationApi(module_migrated_database("notification_service"), keys)
    yield server
    server.stop()
