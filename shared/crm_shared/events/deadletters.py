"""``crm-deadletters``: list and replay the messages a service's worker gave up on.

    crm-deadletters --service notification list
    crm-deadletters --service notification replay --event-id 6f1c...
    crm-deadletters --service notification replay --all

Replay puts the message back on the queue of the handler that failed, with its attempt
count reset; the handler is idempotent, so replaying something already handled is harmless.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

import pika

from crm_shared.events import topology, wire


@dataclass
class DeadLetter:
    event_id: str
    event_type: str
    queue: str
    attempts: int
    error: str
    body: bytes
    properties: pika.BasicProperties


def _connect(amqp_url: str):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    return connection, channel


def _as_dead_letter(body: bytes, properties: pika.BasicProperties) -> DeadLetter:
    headers = dict(properties.headers or {})
    queue = headers.get(wire.HEADER_ORIGINAL_QUEUE)
    deaths = headers.get("x-death") or []
    if not queue and deaths:
        # Rejected by the broker route (undecodable, delivery limit): RabbitMQ's own record.
        queue = deaths[0].get("queue", "")
        headers.setdefault(wire.HEADER_ERROR, f"rejected by the consumer ({deaths[0].get('reason')})")
        headers.setdefault(wire.HEADER_ATTEMPT, sum(int(d.get("count", 1)) for d in deaths))
    return DeadLetter(
        event_id=str(headers.get(wire.HEADER_EVENT_ID) or properties.message_id or ""),
        event_type=str(headers.get(wire.HEADER_EVENT_TYPE, "")),
        queue=str(queue or ""),
        attempts=int(headers.get(wire.HEADER_ATTEMPT, 0)),
        error=str(headers.get(wire.HEADER_ERROR, "")),
        body=body,
        properties=properties,
    )


def list_dead_letters(amqp_url: str, service: str) -> list[DeadLetter]:
    """Peek at every dead letter without consuming it (they are requeued on close)."""
    connection, channel = _connect(amqp_url)
    try:
        letters = []
        queue = topology.dead_letter_queue_name(service)
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            letters.append(_as_dead_letter(body, properties))
        return letters
    finally:
        connection.close()  # unacked messages go back to the queue, order kept


def replay_dead_letters(amqp_url: str, service: str, event_ids: set[str] | None) -> list[DeadLetter]:
    """Move matching dead letters (all when ``event_ids`` is None) back to their queues."""
    return _take_dead_letters(amqp_url, service, event_ids, republish=True)


def discard_dead_letters(amqp_url: str, service: str, event_ids: set[str]) -> list[DeadLetter]:
    """Remove the named dead letters for good (the caller keeps the audit record)."""
    return _take_dead_letters(amqp_url, service, event_ids, republish=False)


def _take_dead_letters(amqp_url: str, service: str, event_ids: set[str] | None, *,
                       republish: bool) -> list[DeadLetter]:
    connection, channel = _connect(amqp_url)
    taken: list[DeadLetter] = []
    try:
        queue = topology.dead_letter_queue_name(service)
        keep = []
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            letter = _as_dead_letter(body, properties)
            if (letter.queue or not republish) and (event_ids is None or letter.event_id in event_ids):
                if republish:
                    headers = dict(properties.headers or {})
                    headers[wire.HEADER_ATTEMPT] = 0
                    for name in (wire.HEADER_ERROR, wire.HEADER_ORIGINAL_QUEUE):
                        headers.pop(name, None)
                    properties.headers = headers
                    channel.basic_publish("", letter.queue, body, properties, mandatory=True)
                channel.basic_ack(method.delivery_tag)
                taken.append(letter)
            else:
                keep.append(method.delivery_tag)
        for tag in keep:
            channel.basic_nack(tag, requeue=True)
        return taken
    finally:
        connection.close()


def main(argv: list[str] | None = None, *, service: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm-deadletters", description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp-url", default=os.environ.get("AMQP_URL"))
    if service is None:
        parser.add_argument("--service", required=True)
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="show the dead letters")
    replay = sub.add_parser("replay", help="put dead letters back on their queue")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--event-id", action="append", dest="event_ids")
    which.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    service = service or args.service
    if not args.amqp_url:
        parser.error("AMQP_URL is not set (or pass --amqp-url)")
    if args.command == "list":
        letters = list_dead_letters(args.amqp_url, service)
    else:
        letters = replay_dead_letters(
            args.amqp_url, service, None if args.all else set(args.event_ids)
        )
    for letter in letters:
        row = {
            "event_id": letter.event_id,
            "event_type": letter.event_type,
            "queue": letter.queue,
            "attempts": letter.attempts,
            "error": letter.error,
        }
        print(json.dumps(row) if args.json else "  ".join(f"{k}={v}" for k, v in row.items()))
    verb = "dead letters" if args.command == "list" else "replayed"
    print(f"{len(letters)} {verb}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
