"""gRPC methods of ``crm.ticket.v1.TicketService`` for files attached to tickets (issue 20).
Mixed into :class:`ticket_service.api.TicketServicer`; the bodies are
``crm_shared.attachments.calls``', this module says how to find the ticket.

Every call first finds the ticket through ``tickets.get_visible`` — the one rule of who sees a
ticket — so an attachment of a ticket the caller may not see is NOT_FOUND (docs/attachments.md).
"""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2
from crm_shared.attachments import LocalFileStore, ObjectStore
from crm_shared.attachments.calls import AttachmentCalls, Target
from crm_shared.errors import NotFound

from ticket_service import tickets
from ticket_service.models import Attachment

CALLS = AttachmentCalls(service="ticket", model=Attachment, record_field="ticket_id")


class AttachmentRpcs:
    """Attachment methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by TicketServicer.__init__
    attachment_store: ObjectStore = LocalFileStore("var/attachments")
    """Set by ``build_bindings`` from the settings (``ATTACHMENT_STORE``...)."""

    def CreateTicketAttachment(self, request, context):
        return CALLS.create(self.database, self.attachment_store, request, _target)

    def ListTicketAttachments(self, request, context):
        attachments, next_token = CALLS.page(
            self.database,
            request,
            lambda session, principal: _ticket(session, principal, request.ticket_id),
            [Attachment.record_type == "ticket", Attachment.record_id == request.ticket_id],
        )
        return ticket_pb2.ListTicketAttachmentsResponse(
            attachments=attachments, next_page_token=next_token
        )

    def DownloadTicketAttachment(self, request, context):
        return CALLS.download(self.database, self.attachment_store, request, _attachment)

    def DeleteTicketAttachment(self, request, context):
        return CALLS.delete(self.database, self.attachment_store, request, _attachment)


def _ticket(session, principal, ticket_id: str):
    ticket = tickets.get_visible(session, principal, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    return ticket


def _target(session, principal, request) -> Target:
    ticket = _ticket(session, principal, request.ticket_id)
    # The ticket's customer when it names one (the customer's erasure finds the file by it, or
    # by the ticket when the customer was named later).
    return Target(ticket.customer_id or "", "ticket", ticket.id)


def _attachment(session, principal, request, for_update: bool) -> Attachment:
    """The attachment, if the caller may see its ticket (and it is ``request.ticket_id``'s, when
    given); NOT_FOUND otherwise."""
    row = session.get(Attachment, request.id) if request.id else None
    if (
        row is None
        or row.record_type != "ticket"
        or (request.ticket_id and row.record_id != request.ticket_id)
        or tickets.get_visible(session, principal, row.record_id) is None
    ):
        raise NotFound(f"attachment {request.id} not found")
    return row
