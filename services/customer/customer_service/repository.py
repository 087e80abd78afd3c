"""Queries over the customer tables. Never commits: the caller's unit of work does."""

from __future__ import annotations

from dataclasses import dataclass

from crm_shared.auth import Principal, visibility_clause
from crm_shared.grpc.paging import keyset_page
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from customer_service.models import Customer, CustomerNumberSequence, Employee


def next_customer_sequence(session: Session) -> int:
    result = session.execute(
        update(CustomerNumberSequence)
        .where(CustomerNumberSequence.id == 1)
        .values(last_value=CustomerNumberSequence.last_value + 1)
        .returning(CustomerNumberSequence.last_value)
    ).scalar_one_or_none()
    if result is None:
        raise RuntimeError("customer_number_sequence has no row: run `customer-service migrate`")
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


@dataclass(frozen=True)
class CustomerFilters:
    """List filters; every one narrows what the caller may see anyway."""

    type: str | None = None
    owner_id: str | None = None
    department_path: str | None = None  # the subtree below this path
    number: str | None = None
    phone: str | None = None  # normalised E.164
    email: str | None = None
    query: str | None = None  # name, number, phone or email contains

    def clauses(self) -> list:
        clauses = []
        if self.type:
            clauses.append(Customer.type == self.type)
        if self.owner_id:
            clauses.append(Customer.owner_id == self.owner_id)
        if self.department_path:
            root = self.department_path.rstrip("/")
            clauses.append(or_(Customer.department_path == root,
                               Customer.department_path.startswith(root + "/", autoescape=True)))
        if self.number:
            clauses.append(Customer.number == self.number)
        if self.phone:
            clauses.append(Customer.phone == self.phone)
        if self.email:
            clauses.append(Customer.email == self.email)
        if self.query:
            like = {"autoescape": True}
            # icontains: case-insensitive on PostgreSQL too (LIKE is only so on SQLite)
            clauses.append(or_(
                Customer.display_name.icontains(self.query, **like),
                Customer.number.icontains(self.query, **like),
                Customer.phone.contains(self.query, **like),
                Customer.email.icontains(self.query, **like),
            ))
        return clauses


def list_visible(
    session: Session,
    principal: Principal,
    filters: CustomerFilters = CustomerFilters(),
    *,
    page_size: int,
    page_token: str = "",
) -> tuple[list[Customer], str, int]:
    """One page of the visible, filtered customers, the next page token, and the total."""
    where = [visibility_clause(principal, Customer.owner_id, Customer.department_path),
             *filters.clauses()]
    rows, next_token = keyset_page(
        session, select(Customer).where(*where), created_column=Customer.create_time,
        id_column=Customer.id, page_size=page_size, page_token=page_token,
    )
    total = session.scalar(select(func.count()).select_from(Customer).where(*where))
    return rows, next_token, total
