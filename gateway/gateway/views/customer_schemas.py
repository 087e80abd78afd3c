"""Response schemas of the customer routes, derived from the contract's messages.

A response body is ``protojson.to_json`` of a ``crm.customer.v1`` message; its pydantic model
is built here from the same message descriptor, so every field the contract has is
documented (and validated on the way out) with the REST conventions of :mod:`crm_shared.protojson`:
enums as lower-case words or ``null``, timestamps as RFC 3339 strings, unset messages as
``null``. Models are named after their message, with ``Customer`` in front where the name
alone could clash with another area's (``Contact`` → ``CustomerContact``). A model carries the
example the OpenAPI document shows when its first :func:`response_model` call gives one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from crm_shared.protojson import enum_words
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from pydantic import BaseModel, ConfigDict, create_model

_SCALARS: dict[int, type] = {
    FieldDescriptor.TYPE_STRING: str,
    FieldDescriptor.TYPE_BYTES: str,
    FieldDescriptor.TYPE_BOOL: bool,
    FieldDescriptor.TYPE_DOUBLE: float,
    FieldDescriptor.TYPE_FLOAT: float,
    FieldDescriptor.TYPE_INT32: int,
    FieldDescriptor.TYPE_INT64: int,
    FieldDescriptor.TYPE_UINT32: int,
    FieldDescriptor.TYPE_UINT64: int,
    FieldDescriptor.TYPE_SINT32: int,
    FieldDescriptor.TYPE_SINT64: int,
}
_WELL_KNOWN: dict[str, Any] = {
    "google.protobuf.Timestamp": datetime,
    "google.protobuf.Duration": str,
    "google.protobuf.Struct": dict[str, Any],
    "google.protobuf.StringValue": str,
    "google.protobuf.BoolValue": bool,
    "google.protobuf.Int32Value": int,
    "google.protobuf.Int64Value": int,
    "google.protobuf.DoubleValue": float,
}

_BUILT: dict[str, type[BaseModel]] = {}


def use_model(full_name: str, model: type[BaseModel]) -> None:
    """Document ``full_name`` messages with a hand-written model (e.g. one with examples)."""
    _BUILT[full_name] = model


def model_name(descriptor: Descriptor) -> str:
    name = descriptor.name
    return name if name.startswith(("Customer", "PersonalData")) else f"Customer{name}"


def _enum(field: FieldDescriptor) -> Any:
    return Literal[tuple(enum_words(field.enum_type))]  # type: ignore[misc]


def _item(field: FieldDescriptor) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return _enum(field) | None
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        known = _WELL_KNOWN.get(field.message_type.full_name)
        return known if known is not None else response_model(field.message_type)
    return _SCALARS[field.type]


def response_model(
    descriptor: Descriptor, example: dict[str, Any] | None = None
) -> type[BaseModel]:
    """The pydantic model of ``descriptor`` as the REST API writes it (built once).

    ``example`` is the body the OpenAPI document shows for it. It can only come with the call
    that builds the model: a model already built (directly or as a field of another) is shared
    as it is, so a late example raises instead of being silently lost.
    """
    if descriptor.full_name in _BUILT:
        if example is not None:
            raise ValueError(f"{descriptor.full_name} is already built; give its example first")
        return _BUILT[descriptor.full_name]
    fields: dict[str, Any] = {}
    for field in descriptor.fields:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = _item(field.message_type.fields_by_name["value"])
            fields[field.name] = (dict[str, value], ...)
        elif field.is_repeated:
            fields[field.name] = (list[_item(field)], ...)
        elif field.type == FieldDescriptor.TYPE_MESSAGE or field.has_presence:
            fields[field.name] = (_item(field) | None, None)
        elif field.type == FieldDescriptor.TYPE_ENUM:
            fields[field.name] = (_item(field), None)
        else:
            fields[field.name] = (_item(field), ...)
    model = create_model(
        model_name(descriptor),
        __config__=ConfigDict(
            extra="ignore", json_schema_extra={"examples": [example]} if example else None
        ),
        __doc__=f"``{descriptor.full_name}`` in the REST conventions.",
        __module__=__name__,
        **fields,
    )
    _BUILT[descriptor.full_name] = model
    return model
