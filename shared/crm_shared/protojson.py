"""Proto messages ⇄ the JSON conventions of the REST API (and the console's pages).

The REST API uses snake_case field names (the proto names), enums as lower-case words
without the type prefix (``CUSTOMER_TYPE_ENTERPRISE`` → ``enterprise``, the zero
``*_UNSPECIFIED`` value → ``null``), timestamps as RFC 3339 strings in UTC, 64-bit integers as
JSON numbers, durations as ISO 8601 strings (``PT24H``), and unset message fields as ``null``.
:func:`from_json` is the way back, for request bodies already validated by their model.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from pydantic import TypeAdapter

_TIMESTAMP = "google.protobuf.Timestamp"
_DURATION = "google.protobuf.Duration"
_STRUCT = "google.protobuf.Struct"
_TIMEDELTA = TypeAdapter(timedelta)
_WRAPPERS = {
    "google.protobuf.StringValue",
    "google.protobuf.BoolValue",
    "google.protobuf.Int32Value",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
}


def enum_prefix(enum: EnumDescriptor) -> str:
    """``CustomerType`` → ``CUSTOMER_TYPE_``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum.name).upper() + "_"


def enum_word(enum: EnumDescriptor, number: int) -> str | None:
    value = enum.values_by_number.get(number)
    if value is None or number == 0:
        return None
    return value.name.removeprefix(enum_prefix(enum)).lower()


def enum_number(enum: EnumDescriptor, word: str | None) -> int:
    """``enterprise`` → the number of ``CUSTOMER_TYPE_ENTERPRISE``; ``None``/empty → 0."""
    if not word:
        return 0
    prefix = enum_prefix(enum)
    value = enum.values_by_name.get(prefix + word.upper())
    if value is None and not word.upper().startswith(prefix):
        # Enums whose values carry no type prefix (``google.type.DayOfWeek``: ``MONDAY``).
        unprefixed = enum.values_by_name.get(word.upper())
        if unprefixed is not None and not unprefixed.name.startswith(prefix):
            value = unprefixed
    if value is None:
        raise ValueError(f"{word!r} is not a value of {enum.full_name}")
    return value.number


def enum_words(enum: EnumDescriptor) -> list[str]:
    """Every word of an enum except the zero value, in declaration order."""
    return [enum_word(enum, v.number) for v in enum.values if v.number != 0]  # type: ignore[misc]


def timestamp_text(stamp: Message) -> str | None:
    if not stamp.seconds and not stamp.nanos:
        return None
    return stamp.ToJsonString()


def duration_text(duration: Message) -> str:
    """``Duration(seconds=86400)`` → ``P1D`` (what pydantic writes for a ``timedelta``)."""
    return _TIMEDELTA.dump_python(duration.ToTimedelta(), mode="json")


def _scalar(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_word(field.enum_type, value)
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return _message_value(value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return base64.b64encode(value).decode()
    return value


def _message_value(message: Message) -> Any:
    name = message.DESCRIPTOR.full_name
    if name == _TIMESTAMP:
        return timestamp_text(message)
    if name == _DURATION:
        return duration_text(message)
    if name in _WRAPPERS:
        return message.value
    if name == _STRUCT:  # free-form JSON (e.g. a personal-data export record) stays as it is
        return json_format.MessageToDict(message)
    return to_json(message)


def to_json(message: Message) -> dict[str, Any]:
    """Every field of ``message`` in the REST conventions (unset oneof members are ``null``)."""
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            out[field.name] = {k: _scalar(value_field, v) for k, v in value.items()}
        elif field.is_repeated:
            out[field.name] = [_scalar(field, item) for item in value]
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            out[field.name] = _message_value(value) if message.HasField(field.name) else None
        elif field.has_presence and not message.HasField(field.name):
            out[field.name] = None
        else:
            out[field.name] = _scalar(field, value)
    return out


def _scalar_in(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_number(field.enum_type, value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return base64.b64decode(value)
    return value


def _fill(target: Message, value: Any) -> None:
    name = target.DESCRIPTOR.full_name
    if name == _TIMESTAMP:
        target.FromDatetime(value if isinstance(value, datetime) else datetime.fromisoformat(value))
    elif name == _DURATION:
        target.FromTimedelta(_TIMEDELTA.validate_python(value))
    elif name in _WRAPPERS:
        target.value = value
    else:
        from_json(value, target)


def from_json(data: Mapping[str, Any], message: Message) -> Message:
    """Fill ``message`` from ``data`` in the REST conventions (the inverse of :func:`to_json`)
    and return it. ``None`` leaves a field unset; keys must be fields of the message."""
    for name, value in data.items():
        field = message.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            raise ValueError(f"{name!r} is not a field of {message.DESCRIPTOR.full_name}")
        if value is None:
            continue
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            target = getattr(message, name)
            for key, item in value.items():
                if value_field.message_type is not None:
                    _fill(target[key], item)
                else:
                    target[key] = _scalar_in(value_field, item)
        elif field.is_repeated:
            target = getattr(message, name)
            for item in value:
                if field.message_type is not None:
                    _fill(target.add(), item)
                else:
                    target.append(_scalar_in(field, item))
        elif field.message_type is not None:
            _fill(getattr(message, name), value)
        else:
            setattr(message, name, _scalar_in(field, value))
    return message
