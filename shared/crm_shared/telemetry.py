"""OpenTelemetry set-up, once per process.

Spans go over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the local ``make run``
points it at the bundled trace collector). OTLP over HTTP rather than gRPC because the
nameko workers run under eventlet, which grpcio does not support. Every span leaves the
process redacted (:class:`RedactingExporter`, rules in :mod:`crm_shared.redaction`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
from collections.abc import Iterator, Mapping, Sequence

from opentelemetry import propagate, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import Link, Span, Status
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from crm_shared.redaction import redact_attributes, scrub

_provider: TracerProvider | None = None


class _NoOrphanClientCalls(Sampler):
    """Root sampler: drop client calls (SQL above all) that would start a trace of their own.

    Every request starts a SERVER span and every event handler a CONSUMER span, so a CLIENT
    span without a parent is background chatter: the outbox relay's poll and the workers'
    timers query the database every second or so, and each query would be a one-span trace
    burying the ones people look for. Work with a parent is always kept (this sampler only
    decides for roots), and a timer's real actions run in their own spans (e.g. a ticket's).
    """

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None,
                      links=None, trace_state=None) -> SamplingResult:
        if kind == trace.SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return ALWAYS_ON.should_sample(parent_context, trace_id, name, kind, attributes, links,
                                       trace_state)

    def get_description(self) -> str:
        return "NoOrphanClientCalls"


SAMPLER = ParentBased(root=_NoOrphanClientCalls())


def redacted_span(span: ReadableSpan) -> ReadableSpan:
    """``span`` as it may leave the process: URLs redacted, all text scrubbed of personal data
    (its name, attributes, status description and events — an exception's message too)."""
    status = span.status
    if status.description:
        status = Status(status.status_code, scrub(status.description))
    return ReadableSpan(
        name=scrub(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=redact_attributes(span.attributes or {}),
        events=[Event(event.name, redact_attributes(event.attributes or {}), event.timestamp)
                for event in span.events],
        links=span.links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class RedactingExporter(SpanExporter):
    """Exports through ``inner`` what :func:`redacted_span` leaves of each span.

    Redacting where spans leave the process covers every instrumentation at once — Flask's
    URL attributes, gRPC status descriptions, SQL errors recorded as exception events —
    including the ones added later, instead of each site remembering to.
    """

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([redacted_span(span) for span in spans])

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


def init_telemetry(service_name: str, role: str) -> TracerProvider:
    """Install the tracer provider for this process (idempotent)."""
    global _provider
    if _provider is not None:
        return _provider
    resource = Resource.create(
        {
            "service.name": os.environ.get("OTEL_SERVICE_NAME", service_name),
            "service.namespace": "crm",
            "service.instance.id": f"{socket.gethostname()}-{os.getpid()}",
            "crm.process.role": role,
        }
    )
    provider = TracerProvider(resource=resource, sampler=SAMPLER)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    ):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # Batch export everywhere: ending a span only queues it. Exporting synchronously would
        # do network I/O wherever a span ends - inside a database transaction, where under
        # eventlet the green thread holding SQLite's write lock would yield to others.
        provider.add_span_processor(BatchSpanProcessor(RedactingExporter(OTLPSpanExporter())))
    trace.set_tracer_provider(provider)
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    )
    atexit.register(shutdown_telemetry)
    _provider = provider
    return provider


def shutdown_telemetry() -> None:
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


def current_traceparent() -> str:
    """The W3C ``traceparent`` of the current span ('' outside any trace), to store on a record."""
    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier.get("traceparent", "")


@contextlib.contextmanager
def within_trace_of(
    traceparent: str,
    name: str,
    attributes: Mapping[str, str] | None = None,
    tracer: trace.Tracer | None = None,
) -> Iterator[Span]:
    """Run the block as a child of a record's stored trace, linked to the caller's span.

    A ticket lives for days and is acted on by many requests; to keep one trace per ticket,
    each later action (a transfer, an SLA timer) continues the trace its creation started,
    and the request that caused it is kept as a span link. Events emitted inside the block
    carry the ticket's trace, so their consumers join it too. Without a stored context the
    block simply runs in the current trace.
    """
    tracer = tracer or trace.get_tracer("crm_shared.telemetry")
    caller = trace.get_current_span().get_span_context()
    if not traceparent:
        with tracer.start_as_current_span(name, attributes=attributes) as span:
            yield span
        return
    parent = TraceContextTextMapPropagator().extract({"traceparent": traceparent})
    stored = trace.get_current_span(parent).get_span_context()
    links = [Link(caller)] if caller.is_valid and caller.trace_id != stored.trace_id else []
    with tracer.start_as_current_span(
        name, context=parent, links=links, attributes=attributes
    ) as span:
        yield span
