"""The approvals inbox against the REAL customer and sales services (in process, on SQLite):
a rep's 15 % quote waits for the lead of the rep's department, who finds it on the page in
Chinese, is told next to the comment (the typed text kept) that a rejection needs a reason,
approves it, and the quote goes to the customer; the rep sees the decision in their list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_devstack.ports import free_port
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.db import utcnow
from crm_shared.grpc.peers import Peers
from crm_shared.settings import load_settings
from customer_service.api import build_bindings as customer_bindings
from sales_service.api import build_bindings as sales_bindings
from sales_service.models import DepartmentLead
from sales_service.settings import SalesApiSettings

from .conftest import SECRET, ConsoleUnderTest

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
LEAD = Principal(
    "u-east-lead", "east.lead", frozenset({"sales_lead"}), "/hq/sales/east", DataScope.DEPARTMENT
)


@pytest.fixture(scope="module")
def stack(module_migrated_database, keys):
    customers = InProcessApi(
        "customer",
        customer_bindings,
        module_migrated_database("customer_service"),
        keys,
        service=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
        stub_class=customer_pb2_grpc.CustomerServiceStub,
        claims=principal_claims,
    )
    sales = InProcessApi(
        "sales",
        sales_bindings,
        module_migrated_database("sales_service"),
        keys,
        service=sales_pb2.DESCRIPTOR.services_by_name["SalesService"],
        stub_class=sales_pb2_grpc.SalesServiceStub,
        claims=principal_claims,
        settings_cls=SalesApiSettings,
        customer_addr=customers.target,
        customer_timeout_seconds=15.0,
        marketing_addr=f"127.0.0.1:{free_port()}",
    )
    with sales.database.unit_of_work() as uow:  # as the identity events left it
        uow.session.add(
            DepartmentLead(
                path="/hq/sales/east",
                parent_path="/hq/sales",
                lead_user_id=LEAD.user_id,
                revision=1,
                update_time=utcnow(),
            )
        )
    issuer, public_key = keys
    settings = load_settings(
        ConsoleSettings,
        jwt_public_key_file=public_key,
        console_secret_key=SECRET,
        console_secure_cookies=False,
        gateway_url=f"http://127.0.0.1:{free_port()}",
        customer_addr=customers.target,
        sales_addr=sales.target,
    )
    app = create_app(settings, peers=Peers(settings.peer_addresses(), timeout_seconds=10))
    yield customers, sales, ConsoleUnderTest(app, issuer)
    app.extensions["crm.console"].peers.close()
    sales.stop()
    customers.stop()


def held_quote(customers, sales) -> sales_pb2.Quote:
    customer = (
        customers.stub(REP)
        .CreateCustomer(
            customer_pb2.CreateCustomerRequest(
                customer=customer_pb2.Customer(
                    type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="华东客户"
                )
            )
        )
        .id
    )
    rep = sales.stub(REP)
    deal = rep.CreateOpportunity(
        sales_pb2.CreateOpportunityRequest(
            opportunity=sales_pb2.Opportunity(
                name="50 seats",
                customer_id=customer,
                amount=types_pb2.Money(currency_code="CNY", amount_minor=5_000_000),
                expected_close_date=(utcnow().date() + timedelta(days=30)).isoformat(),
            )
        )
    )
    quote = rep.CreateQuote(
        sales_pb2.CreateQuoteRequest(
            quote=sales_pb2.Quote(
                opportunity_id=deal.id,
                discount_basis_points=1500,
                line_items=[
                    sales_pb2.QuoteLineItem(
                        product_code="SEAT",
                        quantity="50",
                        unit_price=types_pb2.Money(currency_code="CNY", amount_minor=100_000),
                    )
                ],
            )
        )
    )
    return rep.SendQuote(sales_pb2.SendQuoteRequest(id=quote.id))


def test_the_lead_decides_a_held_quote_on_the_inbox_page(stack):
    customers, sales, console = stack
    quote = held_quote(customers, sales)
    lead = console.client(None, "zh-CN", token=sales.token(LEAD))
    page = lead.get("/sales/approvals").get_data(as_text=True)
    item = page.split(f'data-request="{quote.approval_request_id}"', 1)[1].split("</article>")[0]
    assert "待我审批" in page and quote.number in item and "u-rep" in item
    # why, in the words of the policy's name as its administrators wrote it; not the condition
    # in the service's field names
    assert '<span translate="no">报价折扣超过 10% 需部门负责人审批</span>' in item
    assert "discount_basis_points" not in item
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    action = f"/sales/approvals/{quote.approval_request_id}"

    refused = lead.post(action, data={"csrf_token": csrf, "decision": "reject", "comment": "  "})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    field = body.split(f'data-request="{quote.approval_request_id}"', 1)[1]
    assert "has-error" in field.split("<textarea", 1)[0].rsplit("<div", 1)[1]
    assert ">  </textarea>" in field

    approved = lead.post(
        action, data={"csrf_token": csrf, "decision": "approve", "comment": "同意"}
    )
    assert approved.status_code == 302
    after = lead.get(approved.headers["Location"]).get_data(as_text=True)
    assert quote.approval_request_id not in after.split('id="requested-by-me"')[0]
    assert (
        sales.stub(REP).GetQuote(sales_pb2.GetQuoteRequest(id=quote.id)).status
        == sales_pb2.QUOTE_STATUS_SENT
    )
    mine = console.client(None, "en-US", token=sales.token(REP)).get("/sales/approvals")
    row = mine.get_data(as_text=True).split('id="requested-by-me"', 1)[1]
    assert "Approved" in row and "同意" in row
