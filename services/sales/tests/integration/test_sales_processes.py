"""The sales service's processes as they run in production (see crm_devstack.service_process)."""

import pytest
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.service_process import ServiceProcessChecks

pytestmark = pytest.mark.integration


class TestSalesProcesses(ServiceProcessChecks):
    module = "sales_service"
    service = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]

    def call(self, channel):
        sales_pb2_grpc.SalesServiceStub(channel).ListLeads(sales_pb2.ListLeadsRequest())
