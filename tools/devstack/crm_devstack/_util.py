"""Small helpers shared by the node launchers (not public API)."""

from __future__ import annotations

import grp
import os
import pwd
import signal
import stat
import subprocess
import time
from pathlib import Path


def is_root() -> bool:
    return os.geteuid() == 0


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a text file, or a note that it does not exist."""
    try:
        data = Path(path).read_bytes()[-64_000:]
    except OSError as exc:
        return f"<cannot read {path}: {exc.strerror}>"
    text = data.decode("utf-8", "replace").splitlines()[-lines:]
    return "\n".join(text)


def chown_tree(path: Path, user: str) -> None:
    """chown -R path user:user-primary-group."""
    pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, pw.pw_uid, pw.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)


def check_reachable(path: Path, user: str) -> None:
    """Raise if `user` cannot traverse every parent folder of `path`.

    Daemons that drop privileges (postgres, rabbitmq) fail with obscure messages when a parent
    folder such as pytest's 0700 `/tmp/pytest-of-root` is closed to them; say it plainly instead.
    """
    pw = pwd.getpwnam(user)
    groups = {pw.pw_gid} | {g.gr_gid for g in grp.getgrall() if user in g.gr_mem}
    for parent in Path(path).resolve().parents:
        st = parent.stat()
        if st.st_uid == pw.pw_uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            raise PermissionError(
                f"the {user!r} user cannot reach {path}: {parent} is not traversable for it "
                f"(mode {stat.filemode(st.st_mode)}). Use a folder under /tmp, or "
                f"chmod o+x {parent}."
            )


def run_as(user: str | None, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run, as `user` when given (drops root's supplementary groups too)."""
    if user is not None:
        kwargs.setdefault("user", user)
        kwargs.setdefault("group", pwd.getpwnam(user).pw_gid)
        kwargs.setdefault("extra_groups", [])
    return subprocess.run(argv, **kwargs)  # noqa: PLW1510 - callers decide about `check`


def pid_alive(pid: int) -> bool:
    """True if `pid` runs. A zombie counts as gone: daemons such as the postmaster are
    re-parented to PID 1, which on some machines (this one) reaps them only after seconds."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs (macOS): trust kill(0)
    return stat_line.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def terminate_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the process group of `proc` (its own session), then SIGKILL; reap `proc`."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    # the group may outlive its leader (children that ignore SIGTERM): finish them off
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def wait_pid_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
