"""Server interceptors: authentication and error mapping (with one access-log line per call).

Both wrap the method's behaviour, so they run in the thread that runs the method, where
the principal context variable is visible to the servicer. Order (outermost first):
OpenTelemetry, error mapping, authentication, then the access check of ``crm_shared.access``
(who may call the RPC) and the reference check of ``crm_shared.references`` (innermost), both
installed by the server bootstrap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import grpc
from google.protobuf.message import DecodeError
from opentelemetry import trace

from crm_shared.auth.principal import principal_scope
from crm_shared.auth.tokens import TokenVerifier
from crm_shared.db import database_unreachable
from crm_shared.errors import DomainError, Unauthenticated
from crm_shared.grpc.status import to_grpc_status
from crm_shared.telemetry import current_trace_id

log = logging.getLogger("crm.grpc.access")

PUBLIC_METHOD_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

Behavior = Callable[..., object]


def wrap_handler(handler: grpc.RpcMethodHandler | None, wrap_unary, wrap_stream,
                 wrap_deserializer=None):
    """Return ``handler`` with its behaviour wrapped, whatever its streaming shape (and, for a
    single request, its deserializer with ``wrap_deserializer``)."""
    if handler is None:
        return None
    read = handler.request_deserializer
    if wrap_deserializer is not None and read is not None:
        read = wrap_deserializer(read)
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            wrap_unary(handler.unary_unary), read, handler.response_serializer
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            wrap_stream(handler.unary_stream), read, handler.response_serializer
        )
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            wrap_unary(handler.stream_unary), handler.request_deserializer, handler.response_serializer
        )
    return grpc.stream_stream_rpc_method_handler(
        wrap_stream(handler.stream_stream), handler.request_deserializer, handler.response_serializer
    )


class AuthInterceptor(grpc.ServerInterceptor):
    """Every call but health and reflection must carry a valid bearer access token."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler_call_details.method.startswith(PUBLIC_METHOD_PREFIXES):
            return handler
        metadata = dict(handler_call_details.invocation_metadata or ())
        authorization = metadata.get("authorization", "")

        def authenticate():
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated("missing bearer token in the authorization metadata")
            principal = self.verifier.verify(token.strip())
            trace.get_current_span().set_attribute("enduser.id", principal.user_id)
            return principal

        def wrap_unary(behavior: Behavior) -> Behavior:
            def authenticated(request, context):
                with principal_scope(authenticate()):
                    return behavior(request, context)

            return authenticated

        def wrap_stream(behavior: Behavior) -> Behavior:
            def authenticated(request, context):
                principal = authenticate()
                with principal_scope(principal):
                    yield from behavior(request, context)

            return authenticated

        return wrap_handler(handler, wrap_unary, wrap_stream)


class _Undecodable:
    """A request whose bytes are not the RPC's message (a string field that is not UTF-8, a
    truncated field): grpcio would answer INTERNAL "Exception deserializing request!" before
    any interceptor runs, so the deserializer hands this on and the call is refused
    INVALID_ARGUMENT, the caller's error."""

    def __init__(self, message_name: str) -> None:
        self.message_name = message_name


def _tolerant(deserializer):
    message = getattr(getattr(deserializer, "__self__", None), "DESCRIPTOR", None)
    name = message.full_name if message is not None else "protobuf message"

    def deserialize(data: bytes):
        try:
            return deserializer(data)
        except DecodeError:
            return _Undecodable(name)

    return deserialize


class ErrorMappingInterceptor(grpc.ServerInterceptor):
    """Typed domain errors become status codes with details; a database that cannot be reached
    is UNAVAILABLE; anything else becomes INTERNAL with a trace reference, never UNKNOWN with a
    traceback. A request that does not parse as its message is INVALID_ARGUMENT."""

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        quiet = method.startswith(PUBLIC_METHOD_PREFIXES)

        def fail(context, exc: BaseException):
            if isinstance(exc, DomainError):
                context.abort_with_status(to_grpc_status(exc))
            if context.code() not in (None, grpc.StatusCode.OK):
                raise exc  # the servicer aborted on purpose
            if database_unreachable(exc):
                # a database restart or failover, not a fault of this call: nothing was done,
                # and the caller may try again (the gateway answers 503 with Retry-After)
                log.warning("%s: the database is unreachable (%s)", method, type(exc).__name__)
                context.abort(grpc.StatusCode.UNAVAILABLE, "the database is unavailable; retry later")
            log.exception("unhandled error in %s", method)
            context.abort(
                grpc.StatusCode.INTERNAL, f"internal error (trace id {current_trace_id() or '-'})"
            )

        def log_call(started: float, outcome: str) -> None:
            if not quiet:
                log.info(
                    "grpc call",
                    extra={"rpc": method, "code": outcome,
                           "duration_ms": round((time.perf_counter() - started) * 1000, 2)},
                )

        def refuse_undecodable(request, started: float, context) -> None:
            if isinstance(request, _Undecodable):
                log_call(started, grpc.StatusCode.INVALID_ARGUMENT.name)
                context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                              f"the request is not a valid {request.message_name}")

        def wrap_unary(behavior: Behavior) -> Behavior:
            def mapped(request, context):
                started = time.perf_counter()
                refuse_undecodable(request, started, context)
                try:
                    response = behavior(request, context)
                except Exception as exc:  # noqa: BLE001 - mapping every error is the point
                    log_call(started, getattr(exc, "grpc_code", grpc.StatusCode.INTERNAL).name)
                    fail(context, exc)
                log_call(started, "OK")
                return response

            return mapped

        def wrap_stream(behavior: Behavior) -> Behavior:
            def mapped(request, context):
                started = time.perf_counter()
                refuse_undecodable(request, started, context)
                try:
                    yield from behavior(request, context)
                except Exception as exc:  # noqa: BLE001
                    log_call(started, getattr(exc, "grpc_code", grpc.StatusCode.INTERNAL).name)
                    fail(context, exc)
                log_call(started, "OK")

            return mapped

        return wrap_handler(handler, wrap_unary, wrap_stream, wrap_deserializer=_tolerant)
