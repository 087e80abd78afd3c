"""``@on_event``: the one way a worker consumes an event.

::

    class NotificationWorker:
        name = "notification"

        @on_event(customer_events_pb2.CustomerCreated)
        def customer_created(self, event, ctx: EventContext):
            ctx.session.add(...)

The source service and routing key come from the event message's contract. Around the
handler the decorator: continues the producer's trace (CONSUMER span, child of the publish
span), opens one unit of work, skips an event this consumer already processed, records it
as processed in the same transaction, and commits before the message is acked. A handler
that raises is retried with back-off and then dead-lettered (see :mod:`topology`).
"""

from __future__ import annotations

import functools
import logging
import traceback
from dataclasses import dataclass, field
from functools import partial

from amqp.exceptions import ConnectionError as AmqpConnectionError
from amqp.exceptions import RecoverableConnectionError
from google.protobuf.message import Message
from kombu import Queue
from nameko.amqp.publish import Publisher, get_connection
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import QueueConsumer
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from crm_shared.db import Database, UnitOfWork, database_unreachable
from crm_shared.events import ledger, topology, wire

log = logging.getLogger(__name__)
tracer = trace.get_tracer("crm_shared.events.handlers")

CONFIG_DATABASE = "CRM_DATABASE"
CONFIG_QUEUE_TYPE = "CRM_QUEUE_TYPE"
CONFIG_RETRY_DELAYS = "CRM_RETRY_DELAYS"
CONFIG_SETTINGS = "CRM_SETTINGS"  # the worker's settings object, for timers that need them


# What a settle (ack, requeue) raises when the broker connection is gone: the socket's errors
# and py-amqp's connection errors (a channel error, such as an unknown delivery tag, is not one).
BROKER_GONE = (OSError, AmqpConnectionError, RecoverableConnectionError)


class PoisonMessage(Exception):
    """The message cannot be understood; retrying will not help."""


def is_transient(exc: BaseException) -> bool:
    """The handler could not run (its database is unreachable), rather than failed on the
    message: retried without counting, so an outage does not fill the dead-letter queue."""
    return database_unreachable(exc)


@dataclass
class EventContext:
    """What a handler gets besides the event: its transaction and the envelope."""

    uow: UnitOfWork
    event_id: str
    event_type: str
    headers: dict = field(repr=False)

    @property
    def session(self):
        return self.uow.session

    def emit(self, message: Message, *, key: str | None = None) -> str:
        return self.uow.emit(message, key=key)


@dataclass(frozen=True)
class _Delivery:
    database: Database
    consumer: str
    event_name: str
    exchange: str


class _RejectingQueueConsumer(QueueConsumer):
    """nameko's queue consumer, but a message kombu cannot decode (a foreign content type,
    broken encoding) is rejected into the queue's dead-letter route. nameko sets no decode
    error handler, so such a message would otherwise crash the consumer loop and, redelivered,
    crash it again forever."""

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for consumer in consumers:
            consumer.on_decode_error = self._reject_undecodable
        return consumers

    @staticmethod
    def _reject_undecodable(message, exc) -> None:
        log.error("undecodable message %s rejected to dead letters: %s",
                  (message.headers or {}).get(wire.HEADER_EVENT_ID), exc)
        message.reject(requeue=False)


