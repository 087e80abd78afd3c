"""The one gRPC server bootstrap.

Health (``grpc.health.v1``): the server (``""``) and each service report SERVING only while
the database and the broker answer — readiness; ``liveness`` reports SERVING while the
process runs, so a broker outage takes pods out of rotation without restarting them;
reflection only when ``GRPC_REFLECTION=true`` (off by default; the devstack turns it on);
every call's token must name this service (:func:`service_verifier`) and, where
``JWT_REVOCATIONS_URL`` is set, be issued after its user's last security change
(:mod:`crm_shared.auth.revocations`); SIGTERM flips health to NOT_SERVING and drains
in-flight calls for ``GRPC_SHUTDOWN_GRACE_SECONDS`` before stopping; the outbox relay and the
bindings' background tasks (:class:`crm_shared.background.PeriodicTask`) run beside the server.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from dataclasses import dataclass, field
from datetime import timedelta

import grpc
import pika
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.instrumentation.grpc import server_interceptor as otel_server_interceptor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

from crm_shared.access import AccessGuard
from crm_shared.auth.audiences import audience_of
from crm_shared.auth.revocations import PolledRevocations
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import Database
from crm_shared.events.relay import OutboxRelay
from crm_shared.grpc.interceptors import AuthInterceptor, ErrorMappingInterceptor
from crm_shared.log import configure_logging
from crm_shared.references import Lookup, ReferenceGuard
from crm_shared.settings import ApiSettings
from crm_shared.telemetry import init_telemetry, shutdown_telemetry

log = logging.getLogger(__name__)

LIVENESS_SERVICE = "liveness"

KEEPALIVE_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
]

# Clients keep one HTTP/2 connection; without an age limit a replica added by the autoscaler
# would never get traffic from them. After five minutes the server asks the client to
# reconnect (in-flight calls get 30 s to finish), which spreads load over new replicas.
CONNECTION_AGE_OPTIONS = [
    ("grpc.max_connection_age_ms", 300_000),
    ("grpc.max_connection_age_grace_ms", 30_000),
]


@dataclass(frozen=True)
class ServiceBinding:
    """A servicer, the generated function that registers it, and its descriptor; with the
    background tasks (``start()``/``stop()``) that run beside it in the api process, and the
    look-ups (kind -> :data:`crm_shared.references.Lookup`) that check the references its
    RPCs declare in ``crm_shared.references.REFERENCES`` (a declared RPC without its look-up
    is refused UNAVAILABLE)."""

    descriptor: ServiceDescriptor
    servicer: object
    add_to_server: Callable[[object, grpc.Server], None]
    background: Sequence[object] = field(default_factory=tuple)
    references: Mapping[str, Lookup] = field(default_factory=dict)


def broker_reachable(amqp_url: str) -> bool:
    params = pika.URLParameters(amqp_url)
    params.socket_timeout = 2
    params.connection_attempts = 1
    params.blocked_connection_timeout = 2
    try:
        pika.BlockingConnection(params).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False


class GrpcApi:
    """A configured server: interceptors, servicers, health, reflection, relay. Every RPC of
    the bound services is refused PERMISSION_DENIED to callers its contract's
    ``(crm.common.v1.access)`` option does not name (:mod:`crm_shared.access`)."""

    def __init__(
        self,
        settings: ApiSettings,
        database: Database,
        bindings: Sequence[ServiceBinding],
        verifier: TokenVerifier,
    ) -> None:
        self.settings = settings
        self.database = database
        self.server = grpc.server(
            futures.ThreadPoolExecutor(
                max_workers=settings.grpc_max_workers, thread_name_prefix="grpc"
            ),
            interceptors=[
                otel_server_interceptor(),
                ErrorMappingInterceptor(),
                AuthInterceptor(verifier),
                # the principal is known, its errors are mapped: who may call the RPC (as its
                # contract declares), then the records it names (innermost)
                AccessGuard(b.descriptor for b in bindings),
                ReferenceGuard({b.descriptor.full_name: b.references for b in bindings}),
            ],
            options=[*KEEPALIVE_OPTIONS, *CONNECTION_AGE_OPTIONS],
        )
        for binding in bindings:
            binding.add_to_server(binding.servicer, self.server)
        self.background = [task for binding in bindings for task in binding.background]
        self.service_names = [b.descriptor.full_name for b in bindings]
        self.health = health.HealthServicer(experimental_non_blocking=True)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        if settings.grpc_reflection:
            reflection.enable_server_reflection(
                [*self.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server
            )
        self.relay = (
            OutboxRelay(
                database,
                settings.amqp_url,
                poll_seconds=settings.outbox_poll_seconds,
                retention=timedelta(hours=settings.outbox_retention_hours),
            )
            if settings.outbox_relay
            else None
        )
        self._stopping = threading.Event()
        self._checker: threading.Thread | None = None
        self.port: int | None = None

    def _set_health(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ("", *self.service_names):
            self.health.set(name, status)

    def check_dependencies(self) -> bool:
        try:
            self.database.ping()
        except Exception as exc:  # noqa: BLE001
            log.warning("database unreachable: %s", exc)
            return False
        if not broker_reachable(self.settings.amqp_url):
            log.warning("broker unreachable")
            return False
        return True

    def _watch_dependencies(self) -> None:
        while not self._stopping.is_set():
            self._set_health(self.check_dependencies() and not self._stopping.is_set())
            self._stopping.wait(self.settings.health_check_seconds)

    def start(self, address: str | None = None) -> int:
        self._set_health(False)
        self.health.set(LIVENESS_SERVICE, health_pb2.HealthCheckResponse.SERVING)
        self.port = self.server.add_insecure_port(address or f"[::]:{self.settings.grpc_port}")
        if self.port == 0:
            raise RuntimeError(f"could not bind gRPC port {self.settings.grpc_port}")
        self.server.start()
        if self.relay is not None:
            self.relay.start()
        for task in self.background:
            task.start()
        self._checker = threading.Thread(
            target=self._watch_dependencies, name="health-check", daemon=True
        )
        self._checker.start()
        log.info("gRPC api listening", extra={"port": self.port, "services": self.service_names})
        return self.port

    def stop(self, grace: float | None = None) -> None:
        """Stop taking calls, let in-flight ones finish within ``grace`` seconds, then stop."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self.health.enter_graceful_shutdown()
        grace = self.settings.grpc_shutdown_grace_seconds if grace is None else grace
        self.server.stop(grace).wait()
        for task in self.background:
            task.stop()
        if self.relay is not None:
            self.relay.stop()
        log.info("gRPC api stopped")

    def wait(self) -> None:
        self.server.wait_for_termination()


