"""Who may call the marketing service (issue 15, finding 5), over real gRPC against the real
servicer: every RPC refuses the callers its contract (``crm.common.v1.access``) excludes
before its handler runs; the public survey form's RPCs are for the gateway's form token
(``surveys.respond``) only, not for staff.
"""

from __future__ import annotations

import grpc
import pytest
from crm.marketing.v1 import marketing_pb2
from crm_devstack.access_checks import refusals

pytestmark = pytest.mark.integration

SERVICE = marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"]
M = marketing_pb2


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api()


def test_roles_the_contract_excludes_are_refused(api, rpc_error):
    for caller, call, request in (
            ("u-rep", "ListSegments", M.ListSegmentsRequest()),
            ("u-sales-lead", "CreateSegment", M.CreateSegmentRequest()),
            ("u-agent", "CreateCampaign", M.CreateCampaignRequest()),
            ("u-marketer", "UpdateMarketingPolicy", M.UpdateMarketingPolicyRequest()),
            ("u-rep", "ListSurveys", M.ListSurveysRequest()),
            ("u-marketer", "ExportCustomerData", M.ExportCustomerDataRequest(customer_id="c")),
            # staff do not answer customers' surveys, whatever link they hold
            ("u-admin", "SubmitSurveyAnswer", M.SubmitSurveyAnswerRequest(token="t")),
            ("u-marketer", "GetSurveyForm", M.GetSurveyFormRequest(token="t"))):
        error = rpc_error(getattr(api.stub(caller), call), request)
        assert error.code is grpc.StatusCode.PERMISSION_DENIED, (caller, call, error)


def test_the_form_token_opens_the_form_and_nothing_else(api, rpc_error):
    form = api.stub("u-form")
    # let in: the handler judges the link (this one is not valid)
    assert rpc_error(form.GetSurveyForm, M.GetSurveyFormRequest(token="t")).code \
        is grpc.StatusCode.NOT_FOUND
    assert rpc_error(form.ListSurveys, M.ListSurveysRequest()).code \
        is grpc.StatusCode.PERMISSION_DENIED


def test_every_rpc_refuses_the_callers_its_contract_excludes(api):
    assert refusals(api.target, SERVICE, api.issuer) == []
