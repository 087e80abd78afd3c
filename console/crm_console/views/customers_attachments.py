"""The customer 360 page's attachments panel (issue 20): the files on the customer and its
contacts (名片扫描件, screenshots, requirements documents), through
:class:`crm_console.attachment_panel.AttachmentPanel`.

RPCs: CustomerService.ListCustomerAttachments, CreateCustomerAttachment,
DownloadCustomerAttachment, DeleteCustomerAttachment."""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from flask import url_for

from crm_console.attachment_panel import UPLOAD_BODY_BYTES, AttachmentPanel, PanelUrls
from crm_console.views import customers as customers_view
from crm_console.views.customers_panels import _checked

PANEL = AttachmentPanel(
    peer="customer", kind="Customer", messages=customer_pb2, parent_field="customer_id"
)


def _urls(customer_id: str) -> PanelUrls:
    return PanelUrls(
        upload=url_for("customers.upload_attachment", customer_id=customer_id),
        download=lambda attachment_id: url_for(
            "customers.download_attachment", customer_id=customer_id, attachment_id=attachment_id
        ),
        delete=lambda attachment_id: url_for(
            "customers.delete_attachment", customer_id=customer_id, attachment_id=attachment_id
        ),
        page=url_for("customers.customer", customer_id=customer_id) + "#attachments",
    )


@customers_view.blueprint.get("/<customer_id>/panels/attachments")
def attachments_panel(customer_id: str):
    customer_id = _checked(customer_id)
    return PANEL.render(customer_id, _urls(customer_id))


@customers_view.blueprint.post("/<customer_id>/attachments")
def upload_attachment(customer_id: str):
    customer_id = _checked(customer_id)
    return PANEL.upload(customer_id, _urls(customer_id))


upload_attachment.max_body_bytes = UPLOAD_BODY_BYTES


@customers_view.blueprint.get("/<customer_id>/attachments/<attachment_id>")
def download_attachment(customer_id: str, attachment_id: str):
    return PANEL.download(_checked(customer_id), attachment_id)


@customers_view.blueprint.post("/<customer_id>/attachments/<attachment_id>/delete")
def delete_attachment(customer_id: str, attachment_id: str):
    customer_id = _checked(customer_id)
    return PANEL.delete(customer_id, attachment_id, _urls(customer_id))
