"""pytest fixtures for the whole repository (registered through the `pytest11` entry point
of crm-devstack, so no conftest.py has to import them).

Session fixtures start one RabbitMQ node / PostgreSQL cluster per test session (per xdist
worker); function fixtures give every test its own vhost / database so tests cannot see each
other's queues or rows. Nothing is imported or started unless a test asks for it.

A missing rabbitmq-server makes the `rabbitmq` fixture *fail*, never skip: a skipped
integration test would look like a pass.

For the services' in-process apis (``inprocess_api.InProcessApi``) there are the session's
token ``keys`` and ``rpc_error``; ``migrated_database`` / ``module_migrated_database`` give
them databases the real migrations built.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .waiting import wait_until

__all__ = ["wait_until"]


def _private_dir(prefix: str) -> Path:
    # Under /tmp (world-traversable), not pytest's 0700 tmp_path: the servers run as the
    # rabbitmq/postgres users when we are root, and must be able to reach their folder.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@pytest.fixture(scope="session")
def rabbitmq() -> Iterator[object]:
    """A private RabbitMQ node (RabbitNode) for the whole session."""
    from .rabbitmq import INSTALL_HINT, RabbitNode, find_rabbitmq_server

    if find_rabbitmq_server() is None:
        pytest.fail(
            f"the `rabbitmq` fixture needs a RabbitMQ server: {INSTALL_HINT}", pytrace=False
        )
    base = _private_dir("crm-rabbitmq-")
    node = RabbitNode(base, f"crmtest-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    try:
        node.start()
        yield node
    finally:
        node.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def rabbitmq_vhosts(rabbitmq) -> Iterator[object]:
    """The session's pool of fresh vhosts (VhostPool) behind ``amqp_url``."""
    from .rabbitmq import VhostPool

    pool = VhostPool(rabbitmq)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def amqp_url(rabbitmq, rabbitmq_vhosts) -> Iterator[str]:
    """AMQP URL of a fresh vhost (guest has all permissions), deleted after the test."""
    vhost = rabbitmq_vhosts.lease()
    try:
        yield rabbitmq.url_for_vhost(vhost)
    finally:
        rabbitmq_vhosts.release(vhost)


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A private PostgreSQL cluster (PostgresCluster) for the whole session."""
    from .postgres import PostgresCluster

    if shutil.which("pg_ctl") is None or shutil.which("initdb") is None:
        pytest.fail(
            "the `postgres` fixture needs PostgreSQL's initdb and pg_ctl on the PATH "
            "(Debian: apt-get install postgresql)",
            pytrace=False,
        )
    base = _private_dir("crm-postgres-")
    cluster = PostgresCluster(base)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres) -> Iterator[str]:
    """SQLAlchemy URL of a fresh database, dropped (even if still connected) after the test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = postgres.create_database(name)
    try:
        yield url
    finally:
        postgres.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a SQLite file in the test's tmp_path."""
    return f"sqlite:///{tmp_path / 'test.db'}"


class MigratedTemplates:
    """Per package and backend, one database the package's real migrations built this session:
    a SQLite file, or a PostgreSQL database that no one connects to, so that it can be the
    ``TEMPLATE`` of new ones. Running the migrations for every test costs far more than
    copying their result."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: dict[str, Path] = {}
        self._postgres: dict[str, str] = {}
        self._cluster = None

    def sqlite(self, package: str) -> Path:
        if package not in self._sqlite:
            from crm_shared.migrations import upgrade

            path = self._folder / f"{package}.db"
            upgrade(package, f"sqlite:///{path}")
            self._sqlite[package] = path
        return self._sqlite[package]

    def postgres(self, package: str, cluster) -> str:
        if package not in self._postgres:
            from crm_shared.migrations import upgrade

            name = f"template_{package}_{uuid.uuid4().hex[:8]}"
            upgrade(package, cluster.create_database(name))
            self._postgres[package] = name
            self._cluster = cluster
        return self._postgres[package]

    def drop(self) -> None:
        if self._cluster is not None and self._cluster.is_running():
            for name in self._postgres.values():
                self._cluster.drop_database(name)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory) -> Iterator[MigratedTemplates]:
    """The session's migrated template databases (see ``migrated_database``)."""
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated-templates"))
    yield templates
    templates.drop()


