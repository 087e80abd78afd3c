"""The marketing service's processes as they run in production (see crm_devstack.service_process)."""

import grpc
import pytest
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_devstack.service_process import ServiceProcessChecks

pytestmark = pytest.mark.integration


class TestMarketingProcesses(ServiceProcessChecks):
    module = "marketing_service"
    service = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]

    def call(self, channel):
        marketing_pb2_grpc.MarketingServiceStub(channel).GetCampaign(
            marketing_pb2.GetCampaignRequest(id="no-such-campaign"))

    def test_an_authenticated_call_reaches_the_servicer(self, running, setup):
        # The campaign RPCs are implemented: the call gets its real answer, not UNIMPLEMENTED.
        target, _ = running
        token = setup.issue_token(user_id="u-admin", username="admin", roles=["admin"],
                                  department_path="/hq", data_scope="all")
        error = self._call(target, token)
        assert error.code == grpc.StatusCode.NOT_FOUND, error
