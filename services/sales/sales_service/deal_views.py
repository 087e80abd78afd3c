"""Rows ⇄ protos for quotes, contracts, installments, payments, receivables and purchases
(opportunities: :mod:`sales_service.opportunities`). Enums by short lower-case names."""

from __future__ import annotations

from datetime import date

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sales_service import payments, policy, quotes
from sales_service.amounts import money
from sales_service.contracts import reminder_date
from sales_service.dates import text_of
from sales_service.models import Contract, Installment, Payment, Purchase, Quote

QUOTE_STATUSES = EnumNames(sales_pb2.QuoteStatus, "QUOTE_STATUS_")
CONTRACT_STATUSES = EnumNames(sales_pb2.ContractStatus, "CONTRACT_STATUS_")
INSTALLMENT_STATUSES = EnumNames(sales_pb2.InstallmentStatus, "INSTALLMENT_STATUS_")
PAYMENT_METHODS = EnumNames(sales_pb2.PaymentMethod, "PAYMENT_METHOD_")
PAYMENT_STATUSES = EnumNames(sales_pb2.PaymentStatus, "PAYMENT_STATUS_")


def etag_of(row) -> str:
    return f'W/"{row.version}"'


def quote_to_proto(row: Quote, today: date) -> sales_pb2.Quote:
    currency = row.currency_code
    return sales_pb2.Quote(
        id=row.id, number=row.number, opportunity_id=row.opportunity_id,
        customer_id=row.customer_id, title=row.title,
        status=QUOTE_STATUSES.value(quotes.status_on(row.status, row.valid_until_date, today)),
        line_items=[sales_pb2.QuoteLineItem(
            product_code=line["product_code"], description=line["description"],
            quantity=line["quantity"],
            unit_price=types_pb2.Money(currency_code=currency,
                                       amount_minor=line["unit_price_minor"]),
            discount_basis_points=line["discount_basis_points"],
            line_total=types_pb2.Money(currency_code=currency, amount_minor=line["line_total"]))
            for line in row.line_items],
        discount_basis_points=row.discount_basis_points,
        subtotal=money(row.subtotal_minor, currency),
        discount_amount=money(row.discount_minor, currency),
        total=money(row.total_minor, currency), valid_until_date=text_of(row.valid_until_date),
        notes=row.notes, owner_id=row.owner_id, department_path=row.department_path,
        send_time=to_timestamp(row.send_time), decide_time=to_timestamp(row.decide_time),
        reject_reason=row.reject_reason or "", create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time), created_by=row.created_by,
        updated_by=row.updated_by, etag=etag_of(row),
        approval_request_id=row.approval_request_id or "")


def received_by_contract(session: Session, contract_ids: list[str]) -> dict[str, int]:
    """Contract id -> sum of its recorded (not voided) payments, one grouped query."""
    if not contract_ids:
        return {}
    rows = session.execute(
        select(Payment.contract_id, func.sum(Payment.amount_minor))
        .where(Payment.contract_id.in_(contract_ids), Payment.status == "recorded")
        .group_by(Payment.contract_id)).all()
    return {contract_id: int(total) for contract_id, total in rows}


def contract_to_proto(row: Contract, received_minor: int, reminder_days: int
                      ) -> sales_pb2.Contract:
    currency = row.currency_code
    return sales_pb2.Contract(
        id=row.id, number=row.number, customer_id=row.customer_id,
        opportunity_id=row.opportunity_id or "", quote_id=row.quote_id or "", title=row.title,
        amount=money(row.amount_minor, currency), start_date=text_of(row.start_date),
        end_date=text_of(row.end_date), sign_date=text_of(row.sign_date),
        status=CONTRACT_STATUSES.value(row.status),
        renewal_of_contract_id=row.renewal_of_contract_id or "",
        renewed_by_contract_id=row.renewed_by_contract_id or "",
        received_amount=money(received_minor, currency),
        outstanding_amount=money(max(row.amount_minor - received_minor, 0), currency),
        renewal_reminder_date=text_of(reminder_date(row.end_date, reminder_days)),
        owner_id=row.owner_id, department_path=row.department_path,
        termination_reason=row.termination_reason or "",
        external_ids=dict(row.external_ids or {}), create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time), created_by=row.created_by,
        updated_by=row.updated_by, etag=etag_of(row))


def contract_message(session: Session, row: Contract) -> sales_pb2.Contract:
    """One contract with its received amount and the policy's reminder date."""
    received = received_by_contract(session, [row.id]).get(row.id, 0)
    return contract_to_proto(row, received, policy.current(session).renewal_reminder_days)


def installment_to_proto(row: Installment, currency: str, today: date) -> sales_pb2.Installment:
    return sales_pb2.Installment(
        id=row.id, contract_id=row.contract_id, sequence=row.sequence,
        due_date=text_of(row.due_date), amount=money(row.amount_minor, currency),
        received_amount=money(row.received_minor, currency),
        status=INSTALLMENT_STATUSES.value(payments.installment_status(
            row.amount_minor, row.received_minor, row.due_date, today)),
        note=row.note)


def payment_to_proto(row: Payment) -> sales_pb2.Payment:
    return sales_pb2.Payment(
        id=row.id, contract_id=row.contract_id, customer_id=row.customer_id,
        installment_id=row.installment_id or "", amount=money(row.amount_minor, row.currency_code),
        receive_date=text_of(row.receive_date), method=PAYMENT_METHODS.value(row.method),
        reference=row.reference or "", note=row.note, owner_id=row.owner_id,
        department_path=row.department_path, status=PAYMENT_STATUSES.value(row.status),
        void_reason=row.void_reason or "", create_time=to_timestamp(row.create_time),
        created_by=row.created_by, update_time=to_timestamp(row.update_time),
        updated_by=row.updated_by)


def receivable_to_proto(contract: Contract, installment: Installment,
                        today: date) -> sales_pb2.Receivable:
    currency = contract.currency_code
    return sales_pb2.Receivable(
        contract_id=contract.id, contract_number=contract.number,
        customer_id=contract.customer_id,
        installment=installment_to_proto(installment, currency, today),
        outstanding_amount=money(installment.amount_minor - installment.received_minor, currency),
        days_overdue=payments.days_overdue(installment.due_date, today),
        owner_id=contract.owner_id, department_path=contract.department_path)


def purchase_to_proto(row: Purchase) -> sales_pb2.Purchase:
    return sales_pb2.Purchase(
        id=row.id, customer_id=row.customer_id, source_system=row.source_system,
        external_order_id=row.external_order_id, purchase_time=to_timestamp(row.purchase_time),
        amount=money(row.amount_minor, row.currency_code), item_count=row.item_count,
        items_summary=row.items_summary, channel=row.channel, campaign_id=row.campaign_id or "",
        owner_id=row.owner_id, department_path=row.department_path,
        create_time=to_timestamp(row.create_time))
