"""gRPC methods of ``crm.sales.v1.SalesService`` for files attached to follow-up records,
quotes and contracts (issue 20). Mixed into :class:`sales_service.api.SalesServicer`; the bodies
are ``crm_shared.attachments.calls``', this module says how to find the record.

Every call first finds the record with the rule this service already has for it (a follow-up
record: ``activities.get_visible``; a quote or a contract: its owner and department in the
caller's data scope, GetQuote's and GetContract's ``_visible_row``), so an attachment of a record the caller may not see is
NOT_FOUND (docs/attachments.md).
"""

from __future__ import annotations

from types import SimpleNamespace

from crm.sales.v1 import sales_pb2
from crm_shared.attachments import LocalFileStore, ObjectStore
from crm_shared.attachments.calls import AttachmentCalls, Target
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound

from sales_service import activities
from sales_service.api_deals import DealRpcs
from sales_service.models import Attachment, Contract, Quote

CALLS = AttachmentCalls(service="sales", model=Attachment, record_field="record_id")
RECORD_TYPES = ("follow_up", "quote", "contract")
RECORD = frozenset({"record_type"})


class AttachmentRpcs:
    """Attachment methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by SalesServicer.__init__
    attachment_store: ObjectStore = LocalFileStore("var/attachments")
    """Set by ``build_bindings`` from the settings (``ATTACHMENT_STORE``...)."""

    def CreateSalesAttachment(self, request, context):
        _record_type_of(request)
        return CALLS.create(
            self.database, self.attachment_store, request, _target, more_fields=RECORD
        )

    def ListSalesAttachments(self, request, context):
        record_type = _record_type_of(request)
        attachments, next_token = CALLS.page(
            self.database,
            request,
            lambda session, principal: _record(session, principal, record_type, request.record_id),
            [Attachment.record_type == record_type, Attachment.record_id == request.record_id],
            more_fields=RECORD,
        )
        return sales_pb2.ListSalesAttachmentsResponse(
            attachments=attachments, next_page_token=next_token
        )

    def DownloadSalesAttachment(self, request, context):
        return CALLS.download(self.database, self.attachment_store, request, _attachment)

    def DeleteSalesAttachment(self, request, context):
        return CALLS.delete(self.database, self.attachment_store, request, _attachment)


def _record_type_of(request) -> str:
    if request.record_type not in RECORD_TYPES:
        raise InvalidArgument(FieldViolation("record_type", "must be follow_up, quote or contract"))
    return request.record_type


def _record(session, principal, record_type: str, record_id: str):
    """The follow-up record, quote or contract, if the caller may see it; NOT_FOUND otherwise."""
    if record_type != "follow_up":
        # GetQuote's and GetContract's own rule (it reads only the unit of work's session).
        model = Quote if record_type == "quote" else Contract
        return DealRpcs._visible_row(
            SimpleNamespace(session=session), principal, model, record_id, record_type
        )
    row = activities.get_visible(session, principal, record_id)
    if row is None:
        raise NotFound(f"follow-up record {record_id} not found")
    return row


def _target(session, principal, request) -> Target:
    row = _record(session, principal, request.record_type, request.record_id)
    return Target(row.customer_id or "", request.record_type, row.id)


def _attachment(session, principal, request, for_update: bool) -> Attachment:
    """The attachment, if the caller may see its record (and it is ``request.record_id``'s,
    when given); NOT_FOUND otherwise."""
    row = session.get(Attachment, request.id) if request.id else None
    if row is None or (request.record_id and row.record_id != request.record_id):
        raise NotFound(f"attachment {request.id} not found")
    try:
        _record(session, principal, row.record_type, row.record_id)
    except NotFound:
        raise NotFound(f"attachment {request.id} not found") from None
    return row
