"""gRPC methods of ``crm.ticket.v1.TicketService`` for the service's set-up and read models:
SLA policies, business calendars, the ticket policy, call-back tasks, the knowledge base and
KPIs. Mixed into :class:`ticket_service.api.TicketServicer`."""

from __future__ import annotations


class SetupRpcs:
    """Methods are added here; the servicer in ``api.py`` inherits them."""