class MigratedDatabases:
    """Called as ``(package, backend="sqlite", path=None)``: the SQLAlchemy URL of a new
    database at the head of ``package``'s real migrations (``"sqlite"``: the file ``path``, by
    default a new one in ``folder``; ``"postgresql"``: a database on the session's cluster,
    dropped by ``drop``). It is a copy of one the migrations built once this session, so it is
    exactly what running them would have made, without running them for every database."""

    def __init__(self, templates: MigratedTemplates, folder: Path, request) -> None:
        self._templates = templates
        self._folder = folder
        self._request = request
        self._created: list[tuple[object, str]] = []

    def __call__(self, package: str, backend: str = "sqlite", path: Path | None = None) -> str:
        if backend == "sqlite":
            path = path or self._folder / f"{package}-{uuid.uuid4().hex[:8]}.db"
            if path.exists():
                raise FileExistsError(f"{path} exists already")
            shutil.copyfile(self._templates.sqlite(package), path)
            return f"sqlite:///{path}"
        if backend != "postgresql":
            raise ValueError(f"backend must be sqlite or postgresql: {backend!r}")
        # Asked for only here, so that SQLite-only tests never start a cluster.
        cluster = self._request.getfixturevalue("postgres")
        name = f"test_{uuid.uuid4().hex[:16]}"
        url = cluster.create_database(name, template=self._templates.postgres(package, cluster))
        self._created.append((cluster, name))
        return url

    def drop(self) -> None:
        for cluster, name in self._created:
            cluster.drop_database(name)


@pytest.fixture
def migrated_database(request, tmp_path, migrated_templates) -> Iterator[MigratedDatabases]:
    """``migrated_database(package, backend="sqlite", path=None)``: a new migrated database
    for the test (see ``MigratedDatabases``), SQLite files in tmp_path."""
    databases = MigratedDatabases(migrated_templates, tmp_path, request)
    yield databases
    databases.drop()


@pytest.fixture(scope="module")
def module_migrated_database(request, tmp_path_factory,
                             migrated_templates) -> Iterator[MigratedDatabases]:
    """``migrated_database`` for a module's fixtures: its databases last until the module ends
    (a server a whole module calls)."""
    databases = MigratedDatabases(migrated_templates, tmp_path_factory.mktemp("migrated"),
                                  request)
    yield databases
    databases.drop()


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    """The test token issuer and the public key file the in-process apis verify its tokens
    with (``inprocess_api.InProcessApi``)."""
    from .inprocess_api import signing_keys

    return signing_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def real_customer_api(module_migrated_database, keys):
    """``real_customer_api(people)``: the REAL customer api in-process (its servicer and
    migrations, a field-encryption key of the test) on its own database, called by ``people``
    (``inprocess_api.Person`` by user id) with the session issuer's tokens; stopped after the
    module. For another service's tests that make its calls to the customer service real."""
    import base64
    import os

    from crm.customer.v1 import customer_pb2, customer_pb2_grpc
    from customer_service.api import build_bindings
    from customer_service.settings import CustomerApiSettings

    from .inprocess_api import InProcessApi

    started: list[InProcessApi] = []

    def start(people) -> InProcessApi:
        server = InProcessApi(
            "customer", build_bindings, module_migrated_database("customer_service"), keys,
            service=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
            stub_class=customer_pb2_grpc.CustomerServiceStub, people=people,
            settings_cls=CustomerApiSettings,
            field_encryption_key=base64.b64encode(os.urandom(32)).decode())
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def rpc_error():
    """``rpc_error(call, *args, **kwargs)``: the described error (code, message, field
    violations) of a call that must fail."""
    from .inprocess_api import failed_call

    return failed_call
