"""TraceCollector fed by the real OpenTelemetry SDK exporter, render_tree and the CLI."""

import json
import urllib.request

import pytest
from crm_devstack import traces
from crm_devstack.traces import Span, TraceCollector, render_tree
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode


@pytest.fixture
def collector(tmp_path):
    with TraceCollector(tmp_path / "traces.sqlite") as c:
        yield c


def _provider(service: str, endpoint: str) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", timeout=10))
    )
    return provider


def _export_two_service_trace(endpoint: str) -> str:
    gateway, customer = _provider("gateway", endpoint), _provider("customer", endpoint)
    try:
        with gateway.get_tracer("t").start_as_current_span(
            "POST /customers", kind=SpanKind.SERVER, attributes={"http.route": "/customers"}
        ) as parent:
            ctx = trace.set_span_in_context(parent)
            with customer.get_tracer("t").start_as_current_span(
                "CustomerService/Create",
                context=ctx,
                kind=SpanKind.SERVER,
                attributes={
                    "rpc.method": "Create",
                    "crm.customer_id": "c-42",
                    "unrelated.noise": "x",
                },
            ) as child:
                child.set_status(Status(StatusCode.ERROR, "duplicate email"))
        return format(parent.get_span_context().trace_id, "032x")
    finally:
        gateway.shutdown()
        customer.shutdown()


def test_collector_receives_sdk_spans_and_render_tree_nests_the_child(collector):
    trace_id = _export_two_service_trace(collector.endpoint)
    spans = collector.wait_for_spans(lambda s: len(s) == 2, timeout=10)
    by_service = {s.service_name: s for s in spans}
    parent, child = by_service["gateway"], by_service["customer"]
    assert parent.trace_id == child.trace_id == trace_id
    assert parent.parent_span_id is None and child.parent_span_id == parent.span_id
    assert (parent.kind, child.status_code) == ("SERVER", "ERROR")
    assert child.attributes["crm.customer_id"] == "c-42"
    assert collector.trace_ids() == [trace_id]

    lines = render_tree(collector.spans(trace_id)).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[gateway] POST /customers ")
    assert "http.route=/customers" in lines[0]
    assert lines[1].startswith("└─ [customer] CustomerService/Create ")
    for telling in ("rpc.method=Create", "crm.customer_id=c-42", "ERROR: duplicate email"):
        assert telling in lines[1]
    assert "unrelated.noise" not in lines[1]


def test_collector_keeps_span_links_and_the_tree_shows_them(collector):
    provider = _provider("ticket", collector.endpoint)
    try:
        tracer = provider.get_tracer("t")
        with tracer.start_as_current_span("POST /tickets/1/transfer") as request:
            pass
        with tracer.start_as_current_span(
            "ticket.transfer", links=[trace.Link(request.get_span_context())]
        ) as action:
            pass
    finally:
        provider.shutdown()
    request_ctx, action_trace = request.get_span_context(), format(
        action.get_span_context().trace_id, "032x")
    spans = collector.wait_for_spans(lambda s: len(s) == 2, timeout=10)
    linked = next(s for s in spans if s.name == "ticket.transfer")
    unlinked = next(s for s in spans if s.name != "ticket.transfer")
    assert linked.links == ((format(request_ctx.trace_id, "032x"), format(request_ctx.span_id, "016x")),)
    assert unlinked.links == ()
    line = render_tree(collector.spans(action_trace))
    assert f"caused by trace {format(request_ctx.trace_id, '032x')[:8]}" in line


def test_a_store_written_before_links_were_kept_is_upgraded(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE spans (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT,"
            " name TEXT NOT NULL, kind TEXT NOT NULL, service_name TEXT NOT NULL,"
            " start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, status_code TEXT NOT NULL,"
            " status_message TEXT NOT NULL DEFAULT '', attributes TEXT NOT NULL,"
            " PRIMARY KEY (trace_id, span_id))"
        )
        conn.execute("INSERT INTO spans VALUES ('t1', 's1', NULL, 'old', 'SERVER', 'gateway', 1, 2,"
                     " 'UNSET', '', '{}')")
    with TraceCollector(path) as collector:
        (old,) = collector.spans("t1")
    assert (old.name, old.links) == ("old", ())


def test_collector_accepts_otlp_json_with_hex_ids(collector):
    body = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "ticket"}}]
                },
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "5b8efff798038103d269b633813fc60c",
                                "spanId": "eee19b7ec3c1b174",
                                "parentSpanId": "eee19b7ec3c1b173",
                                "name": "ticket.routed consume",
                                "kind": 5,
                                "startTimeUnixNano": "1700000000000000000",
                                "endTimeUnixNano": "1700000000002500000",
                                "attributes": [
                                    {
                                        "key": "messaging.destination.name",
                                        "value": {"stringValue": "ticket.events"},
                                    }
                                ],
                            }
                        ]
                    }
                ],
            }
        ]
    }
    req = urllib.request.Request(
        f"{collector.endpoint}/v1/traces",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200
    [span] = collector.spans("5b8efff798038103d269b633813fc60c")
    assert (span.span_id, span.kind, span.service_name) == (
        "eee19b7ec3c1b174",
        "CONSUMER",
        "ticket",
    )
    assert span.duration_ms == 2.5
    # its parent never arrived: shown as a root, marked as an orphan
    rendered = render_tree([span])
    assert "(orphan: parent eee19b7ec3c1b173 not received)" in rendered
    assert "[ticket] ticket.routed consume  2.5 ms" in rendered
    assert "messaging.destination.name=ticket.events" in rendered


def test_collector_rejects_other_content_types_and_paths(collector):
    def post(path, ctype):
        req = urllib.request.Request(
            f"{collector.endpoint}{path}", data=b"x", headers={"Content-Type": ctype}
        )
        try:
            return urllib.request.urlopen(req).status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post("/v1/traces", "text/plain") == 415
    assert post("/nope", "application/x-protobuf") == 404
    assert post("/v1/traces", "application/json") == 400
    assert post("/v1/metrics", "application/x-protobuf") == 200  # accepted and dropped


def _span(span_id, parent, start, name, trace_id="t1"):
    return Span(trace_id, span_id, parent, name, "INTERNAL", "svc", start, start + 1_000_000)


def test_render_tree_orders_children_by_start_and_draws_branches():
    spans = [
        _span("b", "a", 30, "second child"),
        _span("a", None, 10, "root"),
        _span("c", "a", 20, "first child"),
        _span("d", "c", 25, "grandchild"),
    ]
    assert render_tree(spans).splitlines() == [
        "[svc] root  1.0 ms",
        "├─ [svc] first child  1.0 ms",
        "│  └─ [svc] grandchild  1.0 ms",
        "└─ [svc] second child  1.0 ms",
    ]


def test_cli_list_show_and_last(collector, capsys, monkeypatch):
    trace_id = _export_two_service_trace(collector.endpoint)
    collector.wait_for_spans(lambda s: len(s) == 2)
    monkeypatch.setenv("CRM_TRACE_DB", str(collector.store.path))

    assert traces.main(["list"]) == 0
    out = capsys.readouterr().out
    assert trace_id in out and "gateway: POST /customers" in out and "    2 " in out

    assert traces.main(["show", trace_id[:8]]) == 0
    assert "└─ [customer] CustomerService/Create" in capsys.readouterr().out

    assert traces.main(["last"]) == 0
    assert "[gateway] POST /customers" in capsys.readouterr().out

    assert traces.main(["show", "ffff"]) == 1
    assert "no trace" in capsys.readouterr().err
