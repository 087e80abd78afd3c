"""Run a service's nameko worker: its event handlers plus a small HTTP health endpoint.

Called by ``<svc>-service worker`` after eventlet monkey-patching (see :mod:`crm_shared.cli`).
``GET /healthz`` answers while the process lives; ``GET /readyz`` once every consumer is
attached and while the database answers. An hourly timer prunes the processed-event ledger.
"""

from __future__ import annotations

import logging
import signal
from datetime import timedelta

import eventlet
from nameko.runners import ServiceRunner
from nameko.timer import timer
from nameko.web.handlers import http
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

from crm_shared.db import Database, utcnow
from crm_shared.events.handlers import (
    CONFIG_DATABASE,
    CONFIG_QUEUE_TYPE,
    CONFIG_RETRY_DELAYS,
    CONFIG_SETTINGS,
)
from crm_shared.events.ledger import prune_ledger
from crm_shared.log import configure_logging
from crm_shared.settings import WorkerSettings
from crm_shared.telemetry import init_telemetry

log = logging.getLogger(__name__)


def _housekeeping_service(service_name: str, database: Database, settings: WorkerSettings, state: dict):
    """The worker's own endpoints and chores: health over HTTP, pruning the ledger."""

    class WorkerHousekeeping:
        name = f"{service_name}-housekeeping"

        @timer(interval=3600)
        def prune_processed_events(self):
            cutoff = utcnow() - timedelta(days=settings.processed_event_retention_days)
            with database.unit_of_work() as uow:
                pruned = prune_ledger(uow.session, older_than=cutoff)
            if pruned:
                log.info("pruned %d processed-event records", pruned)

        @http("GET", "/healthz")
        def healthz(self, request):
            return 200, "ok"

        @http("GET", "/readyz")
        def readyz(self, request):
            if not state.get("started"):
                return 503, "starting"
            try:
                database.ping()
            except Exception as exc:  # noqa: BLE001 - any failure means not ready
                return 503, f"database unreachable: {type(exc).__name__}"
            return 200, "ready"

    return WorkerHousekeeping


def _keep_hub_awake() -> None:
    while True:
        eventlet.sleep(0.5)


def run_worker(service_cls: type, settings: WorkerSettings) -> None:
    configure_logging(f"{settings.service_name}-worker", settings.log_level)
    init_telemetry(settings.service_name, "worker")
    database = Database(settings.database_url)
    SQLAlchemyInstrumentor().instrument(engine=database.engine)
    config = {
        "AMQP_URI": settings.amqp_url,
        "WEB_SERVER_ADDRESS": f"0.0.0.0:{settings.worker_http_port}",
        # SQLite has one writer: concurrent handlers in one process only wait on each other,
        # and SQLite's busy-wait blocks the whole eventlet hub while the holder cannot run.
        "max_workers": 1 if database.is_sqlite else settings.max_workers,
        "PARENT_CALLS_TRACKED": 0,
        CONFIG_DATABASE: database,
        CONFIG_QUEUE_TYPE: settings.amqp_queue_type,
        CONFIG_RETRY_DELAYS: settings.retry_delays_seconds,
        CONFIG_SETTINGS: settings,
    }
    state: dict = {}
    runner = ServiceRunner(config)
    runner.add_service(service_cls)
    runner.add_service(_housekeeping_service(settings.service_name, database, settings, state))

    def shutdown(signum, _frame):
        log.info("signal %s: stopping worker", signum)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    # A signal handler can only schedule the stop; it runs when eventlet's hub next wakes,
    # which an idle worker (no consumers) might not do for a minute. Keep it waking.
    eventlet.spawn(_keep_hub_awake)
    runner.start()
    state["started"] = True
    log.info("worker %s consuming", settings.service_name)
    runner.wait()
    database.dispose()
