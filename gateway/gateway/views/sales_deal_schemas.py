"""Request and response schemas of the deal routes (:mod:`gateway.views.sales_deals`):
pydantic models mirroring the deal messages of ``crm.sales.v1`` in the REST conventions of
:mod:`crm_shared.protojson`, with the examples the OpenAPI document shows.

Money is ``crm.common.v1.Money`` as the customer routes write it (``currency_code`` +
integer ``amount_minor``). Calendar dates are ``YYYY-MM-DD``; a date the contract leaves
empty is ``null`` here (:func:`rest_json`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal

from crm.common.v1 import reporting_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.protojson import to_json
from google.protobuf.message import Message
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from gateway.views.customers import Money
from gateway.views.dashboard import DateRange, Kpi
from gateway.views.ticket_schemas import department_path_field, partial_model, words

StageWord = words(sales_pb2.OpportunityStage)
QuoteStatusWord = words(sales_pb2.QuoteStatus)
ContractStatusWord = words(sales_pb2.ContractStatus)
InstallmentStatusWord = words(sales_pb2.InstallmentStatus)
PaymentMethodWord = words(sales_pb2.PaymentMethod)
PaymentStatusWord = words(sales_pb2.PaymentStatus)
ReportGroupWord = words(sales_pb2.ReportGroupBy)
GranularityWord = words(reporting_pb2.TimeGranularity)
PersonGroupWord = Literal["owner", "department"]

INT32_MAX = 2**31 - 1
ID = Field("", max_length=36)
OWNER = Field("", max_length=64, description="User id of a rep.")
PAGE_SIZE = Field(None, ge=1, le=500, description="Default 50.")
PAGE_TOKEN = Field("", max_length=2048, description="`next_page_token` of the previous page.")
ETAG = Field(max_length=64, description="`etag` as read; sent, a concurrent change is a 409.")


def _in_timestamp_range(value: datetime) -> datetime:
    """A time a ``google.protobuf.Timestamp`` holds (years 1-9999 in UTC, whatever the
    offset it was written with)."""
    try:
        (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise ValueError("must lie between the years 1 and 9999 in UTC") from None
    return value


Instant = Annotated[datetime, AfterValidator(_in_timestamp_range)]
"""A time in a request, RFC 3339 (naive means UTC)."""


def rest_json(message: Message) -> dict[str, Any]:
    """``to_json`` of a deal message with its empty ``*_date`` strings as ``null``."""
    return _dates_or_null(to_json(message))


def _dates_or_null(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (v or None) if k.endswith("_date") and isinstance(v, str)
                else _dates_or_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_or_null(item) for item in value]
    return value


def body_json(body: BaseModel, *, sent_only: bool = False) -> dict[str, Any]:
    """A request body as proto JSON (dates as text): every field, or with ``sent_only`` the
    fields the caller sent (a patch); ``null`` counts as not sent."""
    data = body.model_dump(mode="json", exclude_unset=sent_only)
    return {k: v for k, v in data.items() if v is not None}


class _Ordered(BaseModel):
    """A query with a pair of dates (``start_date``/``end_date`` or ``*_from``/``*_to``)
    that must be in order."""

    date_range: ClassVar[tuple[str, str]] = ("start_date", "end_date")

    @model_validator(mode="after")
    def ordered(self):
        first, last = (getattr(self, name) for name in self.date_range)
        if first is not None and last is not None and last < first:
            raise ValueError(f"`{self.date_range[1]}` must not be before `{self.date_range[0]}`")
        return self


# --- examples ----------------------------------------------------------------------------------

USER = "0b8a3c52-6f43-5e1d-9a7b-3c2d1e0f4a5b"
CUSTOMER = "3f2b7c1e-8d4a-4b6f-9e0c-1a2b3c4d5e6f"
OPPORTUNITY_ID = "5c4b3a29-1807-4f6e-8d5c-4b3a29180716"
QUOTE_ID = "6d5c4b3a-2918-4e7f-9a6b-5c4d3e2f1a0b"
CONTRACT_ID = "7e6d5c4b-3a29-4f8e-8b7c-6d5e4f3a2b1c"
INSTALLMENT_ID = "8f7e6d5c-4b3a-4a9f-9c8d-7e6f5a4b3c2d"
PAYMENT_ID = "9a8f7e6d-5c4b-4b0a-8d9e-8f7a6b5c4d3e"
STAMP = "2026-03-01T08:30:00Z"
AUDIT = {"create_time": STAMP, "update_time": STAMP, "created_by": USER, "updated_by": USER}


def cny(minor: int) -> dict[str, Any]:
    return {"currency_code": "CNY", "amount_minor": minor}


PERIOD_EXAMPLE = {"start_date": "2026-01-01", "end_date": "2026-12-31"}
STAGE_CHANGE_EXAMPLE = {"from_stage": "intent", "to_stage": "proposal", "actor_id": USER,
                        "change_time": "2026-03-10T09:00:00Z", "note": "quote Q20260310-0001 sent"}
OPPORTUNITY_EXAMPLE = {
    "id": OPPORTUNITY_ID, "name": "ACME - 200 seats 2026", "customer_id": CUSTOMER, "lead_id": "",
    "stage": "proposal", "amount": cny(20_000_000), "expected_close_date": "2026-06-30",
    "probability": 50, "weighted_amount": cny(10_000_000), "lost_reason": "", "close_date": None,
    "owner_id": USER, "department_path": "/hq/sales/east", "campaign_id": "",
    "campaign_variant_id": "", "next_step": "Demo for the CTO", "description": "",
    "stage_enter_time": "2026-03-10T09:00:00Z",
    "stage_history": [{"from_stage": None, "to_stage": "potential", "actor_id": USER,
                       "change_time": STAMP, "note": ""}, STAGE_CHANGE_EXAMPLE],
    **AUDIT, "etag": 'W/"3"',
}
LINE_EXAMPLE = {"product_code": "CRM-SEAT", "description": "CRM seat, one year", "quantity": "200",
                "unit_price": cny(100_000), "discount_basis_points": 1000,
                "line_total": cny(18_000_000)}
QUOTE_EXAMPLE = {
    "id": QUOTE_ID, "number": "Q20260310-0001", "opportunity_id": OPPORTUNITY_ID,
    "customer_id": CUSTOMER, "title": "ACME CRM 200 seats", "status": "sent",
    "line_items": [LINE_EXAMPLE], "discount_basis_points": 500, "subtotal": cny(18_000_000),
    "discount_amount": cny(900_000), "total": cny(17_100_000), "valid_until_date": "2026-04-10",
    "notes": "Prices include VAT", "owner_id": USER, "department_path": "/hq/sales/east",
    "send_time": "2026-03-10T09:00:00Z", "decide_time": None, "reject_reason": "", **AUDIT,
    "etag": 'W/"2"',
}
CONTRACT_EXAMPLE = {
    "id": CONTRACT_ID, "number": "HT20260320-0001", "customer_id": CUSTOMER,
    "opportunity_id": OPPORTUNITY_ID, "quote_id": QUOTE_ID, "title": "ACME CRM 2026",
    "amount": cny(17_100_000), "start_date": "2026-04-01", "end_date": "2027-03-31",
    "sign_date": "2026-03-20", "status": "active", "renewal_of_contract_id": "",
    "renewed_by_contract_id": "", "received_amount": cny(8_550_000),
    "outstanding_amount": cny(8_550_000), "renewal_reminder_date": "2027-03-16",
    "owner_id": USER, "department_path": "/hq/sales/east", "termination_reason": "",
    "external_ids": {"erp": "HT-88"}, **AUDIT, "etag": 'W/"2"',
}
INSTALLMENT_EXAMPLE = {
    "id": INSTALLMENT_ID, "contract_id": CONTRACT_ID, "sequence": 1, "due_date": "2026-04-15",
    "amount": cny(8_550_000), "received_amount": cny(8_550_000), "status": "paid",
    "note": "on signature"}
PLAN_EXAMPLE = {
    "contract_id": CONTRACT_ID,
    "installments": [INSTALLMENT_EXAMPLE, {
        **INSTALLMENT_EXAMPLE, "id": "1b0a9f8e-7d6c-4c5b-8a4f-3e2d1c0b9a8f", "sequence": 2,
        "due_date": "2026-10-15", "received_amount": cny(0), "status": "pending",
        "note": "on acceptance"}],
    "planned_amount": cny(17_100_000), "update_time": STAMP, "updated_by": USER}
PAYMENT_EXAMPLE = {
    "id": PAYMENT_ID, "contract_id": CONTRACT_ID, "customer_id": CUSTOMER,
    "installment_id": INSTALLMENT_ID, "amount": cny(8_550_000), "receive_date": "2026-04-14",
    "method": "bank_transfer", "reference": "BOC-20260414-0931", "note": "", "owner_id": USER,
    "department_path": "/hq/sales/east", "status": "recorded", "void_reason": "",
    "create_time": STAMP, "created_by": USER, "update_time": STAMP, "updated_by": USER}
RECEIVABLE_EXAMPLE = {
    "contract_id": CONTRACT_ID, "contract_number": "HT20260320-0001", "customer_id": CUSTOMER,
    "installment": {**INSTALLMENT_EXAMPLE, "received_amount": cny(0), "status": "overdue"},
    "outstanding_amount": cny(8_550_000), "days_overdue": 12, "owner_id": USER,
    "department_path": "/hq/sales/east"}
PURCHASE_EXAMPLE = {
    "id": "2c1b0a9f-8e7d-4d6c-9b5a-4f3e2d1c0b9a", "customer_id": CUSTOMER,
    "source_system": "shop", "external_order_id": "SO-20260301-1001",
    "purchase_time": "2026-03-01T10:15:00Z", "amount": cny(129_900), "item_count": 3,
    "items_summary": "3 × toner cartridge", "channel": "online", "campaign_id": "",
    "owner_id": USER, "department_path": "/hq/sales/east", "create_time": STAMP}
FUNNEL_STAGE_EXAMPLE = {"stage": "proposal", "count": 120, "amount": cny(2_400_000_000),
                        "weighted_amount": cny(1_200_000_000), "conversion_rate": 0.55,
                        "average_days_in_stage": 12.5}
FORECAST_ROW_EXAMPLE = {"group_key": USER, "display_name": USER,
                        "bucket_start_date": "2026-06-01", "open_count": 14,
                        "pipeline_amount": cny(280_000_000), "weighted_amount": cny(98_000_000),
                        "won_amount": cny(45_000_000)}
CONVERSION_ROW_EXAMPLE = {
    "group_key": USER, "display_name": USER, "lead_count": 60, "contacted_count": 57,
    "converted_count": 18, "conversion_rate": 0.3, "closed_opportunity_count": 20,
    "won_count": 8, "win_rate": 0.4, "won_amount": cny(160_000_000),
    "average_first_contact_hours": 1.5}
CYCLE_ROW_EXAMPLE = {"group_key": USER, "display_name": USER, "won_count": 8,
                     "average_cycle_days": 41.5, "median_cycle_days": 38.0,
                     "p90_cycle_days": 70.0, "average_deal_amount": cny(20_000_000)}
KPI_EXAMPLE = {"key": "win_rate", "display_name": "Win rate", "value": 0.4,
               "previous_value": 0.35, "target": None, "unit": "ratio",
               "higher_is_better": True, "sample_size": 20}


# --- opportunities -----------------------------------------------------------------------------


class OpportunityStageChange(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [STAGE_CHANGE_EXAMPLE]})

    from_stage: StageWord | None = Field(None, description="`null` for the opening.")
    to_stage: StageWord | None = None
    actor_id: str
    change_time: datetime | None = None
    note: str = Field(description="Note of the change; the lost reason for `lost`.")


class Opportunity(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [OPPORTUNITY_EXAMPLE]})

    id: str
    name: str
    customer_id: str
    lead_id: str
    stage: StageWord | None = None
    amount: Money | None = None
    expected_close_date: date | None = None
    probability: int = Field(description="Win probability in percent.")
    weighted_amount: Money | None = Field(None, description="amount × probability.")
    lost_reason: str
    close_date: date | None = Field(None, description="Day the deal was won or lost.")
    owner_id: str
    department_path: str
    campaign_id: str
    campaign_variant_id: str
    next_step: str
    description: str
    stage_enter_time: datetime | None = None
    stage_history: list[OpportunityStageChange] = Field(
        description="Every stage change, oldest first (single reads only; empty in lists).")
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class OpportunityPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "opportunities": [{**OPPORTUNITY_EXAMPLE, "stage_history": []}],
        "next_page_token": "", "total_size": 1}]})

    opportunities: list[Opportunity]
    next_page_token: str = Field(description="Token of the next page; empty on the last page.")
    total_size: int


class _OpportunityFields(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    amount: Money | None = None
    expected_close_date: date | None = None
    probability: int | None = Field(None, ge=0, le=100,
                                    description="Percent; default from the stage.")
    campaign_id: str = ID
    campaign_variant_id: str = ID
    next_step: str = Field("", max_length=500)
    description: str = Field("", max_length=20_000)


class OpportunityCreate(_OpportunityFields):
    """A new opportunity, owned by the caller unless a lead names one of their reps."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "ACME - 200 seats 2026", "customer_id": CUSTOMER, "amount": cny(20_000_000),
        "expected_close_date": "2026-06-30", "next_step": "Demo for the CTO"}]})

    customer_id: str = Field(min_length=1, max_length=36)
    lead_id: str = ID
    owner_id: str = OWNER
    initial_stage: StageWord | None = Field(
        None, description="An open stage; default `potential`.")


