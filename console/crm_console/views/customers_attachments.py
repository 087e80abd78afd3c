"""The customer 360 page's attachments panel (issue 20; docs/attachments.md): the files on the
customer and its contacts (名片扫描件, screenshots, requirements documents), with thumbnails of
images, an upload form and a delete button. Everything goes through the customer service with
the user's token, so a customer they may not see is a 404 and the service sniffs each file.

RPCs: CustomerService.ListCustomerAttachments, CreateCustomerAttachment,
DownloadCustomerAttachment, DeleteCustomerAttachment."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import grpc
from crm.customer.v1 import customer_pb2
from crm_shared.attachments import MAX_SIZE_BYTES
from crm_shared.grpc.client import connect
from flask import Response, abort, redirect, render_template, request, url_for

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.rpc import SERVICES, call, peers
from crm_console.table_exports import TIMEOUT_SECONDS
from crm_console.views import customers as customers_view
from crm_console.views.customers_panels import PANEL_ROWS, _attempt, _checked

UPLOAD_BODY_BYTES = MAX_SIZE_BYTES + 64 * 1024  # the file and its multipart envelope
"""The upload's body limit (the app's is 2 MiB), read by the app before its CSRF check parses
the form (``max_body_bytes`` on the view)."""


# What a person reads for a sniffed media type (crm_shared.attachments.limits.ALLOWED_TYPES).
CONTENT_TYPES = {
    "image/jpeg": N_("JPEG image"),
    "image/png": N_("PNG image"),
    "image/gif": N_("GIF image"),
    "image/webp": N_("WebP image"),
    "application/pdf": N_("PDF document"),
    "application/msword": N_("Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": N_("Word document"),
    "application/vnd.ms-excel": N_("Excel workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": N_("Excel workbook"),
    "application/vnd.ms-powerpoint": N_("PowerPoint presentation"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": N_(
        "PowerPoint presentation"
    ),
}


def content_type_label(content_type: str) -> str:
    label = CONTENT_TYPES.get(content_type)
    return _(label) if label else content_type


def _panel(customer_id: str, errors: dict[str, str] | None = None, status: int = 200):
    page, refusal = _attempt(
        "customer",
        "ListCustomerAttachments",
        customer_pb2.ListCustomerAttachmentsRequest(customer_id=customer_id, page_size=PANEL_ROWS),
    )
    return render_template(
        "customers/_attachments.html",
        customer_id=customer_id,
        refusal=refusal,
        attachments=list(page.attachments) if page else [],
        errors=errors or {},
        request_id=str(uuid.uuid4()),
        max_mib=MAX_SIZE_BYTES // (1024 * 1024),
        content_type_label=content_type_label,
    ), status


def _long_call(method: str, message):
    """``method`` of the customer service on a channel of its own (the shared one caps every
    call at a page lookup's deadline, too short to move 10 MiB); a stream is drained here."""
    service, stub_class = SERVICES["customer"]
    channel = connect(peers().addresses["customer"], [service], default_timeout=TIMEOUT_SECONDS)
    try:
        answer = getattr(stub_class(channel), method)(message)
        return list(answer) if method.startswith("Download") else answer
    except grpc.RpcError as exc:
        raise Refusal.from_rpc_error("customer", exc) from exc
    finally:
        channel.close()


@customers_view.blueprint.get("/<customer_id>/panels/attachments")
def attachments_panel(customer_id: str):
    return _panel(_checked(customer_id))


@customers_view.blueprint.post("/<customer_id>/attachments")
def upload_attachment(customer_id: str):
    customer_id = _checked(customer_id)
    upload = request.files.get("content")
    htmx = bool(request.headers.get("HX-Request"))
    errors: dict[str, str] = {}
    if upload is None or not upload.filename:
        errors["content"] = _("Choose a file.")
    else:
        try:
            _long_call(
                "CreateCustomerAttachment",
                customer_pb2.CreateCustomerAttachmentRequest(
                    customer_id=customer_id,
                    file_name=upload.filename[:255],
                    content=upload.read(),
                    request_id=request.form.get("request_id", "")[:64],
                ),
            )
        except Refusal as refusal:
            if refusal.status == 404 or not htmx:
                raise
            # The service's fields (content, file_name) are both about the one file input.
            texts = list(refusal.field_errors.values())
            errors = {"content": "; ".join(texts)} if texts else {"": refusal.message}
    if errors and not htmx:
        raise Refusal(status=422, message=next(iter(errors.values())))
    if not htmx:
        return redirect(url_for("customers.customer", customer_id=customer_id) + "#attachments")
    return _panel(customer_id, errors, 422 if errors else 200)


upload_attachment.max_body_bytes = UPLOAD_BODY_BYTES


@customers_view.blueprint.get("/<customer_id>/attachments/<attachment_id>")
def download_attachment(customer_id: str, attachment_id: str):
    """The file (saved under its name) or, with ``thumbnail``, its PNG thumbnail shown in the
    page; streamed by the service after its visibility check, drained here."""
    customer_id = _checked(customer_id)
    if not attachment_id or len(attachment_id) > 64:
        abort(404)
    thumbnail = request.args.get("thumbnail") == "1"
    chunks = _long_call(
        "DownloadCustomerAttachment",
        customer_pb2.DownloadCustomerAttachmentRequest(
            id=attachment_id, customer_id=customer_id, thumbnail=thumbnail
        ),
    )
    first = chunks[0]
    disposition = "inline" if thumbnail else "attachment"
    return Response(
        b"".join(chunk.data for chunk in chunks),
        mimetype=first.content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename=attachment; "
            f"filename*=UTF-8''{quote(first.file_name)}",
            "Cache-Control": "private, no-store",
        },
    )


@customers_view.blueprint.post("/<customer_id>/attachments/<attachment_id>/delete")
def delete_attachment(customer_id: str, attachment_id: str):
    customer_id = _checked(customer_id)
    call(
        "customer",
        "DeleteCustomerAttachment",
        customer_pb2.DeleteCustomerAttachmentRequest(
            id=attachment_id[:64], customer_id=customer_id
        ),
    )
    if not request.headers.get("HX-Request"):
        return redirect(url_for("customers.customer", customer_id=customer_id) + "#attachments")
    return _panel(customer_id)
