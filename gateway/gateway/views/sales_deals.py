"""REST over gRPC: opportunities, quotes, contracts, payments and the deal reports, over the
deal RPCs of ``crm.sales.v1.SalesService`` (translation only).

The sales service validates the data and applies the caller's visibility (it sees the
forwarded token: reps their own deals, leads their department subtree, ``all`` scope
everything; a deal the caller may not see is a 404); its field violations come back as this
API's field errors, without the request's prefix (``opportunity.amount`` → ``amount``).
Illegal stage or status moves and stale ``etag`` values are 409.

Routes: ``/api/v1/opportunities`` (CRUD, ``POST /{id}/stage``), ``/api/v1/quotes`` (CRUD,
``send``, ``accept``, ``reject``), ``/api/v1/contracts`` (create, read, patch, ``sign``,
``terminate``, ``renew``, ``GET|PUT /{id}/payment-plan``), ``/api/v1/payments`` (record,
read, ``void``), ``/api/v1/purchases``, and under ``/api/v1/sales/``: ``funnel``,
``forecast``, ``receivables/overdue``, ``reports/{conversion,deal-cycle,won-deal-traits}``
and ``kpis``. Schemas: :mod:`gateway.views.sales_deal_schemas`.
"""

from __future__ import annotations

from datetime import date

from crm.common.v1 import reporting_pb2, types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json
from crm_shared.timestamps import to_timestamp
from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views import sales_deal_schemas as s
from gateway.views.customers import idempotency_request_id
from gateway.views.ticket_schemas import KpiQuery

PEER = "sales"
SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
OPPORTUNITIES = "/api/v1/opportunities"
QUOTES = "/api/v1/quotes"
CONTRACTS = "/api/v1/contracts"
PAYMENTS = "/api/v1/payments"
PURCHASES = "/api/v1/purchases"
SALES = "/api/v1/sales"
M = sales_pb2


def sales_stub(deps) -> sales_pb2_grpc.SalesServiceStub:
    return deps.peers.stub(PEER, SERVICE, sales_pb2_grpc.SalesServiceStub)


