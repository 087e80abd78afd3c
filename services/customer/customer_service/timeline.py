"""The interaction timeline and the satisfaction history, built from other services' events.

Each ``*_fact`` function turns one event into a :class:`TimelineFact` (pure, no I/O);
:func:`record` stores it once per source event id (a unique constraint, so even a redelivery
that slipped past the handler ledger adds nothing). Queries for listing and for the figures the
portrait derives from the timeline live here too.

Amounts: ``crm.common.v1.Money`` carries minor units; they are stored as decimals of the major
unit (two decimals, zero for JPY/KRW). Only CNY amounts count for the value class and RFM (there
are no exchange rates in this service); other currencies are kept on the entry for display.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from crm.common.v1 import collaborators_pb2 as common_collaborators_pb2
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.marketing.v1 import marketing_pb2
from crm.sales.v1 import sales_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.grpc.paging import keyset_page
from crm_shared.timestamps import from_timestamp
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from customer_service.models import OpenWorkItem, SatisfactionRecord, TimelineEntry

CNY = "CNY"
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW"}
KIND_PREFIX = "TIMELINE_ENTRY_KIND_"
ORDER_KINDS = ("contract_signed", "purchase")  # a purchase decision with an amount
SPEND_KINDS = ("purchase", "payment_received")  # money that came in
COOPERATION_KINDS = ("opportunity_won", "contract_signed", "payment_received", "purchase")


def kind_name(kind: int) -> str:
    """``TIMELINE_ENTRY_KIND_TICKET_OPENED`` -> ``ticket_opened``."""
    return customer_pb2.TimelineEntryKind.Name(kind).removeprefix(KIND_PREFIX).lower()


def kind_value(name: str) -> int:
    return customer_pb2.TimelineEntryKind.Value(KIND_PREFIX + name.upper())


def money_amount(money: types_pb2.Money) -> tuple[Decimal | None, str | None]:
    """(major-unit decimal, currency), or (None, None) when no amount was given."""
    if not money.currency_code:
        return None, None
    exponent = 0 if money.currency_code in ZERO_DECIMAL_CURRENCIES else 2
    return Decimal(money.amount_minor).scaleb(-exponent), money.currency_code


def to_money(amount: Decimal | None, currency: str | None = CNY) -> types_pb2.Money:
    if amount is None or currency is None:
        return types_pb2.Money()
    exponent = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    return types_pb2.Money(currency_code=currency, amount_minor=int(amount.scaleb(exponent)))


def _time(stamp, fallback: datetime) -> datetime:
    return from_timestamp(stamp) if stamp.seconds or stamp.nanos else fallback


def _day(text: str, fallback: datetime) -> datetime:
    """A ``YYYY-MM-DD`` business date as midnight UTC (the fallback when empty or malformed)."""
    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    except ValueError:
        return fallback


def _enum_label(enum_type, value: int, prefix: str) -> str:
    return enum_type.Name(value).removeprefix(prefix).lower() if value else ""


@dataclass(frozen=True)
class TimelineFact:
    customer_id: str
    kind: str
    title: str
    source_service: str
    subject_type: str
    subject_id: str
    occur_time: datetime
    summary: str = ""
    actor_id: str = ""
    amount: Decimal | None = None
    currency_code: str | None = None
    complaint: bool = False
    channel: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    title_params: dict[str, str] = field(default_factory=dict)
    """The values ``title`` quotes, so a reader's page can phrase it in its own language."""


def _params(**values: str) -> dict[str, str]:
    """Title parameters without the empty ones (a page picks its sentence by what is there)."""
    return {key: value for key, value in values.items() if value}


# -- this service ---------------------------------------------------------------------------------


def customer_created_fact(event, occurred_at: datetime) -> TimelineFact:
    customer = event.customer
    return TimelineFact(
        customer_id=customer.id, kind="customer_created", source_service="customer",
        subject_type="customer", subject_id=customer.id,
        title=f"Customer {customer.number} created" if customer.number else "Customer created",
        title_params=_params(number=customer.number),
        actor_id=event.actor_id,
        occur_time=_time(customer.create_time, occurred_at),
    )


