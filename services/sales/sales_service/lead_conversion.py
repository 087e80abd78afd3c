"""Lead conversion: the customer in the customer service, then — in one unit of work — the
lead marked converted, its opportunity opened and ``lead.converted`` (with the opportunity's
``opportunity.created``) in the outbox.

The customer service is called before the unit of work opens, never inside it, with the
caller's token (so it applies the caller's rights) and a deadline. Its ``request_id`` is
derived from the lead alone: a retry of a conversion that failed after the customer was created
— by the same caller, with any request id — gets the same customer back, never a second one. A
customer service that is down or too slow makes the conversion UNAVAILABLE with nothing stored.
A converted lead answers a repeated ConvertLead with the same customer and opportunity.
"""

from __future__ import annotations

import uuid

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    Unavailable,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from sqlalchemy.orm.exc import StaleDataError

from sales_service import leads, opportunities
from sales_service.customer_client import CustomerClient, customer_client
from sales_service.dates import parse_date
from sales_service.lead_views import SOURCES
from sales_service.models import Lead, Opportunity

CONVERSION_NAMESPACE = uuid.UUID("2d8e4b61-0f3a-4c5e-9b7d-6a1c2e3f4d50")
OPPORTUNITY_FIELDS = {"name", "amount", "expected_close_date", "next_step", "description"}
REQUEST_FIELDS = {"lead_id", "request_id", "existing_customer_id", "customer",
                  "create_opportunity", "opportunity"}


def customer_request_id(lead_id: str) -> str:
    """The customer service's idempotency key of a lead's conversion: the lead converts once."""
    return str(uuid.uuid5(CONVERSION_NAMESPACE, f"lead:{lead_id}"))


def customer_from_lead(lead: Lead, given: customer_pb2.Customer) -> customer_pb2.Customer:
    """The customer to create: what the caller gave, its empty fields filled from the lead (a
    lead with a company becomes an enterprise customer, else an individual)."""
    customer = customer_pb2.Customer()
    customer.CopyFrom(given)
    if not customer.type:
        customer.type = (customer_pb2.CUSTOMER_TYPE_ENTERPRISE if lead.company_name
                         else customer_pb2.CUSTOMER_TYPE_INDIVIDUAL)
    enterprise = customer.type == customer_pb2.CUSTOMER_TYPE_ENTERPRISE
    defaults = {
        "display_name": (lead.company_name if enterprise else "") or lead.contact_name
        or lead.company_name,
        "phone": lead.phone_key or "",
        "email": lead.email_key and (lead.email or "").strip().lower(),
        "source_detail": lead.source_detail,
        "needs": lead.need_description,
        "source_lead_id": lead.id,
        "source_campaign_id": lead.campaign_id or "",
        "first_contact_date": lead.first_contact_time.date().isoformat()
        if lead.first_contact_time else "",
    }
    for name, value in defaults.items():
        if not getattr(customer, name) and value:
            setattr(customer, name, value)
    if not customer.source and lead.source:
        customer.source = SOURCES.value(lead.source)
    if enterprise and not customer.enterprise.legal_name and lead.company_name:
        customer.enterprise.legal_name = lead.company_name
    return customer


def _client(servicer) -> CustomerClient:
    client = customer_client(servicer)
    if client is None:
        raise Unavailable("no customer service is configured (CUSTOMER_ADDR) to create the "
                          "lead's customer")
    return client


def _request_violations(request: sales_pb2.ConvertLeadRequest) -> list[FieldViolation]:
    violations = unsupported_fields(request.opportunity, OPPORTUNITY_FIELDS,
                                    prefix="opportunity.")
    if not request.lead_id:
        violations.append(FieldViolation("lead_id", "is required"))
    violations += request_id_violations(request.request_id)
    if len(request.existing_customer_id) > 64:
        violations.append(FieldViolation("existing_customer_id", "is not a customer id"))
    opportunity = request.opportunity
    if len(opportunity.name) > 300:
        violations.append(FieldViolation("opportunity.name", "must be at most 300 characters"))
    if opportunity.HasField("amount") and (opportunity.amount.amount_minor < 0 or len(
            opportunity.amount.currency_code) != 3):
        violations.append(FieldViolation("opportunity.amount",
                                         "must be a currency code and a non-negative amount"))
    parse_date(opportunity.expected_close_date, "opportunity.expected_close_date", violations)
    return violations


