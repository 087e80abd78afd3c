"""The ticket service's processes as they run in production (see crm_devstack.service_process)."""

import pytest

from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.service_process import ServiceProcessChecks

pytestmark = pytest.mark.integration


class TestTicketProcesses(ServiceProcessChecks):
    module = "ticket_service"
    service = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]

    def call(self, channel):
        ticket_pb2_grpc.TicketServiceStub(channel).ListTickets(ticket_pb2.ListTicketsRequest())
