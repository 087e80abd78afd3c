"""gRPC methods of ``crm.customer.v1.CustomerService`` for attachments of customers and their
contacts (issue 20). Mixed into :class:`customer_service.api.CustomerServicer`.

Every call first finds the customer through ``repository.get_visible`` — the one rule of who
sees a customer — so an attachment of a customer the caller may not see is NOT_FOUND, exactly
as if it did not exist. Uploading and deleting change the customer's record: its data scope
(``for_update``), and the customer must be active. Downloads are streamed by this service after
that check, not handed out as signed URLs: see ``docs/attachments.md``.
"""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm_shared.attachments import LocalFileStore, ObjectStore, check_upload, records
from crm_shared.auth import current_principal
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.repeated_requests import earlier_request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from customer_service import repository
from customer_service.models import Attachment, Contact

SERVICE = "customer"  # the first part of its object keys


class AttachmentRpcs:
    """Attachment methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by CustomerServicer.__init__
    attachment_store: ObjectStore = LocalFileStore("var/attachments")
    """Set by ``build_bindings`` from the settings (``ATTACHMENT_STORE``...)."""

    def CreateCustomerAttachment(self, request, context):
        from customer_service.api import require_active  # api imports this module

        principal = current_principal()
        refuse_unsupported(
            request, {"customer_id", "contact_id", "file_name", "content", "request_id"}
        )
        upload, violations = check_upload(request.file_name, request.content)
        violations = request_id_violations(request.request_id) + violations
        if not request.customer_id:
            violations.insert(0, FieldViolation("customer_id", "is required"))
        if violations:
            raise InvalidArgument(violations)
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(
                    uow.session,
                    Attachment,
                    request.request_id,
                    principal.user_id,
                    creator="uploaded_by",
                )
                customer = self._customer(
                    uow.session, principal, request.customer_id, for_update=True
                )
                if earlier is not None:
                    return records.to_proto(earlier)
                require_active(customer)
                record_type, record_id = "customer", customer.id
                if request.contact_id:
                    contact = uow.session.get(Contact, request.contact_id)
                    if contact is None or contact.customer_id != customer.id:
                        raise InvalidArgument(
                            FieldViolation("contact_id", "is not a contact of this customer")
                        )
                    record_type, record_id = "contact", contact.id
                row = records.store(
                    uow.session,
                    self.attachment_store,
                    Attachment,
                    upload,
                    service=SERVICE,
                    customer_id=customer.id,
                    record_type=record_type,
                    record_id=record_id,
                    actor_id=principal.user_id,
                    request_id=request.request_id or None,
                )
                return records.to_proto(row)
        except IntegrityError:
            # The same request raced itself: the first one's attachment is the answer.
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(
                    uow.session,
                    Attachment,
                    request.request_id,
                    principal.user_id,
                    creator="uploaded_by",
                )
                if earlier is None:
                    raise
                return records.to_proto(earlier)

    def ListCustomerAttachments(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id", "contact_id"})
        if not request.customer_id:
            raise InvalidArgument(FieldViolation("customer_id", "is required"))
        page_size = page_size_of(request.page_size)
        with self.database.unit_of_work(readonly=True) as uow:
            self._customer(uow.session, principal, request.customer_id)
            query = select(Attachment).where(Attachment.customer_id == request.customer_id)
            if request.contact_id:
                query = query.where(
                    Attachment.record_type == "contact", Attachment.record_id == request.contact_id
                )
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=Attachment.create_time,
                id_column=Attachment.id,
                page_size=page_size,
                page_token=request.page_token,
            )
            return customer_pb2.ListCustomerAttachmentsResponse(
                attachments=[records.to_proto(row) for row in rows], next_page_token=next_token
            )

    def DownloadCustomerAttachment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "thumbnail", "customer_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = self._attachment(uow.session, principal, request.id, request.customer_id)
            chunks = records.chunks_of(self.attachment_store, row, thumbnail=request.thumbnail)
        # Sent after the transaction closed: a slow reader holds no database connection.
        if chunks is None:  # no thumbnail, or erased or deleted since the row was read
            raise NotFound(f"attachment {request.id} not found")
        yield from chunks

    def DeleteCustomerAttachment(self, request, context):
        from google.protobuf import empty_pb2

        principal = current_principal()
        refuse_unsupported(request, {"id", "customer_id"})
        with self.database.unit_of_work() as uow:
            row = self._attachment(
                uow.session, principal, request.id, request.customer_id, for_update=True
            )
            records.remove(uow.session, self.attachment_store, row)
        return empty_pb2.Empty()

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _customer(session, principal, customer_id: str, *, for_update: bool = False):
        customer = repository.get_visible(session, principal, customer_id, for_update=for_update)
        if customer is None:
            raise NotFound(f"customer {customer_id} not found")
        return customer

    def _attachment(
        self, session, principal, attachment_id: str, customer_id: str, *, for_update=False
    ):
        """The attachment, if the caller may see its customer (and it is ``customer_id``'s,
        when given); NOT_FOUND otherwise."""
        row = session.get(Attachment, attachment_id) if attachment_id else None
        if (
            row is None
            or (customer_id and row.customer_id != customer_id)
            or repository.get_visible(session, principal, row.customer_id, for_update=for_update)
            is None
        ):
            raise NotFound(f"attachment {attachment_id} not found")
        return row