def _answer(session, lead: Lead) -> sales_pb2.ConvertLeadResponse:
    response = sales_pb2.ConvertLeadResponse(
        lead=lead_proto(session, lead), customer_id=lead.customer_id or "",
        customer_created=lead.customer_created)
    if lead.opportunity_id:
        row = session.get(Opportunity, lead.opportunity_id)
        if row is not None:
            response.opportunity.CopyFrom(opportunities.opportunity_to_proto(
                row, opportunities.history_of(session, row.id)))
    return response


def lead_proto(session, lead: Lead) -> sales_pb2.Lead:
    from sales_service.lead_views import lead_to_proto

    return lead_to_proto(lead, leads.duplicate_ids(session, lead, current_principal()))


def convert(servicer, request: sales_pb2.ConvertLeadRequest) -> sales_pb2.ConvertLeadResponse:
    principal = current_principal()
    refuse_unsupported(request, REQUEST_FIELDS)
    violations = _request_violations(request)
    if violations:
        raise InvalidArgument(violations)
    database = servicer.database
    with database.unit_of_work(readonly=True) as uow:
        lead = servicer._visible_lead(uow, principal, request.lead_id)
        if lead.status == "converted":
            return _answer(uow.session, lead)
        if lead.status == "disqualified":
            raise FailedPrecondition(f"lead {lead.number} is disqualified: it cannot be converted",
                                     reason="LEAD_CLOSED")
        uow.session.expunge(lead)

    # The customer service, outside any transaction: a slow peer must hold no lock here.
    existing = request.existing_customer_id.strip() or (lead.customer_id or "")
    if existing:
        if _client(servicer).get(existing) is None:
            field = "existing_customer_id" if request.existing_customer_id else "lead.customer_id"
            raise InvalidArgument(FieldViolation(field, "is not a customer you can see"))
        customer_id, created = existing, False
    else:
        customer = _client(servicer).create(customer_from_lead(lead, request.customer),
                                                  customer_request_id(lead.id))
        customer_id, created = customer.id, True

    now = utcnow()
    try:
        with database.unit_of_work() as uow:
            session = uow.session
            lead = servicer._visible_lead(uow, principal, request.lead_id)
            if lead.status == "converted":  # a concurrent retry finished first
                return _answer(session, lead)
            if lead.status == "disqualified":
                raise FailedPrecondition(f"lead {lead.number} was disqualified meanwhile",
                                         reason="LEAD_CLOSED")
            opportunity = None
            if request.create_opportunity:
                opportunity = _open_opportunity(session, uow.emit, lead, request.opportunity,
                                                customer_id, principal, now)
            lead.status = "converted"
            lead.customer_id = customer_id
            lead.customer_created = created
            lead.opportunity_id = opportunity.id if opportunity is not None else None
            lead.convert_time = now
            lead.convert_request_id = request.request_id or None
            leads.touch(lead, now, principal.user_id)
            session.flush()
            uow.emit(events_pb2.LeadConverted(
                lead_id=lead.id, customer_id=customer_id, customer_created=created,
                opportunity_id=lead.opportunity_id or "", source=SOURCES.value(lead.source),
                campaign_id=lead.campaign_id or "",
                campaign_variant_id=lead.campaign_variant_id or "",
                owner_id=lead.owner_id or "", department_path=lead.department_path,
                actor_id=principal.user_id), key=lead.id)
            return _answer(session, lead)
    except StaleDataError as exc:
        raise Conflict(f"lead {request.lead_id} was changed meanwhile; convert it again "
                       "(the customer is kept)") from exc


def _open_opportunity(session, emit, lead: Lead, given: sales_pb2.Opportunity, customer_id: str,
                      principal, now) -> Opportunity:
    amount = given.amount if given.HasField("amount") else (
        None if lead.budget_minor is None else
        types_pb2.Money(currency_code=lead.budget_currency or "CNY",
                                      amount_minor=lead.budget_minor))
    owner, department = (lead.owner_id, lead.department_path) if lead.owner_id else (
        principal.user_id, principal.department_path)
    return opportunities.open_opportunity(
        session, emit, customer_id=customer_id,
        name=given.name.strip() or f"{lead.company_name or lead.contact_name} ({lead.number})",
        owner_id=owner, department_path=department, amount=amount,
        expected_close_date=parse_date(given.expected_close_date, "", []),
        lead_id=lead.id, campaign_id=lead.campaign_id, campaign_variant_id=lead.campaign_variant_id,
        source=lead.source or None, actor_id=principal.user_id, now=now,
        next_step=given.next_step, description=given.description,
        lead_create_time=lead.create_time)
