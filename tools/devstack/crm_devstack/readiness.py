"""Readiness checks for `ProcessSpec.ready`.

Each helper returns a `ReadyCheck`: call it (the supervisor does) to get a bool. Using one
directly in a condition also runs the check, so `if http_ok(url): ...` does what it says
instead of being always true.
"""

from __future__ import annotations

from collections.abc import Callable

from .ports import port_open

__all__ = ["ReadyCheck", "grpc_serving", "http_ok", "tcp_open"]


class ReadyCheck:
    def __init__(self, description: str, check: Callable[[], bool]) -> None:
        self.description = description
        self._check = check

    def __call__(self) -> bool:
        try:
            return bool(self._check())
        except Exception:  # noqa: BLE001 - a server that is not up yet raises all sorts
            return False

    __bool__ = __call__

    def __repr__(self) -> str:
        return f"<ready: {self.description}>"


def http_ok(url: str, timeout: float = 2.0) -> ReadyCheck:
    """GET `url` answers with a 2xx status."""
    import urllib.request

    def check() -> bool:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return 200 <= resp.status < 300

    return ReadyCheck(f"GET {url} is 2xx", check)


def grpc_serving(target: str, service: str = "", timeout: float = 2.0) -> ReadyCheck:
    """grpc.health.v1.Health/Check for `service` answers SERVING."""

    def check() -> bool:
        import grpc
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        with grpc.insecure_channel(target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            resp = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
            return resp.status == health_pb2.HealthCheckResponse.SERVING

    return ReadyCheck(f"gRPC health of {service or '<server>'} at {target} is SERVING", check)


def tcp_open(host: str, port: int) -> ReadyCheck:
    """Something accepts TCP connections on host:port."""
    return ReadyCheck(f"{host}:{port} accepts TCP", lambda: port_open(host, port))