class _OpportunityChanges(_OpportunityFields):
    etag: str = ETAG


OpportunityUpdate = partial_model(
    _OpportunityChanges,
    "OpportunityUpdate",
    "The fields to change (the stage changes only through `POST .../stage`).",
    [{"amount": cny(25_000_000), "expected_close_date": "2026-07-15", "etag": 'W/"3"'}],
)


class OpportunityStageMove(BaseModel):
    """Move the opportunity to another stage; `won` and `lost` close it for good."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"stage": "negotiation", "note": "Price agreed in principle", "etag": 'W/"3"'},
        {"stage": "lost", "lost_reason": "Chose a competitor"}]})

    stage: StageWord
    lost_reason: str = Field("", max_length=500, description="Required for `lost`.")
    note: str = Field("", max_length=1000)
    probability: int | None = Field(None, ge=0, le=100,
                                    description="Percent; default from the stage.")
    etag: str = Field("", max_length=64, description="`etag` as read; optional.")


class OpportunityPath(BaseModel):
    opportunity_id: str = Field(min_length=1, max_length=64)


class OpportunityListQuery(_Ordered):
    date_range = ("expected_close_from", "expected_close_to")

    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    query: str = Field("", max_length=200, description="Text in the name.")
    stage: list[StageWord] = Field(default_factory=list, description="Any of these stages.")
    owner_id: str = OWNER
    department_path: str = department_path_field("Only opportunities owned in this subtree.")
    customer_id: str = ID
    campaign_id: str = ID
    expected_close_from: date | None = Field(None, description="Expected to close on or after.")
    expected_close_to: date | None = Field(None, description="Expected to close on or before.")
    order_by: Literal["create_time desc", "update_time desc", "amount desc"] = "create_time desc"


# --- funnel and forecast -----------------------------------------------------------------------


class SalesPeriod(BaseModel):
    start_date: date | None = None
    end_date: date | None = None


class FunnelStage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    stage: StageWord | None = None
    count: int = Field(description="Opportunities that reached the stage.")
    amount: Money | None = None
    weighted_amount: Money | None = None
    conversion_rate: float = Field(description="Share that reached the next stage, 0..1.")
    average_days_in_stage: float


class SalesFunnel(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": PERIOD_EXAMPLE, "department_path": "/hq/sales", "owner_id": "",
        "stages": [FUNNEL_STAGE_EXAMPLE], "excluded_count": 0}]})

    period: SalesPeriod | None = None
    department_path: str
    owner_id: str
    stages: list[FunnelStage] = Field(description="Potential … won, then lost.")
    excluded_count: int = Field(description="Records in other currencies, left out of amounts.")


class FunnelQuery(_Ordered):
    start_date: date | None = Field(None, description="First day of the period, inclusive.")
    end_date: date | None = Field(None, description="Last day of the period, inclusive.")
    department_path: str = department_path_field(
        "Department subtree; default everything the caller sees.")
    owner_id: str = Field("", max_length=64, description="Only this rep's opportunities.")


class ForecastQuery(_Ordered):
    start_date: date = Field(description="First expected close date covered, inclusive.")
    end_date: date = Field(description="Last expected close date covered (at most 3 years).")
    department_path: str = department_path_field(
        "Department subtree; default everything the caller sees.")
    owner_id: str = Field("", max_length=64, description="Only this rep's opportunities.")
    group_by: PersonGroupWord | None = Field(
        None, description="Rows per rep (`owner`, default) or direct sub-department.")
    granularity: GranularityWord | None = Field(None, description="Bucket size; default month.")


class ForecastRow(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [FORECAST_ROW_EXAMPLE]})

    group_key: str = Field(description="User id or department path; empty in totals.")
    display_name: str
    bucket_start_date: date | None = None
    open_count: int
    pipeline_amount: Money | None = None
    weighted_amount: Money | None = None
    won_amount: Money | None = None


class SalesForecast(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": PERIOD_EXAMPLE, "group_by": "owner", "rows": [FORECAST_ROW_EXAMPLE],
        "totals": [{**FORECAST_ROW_EXAMPLE, "group_key": "", "display_name": ""}],
        "excluded_count": 0}]})

    period: SalesPeriod | None = None
    group_by: ReportGroupWord | None = None
    rows: list[ForecastRow]
    totals: list[ForecastRow]
    excluded_count: int


# --- quotes ------------------------------------------------------------------------------------


class QuoteLineInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_code: str = Field("", max_length=64)
    description: str = Field("", max_length=1000, description="Or a product code.")
    quantity: str = Field(pattern=r"^\d{1,9}(\.\d{1,4})?$", description="Decimal, e.g. `2.5`.")
    unit_price: Money = Field(description="All lines of a quote share one currency.")
    discount_basis_points: int = Field(0, ge=0, le=10_000, description="1000 = 10 %.")


class QuoteLineItem(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [LINE_EXAMPLE]})

    product_code: str
    description: str
    quantity: str
    unit_price: Money | None = None
    discount_basis_points: int
    line_total: Money | None = None


class _QuoteFields(BaseModel):
    title: str = Field("", max_length=300, description="Default: the opportunity's name.")
    line_items: list[QuoteLineInput] = Field(default_factory=list, max_length=200)
    discount_basis_points: int = Field(0, ge=0, le=10_000,
                                       description="Off the subtotal, after line discounts.")
    valid_until_date: date | None = Field(None, description="Last day the quote is valid.")
    notes: str = Field("", max_length=20_000)


class QuoteCreate(_QuoteFields):
    """A draft quote for an opportunity; totals are computed by the service."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "opportunity_id": OPPORTUNITY_ID, "title": "ACME CRM 200 seats",
        "line_items": [{"product_code": "CRM-SEAT", "description": "CRM seat, one year",
                        "quantity": "200", "unit_price": cny(100_000),
                        "discount_basis_points": 1000}],
        "discount_basis_points": 500, "valid_until_date": "2026-04-10"}]})

    opportunity_id: str = Field(min_length=1, max_length=36)