def _text(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def _range(first: date | None, last: date | None) -> types_pb2.DateRange:
    return types_pb2.DateRange(start_date=_text(first), end_date=_text(last))


def _request_id() -> str:
    return idempotency_request_id(current_principal().user_id, current_key())


def _patch(body: BaseModel, message):
    """(message with the sent fields, their names for the update mask)."""
    changes = s.body_json(body, sent_only=True)
    return from_json(changes, message), sorted(set(changes) - {"etag"})


def register(app, deps) -> None:
    def stub() -> sales_pb2_grpc.SalesServiceStub:
        return sales_stub(deps)

    def reply(model: type[BaseModel], method: str, request, *, field_prefix: str = "",
              status: int = 200, collection: str = "") -> Response:
        """Call ``method``; its answer as ``model``; a 201 names the created record."""
        found = call(PEER, getattr(stub(), method), request, field_prefix=field_prefix)
        headers = {"Location": f"{collection}/{found.id}"} if collection else None
        return json_response(model.model_validate(s.rest_json(found)), status=status,
                             headers=headers)

    # --- opportunities, funnel and forecast ----------------------------------------------------

    deals = APIBlueprint("sales_opportunities", __name__, abp_tags=[Tag(name="opportunities")])
    one = f"{OPPORTUNITIES}/<opportunity_id>"

    @operation(deals, "post", OPPORTUNITIES, operation_id="createOpportunity",
               summary="Open an opportunity with a customer (stage potential unless given)",
               responses={201: s.Opportunity}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_opportunity(body: s.OpportunityCreate):
        data = s.body_json(body)
        stage = data.pop("initial_stage", None)
        return reply(s.Opportunity, "CreateOpportunity", M.CreateOpportunityRequest(
            opportunity=from_json(data, M.Opportunity()), request_id=_request_id(),
            initial_stage=enum_number(M.OpportunityStage.DESCRIPTOR, stage)),
            field_prefix="opportunity.", status=201, collection=OPPORTUNITIES)

    @operation(deals, "get", OPPORTUNITIES, operation_id="listOpportunities",
               summary="List the opportunities the caller may see",
               description="Filters combine with AND; `stage` may repeat "
               "(`?stage=proposal&stage=negotiation`). Stage histories are left out.",
               responses={200: s.OpportunityPage}, calls_services=True)
    def list_opportunities(query: s.OpportunityListQuery):
        return reply(s.OpportunityPage, "ListOpportunities", M.ListOpportunitiesRequest(
            page_size=query.page_size or 0, page_token=query.page_token, query=query.query,
            stages=[enum_number(M.OpportunityStage.DESCRIPTOR, w) for w in query.stage],
            owner_id=query.owner_id, department_path=query.department_path,
            customer_id=query.customer_id, campaign_id=query.campaign_id,
            expected_close=_range(query.expected_close_from, query.expected_close_to),
            order_by=query.order_by))

    @operation(deals, "get", one, operation_id="getOpportunity",
               summary="Get an opportunity with its stage history",
               responses={200: s.Opportunity}, calls_services=True)
    def get_opportunity(path: s.OpportunityPath):
        return reply(s.Opportunity, "GetOpportunity",
                     M.GetOpportunityRequest(id=path.opportunity_id))

    @operation(deals, "patch", one, operation_id="updateOpportunity",
               summary="Change an open opportunity's amount, dates, probability or notes",
               responses={200: s.Opportunity}, calls_services=True)
    def update_opportunity(path: s.OpportunityPath, body: s.OpportunityUpdate):  # type: ignore[valid-type]
        opportunity, mask = _patch(body, M.Opportunity(id=path.opportunity_id))
        request = M.UpdateOpportunityRequest(opportunity=opportunity)
        request.update_mask.paths.extend(mask)
        return reply(s.Opportunity, "UpdateOpportunity", request, field_prefix="opportunity.")

    @operation(deals, "post", f"{one}/stage", operation_id="changeOpportunityStage",
               summary="Move an opportunity to another stage (won and lost close it)",
               description="A closed deal cannot move (409 `failed-precondition`); `lost` needs "
               "a `lost_reason` (422); a stale `etag` is a 409.",
               responses={200: s.Opportunity}, calls_services=True)
    def change_stage(path: s.OpportunityPath, body: s.OpportunityStageMove):
        request = from_json(s.body_json(body),
                            M.ChangeOpportunityStageRequest(id=path.opportunity_id))
        return reply(s.Opportunity, "ChangeOpportunityStage", request)

    @operation(deals, "get", f"{SALES}/funnel", operation_id="getSalesFunnel",
               summary="The sales funnel: opportunities per stage, amounts, conversion",
               description="Opportunities open in or closed in the period, for a rep "
               "(`owner_id`), a team (`department_path`) or everything the caller sees.",
               responses={200: s.SalesFunnel}, calls_services=True)
    def sales_funnel(query: s.FunnelQuery):
        return reply(s.SalesFunnel, "GetSalesFunnel", M.GetSalesFunnelRequest(
            period=_range(query.start_date, query.end_date),
            department_path=query.department_path, owner_id=query.owner_id),
            field_prefix="period.")

    @operation(deals, "get", f"{SALES}/forecast", operation_id="getSalesForecast",
               summary="The weighted forecast (amount × probability) per rep or team and "
               "period", responses={200: s.SalesForecast}, calls_services=True)
    def sales_forecast(query: s.ForecastQuery):
        return reply(s.SalesForecast, "GetSalesForecast", M.GetSalesForecastRequest(
            period=_range(query.start_date, query.end_date),
            department_path=query.department_path, owner_id=query.owner_id,
            group_by=enum_number(M.ReportGroupBy.DESCRIPTOR, query.group_by),
            granularity=enum_number(reporting_pb2.TimeGranularity.DESCRIPTOR,
                                    query.granularity)),
            field_prefix="period.")

    app.register_api(deals)

    # --- quotes --------------------------------------------------------------------------------

    quotes = APIBlueprint("sales_quotes", __name__, abp_tags=[Tag(name="quotes")])
    one = f"{QUOTES}/<quote_id>"

    @operation(quotes, "post", QUOTES, operation_id="createQuote",
               summary="Draft a quote for an open opportunity; the totals are computed",
               responses={201: s.Quote}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_quote(body: s.QuoteCreate):
        return reply(s.Quote, "CreateQuote", M.CreateQuoteRequest(
            quote=from_json(s.body_json(body), M.Quote()), request_id=_request_id()),
            field_prefix="quote.", status=201, collection=QUOTES)

    @operation(quotes, "get", QUOTES, operation_id="listQuotes",
               summary="List the quotes the caller may see, newest first",
               responses={200: s.QuotePage}, calls_services=True)
    def list_quotes(query: s.QuoteListQuery):
        return reply(s.QuotePage, "ListQuotes", M.ListQuotesRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            opportunity_id=query.opportunity_id, customer_id=query.customer_id,
            statuses=[enum_number(M.QuoteStatus.DESCRIPTOR, w) for w in query.status],
            owner_id=query.owner_id, department_path=query.department_path))

    @operation(quotes, "get", one, operation_id="getQuote", summary="Get a quote",
               responses={200: s.Quote}, calls_services=True)
    def get_quote(path: s.QuotePath):
        return reply(s.Quote, "GetQuote", M.GetQuoteRequest(id=path.quote_id))

    @operation(quotes, "patch", one, operation_id="updateQuote",
               summary="Change a draft quote (new lines replace all lines)",
               responses={200: s.Quote}, calls_services=True)
    def update_quote(path: s.QuotePath, body: s.QuoteUpdate):  # type: ignore[valid-type]
        quote, mask = _patch(body, M.Quote(id=path.quote_id))
        request = M.UpdateQuoteRequest(quote=quote)
        request.update_mask.paths.extend(mask)
        return reply(s.Quote, "UpdateQuote", request, field_prefix="quote.")

    @operation(quotes, "delete", one, operation_id="deleteQuote",
               summary="Delete a draft quote", responses={204: None}, calls_services=True)
    def delete_quote(path: s.QuotePath):
        call(PEER, stub().DeleteQuote, M.DeleteQuoteRequest(id=path.quote_id))
        return Response(status=204)

    @operation(quotes, "post", f"{one}/send", operation_id="sendQuote",
               summary="Mark a draft quote sent; its opportunity moves to proposal",
               responses={200: s.Quote}, calls_services=True)
    def send_quote(path: s.QuotePath):
        return reply(s.Quote, "SendQuote", M.SendQuoteRequest(id=path.quote_id))

    @operation(quotes, "post", f"{one}/accept", operation_id="acceptQuote",
               summary="Record that the customer accepted a sent quote",
               responses={200: s.Quote}, calls_services=True)
    def accept_quote(path: s.QuotePath):
        return reply(s.Quote, "AcceptQuote", M.AcceptQuoteRequest(id=path.quote_id))

    @operation(quotes, "post", f"{one}/reject", operation_id="rejectQuote",
               summary="Record that the customer rejected a sent quote",
               responses={200: s.Quote}, calls_services=True)
    def reject_quote(path: s.QuotePath, body: s.QuoteRejectBody):
        return reply(s.Quote, "RejectQuote",
                     M.RejectQuoteRequest(id=path.quote_id, reason=body.reason))

    app.register_api(quotes)

    # --- contracts and payment plans -----------------------------------------------------------

    contracts = APIBlueprint("sales_contracts", __name__, abp_tags=[Tag(name="contracts")])
    one = f"{CONTRACTS}/<contract_id>"

    @operation(contracts, "post", CONTRACTS, operation_id="createContract",
               summary="Draft a contract for an opportunity (and its accepted quote) or a "
               "customer", responses={201: s.Contract}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_contract(body: s.ContractCreate):
        return reply(s.Contract, "CreateContract", M.CreateContractRequest(
            contract=from_json(s.body_json(body), M.Contract()), request_id=_request_id()),
            field_prefix="contract.", status=201, collection=CONTRACTS)

    @operation(contracts, "get", CONTRACTS, operation_id="listContracts",
               summary="List the contracts the caller may see, newest first",
               responses={200: s.ContractPage}, calls_services=True)
    def list_contracts(query: s.ContractListQuery):
        return reply(s.ContractPage, "ListContracts", M.ListContractsRequest(
            page_size=query.page_size or 0, page_token=query.page_token, query=query.query,
            customer_id=query.customer_id,
            statuses=[enum_number(M.ContractStatus.DESCRIPTOR, w) for w in query.status],
            owner_id=query.owner_id, department_path=query.department_path,
            end_date_range=_range(query.end_date_from, query.end_date_to)))

    @operation(contracts, "get", one, operation_id="getContract",
               summary="Get a contract with its received and outstanding amounts",
               responses={200: s.Contract}, calls_services=True)
    def get_contract(path: s.ContractPath):
        return reply(s.Contract, "GetContract", M.GetContractRequest(id=path.contract_id))

    @operation(contracts, "patch", one, operation_id="updateContract",
               summary="Change a contract (terms only while draft)",
               responses={200: s.Contract}, calls_services=True)
    def update_contract(path: s.ContractPath, body: s.ContractUpdate):  # type: ignore[valid-type]
        contract, mask = _patch(body, M.Contract(id=path.contract_id))
        request = M.UpdateContractRequest(contract=contract)
        request.update_mask.paths.extend(mask)
        return reply(s.Contract, "UpdateContract", request, field_prefix="contract.")

    @operation(contracts, "post", f"{one}/sign", operation_id="signContract",
               summary="Record the signature; the contract becomes active",
               responses={200: s.Contract}, calls_services=True)
    def sign_contract(path: s.ContractPath, body: s.ContractSignBody):
        return reply(s.Contract, "SignContract", M.SignContractRequest(
            id=path.contract_id, sign_date=_text(body.sign_date)))

    @operation(contracts, "post", f"{one}/terminate", operation_id="terminateContract",
               summary="Terminate an active contract early, with a reason",
               responses={200: s.Contract}, calls_services=True)
    def terminate_contract(path: s.ContractPath, body: s.ContractTerminateBody):
        return reply(s.Contract, "TerminateContract", M.TerminateContractRequest(
            id=path.contract_id, reason=body.reason, end_date=_text(body.end_date)))

    @operation(contracts, "post", f"{one}/renew", operation_id="renewContract",
               summary="Draft the renewal of a contract, linked to it",
               responses={201: s.Contract}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def renew_contract(path: s.ContractPath, body: s.ContractRenewBody):
        request = from_json(s.body_json(body), M.RenewContractRequest(
            id=path.contract_id, request_id=_request_id()))
        return reply(s.Contract, "RenewContract", request, status=201, collection=CONTRACTS)

    @operation(contracts, "get", f"{one}/payment-plan", operation_id="getPaymentPlan",
               summary="The contract's payment plan with what each installment received",
               responses={200: s.PaymentPlan}, calls_services=True)
    def get_payment_plan(path: s.ContractPath):
        return reply(s.PaymentPlan, "GetPaymentPlan",
                     M.GetPaymentPlanRequest(contract_id=path.contract_id))

    @operation(contracts, "put", f"{one}/payment-plan", operation_id="setPaymentPlan",
               summary="Replace the contract's payment plan",
               responses={200: s.PaymentPlan}, calls_services=True)
    def set_payment_plan(path: s.ContractPath, body: s.PaymentPlanBody):
        request = from_json(s.body_json(body),
                            M.SetPaymentPlanRequest(contract_id=path.contract_id))
        return reply(s.PaymentPlan, "SetPaymentPlan", request)

    app.register_api(contracts)

    # --- payments, receivables, purchases ------------------------------------------------------

    money = APIBlueprint("sales_payments", __name__, abp_tags=[Tag(name="payments")])

    @operation(money, "post", PAYMENTS, operation_id="recordPayment",
               summary="Record a payment received on a signed contract",
               responses={201: s.Payment}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def record_payment(body: s.PaymentCreate):
        return reply(s.Payment, "RecordPayment", M.RecordPaymentRequest(
            payment=from_json(s.body_json(body), M.Payment()), request_id=_request_id()),
            field_prefix="payment.", status=201, collection=PAYMENTS)

    @operation(money, "get", PAYMENTS, operation_id="listPayments",
               summary="List the payments the caller may see, newest first",
               responses={200: s.PaymentPage}, calls_services=True)
    def list_payments(query: s.PaymentListQuery):
        return reply(s.PaymentPage, "ListPayments", M.ListPaymentsRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            contract_id=query.contract_id, customer_id=query.customer_id,
            owner_id=query.owner_id, department_path=query.department_path,
            receive_date_range=_range(query.receive_date_from, query.receive_date_to),
            include_voided=query.include_voided))

    @operation(money, "get", f"{PAYMENTS}/<payment_id>", operation_id="getPayment",
               summary="Get a payment", responses={200: s.Payment}, calls_services=True)
    def get_payment(path: s.PaymentPath):
        return reply(s.Payment, "GetPayment", M.GetPaymentRequest(id=path.payment_id))

    @operation(money, "post", f"{PAYMENTS}/<payment_id>/void", operation_id="voidPayment",
               summary="Void a wrongly recorded payment; it stops counting",
               responses={200: s.Payment}, calls_services=True)
    def void_payment(path: s.PaymentPath, body: s.PaymentVoidBody):
        return reply(s.Payment, "VoidPayment",
                     M.VoidPaymentRequest(id=path.payment_id, reason=body.reason))

    @operation(money, "get", f"{SALES}/receivables/overdue",
               operation_id="listOverdueReceivables",
               summary="Installments past due and not fully paid, most overdue first",
               responses={200: s.ReceivablePage}, calls_services=True)
    def overdue_receivables(query: s.ReceivableQuery):
        return reply(s.ReceivablePage, "ListOverdueReceivables",
                     M.ListOverdueReceivablesRequest(
                         page_size=query.page_size or 0, page_token=query.page_token,
                         owner_id=query.owner_id, department_path=query.department_path,
                         customer_id=query.customer_id, as_of_date=_text(query.as_of_date)))

    @operation(money, "post", PURCHASES, operation_id="recordPurchase",
               summary="Record a purchase from ERP or e-commerce (service accounts, admins)",
               description="Idempotent on (`source_system`, `external_order_id`): a resent "
               "order answers with its first record.",
               responses={201: s.Purchase}, calls_services=True, creates=True)
    def record_purchase(body: s.PurchaseCreate):
        return reply(s.Purchase, "RecordPurchase", M.RecordPurchaseRequest(
            purchase=from_json(s.body_json(body), M.Purchase()), request_id=_request_id()),
            field_prefix="purchase.", status=201)

    @operation(money, "get", PURCHASES, operation_id="listPurchases",
               summary="List purchases, newest first",
               responses={200: s.PurchasePage}, calls_services=True)
    def list_purchases(query: s.PurchaseListQuery):
        request = M.ListPurchasesRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            customer_id=query.customer_id, source_system=query.source_system)
        if query.start_time is not None:
            request.start_time.CopyFrom(to_timestamp(query.start_time))
        if query.end_time is not None:
            request.end_time.CopyFrom(to_timestamp(query.end_time))
        return reply(s.PurchasePage, "ListPurchases", request)

    app.register_api(money)

    # --- reports and KPIs ----------------------------------------------------------------------

    reports = APIBlueprint("sales_reports", __name__, abp_tags=[Tag(name="sales reports")])

    @operation(reports, "get", f"{SALES}/reports/conversion", operation_id="getConversionReport",
               summary="Conversion and win rates per rep, department, source or campaign",
               responses={200: s.ConversionReport}, calls_services=True)
    def conversion_report(query: s.ConversionQuery):
        return reply(s.ConversionReport, "GetConversionReport", M.GetConversionReportRequest(
            period=_range(query.start_date, query.end_date),
            department_path=query.department_path,
            group_by=enum_number(M.ReportGroupBy.DESCRIPTOR, query.group_by)),
            field_prefix="period.")

    @operation(reports, "get", f"{SALES}/reports/deal-cycle", operation_id="getDealCycleReport",
               summary="Days from lead or opportunity creation to the win, per rep or team",
               responses={200: s.DealCycleReport}, calls_services=True)
    def deal_cycle_report(query: s.DealCycleQuery):
        return reply(s.DealCycleReport, "GetDealCycleReport", M.GetDealCycleReportRequest(
            period=_range(query.start_date, query.end_date),
            department_path=query.department_path,
            group_by=enum_number(M.ReportGroupBy.DESCRIPTOR, query.group_by)),
            field_prefix="period.")

    @operation(reports, "get", f"{SALES}/reports/won-deal-traits",
               operation_id="getWonDealTraitsReport",
               summary="What the deals won in the period have in common",
               responses={200: s.WonDealTraitsReport}, calls_services=True)
    def won_deal_traits(query: s.ReportQuery):
        return reply(s.WonDealTraitsReport, "GetWonDealTraitsReport",
                     M.GetWonDealTraitsReportRequest(
                         period=_range(query.start_date, query.end_date),
                         department_path=query.department_path),
                     field_prefix="period.")

    @operation(reports, "get", f"{SALES}/kpis", operation_id="getSalesKpis",
               summary="Sales KPIs for a period and department subtree",
               responses={200: s.SalesKpis}, calls_services=True)
    def sales_kpis(query: KpiQuery):
        return reply(s.SalesKpis, "GetSalesKpis", M.GetSalesKpisRequest(
            period=_range(query.start_date, query.end_date),
            department_path=query.department_path,
            group_by_department=query.group_by_department), field_prefix="period.")

    app.register_api(reports)