class EventEntrypoint(EventHandler):
    """nameko's EventHandler with the suite's delivery rules (DLX, retry queues, DLQ)."""

    queue_consumer = _RejectingQueueConsumer()

    def __init__(self, message_type: type[Message], **kwargs) -> None:
        descriptor = message_type.DESCRIPTOR
        super().__init__(wire.source_service(descriptor), wire.event_name(descriptor), **kwargs)
        self.message_type = message_type

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        service = self.container.service_name
        queue_type = config.get(CONFIG_QUEUE_TYPE, "classic")
        self.retry_delays = tuple(config.get(CONFIG_RETRY_DELAYS, (1.0, 5.0, 30.0)))
        self.queue = topology.consumer_queue(
            self.source_service, self.event_type, service, self.method_name, queue_type
        )
        self.retry_queues = [
            topology.retry_queue(self.queue.name, delay, queue_type) for delay in self.retry_delays
        ]
        self.dead_letter_queue = topology.dead_letter_queue(service, queue_type)
        with get_connection(config["AMQP_URI"]) as connection:
            channel = connection.channel()
            for queue in (self.dead_letter_queue, *self.retry_queues):
                queue.bind(channel).declare()
        self.delivery = _Delivery(
            database=config[CONFIG_DATABASE],
            consumer=f"{service}.{self.method_name}",
            event_name=self.event_type,
            exchange=wire.exchange_name(self.source_service),
        )
        self.publisher = Publisher(config["AMQP_URI"])

    def handle_message(self, body, message) -> None:
        headers = dict(message.headers or {})
        headers.setdefault(wire.HEADER_EVENT_ID, message.properties.get("message_id"))
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(
                self, (body, headers, self.delivery), {}, context_data={}, handle_result=handle_result
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            self._settle(self.queue_consumer.ack_message, message)
            return result, exc_info
        try:
            self._retry_or_dead_letter(message, exc_info)
        except Exception:
            log.exception("could not schedule a retry; requeueing the message")
            self._settle(self.queue_consumer.requeue_message, message)
        else:
            self._settle(self.queue_consumer.ack_message, message)
        return result, exc_info

    @staticmethod
    def _settle(settle, message) -> None:
        """Ack or requeue; a broker that went away meanwhile (a restart) is not this worker's
        error: it delivers the message again and the ledger makes that harmless. Raised here,
        nameko would end the whole worker and every task it runs (the chaos harness saw a
        broker restart stop a delivery between its SMTP send and its record, which then sent
        the e-mail again)."""
        try:
            settle(message)
        except BROKER_GONE as exc:
            log.warning("the broker connection went away before message %s was settled (%s); "
                        "it will be delivered again", message.properties.get("message_id"),
                        type(exc).__name__)

    def _retry_or_dead_letter(self, message, exc_info) -> None:
        headers = dict(message.headers or {})
        exc_type, exc, _tb = exc_info
        if is_transient(exc):
            waits = int(headers.get(wire.HEADER_TRANSIENT, 0)) + 1
            headers[wire.HEADER_TRANSIENT] = waits
            target = self.retry_queues[min(waits, len(self.retry_queues)) - 1]
            log.warning("handler %s could not run (%s); retrying without counting an attempt",
                        self.delivery.consumer, type(exc).__name__)
            self._republish(message, target, headers)
            return
        attempt = int(headers.get(wire.HEADER_ATTEMPT, 0)) + 1
        headers[wire.HEADER_ATTEMPT] = attempt
        poison = isinstance(exc, PoisonMessage)
        if not poison and attempt <= len(self.retry_queues):
            target = self.retry_queues[attempt - 1]
            log.warning(
                "handler %s failed (attempt %d), retrying in %s ms: %s",
                self.delivery.consumer, attempt, target.queue_arguments["x-message-ttl"], exc,
            )
        else:
            target = self.dead_letter_queue
            headers[wire.HEADER_ORIGINAL_QUEUE] = self.queue.name
            headers[wire.HEADER_ERROR] = "".join(
                traceback.format_exception_only(exc_type, exc)
            ).strip()[:1000]
            log.error("handler %s gave up on %s: dead-lettered", self.delivery.consumer,
                      headers.get(wire.HEADER_EVENT_ID))
        self._republish(message, target, headers)

    def _republish(self, message, target: Queue, headers: dict) -> None:
        self.publisher.publish(
            message.body,
            exchange=None,
            routing_key=target.name,
            headers=headers,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            message_id=message.properties.get("message_id"),
            declare=[target],
            mandatory=True,
        )


def worker_queues(worker_cls: type, queue_type: str) -> list[Queue]:
    """Every consumer queue of a worker class, exactly as its entrypoints declare them."""
    queues = []
    for method_name in sorted(dir(worker_cls)):
        for entrypoint in getattr(getattr(worker_cls, method_name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventEntrypoint):
                queues.append(topology.consumer_queue(
                    entrypoint.source_service, entrypoint.event_type, worker_cls.name,
                    method_name, queue_type,
                ))
    return queues


def declare_worker_topology(
    amqp_url: str, worker_cls: type, *, queue_type: str, retry_delays: tuple[float, ...]
) -> list[str]:
    """Declare a worker's exchanges, queues, bindings, retry queues and dead-letter queue.

    Run by ``<svc>-service migrate`` (a pre-install hook in Kubernetes), so every queue exists
    before any publisher starts: an event is never unroutable just because its consumer has
    not started yet. Idempotent; the worker declares the same things again when it starts.
    """
    declared = []
    with get_connection(amqp_url) as connection:
        channel = connection.channel()
        topology.dead_letter_queue(worker_cls.name, queue_type).bind(channel).declare()
        for queue in worker_queues(worker_cls, queue_type):
            queue.exchange.bind(channel).declare()
            queue.bind(channel).declare()
            for delay in retry_delays:
                topology.retry_queue(queue.name, delay, queue_type).bind(channel).declare()
            declared.append(queue.name)
    return declared


def on_event(message_type: type[Message], **entrypoint_options):
    """Declare a worker method as the idempotent, traced handler of one event type."""

    def decorator(fn):
        @functools.wraps(fn)
        def handle(self, body, headers: dict, delivery: _Delivery):
            return _run_handler(fn, self, message_type, body, headers, delivery)

        return EventEntrypoint.decorator(message_type, **entrypoint_options)(handle)

    return decorator


def _run_handler(fn, service, message_type, body, headers, delivery: _Delivery):
    event_id = headers.get(wire.HEADER_EVENT_ID)
    event_type = headers.get(wire.HEADER_EVENT_TYPE, message_type.DESCRIPTOR.full_name)
    parent = propagate.extract({k: v for k, v in headers.items() if isinstance(v, str)})
    with tracer.start_as_current_span(
        f"{delivery.event_name} process",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "process",
            "messaging.destination.name": delivery.exchange,
            "messaging.rabbitmq.destination.routing_key": delivery.event_name,
            "messaging.message.id": event_id or "",
            "messaging.consumer.group.name": delivery.consumer,
            "crm.event.type": event_type,
        },
    ) as span:
        if not event_id:
            raise PoisonMessage("message has no event_id header")
        try:
            event = wire.decode(body, message_type)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the message's fault
            raise PoisonMessage(f"body is not a valid {message_type.DESCRIPTOR.full_name}: {exc}")
        with delivery.database.unit_of_work() as uow:
            if ledger.already_processed(uow.session, delivery.consumer, event_id):
                span.set_attribute("crm.event.duplicate", True)
                return None
            context = EventContext(uow=uow, event_id=event_id, event_type=event_type, headers=headers)
            result = fn(service, event, context)
            ledger.mark_processed(uow.session, delivery.consumer, event_id, event_type)
        return result
