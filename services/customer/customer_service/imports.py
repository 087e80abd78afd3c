"""Import of customers from CSV or .xlsx: every row checked, the good ones stored, a report per row.

Each row goes through CreateCustomer itself (the servicer's method, in-process), so an
imported customer is validated, numbered, tagged, scored and published exactly like one
created by hand, and is committed on its own: a bad row never takes good ones with it.
Rows that duplicate an existing customer the caller may see (same normalised phone or e-mail,
in the service or earlier in the file) are skipped, failed or created as ``duplicate_handling``
says; a customer out of the caller's sight is not one (the import betrays nothing of it).

Retries: with a ``request_id`` each row's create gets a request id derived from it, so an
import retried after a crash creates no row twice, and a finished import answers with its
stored report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal, visibility_clause
from crm_shared.db import Database, utcnow
from crm_shared.errors import (
    DomainError,
    FieldViolation,
    InvalidArgument,
    PermissionDenied,
)
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import to_timestamp
from google.rpc import error_details_pb2
from sqlalchemy import or_, select

from customer_service import customer_csv, rules
from customer_service.models import Customer, CustomerImport, Tag

IMPORTED = "imported"
FAILED = "failed"
SKIPPED = "skipped_duplicate"
STATUS_VALUES = {
    IMPORTED: customer_pb2.IMPORT_ROW_STATUS_IMPORTED,
    FAILED: customer_pb2.IMPORT_ROW_STATUS_FAILED,
    SKIPPED: customer_pb2.IMPORT_ROW_STATUS_SKIPPED_DUPLICATE,
}

CreateCustomer = Callable[[customer_pb2.CreateCustomerRequest], customer_pb2.Customer]


@dataclass
class RowResult:
    line_number: int
    status: str
    customer_id: str = ""
    errors: list[FieldViolation] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "line": self.line_number,
            "status": self.status,
            "customer_id": self.customer_id,
            "errors": [[v.field, v.description] for v in self.errors],
        }


def row_request_id(import_request_id: str, line_number: int) -> str:
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"urn:crm:customer-import:{import_request_id}:{line_number}")
    )


class _Duplicates:
    """Existing customers by normalised phone and e-mail, and the file's rows seen so far."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.seen: dict[str, str] = {}  # "phone:+86..." -> customer id ("" for a validated row)

    def find(self, principal: Principal, message: customer_pb2.Customer) -> tuple[str, str] | None:
        keys = []
        phone = rules.normalise_phone(message.phone) if message.phone.strip() else None
        email = rules.normalise_email(message.email.strip()) if message.email.strip() else None
        if phone:
            keys.append(("phone", phone))
        if email:
            keys.append(("email", email))
        for kind, value in keys:
            if f"{kind}:{value}" in self.seen:
                return kind, self.seen[f"{kind}:{value}"]
        if not keys:
            return None
        column = {"phone": Customer.phone, "email": Customer.email}
        # Only customers the caller may see count: a row that duplicates one out of their
        # sight is imported as if that customer did not exist (as CreateCustomer would take it),
        # and the pair goes to the duplicate candidates of whoever sees both.
        with self.database.unit_of_work(readonly=True) as uow:
            found = uow.session.execute(
                select(Customer.id, Customer.phone)
                .where(
                    Customer.state == "active",
                    or_(*(column[kind] == value for kind, value in keys)),
                    visibility_clause(principal, Customer.owner_id, Customer.department_path),
                )
                .limit(1)
            ).first()
        if found is None:
            return None
        return ("phone" if phone and found.phone == phone else "email"), found.id

    def remember(self, message: customer_pb2.Customer, customer_id: str) -> None:
        if message.phone.strip():
            phone = rules.normalise_phone(message.phone)
            if phone:
                self.seen[f"phone:{phone}"] = customer_id
        if message.email.strip():
            email = rules.normalise_email(message.email.strip())
            if email:
                self.seen[f"email:{email}"] = customer_id


def tag_ids_by_name(database: Database) -> dict[str, list[str]]:
    with database.unit_of_work(readonly=True) as uow:
        by_name: dict[str, list[str]] = {}
        for tag_id, name in uow.session.execute(
            select(Tag.id, Tag.name).where(Tag.system.is_(False))
        ):
            by_name.setdefault(name, []).append(tag_id)
        return by_name


