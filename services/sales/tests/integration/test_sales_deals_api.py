"""The deals part through the in-process sales api (real server bootstrap, tokens, migrated
SQLite database; the core create/list path also on PostgreSQL): validation, visibility,
etags, stage changes, quotes → contracts → payments, timers on a clock the test controls, and
the events in the outbox with the fields their consumers read. The real customer api stands
behind it: a deal names a customer its creator may see (``crm_shared.references``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.db import utcnow
from crm_shared.events.outbox import OutboxMessage
from google.protobuf import field_mask_pb2
from sales_service import deal_timers
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

TODAY = utcnow().date()


def cny(minor: int) -> types_pb2.Money:
    return types_pb2.Money(currency_code="CNY", amount_minor=minor)


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers):
    return start_sales_api("sqlite", customers=sales_customers)


def outbox_count(api) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage))


def open_deal(api, caller="u-rep", **fields) -> sales_pb2.Opportunity:
    """A deal of ``caller`` (for a new customer of theirs unless ``customer_id`` is given)."""
    if "customer_id" not in fields:
        fields["customer_id"] = api.customers.customer(caller)
    values = {"name": "ACME - 200 seats",
              "amount": cny(20_000_000), "expected_close_date": (TODAY + timedelta(days=30))
              .isoformat()} | fields
    return api.stub(caller).CreateOpportunity(sales_pb2.CreateOpportunityRequest(
        opportunity=sales_pb2.Opportunity(**values)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_opportunity_opens_for_its_creator_with_the_stage_probability_and_an_event(
        start_sales_api, sales_customers, backend):
    server = start_sales_api(backend, customers=sales_customers)
    created = open_deal(server)
    assert (created.stage, created.probability, created.owner_id, created.department_path) == (
        sales_pb2.OPPORTUNITY_STAGE_POTENTIAL, 10, "u-rep", "/hq/sales/east")
    assert created.weighted_amount == cny(2_000_000)
    assert [(c.from_stage, c.to_stage, c.actor_id) for c in created.stage_history] == [
        (0, sales_pb2.OPPORTUNITY_STAGE_POTENTIAL, "u-rep")]
    [event] = server.events("opportunity.created", events_pb2.OpportunityCreated)
    # what the customer service reads: the customer and the opportunity's id
    assert (event.opportunity.id, event.opportunity.customer_id, event.actor_id) == (
        created.id, created.customer_id, "u-rep")
    listed = server.stub("u-rep").ListOpportunities(sales_pb2.ListOpportunitiesRequest())
    assert [o.id for o in listed.opportunities] == [created.id] and listed.total_size == 1


def test_bad_input_names_every_field_and_stores_nothing(api, rpc_error):
    before = outbox_count(api)
    error = rpc_error(api.stub("u-rep").CreateOpportunity, sales_pb2.CreateOpportunityRequest(
        opportunity=sales_pb2.Opportunity(
            name="", amount=types_pb2.Money(amount_minor=5), expected_close_date="2026-13-01",
            probability=120),
        initial_stage=sales_pb2.OPPORTUNITY_STAGE_WON, request_id="not-a-uuid"))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "opportunity.customer_id", "opportunity.name", "opportunity.amount.currency_code",
        "opportunity.expected_close_date", "opportunity.probability", "initial_stage",
        "request_id"}
    assert outbox_count(api) == before


VISIBILITY = {"u-rep": True, "u-rep-north": False, "u-east-lead": True, "u-sales-lead": True,
              "u-north-lead": False, "u-admin": True}


@pytest.mark.parametrize(("caller", "sees"), VISIBILITY.items())
def test_who_sees_a_reps_opportunity_and_quote(api, rpc_error, caller, sees):
    deal = open_deal(api, name=f"visibility {caller}")
    quote = api.stub("u-rep").CreateQuote(sales_pb2.CreateQuoteRequest(quote=sales_pb2.Quote(
        opportunity_id=deal.id, line_items=[sales_pb2.QuoteLineItem(
            description="seat", quantity="2", unit_price=cny(100))])))
    stub = api.stub(caller)
    listed = stub.ListOpportunities(sales_pb2.ListOpportunitiesRequest(query=deal.name))
    if sees:
        assert stub.GetOpportunity(sales_pb2.GetOpportunityRequest(id=deal.id)).id == deal.id
        assert stub.GetQuote(sales_pb2.GetQuoteRequest(id=quote.id)).id == quote.id
        assert [o.id for o in listed.opportunities] == [deal.id]
    else:
        for call, request in ((stub.GetOpportunity, sales_pb2.GetOpportunityRequest(id=deal.id)),
                              (stub.GetQuote, sales_pb2.GetQuoteRequest(id=quote.id)),
                              (stub.ChangeOpportunityStage, sales_pb2.ChangeOpportunityStageRequest(
                                  id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_INTENT))):
            assert rpc_error(call, request).code is grpc.StatusCode.NOT_FOUND
        assert list(listed.opportunities) == []


def test_a_rep_cannot_open_a_deal_for_someone_else(api, rpc_error):
    error = rpc_error(api.stub("u-rep").CreateOpportunity, sales_pb2.CreateOpportunityRequest(
        opportunity=sales_pb2.Opportunity(name="x", customer_id=api.customers.customer("u-rep"),
                                          owner_id="u-rep-north")))
    assert error.code is grpc.StatusCode.PERMISSION_DENIED


def test_stage_changes_check_etags_reasons_and_closed_deals_and_emit_won(api, rpc_error):
    stub = api.stub("u-rep")
    deal = open_deal(api)
    moved = stub.ChangeOpportunityStage(sales_pb2.ChangeOpportunityStageRequest(
        id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_NEGOTIATION, etag=deal.etag))
    assert (moved.probability, moved.etag != deal.etag) == (70, True)
    stale = rpc_error(stub.ChangeOpportunityStage, sales_pb2.ChangeOpportunityStageRequest(
        id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_INTENT, etag=deal.etag))
    assert stale.code is grpc.StatusCode.ABORTED
    no_reason = rpc_error(stub.ChangeOpportunityStage, sales_pb2.ChangeOpportunityStageRequest(
        id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_LOST))
    assert no_reason.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in no_reason.violations] == ["lost_reason"]
    won = stub.ChangeOpportunityStage(sales_pb2.ChangeOpportunityStageRequest(
        id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_WON, etag=moved.etag))
    assert (won.close_date, won.probability) == (TODAY.isoformat(), 100)
    assert [(c.from_stage, c.to_stage) for c in won.stage_history][1:] == [
        (sales_pb2.OPPORTUNITY_STAGE_POTENTIAL, sales_pb2.OPPORTUNITY_STAGE_NEGOTIATION),
        (sales_pb2.OPPORTUNITY_STAGE_NEGOTIATION, sales_pb2.OPPORTUNITY_STAGE_WON)]
    event = [e for e in api.events("opportunity.won", events_pb2.OpportunityWon)
             if e.opportunity.id == deal.id]
    assert len(event) == 1
    # what the customer service's timeline reads: customer, amount, close date, name
    assert (event[0].opportunity.customer_id, event[0].opportunity.amount,
            event[0].opportunity.close_date, event[0].previous_stage, event[0].cycle_days) == (
        deal.customer_id, cny(20_000_000), TODAY.isoformat(),
        sales_pb2.OPPORTUNITY_STAGE_NEGOTIATION, 0)
    closed = rpc_error(stub.ChangeOpportunityStage, sales_pb2.ChangeOpportunityStageRequest(
        id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_NEGOTIATION))
    assert closed.code is grpc.StatusCode.FAILED_PRECONDITION


def test_update_changes_only_the_masked_fields(api, rpc_error):
    stub = api.stub("u-rep")
    deal = open_deal(api)
    updated = stub.UpdateOpportunity(sales_pb2.UpdateOpportunityRequest(
        opportunity=sales_pb2.Opportunity(id=deal.id, amount=cny(500), name="ignored",
                                          etag=deal.etag),
        update_mask=field_mask_pb2.FieldMask(paths=["amount"])))
    assert (updated.amount, updated.name) == (cny(500), deal.name)
    error = rpc_error(stub.UpdateOpportunity, sales_pb2.UpdateOpportunityRequest(
        opportunity=sales_pb2.Opportunity(id=deal.id),
        update_mask=field_mask_pb2.FieldMask(paths=["stage"])))
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT


def test_quote_to_contract_to_payments(api, rpc_error):
    stub = api.stub("u-rep")
    deal = open_deal(api)
    quote = stub.CreateQuote(sales_pb2.CreateQuoteRequest(quote=sales_pb2.Quote(
        opportunity_id=deal.id, title="200 seats", discount_basis_points=1000,
        valid_until_date=(TODAY + timedelta(days=10)).isoformat(),
        line_items=[sales_pb2.QuoteLineItem(product_code="SEAT", quantity="200",
                                            unit_price=cny(100_000), discount_basis_points=500),
                    sales_pb2.QuoteLineItem(description="setup", quantity="1",
                                            unit_price=cny(333))])))
    # 200 × 1000.00 less 5 % = 190000.00; + 3.33 = 190003.33; less 10 % (19000.33) = 171003.00
    assert (quote.subtotal, quote.discount_amount, quote.total) == (
        cny(19_000_333), cny(1_900_033), cny(17_100_300))
    assert quote.number.startswith(f"Q{TODAY:%Y%m%d}-")
    sent = stub.SendQuote(sales_pb2.SendQuoteRequest(id=quote.id))
    assert sent.status == sales_pb2.QUOTE_STATUS_SENT
    assert stub.GetOpportunity(sales_pb2.GetOpportunityRequest(id=deal.id)).stage == \
        sales_pb2.OPPORTUNITY_STAGE_PROPOSAL
    [event] = [e for e in api.events("quote.sent", events_pb2.QuoteSent)
               if e.quote.id == quote.id]
    assert (event.quote.opportunity_id, event.quote.owner_id, event.actor_id) == (
        deal.id, "u-rep", "u-rep")
    assert rpc_error(stub.UpdateQuote, sales_pb2.UpdateQuoteRequest(
        quote=sales_pb2.Quote(id=quote.id, title="late"),
        update_mask=field_mask_pb2.FieldMask(paths=["title"]))).code is \
        grpc.StatusCode.FAILED_PRECONDITION
    stub.AcceptQuote(sales_pb2.AcceptQuoteRequest(id=quote.id))

    contract = stub.CreateContract(sales_pb2.CreateContractRequest(contract=sales_pb2.Contract(
        opportunity_id=deal.id, quote_id=quote.id, title="200 seats", amount=cny(17_100_300),
        start_date=TODAY.isoformat(), end_date=(TODAY + timedelta(days=364)).isoformat())))
    assert (contract.status, contract.customer_id, contract.owner_id) == (
        sales_pb2.CONTRACT_STATUS_DRAFT, deal.customer_id, "u-rep")
    bad_plan = rpc_error(stub.SetPaymentPlan, sales_pb2.SetPaymentPlanRequest(
        contract_id=contract.id, installments=[sales_pb2.Installment(
            sequence=1, due_date=TODAY.isoformat(), amount=cny(100))]))
    assert [v.field for v in bad_plan.violations] == ["installments"]
    plan = stub.SetPaymentPlan(sales_pb2.SetPaymentPlanRequest(
        contract_id=contract.id, installments=[
            sales_pb2.Installment(sequence=1, due_date=(TODAY - timedelta(days=5)).isoformat(),
                                  amount=cny(10_000_000)),
            sales_pb2.Installment(sequence=2, due_date=(TODAY + timedelta(days=90)).isoformat(),
                                  amount=cny(7_100_300))]))
    assert plan.planned_amount == cny(17_100_300)
    assert rpc_error(stub.RecordPayment, sales_pb2.RecordPaymentRequest(
        payment=sales_pb2.Payment(contract_id=contract.id, amount=cny(1),
                                  receive_date=TODAY.isoformat()))).code is \
        grpc.StatusCode.FAILED_PRECONDITION  # not signed yet
    signed = stub.SignContract(sales_pb2.SignContractRequest(id=contract.id))
    assert (signed.status, signed.sign_date) == (sales_pb2.CONTRACT_STATUS_ACTIVE,
                                                 TODAY.isoformat())
    [signed_event] = [e for e in api.events("contract.signed", events_pb2.ContractSigned)
                      if e.contract.id == contract.id]
    assert (signed_event.contract.customer_id, signed_event.contract.amount,
            signed_event.contract.sign_date, signed_event.customer_annual_contract_amount) == (
        deal.customer_id, cny(17_100_300), TODAY.isoformat(), cny(17_100_300))

    paid = stub.RecordPayment(sales_pb2.RecordPaymentRequest(payment=sales_pb2.Payment(
        contract_id=contract.id, amount=cny(4_000_000), receive_date=TODAY.isoformat(),
        method=sales_pb2.PAYMENT_METHOD_BANK_TRANSFER, reference="BANK-1")))
    duplicate = rpc_error(stub.RecordPayment, sales_pb2.RecordPaymentRequest(
        payment=sales_pb2.Payment(contract_id=contract.id, amount=cny(1),
                                  receive_date=TODAY.isoformat(), reference="BANK-1")))
    assert duplicate.code is grpc.StatusCode.ALREADY_EXISTS
    [received] = [e for e in api.events("payment.received", events_pb2.PaymentReceived)
                  if e.payment.id == paid.id]
    assert received.contract_outstanding_amount == cny(13_100_300)
    overdue = stub.ListOverdueReceivables(sales_pb2.ListOverdueReceivablesRequest(
        customer_id=deal.customer_id))
    assert [(r.installment.sequence, r.outstanding_amount, r.days_overdue)
            for r in overdue.receivables] == [(1, cny(6_000_000), 5)]
    # the timer fires payment.overdue once for the installment, however often it runs
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    deal_timers.scan_overdue(api.database, now)
    deal_timers.scan_overdue(api.database, now + timedelta(hours=1))
    fired = [e for e in api.events("payment.overdue", events_pb2.PaymentOverdue)
             if e.receivable.contract_id == contract.id]
    assert [(e.receivable.installment.sequence, e.receivable.outstanding_amount) for e in fired] \
        == [(1, cny(6_000_000))]
    stub.VoidPayment(sales_pb2.VoidPaymentRequest(id=paid.id, reason="bounced"))
    plan = stub.GetPaymentPlan(sales_pb2.GetPaymentPlanRequest(contract_id=contract.id))
    assert [i.received_amount for i in plan.installments] == [cny(0), cny(0)]
    assert stub.GetContract(sales_pb2.GetContractRequest(id=contract.id)).received_amount == \
        cny(0)


def test_the_contract_timer_announces_expiry_once_each_and_renewal_links_both(api):
    stub = api.stub("u-rep")
    customer = api.customers.customer("u-rep")
    start = TODAY - timedelta(days=200)
    end = TODAY + timedelta(days=10)
    contract = stub.CreateContract(sales_pb2.CreateContractRequest(contract=sales_pb2.Contract(
        customer_id=customer, title="support", amount=cny(100_000), start_date=start.isoformat(),
        end_date=end.isoformat())))
    stub.SignContract(sales_pb2.SignContractRequest(id=contract.id,
                                                    sign_date=start.isoformat()))
    assert contract.renewal_reminder_date == (end - timedelta(days=15)).isoformat()

    def fired(kind, message_type):
        return [e for e in api.events(kind, message_type) if e.contract.id == contract.id]

    noon = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    deal_timers.scan_contracts(api.database, noon)
    deal_timers.scan_contracts(api.database, noon + timedelta(days=1))
    assert [e.days_until_end for e in fired("contract.expiring", events_pb2.ContractExpiring)] \
        == [10]
    assert fired("contract.expired", events_pb2.ContractExpired) == []
    renewal = stub.RenewContract(sales_pb2.RenewContractRequest(id=contract.id))
    assert (renewal.renewal_of_contract_id, renewal.start_date, renewal.end_date) == (
        contract.id, (end + timedelta(days=1)).isoformat(),
        (end + timedelta(days=1) + (end - start)).isoformat())
    assert stub.GetContract(sales_pb2.GetContractRequest(id=contract.id)) \
        .renewed_by_contract_id == renewal.id
    deal_timers.scan_contracts(api.database, noon + timedelta(days=11))
    deal_timers.scan_contracts(api.database, noon + timedelta(days=12))
    [expired] = fired("contract.expired", events_pb2.ContractExpired)
    assert (expired.contract.status, expired.renewed) == (sales_pb2.CONTRACT_STATUS_EXPIRED,
                                                         False)


def test_funnel_and_forecast_count_what_the_caller_may_see(start_sales_api, sales_customers):
    server = start_sales_api("sqlite", customers=sales_customers)
    close = (TODAY + timedelta(days=3)).isoformat()
    east = [open_deal(server, "u-rep", amount=cny(1000), expected_close_date=close)
            for _ in range(3)]
    open_deal(server, "u-rep-north", amount=cny(5000), expected_close_date=close)
    server.stub("u-rep").ChangeOpportunityStage(sales_pb2.ChangeOpportunityStageRequest(
        id=east[0].id, stage=sales_pb2.OPPORTUNITY_STAGE_PROPOSAL))
    period = types_pb2.DateRange(start_date=TODAY.isoformat(),
                                 end_date=(TODAY + timedelta(days=40)).isoformat())
    funnel = server.stub("u-rep").GetSalesFunnel(sales_pb2.GetSalesFunnelRequest(period=period))
    counts = {sales_pb2.OpportunityStage.Name(s.stage): s.count for s in funnel.stages}
    assert counts == {"OPPORTUNITY_STAGE_POTENTIAL": 3, "OPPORTUNITY_STAGE_INTENT": 1,
                      "OPPORTUNITY_STAGE_PROPOSAL": 1, "OPPORTUNITY_STAGE_NEGOTIATION": 0,
                      "OPPORTUNITY_STAGE_WON": 0, "OPPORTUNITY_STAGE_LOST": 0}
    assert funnel.stages[0].conversion_rate == pytest.approx(1 / 3)
    admin = server.stub("u-admin").GetSalesForecast(sales_pb2.GetSalesForecastRequest(
        period=period, group_by=sales_pb2.REPORT_GROUP_BY_DEPARTMENT))
    by_team = {row.group_key: (row.open_count, row.pipeline_amount.amount_minor,
                               row.weighted_amount.amount_minor) for row in admin.rows}
    # weighted: 1000×50 % + 2 × 1000×10 % = 700 for east; 5000×10 % for north
    assert by_team == {"/hq": (4, 8000, 1200)}
    lead = server.stub("u-sales-lead").GetSalesForecast(sales_pb2.GetSalesForecastRequest(
        period=period, group_by=sales_pb2.REPORT_GROUP_BY_DEPARTMENT))
    assert {row.group_key: row.weighted_amount.amount_minor for row in lead.rows} == {
        "/hq/sales/east": 700, "/hq/sales/north": 500}
    rep = server.stub("u-rep").GetSalesForecast(sales_pb2.GetSalesForecastRequest(
        period=period))
    assert [(row.group_key, row.open_count) for row in rep.rows] == [("u-rep", 3)]
    kpis = server.stub("u-east-lead").GetSalesKpis(sales_pb2.GetSalesKpisRequest(
        period=types_pb2.DateRange(start_date=TODAY.isoformat(), end_date=TODAY.isoformat())))
    assert {k.key: k.value for k in kpis.kpis}["opportunity_count"] == 3
    assert kpis.source_service == "sales"


def test_a_purchase_is_recorded_once_per_order_by_service_accounts_only(api, rpc_error):
    purchase = sales_pb2.Purchase(
        customer_id=api.customers.customer("u-rep"), source_system="erp", external_order_id="SO-1",
        amount=cny(9900), item_count=2)
    purchase.purchase_time.FromDatetime(utcnow() - timedelta(days=3))
    assert rpc_error(api.stub("u-rep").RecordPurchase, sales_pb2.RecordPurchaseRequest(
        purchase=purchase)).code is grpc.StatusCode.PERMISSION_DENIED
    first = api.stub("u-erp").RecordPurchase(sales_pb2.RecordPurchaseRequest(purchase=purchase))
    again = api.stub("u-erp").RecordPurchase(sales_pb2.RecordPurchaseRequest(purchase=purchase))
    assert first.id == again.id
    recorded = [e for e in api.events("purchase.recorded", events_pb2.PurchaseRecorded)
                if e.purchase.customer_id == purchase.customer_id]
    assert [(e.customer_purchase_count_12m, e.customer_purchase_amount_12m) for e in recorded] \
        == [(1, cny(9900))]


def test_each_order_sent_without_a_request_id_is_recorded_as_its_own_purchase(api):
    """Orders are told apart by their order number; a missing request_id is no shared key (it
    was: every later order without one answered with the first, and was lost)."""
    customer = api.customers.customer("u-rep")
    recorded = []
    for order in ("SO-NO-RID-1", "SO-NO-RID-2", "SO-NO-RID-3"):
        purchase = sales_pb2.Purchase(customer_id=customer, source_system="erp",
                                      external_order_id=order, amount=cny(500), item_count=1)
        purchase.purchase_time.FromDatetime(utcnow() - timedelta(days=1))
        recorded.append(api.stub("u-erp").RecordPurchase(
            sales_pb2.RecordPurchaseRequest(purchase=purchase)))
    assert [p.external_order_id for p in recorded] == ["SO-NO-RID-1", "SO-NO-RID-2", "SO-NO-RID-3"]
    assert len({p.id for p in recorded}) == 3


def test_won_deal_traits_describe_the_won_customers_from_the_customer_events(
        start_sales_api, sales_customers):
    from crm.customer.v1 import customer_pb2
    from crm.customer.v1 import events_pb2 as customer_events
    from sales_service import follow_up_events

    server = start_sales_api("sqlite", customers=sales_customers)
    C = customer_pb2
    now = utcnow()
    known = {  # what customer.created told the sales service of each customer
        "big": C.Customer(type=C.CUSTOMER_TYPE_ENTERPRISE, value_class=types_pb2.VALUE_CLASS_A,
                          enterprise=C.EnterpriseProfile(industry="manufacturing",
                                                         staff_count=120)),
        "small": C.Customer(type=C.CUSTOMER_TYPE_ENTERPRISE, value_class=types_pb2.VALUE_CLASS_B,
                            enterprise=C.EnterpriseProfile(industry="manufacturing",
                                                           staff_count=5)),
        "person": C.Customer(type=C.CUSTOMER_TYPE_INDIVIDUAL, value_class=types_pb2.VALUE_CLASS_B),
    }
    ids = {name: sales_customers.customer("u-rep") for name in (*known, "unheard")}
    with server.database.unit_of_work() as uow:
        for name, customer in known.items():
            customer.MergeFrom(C.Customer(id=ids[name], owner_id="u-rep",
                                          department_path="/hq/sales/east"))
            follow_up_events.customer_created(uow, customer_events.CustomerCreated(
                customer=customer), at=now, now=now)
    stub = server.stub("u-rep")
    amounts = {"big": 3_000_000, "small": 1_000_000, "person": 500_000, "unheard": 200_000}
    for name, amount in amounts.items():
        deal = open_deal(server, customer_id=ids[name], amount=cny(amount))
        stub.ChangeOpportunityStage(sales_pb2.ChangeOpportunityStageRequest(
            id=deal.id, stage=sales_pb2.OPPORTUNITY_STAGE_WON))

    report = server.stub("u-east-lead").GetWonDealTraitsReport(
        sales_pb2.GetWonDealTraitsReportRequest(period=types_pb2.DateRange(
            start_date=TODAY.isoformat(), end_date=TODAY.isoformat())))
    assert report.won_count == 4
    traits = {t.trait: [(b.value, b.count, b.amount.amount_minor) for b in t.buckets]
              for t in report.traits}
    assert traits == {
        "industry": [("manufacturing", 2, 4_000_000), ("unknown", 2, 700_000)],
        "source": [("unspecified", 4, 4_700_000)],  # opened here, not from a lead
        "value_class": [("b", 2, 1_500_000), ("a", 1, 3_000_000), ("unknown", 1, 200_000)],
        "staff_size_band": [("unknown", 2, 700_000), ("50-249", 1, 3_000_000),
                            ("1-9", 1, 1_000_000)],
        "customer_type": [("enterprise", 2, 4_000_000), ("individual", 1, 500_000),
                          ("unknown", 1, 200_000)]}
    assert [t.trait for t in report.traits] == [  # the order the contract documents
        "industry", "source", "value_class", "staff_size_band", "customer_type"]
    # A rep of another team sees none of these deals.
    other = server.stub("u-rep-north").GetWonDealTraitsReport(
        sales_pb2.GetWonDealTraitsReportRequest())
    assert other.won_count == 0
