"""The campaign a lead, an opportunity or a purchase is attributed to is one its caller may see
(issue 15, ``crm_shared.references`` kind ``campaign``): checked with the caller's own token
against the real marketing api, in-process beside the sales api (and the real customer api, for
the customers deals name). A campaign the caller may not see, or that does not exist:
INVALID_ARGUMENT on the referencing field, nothing stored, no event. The public lead form and an
ERP may name a campaign that has gone out (running, paused, completed: orders come in after the
end), and no other.
"""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2 as M
from crm.sales.v1 import sales_pb2 as S
from crm_shared.db import utcnow
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service.models import Lead
from sqlalchemy import select

pytestmark = pytest.mark.integration

NO_SUCH_CAMPAIGN = "0b5c1f9e-0000-4000-8000-00000000ca4e"


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers, sales_marketing):
    return start_sales_api("sqlite", customers=sales_customers, marketing=sales_marketing)


def lead(campaign_id: str) -> S.CreateLeadRequest:
    return S.CreateLeadRequest(lead=S.Lead(
        contact_name="李雷", company_name="上海某某科技有限公司", phone="13900002222",
        intent_level=S.INTENT_LEVEL_LOW, campaign_id=campaign_id))


def opportunity(customer_id: str, campaign_id: str) -> S.CreateOpportunityRequest:
    return S.CreateOpportunityRequest(opportunity=S.Opportunity(
        name="200 坐席", customer_id=customer_id, campaign_id=campaign_id,
        amount=types_pb2.Money(currency_code="CNY", amount_minor=1_000_000)))


def purchase(campaign_id: str, order: str, customer_id: str) -> S.RecordPurchaseRequest:
    data = S.Purchase(customer_id=customer_id, source_system="erp", external_order_id=order,
                      campaign_id=campaign_id, item_count=1,
                      amount=types_pb2.Money(currency_code="CNY", amount_minor=9900))
    data.purchase_time.FromDatetime(utcnow() - timedelta(days=1))
    return S.RecordPurchaseRequest(purchase=data)


def form(campaign_id: str) -> S.SubmitLeadFormRequest:
    return S.SubmitLeadFormRequest(contact_name="韩梅梅", phone="13900003333",
                                   campaign_id=campaign_id)


def test_a_campaign_the_caller_may_not_see_is_refused_at_every_door(api, refused):
    easts = api.marketing.campaign("u-east-lead", "/hq/sales/east")
    customer = api.customers.customer("u-rep")
    for caller in ("u-rep", "u-north-lead", "u-agent"):  # own scope; another subtree; no scope
        refused(api, "lead.campaign_id", api.stub(caller).CreateLead, lead(easts))
    refused(api, "opportunity.campaign_id", api.stub("u-rep").CreateOpportunity,
            opportunity(customer, easts))
    refused(api, "lead.campaign_id", api.stub("u-admin").CreateLead,
            lead(NO_SUCH_CAMPAIGN))


def test_an_update_naming_a_campaign_is_checked(api, refused):
    marketings = api.marketing.campaign("u-admin", "/hq/marketing")  # beyond /hq/sales
    customer = api.customers.customer("u-rep")
    lead_of_sales = api.stub("u-sales-lead").CreateLead(lead(""))  # assigned within /hq/sales
    deal = api.stub("u-rep").CreateOpportunity(opportunity(customer, ""))
    refused(api, "lead.campaign_id", api.stub("u-sales-lead").UpdateLead,
            S.UpdateLeadRequest(lead=S.Lead(id=lead_of_sales.id, campaign_id=marketings),
                                update_mask=FieldMask(paths=["campaign_id"])))
    refused(api, "opportunity.campaign_id", api.stub("u-rep").UpdateOpportunity,
            S.UpdateOpportunityRequest(
                opportunity=S.Opportunity(id=deal.id, campaign_id=marketings),
                update_mask=FieldMask(paths=["campaign_id"])))
    assert api.stub("u-admin").UpdateOpportunity(S.UpdateOpportunityRequest(
        opportunity=S.Opportunity(id=deal.id, campaign_id=marketings),
        update_mask=FieldMask(paths=["campaign_id"]))).campaign_id == marketings


def test_the_owner_and_the_leads_over_them_name_their_campaign(api):
    easts = api.marketing.campaign("u-east-lead", "/hq/sales/east")
    customer = api.customers.customer("u-rep")
    for caller in ("u-east-lead", "u-sales-lead", "u-admin"):
        assert api.stub(caller).CreateLead(lead(easts)).campaign_id == easts, caller
    assert api.stub("u-east-lead").CreateOpportunity(
        opportunity(customer, easts)).campaign_id == easts


def test_the_public_form_and_an_erp_name_a_campaign_that_went_out_and_nothing_else(api, refused):
    running = api.marketing.campaign("u-east-lead", "/hq/sales/east")
    customer = api.customers.customer("u-rep")
    for system in ("svc-lead-form", "u-erp"):  # what their check is told: nothing else of it
        assert api.marketing.stub(system).GetCampaign(M.GetCampaignRequest(id=running)) == \
            M.Campaign(id=running, state=M.CAMPAIGN_STATE_RUNNING)
    api.stub("svc-lead-form").SubmitLeadForm(form(running))
    assert api.stub("u-erp").RecordPurchase(
        purchase(running, "SO-CAMPAIGN-1", customer)).campaign_id == running
    for state in ("paused", "completed"):  # a late order still counts for the campaign's ROI
        ended = api.marketing.campaign("u-admin", state=state)
        assert api.stub("u-erp").RecordPurchase(
            purchase(ended, f"SO-{state}", customer)).campaign_id == ended
    for state in ("draft", "scheduled", "cancelled"):
        other = api.marketing.campaign("u-admin", state=state)
        refused(api, "campaign_id", api.stub("svc-lead-form").SubmitLeadForm,
                form(other))
        refused(api, "purchase.campaign_id", api.stub("u-erp").RecordPurchase,
                purchase(other, f"SO-{state}", customer))
    with api.database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(Lead.campaign_id).where(
            Lead.phone == "13900003333")) == running


def test_a_marketing_service_that_is_down_refuses_the_write(
        start_sales_api, rpc_error, stored_rows):
    down = start_sales_api("sqlite")  # no marketing service behind it (a closed port)
    before = stored_rows(down)
    assert rpc_error(down.stub("u-admin").CreateLead,
                     lead(NO_SUCH_CAMPAIGN)).code is grpc.StatusCode.UNAVAILABLE
    assert stored_rows(down) == before
