"""``/api/v1/tickets/<ticket_id>/attachments``: files on a ticket (issue 20), the routes of
:mod:`gateway.views.attachment_routes` over the ticket service."""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc

from gateway.views.attachment_routes import AttachmentRoutes
from gateway.views.ticket_schemas import TicketPath
from gateway.views.tickets import COLLECTION, PEER, SERVICE

ROUTES = AttachmentRoutes(
    kind="Ticket",
    peer=PEER,
    service=SERVICE,
    stub_class=ticket_pb2_grpc.TicketServiceStub,
    messages=ticket_pb2,
    base=f"{COLLECTION}/<ticket_id>",
    parent=TicketPath,
    parent_field="ticket_id",
)


def register(app, deps) -> None:
    ROUTES.register(app, deps)
