"""The fault schedule: at random moments of the load, SIGKILL a process (each api, whose thread
is also its service's outbox relay; each worker; the gateway) and start it again as an
orchestrator would, pause a worker (SIGSTOP) long enough for its queue to back up, restart the
broker, restart PostgreSQL. Each fault's recovery time is how long until what it broke was
serving again (for the paused worker: from its thaw until its queue is drained)."""

from __future__ import annotations

import random
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from crm_devstack.supervisor import SupervisorError
from crm_devstack.waiting import wait_until

from chaos.stack import Stack

BROKER, DATABASE = "restart broker", "restart postgresql"


@dataclass
class Fault:
    kind: str  # "sigkill", "pause", "broker", "postgresql"
    target: str  # a process name, or the broker / the database
    at: float = 0.0  # seconds into the load
    recovery: float | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return {"sigkill": f"SIGKILL {self.target}", "pause": f"pause {self.target}"}.get(
            self.kind, self.target
        )


def one_of_each(stack: Stack) -> list[Fault]:
    """Every kind of fault once: each process SIGKILLed, a worker paused, the broker and the
    database restarted."""
    faults = [Fault("sigkill", name) for name in stack.process_names()]
    faults.append(Fault("pause", "notification-worker"))
    faults += [Fault("broker", BROKER), Fault("postgresql", DATABASE)]
    return faults


def schedule(
    stack: Stack, count: int, seconds: float, rng: random.Random, latest: float = 0.8
) -> list[Fault]:
    """``count`` faults (at least one of each kind, the rest drawn at random) at random moments
    between a twentieth and ``latest`` of the load, so the load sees the system recover."""
    faults = one_of_each(stack)
    pool = [f.target for f in faults if f.kind == "sigkill"]
    while len(faults) < count:
        draw = rng.random()
        if draw < 0.08:
            faults.append(Fault("broker", BROKER))
        elif draw < 0.16:
            faults.append(Fault("postgresql", DATABASE))
        elif draw < 0.24:
            faults.append(Fault("pause", rng.choice([n for n in pool if n.endswith("-worker")])))
        else:
            faults.append(Fault("sigkill", rng.choice(pool)))
    for fault in faults:
        fault.at = rng.uniform(0.05 * seconds, latest * seconds)
    return sorted(faults, key=lambda f: f.at)


class FaultInjector:
    """Runs a schedule beside the load, the faults side by side (at most four at once; one at a
    time per process, and the broker and the database one after the other), so that the short
    run's one fault of each kind fits in well under a minute of load."""

    def __init__(self, stack: Stack, faults: list[Fault], *, pause_seconds: float) -> None:
        self.stack = stack
        self.faults = faults
        self.pause_seconds = pause_seconds
        self.collateral: list[str] = []  # processes that died of a fault not aimed at them
        self._busy: dict[str, threading.Lock] = {}
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self, started: float, stop: threading.Event) -> None:
        self._thread = threading.Thread(
            target=self._run, args=(started, stop), daemon=True, name="faults"
        )
        self._thread.start()

    def join(self) -> None:
        self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self, started: float, stop: threading.Event) -> None:
        try:
            with ThreadPoolExecutor(max_workers=4) as pool:
                running: list[Future] = []
                for fault in self.faults:
                    if stop.wait(max(0.0, started + fault.at - time.monotonic())):
                        break
                    infrastructure = fault.kind in ("broker", "postgresql")
                    running.append(
                        pool.submit(
                            self._infrastructure if infrastructure else self._process, fault
                        )
                    )
                for future in running:
                    future.result()
        except BaseException as error:  # noqa: BLE001 - reported by join()
            self.error = error

    def _process(self, fault: Fault) -> None:
        supervisor = self.stack.supervisor
        lock = self._busy.setdefault(fault.target, threading.Lock())
        with lock:
            down = time.monotonic()
            if fault.kind == "pause":
                supervisor.kill(fault.target, signal.SIGSTOP)
                time.sleep(self.pause_seconds)  # the fault itself: the worker is frozen
                try:
                    backlog = f"queue backed up to {self._backlog(fault.target)} messages"
                except RuntimeError:  # rabbitmqctl fails while a broker fault restarts it
                    backlog = "queue not readable (the broker was restarting)"
                supervisor.kill(fault.target, signal.SIGCONT)
                thawed = time.monotonic()
                fault.note = backlog
                try:  # its recovery: from the thaw until it has worked its queue off
                    wait_until(lambda: self._backlog(fault.target) == 0, timeout=60, interval=0.2)
                    fault.recovery = time.monotonic() - thawed
                except TimeoutError:
                    fault.recovery = time.monotonic() - thawed
                    fault.note += ", still not drained 60 s after the thaw"
                return
            supervisor.kill(fault.target)  # SIGKILL, and wait until it is gone
            failed_starts = self._start_again(fault.target)
            fault.recovery = time.monotonic() - down
            if failed_starts:
                fault.note = (
                    f"exited {failed_starts} time(s) while starting (a dependency was down)"
                )

    def _start_again(self, name: str, within: float = 120.0) -> int:
        """Start ``name`` until it is ready, as an orchestrator's restart policy would (a worker
        started while the broker restarts exits at once); returns how many starts failed."""
        deadline = time.monotonic() + within
        failed = 0
        while True:
            try:
                self.stack.supervisor.restart(name)  # returns once it is ready
                return failed
            except SupervisorError:
                failed += 1
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)  # a restart policy's back-off

    def _backlog(self, worker: str) -> int:
        service = worker.removesuffix("-worker")
        return sum(
            count
            for name, count in self.stack.queues().items()
            if name.endswith(f"--{service}") or f"--{service}." in name
        )

    def _infrastructure(self, fault: Fault) -> None:
        server = self.stack.rabbit if fault.kind == "broker" else self.stack.postgres
        with self._busy.setdefault("infrastructure", threading.Lock()):
            down = time.monotonic()
            server.stop()
            server.start()
            fault.recovery = time.monotonic() - down
        dead = self.revive()
        if dead:
            fault.note = f"took down {', '.join(dead)} (restarted)"

    def revive(self) -> list[str]:
        """Start again every process that exited (as an orchestrator would); their names."""
        supervisor = self.stack.supervisor
        dead = [
            name
            for name in self.stack.process_names()
            if not supervisor.is_running(name)
            and not self._busy.setdefault(name, threading.Lock()).locked()
        ]
        for name in dead:
            self.collateral.append(name)
            self._start_again(name)
        return dead
