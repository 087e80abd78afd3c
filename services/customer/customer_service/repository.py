"""Queries over the customer tables. Never commits: the caller's unit of work does.

Reads follow the caller's visibility (own / department / all). One exception, for the service
desk: principals with a role in :data:`SERVICE_DESK_ROLES` may read any *active* customer by
id (:func:`get_readable`, :func:`get_many_readable`), because the ticket service reads the
customer a ticket is about with the agent's own token while routing it (account manager,
value class, churn risk); and they may find active customers by their exact phone number
(:func:`list_visible` with only ``phone`` narrowing it beyond the defaults), because an
agent taking a call starts from the caller's number. Agents gain no other listing, no
updates and no clear sensitive values through them.

Who sees a customer is decided once, by :func:`visible_clause`: the caller's data scope (own,
department subtree, all) *or* being one of the customer's collaborators (team selling, issue
18). A collaborator reads the customer, its contacts, timeline and revisions, finds it in lists
and exports, and may name it in other services' writes (a follow-up, checked with their token
here); changing the customer itself (its fields, owner, contacts, tags, consents, a merge,
its collaborators) stays with the caller whose data scope reaches it: ``for_update``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm_shared import references
from crm_shared.auth import DataScope, Principal, visibility_clause
from crm_shared.errors import AlreadyExists
from crm_shared.grpc.paging import keyset_page, keyset_page_by
from sqlalchemy import and_, delete, exists, func, not_, or_, select, update
from sqlalchemy.orm import Session

from customer_service.models import (
    Contact,
    Customer,
    CustomerCollaborator,
    CustomerExternalId,
    CustomerNumberSequence,
    CustomerTag,
    Employee,
    Tag,
)


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


def visible_clause(session: Session, principal: Principal, *, to_change: bool = False):
    """The one rule of who sees a customer, as SQL: in the caller's data scope, or (unless the
    caller means to change it, ``to_change``) one of its collaborators.

    The collaborator branch is added only for a caller who collaborates on some customer (one
    look-up by the indexed user id): an OR with a sub-query keeps PostgreSQL from walking the
    owner's or department's index, so the lists of everyone else keep their plans."""
    in_scope = visibility_clause(principal, Customer.owner_id, Customer.department_path)
    if to_change or principal.is_service_account or principal.data_scope is DataScope.ALL:
        return in_scope
    collaborating = select(CustomerCollaborator.customer_id).where(
        CustomerCollaborator.user_id == principal.user_id)
    if session.scalar(collaborating.limit(1)) is None:
        return in_scope
    return or_(in_scope, Customer.id.in_(collaborating))


def get_visible(session: Session, principal: Principal, customer_id: str, *,
                for_update: bool = False) -> Customer | None:
    """The customer, or None when it does not exist *or* the caller may not see it.

    ``for_update``: the caller is about to change it, so it must be in their data scope (a
    collaborator only reads); the row is locked (PostgreSQL) so concurrent updates queue up.
    """
    query = select(Customer).where(
        Customer.id == customer_id, visible_clause(session, principal, to_change=for_update))
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


SERVICE_DESK_ROLES = references.SERVICE_DESK_ROLES
"""Roles that may read any active customer by id (see the module docstring); declared once in
``crm_shared.references``, where it is also the one rule letting them open a ticket for any
active customer (the ticket service checks that reference through their token, here)."""


def _readable_clause(session: Session, principal: Principal):
    visible = visible_clause(session, principal)
    if principal.has_role(*SERVICE_DESK_ROLES):
        return or_(visible, Customer.state == "active")
    return visible


def get_readable(session: Session, principal: Principal, customer_id: str) -> Customer | None:
    """Like :func:`get_visible` (read-only), plus any active customer for the service desk."""
    return session.scalars(select(Customer).where(
        Customer.id == customer_id, _readable_clause(session, principal))).first()


def get_many_readable(session: Session, principal: Principal, customer_ids: list[str]
                      ) -> list[Customer]:
    """Like :func:`get_many_visible`, plus any active customer for the service desk."""
    if not customer_ids:
        return []
    return list(session.scalars(select(Customer).where(
        Customer.id.in_(customer_ids), _readable_clause(session, principal))))


def get_many_visible(session: Session, principal: Principal, customer_ids: list[str]
                     ) -> list[Customer]:
    if not customer_ids:
        return []
    return list(session.scalars(select(Customer).where(
        Customer.id.in_(customer_ids), visible_clause(session, principal))))


def external_ids_of(session: Session, customer_ids: list[str]) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    if not customer_ids:
        return result
    for row in session.scalars(select(CustomerExternalId).where(
            CustomerExternalId.customer_id.in_(customer_ids))):
        result.setdefault(row.customer_id, {})[row.system] = row.external_id
    return result


def check_external_ids_free(session: Session, principal: Principal,
                            external_ids: dict[str, str], customer_id: str | None) -> None:
    """ALREADY_EXISTS when another customer holds one of these ids already: an id of another
    system names one record, so it is refused even when that customer is out of the caller's
    sight. The answer names the holder only when the caller may see it; otherwise it says no
    more than that the id is taken (not that a customer, nor whose, holds it)."""
    for system, value in external_ids.items():
        holder = session.scalar(select(CustomerExternalId.customer_id).where(
            CustomerExternalId.system == system, CustomerExternalId.external_id == value))
        if holder is None or holder == customer_id:
            continue
        visible = get_visible(session, principal, holder)
        if visible is not None:
            raise AlreadyExists(f"customer {visible.number} already has the {system} id {value}")
        raise AlreadyExists(f"the {system} id {value} is already in use")


def set_external_ids(session: Session, customer_id: str, external_ids: dict[str, str]) -> None:
    session.execute(delete(CustomerExternalId).where(CustomerExternalId.customer_id == customer_id))
    session.flush()
    session.add_all(CustomerExternalId(customer_id=customer_id, system=system, external_id=value)
                    for system, value in external_ids.items())
    session.flush()


def contact_count(session: Session, customer_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Contact).where(
        Contact.customer_id == customer_id))


def get_contact(session: Session, contact_id: str) -> Contact | None:
    return session.get(Contact, contact_id)


def get_tags(session: Session, tag_ids: list[str]) -> dict[str, Tag]:
    if not tag_ids:
        return {}
    return {tag.id: tag for tag in session.scalars(select(Tag).where(Tag.id.in_(tag_ids)))}


def get_employee(session: Session, user_id: str) -> Employee | None:
    return session.get(Employee, user_id)


@dataclass(frozen=True)
class CustomerFilters:
    """List filters, combined with AND; every one narrows what the caller may see anyway."""

    type: str | None = None
    owner_id: str | None = None
    department_path: str | None = None  # the subtree below this path
    number: str | None = None
    phone: str | None = None  # normalised E.164
    email: str | None = None
    query: str | None = None  # name, legal name, number, phone or email contains
    all_tag_ids: tuple[str, ...] = ()
    any_tag_ids: tuple[str, ...] = ()
    exclude_tag_ids: tuple[str, ...] = ()
    value_classes: tuple[str, ...] = ()
    lifecycle_stages: tuple[str, ...] = ()
    at_risk: bool | None = None
    source: str | None = None
    industry: str | None = None
    max_completeness_score: int | None = None  # strictly below
    min_update_time: datetime | None = None
    include_inactive: bool = False
    external_id: tuple[str, str] | None = None  # (system, id)

    def clauses(self) -> list:
        clauses = []
        if not self.include_inactive:
            clauses.append(Customer.state == "active")
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
                Customer.legal_name.icontains(self.query, **like),
                Customer.number.icontains(self.query, **like),
                Customer.phone.contains(self.query, **like),
                Customer.email.icontains(self.query, **like),
            ))
        for tag_id in self.all_tag_ids:
            clauses.append(_tagged([tag_id]))
        if self.any_tag_ids:
            clauses.append(_tagged(self.any_tag_ids))
        if self.exclude_tag_ids:
            clauses.append(not_(_tagged(self.exclude_tag_ids)))
        if self.value_classes:
            clauses.append(Customer.value_class.in_(self.value_classes))
        if self.lifecycle_stages:
            clauses.append(Customer.lifecycle_stage.in_(self.lifecycle_stages))
        if self.at_risk is not None:
            clauses.append(Customer.at_risk.is_(self.at_risk))
        if self.source:
            clauses.append(Customer.source == self.source)
        if self.industry:
            clauses.append(Customer.industry == self.industry)
        if self.max_completeness_score is not None:
            clauses.append(Customer.completeness_score < self.max_completeness_score)
        if self.min_update_time is not None:
            clauses.append(Customer.update_time >= self.min_update_time)
        if self.external_id:
            system, value = self.external_id
            clauses.append(exists().where(and_(
                CustomerExternalId.customer_id == Customer.id,
                CustomerExternalId.system == system, CustomerExternalId.external_id == value)))
        return clauses


def is_phone_lookup(filters: CustomerFilters) -> bool:
    """An exact phone number and nothing else: the service desk's lookup of a caller."""
    return bool(filters.phone) and filters == CustomerFilters(phone=filters.phone)


