"""The harness of the ticket service's integration tests, shared as fixtures (test folders are
not packages, so fixtures are the only way to share code between the test modules).

``api`` is the real servicer (`build_bindings`) inside the real server bootstrap (`GrpcApi`:
auth and error mapping) on a fresh database built by the real migrations (with the seeded
routing rules, SLA policies and calendar; migrated once per session and copied per test), called through the suite's client factory with tokens from a
test issuer. It runs on SQLite; a module runs it on both databases with
``pytest.mark.parametrize("api", BACKENDS, indirect=True)`` (BACKENDS = sqlite, postgresql).
The outbox relay is off, so the events a call wrote stay in the outbox where a test reads them.

Callers are user ids of the small organisation in ``PEOPLE``; their tokens carry its roles,
department and data scope. Helpers a test needs are fixtures: ``rpc_error`` (a call that must
fail), ``new_ticket_row``; the ``api`` object itself stores and creates tickets and reads the
outbox.
"""

from __future__ import annotations

import json
import random
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import psycopg
import pytest
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database, UtcDateTime, utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi
from crm_shared.grpc.status import CallError, describe_rpc_error
from crm_shared.migrations import upgrade
from crm_shared.settings import ApiSettings
from psycopg import sql
from sqlalchemy import JSON, Boolean, Integer, func, select
from ticket_service.api import build_bindings
from ticket_service.models import Agent, Department, Ticket
from ticket_service.settings import TicketApiSettings

TICKET_SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]

# user id -> (roles, department path, data scope)
PEOPLE: dict[str, tuple[tuple[str, ...], str, str]] = {
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


class InProcessApi:
    """An in-process api of ``package`` on a migrated database, with clients per caller."""

    def __init__(self, package: str, bindings, database_url: str, keys,
                 settings_cls=ApiSettings, *, migrate: bool = True, **settings) -> None:
        self.issuer, public_key = keys
        if migrate:
            upgrade(package, database_url)
        self.settings = settings_cls(
            service_name=package.removesuffix("_service"), database_url=database_url,
            amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            jwt_public_key_file=public_key, outbox_relay=False, health_check_seconds=3600,
            **settings)
        self.database = Database(database_url)
        verifier = TokenVerifier.from_file(public_key, issuer="crm-gateway", audience="crm")
        self.server = GrpcApi(self.settings, self.database, bindings(self.database, self.settings),
                              verifier)
        self.target = f"127.0.0.1:{self.server.start('127.0.0.1:0')}"
        self._channels: list[grpc.Channel] = []

    def channel(self, caller: str, service) -> grpc.Channel:
        roles, department_path, data_scope = PEOPLE[caller]
        token = self.issuer.issue(user_id=caller, username=caller, roles=list(roles),
                                  department_path=department_path, data_scope=data_scope)
        channel = connect(self.target, [service], token_provider=lambda: token)
        self._channels.append(channel)
        return channel

    def stop(self) -> None:
        for channel in self._channels:
            channel.close()
        self.server.stop(grace=0)
        self.database.dispose()


class TicketApi(InProcessApi):
    """The ticket api on an already migrated database, breaking routing ties with a seeded
    random; with a customer address it asks that customer service for facts, without one it
    does no lookups at all."""

    def __init__(self, database_url: str, keys, *, customer_address: str | None = None,
                 customer_timeout: float = 2.0, people=({}, {})) -> None:
        self.rng = random.Random(4)

        def bindings(database, settings):
            return build_bindings(database, settings if customer_address else None, rng=self.rng)

        extra = {"customer_addr": customer_address,
                 "customer_lookup_timeout_seconds": customer_timeout} if customer_address else {}
        super().__init__("ticket_service", bindings, database_url, keys, TicketApiSettings,
                         migrate=False, **extra)
        self._stubs: dict[str, ticket_pb2_grpc.TicketServiceStub] = {}
        self._seed_people(*people)

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

    def stub(self, caller: str) -> ticket_pb2_grpc.TicketServiceStub:
        if caller not in self._stubs:
            self._stubs[caller] = ticket_pb2_grpc.TicketServiceStub(
                self.channel(caller, TICKET_SERVICE))
        return self._stubs[caller]

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

    def events(self, routing_key: str, message_type=None) -> list:
        """The outbox's events of ``routing_key`` in order: decoded as ``message_type``, or as
        the JSON the wire carries."""
        with self.database.unit_of_work(readonly=True) as uow:
            rows = uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.routing_key == routing_key).order_by(OutboxMessage.id)).all()
            if message_type is None:
                return [json.loads(row.payload) for row in rows]
            return [wire.decode(row.payload, message_type) for row in rows]


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    """The test token issuer and the public key the apis verify with."""
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer="crm-gateway", audience="crm")
    return issuer, folder / "signing.pub"


@pytest.fixture
def ticket_people() -> tuple[dict[str, str], dict[str, str]]:
    """Departments (path -> lead) and agents (user id -> department) stored before a test, as
    the worker keeps them from identity events; a module overrides this when routing needs
    them."""
    return {}, {}


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file the ticket migrations built once; each test works on a copy of it (the
    migrations run per test would be most of the suite's time)."""
    path = tmp_path_factory.mktemp("ticket-migrated") / "ticket.db"
    upgrade("ticket_service", f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres) -> Iterator[str]:
    """The name of a PostgreSQL database the ticket migrations built once, the template each
    test's database is created from."""
    name = f"ticket_migrated_{uuid.uuid4().hex[:12]}"
    upgrade("ticket_service", postgres.create_database(name))
    yield name
    postgres.drop_database(name)


@pytest.fixture
def fresh_database(request, tmp_path) -> Iterator[Callable[[str], str]]:
    """``fresh_database(backend)``: the URL of a new migrated database ("sqlite" or
    "postgresql"), dropped after the test."""
    created: list[str] = []

    def fresh(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path / f"ticket-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
            return f"sqlite:///{path}"
        postgres = request.getfixturevalue("postgres")
        template = request.getfixturevalue("migrated_postgres")
        name = f"test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(postgres.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)))
        created.append(name)
        return postgres.url(name)

    yield fresh
    for name in created:
        request.getfixturevalue("postgres").drop_database(name)


@pytest.fixture
def start_ticket_api(keys, ticket_people, fresh_database) -> Iterator[Callable[..., TicketApi]]:
    """Start a ticket api on a fresh migrated database (SQLite unless ``backend`` says
    "postgresql"); stopped after the test."""
    started: list[TicketApi] = []

    def start(backend: str = "sqlite", **options) -> TicketApi:
        server = TicketApi(fresh_database(backend), keys, people=ticket_people, **options)
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
def customer_api(tmp_path, keys) -> Iterator[InProcessApi]:
    """The real customer api in-process on its own SQLite database."""
    from customer_service.api import build_bindings as customer_bindings

    server = InProcessApi("customer_service", customer_bindings,
                          f"sqlite:///{tmp_path / 'customer.db'}", keys)
    yield server
    server.stop()


def _rpc_error(call, *args, **kwargs) -> CallError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return describe_rpc_error(caught.value)


@pytest.fixture
def rpc_error() -> Callable[..., CallError]:
    """``rpc_error(call, *args, **kwargs)``: the described error (code, message, field
    violations) of a call that must fail."""
    return _rpc_error


@pytest.fixture
def new_ticket_row() -> Callable[..., Ticket]:
    """``ticket_row``: an unsaved ticket row with neutral values for what a test leaves out."""
    return ticket_row