def owner_changed_fact(event, occurred_at: datetime) -> TimelineFact:
    return TimelineFact(
        customer_id=event.customer_id, kind="owner_changed", source_service="customer",
        subject_type="customer", subject_id=event.customer_id,
        title=f"Owner changed from {event.previous.owner_id or 'nobody'} to {event.current.owner_id}",
        summary=event.reason, actor_id=event.actor_id, occur_time=occurred_at,
        attributes={"previous_owner_id": event.previous.owner_id,
                    "owner_id": event.current.owner_id},
        title_params=_params(previous_owner_id=event.previous.owner_id,
                             owner_id=event.current.owner_id),
    )


def merged_fact(event, occurred_at: datetime) -> TimelineFact:
    merged = ", ".join(event.merged_customer_ids)
    return TimelineFact(
        customer_id=event.surviving_customer_id, kind="merged", source_service="customer",
        subject_type="customer", subject_id=event.merge_id,
        title=f"Merged with {merged}", actor_id=event.actor_id, occur_time=occurred_at,
        attributes={"merge_id": event.merge_id, "merged_customer_ids": merged},
        title_params=_params(merged=merged),
    )


def collaborator_added_fact(event, occurred_at: datetime) -> TimelineFact:
    collaborator = event.collaborator
    role = _enum_label(common_collaborators_pb2.CollaboratorRole, collaborator.role,
                       "COLLABORATOR_ROLE_")
    return TimelineFact(
        customer_id=event.customer_id, kind="collaborator_added", source_service="customer",
        subject_type="collaborator", subject_id=collaborator.user_id,
        title=f"Collaborator {collaborator.user_id} added as {role or 'collaborator'}",
        actor_id=collaborator.added_by, occur_time=_time(collaborator.add_time, occurred_at),
        attributes={"user_id": collaborator.user_id, "role": role},
        title_params=_params(user_id=collaborator.user_id, role=role),
    )


def collaborator_removed_fact(event, occurred_at: datetime) -> TimelineFact:
    role = _enum_label(common_collaborators_pb2.CollaboratorRole, event.role, "COLLABORATOR_ROLE_")
    return TimelineFact(
        customer_id=event.customer_id, kind="collaborator_removed", source_service="customer",
        subject_type="collaborator", subject_id=event.user_id,
        title=f"Collaborator {event.user_id} removed", actor_id=event.actor_id,
        occur_time=occurred_at, attributes={"user_id": event.user_id, "role": role},
        title_params=_params(user_id=event.user_id, role=role),
    )


# -- sales ---------------------------------------------------------------------------------------


def activity_fact(activity: sales_pb2.Activity, occurred_at: datetime) -> TimelineFact:
    method = _enum_label(sales_pb2.FollowUpMethod, activity.method, "FOLLOW_UP_METHOD_")
    return TimelineFact(
        customer_id=activity.customer_id, kind="follow_up", source_service="sales",
        subject_type="activity", subject_id=activity.id,
        title=f"Follow-up by {method or 'other'}: {activity.topic}".strip().rstrip(":"),
        summary=activity.summary, actor_id=activity.owner_id or activity.created_by,
        occur_time=_time(activity.occur_time, occurred_at),
        attributes={key: value for key, value in (("method", method),
                                                  ("next_step", activity.next_step)) if value},
        title_params=_params(method=method, topic=activity.topic),
    )


def lead_converted_fact(event, occurred_at: datetime) -> TimelineFact:
    return TimelineFact(
        customer_id=event.customer_id, kind="lead_converted", source_service="sales",
        subject_type="lead", subject_id=event.lead_id, title="Lead converted",
        actor_id=event.actor_id, occur_time=occurred_at,
        attributes={"opportunity_id": event.opportunity_id} if event.opportunity_id else {},
    )


