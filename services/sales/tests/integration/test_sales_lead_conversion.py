"""Lead conversion against the REAL customer service: its api in-process (real servicer, real
migrations, its own SQLite database, a field-encryption key of the test) next to the sales api,
both verifying the same test tokens, so the customer is created with the caller's rights.

The customer service down is a closed port: conversion is UNAVAILABLE and nothing is stored.
"""

from __future__ import annotations

import base64
import os
import uuid
from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.sales.v1 import events_pb2, sales_pb2
from crm_devstack.inprocess_api import InProcessApi
from crm_devstack.ports import free_port
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from customer_service.api import build_bindings as customer_bindings
from customer_service.settings import CustomerApiSettings
from sales_service.api import build_bindings
from sales_service.lead_conversion import customer_request_id
from sales_service.models import Lead, Opportunity, SalesRep
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

S = sales_pb2
C = customer_pb2
CUSTOMER_SERVICE = C.DESCRIPTOR.services_by_name["CustomerService"]


# The people of the harness this module calls the customer service as (same token issuer).
CALLERS = {"u-admin": (("admin",), "/hq", "all"), "u-rep": (("sales_rep",), "/hq/sales/east", "own")}


class CustomerApi(InProcessApi):
    """The customer service's api in-process, with a field-encryption key of the test."""

    def __init__(self, url: str, keys) -> None:
        super().__init__("customer", customer_bindings, url, keys, service=CUSTOMER_SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, people=CALLERS,
                         settings_cls=CustomerApiSettings,
                         field_encryption_key=base64.b64encode(os.urandom(32)).decode())

    def count(self) -> int:
        return self.stub("u-admin").ListCustomers(C.ListCustomersRequest()).total_size


@pytest.fixture(scope="module")
def customers(keys, module_migrated_database):
    server = CustomerApi(module_migrated_database("customer_service"), keys)
    yield server
    server.stop()


def patient_bindings(database, settings):
    """The real bindings with a deadline for the customer service that a loaded test machine
    does not miss (the harness's 2 s is for the tests that want the customer service down)."""
    return build_bindings(database, settings.model_copy(update={"customer_timeout_seconds": 15}))


@pytest.fixture(scope="module")
def api(start_sales_api, customers):
    server = start_sales_api("sqlite", customer_addr=customers.target, bindings=patient_bindings)
    add_senior_rep(server)
    return server


@pytest.fixture(scope="module")
def api_without_customers(start_sales_api):
    """The sales api with the customer service down: nothing listens on its port."""
    return start_sales_api("sqlite", customer_addr=f"127.0.0.1:{free_port()}")


def add_senior_rep(api) -> None:
    with api.database.unit_of_work() as uow:
        uow.session.add(SalesRep(user_id="u-rep", username="u-rep", display_name="张伟",
                                 department_path="/hq/sales/east", team_lead=False, active=True,
                                 seniority="senior", max_open_leads=0, available=True, revision=1,
                                 update_time=utcnow(), updated_by="t"))


def hot_lead(api, **fields) -> S.Lead:
    values = {"contact_name": "李雷", "phone": f"139{uuid.uuid4().int % 10**8:08d}",
              "email": f"li{uuid.uuid4().hex[:6]}@example.com",
              "intent_level": S.INTENT_LEVEL_HIGH, "need_clarity": S.NEED_CLARITY_CLEAR,
              "need_description": "需要 CRM 系统", "intake_params": {"exhibition": "CIIE"},
              "budget": types_pb2.Money(currency_code="CNY", amount_minor=30_000_000)}
    values.update(fields)
    lead = api.stub("u-admin").CreateLead(S.CreateLeadRequest(lead=S.Lead(**values)))
    assert lead.owner_id == "u-rep"  # the only senior rep: the seeded rule gives it to them
    return lead


def convert(api, lead_id, caller="u-rep", **fields) -> S.ConvertLeadResponse:
    request = S.ConvertLeadRequest(lead_id=lead_id, request_id=str(uuid.uuid4()),
                                   create_opportunity=True, **fields)
    return api.stub(caller).ConvertLead(request)


def rows(api, model, **where) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return uow.session.scalar(query)


