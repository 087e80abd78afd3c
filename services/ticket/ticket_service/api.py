"""gRPC servicer of ``crm.ticket.v1.TicketService``: translation between proto and domain.

Ticket lifecycle, routing, transfers, history, comments, service records, routing rules and
agents live here; set-up and read models (SLA policies, calendars, ticket policy, call-backs,
knowledge, KPIs) come from :class:`ticket_service.api_setup.SetupRpcs`.
"""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.db import Database
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings

from ticket_service.api_setup import SetupRpcs


class TicketServicer(SetupRpcs, ticket_pb2_grpc.TicketServiceServicer):
    def __init__(self, database: Database, settings: ApiSettings | None = None) -> None:
        self.database = database
        self.settings = settings


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    """``settings`` is the api process's configuration (peers' addresses, ...); tests may omit it."""
    return [
        ServiceBinding(
            descriptor=ticket_pb2.DESCRIPTOR.services_by_name["TicketService"],
            servicer=TicketServicer(database, settings),
            add_to_server=ticket_pb2_grpc.add_TicketServiceServicer_to_server,
        )
    ]
