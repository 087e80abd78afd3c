"""Spans in a SQLite file, and decoding of OTLP export requests into them.

SQLite (in WAL mode) lets `crm-trace serve` write while `crm-trace list/show` read the same
file from other processes.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Span", "SpanStore", "decode_otlp_json", "decode_otlp_protobuf"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spans (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    service_name TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    status_code TEXT NOT NULL,
    status_message TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL,
    links TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS spans_by_start ON spans (start_ns);
"""
_COLUMNS = (
    "trace_id, span_id, parent_span_id, name, kind, service_name, start_ns, end_ns, "
    "status_code, status_message, attributes, links"
)


@dataclass(frozen=True)
class Span:
    """One span. `kind` is INTERNAL/SERVER/CLIENT/PRODUCER/CONSUMER/UNSPECIFIED, `status_code`
    UNSET/OK/ERROR; ids are lower-case hex and `parent_span_id` is None for a root."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    service_name: str
    start_ns: int
    end_ns: int
    status_code: str = "UNSET"
    status_message: str = ""
    attributes: dict = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()
    """(trace id, span id) of each linked span, e.g. the request that acted on a ticket."""

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6

    @property
    def is_error(self) -> bool:
        return self.status_code == "ERROR"

    def _row(self) -> tuple:
        return (
            self.trace_id,
            self.span_id,
            self.parent_span_id,
            self.name,
            self.kind,
            self.service_name,
            self.start_ns,
            self.end_ns,
            self.status_code,
            self.status_message,
            json.dumps(self.attributes, sort_keys=True, default=str),
            json.dumps([list(link) for link in self.links]),
        )

    @classmethod
    def _from_row(cls, row: tuple) -> Span:
        *head, attributes, links = row
        return cls(
            *head,
            attributes=json.loads(attributes),
            links=tuple((t, s) for t, s in json.loads(links)),
        )


class SpanStore:
    """Thread-safe: one lock around short-lived connections."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(spans)")}
            if "links" not in columns:  # a store written before links were kept
                conn.execute("ALTER TABLE spans ADD COLUMN links TEXT NOT NULL DEFAULT '[]'")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            conn = self._connect()
            try:
                return conn.execute(sql, params).fetchall()
            finally:
                conn.close()

    def add(self, spans: Iterable[Span]) -> int:
        rows = [s._row() for s in spans]
        with self._lock:
            conn = self._connect()
            try:
                with conn:  # exporters retry: the same span twice replaces itself
                    conn.executemany(
                        f"INSERT OR REPLACE INTO spans ({_COLUMNS}) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows,
                    )
            finally:
                conn.close()
        return len(rows)

    def spans(self, trace_id: str | None = None) -> list[Span]:
        if trace_id is None:
            rows = self._query(f"SELECT {_COLUMNS} FROM spans ORDER BY start_ns")
        else:
            rows = self._query(
                f"SELECT {_COLUMNS} FROM spans WHERE trace_id = ? ORDER BY start_ns",
                (trace_id.lower(),),
            )
        return [Span._from_row(r) for r in rows]

    def trace_ids(self, limit: int | None = None) -> list[str]:
        """Trace ids, newest (latest first span) first."""
        rows = self._query(
            "SELECT trace_id FROM spans GROUP BY trace_id ORDER BY MIN(start_ns) DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [r[0] for r in rows]

    def resolve(self, prefix: str) -> list[str]:
        """Trace ids starting with `prefix` (so a CLI user may type the first few digits)."""
        rows = self._query(
            "SELECT DISTINCT trace_id FROM spans WHERE trace_id LIKE ? ESCAPE '\\'",
            (prefix.lower().replace("%", r"\%").replace("_", r"\_") + "%",),
        )
        return [r[0] for r in rows]


# -- OTLP decoding --------------------------------------------------------------------------


def _any_value(value):
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _any_value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def _attributes(key_values) -> dict:
    return {kv.key: _any_value(kv.value) for kv in key_values}


def _spans_from_request(request) -> list[Span]:
    from opentelemetry.proto.trace.v1 import trace_pb2

    out = []
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        service = str(resource.get("service.name", "unknown_service"))
        for scope_spans in resource_spans.scope_spans:
            for s in scope_spans.spans:
                out.append(
                    Span(
                        trace_id=s.trace_id.hex(),
                        span_id=s.span_id.hex(),
                        parent_span_id=s.parent_span_id.hex() or None,
                        name=s.name,
                        kind=trace_pb2.Span.SpanKind.Name(s.kind).removeprefix("SPAN_KIND_"),
                        service_name=service,
                        start_ns=s.start_time_unix_nano,
                        end_ns=s.end_time_unix_nano,
                        status_code=trace_pb2.Status.StatusCode.Name(s.status.code).removeprefix(
                            "STATUS_CODE_"
                        ),
                        status_message=s.status.message,
                        attributes=_attributes(s.attributes),
                        links=tuple(
                            (link.trace_id.hex(), link.span_id.hex()) for link in s.links
                        ),
                    )
                )
    return out


def decode_otlp_protobuf(body: bytes) -> list[Span]:
    """Spans of a binary ExportTraceServiceRequest."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    return _spans_from_request(request)


def _hex_ids_to_base64(node) -> None:
    # OTLP/JSON writes trace and span ids as hex, while the protobuf JSON mapping expects
    # base64 for bytes fields: convert in place before ParseDict.
    if isinstance(node, dict):
        for key, val in node.items():
            if key in (
                "traceId",
                "spanId",
                "parentSpanId",
                "trace_id",
                "span_id",
                "parent_span_id",
            ) and isinstance(val, str):
                node[key] = base64.b64encode(bytes.fromhex(val)).decode()
            else:
                _hex_ids_to_base64(val)
    elif isinstance(node, list):
        for item in node:
            _hex_ids_to_base64(item)


def decode_otlp_json(body: bytes) -> list[Span]:
    """Spans of an OTLP/JSON ExportTraceServiceRequest."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    data = json.loads(body or b"{}")
    _hex_ids_to_base64(data)
    request = json_format.ParseDict(data, ExportTraceServiceRequest(), ignore_unknown_fields=True)
    return _spans_from_request(request)
