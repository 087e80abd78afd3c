"""Quotes: line arithmetic, totals, validity and the status machine (pure).

A line's total is quantity × unit price less the line's discount; the quote's subtotal is the
sum of the lines, its discount (basis points) comes off the subtotal, and every amount is
rounded half up to a whole minor unit once, where it is computed. All lines share the
quote's currency. Statuses: draft → sent → accepted / rejected, and sent → expired once the
last valid day has passed; only drafts are edited or deleted. A draft whose discount
an approval policy holds goes to pending_approval when sent instead, and on to sent once
approved (:mod:`sales_service.approvals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crm_shared.errors import FailedPrecondition, FieldViolation

QUANTITY = re.compile(r"^\d{1,9}(\.\d{1,4})?$")
MAX_LINES = 200
FULL = 10_000  # basis points in 100 %


@dataclass(frozen=True)
class Line:
    product_code: str
    description: str
    quantity: str
    unit_price_minor: int
    discount_basis_points: int


@dataclass(frozen=True)
class Totals:
    line_totals: tuple[int, ...]
    subtotal: int
    discount: int
    total: int


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_total(line: Line) -> int:
    gross = Decimal(line.quantity) * line.unit_price_minor
    return _round(gross * (FULL - line.discount_basis_points) / FULL)


def totals(lines: list[Line], discount_basis_points: int) -> Totals:
    line_totals = tuple(line_total(line) for line in lines)
    subtotal = sum(line_totals)
    discount = _round(Decimal(subtotal) * discount_basis_points / FULL)
    return Totals(line_totals, subtotal, discount, subtotal - discount)


def line_violations(index: int, quantity: str, unit_price_minor: int, currency: str,
                    quote_currency: str, discount_basis_points: int, description: str,
                    product_code: str) -> list[FieldViolation]:
    field = f"quote.line_items[{index}]"
    violations = []
    try:
        valid_quantity = bool(QUANTITY.match(quantity)) and Decimal(quantity) > 0
    except InvalidOperation:
        valid_quantity = False
    if not valid_quantity:
        violations.append(FieldViolation(f"{field}.quantity",
                                         "must be a positive decimal such as 3 or 2.5"))
    if not currency:
        violations.append(FieldViolation(f"{field}.unit_price", "is required"))
    elif currency != quote_currency:
        violations.append(FieldViolation(f"{field}.unit_price.currency_code",
                                         "all lines of a quote share one currency"))
    if unit_price_minor < 0:
        violations.append(FieldViolation(f"{field}.unit_price.amount_minor",
                                         "must not be negative"))
    if not 0 <= discount_basis_points <= FULL:
        violations.append(FieldViolation(f"{field}.discount_basis_points",
                                         "must be between 0 and 10000"))
    if not (description.strip() or product_code.strip()):
        violations.append(FieldViolation(f"{field}.description",
                                         "a line needs a description or a product code"))
    if len(description) > 1000 or len(product_code) > 100:
        violations.append(FieldViolation(f"{field}.description",
                                         "must be at most 1000 characters (code 100)"))
    return violations


def status_on(status: str, valid_until: date | None, today: date) -> str:
    """The status as of ``today``: a sent quote past its last valid day is expired."""
    if status == "sent" and valid_until is not None and today > valid_until:
        return "expired"
    return status


def require_draft(status: str, action: str) -> None:
    if status != "draft":
        raise FailedPrecondition(f"only a draft quote can be {action}; this one is {status}")


def plan_send(status: str, valid_until: date | None, today: date, line_count: int) -> None:
    require_draft(status, "sent")
    if line_count == 0:
        raise FailedPrecondition("a quote without line items cannot be sent")
    if valid_until is not None and valid_until < today:
        raise FailedPrecondition("the quote's validity ended before today; change it first")


def plan_decision(status: str, valid_until: date | None, today: date) -> None:
    """Only a sent quote still valid today can be accepted or rejected."""
    current = status_on(status, valid_until, today)
    if current == "pending_approval":
        raise FailedPrecondition("the quote waits for approval of its discount; it can be "
                                 "decided once approved and sent")
    if current != "sent":
        raise FailedPrecondition(f"only a sent, still valid quote can be decided; this one is "
                                 f"{current}")


def number_for(day: date, sequence: int, prefix: str = "Q") -> str:
    """``Q20240301-0003``: the day's running number."""
    return f"{prefix}{day:%Y%m%d}-{sequence:04d}"
