"""``crm-console serve``: the app under gunicorn (gthread workers), like the gateway.

Each worker, after the fork, starts telemetry and builds the app; gRPC channels open lazily
inside it (a channel must not cross a fork) and close when the worker exits.
"""

from __future__ import annotations

import logging

from crm_shared.grpc.peers import Peers
from crm_shared.telemetry import init_telemetry, shutdown_telemetry
from gunicorn.app.base import BaseApplication

from crm_console.app import create_app
from crm_console.settings import ConsoleSettings

log = logging.getLogger(__name__)


class ConsoleServer(BaseApplication):
    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self._peers: Peers | None = None
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": [f"{s.http_host}:{s.console_port}"],
            "workers": s.http_workers,
            "threads": s.http_threads,
            "worker_class": "gthread",
            "graceful_timeout": s.http_graceful_timeout_seconds,
            "timeout": max(30, int(s.grpc_timeout_seconds * 4)),
            "keepalive": 5,
            "proc_name": "crm-console",
            "loglevel": s.log_level.lower(),
            "errorlog": "-",
            "accesslog": None,
            "worker_exit": _worker_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        s = self.settings
        init_telemetry(s.service_name, "http")
        self._peers = Peers(s.peer_addresses(), timeout_seconds=s.grpc_timeout_seconds)
        app = create_app(s, peers=self._peers)
        log.info("console worker ready")
        return app

    def stop_worker(self) -> None:
        if self._peers is not None:
            self._peers.close()
        shutdown_telemetry()


def _worker_exit(server, worker) -> None:  # gunicorn hook, in the worker process
    application = getattr(worker, "app", None)
    if isinstance(application, ConsoleServer):
        application.stop_worker()


def serve(settings: ConsoleSettings) -> None:
    ConsoleServer(settings).run()
