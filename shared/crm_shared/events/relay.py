"""Outbox relay: publishes committed outbox rows to RabbitMQ, then marks them sent.

A row counts as sent only when the broker confirmed it (publisher confirms, persistent,
``mandatory``). A crash between the confirm and the mark re-publishes the row: consumers
are idempotent, so that duplicate has no effect. A failed publish stays pending and is
retried with back-off, forever — nothing is parked silently.

The relay runs as a thread in each service's api process, woken right after a commit that
wrote outbox rows and polling for rows written by other processes (the worker). A relay
claims a batch by leasing it (``next_attempt_at`` pushed ahead, under ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), so replicas share the work; a relay that dies mid-batch leaves rows
that fall due again when the lease runs out.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

import pika
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pika.exceptions import AMQPError, NackError, UnroutableError
from sqlalchemy import select

from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage, OutboxStatus, prune_outbox

log = logging.getLogger(__name__)
tracer = trace.get_tracer("crm_shared.events.relay")

BATCH_SIZE = 100
LEASE_SECONDS = 30.0
PRUNE_INTERVAL_SECONDS = 3600.0
MAX_BACKOFF_SECONDS = 60.0


class AmqpPublisher:
    """One pika connection with publisher confirms; not thread-safe, owned by one thread."""

    def __init__(self, amqp_url: str) -> None:
        self.amqp_url = amqp_url
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._declared: set[str] = set()

    def _ensure(self):
        if self._connection is None or self._connection.is_closed or self._channel.is_closed:
            self.close()
            params = pika.URLParameters(self.amqp_url)
            params.heartbeat = 30
            params.blocked_connection_timeout = 30
            params.socket_timeout = 5
            params.connection_attempts = 1
            self._connection = pika.BlockingConnection(params)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            self._declared.clear()
        return self._channel

    def publish(
        self, *, exchange: str, routing_key: str, body: bytes, message_id: str, headers: dict
    ) -> bool:
        """Publish and wait for the broker's confirm. Returns False when no queue was bound."""
        channel = self._ensure()
        if exchange not in self._declared:
            # Same arguments as nameko's declaration, or the broker refuses with 406.
            channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
            self._declared.add(exchange)
        properties = pika.BasicProperties(
            content_type=wire.CONTENT_TYPE,
            content_encoding="utf-8",
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=message_id,
            type=headers.get(wire.HEADER_EVENT_TYPE),
            headers=headers,
        )
        try:
            channel.basic_publish(exchange, routing_key, body, properties, mandatory=True)
        except UnroutableError:
            return False
        return True

    def close(self) -> None:
        if self._connection is not None and self._connection.is_open:
            try:
                self._connection.close()
            except AMQPError:  # pragma: no cover - closing a broken connection
                pass
        self._connection = None
        self._channel = None


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        amqp_url: str,
        *,
        poll_seconds: float = 0.5,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        self.database = database
        self.publisher = AmqpPublisher(amqp_url)
        self.poll_seconds = poll_seconds
        self.retention = retention
        self._next_prune = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.healthy = True
        database.on_events_committed(self.wake)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.publisher.close()

    def _run(self) -> None:
        backoff = self.poll_seconds
        while not self._stop.is_set():
            try:
                if time.monotonic() >= self._next_prune:
                    self.prune()
                published = self.publish_pending()
                self.healthy = True
                backoff = self.poll_seconds
                if published:
                    continue  # there may be more
            except Exception:
                log.exception("outbox relay pass failed; retrying in %.1fs", backoff)
                self.publisher.close()
                self.healthy = False
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            self._wake.wait(backoff)
            self._wake.clear()

    def prune(self) -> int:
        """Delete rows sent longer ago than the retention; runs about once an hour."""
        self._next_prune = time.monotonic() + PRUNE_INTERVAL_SECONDS
        with self.database.unit_of_work() as uow:
            pruned = prune_outbox(uow.session, older_than=utcnow() - self.retention)
        if pruned:
            log.info("pruned %d sent outbox rows", pruned)
        return pruned

    def publish_pending(self) -> int:
        """Claim and publish one batch of due rows; return how many were handled."""
        now = utcnow()
        with self.database.unit_of_work() as uow:
            query = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
            rows = list(uow.session.scalars(query))
            # measured after the lock was granted (BEGIN IMMEDIATE may have waited for it)
            lease_until = utcnow() + timedelta(seconds=LEASE_SECONDS)
            for row in rows:
                row.next_attempt_at = lease_until
        handled = 0
        for row in rows:
            if self._stop.is_set():
                break
            self._publish_row(row)
            handled += 1
        return handled

    def _publish_row(self, row: OutboxMessage) -> None:
        parent = propagate.extract(json.loads(row.trace_headers or "{}"))
        with tracer.start_as_current_span(
            f"{row.routing_key} publish",
            context=parent,
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "publish",
                "messaging.destination.name": row.exchange,
                "messaging.rabbitmq.destination.routing_key": row.routing_key,
                "messaging.message.id": row.event_id,
                "crm.event.type": row.event_type,
            },
        ) as span:
            headers = {
                wire.HEADER_EVENT_ID: row.event_id,
                wire.HEADER_EVENT_TYPE: row.event_type,
                wire.HEADER_OCCURRED_AT: row.occurred_at.isoformat(),
            }
            propagate.inject(headers)
            try:
                routed = self.publisher.publish(
                    exchange=row.exchange,
                    routing_key=row.routing_key,
                    body=row.payload.encode(),
                    message_id=row.event_id,
                    headers=headers,
                )
            except (AMQPError, NackError, OSError) as exc:
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                self._record_failure(row.id, exc)
                raise
            if not routed:
                span.set_attribute("crm.event.unrouted", True)
                # Normal for events nobody consumes (yet): consumer queues are declared at
                # migration time, so this never means a consumer missed it.
                log.info("event %s (%s) has no subscriber", row.routing_key, row.event_id)
            self._mark_sent(row.id, OutboxStatus.PUBLISHED if routed else OutboxStatus.UNROUTED)

    def _mark_sent(self, row_id: int, status: str) -> None:
        with self.database.unit_of_work() as uow:
            row = uow.session.get(OutboxMessage, row_id)
            row.status = status
            row.published_at = utcnow()
            row.attempts += 1

    def _record_failure(self, row_id: int, exc: Exception) -> None:
        try:
            with self.database.unit_of_work() as uow:
                row = uow.session.get(OutboxMessage, row_id)
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                delay = min(2 ** min(row.attempts, 10) * 0.5, MAX_BACKOFF_SECONDS)
                row.next_attempt_at = utcnow() + timedelta(seconds=delay)
        except Exception:
            log.exception("could not record the publish failure of outbox row %s", row_id)
