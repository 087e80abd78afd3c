"""One service's processes as production runs them, for tests: ``python -m <svc>_service
api | worker`` on a database migrated by ``... migrate``, against a real RabbitMQ vhost.

:class:`ServiceProcessChecks` holds the checks every service's processes must pass; a
service's test module subclasses it (``class TestSalesProcesses(ServiceProcessChecks)``)
naming its module, its gRPC service and one call to make.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health_pb2, health_pb2_grpc

from crm_devstack.ports import free_port, port_open
from crm_devstack.readiness import grpc_serving, http_ok
from crm_devstack.waiting import wait_until

STOP_SECONDS = 15
# A worker that has run for a while with nothing to do: its start-up timers are behind it,
# so its event loop only wakes for I/O - the case where a signal used to go unnoticed.
SETTLE_SECONDS = 7.0


class ServiceProcess:
    """One process of a service in its own process group, its output in a log file."""

    def __init__(self, module: str, command: str, env: dict[str, str], folder: Path, ready) -> None:
        self.command = command
        self.log_path = folder / f"{command}-{uuid.uuid4().hex[:6]}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", module, command],
                                        env={**os.environ, **env}, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.ready = ready
        self.ready_at: float | None = None  # time.monotonic() when wait_ready saw it ready

    def wait_ready(self) -> None:
        try:
            wait_until(lambda: self.process.poll() is not None or self.ready(), timeout=60,
                       message=lambda: f"{self.command} never became ready:\n{self.log_tail()}")
            assert self.process.poll() is None, f"{self.command} exited:\n{self.log_tail()}"
        except BaseException:
            self.stop()
            raise
        self.ready_at = time.monotonic()

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])

    def terminate(self) -> int:
        """SIGTERM; the exit code, or TimeoutExpired if still running after STOP_SECONDS."""
        os.killpg(self.process.pid, signal.SIGTERM)
        return self.process.wait(STOP_SECONDS)

    def stop(self, grace: float = 2.0) -> None:
        """Clean-up, not under test: SIGTERM, then SIGKILL after `grace` seconds."""
        stop_all([self], grace)


def stop_all(processes: list[ServiceProcess], grace: float = 2.0) -> None:
    """Clean-up, not under test: SIGTERM to all of them at once, then SIGKILL to any still
    running `grace` seconds later (not `grace` seconds each, one after another)."""
    running = [p for p in processes if p.process.poll() is None]
    for p in running:
        os.killpg(p.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in running:
        try:
            p.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(p.process.pid, signal.SIGKILL)
            p.process.wait()
    for p in processes:
        p._log.close()


def migrate(module: str, env: dict[str, str]) -> None:
    migrated = subprocess.run([sys.executable, "-m", module, "migrate"],
                              env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=120, check=False)
    assert migrated.returncode == 0, migrated.stderr


class WorkerProcess(ServiceProcess):
    """A service's worker on a freshly migrated database; ready when constructed."""

    def __init__(self, module: str, amqp_url: str, database_url: str, folder: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        port = free_port()
        env = {"DATABASE_URL": database_url, "AMQP_URL": amqp_url, "WORKER_HTTP_PORT": str(port),
               **(extra_env or {})}
        migrate(module, env)
        super().__init__(module, "worker", env, folder, http_ok(f"http://127.0.0.1:{port}/readyz"))
        self.wait_ready()

    def stop(self, grace: float = 15.0) -> None:
        super().stop(grace)


@dataclass
class ServiceSetup:
    module: str
    env: dict[str, str]
    folder: Path
    issue_token: Callable[..., str]

    def start_api(self) -> tuple[ServiceProcess, str]:
        port = free_port()
        target = f"127.0.0.1:{port}"
        api = ServiceProcess(self.module, "api", {**self.env, "GRPC_PORT": str(port)},
                             self.folder, grpc_serving(target))
        return api, target

    def start_worker(self) -> tuple[ServiceProcess, str]:
        port = free_port()
        health_url = f"http://127.0.0.1:{port}"
        worker = ServiceProcess(self.module, "worker", {**self.env, "WORKER_HTTP_PORT": str(port)},
                                self.folder, http_ok(f"{health_url}/readyz"))
        return worker, health_url


def prepare_service(module: str, rabbitmq, folder: Path, vhosts=None):
    """A migrated SQLite database, a fresh vhost (from the session's ``VhostPool`` when one
    is given) and a signing key; yields a ServiceSetup."""
    from .inprocess_api import signing_keys

    issuer, public_key = signing_keys(folder)
    if vhosts is not None:
        vhost = vhosts.lease()
    else:
        vhost = f"{module}-{uuid.uuid4().hex[:8]}"
        rabbitmq.add_vhost(vhost)
    env = {"DATABASE_URL": f"sqlite:///{folder / 'service.db'}",
           "AMQP_URL": rabbitmq.url_for_vhost(vhost),
           "JWT_PUBLIC_KEY_FILE": str(public_key)}
    migrate(module, env)
    try:
        yield ServiceSetup(module, env, folder, issuer.issue)
    finally:
        if vhosts is not None:
            vhosts.release(vhost)
        else:
            rabbitmq.delete_vhost(vhost)


def grpc_health(target: str, service: str) -> int:
    with grpc.insecure_channel(target) as channel:
        return health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=5).status