def opportunity_fact(opportunity: sales_pb2.Opportunity, *, won: bool, actor_id: str,
                     occurred_at: datetime) -> TimelineFact:
    amount, currency = money_amount(opportunity.amount)
    return TimelineFact(
        customer_id=opportunity.customer_id,
        kind="opportunity_won" if won else "opportunity_lost", source_service="sales",
        subject_type="opportunity", subject_id=opportunity.id,
        title=f"Opportunity {'won' if won else 'lost'}: {opportunity.name}",
        summary="" if won else opportunity.lost_reason, actor_id=actor_id,
        occur_time=_day(opportunity.close_date, occurred_at), amount=amount, currency_code=currency,
        title_params=_params(name=opportunity.name),
    )


def quote_sent_fact(quote: sales_pb2.Quote, actor_id: str, occurred_at: datetime) -> TimelineFact:
    amount, currency = money_amount(quote.total)
    return TimelineFact(
        customer_id=quote.customer_id, kind="quote_sent", source_service="sales",
        subject_type="quote", subject_id=quote.id, title=f"Quote {quote.number} sent",
        actor_id=actor_id, occur_time=_time(quote.send_time, occurred_at),
        amount=amount, currency_code=currency, title_params=_params(number=quote.number),
    )


def contract_signed_fact(contract: sales_pb2.Contract, actor_id: str, occurred_at: datetime) -> TimelineFact:
    amount, currency = money_amount(contract.amount)
    return TimelineFact(
        customer_id=contract.customer_id, kind="contract_signed", source_service="sales",
        subject_type="contract", subject_id=contract.id,
        title=f"Contract {contract.number} signed: {contract.title}".strip().rstrip(":"),
        actor_id=actor_id, occur_time=_day(contract.sign_date, occurred_at),
        amount=amount, currency_code=currency,
        attributes={key: value for key, value in (("number", contract.number),
                                                  ("start_date", contract.start_date),
                                                  ("end_date", contract.end_date)) if value},
        title_params=_params(number=contract.number, title=contract.title),
    )


def contract_ended_fact(contract: sales_pb2.Contract, *, terminated: bool, actor_id: str,
                        occurred_at: datetime) -> TimelineFact:
    return TimelineFact(
        customer_id=contract.customer_id, kind="contract_ended", source_service="sales",
        subject_type="contract", subject_id=contract.id,
        title=f"Contract {contract.number} {'terminated' if terminated else 'ended'}",
        summary=contract.termination_reason if terminated else "", actor_id=actor_id,
        occur_time=occurred_at, attributes={"terminated": "true" if terminated else "false"},
        title_params=_params(number=contract.number, what="terminated" if terminated else "ended"),
    )


def payment_fact(payment: sales_pb2.Payment, actor_id: str, occurred_at: datetime) -> TimelineFact:
    amount, currency = money_amount(payment.amount)
    return TimelineFact(
        customer_id=payment.customer_id, kind="payment_received", source_service="sales",
        subject_type="payment", subject_id=payment.id, title="Payment received",
        actor_id=actor_id, occur_time=_day(payment.receive_date, occurred_at),
        amount=amount, currency_code=currency,
        attributes={"contract_id": payment.contract_id} if payment.contract_id else {},
    )


def purchase_fact(purchase: sales_pb2.Purchase, occurred_at: datetime) -> TimelineFact:
    amount, currency = money_amount(purchase.amount)
    return TimelineFact(
        customer_id=purchase.customer_id, kind="purchase", source_service="sales",
        subject_type="purchase", subject_id=purchase.id,
        title=f"Purchase {purchase.external_order_id}".strip(), summary=purchase.items_summary,
        occur_time=_time(purchase.purchase_time, occurred_at), amount=amount,
        currency_code=currency,
        attributes={key: value for key, value in (("source_system", purchase.source_system),
                                                  ("channel", purchase.channel)) if value},
        title_params=_params(order=purchase.external_order_id),
    )


# -- tickets -------------------------------------------------------------------------------------

TICKET_KINDS = {"opened": "ticket_opened", "resolved": "ticket_resolved", "closed": "ticket_closed"}


