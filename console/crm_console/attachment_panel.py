"""The attachments panel of a record's page (issue 20; docs/attachments.md), the same for every
owning service: the record's files with thumbnails of images, download, an upload form and a
delete button, through the service's attachment RPCs with the user's token (a record they may
not see is a 404; the service sniffs each file). A page's views module declares its routes and
hands them to an :class:`AttachmentPanel` (the customer 360 page, the ticket page)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import grpc
from crm_shared.attachments import MAX_SIZE_BYTES
from crm_shared.grpc.client import connect
from flask import Response, redirect, render_template, request

from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.refusals import Refusal
from crm_console.rpc import SERVICES, call, peers
from crm_console.table_exports import TIMEOUT_SECONDS

PANEL_ROWS = 20
UPLOAD_BODY_BYTES = MAX_SIZE_BYTES + 64 * 1024  # the file and its multipart envelope
"""An upload view's body limit (the app's is 2 MiB), read by the app before its CSRF check
parses the form: set it as the view's ``max_body_bytes``."""

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


@dataclass(frozen=True)
class PanelUrls:
    """The panel's links for one record (built by the page's views with ``url_for``)."""

    upload: str
    download: Callable[[str], str]  # attachment id -> its download URL
    delete: Callable[[str], str]
    page: str  # the record's page, where a plain (non-htmx) form post returns


@dataclass(frozen=True)
class AttachmentPanel:
    """``kind`` names the RPCs (``List<Kind>Attachments``...); ``parent_field`` the requests'
    field naming the record; ``messages`` the service's generated module."""

    peer: str
    kind: str
    messages: object
    parent_field: str

    def render(self, parent_id: str, urls: PanelUrls, errors=None, status: int = 200):
        answer, refusal = None, None
        try:
            answer = call(
                self.peer,
                f"List{self.kind}Attachments",
                self._request("List", parent_id, page_size=PANEL_ROWS),
            )
        except Refusal as failed:
            refusal = failed
        return render_template(
            "_attachments.html",
            refusal=refusal,
            urls=urls,
            attachments=list(answer.attachments) if answer else [],
            errors=errors or {},
            request_id=str(uuid.uuid4()),
            max_mib=MAX_SIZE_BYTES // (1024 * 1024),
            content_type_label=content_type_label,
        ), status

    def upload(self, parent_id: str, urls: PanelUrls):
        """The form's file to the service; the panel again (htmx) with the file's errors next
        to its input, or back to the page (a plain post)."""
        upload = request.files.get("content")
        htmx = bool(request.headers.get("HX-Request"))
        errors: dict[str, str] = {}
        if upload is None or not upload.filename:
            errors["content"] = _("Choose a file.")
        else:
            try:
                self._long_call(
                    f"Create{self.kind}Attachment",
                    self._request(
                        "Create",
                        parent_id,
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
            return redirect(urls.page)
        return self.render(parent_id, urls, errors, 422 if errors else 200)

    def download(self, parent_id: str, attachment_id: str) -> Response:
        """The file (saved under its name) or, with ``thumbnail=1``, its PNG thumbnail shown in
        the page; streamed by the service after its visibility check, drained here."""
        thumbnail = request.args.get("thumbnail") == "1"
        chunks = self._long_call(
            f"Download{self.kind}Attachment",
            self._request("Download", parent_id, id=attachment_id[:64], thumbnail=thumbnail),
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

    def delete(self, parent_id: str, attachment_id: str, urls: PanelUrls):
        call(
            self.peer,
            f"Delete{self.kind}Attachment",
            self._request("Delete", parent_id, id=attachment_id[:64]),
        )
        if not request.headers.get("HX-Request"):
            return redirect(urls.page)
        return self.render(parent_id, urls)

    def _request(self, verb: str, parent_id: str, **fields):
        message = getattr(
            self.messages, f"{verb}{self.kind}Attachment{'s' if verb == 'List' else ''}Request"
        )
        return message(**{self.parent_field: parent_id}, **fields)

    def _long_call(self, method: str, message):
        """``method`` on a channel of its own (the shared one caps every call at a page
        lookup's deadline, too short to move 10 MiB); a stream is drained here."""
        service, stub_class = SERVICES[self.peer]
        channel = connect(peers().addresses[self.peer], [service], default_timeout=TIMEOUT_SECONDS)
        try:
            answer = getattr(stub_class(channel), method)(message)
            return list(answer) if method.startswith("Download") else answer
        except grpc.RpcError as exc:
            raise Refusal.from_rpc_error(self.peer, exc) from exc
        finally:
            channel.close()