def test_conversion_creates_the_customer_there_and_the_opportunity_here_in_one_go(
        api, customers):
    lead = hot_lead(api)
    before = customers.count()
    answer = convert(api, lead.id, opportunity=S.Opportunity(expected_close_date="2026-06-30"))

    assert answer.customer_created and answer.customer_id
    assert customers.count() == before + 1
    customer = customers.stub("u-rep").GetCustomer(C.GetCustomerRequest(id=answer.customer_id))
    assert (customer.type, customer.display_name, customer.owner_id) == (
        C.CUSTOMER_TYPE_INDIVIDUAL, "李雷", "u-rep")
    assert (customer.source_lead_id, customer.source) == (lead.id,
                                                          types_pb2.SOURCE_CHANNEL_EXHIBITION)
    assert customer.needs == "需要 CRM 系统"
    assert (answer.lead.status, answer.lead.customer_id, answer.lead.opportunity_id) == (
        S.LEAD_STATUS_CONVERTED, answer.customer_id, answer.opportunity.id)
    opportunity = answer.opportunity
    assert (opportunity.lead_id, opportunity.customer_id, opportunity.owner_id) == (
        lead.id, answer.customer_id, "u-rep")
    assert opportunity.amount.amount_minor == 30_000_000  # the lead's budget
    assert opportunity.expected_close_date == "2026-06-30"
    (converted,) = [e for e in api.events("lead.converted", events_pb2.LeadConverted)
                    if e.lead_id == lead.id]
    assert (converted.customer_id, converted.opportunity_id, converted.customer_created,
            converted.actor_id) == (answer.customer_id, opportunity.id, True, "u-rep")
    assert [e.opportunity.id for e in api.events("opportunity.created",
                                                 events_pb2.OpportunityCreated)
            if e.opportunity.lead_id == lead.id] == [opportunity.id]


def test_a_retried_conversion_returns_the_same_customer_and_opportunity(api, customers):
    lead = hot_lead(api)
    first = convert(api, lead.id)
    before = customers.count()
    again = convert(api, lead.id)  # another request id: the lead itself converts once
    assert (again.customer_id, again.opportunity.id) == (first.customer_id, first.opportunity.id)
    assert customers.count() == before
    assert rows(api, Opportunity, lead_id=lead.id) == 1
    assert len([e for e in api.events("lead.converted", events_pb2.LeadConverted)
                if e.lead_id == lead.id]) == 1


def test_a_retry_after_the_customer_was_created_but_nothing_stored_here_reuses_it(
        api, customers):
    lead = hot_lead(api)
    # The first attempt reached the customer service, then the sales side failed: the customer
    # exists under the conversion's key, the lead is untouched.
    earlier = customers.stub("u-rep").CreateCustomer(C.CreateCustomerRequest(
        customer=C.Customer(type=C.CUSTOMER_TYPE_INDIVIDUAL, display_name="李雷"),
        request_id=customer_request_id(lead.id)))
    before = customers.count()
    answer = convert(api, lead.id)
    assert answer.customer_id == earlier.id
    assert customers.count() == before


def test_a_lead_can_be_linked_to_an_existing_customer(api, customers, rpc_error):
    existing = customers.stub("u-rep").CreateCustomer(C.CreateCustomerRequest(
        customer=C.Customer(type=C.CUSTOMER_TYPE_INDIVIDUAL, display_name="韩梅梅")))
    lead = hot_lead(api)
    before = customers.count()
    answer = convert(api, lead.id, existing_customer_id=existing.id)
    assert (answer.customer_id, answer.customer_created) == (existing.id, False)
    assert customers.count() == before
    other = hot_lead(api)
    error = rpc_error(convert, api, other.id, existing_customer_id=str(uuid.uuid4()))
    assert [v.field for v in error.violations] == ["existing_customer_id"]


