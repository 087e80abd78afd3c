"""A private RabbitMQ node for tests and local runs.

Each node gets its own folder, node name, AMQP port, distribution port *and its own epmd
port* (``ERL_EPMD_PORT``). The private epmd is a deliberate deviation from the machine default
(one shared epmd on 4369): epmd daemonises itself and outlives the node, so with a private port
we can stop it again in `stop()` and leave nothing running, and two nodes (or two test
sessions) can never see each other.

Running as root, the Debian wrapper ``/usr/sbin/rabbitmq-server`` would `su` to the rabbitmq
user, which starts a *new session*, so killing our process group would miss the Erlang VM. We
therefore run the real script (``/usr/lib/rabbitmq/bin/rabbitmq-server``) ourselves as the
rabbitmq user in our own session; everything it starts stays in reach of `stop()`.
"""

from __future__ import annotations

import atexit
import os
import pwd
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Self

from ._util import (
    check_reachable,
    chown_tree,
    is_root,
    tail,
    terminate_group,
    wait_pid_gone,
)
from .ports import free_port, port_open

__all__ = [
    "RabbitMQNotInstalled",
    "RabbitNode",
    "RabbitStartError",
    "ensure_rabbitmq_installed",
    "find_rabbitmq_server",
    "list_queues",
]

# The Debian wrappers in /usr/sbin only work for root (they `su` to rabbitmq); these are the
# scripts they call.
DEBIAN_REAL_SCRIPT = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
DEBIAN_REAL_CTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")
INSTALL_HINT = (
    "rabbitmq-server is not installed (it must be on the PATH). Install it with "
    "`sudo apt-get install -y rabbitmq-server` on Debian/Ubuntu, `brew install rabbitmq` on "
    "macOS, or as root on Debian run "
    "`uv run python -c 'from crm_devstack.rabbitmq import ensure_rabbitmq_installed as e; e()'`."
)


class RabbitStartError(RuntimeError):
    """The node did not come up; the message carries the tail of its logs."""


class RabbitMQNotInstalled(RuntimeError):
    pass


def find_rabbitmq_server() -> str | None:
    """Path of rabbitmq-server on the PATH, or None."""
    return shutil.which("rabbitmq-server")


