"""gRPC channels to the suite's services, created lazily in the process that uses them.

Used by every HTTP front of the suite (the gateway, the console). gunicorn forks its workers
after loading the configuration; a gRPC channel must not cross a fork, so nothing is
connected until a request needs it, and a channel made before a fork is abandoned in the
child. Channels come from :func:`crm_shared.grpc.client.connect` (deadline on every call,
retries of idempotent reads, the current principal's token forwarded, client spans).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from crm_shared.grpc.client import connect

StubT = TypeVar("StubT")


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
