"""REST routes of files attached to a record (issue 20; docs/attachments.md), the same for every
owning service: ``<record>/attachments`` lists and uploads (multipart ``file``),
``<record>/attachments/<attachment_id>`` downloads and deletes. Translation only: the owning
service checks the record with the caller's forwarded token (404 for whoever may not see it)
and sniffs each file. A download is streamed by the service and answered here in one response,
never as a link to the object store: the visibility check happens on every download, and no
store credentials or signed URLs leave the cluster.

No ``from __future__ import annotations`` here: the views' parameter models are built per
record kind, and flask-openapi3 reads the annotations as objects.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from crm.common.v1 import attachments_pb2
from crm_shared.attachments import MAX_SIZE_BYTES
from crm_shared.auth import current_principal
from crm_shared.grpc.client import connect
from crm_shared.protojson import to_json
from flask import Response, request
from flask_openapi3 import APIBlueprint, FileStorage, Tag
from pydantic import BaseModel, Field, create_model

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customer_schemas import response_model
from gateway.views.customers import idempotency_request_id
from gateway.views.table_exports import LONG_CALL_SECONDS

UPLOAD_BODY_BYTES = MAX_SIZE_BYTES + 64 * 1024
"""The upload routes' body limit (the multipart envelope around a file at the limit); the other
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
DOWNLOAD_RESPONSE = {
    "description": "The file as uploaded (its sniffed media type), or the image's PNG "
    "thumbnail (`thumbnail=true`), offered for saving under its file name.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
PAGE_SIZE = Field(None, ge=1, le=1000, description="Default 50; the service caps it.")
PAGE_TOKEN = Field("", max_length=2048, description="`next_page_token` of the previous page.")


class PageQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN


class DownloadQuery(BaseModel):
    thumbnail: bool = Field(False, description="The image's PNG thumbnail instead of the file.")


class UploadForm(BaseModel):
    """One file: an image (JPEG, PNG, GIF, WebP), a PDF or an Office document."""

    file: FileStorage


@functools.cache
def _page_model(kind: str, messages) -> type[BaseModel]:
    """The list's response model of a service's attachments, built once per process (an app is
    made many times in tests; a response model only once)."""
    return response_model(
        getattr(messages, f"List{kind}AttachmentsResponse").DESCRIPTOR,
        {"attachments": [ATTACHMENT_EXAMPLE], "next_page_token": ""},
    )


@functools.cache
def _attachment_path(name: str, parent: type[BaseModel]) -> type[BaseModel]:
    """The path model of one attachment of a kind of record (the record's path + its id)."""
    return create_model(
        f"{name}AttachmentPath",
        __base__=parent,
        attachment_id=(str, Field(min_length=1, max_length=64)),
    )


@dataclass(frozen=True)
class AttachmentRoutes:
    """The routes of one kind of record. ``kind`` names the RPCs (``Create<Kind>Attachment``,
    ``List<Kind>Attachments``...), ``name`` the operation ids (``list<Name>Attachments``; ``kind``
    unless one service's RPCs serve several kinds of record: the sales service's quotes,
    contracts and follow-up records); ``parent`` is the record's path model, whose
    ``path_field`` (``parent_field`` unless given) fills the requests' ``parent_field``;
    ``list_query`` and ``upload_form`` may add fields (a customer's ``contact_id``), which
    ``extra`` copies into the list and create requests, with any constant ones (a sales
    record's ``record_type``)."""

    kind: str
    peer: str
    service: object
    stub_class: type
    messages: object  # the service's generated module (ticket_pb2...)
    base: str  # the record's REST path, e.g. "/api/v1/tickets/<ticket_id>"
    parent: type[BaseModel]
    parent_field: str
    list_query: type[BaseModel] = PageQuery
    upload_form: type[BaseModel] = UploadForm
    extra: Callable[[BaseModel], dict] = lambda model: {}
    name: str = ""
    path_field: str = ""
    tag: str = ""

    def register(self, app, deps) -> None:
        kind, messages, field = self.kind, self.messages, self.parent_field
        noun = self.name or kind
        path_field = self.path_field or field
        name = f"{noun.lower()}_attachments"
        api = APIBlueprint(name, __name__, abp_tags=[Tag(name=self.tag or f"{kind.lower()}s")])
        page, one = _page_model(kind, messages), _attachment_path(noun, self.parent)
        parent_model, list_query, upload_form = self.parent, self.list_query, self.upload_form

        def stub():
            return deps.peers.stub(self.peer, self.service, self.stub_class)

        def long_call(method: str, message):
            # A channel of its own: the shared one caps every call at the short lookup
            # deadline, too short to move 10 MiB on a busy node.
            channel = connect(
                deps.peers.addresses[self.peer], [self.service], default_timeout=LONG_CALL_SECONDS
            )
            try:
                rpc = getattr(self.stub_class(channel), method)
                # Drained inside the request, like the exports (gateway.views.table_exports).
                streamed = method.startswith("Download")
                return call(self.peer, lambda r: list(rpc(r)) if streamed else rpc(r), message)
            finally:
                channel.close()

        @api.before_request
        def _room_for_a_file():
            if request.endpoint == f"{name}.upload_attachment":
                request.max_content_length = UPLOAD_BODY_BYTES

        @operation(
            api,
            "get",
            f"{self.base}/attachments",
            operation_id=f"list{noun}Attachments",
            summary=f"The files attached to the {noun.lower()}, newest first",
            responses={200: page},
            calls_services=True,
        )
        def list_attachments(path: parent_model, query: list_query):
            answer = call(
                self.peer,
                getattr(stub(), f"List{kind}Attachments"),
                getattr(messages, f"List{kind}AttachmentsRequest")(
                    page_size=query.page_size or 0,
                    page_token=query.page_token,
                    **{field: getattr(path, path_field)},
                    **self.extra(query),
                ),
            )
            return json_response(page.model_validate(to_json(answer)))

        @operation(
            api,
            "post",
            f"{self.base}/attachments",
            operation_id=f"upload{noun}Attachment",
            summary=f"Attach a file to the {noun.lower()}",
            description="Multipart form with `file`. Images (JPEG, PNG, GIF, WebP), PDF and "
            f"Office documents up to {MAX_SIZE_BYTES // (1024 * 1024)} MiB; the type is read "
            "from the content, not the file name: anything else is a 422 naming `content` (the "
            "file's bytes, as the service calls them; `file_name` for its name). Images get a "
            "thumbnail.",
            responses={201: Attachment},
            response_headers={201: ["Location"]},
            calls_services=True,
            creates=True,
        )
        def upload_attachment(path: parent_model, form: upload_form):
            created = long_call(
                f"Create{kind}Attachment",
                getattr(messages, f"Create{kind}AttachmentRequest")(
                    file_name=(form.file.filename or "")[:255],
                    content=form.file.read(),
                    request_id=idempotency_request_id(current_principal().user_id, current_key()),
                    **{field: getattr(path, path_field)},
                    **self.extra(form),
                ),
            )
            location = self.base.replace(f"<{path_field}>", getattr(path, path_field))
            return json_response(
                Attachment.model_validate(to_json(created)),
                status=201,
                headers={"Location": f"{location}/attachments/{created.id}"},
            )

        @operation(
            api,
            "get",
            f"{self.base}/attachments/<attachment_id>",
            operation_id=f"download{noun}Attachment",
            summary="Download an attached file (or its thumbnail)",
            responses={200: DOWNLOAD_RESPONSE},
            calls_services=True,
        )
        def download_attachment(path: one, query: DownloadQuery):
            chunks = long_call(
                f"Download{kind}Attachment",
                getattr(messages, f"Download{kind}AttachmentRequest")(
                    id=path.attachment_id,
                    thumbnail=query.thumbnail,
                    **{field: getattr(path, path_field)},
                ),
            )
            first = chunks[0]
            file_name = first.file_name + (".thumbnail.png" if query.thumbnail else "")
            return Response(
                b"".join(chunk.data for chunk in chunks),
                mimetype=first.content_type,
                headers={
                    # RFC 6266/5987: a Chinese name survives; the ASCII fallback for old clients.
                    "Content-Disposition": 'attachment; filename="attachment"; '
                    f"filename*=UTF-8''{quote(file_name)}",
                    "Cache-Control": "private, no-store",
                },
            )

        @operation(
            api,
            "delete",
            f"{self.base}/attachments/<attachment_id>",
            operation_id=f"delete{noun}Attachment",
            summary="Delete an attached file",
            responses={204: {"description": "Deleted."}},
            calls_services=True,
        )
        def delete_attachment(path: one):
            call(
                self.peer,
                getattr(stub(), f"Delete{kind}Attachment"),
                getattr(messages, f"Delete{kind}AttachmentRequest")(
                    id=path.attachment_id, **{field: getattr(path, path_field)}
                ),
            )
            return Response(status=204)

        app.register_api(api)
