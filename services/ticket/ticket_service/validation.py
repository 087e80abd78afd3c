"""Request checks shared by the ticket servicer's modules."""

from __future__ import annotations

import uuid

from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.grpc.fields import unsupported_fields


def refuse(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidArgument(violations)


def refuse_unsupported(request, handled: set[str]) -> None:
    refuse(unsupported_fields(request, handled))


def request_id_violations(request_id: str, field: str = "request_id") -> list[FieldViolation]:
    if not request_id:
        return []
    try:
        uuid.UUID(request_id)
    except ValueError:
        return [FieldViolation(field, "must be a UUID")]
    return []


def required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "is required")]
