"""Periodic work that runs beside an api's gRPC server, in the api process.

Some background work must call a peer over gRPC (the marketing service handing its queued
messages to the notification service). grpcio does not support eventlet, so that work cannot run
in a nameko worker; it runs here instead, as a thread next to the outbox relay, started and
stopped with the server (``ServiceBinding(background=[PeriodicTask(...)])``). Like the relay,
it must be safe with several replicas running it at once (claims with leases, idempotent keys).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicTask:
    """Run ``work()`` every ``interval_seconds`` on a daemon thread until stopped. A failing
    pass is logged and the next one runs on time: the work decides what a failure means."""

    def __init__(self, name: str, interval_seconds: float, work: Callable[[], object]) -> None:
        if interval_seconds <= 0:
            raise ValueError("interval_seconds must be positive")
        self.name = name
        self.interval_seconds = interval_seconds
        self.work = work
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the current pass finish (up to ``timeout``), then stop."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.work()
            except Exception:  # one failed pass must not end the loop
                log.exception("background task %s failed; next pass in %ss", self.name,
                              self.interval_seconds)
            self._stopping.wait(self.interval_seconds)
