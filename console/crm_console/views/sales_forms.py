"""What the sales pages share: forms turned into the sales contract's requests (pure, tested in
``console/tests/test_sales_forms.py``), report periods, enum choices, and the names of reps and
customers a page shows next to their ids.

No blueprint here: the pages are ``leads``, ``opportunities`` and ``sales_reports``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.protojson import enum_prefix
from flask import g
from google.protobuf.descriptor import EnumDescriptor

from crm_console.display import enum_label
from crm_console.i18n import N_, gettext
from crm_console.refusals import Refusal
from crm_console.rpc import call

CURRENCY = "CNY"
OPEN_STAGES = ("potential", "intent", "proposal", "negotiation")
CLOSED_STAGES = ("won", "lost")
STAGES = OPEN_STAGES + CLOSED_STAGES
# Report periods a lead picks from (message ids of their labels).
PERIODS = {
    "this_month": N_("This month"),
    "last_month": N_("Last month"),
    "this_quarter": N_("This quarter"),
    "last_quarter": N_("Last quarter"),
    "this_year": N_("This year"),
}
DEFAULT_PERIOD = "this_month"


# The stages as people name them (won and lost as "Closed won" and "Closed lost", the words of
# the CRMs reps know; a plain "Lost" means a lost customer elsewhere in the console).
STAGE_NAMES = {1: N_("Potential"), 2: N_("Intent"), 3: N_("Proposal"), 4: N_("Negotiation"),
               5: N_("Closed won"), 6: N_("Closed lost")}
STAGE_NUMBERS = {"potential": 1, "intent": 2, "proposal": 3, "negotiation": 4, "won": 5,
                 "lost": 6}


def stage_names() -> dict[int, str]:
    return {number: gettext(label) for number, label in STAGE_NAMES.items()}


def request_id() -> str:
    return str(uuid.uuid4())


# -- enums ---------------------------------------------------------------------------------------


def enum_word(enum: EnumDescriptor, number: int) -> str:
    """``OPPORTUNITY_STAGE_WON`` (5) → ``won``; empty for unspecified."""
    value = enum.values_by_number.get(number)
    if value is None or number == 0:
        return ""
    return value.name.removeprefix(enum_prefix(enum)).lower()


def enum_number(enum: EnumDescriptor, word: str | None) -> int:
    """``won`` → 5; 0 for an empty or unknown word."""
    if not word:
        return 0
    value = enum.values_by_name.get(enum_prefix(enum) + word.strip().upper())
    return value.number if value is not None else 0


def enum_options(enum: EnumDescriptor, *, blank: str | None = "") -> list[tuple[str, str]]:
    """``[(word, translated label)]`` for a select; ``blank`` is the label of "any / not set"
    (None: no blank choice)."""
    options = [] if blank is None else [("", blank)]
    for value in enum.values:
        if value.number:
            options.append((enum_word(enum, value.number), enum_label(enum, value.number)))
    return options


# -- amounts and dates -----------------------------------------------------------------------------


def money_from_text(text: str | None, field: str, errors: dict[str, str], *,
                    required: bool = False) -> types_pb2.Money | None:
    """``"1,234.56"`` (yuan) → Money in minor units; a bad value adds an error for ``field``."""
    text = (text or "").strip().replace(",", "").replace("，", "").replace("¥", "")
    if not text:
        if required:
            errors[field] = gettext("Enter an amount.")
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[field] = gettext("Enter an amount such as 12000 or 12,000.50.")
        return None
    if amount < 0 or not amount.is_finite():
        errors[field] = gettext("Enter an amount of zero or more.")
        return None
    minor = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return types_pb2.Money(currency_code=CURRENCY, amount_minor=minor)


def money_text(money) -> str:
    """Money → the text a form field shows (``1234.56``); empty for none."""
    if money is None or not getattr(money, "currency_code", ""):
        return ""
    return f"{Decimal(money.amount_minor) / 100:.2f}"


def period_range(word: str | None, today: date) -> types_pb2.DateRange:
    """A report period by name, as the contract's inclusive date range."""
    word = word if word in PERIODS else DEFAULT_PERIOD
    if word in ("this_month", "last_month"):
        start = today.replace(day=1)
        if word == "last_month":
            start = (start - timedelta(days=1)).replace(day=1)
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    elif word in ("this_quarter", "last_quarter"):
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if word == "last_quarter":
            start = date(start.year - (start.month == 1), (start.month - 4) % 12 + 1, 1)
        after = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        end = after - timedelta(days=1)
    else:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    return types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())