class _QuoteChanges(_QuoteFields):
    etag: str = ETAG


QuoteUpdate = partial_model(
    _QuoteChanges,
    "QuoteUpdate",
    "The fields of a draft quote to change; new lines replace all lines.",
    [{"discount_basis_points": 800, "etag": 'W/"1"'}],
)


class Quote(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [QUOTE_EXAMPLE]})

    id: str
    number: str
    opportunity_id: str
    customer_id: str
    title: str
    status: QuoteStatusWord | None = Field(None, description="A sent quote past validity "
                                           "reads `expired`.")
    line_items: list[QuoteLineItem]
    discount_basis_points: int
    subtotal: Money | None = None
    discount_amount: Money | None = None
    total: Money | None = None
    valid_until_date: date | None = None
    notes: str
    owner_id: str
    department_path: str
    send_time: datetime | None = None
    decide_time: datetime | None = None
    reject_reason: str
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str
    approval_request_id: str = Field("", description="Its latest approval request, when "
                                     "sending it needed one (`/api/v1/sales/approval-requests`).")


class QuotePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"quotes": [QUOTE_EXAMPLE], "next_page_token": ""}]})

    quotes: list[Quote] = Field(description="Newest first.")
    next_page_token: str


class QuotePath(BaseModel):
    quote_id: str = Field(min_length=1, max_length=64)


class QuoteListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    opportunity_id: str = ID
    customer_id: str = ID
    status: list[QuoteStatusWord] = Field(default_factory=list,
                                          description="Any of these statuses.")
    owner_id: str = OWNER
    department_path: str = department_path_field("Only quotes owned in this subtree.")


class QuoteRejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "Budget frozen until Q3"}]})

    reason: str = Field("", max_length=1000, description="Why the customer rejected it.")


# --- contracts and payment plans ---------------------------------------------------------------


class _ContractFields(BaseModel):
    title: str = Field("", max_length=300)
    amount: Money
    start_date: date = Field(description="First day in force.")
    end_date: date = Field(description="Last day in force.")
    external_ids: dict[str, str] = Field(default_factory=dict,
                                         description='Ids elsewhere, e.g. `{"erp": "HT-88"}`.')


class ContractCreate(_ContractFields):
    """A draft contract: for an opportunity (and its accepted quote) or a customer."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "opportunity_id": OPPORTUNITY_ID, "quote_id": QUOTE_ID, "title": "ACME CRM 2026",
        "amount": cny(17_100_000), "start_date": "2026-04-01", "end_date": "2027-03-31",
        "external_ids": {"erp": "HT-88"}}]})

    customer_id: str = Field("", max_length=36, description="Required without an opportunity.")
    opportunity_id: str = ID
    quote_id: str = Field("", max_length=36, description="An accepted quote.")
    owner_id: str = OWNER

    @model_validator(mode="after")
    def ordered(self) -> ContractCreate:
        if self.end_date < self.start_date:
            raise ValueError("`end_date` must not be before `start_date`")
        return self


class _ContractChanges(_ContractFields):
    etag: str = ETAG


ContractUpdate = partial_model(
    _ContractChanges,
    "ContractUpdate",
    "The fields to change: terms (title, amount, dates) only while draft; `external_ids` "
    "always.",
    [{"amount": cny(18_000_000), "etag": 'W/"1"'}, {"external_ids": {"erp": "HT-89"}}],
)


class Contract(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [CONTRACT_EXAMPLE]})

    id: str
    number: str
    customer_id: str
    opportunity_id: str
    quote_id: str
    title: str
    amount: Money | None = None
    start_date: date | None = None
    end_date: date | None = None
    sign_date: date | None = None
    status: ContractStatusWord | None = None
    renewal_of_contract_id: str
    renewed_by_contract_id: str
    received_amount: Money | None = Field(None, description="Payments, voided ones excluded.")
    outstanding_amount: Money | None = None
    renewal_reminder_date: date | None = None
    owner_id: str
    department_path: str
    termination_reason: str
    external_ids: dict[str, str]
    create_time: datetime | None = None
    update_time: datetime | None = None
    created_by: str
    updated_by: str
    etag: str


class ContractPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"contracts": [CONTRACT_EXAMPLE], "next_page_token": "", "total_size": 1}]})

    contracts: list[Contract]
    next_page_token: str
    total_size: int


class ContractPath(BaseModel):
    contract_id: str = Field(min_length=1, max_length=64)


class ContractListQuery(_Ordered):
    date_range = ("end_date_from", "end_date_to")

    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    query: str = Field("", max_length=200, description="Text in the title or number.")
    customer_id: str = ID
    status: list[ContractStatusWord] = Field(default_factory=list,
                                             description="Any of these statuses.")
    owner_id: str = OWNER
    department_path: str = department_path_field("Only contracts owned in this subtree.")
    end_date_from: date | None = Field(None, description="Ending on or after (renewals due).")
    end_date_to: date | None = Field(None, description="Ending on or before.")


class ContractSignBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"sign_date": "2026-03-20"}, {}]})

    sign_date: date | None = Field(None, description="Not in the future; default today.")


class ContractTerminateBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "Customer closed the branch", "end_date": "2026-09-30"}]})

    reason: str = Field(min_length=1, max_length=1000)
    end_date: date | None = Field(None, description="Last day in force; default today.")


class ContractRenewBody(BaseModel):
    """The renewal starts the day after the contract ends."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"amount": cny(18_000_000), "end_date": "2028-03-31"}, {}]})

    amount: Money | None = Field(None, description="Default: the renewed contract's amount.")
    end_date: date | None = Field(None, description="Default: the same length again.")


class InstallmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sequence: int = Field(ge=1, le=INT32_MAX, description="1, 2, … in due-date order.")
    due_date: date
    amount: Money
    note: str = Field("", max_length=500)


class PaymentPlanBody(BaseModel):
    """The complete new plan: installments summing to the contract amount, in its currency;
    installments already paid must be kept."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "installments": [
            {"sequence": 1, "due_date": "2026-04-15", "amount": cny(8_550_000),
             "note": "on signature"},
            {"sequence": 2, "due_date": "2026-10-15", "amount": cny(8_550_000),
             "note": "on acceptance"}]}]})

    installments: list[InstallmentInput] = Field(max_length=120)


class Installment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [INSTALLMENT_EXAMPLE]})

    id: str
    contract_id: str
    sequence: int
    due_date: date | None = None
    amount: Money | None = None
    received_amount: Money | None = None
    status: InstallmentStatusWord | None = None
    note: str


class PaymentPlan(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [PLAN_EXAMPLE]})

    contract_id: str
    installments: list[Installment] = Field(description="In due-date order.")
    planned_amount: Money | None = None
    update_time: datetime | None = None
    updated_by: str


# --- payments, receivables, purchases ----------------------------------------------------------


class PaymentCreate(BaseModel):
    """A payment received on a signed contract; credited to the named installment, else to
    the oldest open ones."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "contract_id": CONTRACT_ID, "amount": cny(8_550_000), "receive_date": "2026-04-14",
        "method": "bank_transfer", "reference": "BOC-20260414-0931"}]})

    contract_id: str = Field(min_length=1, max_length=36)
    installment_id: str = ID
    amount: Money
    receive_date: date = Field(description="Day the money arrived; not in the future.")
    method: PaymentMethodWord | None = Field(None, description="Default `other`.")
    reference: str = Field("", max_length=100, description="Unique per contract.")
    note: str = Field("", max_length=1000)


