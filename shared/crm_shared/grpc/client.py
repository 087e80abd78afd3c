"""The one gRPC client channel factory.

Every call gets a deadline (the caller's, or ``default_timeout``); methods the contract
declares safe to repeat (``option idempotency_level = NO_SIDE_EFFECTS`` or ``IDEMPOTENT``)
are retried by gRPC itself on UNAVAILABLE through the service config (at most 5 attempts,
exponential back-off), others never; the current
principal's access token is forwarded, so the callee applies the caller's rights.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions
from opentelemetry.instrumentation.grpc import client_interceptor as otel_client_interceptor
from opentelemetry.instrumentation.grpc import grpcext

from crm_shared.auth.principal import current_principal
from crm_shared.grpc.server import KEEPALIVE_OPTIONS

SAFE_TO_REPEAT = (MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT)
StubT = TypeVar("StubT")


def is_safe_to_repeat(method: MethodDescriptor) -> bool:
    return method.GetOptions().idempotency_level in SAFE_TO_REPEAT


def retry_service_config(services: Iterable[ServiceDescriptor], timeout_seconds: float) -> str:
    names = [
        {"service": service.full_name, "method": method.name}
        for service in services
        for method in service.methods
        if is_safe_to_repeat(method)
    ]
    config = {"methodConfig": [{"name": [{}], "timeout": f"{timeout_seconds}s"}]}
    if names:
        config["methodConfig"].insert(
            0,
            {
                "name": names,
                "timeout": f"{timeout_seconds}s",
                "retryPolicy": {
                    "maxAttempts": 5,
                    "initialBackoff": "0.1s",
                    "maxBackoff": "2s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            },
        )
    return json.dumps(config)


class _CallDetails(grpc.ClientCallDetails):
    def __init__(self, method, timeout, metadata, credentials, wait_for_ready, compression):
        self.method = method
        self.timeout = timeout
        self.metadata = metadata
        self.credentials = credentials
        self.wait_for_ready = wait_for_ready
        self.compression = compression


class _DeadlineAndCredentials(
    grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor
):
    def __init__(self, default_timeout: float, token_provider: Callable[[], str | None]) -> None:
        self.default_timeout = default_timeout
        self.token_provider = token_provider

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        metadata = list(details.metadata or [])
        if not any(key == "authorization" for key, _ in metadata):
            token = self.token_provider()
            if token:
                metadata.append(("authorization", f"Bearer {token}"))
        return _CallDetails(
            details.method,
            details.timeout if details.timeout is not None else self.default_timeout,
            metadata,
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return continuation(self._details(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._details(client_call_details), request)


def forwarded_token() -> str | None:
    principal = current_principal(required=False)
    return principal.token if principal is not None else None


def connect(
    target: str,
    services: Iterable[ServiceDescriptor],
    *,
    default_timeout: float = 5.0,
    token_provider: Callable[[], str | None] = forwarded_token,
) -> grpc.Channel:
    """A channel to ``target`` for ``services`` with deadlines, retries, credentials, tracing."""
    options = [
        *KEEPALIVE_OPTIONS,
        ("grpc.enable_retries", 1),
        ("grpc.service_config", retry_service_config(services, default_timeout)),
    ]
    channel = grpc.insecure_channel(target, options=options)
    # OpenTelemetry's interceptor has its own wrapping API; ours sits outside it so the span
    # carries the deadline and the forwarded credentials.
    traced = grpcext.intercept_channel(channel, otel_client_interceptor())
    return grpc.intercept_channel(traced, _DeadlineAndCredentials(default_timeout, token_provider))


class LazyStub(Generic[StubT]):
    """The stub of one service on ``target`` (a :func:`connect` channel), connected on first
    use and shared by every thread: a servicer is built before it is served, and a peer that
    is not up yet must not stop it from starting."""

    def __init__(self, target: str, service: ServiceDescriptor,
                 stub_class: Callable[[grpc.Channel], StubT], *, default_timeout: float = 5.0,
                 token_provider: Callable[[], str | None] = forwarded_token) -> None:
        self.target = target
        self._service = service
        self._stub_class = stub_class
        self._timeout = default_timeout
        self._token_provider = token_provider
        self._lock = threading.Lock()
        self._channel: grpc.Channel | None = None
        self._stub: StubT | None = None

    def __call__(self) -> StubT:
        with self._lock:
            if self._stub is None:
                self._channel = connect(self.target, [self._service],
                                        default_timeout=self._timeout,
                                        token_provider=self._token_provider)
                self._stub = self._stub_class(self._channel)
            return self._stub

    def close(self) -> None:
        with self._lock:
            if self._channel is not None:
                self._channel.close()
            self._channel = self._stub = None
