"""Local trace collector and viewer: see the trace of a request without installing anything.

`crm-trace serve` receives OTLP/HTTP (what the services export when
OTEL_EXPORTER_OTLP_ENDPOINT points at it) into a SQLite file; `crm-trace list`, `show` and
`last` print traces as indented trees. Tests use `TraceCollector` directly.
"""

from __future__ import annotations

import argparse
import gzip
import os
import signal
import sys
import threading
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

from .trace_store import Span, SpanStore, decode_otlp_json, decode_otlp_protobuf
from .waiting import wait_until

__all__ = ["Span", "TraceCollector", "default_db_path", "main", "render_tree"]

DEFAULT_DB = "var/traces.sqlite"
# OTLP paths we accept but do not keep, so services that also export metrics or logs to the
# same endpoint do not fill their logs with export errors.
_DISCARDED_PATHS = ("/v1/metrics", "/v1/logs")


def default_db_path() -> Path:
    return Path(os.environ.get("CRM_TRACE_DB", DEFAULT_DB))


class TraceCollector:
    """OTLP/HTTP trace receiver (`POST /v1/traces`, protobuf or JSON) storing spans in SQLite.

    `port=0` picks a free port; `endpoint` is what OTEL_EXPORTER_OTLP_ENDPOINT should be set
    to (exporters append /v1/traces to it).
    """

    def __init__(self, db_path: Path | str, port: int = 0, host: str = "127.0.0.1") -> None:
        self.store = SpanStore(db_path)
        self.host = host
        self._requested_port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("collector not started")
        return self._server.server_address[1]

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> TraceCollector:
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer((self.host, self._requested_port), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="otlp-collector",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        self._thread.join(5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- queries (for tests) -----------------------------------------------------------------
    def spans(self, trace_id: str | None = None) -> list[Span]:
        return self.store.spans(trace_id)

    def trace_ids(self) -> list[str]:
        return self.store.trace_ids()

    def wait_for_spans(
        self, predicate: Callable[[list[Span]], object], timeout: float = 10.0
    ) -> list[Span]:
        """Poll until `predicate(all spans)` is truthy; return the spans at that moment."""
        found: list[list[Span]] = []

        def check() -> bool:
            spans = self.spans()
            if predicate(spans):
                found.append(spans)
                return True
            return False

        wait_until(
            check,
            timeout=timeout,
            message=lambda: f"spans never matched; received {len(self.spans())} span(s)",
        )
        return found[-1]


def _make_handler(collector: TraceCollector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the OTLP exporter's session expects

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            body = self._body()
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if path not in ("/v1/traces", *_DISCARDED_PATHS):
                return self._reply(404, b"not found", "text/plain")
            if ctype not in ("application/x-protobuf", "application/json"):
                return self._reply(
                    415, b"use application/x-protobuf or application/json", "text/plain"
                )
            if path == "/v1/traces":
                try:
                    spans = (
                        decode_otlp_json if ctype == "application/json" else decode_otlp_protobuf
                    )(body)
                except Exception as exc:  # noqa: BLE001 - a bad request, not our crash
                    return self._reply(400, f"cannot decode: {exc}".encode(), "text/plain")
                collector.store.add(spans)
            # an empty Export*ServiceResponse: zero bytes in protobuf, {} in JSON
            self._reply(200, b"{}" if ctype == "application/json" else b"", ctype)

        def _body(self) -> bytes:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            encoding = self.headers.get("Content-Encoding", "").lower()
            if encoding == "gzip":
                return gzip.decompress(data)
            if encoding == "deflate":
                return zlib.decompress(data)
            return data

        def _reply(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler


# -- rendering ------------------------------------------------------------------------------

_TELLING = (
    "http.request.method",
    "http.method",
    "http.route",
    "http.target",
    "url.path",
    "http.response.status_code",
    "http.status_code",
    "rpc.service",
    "rpc.method",
    "rpc.grpc.status_code",
    "messaging.system",
    "messaging.operation",
    "messaging.destination.name",
    "messaging.destination",
    "messaging.rabbitmq.destination.routing_key",
    "db.system",
    "db.statement",
)


def _telling_attributes(attributes: dict) -> str:
    keys = [k for k in _TELLING if k in attributes]
    keys += sorted(k for k in attributes if k.startswith("crm."))
    parts = []
    for key in keys:
        value = str(attributes[key]).replace("\n", " ")
        if len(value) > 60:
            value = value[:57] + "..."
        parts.append(f"{key}={value}")
    return "  ".join(parts)


def _ms(value: float) -> str:
    return f"{value:.3f} ms" if value < 1 else f"{value:.1f} ms"


def _line(span: Span) -> str:
    text = f"[{span.service_name}] {span.name}  {_ms(span.duration_ms)}"
    if span.is_error:
        text += "  ✗ ERROR" + (f": {span.status_message}" if span.status_message else "")
    attrs = _telling_attributes(span.attributes)
    text = f"{text}  {attrs}" if attrs else text
    for trace_id, span_id in span.links:
        text += f"  ↔ caused by trace {trace_id[:8]}… span {span_id[:8]}…"
    return text


def render_tree(spans: Iterable[Span]) -> str:
    """The spans as an indented tree, one line per span.

    Roots come first (by start time), children below their parent by start time. A span
    whose parent was never received (not exported yet, or dropped) is shown as a root with an
    `(orphan ...)` marker, so nothing is hidden.
    """
    spans = sorted(spans, key=lambda s: (s.start_ns, s.end_ns))
    by_id = {(s.trace_id, s.span_id): s for s in spans}
    children: dict[tuple[str, str], list[Span]] = {}
    roots: list[Span] = []
    orphans: list[Span] = []
    for s in spans:
        if s.parent_span_id is None:
            roots.append(s)
        elif (s.trace_id, s.parent_span_id) in by_id:
            children.setdefault((s.trace_id, s.parent_span_id), []).append(s)
        else:
            orphans.append(s)
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()

    def walk(span: Span, prefix: str, is_last: bool, top: bool) -> None:
        key = (span.trace_id, span.span_id)
        if key in seen:  # defensive: a malformed export with a cycle
            return
        seen.add(key)
        lines.append(_line(span) if top else f"{prefix}{'└─ ' if is_last else '├─ '}{_line(span)}")
        kids = children.get(key, [])
        child_prefix = "" if top else prefix + ("   " if is_last else "│  ")
        for i, kid in enumerate(kids):
            walk(kid, child_prefix, i == len(kids) - 1, False)

    for root in roots:
        walk(root, "", True, True)
    for orphan in orphans:
        lines.append(f"(orphan: parent {orphan.parent_span_id} not received)")
        walk(orphan, "", True, True)
    return "\n".join(lines)


# -- CLI --------------------------------------------------------------------------------------


def _when(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _list(store: SpanStore, limit: int) -> str:
    rows = ["TRACE ID                          START                    SPANS     DURATION  ROOT"]
    for trace_id in store.trace_ids(limit):
        spans = store.spans(trace_id)
        ids = {s.span_id for s in spans}
        root = next((s for s in spans if s.parent_span_id not in ids), spans[0])
        start = min(s.start_ns for s in spans)
        duration = (max(s.end_ns for s in spans) - start) / 1e6
        mark = " ✗" if any(s.is_error for s in spans) else ""
        rows.append(
            f"{trace_id}  {_when(start)}  {len(spans):5d}  {_ms(duration):>11}"
            f"  {root.service_name}: {root.name}{mark}"
        )
    return "\n".join(rows)


def _show(store: SpanStore, prefix: str) -> int:
    matches = store.resolve(prefix)
    if len(matches) != 1:
        what = "no trace" if not matches else f"{len(matches)} traces"
        print(f"{what} with id starting {prefix!r} in {store.path}", file=sys.stderr)
        return 1
    spans = store.spans(matches[0])
    print(f"trace {matches[0]}  {_when(spans[0].start_ns)}  {len(spans)} span(s)")
    print(render_tree(spans))
    return 0


def _serve(db: Path, port: int, host: str) -> int:
    collector = TraceCollector(db, port=port, host=host).start()
    print(
        f"collecting OTLP/HTTP traces on {collector.endpoint} into {db}\n"
        f"  export OTEL_EXPORTER_OTLP_ENDPOINT={collector.endpoint}\n"
        f"  then: crm-trace list | crm-trace last      (Ctrl-C to stop)",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        collector.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm-trace", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    db_help = f"SQLite file (default: $CRM_TRACE_DB or {DEFAULT_DB})"
    p = sub.add_parser("serve", help="receive OTLP/HTTP traces")
    p.add_argument("--port", type=int, default=4318)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--db", type=Path, default=None, help=db_help)
    p = sub.add_parser("list", help="newest traces first")
    p.add_argument("--db", type=Path, default=None, help=db_help)
    p.add_argument("--limit", type=int, default=20)
    p = sub.add_parser("show", help="one trace as a tree")
    p.add_argument("trace_id", help="the trace id or its first digits")
    p.add_argument("--db", type=Path, default=None, help=db_help)
    p = sub.add_parser("last", help="the newest trace as a tree")
    p.add_argument("--db", type=Path, default=None, help=db_help)
    args = parser.parse_args(argv)
    db = args.db or default_db_path()
    if args.command == "serve":
        return _serve(db, args.port, args.host)
    if not db.exists():
        print(f"no trace database at {db} (start `crm-trace serve` first)", file=sys.stderr)
        return 1
    store = SpanStore(db)
    if args.command == "list":
        print(_list(store, args.limit))
        return 0
    if args.command == "show":
        return _show(store, args.trace_id)
    newest = store.trace_ids(1)
    if not newest:
        print(f"no traces in {db} yet", file=sys.stderr)
        return 1
    return _show(store, newest[0])


if __name__ == "__main__":
    sys.exit(main())