class Payment(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [PAYMENT_EXAMPLE]})

    id: str
    contract_id: str
    customer_id: str
    installment_id: str
    amount: Money | None = None
    receive_date: date | None = None
    method: PaymentMethodWord | None = None
    reference: str
    note: str
    owner_id: str
    department_path: str
    status: PaymentStatusWord | None = None
    void_reason: str
    create_time: datetime | None = None
    created_by: str
    update_time: datetime | None = None
    updated_by: str


class PaymentPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"payments": [PAYMENT_EXAMPLE], "next_page_token": ""}]})

    payments: list[Payment] = Field(description="Newest first.")
    next_page_token: str


class PaymentPath(BaseModel):
    payment_id: str = Field(min_length=1, max_length=64)


class PaymentListQuery(_Ordered):
    date_range = ("receive_date_from", "receive_date_to")

    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    contract_id: str = ID
    customer_id: str = ID
    owner_id: str = OWNER
    department_path: str = department_path_field("Only payments on contracts in this subtree.")
    receive_date_from: date | None = None
    receive_date_to: date | None = None
    include_voided: bool = False


class PaymentVoidBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "Booked on the wrong contract"}]})

    reason: str = Field(min_length=1, max_length=1000)


class Receivable(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [RECEIVABLE_EXAMPLE]})

    contract_id: str
    contract_number: str
    customer_id: str
    installment: Installment | None = None
    outstanding_amount: Money | None = None
    days_overdue: int
    owner_id: str
    department_path: str


class ReceivablePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "receivables": [RECEIVABLE_EXAMPLE], "next_page_token": "",
        "total_outstanding": cny(8_550_000)}]})

    receivables: list[Receivable] = Field(description="Most overdue first.")
    next_page_token: str
    total_outstanding: Money | None = Field(None, description="In the reporting currency.")


class ReceivableQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    owner_id: str = OWNER
    department_path: str = department_path_field("Only contracts owned in this subtree.")
    customer_id: str = ID
    as_of_date: date | None = Field(None, description="Day overdue is judged on; default "
                                    "today.")


class PurchaseCreate(BaseModel):
    """A purchase from ERP or e-commerce (service accounts and admins); a resent order
    answers with its first record."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "customer_id": CUSTOMER, "source_system": "shop", "external_order_id": "SO-20260301-1001",
        "purchase_time": "2026-03-01T10:15:00Z", "amount": cny(129_900), "item_count": 3,
        "items_summary": "3 × toner cartridge", "channel": "online"}]})

    customer_id: str = Field(min_length=1, max_length=36)
    source_system: str = Field(min_length=1, max_length=50, description="`erp`, `shop`, …")
    external_order_id: str = Field(min_length=1, max_length=100,
                                   description="Unique per source system.")
    purchase_time: Instant
    amount: Money
    item_count: int = Field(0, ge=0, le=INT32_MAX)
    items_summary: str = Field("", max_length=1000)
    channel: str = Field("", max_length=50, description="`online`, `store`, `distributor`, …")
    campaign_id: str = ID


class Purchase(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [PURCHASE_EXAMPLE]})

    id: str
    customer_id: str
    source_system: str
    external_order_id: str
    purchase_time: datetime | None = None
    amount: Money | None = None
    item_count: int
    items_summary: str
    channel: str
    campaign_id: str
    owner_id: str = Field(description="Owner of the customer's deals here; may be empty.")
    department_path: str
    create_time: datetime | None = None


class PurchasePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"purchases": [PURCHASE_EXAMPLE], "next_page_token": ""}]})

    purchases: list[Purchase] = Field(description="Newest first.")
    next_page_token: str


class PurchaseListQuery(BaseModel):
    page_size: int | None = PAGE_SIZE
    page_token: str = PAGE_TOKEN
    customer_id: str = ID
    source_system: str = Field("", max_length=50)
    start_time: Instant | None = Field(None, description="Bought at or after.")
    end_time: Instant | None = Field(None, description="Bought before.")


# --- reports and KPIs --------------------------------------------------------------------------


class ReportQuery(_Ordered):
    start_date: date | None = Field(None, description="First day of the period, inclusive.")
    end_date: date | None = Field(None, description="Last day of the period, inclusive.")
    department_path: str = department_path_field(
        "Department subtree; default everything the caller sees.")


class ConversionQuery(ReportQuery):
    group_by: ReportGroupWord | None = Field(
        None, description="Rows per rep (`owner`, default), department, source or campaign.")


class DealCycleQuery(ReportQuery):
    group_by: PersonGroupWord | None = Field(
        None, description="Rows per rep (`owner`, default) or direct sub-department.")


class ConversionRow(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [CONVERSION_ROW_EXAMPLE]})

    group_key: str = Field(description="User id, department path, source or campaign id.")
    display_name: str
    lead_count: int = Field(description="Leads created in the period.")
    contacted_count: int = Field(description="Of those, contacted at least once.")
    converted_count: int = Field(description="Of those, converted so far.")
    conversion_rate: float = Field(description="converted / leads, 0..1.")
    closed_opportunity_count: int = Field(description="Opportunities closed in the period.")
    won_count: int
    win_rate: float = Field(description="won / closed, 0..1.")
    won_amount: Money | None = None
    average_first_contact_hours: float = Field(
        description="Hours from assignment to first contact, over the contacted leads.")


class ConversionReport(BaseModel):
    """Lead figures are the cohort of leads created in the period: how many were contacted
    and converted so far (`conversion_rate` = converted / leads) and the average hours from
    assignment to first contact. Opportunity figures are over those closed in the period.
    Records without an owner, source or campaign group as `unassigned`, `unspecified`,
    `none`."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": PERIOD_EXAMPLE, "group_by": "owner", "rows": [CONVERSION_ROW_EXAMPLE],
        "total": {**CONVERSION_ROW_EXAMPLE, "group_key": "", "display_name": ""}}]})

    period: SalesPeriod | None = None
    group_by: ReportGroupWord | None = None
    rows: list[ConversionRow]
    total: ConversionRow | None = None


