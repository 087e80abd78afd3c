"""The customer record as field paths: which column holds ``enterprise.legal_name``, the values
of a stored customer by path, and writing cleaned values back. No I/O.

Field paths are the proto's (``phone``, ``enterprise.industry``), the same names that update
masks, revisions, completeness and CSV columns use.
"""

from __future__ import annotations

from datetime import date

from customer_service.models import Customer
from customer_service.rules import RECORD_PATHS

# Field path -> column of ``customers``; money is two columns and handled apart.
COLUMN_OF = {
    path: path.split(".", 1)[-1] for path in RECORD_PATHS if path != "enterprise.annual_revenue"
}
REVENUE = "enterprise.annual_revenue"

# Fields whose changes the revision history keeps (the ones people are accountable for).
KEY_FIELDS = frozenset(RECORD_PATHS) | {
    "owner_id",
    "department_path",
    "type",
    "state",
    "lifecycle_stage",
    "tags",
}


def values_of(customer: Customer) -> dict[str, object]:
    """Every record field path of ``customer`` with its stored value."""
    values: dict[str, object] = {
        path: getattr(customer, column) for path, column in COLUMN_OF.items()
    }
    values[REVENUE] = (
        (customer.annual_revenue_currency or "CNY", customer.annual_revenue_minor)
        if customer.annual_revenue_minor
        else None
    )
    return values


def apply(customer: Customer, clean: dict[str, object]) -> dict[str, tuple[object, object]]:
    """Write cleaned values onto ``customer``; return {path: (old, new)} of what really changed."""
    before = values_of(customer)
    changed: dict[str, tuple[object, object]] = {}
    for path, value in clean.items():
        if before.get(path) == value:
            continue
        changed[path] = (before.get(path), value)
        if path == REVENUE:
            currency, minor = value if value else (None, None)
            customer.annual_revenue_currency, customer.annual_revenue_minor = currency, minor
        else:
            setattr(customer, COLUMN_OF[path], value)
    return changed


def text_of(value: object) -> str:
    """A stored value as revision text."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):  # money
        currency, minor = value
        return f"{minor / 100:.2f} {currency}"
    return str(value)
