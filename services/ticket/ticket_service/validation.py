"""Request checks shared by the ticket servicer's modules."""

from __future__ import annotations

import re

from crm.ticket.v1 import ticket_pb2
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.field_limits import max_lengths

CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 \-()]{4,38}$")
TEXT_LIMITS = max_lengths(ticket_pb2.Ticket)  # declared once, published by the gateway too


def refuse(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidArgument(violations)


def required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "is required")]


def descriptive_violations(data: ticket_pb2.Ticket, fields: set[str],
                           prefix: str = "ticket.") -> list[FieldViolation]:
    """Checks of the descriptive fields named in ``fields`` (create or update)."""
    violations: list[FieldViolation] = []
    for name, limit in TEXT_LIMITS.items():
        if name in fields and len(getattr(data, name)) > limit:
            violations.append(FieldViolation(prefix + name, f"must be at most {limit} characters"))
    for name in ("title", "description"):
        if name in fields:
            violations += required(getattr(data, name), prefix + name)
    if "category" in fields and data.category and not CATEGORY.match(data.category):
        violations.append(FieldViolation(prefix + "category",
                                         "must be a lower-case name such as product_quality"))
    if "keywords" in fields:
        if len(data.keywords) > 30:
            violations.append(FieldViolation(prefix + "keywords", "must list at most 30 keywords"))
        if any(not word.strip() or len(word) > 50 for word in data.keywords):
            violations.append(FieldViolation(prefix + "keywords",
                                             "must be non-empty words of at most 50 characters"))
    if "reporter_email" in fields and data.reporter_email and not EMAIL.match(data.reporter_email):
        violations.append(FieldViolation(prefix + "reporter_email", "is not an e-mail address"))
    if "reporter_phone" in fields and data.reporter_phone and not PHONE.match(data.reporter_phone):
        violations.append(FieldViolation(prefix + "reporter_phone", "is not a phone number"))
    if "external_ids" in fields and (len(data.external_ids) > 20 or any(
            not key or len(key) > 50 or len(value) > 100
            for key, value in data.external_ids.items())):
        violations.append(FieldViolation(prefix + "external_ids",
                                         "must hold at most 20 non-empty keys of short ids"))
    return violations