class DealCycleRow(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "examples": [CYCLE_ROW_EXAMPLE]})

    group_key: str
    display_name: str
    won_count: int
    average_cycle_days: float
    median_cycle_days: float
    p90_cycle_days: float
    average_deal_amount: Money | None = None


class DealCycleReport(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": PERIOD_EXAMPLE, "rows": [CYCLE_ROW_EXAMPLE],
        "total": {**CYCLE_ROW_EXAMPLE, "group_key": "", "display_name": ""}}]})

    period: SalesPeriod | None = None
    rows: list[DealCycleRow]
    total: DealCycleRow | None = None


class TraitBucket(BaseModel):
    model_config = ConfigDict(extra="ignore")

    value: str
    count: int
    share: float = Field(description="Share of all won deals, 0..1.")
    amount: Money | None = None


class TraitDistribution(BaseModel):
    model_config = ConfigDict(extra="ignore")

    trait: str = Field(description="`industry`, `source`, `value_class`, `staff_size_band` "
                       "(1-9, 10-49, 50-249, 250-999, 1000+) or `customer_type`; a customer "
                       "the sales service has not heard of yet counts as `unknown`.")
    buckets: list[TraitBucket] = Field(description="Largest first.")


class WonDealTraitsReport(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": PERIOD_EXAMPLE, "won_count": 8, "traits": [{"trait": "source", "buckets": [
            {"value": "exhibition", "count": 5, "share": 0.625, "amount": cny(100_000_000)},
            {"value": "referral", "count": 3, "share": 0.375, "amount": cny(60_000_000)}]},
            {"trait": "staff_size_band", "buckets": [
                {"value": "50-249", "count": 6, "share": 0.75, "amount": cny(130_000_000)},
                {"value": "1-9", "count": 2, "share": 0.25, "amount": cny(30_000_000)}]}]}]})

    period: SalesPeriod | None = None
    won_count: int
    traits: list[TraitDistribution]


class SalesKpiGroup(BaseModel):
    key: str = Field(description="Department path of the group.")
    display_name: str
    kpis: list[Kpi]


class SalesKpis(BaseModel):
    """`lead_conversion_rate`, `win_rate`, `follow_up_timeliness`,
    `first_contact_on_time_rate`, `average_deal_cycle_days`, `won_amount`, `weighted_pipeline`
    (open deals now), `overdue_receivables`, `opportunity_count`, `won_count`,
    `payment_received_amount`; each with the previous period of the same length, except the
    weighted pipeline (no past snapshot)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{
        "period": {"start_date": "2026-03-01", "end_date": "2026-03-31"},
        "previous_period": {"start_date": "2026-01-29", "end_date": "2026-02-28"},
        "department_path": "/hq/sales", "kpis": [KPI_EXAMPLE], "groups": [],
        "compute_time": "2026-04-01T00:00:00Z", "source_service": "sales"}]})

    period: DateRange | None = None
    previous_period: DateRange | None = None
    department_path: str
    kpis: list[Kpi]
    groups: list[SalesKpiGroup]
    compute_time: datetime | None = None
    source_service: str
