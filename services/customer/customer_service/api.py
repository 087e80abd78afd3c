"""gRPC servicer of ``crm.customer.v1.CustomerService``: translation between proto and domain.

Each method opens one unit of work; visibility is applied in the query, so a caller asking
for a customer they may not see gets NOT_FOUND, exactly as if it did not exist.
"""

from __future__ import annotations

import uuid

from crm.customer.v1 import customer_pb2, customer_pb2_grpc, events_pb2
from crm_shared.auth import Principal, can_see, current_principal
from crm_shared.db import Database, utcnow
from crm_shared.errors import (
    AlreadyExists,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import unsupported_fields
from crm_shared.grpc.paging import page_size_of
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings
from crm_shared.timestamps import to_timestamp
from sqlalchemy.exc import IntegrityError

from customer_service import repository, rules
from customer_service.api_personal import PersonalDataRpcs
from customer_service.api_portrait import PortraitRpcs
from customer_service.models import Customer

TYPE_NAMES = {
    customer_pb2.CUSTOMER_TYPE_ENTERPRISE: "enterprise",
    customer_pb2.CUSTOMER_TYPE_INDIVIDUAL: "individual",
}
TYPE_VALUES = {name: value for value, name in TYPE_NAMES.items()}

# What CreateCustomer stores today; output-only fields a caller echoes back are ignored.
CREATE_INPUT_FIELDS = {"type", "display_name", "phone", "email", "owner_id"}
OUTPUT_ONLY_FIELDS = {"id", "number", "department_path", "create_time", "update_time",
                      "created_by", "updated_by", "etag"}
LIST_FILTERS = {"page_size", "page_token", "query", "type", "owner_id", "department_path",
                "number", "phone", "email"}


def to_proto(customer: Customer) -> customer_pb2.Customer:
    return customer_pb2.Customer(
        id=customer.id,
        number=customer.number,
        type=TYPE_VALUES[customer.type],
        display_name=customer.display_name,
        owner_id=customer.owner_id,
        department_path=customer.department_path,
        phone=customer.phone or "",
        email=customer.email or "",
        create_time=to_timestamp(customer.create_time),
        update_time=to_timestamp(customer.update_time),
    )


class CustomerServicer(PersonalDataRpcs, PortraitRpcs, customer_pb2_grpc.CustomerServiceServicer):
    def __init__(self, database: Database) -> None:
        self.database = database

    def CreateCustomer(self, request, context):
        principal = current_principal()
        data = request.customer
        clean, violations = rules.validate_new_customer(
            rules.NewCustomer(
                type=TYPE_NAMES.get(data.type, ""),
                display_name=data.display_name,
                phone=data.phone,
                email=data.email,
            )
        )
        violations += unsupported_fields(
            data, CREATE_INPUT_FIELDS, prefix="customer.", ignored=OUTPUT_ONLY_FIELDS
        )
        violations += _request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        if request.validate_only:
            with self.database.unit_of_work(readonly=True) as uow:
                owner_id, department_path = self._owner(uow.session, principal, data.owner_id)
            return customer_pb2.Customer(
                type=data.type, display_name=clean.display_name, phone=clean.phone or "",
                email=clean.email or "", owner_id=owner_id, department_path=department_path,
            )
        try:
            with self.database.unit_of_work() as uow:
                if request.request_id:
                    earlier = repository.find_by_request_id(uow.session, request.request_id)
                    if earlier is not None:
                        return self._repeat_of(earlier, principal)
                owner_id, department_path = self._owner(uow.session, principal, data.owner_id)
                now = utcnow()
                customer = Customer(
                    id=str(uuid.uuid4()),
                    number=rules.format_customer_number(repository.next_customer_sequence(uow.session)),
                    type=clean.type,
                    display_name=clean.display_name,
                    phone=clean.phone,
                    email=clean.email,
                    owner_id=owner_id,
                    department_path=department_path,
                    created_by=principal.user_id,
                    create_time=now,
                    update_time=now,
                    request_id=request.request_id or None,
                )
                uow.session.add(customer)
                uow.session.flush()
                created = to_proto(customer)
                uow.emit(
                    events_pb2.CustomerCreated(customer=created, actor_id=principal.user_id),
                    key=customer.id,
                )
            return created
        except IntegrityError:
            # Two retries of one request raced; the other one won. Answer with its result.
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = repository.find_by_request_id(uow.session, request.request_id)
                if earlier is None:
                    raise
                return self._repeat_of(earlier, principal)

    @staticmethod
    def _repeat_of(earlier: Customer, principal: Principal) -> customer_pb2.Customer:
        if earlier.created_by != principal.user_id:
            raise AlreadyExists("request_id was already used by another caller")
        return to_proto(earlier)

    @staticmethod
    def _owner(session, principal: Principal, owner_id: str) -> tuple[str, str]:
        if not owner_id or owner_id == principal.user_id:
            return principal.user_id, principal.department_path
        employee = repository.get_employee(session, owner_id)
        if employee is None or not employee.active:
            raise InvalidArgument(FieldViolation("customer.owner_id", "is not an active employee"))
        if not can_see(principal, owner_id=employee.user_id, department_path=employee.department_path):
            raise PermissionDenied("you may not give customers to an owner outside your scope")
        return employee.user_id, employee.department_path

    def GetCustomer(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            customer = repository.get_visible(uow.session, principal, request.id)
            if customer is None:
                raise NotFound(f"customer {request.id} not found")
            return to_proto(customer)

    def ListCustomers(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, LIST_FILTERS)
        filters = repository.CustomerFilters(
            type=TYPE_NAMES.get(request.type),
            owner_id=request.owner_id or None,
            department_path=request.department_path or None,
            number=request.number or None,
            phone=rules.normalise_phone(request.phone) or request.phone if request.phone else None,
            email=request.email.strip().lower() or None,
            query=request.query.strip() or None,
        )
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token, total = repository.list_visible(
                uow.session,
                principal,
                filters,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListCustomersResponse(
                customers=[to_proto(row) for row in rows],
                next_page_token=next_token,
                total_size=total,
            )


def _request_id_violations(request_id: str) -> list[FieldViolation]:
    if not request_id:
        return []
    try:
        uuid.UUID(request_id)
    except ValueError:
        return [FieldViolation("request_id", "must be a UUID")]
    return []


def refuse_unsupported(request, handled: set[str]) -> None:
    violations = unsupported_fields(request, handled)
    if violations:
        raise InvalidArgument(violations)


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    return [
        ServiceBinding(
            descriptor=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
            servicer=CustomerServicer(database),
            add_to_server=customer_pb2_grpc.add_CustomerServiceServicer_to_server,
        )
    ]
