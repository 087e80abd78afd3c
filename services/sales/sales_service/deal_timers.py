"""The deals part's timers, each taking the clock from its caller: contracts announced as
expiring and expired (:func:`sales_service.contracts.scan`), and installments past due
(``payment.overdue``, once per installment: the notice time is stored with the event)."""

from __future__ import annotations

from datetime import datetime

from crm.sales.v1 import events_pb2
from crm_shared.db import Database
from sqlalchemy import select

from sales_service import contracts
from sales_service.deal_views import contract_message, receivable_to_proto
from sales_service.models import Contract, Installment


def scan_contracts(database: Database, now: datetime) -> dict[str, int]:
    """``contract.expiring`` / ``contract.expired`` due at ``now``, each once."""
    return contracts.scan(database, now, contract_message)


def scan_overdue(database: Database, now: datetime) -> int:
    """Emit ``payment.overdue`` once for every installment of a signed contract past its due
    date and not fully paid; return how many fired."""
    today = now.date()
    with database.unit_of_work(readonly=True) as uow:
        due = list(uow.session.scalars(
            select(Installment.id).join(Contract, Contract.id == Installment.contract_id)
            .where(Installment.due_date < today, Installment.overdue_notice_time.is_(None),
                   Installment.received_minor < Installment.amount_minor,
                   Contract.status.in_(("active", "expired")))))
    fired = 0
    for installment_id in due:
        with database.unit_of_work() as uow:
            installment = uow.session.get(Installment, installment_id, with_for_update=True)
            if (installment is None or installment.overdue_notice_time is not None
                    or installment.received_minor >= installment.amount_minor):
                continue
            contract = uow.session.get(Contract, installment.contract_id)
            installment.overdue_notice_time = now
            uow.emit(events_pb2.PaymentOverdue(
                receivable=receivable_to_proto(contract, installment, today)), key=contract.id)
            fired += 1
    return fired
