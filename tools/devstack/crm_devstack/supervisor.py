"""Start a set of processes in order, watch them, stop them all.

Each process runs in its own session/process group, so stopping it also stops whatever it
spawned (gunicorn workers, a shell's children). Its stdout and stderr go through a pipe that
a reader thread appends to `<log_dir>/<name>.log` and, with `echo=True`, copies to the console
behind a coloured `name |` prefix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Self

from ._util import tail
from .readiness import ReadyCheck, grpc_serving, http_ok, tcp_open

__all__ = [
    "ProcessSpec",
    "ReadyCheck",
    "Supervisor",
    "SupervisorError",
    "grpc_serving",
    "http_ok",
    "tcp_open",
]

_COLOURS = (36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96)


class SupervisorError(RuntimeError):
    pass


@dataclass
class ProcessSpec:
    """What to run. `env` holds variables added to (overriding) the supervisor's own
    environment, since a child with no PATH or HOME is rarely what anyone wants.

    Consecutive specs with the same `group` start side by side (they must not need each
    other to become ready); the spec after them starts once all of them are ready."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | str | None = None
    ready: Callable[[], bool] | None = None
    ready_timeout: float = 60.0
    group: str | None = None


@dataclass
class _Running:
    spec: ProcessSpec
    proc: subprocess.Popen
    reader: threading.Thread
    expected_exit: bool = False


