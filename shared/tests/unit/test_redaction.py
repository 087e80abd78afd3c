"""The redaction rules for telemetry: personal values scrubbed from any text, URL queries
shown only for the allowed parameters, paths by their route with ids only; and the two places
they are applied — the span exporter and the JSON log formatter."""

import io
import json
import logging
import uuid

import pytest
from crm_shared.log import configure_logging
from crm_shared.redaction import (
    REDACTED,
    redact_attributes,
    redact_path,
    redact_query,
    redact_target,
    scrub,
)
from crm_shared.telemetry import RedactingExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

ID = str(uuid.uuid4())


@pytest.mark.parametrize(
    "value",
    [
        "13912345678",
        "+8613912345678",
        "+86 139 1234 5678",
        "139-1234-5678",
        "+4915112345678",
        "wang.fang+crm@example.com.cn",
        "330106199001151234",
        "33010619900115123X",
        "330106900115123",
        "6222020200112233445",
        "6222 0202 0011 2233 445",
    ],
)
def test_personal_values_are_scrubbed_wherever_they_stand(value):
    for text in (value, f"找不到{value}的客户", f"phone={value}", f"'{value}')"):
        scrubbed = scrub(text)
        assert value not in scrubbed and REDACTED in scrubbed, text


@pytest.mark.parametrize(
    "text",
    [
        ID,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "2026-12-07T15:41:43.123+00:00",
        "C-000123",
        "TK-20261207-0042",
        "SELECT customers.id FROM customers WHERE customers.phone = ?",
        "duration 1234.56 ms",
        "version 3",
        "**** **** 3445",
        "******************",
    ],
)
def test_ids_times_masks_and_sql_are_left_alone(text):
    assert scrub(text) == text


def test_a_query_shows_only_the_allowed_parameters_and_ids():
    query = f"q=13912345678&phone=139&email=a%40b.cn&page_size=20&state=open&customer_id={ID}"
    assert redact_query(query) == (
        f"q={REDACTED}&phone={REDACTED}&email={REDACTED}&page_size=20&state=open&customer_id={ID}"
    )
    assert redact_query("") == ""


def test_a_path_is_its_route_with_only_opaque_ids_filled_in():
    token = "eyJzIjoiYWJjIn0.c2lnbmF0dXJl"
    assert (
        redact_path(f"/api/v1/surveys/respond/{token}", "/api/v1/surveys/respond/<token>")
        == "/api/v1/surveys/respond/<token>"
    )
    assert redact_path(
        f"/api/v1/customers/{ID}/contacts/7",
        "/api/v1/customers/<customer_id>/contacts/<int:contact_id>",
    ) == (f"/api/v1/customers/{ID}/contacts/7")
    # the public pages' links (crm_console.public): the survey and the unsubscribe token
    assert redact_path(f"/s/{token}", "/s/<token>") == "/s/<token>"
    assert redact_path(f"/u/{token}", "/u/<token>") == "/u/<token>"
    assert redact_path("/api/v1/lookup/13912345678", "/api/v1/lookup/<phone>") == (
        "/api/v1/lookup/<phone>"
    )
    # no route matched: only scrubbed; a path: variable: the template
    assert redact_path("/nothing/13912345678", None) == f"/nothing/{REDACTED}"
    assert redact_path("/files/a/b/c", "/files/<path:name>") == "/files/<path:name>"


def test_a_whole_url_loses_its_credentials_and_the_values_of_its_search():
    assert redact_target(
        "http://u:p@gw:8080/api/v1/customers?q=a%40b.cn&page_size=5", "/api/v1/customers"
    ) == (f"http://gw:8080/api/v1/customers?q={REDACTED}&page_size=5")


def test_span_attributes_are_redacted_by_their_kind():
    attributes = {
        "http.route": "/api/v1/surveys/respond/<token>",
        "http.target": "/api/v1/surveys/respond/secret-token?lang=zh-CN",
        "url.query": "email=x%40y.cn",
        "http.status_code": 200,
        "exception.message": "duplicate phone 13912345678",
        "crm.tags": ("a@b.cn", "ok"),
    }
    assert redact_attributes(attributes) == {
        "http.route": "/api/v1/surveys/respond/<token>",
        "http.target": "/api/v1/surveys/respond/<token>?lang=zh-CN",
        "url.query": f"email={REDACTED}",
        "http.status_code": 200,
        "exception.message": f"duplicate phone {REDACTED}",
        "crm.tags": (REDACTED, "ok"),
    }


def test_spans_leave_the_process_redacted():
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(RedactingExporter(memory)))
    with provider.get_tracer("t").start_as_current_span(
        "GET /api/v1/customers",
        attributes={
            "http.route": "/api/v1/customers",
            "http.target": "/api/v1/customers?phone=13912345678",
        },
    ) as span:
        span.record_exception(ValueError("no customer wang@example.com"))
        span.set_status(Status(StatusCode.ERROR, "phone 13912345678 taken"))

    [exported] = memory.get_finished_spans()
    text = json.dumps(
        [
            exported.name,
            dict(exported.attributes),
            exported.status.description,
            [dict(event.attributes) for event in exported.events],
        ]
    )
    assert "13912345678" not in text and "wang@example.com" not in text
    assert exported.attributes["http.target"] == f"/api/v1/customers?phone={REDACTED}"
    assert exported.status.description == f"phone {REDACTED} taken"
    assert exported.context == span.get_span_context()


@pytest.fixture
def log_stream(monkeypatch):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    configure_logging("customer-api", "INFO")
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_lines_are_scrubbed_in_message_arguments_extras_and_exceptions(log_stream):
    log = logging.getLogger("crm.test")
    log.info(
        "searched for %s", "13912345678", extra={"term": "wang@example.com", "customer_id": ID}
    )
    try:
        raise ValueError("(sqlite3.IntegrityError) [parameters: ('6222020200112233445',)]")
    except ValueError:
        log.exception("insert failed")

    searched, failed = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    assert searched["message"] == f"searched for {REDACTED}"
    assert searched["term"] == REDACTED
    assert searched["customer_id"] == ID
    assert "6222020200112233445" not in failed["exc_info"] and REDACTED in failed["exc_info"]
