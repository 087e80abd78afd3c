"""The harness of the ticket service's integration tests, shared as fixtures (test folders are
not packages, so fixtures are the only way to share code between the test modules).

``api`` is a ``TicketApi``: the devstack's in-process api (``crm_devstack.inprocess_api``: the
real servicer inside the real server bootstrap, called through the suite's client factory with
tokens from the session's test issuer) on a fresh database built by the real migrations (with
the seeded routing rules, SLA policies and calendar; migrated once per session and copied per
test). It runs on SQLite; a module runs it on both databases with
``pytest.mark.parametrize("api", BACKENDS, indirect=True)`` (BACKENDS = sqlite, postgresql).
The outbox relay is off, so the events a call wrote stay in the outbox where a test reads them.

Callers are user ids of the small organisation in ``PEOPLE``; their tokens carry its roles,
department and data scope. Helpers a test needs are fixtures: ``rpc_error`` (a call that must
fail; the devstack's), ``new_ticket_row``; the ``api`` object itself stores and creates tickets
and reads the outbox.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator

import pytest
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, Person
from crm_shared.db import UtcDateTime, utcnow
from sqlalchemy import JSON, Boolean, Integer, func, select
from ticket_service.api import build_bindings
from ticket_service.models import Agent, Department, Ticket
from ticket_service.settings import TicketApiSettings

TICKET_SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]

# user id -> (roles, department path, data scope)
PEOPLE: dict[str, Person] = {
    "u-admin": (("admin",), "/hq", "all"),
    "u-dpo": (("dpo",), "/hq", "all"),
    "u-service-lead": (("service_lead",), "/hq/service", "department"),
    "u-vip-lead": (("service_lead",), "/hq/service/vip", "department"),
    "u-tech-lead": (("service_lead",), "/hq/tech", "department"),
    "u-agent": (("service_agent",), "/hq/service", "own"),
    "u-agent-2": (("service_agent",), "/hq/service", "own"),
    "u-vip-am": (("account_manager",), "/hq/service/vip", "own"),
    "u-wang": (("agent", "service_agent"), "/hq/service", "own"),
    "u-zhao": (("agent",), "/hq/tech", "own"),
    "u-rep": (("sales_rep",), "/hq/sales/east", "own"),
    # the gateway's public tokens: each public route holds only its own scope
    "svc-intake": (("service",), "/", "own", ("tickets.intake",)),
    "svc-status": (("service",), "/", "own", ("tickets.status",)),
    "svc-kb": (("service",), "/", "own", ("kb.read_public",)),
}


def _neutral(column, now):
    """A value for a required column a test does not care about."""
    if isinstance(column.type, JSON):
        return {} if "dict" in str(Ticket.__annotations__.get(column.name)) else []
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, UtcDateTime):
        return now
    return ""


def ticket_row(**fields) -> Ticket:
    """A ticket row as the ticket core would store it (not yet added to a session); unnamed
    required columns get neutral values, so this keeps working as the core's table grows."""
    now = fields.get("create_time") or utcnow()
    values = {column.name: _neutral(column, now) for column in Ticket.__table__.columns
              if not column.nullable and column.name not in fields}
    values.update(id=str(uuid.uuid4()), number=f"T{uuid.uuid4().hex[:10]}", type="consultation",
                  priority="normal", state="in_progress", department_path="/hq/service")
    values.update(fields)
    return Ticket(**values)


class TicketApi(InProcessApi):
    """The ticket api on an already migrated database, breaking routing ties with a seeded
    random; with a customer address it asks that customer service for facts, without one it
    does no lookups at all."""

    def __init__(self, database_url: str, keys, *, customer_address: str | None = None,
                 customer_timeout: float = 2.0, staff=({}, {})) -> None:
        self.rng = random.Random(4)

        def bindings(database, settings):
            return build_bindings(database, settings if customer_address else None, rng=self.rng)

        extra = {"customer_addr": customer_address,
                 "customer_lookup_timeout_seconds": customer_timeout} if customer_address else {}
        super().__init__("ticket", bindings, database_url, keys, service=TICKET_SERVICE,
                         stub_class=ticket_pb2_grpc.TicketServiceStub, people=PEOPLE,
                         settings_cls=TicketApiSettings, **extra)
        self._seed_people(*staff)

    def _seed_people(self, departments: dict[str, str], agents: dict[str, str]) -> None:
        if not departments and not agents:
            return
        now = utcnow()
        with self.database.unit_of_work() as uow:
            for path, lead in departments.items():
                uow.session.add(Department(path=path, name=path, lead_user_id=lead,
                                           parent_path="/hq", active=True, revision=1,
                                           update_time=now))
            for user_id, path in agents.items():
                self.add_agent(uow.session, user_id, path, now=now)

    @staticmethod
    def add_agent(session, user_id, path, *, now=None, **profile) -> None:
        """An agent row as the worker keeps it from identity events."""
        values = {"skills": [], "max_open_tickets": 0, "available": True, "active": True,
                  "department_lead": False}
        values.update(profile)
        session.add(Agent(user_id=user_id, username=user_id, display_name=user_id,
                          department_path=path, revision=1, update_time=now or utcnow(), **values))

    def create(self, caller: str = "u-rep", request_id: str = "", **fields) -> ticket_pb2.Ticket:
        """A complaint created through the api (``fields`` override its defaults)."""
        values = {"type": ticket_pb2.TICKET_TYPE_COMPLAINT, "title": "问题",
                  "description": "请处理", "reporter_phone": "+8613812345678"}
        values.update(fields)
        return self.stub(caller).CreateTicket(ticket_pb2.CreateTicketRequest(
            ticket=ticket_pb2.Ticket(**values), request_id=request_id))

    def add_ticket(self, **fields) -> Ticket:
        """A ticket row stored directly, as the ticket core would store it."""
        ticket = ticket_row(**fields)
        with self.database.unit_of_work() as uow:
            uow.session.add(ticket)
        return ticket

    def count(self, model) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def ticket_people() -> tuple[dict[str, str], dict[str, str]]:
    """Departments (path -> lead) and agents (user id -> department) stored before a test, as
    the worker keeps them from identity events; a module overrides this when routing needs
    them."""
    return {}, {}


@pytest.fixture
def start_ticket_api(keys, ticket_people, migrated_database) -> Iterator[Callable[..., TicketApi]]:
    """Start a ticket api on a fresh migrated database (SQLite unless ``backend`` says
    "postgresql"); stopped after the test."""
    started: list[TicketApi] = []

    def start(backend: str = "sqlite", **options) -> TicketApi:
        server = TicketApi(migrated_database("ticket_service", backend), keys,
                           staff=ticket_people, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def api(request, start_ticket_api) -> TicketApi:
    """A fresh database and server per test: SQLite, or what the test names in
    ``pytest.mark.parametrize("api", BACKENDS, indirect=True)``."""
    return start_ticket_api(getattr(request, "param", "sqlite"))


@pytest.fixture
def customer_api(keys, migrated_database) -> Iterator[InProcessApi]:
    """The real customer api in-process on its own SQLite database, called by ``PEOPLE``."""
    from customer_service.api import build_bindings as customer_bindings

    server = InProcessApi("customer", customer_bindings, migrated_database("customer_service"),
                          keys, people=PEOPLE)
    yield server
    server.stop()


@pytest.fixture
def new_ticket_row() -> Callable[..., Ticket]:
    """``ticket_row``: an unsaved ticket row with neutral values for what a test leaves out."""
    return ticket_row