def assert_stopped_cleanly(process: ServiceProcess, port: int) -> None:
    assert process.terminate() == 0, process.log_tail()  # TimeoutExpired after STOP_SECONDS
    assert "Traceback" not in process.log_path.read_text(errors="replace"), process.log_tail()
    assert not port_open("127.0.0.1", port)


class ServiceProcessChecks:
    """What every service's api and worker processes must do. Subclass it as ``Test...``."""

    module: str  # "sales_service"
    service: ServiceDescriptor

    def call(self, channel: grpc.Channel) -> None:
        """Make one authenticated-or-not call of the service (it must reach the servicer)."""
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def setup(cls, rabbitmq, rabbitmq_vhosts, tmp_path_factory):
        yield from prepare_service(cls.module, rabbitmq, tmp_path_factory.mktemp(cls.module),
                                   rabbitmq_vhosts)

    @pytest.fixture(scope="class")
    @classmethod
    def processes(cls, setup):
        """Every process of the checks: the worker that the idle-worker check stops, started
        first so that its idling overlaps the start-up of the others (instead of following
        the checks that do not need it); then, side by side, an api and a worker that the
        tests only call and the api that the other stop check stops."""
        started = {"idle worker": setup.start_worker()}
        try:
            started["idle worker"][0].wait_ready()
            others = {"api": setup.start_api(), "worker": setup.start_worker(),
                      "api to stop": setup.start_api()}
            started.update(others)
            for process, _ in others.values():
                process.wait_ready()
            yield started
        finally:
            stop_all([process for process, _ in started.values()])

    @pytest.fixture(scope="class")
    @classmethod
    def running(cls, processes):
        """(gRPC target of the api, health URL of the worker) the tests only call."""
        return processes["api"][1], processes["worker"][1]

    def _call(self, target: str, token: str | None):
        from crm_shared.grpc.client import connect
        from crm_shared.grpc.status import describe_rpc_error

        channel = connect(target, [self.service], token_provider=lambda: token)
        try:
            with pytest.raises(grpc.RpcError) as caught:
                self.call(channel)
        finally:
            channel.close()
        return describe_rpc_error(caught.value)

    def test_api_health_is_serving(self, running):
        target, _ = running
        assert grpc_health(target, "") == health_pb2.HealthCheckResponse.SERVING
        assert grpc_health(target, self.service.full_name) == health_pb2.HealthCheckResponse.SERVING
        assert grpc_health(target, "liveness") == health_pb2.HealthCheckResponse.SERVING

    def test_an_authenticated_call_reaches_the_servicer(self, running, setup):
        target, _ = running
        token = setup.issue_token(user_id="u-admin", username="admin", roles=["admin"],
                                  department_path="/hq", data_scope="all")
        error = self._call(target, token)
        # the contract's base servicer for now: never UNKNOWN or INTERNAL
        assert error.code == grpc.StatusCode.UNIMPLEMENTED, error

    def test_a_call_without_a_token_is_unauthenticated(self, running):
        target, _ = running
        assert self._call(target, None).code == grpc.StatusCode.UNAUTHENTICATED

    def test_worker_is_live_and_ready(self, running):
        _, health_url = running
        for path in ("/healthz", "/readyz"):
            with urllib.request.urlopen(f"{health_url}{path}", timeout=5) as response:
                assert response.status == 200

    def test_api_stops_cleanly_on_sigterm(self, processes):
        api, target = processes["api to stop"]
        assert_stopped_cleanly(api, int(target.rsplit(":", 1)[1]))

    def test_idle_worker_stops_cleanly_on_sigterm(self, processes):
        worker, health_url = processes["idle worker"]
        # the scenario itself (a worker idle for SETTLE_SECONDS since it was ready), not a wait
        time.sleep(max(0.0, worker.ready_at + SETTLE_SECONDS - time.monotonic()))
        assert_stopped_cleanly(worker, int(health_url.rsplit(":", 1)[1]))
