"""Fixtures of the gateway's tests: signing keys, a migrated SQLite database with the demo
organisation, the app and its test client, an in-memory span exporter, and ``crm-gateway
serve`` as a real child process on a free port (``start_gateway``).

Databases are SQLite files in the test's tmp_path, migrated with the real Alembic revisions.
Password hashing uses argon2's cheapest parameters here (the parameters are not what these
tests are about; ``test_password_hashing`` checks the real defaults).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time

# The repository runs pytest with --import-mode=importlib, which names this file
# ``gateway.tests.conftest`` and registers the folder ``gateway/`` as a namespace package
# ``gateway`` — hiding the real package ``gateway/gateway``. Put the real one back first.
if getattr(sys.modules.get("gateway"), "__file__", None) is None:
    sys.modules.pop("gateway", None)
    importlib.import_module("gateway")

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from crm_devstack.ports import free_port, wait_for_port
from crm_shared.auth import generate_signing_key
from crm_shared.db import Database
from crm_shared.settings import load_settings
from gateway.app import create_app
from gateway.identity.demo import seed_demo_organisation
from gateway.identity.passwords import PasswordHashing
from gateway.settings import GatewaySettings
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@dataclass(frozen=True)
class KeyPair:
    private: Path
    public: Path


@pytest.fixture(scope="session", autouse=True)
def _model_schemas_made_once() -> Iterator[None]:
    """flask-openapi3 turns every route's pydantic models into JSON Schema again for each app
    it builds: about half of ``create_app``, and these tests build an app per test (a server
    builds one per process). A model's schema is the same every time, so it is made once per
    model and mode here and each caller gets its own copy, as before; the documents served
    are unchanged."""
    import copy

    import flask_openapi3.utils

    made: dict[tuple[type, str], dict] = {}
    generate = flask_openapi3.utils.get_model_schema

    def get_model_schema(model, mode="validation"):
        if (model, mode) not in made:
            made[model, mode] = generate(model, mode)
        return copy.deepcopy(made[model, mode])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flask_openapi3.utils, "get_model_schema", get_model_schema)
        yield


@pytest.fixture(scope="session")
def signing_keys(tmp_path_factory) -> KeyPair:
    folder = tmp_path_factory.mktemp("keys")
    keys = KeyPair(folder / "private.pem", folder / "public.pem")
    generate_signing_key(keys.private, keys.public)
    return keys


@pytest.fixture(scope="session")
def foreign_keys(tmp_path_factory) -> KeyPair:
    """A key pair the gateway does not know."""
    folder = tmp_path_factory.mktemp("foreign-keys")
    keys = KeyPair(folder / "private.pem", folder / "public.pem")
    generate_signing_key(keys.private, keys.public)
    return keys


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """Spans of this process, kept in memory (the SDK provider is installed once per process)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def spans(span_exporter) -> Iterator[InMemorySpanExporter]:
    span_exporter.clear()
    yield span_exporter
    span_exporter.clear()


@pytest.fixture(scope="session")
def hashing() -> PasswordHashing:
    return PasswordHashing(PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture
def database_url(migrated_database) -> str:
    """A SQLite database migrated to head with the gateway's real migrations (a copy of the
    session's template: see ``migrated_database``)."""
    return migrated_database("gateway")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def demo_database(database: Database, hashing: PasswordHashing) -> Database:
    assert seed_demo_organisation(database, hashing)
    return database


@pytest.fixture
def make_settings(signing_keys: KeyPair, database_url: str) -> Callable[..., GatewaySettings]:
    def make(**overrides) -> GatewaySettings:
        values = {
            "database_url": database_url,
            "jwt_private_key_file": signing_keys.private,
            "jwt_public_key_file": signing_keys.public,
            "demo_mode": False,
            "outbox_relay": False,
            "log_level": "INFO",
        }
        values.update(overrides)
        return load_settings(GatewaySettings, **values)

    return make


@pytest.fixture
def make_app(make_settings, demo_database: Database, hashing: PasswordHashing, span_exporter):
    """Build apps over the demo database; every app's gRPC channels are closed afterwards."""
    built = []

    def make(**overrides):
        app = create_app(make_settings(**overrides), database=demo_database, hashing=hashing)
        app.testing = True
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["crm.gateway"].peers.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client) -> Callable[[str], str]:
    """``login("rep.zhang")`` → an access token of that demo user, issued by the real route."""

    def get_token(username: str, password: str = "demo") -> str:
        response = client.post(
            "/api/v1/auth/token", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["access_token"]

    return get_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth_header(login) -> Callable[[str], dict[str, str]]:
    return lambda username: bearer(login(username))


class Gateway:
    """``crm-gateway serve`` as a child process, its output in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.port = int(env["HTTP_PORT"])
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve"],
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 30.0) -> None:
        wait_for_port("127.0.0.1", self.port, timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                if requests.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or the workers are still loading the app
            time.sleep(0.1)
        raise TimeoutError(self.log_path.read_text())

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log_records(self) -> list[dict]:
        records = []
        for line in self.log_path.read_text().splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
        return records


@pytest.fixture
def serve_env(database_url, signing_keys) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "JWT_PRIVATE_KEY_FILE": str(signing_keys.private),
        "JWT_PUBLIC_KEY_FILE": str(signing_keys.public),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_WORKERS": "2",
        "HTTP_THREADS": "4",
        "HTTP_GRACEFUL_TIMEOUT_SECONDS": "5",
        "DEMO_MODE": "true",
        "OUTBOX_RELAY": "false",
        "LOG_LEVEL": "INFO",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "",
    }


@pytest.fixture
def start_gateway(tmp_path):
    started: list[Gateway] = []

    def start(env: dict[str, str]) -> Gateway:
        gateway = Gateway(
            {**env, "HTTP_PORT": str(free_port())}, tmp_path / f"gateway-{len(started)}.log"
        )
        started.append(gateway)
        gateway.wait_ready()
        return gateway

    yield start
    for gateway in started:
        gateway.stop()