def period_start_time(period: types_pb2.DateRange):
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    stamp.FromDatetime(datetime.combine(date.fromisoformat(period.start_date), time(), UTC))
    return stamp


# -- forms → requests --------------------------------------------------------------------------


def _text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def lead_request(form: Mapping[str, str]) -> tuple[sales_pb2.CreateLeadRequest, dict[str, str]]:
    """The new-lead form as a CreateLeadRequest, with the errors found before asking the API
    (an amount that is not a number)."""
    errors: dict[str, str] = {}
    lead = sales_pb2.Lead(
        contact_name=_text(form, "contact_name"), company_name=_text(form, "company_name"),
        job_title=_text(form, "job_title"), phone=_text(form, "phone"),
        email=_text(form, "email"), source_detail=_text(form, "source_detail"),
        intent_level=enum_number(sales_pb2.IntentLevel.DESCRIPTOR, form.get("intent_level")),
        need_clarity=enum_number(sales_pb2.NeedClarity.DESCRIPTOR, form.get("need_clarity")),
        need_description=_text(form, "need_description"),
        decision_maker=_text(form, "decision_maker"),
        source=enum_number(types_pb2.SourceChannel.DESCRIPTOR, form.get("source")),
    )
    interests = [part.strip() for part in _text(form, "product_interests").replace("，", ",")
                 .split(",") if part.strip()]
    lead.product_interests.extend(interests)
    budget = money_from_text(form.get("budget"), "budget", errors)
    if budget is not None:
        lead.budget.CopyFrom(budget)
    return sales_pb2.CreateLeadRequest(lead=lead, request_id=_key(form)), errors


def activity_request(form: Mapping[str, str], *, lead_id: str = "", customer_id: str = "",
                     opportunity_id: str = "", now: datetime | None = None
                     ) -> tuple[sales_pb2.CreateActivityRequest, dict[str, str]]:
    """The follow-up form (method, topic, summary…, and on a lead's first follow-up need,
    budget and decision maker) as a CreateActivityRequest. Field names are the API's paths
    under ``activity.``, so the API's errors land next to the fields."""
    errors: dict[str, str] = {}
    activity = sales_pb2.Activity(
        lead_id=lead_id, customer_id=customer_id, opportunity_id=opportunity_id,
        method=enum_number(sales_pb2.FollowUpMethod.DESCRIPTOR, form.get("method")),
        contact_name=_text(form, "contact_name"), topic=_text(form, "topic"),
        summary=_text(form, "summary"), customer_feedback=_text(form, "customer_feedback"),
        objection=_text(form, "objection"), next_step=_text(form, "next_step"),
        next_step_due_date=_text(form, "next_step_due_date"),
    )
    activity.occur_time.FromDatetime(now or datetime.now(UTC))
    qualification = sales_pb2.LeadQualification(
        need=_text(form, "qualification.need"),
        decision_maker=_text(form, "qualification.decision_maker"),
        budget_note=_text(form, "qualification.budget_note"),
        timeframe=_text(form, "qualification.timeframe"),
    )
    budget = money_from_text(form.get("qualification.budget"), "qualification.budget", errors)
    if budget is not None:
        qualification.budget.CopyFrom(budget)
    if qualification.ListFields():
        activity.qualification.CopyFrom(qualification)
    return sales_pb2.CreateActivityRequest(activity=activity, request_id=_key(form)), errors


