"""gRPC methods of ``crm.ticket.v1.TicketService`` for files attached to tickets (issue 20).
Mixed into :class:`ticket_service.api.TicketServicer`.

Every call first finds the ticket through ``tickets.get_visible`` — the one rule of who sees a
ticket — so an attachment of a ticket the caller may not see is NOT_FOUND. The rows, objects,
thumbnails and streaming are ``crm_shared.attachments``' (docs/attachments.md).
"""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2
from crm_shared.attachments import LocalFileStore, ObjectStore, check_upload, records
from crm_shared.auth import current_principal
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.repeated_requests import earlier_request
from google.protobuf import empty_pb2
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ticket_service import tickets
from ticket_service.models import Attachment

SERVICE = "ticket"  # the first part of its object keys


class AttachmentRpcs:
    """Attachment methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by TicketServicer.__init__
    attachment_store: ObjectStore = LocalFileStore("var/attachments")
    """Set by ``build_bindings`` from the settings (``ATTACHMENT_STORE``...)."""

    def CreateTicketAttachment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"ticket_id", "file_name", "content", "request_id"})
        upload, violations = check_upload(request.file_name, request.content)
        violations = request_id_violations(request.request_id) + violations
        if not request.ticket_id:
            violations.insert(0, FieldViolation("ticket_id", "is required"))
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
                ticket = _ticket(uow.session, principal, request.ticket_id)
                if earlier is not None:
                    return records.to_proto(earlier)
                row = records.store(
                    uow.session,
                    self.attachment_store,
                    Attachment,
                    upload,
                    service=SERVICE,
                    customer_id=ticket.customer_id or "",
                    record_type="ticket",
                    record_id=ticket.id,
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

    def ListTicketAttachments(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "ticket_id"})
        if not request.ticket_id:
            raise InvalidArgument(FieldViolation("ticket_id", "is required"))
        page_size = page_size_of(request.page_size)
        with self.database.unit_of_work(readonly=True) as uow:
            _ticket(uow.session, principal, request.ticket_id)
            rows, next_token = keyset_page(
                uow.session,
                select(Attachment).where(
                    Attachment.record_type == "ticket", Attachment.record_id == request.ticket_id
                ),
                created_column=Attachment.create_time,
                id_column=Attachment.id,
                page_size=page_size,
                page_token=request.page_token,
            )
            return ticket_pb2.ListTicketAttachmentsResponse(
                attachments=[records.to_proto(row) for row in rows], next_page_token=next_token
            )

    def DownloadTicketAttachment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "thumbnail", "ticket_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = _attachment(uow.session, principal, request.id, request.ticket_id)
            chunks = records.chunks_of(self.attachment_store, row, thumbnail=request.thumbnail)
        # Sent after the transaction closed: a slow reader holds no database connection.
        if chunks is None:  # no thumbnail, or erased or deleted since the row was read
            raise NotFound(f"attachment {request.id} not found")
        yield from chunks

    def DeleteTicketAttachment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "ticket_id"})
        with self.database.unit_of_work() as uow:
            row = _attachment(uow.session, principal, request.id, request.ticket_id)
            records.remove(uow.session, self.attachment_store, row)
        return empty_pb2.Empty()


def _ticket(session, principal, ticket_id: str):
    ticket = tickets.get_visible(session, principal, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def _attachment(session, principal, attachment_id: str, ticket_id: str) -> Attachment:
    """The attachment, if the caller may see its ticket (and it is ``ticket_id``'s, when
    given); NOT_FOUND otherwise."""
    row = session.get(Attachment, attachment_id) if attachment_id else None
    if (
        row is None
        or row.record_type != "ticket"
        or (ticket_id and row.record_id != ticket_id)
        or tickets.get_visible(session, principal, row.record_id) is None
    ):
        raise NotFound(f"attachment {attachment_id} not found")
    return row
