"""Queries over the customer tables. Never commits: the caller's unit of work does."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_shared.auth import Principal, visibility_clause
from crm_shared.grpc.paging import keyset_page
from customer_service.models import Customer, CustomerNumberSequence, Employee


def next_customer_sequence(session: Session) -> int:
    result = session.execute(
        update(CustomerNumberSequence)
        .where(CustomerNumberSequence.id == 1)
        .values(last_value=CustomerNumberSequence.last_value + 1)
        .returning(CustomerNumberSequence.last_value)
    ).scalar_one_or_none()
    if result is None:
        session.add(CustomerNumberSequence(id=1, last_value=1))
        session.flush()
        return 1
    return result


def get_visible(session: Session, principal: Principal, customer_id: str) -> Customer | None:
    """The customer, or None when it does not exist *or* the caller may not see it."""
    return session.scalars(
        select(Customer).where(
            Customer.id == customer_id,
            visibility_clause(principal, Customer.owner_id, Customer.department_path),
        )
    ).first()


def find_by_request_id(session: Session, request_id: str) -> Customer | None:
    return session.scalars(select(Customer).where(Customer.request_id == request_id)).first()


def get_employee(session: Session, user_id: str) -> Employee | None:
    return session.get(Employee, user_id)


def list_visible(
    session: Session, principal: Principal, *, page_size: int, page_token: str = ""
) -> tuple[list[Customer], str]:
    query = select(Customer).where(
        visibility_clause(principal, Customer.owner_id, Customer.department_path)
    )
    return keyset_page(
        session, query, created_column=Customer.create_time, id_column=Customer.id,
        page_size=page_size, page_token=page_token,
    )
