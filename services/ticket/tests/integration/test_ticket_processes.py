"""The ticket service's processes as they run in production (see crm_devstack.service_process)."""

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2, ticket_pb2_grpc
from crm_devstack.service_process import ServiceProcessChecks

pytestmark = pytest.mark.integration


class TestTicketProcesses(ServiceProcessChecks):
    module = "ticket_service"
    service = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]

    def call(self, channel):
        ticket_pb2_grpc.TicketServiceStub(channel).GetTicket(
            ticket_pb2.GetTicketRequest(id="no-such-ticket"))

    def test_an_authenticated_call_reaches_the_servicer(self, running, setup):
        # The servicer is implemented: the call gets its real answer, not UNIMPLEMENTED.
        target, _ = running
        token = setup.issue_token(user_id="u-admin", username="admin", roles=["admin"],
                                  department_path="/hq", data_scope="all")
        error = self._call(target, token)
        assert error.code == grpc.StatusCode.NOT_FOUND, error
