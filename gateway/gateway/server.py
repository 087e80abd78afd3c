"""``crm-gateway serve``: the app under gunicorn (gthread workers), via its BaseApplication API.

Work is split by process:

- the master seeds the demo organisation (once, before forking: never twice concurrently)
  and holds no connection when it forks;
- each worker, after the fork, starts telemetry, opens its database engine, builds the app
  (gRPC channels are opened lazily inside it) and runs its own outbox relay thread, which
  publishes the identity events that worker's requests wrote, and its own token-watermark
  poller (``identity.revocations``: the watermarks other workers and replicas wrote); on exit it
  stops all of them.
"""

from __future__ import annotations

import logging

from crm_shared.auth.revocations import WatermarkCache
from crm_shared.db import Database
from crm_shared.events.relay import OutboxRelay
from crm_shared.telemetry import init_telemetry, shutdown_telemetry
from gunicorn.app.base import BaseApplication
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

from gateway.app import create_app
from gateway.identity.demo import seed_demo_organisation
from gateway.peers import Peers
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)


class GatewayServer(BaseApplication):
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self._database: Database | None = None
        self._relay: OutboxRelay | None = None
        self._peers: Peers | None = None
        self._revocations: WatermarkCache | None = None
        super().__init__()

    def gunicorn_options(self) -> dict[str, object]:
        s = self.settings
        return {
            "bind": [f"{s.http_host}:{s.http_port}"],
            "workers": s.http_workers,
            "threads": s.http_threads,
            "worker_class": "gthread",
            "graceful_timeout": s.http_graceful_timeout_seconds,
            "timeout": max(30, int(s.grpc_timeout_seconds * 3)),
            "keepalive": 5,
            "proc_name": "crm-gateway",
            "loglevel": s.log_level.lower(),
            "errorlog": "-",
            "accesslog": None,  # the app logs one JSON line per request itself
            "worker_exit": _worker_exit,
        }

    def load_config(self) -> None:
        for key, value in self.gunicorn_options().items():
            self.cfg.set(key, value)

    def load(self):
        """Runs in each worker after the fork (the app is not preloaded)."""
        s = self.settings
        init_telemetry(s.service_name, "http")
        self._database = Database(s.database_url)
        SQLAlchemyInstrumentor().instrument(engine=self._database.engine)
        self._peers = Peers(s.peer_addresses(), timeout_seconds=s.grpc_timeout_seconds)
        app = create_app(s, database=self._database, peers=self._peers)
        self._revocations = app.extensions["crm.gateway"].verifier.revocations
        self._revocations.start()
        if s.outbox_relay:
            self._relay = OutboxRelay(
                self._database, s.amqp_url, poll_seconds=s.outbox_poll_seconds
            )
            self._relay.start()
        log.info("gateway worker ready", extra={"relay": bool(self._relay)})
        return app

    def stop_worker(self) -> None:
        if self._revocations is not None:
            self._revocations.stop()
        if self._relay is not None:
            self._relay.stop()
        if self._peers is not None:
            self._peers.close()
        if self._database is not None:
            self._database.dispose()
        shutdown_telemetry()


def _worker_exit(server, worker) -> None:  # gunicorn hook, in the worker process
    application = getattr(worker, "app", None)
    if isinstance(application, GatewayServer):
        application.stop_worker()


def serve(settings: GatewaySettings) -> None:
    if settings.demo_mode:
        database = Database(settings.database_url)
        try:
            seed_demo_organisation(database)
        finally:
            database.dispose()  # no connection may cross the fork
    GatewayServer(settings).run()
