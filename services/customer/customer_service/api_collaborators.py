"""Collaborators of a customer (team selling, issue 18): AddCustomerCollaborator,
RemoveCustomerCollaborator and ListCustomerCollaborators, mixed into
:class:`customer_service.api.CustomerServicer`.

A collaborator (co-owner, technical support, service) sees the customer through the one
visibility rule (``repository.visible_clause``), and the sales service lets them record
follow-ups on it once ``customer.collaborator_added`` reached it. Who may add or remove one is
who may change the customer: a caller whose data scope reaches it (its owner, a lead of its
department, an admin); a collaborator may not bring in others. The change and its event are
written in one unit of work (outbox); the worker puts it on the customer's timeline.
"""

from __future__ import annotations

from crm.common.v1 import collaborators_pb2, types_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.enums import EnumNames
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.grpc.paging import keyset_page_by, page_size_of
from crm_shared.timestamps import to_timestamp
from google.protobuf import empty_pb2
from sqlalchemy import select

from customer_service import api, repository
from customer_service.models import Customer, CustomerCollaborator

ROLES = EnumNames(collaborators_pb2.CollaboratorRole, "COLLABORATOR_ROLE_")
"""``co_owner``, ``technical_support``, ``service``: the contract's list, stored by name."""


def to_proto(row: CustomerCollaborator) -> collaborators_pb2.Collaborator:
    return collaborators_pb2.Collaborator(
        user_id=row.user_id,
        role=ROLES.value(row.role),
        added_by=row.added_by,
        add_time=to_timestamp(row.add_time),
    )


def collaborators_of(session, customer_ids: list[str]) -> dict[str, list]:
    """Customer id -> its collaborators (``to_proto``), in the order they were added."""
    found: dict[str, list] = {}
    if customer_ids:
        for row in session.scalars(
            select(CustomerCollaborator)
            .where(CustomerCollaborator.customer_id.in_(customer_ids))
            .order_by(CustomerCollaborator.add_time, CustomerCollaborator.user_id)
        ):
            found.setdefault(row.customer_id, []).append(to_proto(row))
    return found


def _customer_to_change(session, principal: Principal, customer_id: str) -> Customer:
    """The customer whose collaborators the caller may change: NOT_FOUND when they may not see
    it, PERMISSION_DENIED when they see it only as a collaborator."""
    customer = repository.get_visible(session, principal, customer_id, for_update=True)
    if customer is not None:
        return customer
    if repository.get_visible(session, principal, customer_id) is not None:
        raise PermissionDenied(
            "only the customer's owner, a lead whose data scope reaches it "
            "or an admin may change its collaborators"
        )
    raise NotFound(f"customer {customer_id} not found")


def _required(request, *names: str) -> None:
    violations = [
        FieldViolation(name, "is required") for name in names if not getattr(request, name).strip()
    ]
    if violations:
        raise InvalidArgument(violations)


class CollaboratorRpcs:
    def AddCustomerCollaborator(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "user_id", "role"})
        violations = [
            FieldViolation(name, "is required")
            for name in ("customer_id", "user_id")
            if not getattr(request, name).strip()
        ]
        role = ROLES.name(request.role)
        if not role:
            violations.append(
                FieldViolation("role", "must be co_owner, technical_support or service")
            )
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            session = uow.session
            customer = _customer_to_change(session, principal, request.customer_id)
            api.require_active(customer)
            employee = repository.get_employee(session, request.user_id)
            if employee is None or not employee.active:
                raise InvalidArgument(FieldViolation("user_id", "is not an active employee"))
            if employee.user_id == customer.owner_id:
                raise InvalidArgument(FieldViolation("user_id", "owns the customer already"))
            row = session.get(CustomerCollaborator, (customer.id, employee.user_id))
            if row is not None and row.role == role:
                return to_proto(row)  # a retry, or nothing to change
            if row is None:
                row = CustomerCollaborator(customer_id=customer.id, user_id=employee.user_id)
                session.add(row)
            row.role, row.added_by, row.add_time = role, principal.user_id, utcnow()
            session.flush()
            added = to_proto(row)
            uow.emit(
                events_pb2.CustomerCollaboratorAdded(
                    customer_id=customer.id,
                    collaborator=added,
                    ownership=types_pb2.Ownership(
                        owner_id=customer.owner_id, department_path=customer.department_path
                    ),
                ),
                key=customer.id,
            )
            return added

    def RemoveCustomerCollaborator(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "user_id"})
        _required(request, "customer_id", "user_id")
        with self.database.unit_of_work() as uow:
            session = uow.session
            customer = _customer_to_change(session, principal, request.customer_id)
            row = session.get(CustomerCollaborator, (customer.id, request.user_id))
            if row is not None:
                session.delete(row)
                uow.emit(
                    events_pb2.CustomerCollaboratorRemoved(
                        customer_id=customer.id,
                        user_id=row.user_id,
                        role=ROLES.value(row.role),
                        actor_id=principal.user_id,
                    ),
                    key=customer.id,
                )
        return empty_pb2.Empty()

    def ListCustomerCollaborators(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "page_size", "page_token"})
        _required(request, "customer_id")
        with self.database.unit_of_work(readonly=True) as uow:
            customer = api.visible_customer(uow.session, principal, request.customer_id)
            rows, next_token = keyset_page_by(
                uow.session,
                select(CustomerCollaborator).where(CustomerCollaborator.customer_id == customer.id),
                order_column=CustomerCollaborator.add_time,
                id_column=CustomerCollaborator.user_id,
                descending=False,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListCustomerCollaboratorsResponse(
                collaborators=[to_proto(row) for row in rows], next_page_token=next_token
            )