def convert_request(form: Mapping[str, str], lead_id: str
                    ) -> tuple[sales_pb2.ConvertLeadRequest, dict[str, str]]:
    """The conversion form: the customer to create (type, industry for a company) or an existing
    customer's id, and the opportunity (name, amount, expected close)."""
    errors: dict[str, str] = {}
    request = sales_pb2.ConvertLeadRequest(
        lead_id=lead_id, request_id=_key(form), create_opportunity=True,
        existing_customer_id=_text(form, "existing_customer_id"))
    if not request.existing_customer_id:
        kind = form.get("customer.type") or ""
        customer = customer_pb2.Customer(
            type=enum_number(customer_pb2.CustomerType.DESCRIPTOR, kind),
            display_name=_text(form, "customer.display_name"))
        industry = _text(form, "customer.enterprise.industry")
        if industry and kind != "individual":
            customer.enterprise.industry = industry
        request.customer.CopyFrom(customer)
    opportunity = sales_pb2.Opportunity(
        name=_text(form, "opportunity.name"),
        expected_close_date=_text(form, "opportunity.expected_close_date"))
    amount = money_from_text(form.get("opportunity.amount"), "opportunity.amount", errors)
    if amount is not None:
        opportunity.amount.CopyFrom(amount)
    request.opportunity.CopyFrom(opportunity)
    return request, errors


def stage_request(form: Mapping[str, str], opportunity_id: str
                  ) -> sales_pb2.ChangeOpportunityStageRequest:
    return sales_pb2.ChangeOpportunityStageRequest(
        id=opportunity_id,
        stage=enum_number(sales_pb2.OpportunityStage.DESCRIPTOR, form.get("stage")),
        lost_reason=_text(form, "lost_reason"), note=_text(form, "note"),
        etag=_text(form, "etag"))


def quote_request(form: Mapping[str, str], opportunity_id: str
                  ) -> tuple[sales_pb2.CreateQuoteRequest, dict[str, str]]:
    """A one-line quote (product, description, quantity, unit price, discount, valid until)."""
    errors: dict[str, str] = {}
    line = sales_pb2.QuoteLineItem(
        product_code=_text(form, "line_items[0].product_code"),
        description=_text(form, "line_items[0].description"),
        quantity=_text(form, "line_items[0].quantity") or "1")
    price = money_from_text(form.get("line_items[0].unit_price"), "line_items[0].unit_price",
                            errors, required=True)
    if price is not None:
        line.unit_price.CopyFrom(price)
    quote = sales_pb2.Quote(opportunity_id=opportunity_id, title=_text(form, "title"),
                            valid_until_date=_text(form, "valid_until_date"),
                            notes=_text(form, "notes"))
    percent = _text(form, "discount_percent")
    if percent:
        try:
            quote.discount_basis_points = int((Decimal(percent) * 100).quantize(Decimal(1)))
        except InvalidOperation:
            errors["discount_percent"] = gettext("Enter a percentage such as 5 or 12.5.")
    quote.line_items.append(line)
    return sales_pb2.CreateQuoteRequest(quote=quote, request_id=_key(form)), errors


def contract_request(form: Mapping[str, str], *, customer_id: str, opportunity_id: str
                     ) -> tuple[sales_pb2.CreateContractRequest, dict[str, str]]:
    errors: dict[str, str] = {}
    contract = sales_pb2.Contract(
        customer_id=customer_id, opportunity_id=opportunity_id,
        quote_id=_text(form, "quote_id"), title=_text(form, "title"),
        start_date=_text(form, "start_date"), end_date=_text(form, "end_date"))
    amount = money_from_text(form.get("amount"), "amount", errors, required=True)
    if amount is not None:
        contract.amount.CopyFrom(amount)
    return sales_pb2.CreateContractRequest(contract=contract, request_id=_key(form)), errors