def test_what_the_customer_service_refuses_comes_back_field_by_field_and_nothing_is_stored(
        api, customers, rpc_error):
    lead = hot_lead(api, company_name="上海某某科技有限公司")  # an enterprise needs an industry
    before = customers.count()
    error = rpc_error(convert, api, lead.id)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "customer.enterprise.industry" in {v.field for v in error.violations}
    assert customers.count() == before
    assert api.stub("u-rep").GetLead(S.GetLeadRequest(id=lead.id)).status == (
        S.LEAD_STATUS_ASSIGNED)
    answer = convert(api, lead.id, customer=C.Customer(
        enterprise=C.EnterpriseProfile(industry="制造业")))
    customer = customers.stub("u-rep").GetCustomer(C.GetCustomerRequest(id=answer.customer_id))
    assert (customer.type, customer.enterprise.legal_name) == (C.CUSTOMER_TYPE_ENTERPRISE,
                                                               "上海某某科技有限公司")


def test_a_disqualified_lead_is_not_converted_and_others_cannot_convert_a_lead_they_cannot_see(
        api, rpc_error):
    lead = hot_lead(api)
    assert rpc_error(convert, api, lead.id, caller="u-rep-2").code == grpc.StatusCode.NOT_FOUND
    api.stub("u-rep").DisqualifyLead(S.DisqualifyLeadRequest(id=lead.id, reason="竞品客户"))
    assert rpc_error(convert, api, lead.id).code == grpc.StatusCode.FAILED_PRECONDITION


def test_with_the_customer_service_down_conversion_is_unavailable_and_nothing_is_stored(
        api_without_customers, rpc_error):
    api = api_without_customers
    add_senior_rep(api)
    lead = hot_lead(api)
    error = rpc_error(convert, api, lead.id)
    assert error.code == grpc.StatusCode.UNAVAILABLE
    after = api.stub("u-rep").GetLead(S.GetLeadRequest(id=lead.id))
    assert (after.status, after.etag, after.customer_id) == (lead.status, lead.etag, "")
    assert rows(api, Opportunity) == 0
    assert api.events("lead.converted") == [] and api.events("opportunity.created") == []
    with api.database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Lead, lead.id).convert_time is None


@pytest.fixture(scope="module")
def month(start_sales_api, customers):
    """A month of one senior rep's work, on an api of its own: five A leads (three from an
    exhibition, one referral, one that came in last quarter), three of them contacted an hour
    ago after 2 h, 4 h and some minutes, three converted, one deal won and contracted with an
    installment five days overdue and partly paid."""
    api = start_sales_api("sqlite", customer_addr=customers.target, bindings=patient_bindings)
    add_senior_rep(api)
    qualified = S.LeadQualification(need="200 个坐席", decision_maker="王总",
                                    budget=types_pb2.Money(currency_code="CNY", amount_minor=10**8))
    fair = [hot_lead(api) for _ in range(3)]
    referred = hot_lead(api, source=types_pb2.SOURCE_CHANNEL_REFERRAL, intake_params={})
    last_quarter = hot_lead(api)
    assert {lead.source for lead in fair} == {types_pb2.SOURCE_CHANNEL_EXHIBITION}
    assert referred.source == types_pb2.SOURCE_CHANNEL_REFERRAL
    now = utcnow()
    with api.database.unit_of_work() as uow:  # the clock: when each lead came in and was assigned
        for lead, assigned_hours_ago in ((fair[0], 3), (fair[1], 5)):
            uow.session.get(Lead, lead.id).assign_time = now - timedelta(hours=assigned_hours_ago)
        uow.session.get(Lead, last_quarter.id).create_time = now - timedelta(days=100)
    for lead in (fair[0], fair[1], last_quarter):  # contacted an hour ago: after 2 h and 4 h
        api.stub("u-rep").CreateActivity(S.CreateActivityRequest(activity=S.Activity(
            lead_id=lead.id, method=S.FOLLOW_UP_METHOD_PHONE, topic="首次联系", summary="需求",
            occur_time=to_timestamp(now - timedelta(hours=1)), qualification=qualified)))
    won = convert(api, fair[0].id).opportunity
    convert(api, referred.id)
    convert(api, last_quarter.id)
    stub = api.stub("u-rep")
    stub.ChangeOpportunityStage(S.ChangeOpportunityStageRequest(
        id=won.id, stage=S.OPPORTUNITY_STAGE_WON))
    today = now.date()
    contract = stub.CreateContract(S.CreateContractRequest(contract=S.Contract(
        opportunity_id=won.id, title="200 seats", amount=won.amount,
        start_date=(today - timedelta(days=10)).isoformat(),
        end_date=(today + timedelta(days=355)).isoformat())))
    stub.SetPaymentPlan(S.SetPaymentPlanRequest(contract_id=contract.id, installments=[
        S.Installment(sequence=1, due_date=(today - timedelta(days=5)).isoformat(),
                      amount=types_pb2.Money(currency_code="CNY", amount_minor=20_000_000)),
        S.Installment(sequence=2, due_date=(today + timedelta(days=60)).isoformat(),
                      amount=types_pb2.Money(currency_code="CNY", amount_minor=10_000_000))]))
    stub.SignContract(S.SignContractRequest(id=contract.id))
    stub.RecordPayment(S.RecordPaymentRequest(payment=S.Payment(
        contract_id=contract.id, receive_date=today.isoformat(),
        amount=types_pb2.Money(currency_code="CNY", amount_minor=5_000_000))))
    period = types_pb2.DateRange(start_date=(today - timedelta(days=30)).isoformat(),
                                 end_date=today.isoformat())
    return api, period, won


