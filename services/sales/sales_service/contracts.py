"""Contracts: the status machine, renewal terms, reminder dates and the customer's annual
contract amount (pure), and the timer that announces expiring and expired contracts.

Statuses: draft → active (signed) → expired (past its end date) or terminated (ended early
with a reason). A renewal is a new draft contract starting the day after the renewed one
ends, by default of the same length and amount, linked both ways; a contract is renewed once.
The renewal reminder goes out ``renewal_reminder_days`` (policy, default 15) before the end
date; ``contract.expired`` once after it. Each fires once: the timer stores that it fired in
the same transaction as the event.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from crm.common.v1 import types_pb2
from crm.sales.v1 import events_pb2
from crm_shared.db import Database
from crm_shared.errors import FailedPrecondition
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sales_service import policy
from sales_service.models import Contract

ANNUAL_WINDOW_DAYS = 365


def require_status(status: str, allowed: tuple[str, ...], action: str) -> None:
    if status not in allowed:
        raise FailedPrecondition(f"a {status} contract cannot be {action}")


def renewal_term(start: date, end: date, new_end: date | None) -> tuple[date, date]:
    """(start, end) of the renewal: from the day after ``end``, for the same number of days
    unless ``new_end`` is given."""
    next_start = end + timedelta(days=1)
    return next_start, new_end or next_start + (end - start)


def reminder_date(end: date, reminder_days: int) -> date:
    return end - timedelta(days=reminder_days)


def expiring_due(status: str, end: date, today: date, reminder_days: int,
                 already_sent: bool) -> bool:
    """The renewal reminder is due from its date until the end date, once, for active
    contracts."""
    return (status == "active" and not already_sent
            and reminder_date(end, reminder_days) <= today <= end)


def expired_due(status: str, end: date, today: date) -> bool:
    return status == "active" and today > end


def counts_for_value(status: str, sign_date: date | None, today: date) -> bool:
    """Whether a contract counts in the customer's annual contract amount: signed in the
    last 12 months and not terminated."""
    return (sign_date is not None and status in ("active", "expired")
            and today - timedelta(days=ANNUAL_WINDOW_DAYS) < sign_date <= today)


def annual_contract_amount(session: Session, customer_id: str, currency: str,
                           today: date) -> types_pb2.Money:
    """Contract amount in ``currency`` the customer signed in the last 12 months (terminated
    contracts excluded): the basis of the customer's value class."""
    total = session.scalar(
        select(func.coalesce(func.sum(Contract.amount_minor), 0)).where(
            Contract.customer_id == customer_id, Contract.currency_code == currency,
            Contract.status.in_(("active", "expired")),
            Contract.sign_date > today - timedelta(days=ANNUAL_WINDOW_DAYS),
            Contract.sign_date <= today))
    return types_pb2.Money(currency_code=currency, amount_minor=int(total or 0))


def scan(database: Database, now: datetime, to_proto) -> dict[str, int]:
    """Announce the contracts whose renewal reminder is due (``contract.expiring``) and the
    active ones past their end (``contract.expired``, status expired), each once, one unit of
    work per contract. ``to_proto(session, contract)`` renders the contract."""
    today = now.date()
    fired = {"expiring": 0, "expired": 0}
    with database.unit_of_work(readonly=True) as uow:
        days = policy.current(uow.session).renewal_reminder_days
        candidates = list(uow.session.scalars(
            select(Contract.id).where(Contract.status == "active",
                                      Contract.end_date <= today + timedelta(days=days))))
    for contract_id in candidates:
        with database.unit_of_work() as uow:
            contract = uow.session.get(Contract, contract_id, with_for_update=True)
            if contract is None:
                continue
            if expiring_due(contract.status, contract.end_date, today, days,
                            contract.expiring_notice_time is not None):
                contract.expiring_notice_time = now
                uow.session.flush()
                uow.emit(events_pb2.ContractExpiring(
                    contract=to_proto(uow.session, contract),
                    days_until_end=(contract.end_date - today).days), key=contract.id)
                fired["expiring"] += 1
            elif expired_due(contract.status, contract.end_date, today):
                contract.status = "expired"
                contract.expired_notice_time = now
                contract.update_time = now
                contract.updated_by = "system"
                uow.session.flush()
                uow.emit(events_pb2.ContractExpired(
                    contract=to_proto(uow.session, contract),
                    customer_annual_contract_amount=annual_contract_amount(
                        uow.session, contract.customer_id, contract.currency_code, today),
                    renewed=contract.renewed_by_contract_id is not None and _renewal_signed(
                        uow.session, contract.renewed_by_contract_id)), key=contract.id)
                fired["expired"] += 1
    return fired


def _renewal_signed(session: Session, renewal_id: str) -> bool:
    renewal = session.get(Contract, renewal_id)
    return renewal is not None and renewal.sign_date is not None