# Threads of an api process that use the database besides the gRPC ones: the outbox relay,
# the health check and the bindings' background tasks.
BACKGROUND_CONNECTIONS = 4


def api_database(settings: ApiSettings) -> Database:
    """The api's database, its pool a connection for every gRPC thread and background task."""
    return Database(
        settings.database_url, connections=settings.grpc_max_workers + BACKGROUND_CONNECTIONS
    )


def service_verifier(
    settings: ApiSettings, revocations: PolledRevocations | None = None
) -> TokenVerifier:
    """The verifier of a service's api: the gateway's keys and issuer, and this service's own
    audience, so a token minted only for another service is refused here
    (:mod:`crm_shared.auth.audiences`); ``revocations`` voids tokens before they expire."""
    return TokenVerifier.from_file(
        settings.jwt_public_key_file,
        issuer=settings.jwt_issuer,
        audience=audience_of(settings.service_name),
        revocations=revocations,
    )


def run_api(
    settings: ApiSettings, build: Callable[[Database, ApiSettings], Sequence[ServiceBinding]]
) -> None:
    """Entry point body of ``<svc>-service api``: serve until SIGTERM/SIGINT."""
    configure_logging(f"{settings.service_name}-api", settings.log_level)
    init_telemetry(settings.service_name, "api")
    database = api_database(settings)
    SQLAlchemyInstrumentor().instrument(engine=database.engine)
    revocations = None
    if settings.jwt_revocations_url:
        revocations = PolledRevocations(
            settings.jwt_revocations_url, interval_seconds=settings.jwt_revocations_poll_seconds
        )
        revocations.start()
    else:
        log.warning(
            "JWT_REVOCATIONS_URL is not set: a disabled user's access tokens keep "
            "working here until they expire"
        )
    verifier = service_verifier(settings, revocations)
    api = GrpcApi(settings, database, build(database, settings), verifier)

    def shutdown(signum, _frame):
        log.info("signal %s: draining", signum)
        threading.Thread(target=api.stop, name="shutdown").start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    api.start()
    api.wait()
    if revocations is not None:
        revocations.stop()
    database.dispose()
    shutdown_telemetry()
