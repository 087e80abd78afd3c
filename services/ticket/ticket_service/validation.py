"""Request checks shared by the ticket servicer's modules."""

from __future__ import annotations

from crm_shared.errors import FieldViolation, InvalidArgument


def refuse(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidArgument(violations)


def required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "is required")]