def ticket_fact(ticket: ticket_pb2.Ticket, what: str, actor_id: str, occurred_at: datetime) -> TimelineFact:
    """``what``: ``opened`` | ``resolved`` | ``closed``."""
    stamp = {"opened": ticket.create_time, "resolved": ticket.resolve_time,
             "closed": ticket.close_time}[what]
    ticket_type = _enum_label(ticket_pb2.TicketType, ticket.type, "TICKET_TYPE_")
    return TimelineFact(
        customer_id=ticket.customer_id, kind=TICKET_KINDS[what], source_service="ticket",
        subject_type="ticket", subject_id=ticket.id,
        title=f"Ticket {ticket.number} {what}: {ticket.title}".strip().rstrip(":"),
        summary=ticket.resolution if what == "resolved" else "",
        actor_id=actor_id, occur_time=_time(stamp, occurred_at),
        complaint=ticket.type == ticket_pb2.TICKET_TYPE_COMPLAINT,
        channel=_enum_label(ticket_pb2.TicketChannel, ticket.channel, "TICKET_CHANNEL_") or None,
        attributes={key: value for key, value in (("type", ticket_type),
                                                  ("category", ticket.category)) if value},
        title_params=_params(number=ticket.number, title=ticket.title),
    )


CALLBACK_RESULTS = {
    ticket_pb2.CALLBACK_RESULT_RESOLVED: "resolved",
    ticket_pb2.CALLBACK_RESULT_SATISFIED: "satisfied",
    ticket_pb2.CALLBACK_RESULT_NEEDS_FOLLOW_UP: "needs_follow_up",
}


def callback_fact(task: ticket_pb2.CallbackTask, actor_id: str, occurred_at: datetime) -> TimelineFact:
    result = CALLBACK_RESULTS.get(task.result, "")
    return TimelineFact(
        customer_id=task.customer_id, kind="callback", source_service="ticket",
        subject_type="ticket", subject_id=task.ticket_id,
        title=f"Call-back on ticket {task.ticket_number}: {result or 'recorded'}",
        summary=task.note, actor_id=actor_id or task.assignee_id,
        occur_time=_time(task.complete_time, occurred_at),
        attributes={"result": result} if result else {},
        title_params=_params(number=task.ticket_number, result=result),
    )


# -- marketing -----------------------------------------------------------------------------------


def survey_fact(event, occurred_at: datetime) -> TimelineFact:
    answer = event.answer
    attributes = {"score": f"{answer.overall_score:g}"}
    if answer.HasField("nps"):
        attributes["nps"] = str(answer.nps)
    return TimelineFact(
        customer_id=answer.customer_id, kind="survey_answered", source_service="marketing",
        subject_type="survey_answer", subject_id=answer.id,
        title=f"Survey answered: {event.survey_title}".strip().rstrip(":"), summary=answer.comment,
        occur_time=_time(answer.submit_time, occurred_at), attributes=attributes,
        title_params=_params(name=event.survey_title),
    )


def campaign_response_fact(event, occurred_at: datetime) -> TimelineFact:
    response = event.response
    kind = _enum_label(marketing_pb2.ResponseKind, response.kind, "RESPONSE_KIND_")
    return TimelineFact(
        customer_id=response.customer_id, kind="campaign_response", source_service="marketing",
        subject_type="campaign", subject_id=response.campaign_id,
        title=f"Responded to campaign {event.campaign_name}: {kind or 'response'}",
        summary=response.detail, occur_time=_time(response.occur_time, occurred_at),
        attributes={"response": kind} if kind else {},
        title_params=_params(name=event.campaign_name, result=kind),
    )


# -- storage -------------------------------------------------------------------------------------