def run(
    database: Database,
    create: CreateCustomer,
    principal: Principal,
    request: customer_pb2.ImportCustomersRequest,
) -> customer_pb2.CustomerImport:
    """Import the file (or only check it, with ``validate_only``) and store the report."""
    with database.unit_of_work(readonly=True) as uow:
        earlier = earlier_request(
            uow.session, CustomerImport, request.request_id, principal.user_id, creator="actor_id"
        )
        if earlier is not None:
            return to_proto(earlier)
    _header, rows = customer_csv.read(request.csv_content, request.encoding)
    tags = tag_ids_by_name(database)
    duplicates = _Duplicates(database)
    handling = request.duplicate_handling or customer_pb2.DUPLICATE_HANDLING_SKIP
    results: list[RowResult] = []
    for line, values in rows:
        message, violations = customer_csv.to_customer(values, tags)
        if violations:
            results.append(RowResult(line, FAILED, errors=violations))
            continue
        if not message.owner_id and request.default_owner_id:
            message.owner_id = request.default_owner_id
        if request.request_id and not request.validate_only:
            done = _created_before(database, row_request_id(request.request_id, line))
            if done:  # this import ran before and stopped after the row: the row is in
                results.append(RowResult(line, IMPORTED, customer_id=done))
                duplicates.remember(message, done)
                continue
        if handling != customer_pb2.DUPLICATE_HANDLING_CREATE:
            duplicate = duplicates.find(principal, message)
            if duplicate is not None:
                kind, existing_id = duplicate
                if handling == customer_pb2.DUPLICATE_HANDLING_FAIL:
                    results.append(
                        RowResult(
                            line,
                            FAILED,
                            errors=[
                                FieldViolation(
                                    kind,
                                    "duplicates an existing customer"
                                    + (f" ({existing_id})" if existing_id else ""),
                                )
                            ],
                        )
                    )
                else:
                    results.append(RowResult(line, SKIPPED, customer_id=existing_id))
                continue
        results.append(_create_row(create, principal, request, line, message))
        if results[-1].status == IMPORTED:
            duplicates.remember(message, results[-1].customer_id)
    return _store_report(database, principal, request, results)


def _created_before(database: Database, request_id: str) -> str:
    with database.unit_of_work(readonly=True) as uow:
        return (
            uow.session.scalar(select(Customer.id).where(Customer.request_id == request_id)) or ""
        )


def _create_row(
    create: CreateCustomer, principal: Principal, request, line: int, message: customer_pb2.Customer
) -> RowResult:
    create_request = customer_pb2.CreateCustomerRequest(
        customer=message,
        validate_only=request.validate_only,
        request_id=row_request_id(request.request_id, line) if request.request_id else "",
    )
    try:
        created = create(create_request)
    except InvalidArgument as exc:
        return RowResult(
            line,
            FAILED,
            errors=[
                FieldViolation(customer_csv.column_of(v.field), v.description)
                for v in exc.violations
            ],
        )
    except PermissionDenied as exc:
        return RowResult(line, FAILED, errors=[FieldViolation("owner_id", exc.message)])
    except DomainError as exc:
        return RowResult(line, FAILED, errors=[FieldViolation("csv_content", exc.message)])
    return RowResult(line, IMPORTED, customer_id=created.id)


def _store_report(
    database: Database, principal: Principal, request, results: list[RowResult]
) -> customer_pb2.CustomerImport:
    record = CustomerImport(
        id=str(uuid.uuid4()),
        file_name=request.file_name[:255],
        validate_only=request.validate_only,
        total_rows=len(results),
        imported_rows=sum(r.status == IMPORTED for r in results),
        failed_rows=sum(r.status == FAILED for r in results),
        skipped_rows=sum(r.status == SKIPPED for r in results),
        row_results=[r.as_json() for r in results],
        actor_id=principal.user_id,
        create_time=utcnow(),
        request_id=request.request_id or None,
    )
    with database.unit_of_work() as uow:
        uow.session.add(record)
    return to_proto(record)


def to_proto(record: CustomerImport, *, with_rows: bool = True) -> customer_pb2.CustomerImport:
    message = customer_pb2.CustomerImport(
        id=record.id,
        file_name=record.file_name,
        validate_only=record.validate_only,
        total_rows=record.total_rows,
        imported_rows=record.imported_rows,
        failed_rows=record.failed_rows,
        skipped_rows=record.skipped_rows,
        actor_id=record.actor_id,
        create_time=to_timestamp(record.create_time),
    )
    if with_rows:
        message.rows.extend(
            customer_pb2.ImportRowResult(
                line_number=row["line"],
                status=STATUS_VALUES[row["status"]],
                customer_id=row["customer_id"],
                errors=[
                    error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                    for f, d in row["errors"]
                ],
            )
            for row in record.row_results
        )
    return message
