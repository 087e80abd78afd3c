"""Structured JSON logs on stdout, each line carrying the current trace and span id, and
none a phone, e-mail, ID-card or bank number (:func:`crm_shared.redaction.scrub`)."""

from __future__ import annotations

import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from crm_shared.redaction import scrub


class _TraceContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
        return True


def _scrubbed(value: object) -> object:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(item) for item in value]
    return value


class ScrubbingJsonFormatter(JsonFormatter):
    """JSON lines whose every text field is scrubbed of personal data.

    The last line of defence: whatever a log call passed — a search term in its message, an
    e-mail in an ``extra`` field, a SQL error's parameters in the exception text — is
    redacted here, once, after the record has become the fields to be written (a logging
    filter would see the exception before it is formatted, and the message before its
    arguments are put in).
    """

    def process_log_record(self, log_data):
        fields = super().process_log_record(log_data)
        return {key: _scrubbed(value) for key, value in fields.items()}


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_TraceContextFilter(service))
    handler.setFormatter(
        ScrubbingJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(trace_id)s %(span_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Library chatter at INFO drowns the service's own lines.
    for noisy in ("kombu", "amqp", "nameko", "alembic.runtime.migration", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # pika warns about every returned (unroutable) message and logs each failed connection
    # attempt; the relay reports both itself.
    logging.getLogger("pika").setLevel(max(logging.CRITICAL, root.level))
