"""gRPC methods of ``crm.customer.v1.CustomerService`` for contacts and the decision chain.
Mixed into :class:`customer_service.api.CustomerServicer`; a contact is visible exactly when its
customer is. Reads returning contacts' personal fields are access-logged (READ) against
their customer."""

from __future__ import annotations

import uuid

from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, page_size_of
from google.protobuf import empty_pb2
from sqlalchemy import func, select, update

from customer_service import access_log, api, contacts, personal_data
from customer_service.api_personal import METHOD_PREFIX
from customer_service.models import Contact, Customer

CONTACT_OUTPUT_ONLY = {"id", "create_time", "update_time", "created_by", "updated_by", "etag"}


class ContactRpcs:
    def CreateContact(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"contact", "request_id"})
        data = request.contact
        paths = [path for path in contacts.INPUT_FIELDS if getattr(data, path)] + [
            "name",
            "job_title",
        ]
        clean, violations = contacts.validate(
            data, list(dict.fromkeys(paths)), today=utcnow().date()
        )
        violations += unsupported_fields(
            data,
            set(contacts.INPUT_FIELDS) | {"customer_id"},
            prefix="contact.",
            ignored=CONTACT_OUTPUT_ONLY,
        )
        if not data.customer_id:
            violations.append(FieldViolation("contact.customer_id", "is required"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            session = uow.session
            if request.request_id:
                earlier = session.scalars(
                    select(Contact).where(Contact.request_id == request.request_id)
                ).first()
                if (
                    earlier is not None
                    and api.repository.get_visible(session, principal, earlier.customer_id)
                    is not None
                ):
                    return contacts.to_proto(earlier)
            customer = _writable_customer(
                session, principal, data.customer_id, "contact.customer_id"
            )
            if customer.type != "enterprise":
                raise FailedPrecondition("contacts belong to enterprise customers")
            _check_reports_to(session, customer.id, clean.get("reports_to_contact_id"), None)
            now = utcnow()
            contact = Contact(
                id=str(uuid.uuid4()),
                customer_id=customer.id,
                created_by=principal.user_id,
                updated_by=principal.user_id,
                create_time=now,
                update_time=now,
                version=1,
                is_primary=False,
                decision_role="unspecified",
                request_id=request.request_id or None,
            )
            contacts.apply(contact, clean)
            session.add(contact)
            session.flush()
            if contact.is_primary:
                _make_primary(session, customer, contact)
            self._contacts_changed(session, customer, principal.user_id, now)
            created = contacts.to_proto(contact)
            uow.emit(
                events_pb2.ContactCreated(
                    contact=personal_data.for_event(created),
                    owner_id=customer.owner_id,
                    department_path=customer.department_path,
                ),
                key=customer.id,
            )
            return created

    def GetContact(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            contact, _ = _visible_contact(uow.session, principal, request.id)
            message = contacts.to_proto(contact)
            access_log.record_reads(
                uow.session, principal,
                [(contact.customer_id, access_log.contact_paths_of(message))],
                METHOD_PREFIX + "GetContact")
            return message

    def ListContacts(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id", "decision_role"})
        if request.decision_role not in contacts.ROLE_NAMES:
            raise InvalidArgument(FieldViolation("decision_role", "is not a decision role"))
        with self.database.unit_of_work() as uow:
            customer = api.visible_customer(uow.session, principal, request.customer_id)
            where = [Contact.customer_id == customer.id]
            if request.decision_role:
                where.append(Contact.decision_role == contacts.ROLE_NAMES[request.decision_role])
            rows, next_token = keyset_page(
                uow.session,
                select(Contact).where(*where),
                created_column=Contact.create_time,
                id_column=Contact.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            total = uow.session.scalar(select(func.count()).select_from(Contact).where(*where))
            messages = [contacts.to_proto(row) for row in rows]
            # All of one customer's: one READ entry naming every field any of them carried.
            access_log.record_reads(
                uow.session, principal,
                [(customer.id, access_log.contact_paths_of(m)) for m in messages],
                METHOD_PREFIX + "ListContacts")
            return customer_pb2.ListContactsResponse(
                contacts=messages,
                next_page_token=next_token,
                total_size=total,
            )

    def UpdateContact(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"contact", "update_mask"})
        data = request.contact
        paths = list(dict.fromkeys(request.update_mask.paths))
        violations = [
            FieldViolation(f"update_mask.paths[{path}]", "cannot be changed")
            for path in paths
            if path not in contacts.INPUT_FIELDS
        ]
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        if violations:
            raise InvalidArgument(violations)
        clean, violations = contacts.validate(data, paths, today=utcnow().date())
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            session = uow.session
            contact, customer = _visible_contact(session, principal, data.id, for_update=True)
            api.require_active(customer)
            if data.etag and data.etag != contacts.etag_of(contact):
                raise Conflict("the contact changed since it was read; read it again and retry")
            _check_reports_to(session, customer.id, clean.get("reports_to_contact_id"), contact.id)
            changed = contacts.apply(contact, clean)
            if not changed:
                return contacts.to_proto(contact)
            now = utcnow()
            contact.version += 1
            contact.update_time = now
            contact.updated_by = principal.user_id
            if "primary" in changed:
                if contact.is_primary:
                    _make_primary(session, customer, contact)
                elif customer.primary_contact_id == contact.id:
                    customer.primary_contact_id = None
            self._contacts_changed(session, customer, principal.user_id, now)
            updated = contacts.to_proto(contact)
            uow.emit(
                events_pb2.ContactUpdated(
                    contact=personal_data.for_event(updated),
                    changed_fields=changed,
                    owner_id=customer.owner_id,
                    department_path=customer.department_path,
                ),
                key=customer.id,
            )
            return updated

    def DeleteContact(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            session = uow.session
            contact, customer = _visible_contact(session, principal, request.id,
                                                 for_update=True)
            api.require_active(customer)
            session.execute(
                update(Contact)
                .where(Contact.reports_to_contact_id == contact.id)
                .values(reports_to_contact_id=contact.reports_to_contact_id)
            )
            if customer.primary_contact_id == contact.id:
                customer.primary_contact_id = None
            session.delete(contact)
            session.flush()
            self._contacts_changed(session, customer, principal.user_id, utcnow())
            uow.emit(
                events_pb2.ContactDeleted(contact_id=contact.id, customer_id=customer.id),
                key=customer.id,
            )
        return empty_pb2.Empty()

    def GetDecisionChain(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id"})
        with self.database.unit_of_work() as uow:
            customer = api.visible_customer(uow.session, principal, request.customer_id)
            if customer.type != "enterprise":
                raise FailedPrecondition("only enterprise customers have a decision chain")
            rows = list(
                uow.session.scalars(select(Contact).where(Contact.customer_id == customer.id))
            )
            chain = contacts.decision_chain(customer.id, rows)
            access_log.record_reads(
                uow.session, principal,
                [(customer.id, access_log.contact_paths_of(c)) for c in chain.contacts],
                METHOD_PREFIX + "GetDecisionChain")
            return chain

    def _contacts_changed(self, session, customer: Customer, actor_id: str, now) -> None:
        """The completeness score may count contacts; keep it current."""
        before = customer.completeness_score
        self._refresh_completeness(session, customer)
        if customer.completeness_score != before:
            customer.update_time = now
            customer.version += 1


def _writable_customer(session, principal, customer_id: str, field: str) -> Customer:
    if not customer_id:
        raise InvalidArgument(FieldViolation(field, "is required"))
    customer = api.repository.get_visible(session, principal, customer_id, for_update=True)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    api.require_active(customer)
    return customer


def _visible_contact(session, principal, contact_id: str, *, for_update: bool = False
                     ) -> tuple[Contact, Customer]:
    """The contact and its customer; ``for_update``: to change it (the customer in the
    caller's data scope: a collaborator of the customer reads its contacts only)."""
    contact = session.get(Contact, contact_id) if contact_id else None
    customer = (
        api.repository.get_visible(session, principal, contact.customer_id,
                                   for_update=for_update)
        if contact is not None
        else None
    )
    if contact is None or customer is None:
        raise NotFound(f"contact {contact_id} not found")
    return contact, customer


def _check_reports_to(
    session, customer_id: str, reports_to: str | None, contact_id: str | None
) -> None:
    if not reports_to:
        return
    if reports_to == contact_id:
        raise InvalidArgument(
            FieldViolation("contact.reports_to_contact_id", "must not be the contact itself")
        )
    boss = session.get(Contact, reports_to)
    if boss is None or boss.customer_id != customer_id:
        raise InvalidArgument(
            FieldViolation("contact.reports_to_contact_id", "is not a contact of the same customer")
        )
    # Walk up the chart: a contact must not end up reporting to someone below them.
    seen = {reports_to}
    while boss.reports_to_contact_id:
        if boss.reports_to_contact_id == contact_id or boss.reports_to_contact_id in seen:
            raise InvalidArgument(
                FieldViolation(
                    "contact.reports_to_contact_id", "would make the organisation chart a loop"
                )
            )
        seen.add(boss.reports_to_contact_id)
        boss = session.get(Contact, boss.reports_to_contact_id)
        if boss is None:
            break


def _make_primary(session, customer: Customer, contact: Contact) -> None:
    session.execute(
        update(Contact)
        .where(Contact.customer_id == customer.id, Contact.id != contact.id)
        .values(is_primary=False)
    )
    customer.primary_contact_id = contact.id