def payment_request(form: Mapping[str, str], contract_id: str
                    ) -> tuple[sales_pb2.RecordPaymentRequest, dict[str, str]]:
    errors: dict[str, str] = {}
    payment = sales_pb2.Payment(
        contract_id=contract_id, receive_date=_text(form, "receive_date"),
        method=enum_number(sales_pb2.PaymentMethod.DESCRIPTOR, form.get("method")),
        reference=_text(form, "reference"), note=_text(form, "note"),
        installment_id=_text(form, "installment_id"))
    amount = money_from_text(form.get("amount"), "amount", errors, required=True)
    if amount is not None:
        payment.amount.CopyFrom(amount)
    return sales_pb2.RecordPaymentRequest(payment=payment, request_id=_key(form)), errors


def payment_plan_request(form: Mapping[str, str], contract_id: str, total_minor: int,
                         currency: str) -> tuple[sales_pb2.SetPaymentPlanRequest, dict[str, str]]:
    """The contract amount in ``count`` equal monthly installments from ``first_due_date`` (the
    last one takes the rounding), so they sum to the contract amount as the API requires."""
    errors: dict[str, str] = {}
    try:
        count = int(_text(form, "count") or "1")
        if not 1 <= count <= 60:
            raise ValueError
    except ValueError:
        errors["count"] = gettext("Enter a number of installments from 1 to 60.")
        count = 0
    try:
        first = date.fromisoformat(_text(form, "first_due_date"))
    except ValueError:
        errors["first_due_date"] = gettext("Enter a date.")
        first = None
    request = sales_pb2.SetPaymentPlanRequest(contract_id=contract_id)
    if errors:
        return request, errors
    share = total_minor // count
    for index in range(count):
        month = first.month - 1 + index
        year, month = first.year + month // 12, month % 12 + 1
        day = min(first.day, _days_in(year, month))
        amount = share if index < count - 1 else total_minor - share * (count - 1)
        request.installments.append(sales_pb2.Installment(
            sequence=index + 1, due_date=date(year, month, day).isoformat(),
            amount=types_pb2.Money(currency_code=currency, amount_minor=amount)))
    return request, errors


def _days_in(year: int, month: int) -> int:
    after = date(year + month // 12, month % 12 + 1, 1)
    return (after - timedelta(days=1)).day


def _key(form: Mapping[str, str]) -> str:
    """The form's idempotency key (a hidden field set when the form was drawn, so a resubmitted
    form creates nothing twice), else a new one."""
    key = (form.get("request_id") or "").strip()
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return request_id()


# -- names next to ids ---------------------------------------------------------------------------


def sales_reps() -> list[sales_pb2.SalesRep]:
    """The reps the caller may see (a rep: themself; a lead: their subtree), once per request."""
    if "sales_reps" not in g:
        try:
            answer = call("sales", "ListSalesReps", sales_pb2.ListSalesRepsRequest(page_size=500))
            g.sales_reps = list(answer.sales_reps)
        except Refusal:
            g.sales_reps = []
    return g.sales_reps


class NameBook(dict):
    """User id → display name; an id the caller cannot look up reads as "a colleague"."""

    def get(self, key, default=None):
        if key in self:
            return self[key]
        if not key:
            return default if default is not None else ""
        return gettext("a colleague")


def rep_names() -> NameBook:
    names = NameBook({rep.user_id: rep.display_name for rep in sales_reps()})
    principal = g.get("principal")
    if principal is not None and principal.user_id not in names:
        names[principal.user_id] = principal.display_name or principal.username
    return names


def rep_options(*, blank: str | None = "", active_only: bool = True) -> list[tuple[str, str]]:
    options = [] if blank is None else [("", blank)]
    for rep in sorted(sales_reps(), key=lambda r: (r.department_path, r.display_name)):
        if active_only and not rep.active:
            continue
        options.append((rep.user_id, f"{rep.display_name} · {rep.department_path}"))
    return options


def customer_names(ids: Iterable[str]) -> dict[str, str]:
    """Display names of the customers the caller sees among ``ids`` (one call)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    try:
        answer = call("customer", "BatchGetCustomers",
                      customer_pb2.BatchGetCustomersRequest(ids=wanted[:500]))
    except Refusal:
        return {}
    return {customer.id: customer.display_name for customer in answer.customers}
