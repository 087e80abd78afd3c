"""Request fields a service does not handle yet are refused, never silently ignored.

A caller who sets a filter the service ignores gets a wrong answer that looks right; one who
sets a field the service does not store loses data. Both get INVALID_ARGUMENT naming the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from google.protobuf.message import Message

from crm_shared.errors import FieldViolation, InvalidArgument

NOT_SUPPORTED = "is not supported by this version of the service"


def unsupported_fields(
    message: Message, handled: Iterable[str], *, prefix: str = "", ignored: Iterable[str] = ()
) -> list[FieldViolation]:
    """Violations for every field set in ``message`` that is neither handled nor ignored
    (ignored: output-only fields a caller may echo back, per AIP-203)."""
    accepted = set(handled) | set(ignored)
    return [
        FieldViolation(f"{prefix}{field.name}", NOT_SUPPORTED)
        for field, _value in message.ListFields()
        if field.name not in accepted
    ]


def refuse_unsupported(
    message: Message, handled: Iterable[str], *, prefix: str = "", ignored: Iterable[str] = ()
) -> None:
    """Raise INVALID_ARGUMENT naming every field of ``message`` that is not handled."""
    violations = unsupported_fields(message, handled, prefix=prefix, ignored=ignored)
    if violations:
        raise InvalidArgument(violations)


def request_id_violations(request_id: str, field: str = "request_id") -> list[FieldViolation]:
    """A create's ``request_id`` (AIP-155) is optional, and a UUID when given."""
    if not request_id:
        return []
    try:
        uuid.UUID(request_id)
    except ValueError:
        return [FieldViolation(field, "must be a UUID")]
    return []
