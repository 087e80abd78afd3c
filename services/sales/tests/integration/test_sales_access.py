"""Who may call the sales service (issue 15, finding 5), over real gRPC against the real
servicer: every RPC refuses the callers its contract (``crm.common.v1.access``) excludes
before its handler runs; purchases come from accounts granted ``purchases.write``.
"""

from __future__ import annotations

import grpc
import pytest
from crm.sales.v1 import sales_pb2
from crm_devstack.access_checks import refusals

pytestmark = pytest.mark.integration

SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]


@pytest.fixture(scope="module")
def api(start_sales_api):
    return start_sales_api()


def test_roles_the_contract_excludes_are_refused(api, rpc_error):
    for caller, call, request in (
            ("u-rep", "ExportCustomerData", sales_pb2.ExportCustomerDataRequest(customer_id="c")),
            ("u-sales-lead", "UpdateSalesPolicy", sales_pb2.UpdateSalesPolicyRequest()),
            ("u-rep", "RecordPurchase", sales_pb2.RecordPurchaseRequest()),
            ("u-agent", "RecordPurchase", sales_pb2.RecordPurchaseRequest())):
        error = rpc_error(getattr(api.stub(caller), call), request)
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, (caller, call, error)


def test_an_erp_account_reads_purchases_with_its_scope_and_nothing_else(api, rpc_error):
    erp = api.stub("u-erp")
    assert erp.ListPurchases(sales_pb2.ListPurchasesRequest()).purchases == []
    for call, request in ((erp.ListLeads, sales_pb2.ListLeadsRequest()),
                          (erp.ListOpportunities, sales_pb2.ListOpportunitiesRequest())):
        assert rpc_error(call, request).code is grpc.StatusCode.PERMISSION_DENIED, call


def test_every_rpc_refuses_the_callers_its_contract_excludes(api):
    assert refusals(api.target, SERVICE, api.issuer) == []