class Supervisor:
    def __init__(self, specs: Sequence[ProcessSpec], log_dir: Path, echo: bool = False) -> None:
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"process names must be unique: {names}")
        self.specs = list(specs)
        self.log_dir = Path(log_dir)
        self.echo = echo
        self._running: dict[str, _Running] = {}
        self._console_lock = threading.Lock()
        self._exited = threading.Event()  # set by a reader when its process's output ends
        width = max((len(n) for n in names), default=0)
        colour = echo and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        self._prefix = {
            n: (
                f"\033[{_COLOURS[i % len(_COLOURS)]}m{n:<{width}} |\033[0m "
                if colour
                else f"{n:<{width}} | "
            ).encode()
            for i, n in enumerate(names)
        }

    # -- queries ------------------------------------------------------------------------------
    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def pid(self, name: str) -> int:
        return self._running[name].proc.pid

    def is_running(self, name: str) -> bool:
        run = self._running.get(name)
        return run is not None and run.proc.poll() is None

    # -- starting -------------------------------------------------------------------------------
    def start(self) -> Supervisor:
        """Start every spec in order, each only after the previous one is ready (the specs of
        a group side by side, see ProcessSpec).

        On failure everything already started is stopped before the error propagates.
        """
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for batch in self._batches():
                for spec in batch:
                    self._launch(spec)
                for spec in batch:
                    self._await_ready(spec, self._running[spec.name].proc)
        except BaseException:
            self.stop()
            raise
        return self

    def _batches(self) -> list[list[ProcessSpec]]:
        batches: list[list[ProcessSpec]] = []
        for spec in self.specs:
            if batches and spec.group is not None and batches[-1][-1].group == spec.group:
                batches[-1].append(spec)
            else:
                batches.append([spec])
        return batches

    def _spec(self, name: str) -> ProcessSpec:
        for spec in self.specs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def _start_one(self, spec: ProcessSpec) -> None:
        self._launch(spec)
        self._await_ready(spec, self._running[spec.name].proc)

    def _launch(self, spec: ProcessSpec) -> None:
        log = open(self.log_path(spec.name), "ab")  # noqa: SIM115 - owned by the reader
        log.write(f"==== {time.strftime('%F %T')} start: {' '.join(spec.argv)}\n".encode())
        log.flush()
        try:
            proc = subprocess.Popen(
                list(spec.argv),
                env={**os.environ, **spec.env},
                cwd=spec.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            log.close()
            raise SupervisorError(f"{spec.name}: cannot start {spec.argv[0]!r}: {exc}") from exc
        reader = threading.Thread(
            target=self._pump, args=(spec.name, proc, log), name=f"log-{spec.name}", daemon=True
        )
        reader.start()
        self._running[spec.name] = _Running(spec, proc, reader)

    def _pump(self, name: str, proc: subprocess.Popen, log) -> None:
        prefix = self._prefix[name]
        with log:
            for line in iter(proc.stdout.readline, b""):
                log.write(line)
                log.flush()
                if self.echo:
                    with self._console_lock:
                        sys.stdout.buffer.write(prefix + line)
                        sys.stdout.buffer.flush()
        proc.stdout.close()
        self._exited.set()

    def _await_ready(self, spec: ProcessSpec, proc: subprocess.Popen) -> None:
        if spec.ready is None:
            return
        # from now, not from its start: a spec of a group gets as long as it would alone
        deadline = time.monotonic() + spec.ready_timeout
        while True:
            if proc.poll() is not None:
                self._running[spec.name].reader.join(2)  # let its last words reach the log
                raise SupervisorError(
                    self._report(
                        spec.name, f"exited with code {proc.returncode} before it was ready"
                    )
                )
            try:
                if spec.ready():
                    return
            except Exception:  # noqa: BLE001, S110 - not ready yet
                pass
            if time.monotonic() > deadline:
                raise SupervisorError(
                    self._report(
                        spec.name, f"not ready after {spec.ready_timeout:g}s ({spec.ready!r})"
                    )
                )
            time.sleep(0.1)

    def _report(self, name: str, what: str) -> str:
        path = self.log_path(name)
        return f"process {name!r} {what}\n--- last lines of {path} ---\n{tail(path, 30)}"

    # -- stopping ---------------------------------------------------------------------------------
    def stop(self, timeout: float = 10.0) -> None:
        """Stop everything; idempotent.

        SIGTERM goes to every process group at once (newest first, so the gateway stops
        taking requests as the apis begin to drain), then each gets up to `timeout` seconds in
        all — not one after another — before SIGKILL ends the group and any child left behind.
        """
        runs = list(reversed(list(self._running.values())))
        for run in runs:
            run.expected_exit = True
            self._signal(run, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for run in runs:
            try:
                run.proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self._signal(run, signal.SIGKILL)
            run.proc.wait()
            run.reader.join(5)
        self._running.clear()

    def _terminate(self, run: _Running, timeout: float) -> None:
        self._signal(run, signal.SIGTERM)
        try:
            run.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self._signal(run, signal.SIGKILL)
        run.proc.wait()
        run.reader.join(5)

    @staticmethod
    def _signal(run: _Running, sig: int) -> None:
        try:
            os.killpg(run.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 10.0) -> None:
        """Send `sig` to the process group of `name` (for tests that simulate a crash).

        For SIGKILL/SIGTERM/SIGINT wait until it has exited. A process killed this way does
        not count as an unexpected exit for `wait()`.
        """
        run = self._running[name]
        run.expected_exit = True
        self._signal(run, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
            run.proc.wait(timeout)
            run.reader.join(5)

    def restart(
        self, name: str, timeout: float = 10.0, env: Mapping[str, str] | None = None
    ) -> None:
        """Stop `name` if still running, start it again and wait until it is ready.

        `env` overrides variables of its spec from now on (tests restart a process with a
        setting changed, e.g. a crash test turning a background thread off).
        """
        if env:
            spec = self._spec(name)
            self.specs[self.specs.index(spec)] = replace(spec, env={**spec.env, **env})
        run = self._running.pop(name, None)
        if run is not None:
            run.expected_exit = True
            self._terminate(run, timeout)
        try:
            self._start_one(self._spec(name))
        except BaseException:
            failed = self._running.pop(name, None)
            if failed is not None:
                self._signal(failed, signal.SIGKILL)
                failed.proc.wait()
            raise

    # -- waiting ---------------------------------------------------------------------------------
    def wait(self, timeout: float | None = None) -> str | None:
        """Block until SIGINT/SIGTERM, `timeout`, or a process exiting on its own.

        Returns the name of the process that exited unexpectedly (after printing which, with
        its log tail, to stderr) or None; in every case all processes are stopped.
        Signal handlers are only installed when called from the main thread.
        """
        stop_requested = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, lambda *_: stop_requested.set())
        deadline = None if timeout is None else time.monotonic() + timeout
        culprit: str | None = None
        try:
            while not stop_requested.is_set() and culprit is None:
                if deadline is not None and time.monotonic() > deadline:
                    break
                self._exited.wait(0.2)
                self._exited.clear()
                for name, run in self._running.items():
                    if run.proc.poll() is not None and not run.expected_exit:
                        culprit = name
                        break
            if culprit is not None:
                self._running[culprit].reader.join(2)  # its last words, for the report
                code = self._running[culprit].proc.returncode
                print(
                    self._report(
                        culprit, f"exited unexpectedly with code {code}; stopping the others"
                    ),
                    file=sys.stderr,
                )
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return culprit

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