def _insert_once(session: Session, model, values: dict) -> bool:
    """INSERT ... ON CONFLICT (source_event_id) DO NOTHING; True when a row was added."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing(
        index_elements=["source_event_id"]).returning(model.id)
    # RETURNING rather than rowcount: psycopg reports no rowcount for ON CONFLICT DO NOTHING.
    return session.execute(statement).scalar() is not None


def record(session: Session, fact: TimelineFact, *, source_event_id: str, now: datetime) -> bool:
    """Store ``fact`` once per source event; True when it was new."""
    return _insert_once(session, TimelineEntry, {
        "id": str(uuid.uuid4()), "customer_id": fact.customer_id, "kind": fact.kind,
        "title": fact.title[:300], "summary": fact.summary, "source_service": fact.source_service,
        "subject_type": fact.subject_type, "subject_id": fact.subject_id,
        "actor_id": fact.actor_id or None, "occur_time": fact.occur_time, "amount": fact.amount,
        "currency_code": fact.currency_code, "complaint": fact.complaint, "channel": fact.channel,
        "attributes": dict(fact.attributes), "title_params": dict(fact.title_params),
        "source_event_id": source_event_id,
        "create_time": now,
    })


@dataclass(frozen=True)
class SatisfactionFact:
    customer_id: str
    source: str  # survey | callback
    score: float
    record_time: datetime
    nps: int | None = None
    dimension_scores: dict[str, float] = field(default_factory=dict)
    survey_id: str = ""
    survey_answer_id: str = ""
    ticket_id: str = ""
    callback_result: str = ""
    comment: str = ""


def survey_satisfaction(event, occurred_at: datetime) -> SatisfactionFact:
    answer = event.answer
    return SatisfactionFact(
        customer_id=answer.customer_id, source="survey", score=answer.overall_score,
        nps=answer.nps if answer.HasField("nps") else None,
        dimension_scores=dict(event.dimension_scores), survey_id=answer.survey_id,
        survey_answer_id=answer.id, ticket_id=answer.ticket_id, comment=answer.comment,
        record_time=_time(answer.submit_time, occurred_at),
    )


def callback_satisfaction(task: ticket_pb2.CallbackTask, occurred_at: datetime) -> SatisfactionFact:
    # A call-back records a result, not a score: 0 by the contract ("when the source gives none").
    return SatisfactionFact(
        customer_id=task.customer_id, source="callback", score=0.0, ticket_id=task.ticket_id,
        callback_result=CALLBACK_RESULTS.get(task.result, ""), comment=task.note,
        record_time=_time(task.complete_time, occurred_at),
    )


def ticket_satisfaction(ticket: ticket_pb2.Ticket, occurred_at: datetime) -> SatisfactionFact | None:
    """The score a closed ticket carries, when it has one. It comes from the customer's survey
    answer, so it is recorded as a survey record (the survey's own event fills in the rest)."""
    if not ticket.HasField("satisfaction_score"):
        return None
    return SatisfactionFact(customer_id=ticket.customer_id, source="survey",
                            score=ticket.satisfaction_score, ticket_id=ticket.id,
                            record_time=_time(ticket.close_time, occurred_at))


def _survey_record_of_ticket(session: Session, ticket_id: str) -> SatisfactionRecord | None:
    return session.scalars(select(SatisfactionRecord).where(
        SatisfactionRecord.ticket_id == ticket_id, SatisfactionRecord.source == "survey")).first()


def record_satisfaction(session: Session, fact: SatisfactionFact, *, source_event_id: str) -> bool:
    """Store ``fact`` once per source event. One survey score per ticket: a ticket's score and
    the survey answer it came from make one record, whichever event arrives first."""
    if fact.source == "survey" and fact.ticket_id:
        earlier = _survey_record_of_ticket(session, fact.ticket_id)
        if earlier is not None:
            if fact.survey_answer_id and earlier.survey_answer_id is None:
                earlier.score, earlier.nps = fact.score, fact.nps
                earlier.dimension_scores = dict(fact.dimension_scores)
                earlier.survey_id, earlier.survey_answer_id = fact.survey_id, fact.survey_answer_id
                earlier.comment = fact.comment or None
                earlier.record_time = fact.record_time
            return False
    return _insert_once(session, SatisfactionRecord, {
        "id": str(uuid.uuid4()), "customer_id": fact.customer_id, "source": fact.source,
        "score": fact.score, "nps": fact.nps, "dimension_scores": dict(fact.dimension_scores),
        "survey_id": fact.survey_id or None, "survey_answer_id": fact.survey_answer_id or None,
        "ticket_id": fact.ticket_id or None, "callback_result": fact.callback_result or None,
        "comment": fact.comment or None, "record_time": fact.record_time,
        "source_event_id": source_event_id,
    })


def mark_work_item(session: Session, *, customer_id: str, subject_type: str, subject_id: str,
                   open_: bool, now: datetime) -> None:
    """Track an opportunity or ticket as open or closed. Closing is final here: a late
    "created" arriving after the "closed" does not reopen it."""
    item = session.scalars(select(OpenWorkItem).where(
        OpenWorkItem.subject_type == subject_type, OpenWorkItem.subject_id == subject_id)).first()
    if item is None:
        session.add(OpenWorkItem(id=str(uuid.uuid4()), customer_id=customer_id,
                                 subject_type=subject_type, subject_id=subject_id, open=open_,
                                 update_time=now))
    elif item.open and not open_:
        item.open = False
        item.update_time = now


# -- queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineFilter:
    kinds: tuple[str, ...] = ()
    source_service: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None


def list_entries(session: Session, customer_id: str, filters: TimelineFilter, *, page_size: int,
                 page_token: str = "") -> tuple[list[TimelineEntry], str]:
    """One page of the customer's timeline, newest first (the caller checked visibility)."""
    query = select(TimelineEntry).where(TimelineEntry.customer_id == customer_id)
    if filters.kinds:
        query = query.where(TimelineEntry.kind.in_(filters.kinds))
    if filters.source_service:
        query = query.where(TimelineEntry.source_service == filters.source_service)
    if filters.start_time:
        query = query.where(TimelineEntry.occur_time >= filters.start_time)
    if filters.end_time:
        query = query.where(TimelineEntry.occur_time < filters.end_time)
    return keyset_page(session, query, created_column=TimelineEntry.occur_time,
                       id_column=TimelineEntry.id, page_size=page_size, page_token=page_token)


def list_satisfaction(session: Session, customer_id: str, source: str | None, *, page_size: int,
                      page_token: str = "") -> tuple[list[SatisfactionRecord], str]:
    query = select(SatisfactionRecord).where(SatisfactionRecord.customer_id == customer_id)
    if source:
        query = query.where(SatisfactionRecord.source == source)
    return keyset_page(session, query, created_column=SatisfactionRecord.record_time,
                       id_column=SatisfactionRecord.id, page_size=page_size, page_token=page_token)


def entries_since(session: Session, customer_id: str, since: datetime, kinds=None) -> list[TimelineEntry]:
    query = select(TimelineEntry).where(TimelineEntry.customer_id == customer_id,
                                        TimelineEntry.occur_time >= since)
    if kinds:
        query = query.where(TimelineEntry.kind.in_(kinds))
    return list(session.scalars(query.order_by(TimelineEntry.occur_time)))


@dataclass(frozen=True)
class ContractFacts:
    """The customer's signed contracts, one per contract id (the latest entry wins)."""

    signed: dict[str, TimelineEntry]
    ended: set[str]  # contracts that expired or were terminated
    terminated: set[str]  # of those, terminated early


def contract_facts(session: Session, customer_id: str) -> ContractFacts:
    rows = session.scalars(select(TimelineEntry).where(
        TimelineEntry.customer_id == customer_id,
        TimelineEntry.kind.in_(("contract_signed", "contract_ended"))
    ).order_by(TimelineEntry.occur_time))
    signed, ended, terminated = {}, set(), set()
    for row in rows:
        if row.kind == "contract_signed":
            signed[row.subject_id] = row
        else:
            ended.add(row.subject_id)
            if row.attributes.get("terminated") == "true":
                terminated.add(row.subject_id)
    return ContractFacts(signed=signed, ended=ended, terminated=terminated)

