"""gRPC methods of ``crm.customer.v1.CustomerService`` for attachments of customers and their
contacts (issue 20). Mixed into :class:`customer_service.api.CustomerServicer`; the bodies are
``crm_shared.attachments.calls``', this module says how to find the record.

Every call first finds the customer through ``repository.get_visible`` — the one rule of who
sees a customer — so an attachment of a customer the caller may not see is NOT_FOUND, exactly
as if it did not exist. Uploading and deleting change the customer's record: its data scope
(``for_update``), and an upload needs an active customer. Downloads are streamed by this service
after that check, not handed out as signed URLs: see ``docs/attachments.md``.
"""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm_shared.attachments import LocalFileStore, ObjectStore
from crm_shared.attachments.calls import AttachmentCalls, Target
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound

from customer_service import repository
from customer_service.models import Attachment, Contact

CALLS = AttachmentCalls(service="customer", model=Attachment, record_field="customer_id")


class AttachmentRpcs:
    """Attachment methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by CustomerServicer.__init__
    attachment_store: ObjectStore = LocalFileStore("var/attachments")
    """Set by ``build_bindings`` from the settings (``ATTACHMENT_STORE``...)."""

    def CreateCustomerAttachment(self, request, context):
        return CALLS.create(
            self.database,
            self.attachment_store,
            request,
            _target,
            more_fields=frozenset({"contact_id"}),
        )

    def ListCustomerAttachments(self, request, context):
        where = [Attachment.customer_id == request.customer_id]
        if request.contact_id:
            where += [
                Attachment.record_type == "contact",
                Attachment.record_id == request.contact_id,
            ]
        attachments, next_token = CALLS.page(
            self.database,
            request,
            lambda session, principal: _customer(session, principal, request.customer_id),
            where,
            more_fields=frozenset({"contact_id"}),
        )
        return customer_pb2.ListCustomerAttachmentsResponse(
            attachments=attachments, next_page_token=next_token
        )

    def DownloadCustomerAttachment(self, request, context):
        return CALLS.download(self.database, self.attachment_store, request, _attachment)

    def DeleteCustomerAttachment(self, request, context):
        return CALLS.delete(self.database, self.attachment_store, request, _attachment)


def _customer(session, principal, customer_id: str, *, for_update: bool = False):
    customer = repository.get_visible(session, principal, customer_id, for_update=for_update)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def _target(session, principal, request) -> Target:
    """The customer (in the caller's data scope, active) or its contact an upload names."""
    from customer_service.api import require_active  # api imports this module

    customer = _customer(session, principal, request.customer_id, for_update=True)
    require_active(customer)
    if not request.contact_id:
        return Target(customer.id, "customer", customer.id)
    contact = session.get(Contact, request.contact_id)
    if contact is None or contact.customer_id != customer.id:
        raise InvalidArgument(FieldViolation("contact_id", "is not a contact of this customer"))
    return Target(customer.id, "contact", contact.id)


def _attachment(session, principal, request, for_update: bool) -> Attachment:
    """The attachment, if the caller may see its customer (and it is ``request.customer_id``'s,
    when given); NOT_FOUND otherwise."""
    row = session.get(Attachment, request.id) if request.id else None
    if (
        row is None
        or (request.customer_id and row.customer_id != request.customer_id)
        or repository.get_visible(session, principal, row.customer_id, for_update=for_update)
        is None
    ):
        raise NotFound(f"attachment {request.id} not found")
    return row
