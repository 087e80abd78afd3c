"""gRPC channels to the services, created lazily in the process that uses them.

gunicorn forks its workers after loading the configuration; a gRPC channel must not cross a
fork, so nothing is connected until a request needs it, and a channel made before a fork is
abandoned in the child. Channels come from ``crm_shared.grpc.client.connect`` (deadline on
every call, retries of idempotent reads, the caller's token forwarded, client spans).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from crm_shared.grpc.client import connect
from crm_shared.grpc.status import describe_rpc_error
from gateway.problems import UpstreamCallFailed

StubT = TypeVar("StubT")
Request = TypeVar("Request")
Reply = TypeVar("Reply")


class Peers:
    """One channel per (service, gRPC service) in this process."""

    def __init__(self, addresses: Mapping[str, str], *, timeout_seconds: float) -> None:
        self.addresses = dict(addresses)
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._channels: dict[tuple[str, str], grpc.Channel] = {}
        self._stubs: dict[tuple[str, str, type], object] = {}

    def stub(
        self, peer: str, service: ServiceDescriptor, stub_class: Callable[[grpc.Channel], StubT]
    ) -> StubT:
        """The stub of ``service`` on ``peer`` (``"customer"``), connected on first use."""
        key = (peer, service.full_name, stub_class)
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's channels are not ours
                self._pid = os.getpid()
                self._channels.clear()
                self._stubs.clear()
            stub = self._stubs.get(key)
            if stub is None:
                channel_key = (peer, service.full_name)
                channel = self._channels.get(channel_key)
                if channel is None:
                    channel = connect(
                        self.addresses[peer], [service], default_timeout=self.timeout_seconds
                    )
                    self._channels[channel_key] = channel
                stub = stub_class(channel)
                self._stubs[key] = stub
            return stub  # type: ignore[return-value]

    def close(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                for channel in self._channels.values():
                    channel.close()
            self._channels.clear()
            self._stubs.clear()


def call(
    peer: str, method: Callable[[Request], Reply], request: Request, *, field_prefix: str = ""
) -> Reply:
    """Call ``method`` of a stub; a failure becomes :class:`UpstreamCallFailed`.

    ``field_prefix`` is the part of the service's field paths that the HTTP body does not
    have (``customer.`` for ``CreateCustomerRequest.customer``), stripped from violations.
    """
    try:
        return method(request)
    except grpc.RpcError as exc:
        raise UpstreamCallFailed(peer, describe_rpc_error(exc), field_prefix=field_prefix) from exc
