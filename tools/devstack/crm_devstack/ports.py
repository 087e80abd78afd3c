"""Free TCP ports and waiting for a listener.

`free_port` asks the kernel for an unused port by binding port 0. The port is released again
before the caller's server binds it, so another process could grab it in between; on a
development machine that window is small enough, and it is far better than fixed ports that
collide between parallel test runs.
"""

from __future__ import annotations

import socket
import time

__all__ = ["free_port", "port_open", "wait_for_port", "wait_for_port_closed"]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float = 30.0) -> None:
    """Block until host:port accepts connections; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:.0f}s")
        time.sleep(0.05)


def wait_for_port_closed(host: str, port: int, timeout: float = 30.0) -> None:
    """Block until host:port refuses connections (the listener is gone)."""
    deadline = time.monotonic() + timeout
    while port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{host}:{port} still accepts connections after {timeout:.0f}s")
        time.sleep(0.05)
