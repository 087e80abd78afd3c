"""Queue names and arguments of a consumer: its queue, its retry queues, the service's DLQ.

A handler's queue is nameko's (``evt-<source>-<event>--<service>.<method>``). A failed
message is re-published to ``<queue>.retry.<ms>``, a queue with a message TTL that
dead-letters back into the handler's queue, so back-off needs no timer in the worker and
survives a restart. After the last retry the message goes to ``<service>.dead-letters``,
where ``crm-deadletters`` lists and replays it. The handler's queue itself dead-letters
into the same place (a rejected message, or a quorum queue's delivery limit), so nothing
is ever dropped.
"""

from __future__ import annotations

from kombu import Exchange, Queue


def dead_letter_queue_name(service: str) -> str:
    return f"{service}.dead-letters"


def retry_queue_name(queue: str, delay_seconds: float) -> str:
    return f"{queue}.retry.{int(delay_seconds * 1000)}"


def _type_args(queue_type: str) -> dict:
    return {"x-queue-type": queue_type}


def consumer_queue_name(source: str, event_name: str, service: str, method: str) -> str:
    """nameko's name for a SERVICE_POOL event handler's queue."""
    return f"evt-{source}-{event_name}--{service}.{method}"


def events_exchange(source: str) -> Exchange:
    # The arguments nameko declares the exchange with; any other set and the broker says 406.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=2)


def consumer_queue(source: str, event_name: str, service: str, method: str, queue_type: str) -> Queue:
    return Queue(
        consumer_queue_name(source, event_name, service, method),
        exchange=events_exchange(source),
        routing_key=event_name,
        durable=True,
        queue_arguments=consumer_queue_arguments(service, queue_type),
    )


def consumer_queue_arguments(service: str, queue_type: str) -> dict:
    args = {
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": dead_letter_queue_name(service),
        **_type_args(queue_type),
    }
    if queue_type == "quorum":
        args.update(_quorum_dead_lettering())
        args["x-delivery-limit"] = 20
    return args


def _quorum_dead_lettering() -> dict:
    # Quorum queues dead-letter at most once unless told otherwise; at-least-once needs the
    # reject-publish overflow behaviour.
    return {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


def retry_queue(queue: str, delay_seconds: float, queue_type: str) -> Queue:
    return Queue(
        retry_queue_name(queue, delay_seconds),
        durable=True,
        queue_arguments={
            "x-message-ttl": int(delay_seconds * 1000),
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queue,
            **_type_args(queue_type),
            **(_quorum_dead_lettering() if queue_type == "quorum" else {}),
        },
    )


def dead_letter_queue(service: str, queue_type: str) -> Queue:
    return Queue(dead_letter_queue_name(service), durable=True, queue_arguments=_type_args(queue_type))
