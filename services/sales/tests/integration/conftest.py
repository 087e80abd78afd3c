"""The harness of the sales service's integration tests, shared as fixtures (test folders are
not packages, so fixtures are the only way to share code between the test modules).

``start_sales_api(backend)`` is the real servicer (``build_bindings``) inside the real server
bootstrap (``GrpcApi``: auth and error mapping) on a database the real migrations built (a
SQLite copy of a template migrated once per session, or PostgreSQL), called through the suite's
client factory with tokens for the people of ``PEOPLE``. The outbox relay is off: the events a
call wrote stay in the outbox, where ``api.events(routing_key, type)`` reads them. The customer
service is really down (a closed port) unless a test says otherwise.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator

import grpc
import pytest
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi
from crm_shared.grpc.status import CallError, describe_rpc_error
from crm_shared.migrations import upgrade
from sales_service.api import build_bindings
from sales_service.settings import SalesApiSettings
from sqlalchemy import select

SALES_SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]

# user id -> (roles, department path, data scope)
PEOPLE: dict[str, tuple[tuple[str, ...], str, str]] = {
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


class SalesApi:
    """An in-process sales api on a migrated database, with a stub per caller; ``bindings``
    builds the servicer (the real one unless a test says otherwise)."""

    def __init__(self, database_url: str, keys, *, customer_addr: str | None = None,
                 bindings=build_bindings) -> None:
        issuer, public_key = keys
        self.issuer = issuer
        self.settings = SalesApiSettings(
            service_name="sales", database_url=database_url,
            amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F",
            jwt_public_key_file=public_key, outbox_relay=False, health_check_seconds=3600,
            customer_addr=customer_addr or f"127.0.0.1:{free_port()}",
            customer_timeout_seconds=2.0)
        self.database = Database(database_url)
        verifier = TokenVerifier.from_file(public_key, issuer="crm-gateway", audience="crm")
        self.server = GrpcApi(self.settings, self.database,
                              bindings(self.database, self.settings), verifier)
        self.target = f"127.0.0.1:{self.server.start('127.0.0.1:0')}"
        self._channels: list[grpc.Channel] = []
        self._stubs: dict[str, sales_pb2_grpc.SalesServiceStub] = {}

    def token(self, caller: str) -> str:
        roles, department_path, data_scope = PEOPLE[caller]
        return self.issuer.issue(user_id=caller, username=caller, roles=list(roles),
                                 department_path=department_path, data_scope=data_scope)

    def stub(self, caller: str) -> sales_pb2_grpc.SalesServiceStub:
        if caller not in self._stubs:
            token = self.token(caller)
            channel = connect(self.target, [SALES_SERVICE], token_provider=lambda: token)
            self._channels.append(channel)
            self._stubs[caller] = sales_pb2_grpc.SalesServiceStub(channel)
        return self._stubs[caller]

    def events(self, routing_key: str, message_type=None) -> list:
        """The outbox's events of ``routing_key`` in order (decoded as ``message_type``)."""
        with self.database.unit_of_work(readonly=True) as uow:
            rows = uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.routing_key == routing_key).order_by(OutboxMessage.id)).all()
            if message_type is None:
                return [json.loads(row.payload) for row in rows]
            return [wire.decode(row.payload, message_type) for row in rows]

    def stop(self) -> None:
        for channel in self._channels:
            channel.close()
        self.server.stop(grace=0)
        self.database.dispose()


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    """The test token issuer and the public key the apis verify with."""
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "signing.pem", folder / "signing.pub")
    issuer = TokenIssuer((folder / "signing.pem").read_bytes(), issuer="crm-gateway",
                         audience="crm")
    return issuer, folder / "signing.pub"


@pytest.fixture(scope="session")
def migrated_sales_sqlite(tmp_path_factory):
    """A SQLite file the sales migrations built once; tests work on copies of it."""
    path = tmp_path_factory.mktemp("sales-migrated") / "sales.db"
    upgrade("sales_service", f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def sales_database_url(request, tmp_path_factory) -> Iterator[Callable[[str], str]]:
    """``sales_database_url(backend)``: a new migrated database ("sqlite" or "postgresql"),
    for the module."""
    created: list[str] = []

    def fresh(backend: str = "sqlite") -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("sales") / f"{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(request.getfixturevalue("migrated_sales_sqlite"), path)
            return f"sqlite:///{path}"
        postgres = request.getfixturevalue("postgres")
        name = f"sales_{uuid.uuid4().hex[:12]}"
        url = postgres.create_database(name)
        upgrade("sales_service", url)
        created.append(name)
        return url

    yield fresh
    for name in created:
        request.getfixturevalue("postgres").drop_database(name)


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


def _rpc_error(call, *args, **kwargs) -> CallError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return describe_rpc_error(caught.value)


@pytest.fixture
def rpc_error() -> Callable[..., CallError]:
    """``rpc_error(call, *args, **kwargs)``: the described error (code, message, field
    violations) of a call that must fail."""
    return _rpc_error
