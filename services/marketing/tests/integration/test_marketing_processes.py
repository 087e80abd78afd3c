"""The marketing service's processes as they run in production (see crm_devstack.service_process)."""

import pytest
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_devstack.service_process import ServiceProcessChecks

pytestmark = pytest.mark.integration


class TestMarketingProcesses(ServiceProcessChecks):
    module = "marketing_service"
    service = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]

    def call(self, channel):
        marketing_pb2_grpc.MarketingServiceStub(channel).ListCampaigns(marketing_pb2.ListCampaignsRequest())
