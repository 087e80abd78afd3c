"""The whole suite as separate processes, started once for the e2e tests.

Everything is real: a private RabbitMQ vhost, SQLite files (or PostgreSQL databases),
every api, worker and the gateway as processes, and an OTLP collector this test session
runs itself, so traces are asserted as a user of the suite would see them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from crm_devstack.ports import free_port
from crm_devstack.suite import SERVICES, Suite, SuiteConfig
from crm_devstack.traces import TraceCollector


@dataclass
class Response:
    status: int
    headers: dict
    body: object


class Http:
    """A tiny JSON client for the gateway (urllib: nothing the suite itself uses)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, body=None, token: str | None = None) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status, headers = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            raw, status, headers = error.read(), error.code, dict(error.headers)
        return Response(status, headers, json.loads(raw) if raw else None)

    def login(self, username: str, password: str = "demo") -> str:
        response = self.call("POST", "/api/v1/auth/token", {"username": username, "password": password})
        assert response.status == 200, response
        return response.body["access_token"]


@dataclass
class RunningSuite:
    suite: Suite
    http: Http
    collector: TraceCollector

    @property
    def config(self) -> SuiteConfig:
        return self.suite.config


@pytest.fixture(scope="session")
def running_suite(rabbitmq):
    """One suite for every e2e test: starting a dozen processes costs ~40 s on two cores.
    Tests stay independent by working on records of their own (and the crash tests put each
    process back as it was)."""
    vhost = f"e2e-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    data_dir = Path(tempfile.mkdtemp(prefix="crm-e2e-"))
    collector = TraceCollector(data_dir / "traces.sqlite").start()
    config = SuiteConfig(
        data_dir=data_dir,
        amqp_url=rabbitmq.url_for_vhost(vhost),
        gateway_port=free_port(),
        grpc_ports={svc: free_port() for svc in SERVICES},
        worker_ports={svc: free_port() for svc in SERVICES},
        otlp_endpoint=collector.endpoint,
        smtp_port=free_port(),
        sms_port=free_port(),
        extra_env={"EVENT_RETRY_DELAYS": "0.5,1", "HEALTH_CHECK_SECONDS": "1"},
    )
    suite = Suite(config)
    try:
        suite.start()
        yield RunningSuite(suite, Http(config.gateway_url), collector)
    finally:
        suite.stop()
        collector.stop()
        rabbitmq.delete_vhost(vhost)
        shutil.rmtree(data_dir, ignore_errors=True)
