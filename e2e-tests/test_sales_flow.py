"""From lead to value class, across processes: an A lead goes to the senior rep by the rules,
its conversion creates the customer in the customer service (once, however often it is
retried) in the same trace, and the contract signed for it makes the customer class A through
the sales service's events."""

import uuid
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_devstack.waiting import wait_until
from crm_shared.grpc.client import connect

pytestmark = pytest.mark.e2e
SALES = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]


def _ok(response, status=200):
    assert response.status == status, response
    return response.body


def test_an_a_lead_is_assigned_converted_once_and_its_contract_makes_the_customer_class_a(
        running_suite):
    http, collector = running_suite.http, running_suite.collector
    lead_token, rep_token = http.login("sales.lead"), http.login("rep.zhang")
    rep_id = _ok(http.call("GET", "/api/v1/me", token=rep_token))["id"]
    wait_until(lambda: http.call("GET", f"/api/v1/sales/reps/{rep_id}",
                                 token=lead_token).status == 200,
               timeout=30, message="the sales service never learnt of rep.zhang")
    senior = _ok(http.call("PATCH", f"/api/v1/sales/reps/{rep_id}", {"seniority": "senior"},
                           token=lead_token))
    assert senior["seniority"] == "senior"

    company = f"苏州某某精密机械有限公司 {uuid.uuid4().hex[:4]}"
    lead = _ok(http.call("POST", "/api/v1/leads", {
        "contact_name": "周杰", "company_name": company, "phone": "13912345678",
        "intake_params": {"exhibition": "CIIE 2026"}, "intent_level": "high",
        "need_clarity": "clear", "need_description": "年产 10 万件的设备维护",
        "budget": {"currency_code": "CNY", "amount_minor": 60_000_000},
        "decision_maker": "总经理"}, token=lead_token), 201)
    assert (lead["grade"], lead["status"], lead["owner_id"]) == ("a", "assigned", rep_id)
    assert lead["source"] == "exhibition"
    assert lead["first_contact_due_time"]  # A: within 2 h of the assignment

    body = {"customer": {"industry": "manufacturing"},
            "opportunity": {"name": f"{company} 维护合同",
                            "expected_close_date": (date.today() + timedelta(30)).isoformat()}}
    converted = http.call("POST", f"/api/v1/leads/{lead['id']}/convert", body, token=rep_token)
    first = _ok(converted)
    again = _ok(http.call("POST", f"/api/v1/leads/{lead['id']}/convert", body, token=rep_token))
    customer_id = first["customer_id"]
    assert again["customer_id"] == customer_id
    assert again["opportunity"]["id"] == first["opportunity"]["id"]
    customer = _ok(http.call("GET", f"/api/v1/customers/{customer_id}", token=rep_token))
    assert customer["display_name"] == company and customer["owner_id"] == rep_id
    duplicates = _ok(http.call("GET", f"/api/v1/customers?query={quote(company)}",
                                 token=rep_token))
    assert [c["id"] for c in duplicates["customers"]] == [customer_id]  # one customer, not two

    # One trace: gateway → sales (ConvertLead) → customer (CreateCustomer) over gRPC.
    trace_id = converted.headers["traceparent"].split("-")[1]
    across = {("sales", "/crm.sales.v1.SalesService/ConvertLead"),
              ("customer", "/crm.customer.v1.CustomerService/CreateCustomer")}

    def chain_complete(_):  # each process exports on its own schedule: wait for all of them
        spans = collector.spans(trace_id)
        return (across <= {(s.service_name, s.name) for s in spans}
                and any(s.service_name == "gateway" and s.kind == "SERVER" for s in spans))

    collector.wait_for_spans(chain_complete, timeout=30)

    # The contract, over the public gRPC contract with the rep's own token.
    channel = connect(running_suite.config.grpc_target("sales"), [SALES],
                      token_provider=lambda: rep_token)
    try:
        sales = sales_pb2_grpc.SalesServiceStub(channel)
        start = date.today()
        contract = sales.CreateContract(sales_pb2.CreateContractRequest(
            contract=sales_pb2.Contract(
                customer_id=customer_id, opportunity_id=first["opportunity"]["id"],
                title="设备维护年度合同",
                amount=types_pb2.Money(currency_code="CNY", amount_minor=60_000_000),
                start_date=start.isoformat(),
                end_date=(start + timedelta(days=365)).isoformat())))
        sales.SignContract(sales_pb2.SignContractRequest(id=contract.id))
    finally:
        channel.close()

    def value_class():
        return _ok(http.call("GET", f"/api/v1/customers/{customer_id}",
                             token=rep_token)).get("value_class")

    wait_until(lambda: value_class() == "a", timeout=30,
               message="the signed contract never made the customer class A")
