"""Money of the deals part: ``crm.common.v1.Money`` ⇄ (minor units, currency) columns.

Amounts are integer minor units with an ISO 4217 code; rows keep both as NULL for "no amount".
"""

from __future__ import annotations

import re

from crm.common.v1 import types_pb2
from crm_shared.errors import FieldViolation

CURRENCY = re.compile(r"^[A-Z]{3}$")


def money(minor: int | None, currency: str | None) -> types_pb2.Money | None:
    """The proto of stored columns; None when no amount is stored."""
    if currency is None or minor is None:
        return None
    return types_pb2.Money(currency_code=currency, amount_minor=minor)


def columns_of(value: types_pb2.Money | None) -> tuple[int | None, str | None]:
    """(minor units, currency) to store; (None, None) for an absent or empty amount."""
    if value is None or not value.currency_code:
        return None, None
    return value.amount_minor, value.currency_code


def money_violations(value: types_pb2.Money, field: str, *, required: bool = False,
                     positive: bool = False, currency: str | None = None) -> list[FieldViolation]:
    """Checks of a submitted amount: a currency code when anything is given, no negatives (a
    deal amount is not a refund), strictly positive when ``positive``, and ``currency`` when the
    amount must share one with something else (quote lines, a contract's payments)."""
    if not value.currency_code:
        if required or value.amount_minor:
            return [FieldViolation(f"{field}.currency_code", "is required")]
        return []
    if not CURRENCY.match(value.currency_code):
        return [FieldViolation(f"{field}.currency_code", "must be an ISO 4217 code such as CNY")]
    if currency is not None and value.currency_code != currency:
        return [FieldViolation(f"{field}.currency_code", f"must be {currency}")]
    if value.amount_minor < 0:
        return [FieldViolation(f"{field}.amount_minor", "must not be negative")]
    if positive and value.amount_minor == 0:
        return [FieldViolation(f"{field}.amount_minor", "must be positive")]
    return []
