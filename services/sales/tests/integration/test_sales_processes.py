"""The sales service's processes as they run in production (see crm_devstack.service_process)."""

import grpc
import pytest
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.service_process import ServiceProcessChecks

pytestmark = pytest.mark.integration


class TestSalesProcesses(ServiceProcessChecks):
    module = "sales_service"
    service = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]

    def call(self, channel):
        sales_pb2_grpc.SalesServiceStub(channel).GetLead(sales_pb2.GetLeadRequest(id="no-such-lead"))

    def test_an_authenticated_call_reaches_the_servicer(self, running, setup):
        # The lead RPCs are implemented: the call gets its real answer, not UNIMPLEMENTED.
        target, _ = running
        token = setup.issue_token(user_id="u-admin", username="admin", roles=["admin"],
                                  department_path="/hq", data_scope="all")
        error = self._call(target, token)
        assert error.code == grpc.StatusCode.NOT_FOUND, error
