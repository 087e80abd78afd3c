"""gRPC api of ``crm.ticket.v1.TicketService``.

The servicer is the contract's generated base until the ticket issue implements it, so every
method answers UNIMPLEMENTED; the process around it (health, auth, relay) is the real one.
"""

from __future__ import annotations

from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_shared.db import Database
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings


def build_bindings(database: Database, settings: ApiSettings | None = None) -> list[ServiceBinding]:
    """``settings`` is the api process's configuration (peers' addresses, ...); tests may omit it."""
    return [
        ServiceBinding(
            descriptor=ticket_pb2.DESCRIPTOR.services_by_name["TicketService"],
            servicer=ticket_pb2_grpc.TicketServiceServicer(),
            add_to_server=ticket_pb2_grpc.add_TicketServiceServicer_to_server,
        )
    ]
