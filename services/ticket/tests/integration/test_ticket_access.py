"""Who may call the ticket service (issue 15, finding 5), over real gRPC against the real
servicer: every RPC refuses the callers its contract (``crm.common.v1.access``) excludes
before its handler runs.
"""

from __future__ import annotations

import grpc
import pytest
from crm.ticket.v1 import ticket_pb2
from crm_devstack.access_checks import refusals

pytestmark = pytest.mark.integration

SERVICE = ticket_pb2.DESCRIPTOR.services_by_name["TicketService"]


def test_roles_the_contract_excludes_are_refused(api, rpc_error):
    for caller, call, request in (
            ("u-agent", "ExportCustomerData", ticket_pb2.ExportCustomerDataRequest(customer_id="c")),
            ("u-service-lead", "UpdateTicketPolicy", ticket_pb2.UpdateTicketPolicyRequest()),
            ("u-service-lead", "CreateSlaPolicy", ticket_pb2.CreateSlaPolicyRequest()),
            ("u-rep", "DeleteSlaPolicy", ticket_pb2.DeleteSlaPolicyRequest(id="x"))):
        error = rpc_error(getattr(api.stub(caller), call), request)
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, (caller, call, error)
    # the privacy role the contract names does export (the handler runs)
    export = api.stub("u-dpo").ExportCustomerData(
        ticket_pb2.ExportCustomerDataRequest(customer_id="c-1"))
    assert export.source_service == "ticket"


def test_every_rpc_refuses_the_callers_its_contract_excludes(api):
    assert refusals(api.target, SERVICE, api.issuer) == []