def ensure_rabbitmq_installed() -> str:
    """Return the path of rabbitmq-server, installing the Debian package when we can.

    Installs only as root on Debian (apt-get); `apt-get update` runs only when apt does not
    know the package yet. Anywhere else raise RabbitMQNotInstalled saying what to install.
    """
    found = find_rabbitmq_server()
    if found:
        return found
    if not (is_root() and Path("/etc/debian_version").exists() and shutil.which("apt-get")):
        raise RabbitMQNotInstalled(INSTALL_HINT)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    lock_wait = ["-o", "DPkg::Lock::Timeout=600"]  # another apt-get may be running: wait
    policy = subprocess.run(
        ["apt-cache", "policy", "rabbitmq-server"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if "Candidate:" not in policy.stdout or "Candidate: (none)" in policy.stdout:
        subprocess.run(["apt-get", *lock_wait, "update"], check=True, env=env)
    subprocess.run(["apt-get", *lock_wait, "install", "-y", "rabbitmq-server"], check=True, env=env)
    found = find_rabbitmq_server()
    if not found:
        raise RabbitMQNotInstalled("apt-get installed rabbitmq-server but it is not on the PATH")
    return found


class RabbitNode:
    """One private RabbitMQ node living in `base_dir`.

    Starting again on the same `base_dir` with the same `name` keeps the data (durable queues
    and their persistent messages), because the Mnesia/message store folder is keyed by both.
    Ports default to free ones picked when the object is created, so `amqp_url` is known
    before `start()`.
    """

    def __init__(
        self, base_dir: Path, name: str, port: int | None = None, dist_port: int | None = None
    ) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ValueError(f"node name must be letters, digits, _ or -: {name!r}")
        self.base_dir = Path(base_dir).resolve()
        self.name = name
        self.node = f"{name}@localhost"
        self.port = port or free_port()
        self.dist_port = dist_port or free_port()
        self.epmd_port = free_port()
        self._proc: subprocess.Popen | None = None
        self._user = "rabbitmq" if is_root() else None

    # -- paths ---------------------------------------------------------------------------
    @property
    def log_file(self) -> Path:
        return self.base_dir / "log" / f"{self.node}.log"

    @property
    def stdout_file(self) -> Path:
        return self.base_dir / "server.out"

    @property
    def pid_file(self) -> Path:
        return self.base_dir / "node.pid"

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def url_for_vhost(self, vhost: str) -> str:
        from urllib.parse import quote

        return f"amqp://guest:guest@127.0.0.1:{self.port}/{quote(vhost, safe='')}"

    # -- lifecycle -------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        b = self.base_dir
        env = dict(os.environ)
        env.update(
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(b / "mnesia"),
            RABBITMQ_LOG_BASE=str(b / "log"),
            RABBITMQ_CONFIG_FILE=str(b / "rabbitmq"),  # the variable takes no ".conf"
            RABBITMQ_ENABLED_PLUGINS_FILE=str(b / "enabled_plugins"),
            RABBITMQ_PID_FILE=str(self.pid_file),
            ERL_EPMD_PORT=str(self.epmd_port),
            # keep the Erlang distribution port off the network interfaces
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        if self._user:
            env["HOME"] = pwd.getpwnam(self._user).pw_dir  # shares the CLI's .erlang.cookie
        return env

    def _write_config(self) -> None:
        b = self.base_dir
        for sub in ("mnesia", "log"):
            (b / sub).mkdir(parents=True, exist_ok=True)
        (b / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "# guest may log in from localhost only, which is all a private node needs\n"
        )
        (b / "enabled_plugins").write_text("[].\n")  # no management plugin: faster, no ports

    def start(self, timeout: float = 60.0) -> RabbitNode:
        if self._proc is not None and self._proc.poll() is None:
            return self
        server = find_rabbitmq_server()
        if server is None:
            raise RabbitMQNotInstalled(INSTALL_HINT)
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self._write_config()
        popen_kwargs: dict = {}
        if self._user:
            check_reachable(self.base_dir, self._user)
            chown_tree(self.base_dir, self._user)
            pw = pwd.getpwnam(self._user)
            popen_kwargs = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        if DEBIAN_REAL_SCRIPT.exists():
            server = str(DEBIAN_REAL_SCRIPT)  # see the module docstring
        self.pid_file.unlink(missing_ok=True)
        with open(self.stdout_file, "ab") as out:
            self._proc = subprocess.Popen(
                [server],
                env=self._env(),
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **popen_kwargs,
            )
        atexit.register(self.stop)
        try:
            self._await_startup(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _await_startup(self, timeout: float) -> None:
        # `await_startup` fails at once while the node is not yet registered with epmd, so it
        # is retried until the deadline; once registered it blocks until boot has finished.
        deadline = time.monotonic() + timeout
        last = ""
        while True:
            if self._proc.poll() is not None:
                self._fail(f"rabbitmq-server exited with code {self._proc.returncode}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._fail(f"not up after {timeout:.0f}s; last rabbitmqctl said: {last}")
            try:
                res = self.ctl(
                    "await_startup",
                    "--timeout",
                    str(max(1, int(remaining))),
                    check=False,
                    timeout=remaining + 10,
                )
            except subprocess.TimeoutExpired:
                continue
            if res.returncode == 0 and port_open("127.0.0.1", self.port):
                return
            last = next(iter((res.stderr or res.stdout).strip().splitlines()), "")
            time.sleep(0.2)

    def _likely_cause(self) -> str:
        """The one line that usually explains a failed boot (Erlang errors are very long)."""
        for path, marker in (
            (self.stdout_file, "init terminating in do_boot"),
            (self.log_file, "[error]"),
        ):
            lines = [ln for ln in tail(path, 400).splitlines() if marker in ln]
            if lines:
                return (lines[-1] if marker.startswith("init") else lines[0])[:400]
        return "see the logs below"

    def _fail(self, why: str) -> None:
        raise RabbitStartError(
            f"RabbitMQ node {self.node} (port {self.port}) failed to start: {why}\n"
            f"likely cause: {self._likely_cause()}\n"
            f"--- {self.stdout_file} ---\n{tail(self.stdout_file, 20)}\n"
            f"--- {self.log_file} ---\n{tail(self.log_file, 40)}"
        )

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the node and its private epmd; safe to call twice."""
        proc, self._proc = self._proc, None
        atexit.unregister(self.stop)
        if proc is None:
            return
        beam_pid = self._beam_pid()
        if proc.poll() is None:
            try:
                self.ctl("stop", str(self.pid_file), check=False, timeout=timeout)
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        terminate_group(proc, timeout=5)
        if beam_pid and not wait_pid_gone(beam_pid, 5):
            os.kill(beam_pid, signal.SIGKILL)
            wait_pid_gone(beam_pid, 5)
        self._kill_epmd()

    def _beam_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _kill_epmd(self) -> None:
        epmd = shutil.which("epmd")
        if not epmd or not port_open("127.0.0.1", self.epmd_port):
            return
        # refuses (harmlessly) while any node is still registered with this epmd
        subprocess.run(
            [epmd, "-port", str(self.epmd_port), "-kill"],
            capture_output=True,
            timeout=10,
            check=False,
        )

    def is_running(self) -> bool:
        return (
            self._proc is not None
            and self._proc.poll() is None
            and port_open("127.0.0.1", self.port)
        )

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- rabbitmqctl -----------------------------------------------------------------------
    def ctl(self, *args: str, check: bool = True, timeout: float = 60.0):
        """Run `rabbitmqctl -n <node> args...` against this node (with its private epmd)."""
        env = dict(os.environ, ERL_EPMD_PORT=str(self.epmd_port))
        ctl = "rabbitmqctl" if is_root() or not DEBIAN_REAL_CTL.exists() else str(DEBIAN_REAL_CTL)
        res = subprocess.run(
            [ctl, "-n", self.node, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and res.returncode != 0:
            raise RuntimeError(
                f"rabbitmqctl {' '.join(args)} failed ({res.returncode}): "
                f"{res.stderr.strip() or res.stdout.strip()}"
            )
        return res

    def add_vhost(self, vhost: str, user: str = "guest") -> None:
        self.add_vhosts([vhost], user)

    def delete_vhost(self, vhost: str) -> None:
        self.delete_vhosts([vhost])

    # Each rabbitmqctl call starts an Erlang VM (about a second of CPU), so vhosts are created
    # and deleted many at a time through one `eval` of the broker's own functions.
    def add_vhosts(self, vhosts: list[str], user: str = "guest") -> None:
        """Create ``vhosts`` with all permissions for ``user``, in one rabbitmqctl call."""
        actor, perm = _erlang_binary("crm-devstack"), _erlang_binary(".*")
        self._eval("".join(
            f"rabbit_vhost:add({_erlang_binary(v)}, {actor}), "
            f"rabbit_auth_backend_internal:set_permissions({_erlang_binary(user)}, "
            f"{_erlang_binary(v)}, {perm}, {perm}, {perm}, {actor}), " for v in vhosts))

    def delete_vhosts(self, vhosts: list[str]) -> None:
        """Delete ``vhosts`` (and everything in them), in one rabbitmqctl call."""
        actor = _erlang_binary("crm-devstack")
        self._eval("".join(f"rabbit_vhost:delete({_erlang_binary(v)}, {actor}), "
                           for v in vhosts))

    def _eval(self, expressions: str) -> None:
        if expressions:
            self.ctl("eval", expressions + "ok.")

    def __repr__(self) -> str:
        return f"RabbitNode({self.node}, port={self.port}, dir={self.base_dir})"


def _erlang_binary(text: str) -> str:
    """``text`` as an Erlang binary literal (vhost names here are plain ASCII)."""
    if not all(char.isalnum() or char in "-_.*/" for char in text):
        raise ValueError(f"unsupported name for rabbitmqctl eval: {text!r}")
    return f'<<"{text}">>'


class VhostPool:
    """Fresh vhosts for tests, created ``batch`` at a time and deleted in the background, so a
    test's private vhost costs no rabbitmqctl call of its own. A vhost is never handed out twice."""

    def __init__(self, node: RabbitNode, batch: int = 24) -> None:
        self.node = node
        self.batch = batch
        self._spare: list[str] = []
        self._lock = threading.Lock()
        self._to_delete: queue.Queue[str | None] = queue.Queue()
        self._deleter = threading.Thread(target=self._delete_forever, daemon=True,
                                         name="vhost-deleter")
        self._deleter.start()

    def lease(self) -> str:
        with self._lock:
            if not self._spare:
                fresh = [f"test-{uuid.uuid4().hex[:12]}" for _ in range(self.batch)]
                self.node.add_vhosts(fresh)
                self._spare = fresh
            return self._spare.pop()

    def release(self, vhost: str) -> None:
        """Delete ``vhost`` soon (the next test does not wait for it)."""
        self._to_delete.put(vhost)

    def spare(self) -> list[str]:
        with self._lock:
            return list(self._spare)

    def drain(self) -> None:
        """Wait until every released vhost is deleted."""
        self._to_delete.join()

    def close(self) -> None:
        self._to_delete.put(None)
        self._deleter.join(timeout=60)

    def _delete_forever(self) -> None:
        while True:
            first = self._to_delete.get()
            names = [first]
            while True:  # take everything released meanwhile: one call for all of them
                try:
                    names.append(self._to_delete.get_nowait())
                except queue.Empty:
                    break
            vhosts = [name for name in names if name is not None]
            try:
                if vhosts:
                    self.node.delete_vhosts(vhosts)
            except Exception:  # noqa: BLE001, S110 - the node may be stopping; it is thrown away
                pass
            finally:
                for _ in names:
                    self._to_delete.task_done()
            if None in names:
                return


def list_queues(node: RabbitNode, vhost: str = "/") -> dict[str, int]:
    """{queue name: ready+unacked message count} of one vhost, via rabbitmqctl."""
    res = node.ctl("list_queues", "-p", vhost, "name", "messages", "--quiet", "--no-table-headers")
    queues: dict[str, int] = {}
    for line in res.stdout.splitlines():
        if "\t" in line:
            name, count = line.rsplit("\t", 1)
            queues[name] = int(count)
    return queues
