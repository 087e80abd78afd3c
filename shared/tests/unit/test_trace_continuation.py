"""Continuing a record's stored trace: later actions on a ticket join the trace its creation
started, with the request that caused them kept as a link, and events emitted inside carry
the stored trace."""

import pytest
from crm_shared.telemetry import current_traceparent, within_trace_of
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # The global provider can be set only once per process: the test uses its own.
    return provider.get_tracer("test"), exporter


def test_a_later_action_joins_the_stored_trace_and_links_the_caller(spans):
    tracer, exporter = spans
    with tracer.start_as_current_span("create ticket") as creation:
        stored = current_traceparent()
    assert stored.split("-")[1] == format(creation.get_span_context().trace_id, "032x")

    carrier: dict[str, str] = {}
    with (
        tracer.start_as_current_span("transfer request") as request,
        within_trace_of(stored, "ticket transfer", tracer=tracer) as action,
    ):
        propagate.inject(carrier)  # what the outbox stores with an event

    finished = {s.name: s for s in exporter.get_finished_spans()}
    transfer = finished["ticket transfer"]
    assert transfer.context.trace_id == creation.get_span_context().trace_id
    assert transfer.parent.span_id == creation.get_span_context().span_id
    assert [link.context.span_id for link in transfer.links] == [request.get_span_context().span_id]
    assert carrier["traceparent"].split("-")[1] == format(creation.get_span_context().trace_id, "032x")
    assert carrier["traceparent"].split("-")[2] == format(action.get_span_context().span_id, "016x")


def test_without_a_stored_trace_the_action_stays_in_the_callers_trace(spans):
    tracer, exporter = spans
    with (
        tracer.start_as_current_span("request") as request,
        within_trace_of("", "ticket transfer", tracer=tracer),
    ):
        pass
    transfer = next(s for s in exporter.get_finished_spans() if s.name == "ticket transfer")
    assert transfer.context.trace_id == request.get_span_context().trace_id
    assert transfer.parent.span_id == request.get_span_context().span_id
    assert not transfer.links


def test_outside_any_trace_there_is_nothing_to_store(spans):
    assert current_traceparent() == ""


def test_background_client_calls_start_no_trace_but_calls_inside_work_are_kept():
    from crm_shared.telemetry import SAMPLER
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import SpanKind

    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=SAMPLER)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("SELECT outbox", kind=SpanKind.CLIENT):  # a relay poll
        pass
    with (
        tracer.start_as_current_span("POST /api/v1/tickets", kind=SpanKind.SERVER),
        tracer.start_as_current_span("INSERT tickets", kind=SpanKind.CLIENT),
    ):
        pass
    with tracer.start_as_current_span("ticket.sla_scan"):  # a timer's own action
        pass
    assert sorted(s.name for s in exporter.get_finished_spans()) == [
        "INSERT tickets", "POST /api/v1/tickets", "ticket.sla_scan"]
