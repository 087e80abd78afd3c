"""``/api/v1/customers/<customer_id>/attachments``: files on a customer or its contacts (issue 20;
``docs/attachments.md``), REST over the customer service's attachment RPCs (translation only).

The customer service checks every call with the caller's forwarded token (404 for whoever may
not see the customer) and sniffs the type from the bytes. A download is streamed by the service
and answered here in one response, never as a link to the object store: the visibility check
happens on every download, and no store credentials or signed URLs leave the cluster.
"""

from __future__ import annotations

from urllib.parse import quote

from crm.common.v1 import attachments_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.attachments import MAX_SIZE_BYTES
from crm_shared.auth import current_principal
from crm_shared.grpc.client import connect
from crm_shared.protojson import to_json
from flask import Response, request
from flask_openapi3 import APIBlueprint, FileStorage, Tag
from pydantic import BaseModel, Field

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customer_schemas import response_model
from gateway.views.customers import (
    ONE,
    PAGE_SIZE,
    PAGE_TOKEN,
    PEER,
    SERVICE,
    CustomerPath,
    idempotency_request_id,
)
from gateway.views.table_exports import LONG_CALL_SECONDS

UPLOAD_BODY_BYTES = MAX_SIZE_BYTES + 64 * 1024
"""The upload route's body limit (the multipart envelope around a file at the limit); the other
routes keep ``HTTP_MAX_BODY_BYTES``. A file a little over the limit reaches the service and
comes back as a field error on ``content``; a much larger body is a 413 problem."""

