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

from kombu import Queue


def dead_letter_queue_name(service: str) -> str:
    return f"{service}.dead-letters"


def retry_queue_name(queue: str, delay_seconds: float) -> str:
    return f"{queue}.retry.{int(delay_seconds * 1000)}"


def _type_args(queue_type: str) -> dict:
    return {"x-queue-type": queue_type}


def consumer_queue_arguments(service: str, queue_type: str) -> dict:
    args = {
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": dead_letter_queue_name(service),
        **_type_args(queue_type),
    }
    if queue_type == "quorum":
        args["x-delivery-limit"] = 20
    return args


def retry_queue(queue: str, delay_seconds: float, queue_type: str) -> Queue:
    return Queue(
        retry_queue_name(queue, delay_seconds),
        durable=True,
        queue_arguments={
            "x-message-ttl": int(delay_seconds * 1000),
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queue,
            **_type_args(queue_type),
        },
    )


def dead_letter_queue(service: str, queue_type: str) -> Queue:
    return Queue(dead_letter_queue_name(service), durable=True, queue_arguments=_type_args(queue_type))