def _tagged(tag_ids) -> object:
    return exists().where(CustomerTag.customer_id == Customer.id,
                          CustomerTag.tag_id.in_(list(tag_ids)))


def list_visible(
    session: Session,
    principal: Principal,
    filters: CustomerFilters = CustomerFilters(),
    *,
    page_size: int,
    page_token: str = "",
    order: str = "create_time",
) -> tuple[list[Customer], str, int]:
    """One page of the visible, filtered customers, the next page token, and the total.

    ``order``: ``create_time`` or ``update_time`` (newest first), or a column name with an
    optional `` desc`` (``display_name``, ``number``, ``annual_contract_amount desc``).
    """
    visible = (_readable_clause(session, principal) if is_phone_lookup(filters)
               else visible_clause(session, principal))
    where = [visible, *filters.clauses()]
    query = select(Customer).where(*where)
    if order in ("create_time", "update_time"):
        rows, next_token = keyset_page(
            session, query, created_column=getattr(Customer, order), id_column=Customer.id,
            page_size=page_size, page_token=page_token,
        )
    else:
        column, _, direction = order.partition(" ")
        rows, next_token = keyset_page_by(
            session, query, order_column=getattr(Customer, column), id_column=Customer.id,
            descending=direction == "desc", page_size=page_size, page_token=page_token,
        )
    total = session.scalar(select(func.count()).select_from(Customer).where(*where))
    return rows, next_token, total
