"""Payment plans and received payments (回款): plan checks, allocation of payments to
installments, installment status and overdue days (pure).

Allocation: payments are taken oldest first (receive date, then recording order); a payment
naming an installment fills that one first; whatever is left (or all of a payment naming
none) fills the open installments in due-date order. Money beyond the whole plan stays
unallocated (it still counts as received on the contract). Allocation is recomputed from
all counted payments whenever the plan or a payment changes, so voiding a payment simply
takes it out of the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm_shared.errors import FieldViolation


@dataclass(frozen=True)
class PlannedInstallment:
    id: str
    sequence: int
    due_date: date
    amount_minor: int


@dataclass(frozen=True)
class CountedPayment:
    id: str
    amount_minor: int
    installment_id: str | None


def allocate(installments: list[PlannedInstallment],
             payments: list[CountedPayment]) -> dict[str, int]:
    """Installment id -> amount received against it (payments in the order given)."""
    ordered = sorted(installments, key=lambda item: (item.due_date, item.sequence))
    received = {item.id: 0 for item in ordered}
    amounts = {item.id: item.amount_minor for item in ordered}
    for payment in payments:
        left = payment.amount_minor
        if payment.installment_id in received:
            take = min(left, amounts[payment.installment_id] - received[payment.installment_id])
            received[payment.installment_id] += max(take, 0)
            left -= max(take, 0)
        for item in ordered:
            if left <= 0:
                break
            take = min(left, amounts[item.id] - received[item.id])
            if take > 0:
                received[item.id] += take
                left -= take
    return received


def installment_status(amount_minor: int, received_minor: int, due_date: date,
                       today: date) -> str:
    """paid, overdue (past due, not fully paid), partially_paid, or pending."""
    if received_minor >= amount_minor:
        return "paid"
    if due_date < today:
        return "overdue"
    return "partially_paid" if received_minor > 0 else "pending"


def days_overdue(due_date: date, today: date) -> int:
    return max((today - due_date).days, 0)


def plan_violations(rows: list[tuple[int, date | None, int, str]], *, contract_amount: int,
                    currency: str) -> list[FieldViolation]:
    """Checks of a whole new plan: ``rows`` are (sequence, due date, amount, currency) as
    submitted. Sequences are 1..n without gaps, amounts positive in the contract's currency,
    due dates in order (they may lie outside the term: a deposit before the start), and the
    installments sum to the contract amount."""
    violations = []
    for index, (sequence, due, amount, row_currency) in enumerate(rows):
        field = f"installments[{index}]"
        if sequence != index + 1:
            violations.append(FieldViolation(f"{field}.sequence", f"must be {index + 1}"))
        if due is None:
            violations.append(FieldViolation(f"{field}.due_date", "is required"))
        if row_currency != currency:
            violations.append(FieldViolation(f"{field}.amount.currency_code",
                                             f"must be the contract's currency {currency}"))
        if amount <= 0:
            violations.append(FieldViolation(f"{field}.amount.amount_minor", "must be positive"))
        if index and due is not None and rows[index - 1][1] is not None and due < rows[index - 1][1]:
            violations.append(FieldViolation(f"{field}.due_date",
                                             "must not be before the previous installment's"))
    if rows and not violations and sum(row[2] for row in rows) != contract_amount:
        violations.append(FieldViolation(
            "installments", f"must sum to the contract amount {contract_amount} "
            f"(they sum to {sum(row[2] for row in rows)})"))
    return violations
