import io
import json
import logging

import pytest
from crm_shared.log import configure_logging
from opentelemetry.sdk.trace import TracerProvider


@pytest.fixture(autouse=True)
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_lines_are_json_with_the_current_trace_and_span(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    configure_logging("customer-api", "INFO")
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("call") as span:
        logging.getLogger("crm.test").info("customer created", extra={"customer_id": "c-1"})
    logging.getLogger("crm.test").warning("outside any span")

    inside, outside = [json.loads(line) for line in stream.getvalue().splitlines()]
    context = span.get_span_context()
    assert inside["message"] == "customer created"
    assert inside["level"] == "INFO"
    assert inside["service"] == "customer-api"
    assert inside["customer_id"] == "c-1"
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert outside["trace_id"] is None
    assert outside["level"] == "WARNING"
