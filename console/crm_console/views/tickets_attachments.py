"""The ticket page's attachments panel (issue 20): screenshots, logs and documents on a ticket,
through :class:`crm_console.attachment_panel.AttachmentPanel`.

RPCs: TicketService.ListTicketAttachments, CreateTicketAttachment, DownloadTicketAttachment,
DeleteTicketAttachment."""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2
from flask import abort, url_for

from crm_console.attachment_panel import UPLOAD_BODY_BYTES, AttachmentPanel, PanelUrls
from crm_console.views import tickets as tickets_view

PANEL = AttachmentPanel(peer="ticket", kind="Ticket", messages=ticket_pb2, parent_field="ticket_id")


def _checked(ticket_id: str) -> str:
    if not ticket_id or len(ticket_id) > 64:
        abort(404)
    return ticket_id


def _urls(ticket_id: str) -> PanelUrls:
    return PanelUrls(
        upload=url_for("tickets.upload_attachment", ticket_id=ticket_id),
        download=lambda attachment_id: url_for(
            "tickets.download_attachment", ticket_id=ticket_id, attachment_id=attachment_id
        ),
        delete=lambda attachment_id: url_for(
            "tickets.delete_attachment", ticket_id=ticket_id, attachment_id=attachment_id
        ),
        page=url_for("tickets.ticket", ticket_id=ticket_id) + "#attachments",
    )


@tickets_view.blueprint.get("/tickets/<ticket_id>/panels/attachments")
def attachments_panel(ticket_id: str):
    ticket_id = _checked(ticket_id)
    return PANEL.render(ticket_id, _urls(ticket_id))


@tickets_view.blueprint.post("/tickets/<ticket_id>/attachments")
def upload_attachment(ticket_id: str):
    ticket_id = _checked(ticket_id)
    return PANEL.upload(ticket_id, _urls(ticket_id))


upload_attachment.max_body_bytes = UPLOAD_BODY_BYTES


@tickets_view.blueprint.get("/tickets/<ticket_id>/attachments/<attachment_id>")
def download_attachment(ticket_id: str, attachment_id: str):
    return PANEL.download(_checked(ticket_id), attachment_id)


@tickets_view.blueprint.post("/tickets/<ticket_id>/attachments/<attachment_id>/delete")
def delete_attachment(ticket_id: str, attachment_id: str):
    ticket_id = _checked(ticket_id)
    return PANEL.delete(ticket_id, attachment_id, _urls(ticket_id))
