"""A private PostgreSQL cluster for tests and local runs.

PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` OS
user on a folder it owns; the folder's parents must be traversable by that user (anything
under /tmp is). Not root, the commands run as ourselves.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Self

from ._util import check_reachable, chown_tree, is_root, pid_alive, run_as, tail, wait_pid_gone
from .waiting import wait_until

__all__ = ["PostgresCluster", "PostgresStartError"]

_DB_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def server_bin_path() -> str:
    """PATH with the PostgreSQL server binaries on it.

    Debian's ``postgresql`` package keeps ``initdb`` and ``pg_ctl`` in
    ``/usr/lib/postgresql/<major>/bin``, off the PATH; the newest major version wins.
    """
    path = os.environ.get("PATH", "")
    if shutil.which("initdb", path=path):
        return path
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise PostgresStartError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package "
            "`postgresql` (make setup does this as root)"
        )
    return f"{Path(candidates[-1]).parent}:{path}"


class PostgresStartError(RuntimeError):
    """The cluster did not come up; the message carries the tail of its log."""


class PostgresCluster:
    """One private cluster in `base_dir` (data in `base_dir/data`), superuser `postgres`.

    `fast=True` turns off fsync, synchronous_commit and full_page_writes: a crash may lose
    data, which is fine for tests and throw-away local runs and saves a lot of time.
    Starting again on the same `base_dir` reuses the existing data.
    """

    def __init__(self, base_dir: Path, port: int | None = None, fast: bool = True) -> None:
        from .ports import free_port

        self.base_dir = Path(base_dir).resolve()
        self.port = port or free_port()
        self.fast = fast
        self._user = "postgres" if is_root() else None
        self._started = False

    data_dir = property(lambda self: self.base_dir / "data")
    socket_dir = property(lambda self: self.base_dir / "sock")
    log_file = property(lambda self: self.base_dir / "postgres.log")

    def _run(self, argv: list[str], timeout: float = 120.0) -> subprocess.CompletedProcess:
        env = {**os.environ, "PATH": server_bin_path()}
        return run_as(
            self._user, argv, cwd=self.base_dir, capture_output=True, text=True, timeout=timeout,
            env=env,
        )

    def _fail(self, why: str, res: subprocess.CompletedProcess | None = None) -> None:
        out = f"\n{res.stdout}{res.stderr}".rstrip() if res is not None else ""
        raise PostgresStartError(
            f"PostgreSQL in {self.base_dir} (port {self.port}) failed: {why}{out}\n"
            f"--- {self.log_file} ---\n{tail(self.log_file, 30)}"
        )

    def start(self, timeout: float = 60.0) -> PostgresCluster:
        if self._started:
            return self
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self._user:
            check_reachable(self.base_dir, self._user)
            chown_tree(self.base_dir, self._user)
        if self._postmaster_pid() is not None:
            raise PostgresStartError(
                f"a postmaster from an earlier run still uses {self.data_dir}; stop it with "
                f"`pg_ctl -D {self.data_dir} stop -m fast`"
            )
        if not (self.data_dir / "PG_VERSION").exists():
            res = self._run(
                [
                    "initdb",
                    "-D",
                    str(self.data_dir),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ]  # C collation: same on every machine
            )
            if res.returncode != 0:
                self._fail("initdb failed", res)
        opts = [
            "-p",
            str(self.port),
            "-k",
            str(self.socket_dir),
            "-c",
            "listen_addresses=127.0.0.1",
        ]
        if self.fast:
            opts += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        res = self._run(
            [
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                shlex.join(opts),
                "start",
            ],
            timeout=timeout + 10,
        )
        if res.returncode != 0:
            self._started = True  # so that stop() cleans up a half-started server
            self.stop()
            self._fail("pg_ctl start failed", res)
        self._started = True
        atexit.register(self.stop)
        try:
            wait_until(self._accepts, timeout=timeout, message="postgres accepts no connections")
        except TimeoutError as exc:
            self.stop()
            self._fail(str(exc))
        return self

    def _accepts(self) -> bool:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
            return True

    def _postmaster_pid(self) -> int | None:
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def stop(self, timeout: float = 30.0) -> None:
        """pg_ctl stop -m fast; SIGQUIT/SIGKILL the postmaster if that fails. Idempotent."""
        if not self._started:
            return
        self._started = False
        atexit.unregister(self.stop)
        pid = self._postmaster_pid()
        if pid is None:
            return
        self._run(
            [
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "-t",
                str(int(timeout)),
                "stop",
            ],
            timeout=timeout + 10,
        )
        for sig in (signal.SIGQUIT, signal.SIGKILL):  # SIGQUIT = immediate shutdown
            if wait_pid_gone(pid, 5):
                break
            os.kill(pid, sig)

    def is_running(self) -> bool:
        return self._started and self._postmaster_pid() is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------------
    def dsn(self, database: str = "postgres") -> str:
        """libpq URL for psycopg."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (lower-case identifier), a copy of database `template` if
        given (no one may be connected to that one), and return its SQLAlchemy URL."""
        from psycopg import sql

        for given in (name, template or name):
            if not _DB_NAME.fullmatch(given):
                raise ValueError(f"database name must be a lower-case identifier: {given!r}")
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name` even if clients are still connected (WITH (FORCE))."""
        from psycopg import sql

        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def __repr__(self) -> str:
        return f"PostgresCluster(port={self.port}, dir={self.base_dir})"