ATTACHMENT_EXAMPLE = {
    "id": "5f1c7a9e-2b4d-4c8e-9a31-7d6e0b2f4c18",
    "customer_id": "0b7c6a52-8f3e-4d21-9c47-2e5a1f9d3b60",
    "record_type": "customer",
    "record_id": "0b7c6a52-8f3e-4d21-9c47-2e5a1f9d3b60",
    "file_name": "名片.jpg",
    "content_type": "image/jpeg",
    "size_bytes": 48213,
    "sha256": "9f2b5c0e8d1a7f3c4b6e2d9a0c1f8e7b5a3d2c4e6f8a0b1c3d5e7f9a2b4c6d8e",
    "has_thumbnail": True,
    "uploaded_by": "2d9e6c1a-5b7f-4e3a-8c21-9f0a4d6b7e32",
    "create_time": "2026-03-02T09:30:00Z",
}
Attachment = response_model(attachments_pb2.Attachment.DESCRIPTOR, ATTACHMENT_EXAMPLE)
AttachmentPage = response_model(
    customer_pb2.ListCustomerAttachmentsResponse.DESCRIPTOR,
    {"attachments": [ATTACHMENT_EXAMPLE], "next_page_token": ""},
)
DOWNLOAD_RESPONSE = {
    "description": "The file as uploaded (its sniffed media type), or the image's PNG "
    "thumbnail (`thumbnail=true`), offered for saving under its file name.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


class AttachmentPath(CustomerPath):
    attachment_id: str = Field(min_length=1, max_length=64)


class AttachmentQuery(BaseModel):
    contact_id: str = Field("", max_length=64, description="Only this contact's attachments.")
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN


class DownloadQuery(BaseModel):
    thumbnail: bool = Field(False, description="The image's PNG thumbnail instead of the file.")


class UploadForm(BaseModel):
    """One file: an image (JPEG, PNG, GIF, WebP), a PDF or an Office document."""

    file: FileStorage
    contact_id: str = Field(
        "", max_length=64, description="Attach to this contact of the customer."
    )


def register(app, deps) -> None:
    api = APIBlueprint("customer_attachments", __name__, abp_tags=[Tag(name="customers")])

    def stub() -> customer_pb2_grpc.CustomerServiceStub:
        return deps.peers.stub(PEER, SERVICE, customer_pb2_grpc.CustomerServiceStub)

    @api.before_request
    def _room_for_a_file():
        if request.endpoint == "customer_attachments.upload_attachment":
            request.max_content_length = UPLOAD_BODY_BYTES

    def long_call(method: str, message):
        # A channel of its own: the shared one caps every call at the short lookup deadline,
        # too short to move 10 MiB on a busy node.
        channel = connect(deps.peers.addresses[PEER], [SERVICE], default_timeout=LONG_CALL_SECONDS)
        try:
            rpc = getattr(customer_pb2_grpc.CustomerServiceStub(channel), method)
            # Drained inside the request, like the exports (gateway.views.table_exports).
            return call(
                PEER, lambda r: list(rpc(r)) if method.startswith("Download") else rpc(r), message
            )
        finally:
            channel.close()

    @operation(
        api,
        "get",
        f"{ONE}/attachments",
        operation_id="listCustomerAttachments",
        summary="The files attached to the customer and its contacts, newest first",
        responses={200: AttachmentPage},
        calls_services=True,
    )
    def list_attachments(path: CustomerPath, query: AttachmentQuery):
        page = call(
            PEER,
            stub().ListCustomerAttachments,
            customer_pb2.ListCustomerAttachmentsRequest(
                customer_id=path.customer_id,
                contact_id=query.contact_id,
                page_size=query.page_size or 0,
                page_token=query.page_token,
            ),
        )
        return json_response(AttachmentPage.model_validate(to_json(page)))

    @operation(
        api,
        "post",
        f"{ONE}/attachments",
        operation_id="uploadCustomerAttachment",
        summary="Attach a file to the customer (or one of its contacts)",
        description="Multipart form with `file`. Images (JPEG, PNG, GIF, WebP), PDF and Office "
        f"documents up to {MAX_SIZE_BYTES // (1024 * 1024)} MiB; the type is read from the "
        "content, not the file name: anything else is a 422 naming `content` (the file's bytes, as the "
        "service calls them; `file_name` for its name). Images get a thumbnail.",
        responses={201: Attachment},
        response_headers={201: ["Location"]},
        calls_services=True,
        creates=True,
    )
    def upload_attachment(path: CustomerPath, form: UploadForm):
        created = long_call(
            "CreateCustomerAttachment",
            customer_pb2.CreateCustomerAttachmentRequest(
                customer_id=path.customer_id,
                contact_id=form.contact_id,
                file_name=(form.file.filename or "")[:255],
                content=form.file.read(),
                request_id=idempotency_request_id(current_principal().user_id, current_key()),
            ),
        )
        return json_response(
            Attachment.model_validate(to_json(created)),
            status=201,
            headers={"Location": f"/api/v1/customers/{path.customer_id}/attachments/{created.id}"},
        )

    @operation(
        api,
        "get",
        f"{ONE}/attachments/<attachment_id>",
        operation_id="downloadCustomerAttachment",
        summary="Download an attached file (or its thumbnail)",
        responses={200: DOWNLOAD_RESPONSE},
        calls_services=True,
    )
    def download_attachment(path: AttachmentPath, query: DownloadQuery):
        chunks = long_call(
            "DownloadCustomerAttachment",
            customer_pb2.DownloadCustomerAttachmentRequest(
                id=path.attachment_id, customer_id=path.customer_id, thumbnail=query.thumbnail
            ),
        )
        first = chunks[0]
        name = first.file_name + (".thumbnail.png" if query.thumbnail else "")
        return Response(
            b"".join(chunk.data for chunk in chunks),
            mimetype=first.content_type,
            headers={
                # RFC 6266/5987: a Chinese file name survives; the ASCII fallback for old clients.
                "Content-Disposition": 'attachment; filename="attachment"; '
                f"filename*=UTF-8''{quote(name)}",
                "Cache-Control": "private, no-store",
            },
        )

    @operation(
        api,
        "delete",
        f"{ONE}/attachments/<attachment_id>",
        operation_id="deleteCustomerAttachment",
        summary="Delete an attached file",
        responses={204: {"description": "Deleted."}},
        calls_services=True,
    )
    def delete_attachment(path: AttachmentPath):
        call(
            PEER,
            stub().DeleteCustomerAttachment,
            customer_pb2.DeleteCustomerAttachmentRequest(
                id=path.attachment_id, customer_id=path.customer_id
            ),
        )
        return Response(status=204)

    app.register_api(api)