def test_the_conversion_report_follows_the_leads_of_the_period_to_contact_conversion_and_win(
        month):
    api, period, won = month

    def report(caller="u-sales-lead", group_by=S.REPORT_GROUP_BY_SOURCE):
        return api.stub(caller).GetConversionReport(S.GetConversionReportRequest(
            period=period, group_by=group_by))

    def figures(row):
        return (row.lead_count, row.contacted_count, row.converted_count,
                round(row.conversion_rate, 4), round(row.average_first_contact_hours, 4),
                row.closed_opportunity_count, row.won_count, row.win_rate)

    by_source = report()
    assert {row.group_key: figures(row) for row in by_source.rows} == {
        "exhibition": (3, 2, 1, round(1 / 3, 4), 3.0, 1, 1, 1.0),
        "referral": (1, 0, 1, 1.0, 0.0, 0, 0, 0.0)}
    assert figures(by_source.total) == (4, 2, 2, 0.5, 3.0, 1, 1, 1.0)
    assert by_source.total.won_amount == won.amount
    by_rep = report(group_by=S.REPORT_GROUP_BY_OWNER)
    assert [(row.group_key, row.lead_count) for row in by_rep.rows] == [("u-rep", 4)]
    # Another rep of the same team sees none of it: the leads and deals are u-rep's own.
    assert figures(report(caller="u-rep-2").total) == (0, 0, 0, 0.0, 0.0, 0, 0, 0.0)


def test_the_sales_kpis_are_the_ones_the_contract_names_with_their_samples(month):
    api, period, won = month
    report = api.stub("u-sales-lead").GetSalesKpis(S.GetSalesKpisRequest(period=period))
    kpis = {k.key: k for k in report.kpis}
    assert {key: (round(k.value, 4), k.sample_size) for key, k in kpis.items()
            if key in ("lead_conversion_rate", "first_contact_on_time_rate", "win_rate",
                       "won_amount", "weighted_pipeline", "overdue_receivables")} == {
        "lead_conversion_rate": (0.5, 4),  # this period's four leads, two converted
        "first_contact_on_time_rate": (1.0, 3),  # contacted before the 2 h were up
        "win_rate": (1.0, 1),
        "won_amount": (won.amount.amount_minor, 1),
        # the two open deals opened from the leads' budgets at the potential stage's 10 %
        "weighted_pipeline": (2 * 30_000_000 // 10, 2),
        "overdue_receivables": (15_000_000, 1)}  # 20 M due five days ago, 5 M received
    assert {"follow_up_timeliness", "average_deal_cycle_days"} <= set(kpis)
    assert not kpis["weighted_pipeline"].HasField("previous_value")  # no past snapshot
    rep_2 = {k.key: k for k in api.stub("u-rep-2").GetSalesKpis(
        S.GetSalesKpisRequest(period=period)).kpis}
    assert (rep_2["overdue_receivables"].value, rep_2["lead_conversion_rate"].sample_size) == (
        0, 0)
