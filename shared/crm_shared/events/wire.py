"""The wire format of events, shared by the publishing relay and the consuming handlers.

Exchange ``<service>.events`` (topic, durable), routing key the event name declared in the
``.proto`` (``option (crm.common.v1.event_name)``), body the proto3 JSON of the event message,
and headers naming the event (see :data:`HEADER_*`). The format is nameko-compatible: nameko
declares the same exchange and decodes the JSON body.
"""

from __future__ import annotations

from crm.common.v1 import options_pb2
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

HEADER_EVENT_ID = "event_id"
HEADER_EVENT_TYPE = "event_type"
HEADER_OCCURRED_AT = "occurred_at"
HEADER_ATTEMPT = "x-crm-attempt"
HEADER_TRANSIENT = "x-crm-transient"  # retries after infrastructure failures, not counted
HEADER_ORIGINAL_QUEUE = "x-crm-queue"
HEADER_ERROR = "x-crm-error"
CONTENT_TYPE = "application/json"


def source_service(descriptor: Descriptor) -> str:
    """``crm.customer.v1.CustomerCreated`` → ``customer``."""
    parts = descriptor.full_name.split(".")
    if len(parts) < 4 or parts[0] != "crm":
        raise ValueError(f"{descriptor.full_name} is not a crm.<service>.v<N> message")
    return parts[1]


def exchange_name(service: str) -> str:
    return f"{service}.events"


def event_name(descriptor: Descriptor) -> str:
    name = descriptor.GetOptions().Extensions[options_pb2.event_name]
    if not name:
        raise ValueError(f"{descriptor.full_name} declares no (crm.common.v1.event_name) option")
    return name


def encode(message: Message) -> str:
    return json_format.MessageToJson(message, indent=None, sort_keys=True)


def decode(body: object, message_type: type[Message]) -> Message:
    """Parse a JSON body (already decoded by kombu into a dict, or raw text) into ``message_type``.

    Unknown fields are ignored so an older consumer keeps working when a newer publisher adds
    fields — the compatible evolution the contract tests allow.
    """
    message = message_type()
    if isinstance(body, (bytes, str)):
        json_format.Parse(body, message, ignore_unknown_fields=True)
    else:
        json_format.ParseDict(body, message, ignore_unknown_fields=True)
    return message
