"""The customer portrait: value figures and RFM derived from the timeline, the refresh that keeps
value class, stage and churn risk current after every fact, and the 360 view itself.

RFM scores use fixed thresholds rather than quantiles of the customer base: a score then means
the same thing tomorrow as today, does not move when other customers buy, and needs no
population scan. Scores are 1 (worst) to 5 (best):

- recency, days since the latest order: <= 30 -> 5, <= 60 -> 4, <= 90 -> 3, <= 180 -> 2, else 1
  (no order at all: 1);
- frequency, orders in the last 12 months: >= 12 -> 5, >= 6 -> 4, >= 3 -> 3, >= 2 -> 2, else 1;
- monetary, CNY spend in the last 12 months: >= 500,000 -> 5, >= 100,000 -> 4, >= 20,000 -> 3,
  >= 2,000 -> 2, else 1.

An *order* is a signed contract or a recorded purchase; *spend* is purchases plus received
payments (the contract's ``spend_12m``). The repurchase rate is the share of the orders of the
last 12 months that were followed by another order within 90 days, counting only orders at least
90 days old (younger ones cannot be decided yet); 0 when there is none to count.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.timestamps import to_timestamp
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from customer_service import churn, classification, revisions, timeline
from customer_service.classification import Policy
from customer_service.models import (
    ChurnRiskState,
    Customer,
    OpenWorkItem,
    SatisfactionRecord,
    TimelineEntry,
)

YEAR = timedelta(days=365)
REPURCHASE_HORIZON = timedelta(days=90)
RECENCY_DAYS = (180, 90, 60, 30)  # at or below: score 2, 3, 4, 5
FREQUENCY_COUNTS = (2, 3, 6, 12)  # at or above: score 2, 3, 4, 5
MONETARY_CNY = (Decimal(2_000), Decimal(20_000), Decimal(100_000), Decimal(500_000))
RECENT_TIMELINE = 20
RECENT_SATISFACTION = 10
SYSTEM_ACTOR = "system:portrait"  # the revision history's actor for automatic changes

VALUE_CLASSES = {"A": types_pb2.VALUE_CLASS_A, "B": types_pb2.VALUE_CLASS_B,
                 "C": types_pb2.VALUE_CLASS_C}
STAGES = {
    classification.POTENTIAL: types_pb2.LIFECYCLE_STAGE_POTENTIAL,
    classification.INTENT: types_pb2.LIFECYCLE_STAGE_INTENT,
    classification.CUSTOMER: types_pb2.LIFECYCLE_STAGE_CUSTOMER,
    classification.LOST: types_pb2.LIFECYCLE_STAGE_LOST,
}


# -- pure figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rfm:
    recency_score: int
    frequency_score: int
    monetary_score: int
    recency_days: int
    frequency: int
    monetary: Decimal


def recency_score(days: int | None) -> int:
    if days is None:
        return 1
    return 1 + sum(days <= limit for limit in RECENCY_DAYS)


def frequency_score(count: int) -> int:
    return 1 + sum(count >= limit for limit in FREQUENCY_COUNTS)


def monetary_score(spend: Decimal) -> int:
    return 1 + sum(spend >= limit for limit in MONETARY_CNY)


def rfm(order_times: list[datetime], spend_12m: Decimal, now: datetime) -> Rfm:
    """RFM over the orders of the last 12 months (``order_times``) and the spend."""
    recent = [when for when in order_times if now - when <= YEAR]
    days = (now - max(order_times)).days if order_times else None
    return Rfm(
        recency_score=recency_score(days), frequency_score=frequency_score(len(recent)),
        monetary_score=monetary_score(spend_12m), recency_days=days if days is not None else 0,
        frequency=len(recent), monetary=spend_12m,
    )


def repurchase_rate(order_times: list[datetime], now: datetime) -> float:
    ordered = sorted(order_times)
    decidable = [when for when in ordered
                 if now - when <= YEAR and now - when >= REPURCHASE_HORIZON]
    if not decidable:
        return 0.0
    followed = sum(
        any(when < later <= when + REPURCHASE_HORIZON for later in ordered) for when in decidable)
    return followed / len(decidable)


def preferred_channel(channels: Iterable[str]) -> str:
    """The most used service channel; on a tie the one used last (``channels`` oldest first)."""
    counts = Counter()
    last_use = {}
    for position, channel in enumerate(channels):
        counts[channel] += 1
        last_use[channel] = position
    if not counts:
        return ""
    return max(counts, key=lambda channel: (counts[channel], last_use[channel]))


def annual_contract_amount(contracts: timeline.ContractFacts, now: datetime) -> Decimal:
    """CNY signed in the last 12 months, early-terminated contracts excluded."""
    return sum(
        (entry.amount for contract_id, entry in contracts.signed.items()
         if entry.currency_code == timeline.CNY and entry.amount is not None
         and now - entry.occur_time <= YEAR and contract_id not in contracts.terminated),
        Decimal(0),
    )


def contract_running(contracts: timeline.ContractFacts, now: datetime) -> bool:
    """A signed contract that has not ended and has no end date, or one not yet reached."""
    end_dates = [_date_or_none(entry.attributes.get("end_date", ""))
                 for contract_id, entry in contracts.signed.items()
                 if contract_id not in contracts.ended]
    return classification.contract_running(end_dates, now.date())


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class ValueFigures:
    annual_contract_amount: Decimal
    spend_12m: Decimal
    lifetime_spend: Decimal
    average_order_value: Decimal
    repurchase_rate: float
    rfm: Rfm
    purchase_count_12m: int
    last_purchase_time: datetime | None


def value_figures(entries: list[TimelineEntry], contracts: timeline.ContractFacts,
                  now: datetime) -> ValueFigures:
    """The value part of the portrait from the customer's order and spend entries."""
    cny = [entry for entry in entries
           if entry.currency_code == timeline.CNY and entry.amount is not None]
    orders = [entry for entry in cny if entry.kind in timeline.ORDER_KINDS]
    orders_12m = [entry for entry in orders if now - entry.occur_time <= YEAR]
    spend = [entry for entry in cny if entry.kind in timeline.SPEND_KINDS]
    spend_12m = sum((entry.amount for entry in spend if now - entry.occur_time <= YEAR), Decimal(0))
    order_times = [entry.occur_time for entry in orders]
    order_value = sum((entry.amount for entry in orders_12m), Decimal(0))
    return ValueFigures(
        annual_contract_amount=annual_contract_amount(contracts, now),
        spend_12m=spend_12m,
        lifetime_spend=sum((entry.amount for entry in spend), Decimal(0)),
        average_order_value=(order_value / len(orders_12m)).quantize(Decimal("0.01"))
        if orders_12m else Decimal(0),
        repurchase_rate=repurchase_rate(order_times, now),
        rfm=rfm(order_times, spend_12m, now),
        purchase_count_12m=len(orders_12m),
        last_purchase_time=max(order_times) if order_times else None,
    )


# -- refresh after a fact ------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one refresh changed (the events it emitted say the same)."""

    value_class_changed: bool = False
    stage_changed: bool = False
    risk_turned_on: bool = False
    risk_cleared: bool = False
    emitted: list[str] = field(default_factory=list)


def _money_entries(session: Session, customer_id: str) -> list[TimelineEntry]:
    kinds = tuple(set(timeline.ORDER_KINDS) | set(timeline.SPEND_KINDS))
    return list(session.scalars(select(TimelineEntry).where(
        TimelineEntry.customer_id == customer_id, TimelineEntry.kind.in_(kinds))))


def _last_time(session: Session, customer_id: str, *conditions) -> datetime | None:
    return session.scalar(select(func.max(TimelineEntry.occur_time)).where(
        TimelineEntry.customer_id == customer_id, *conditions))


def latest_churn_state(session: Session, customer_id: str) -> ChurnRiskState | None:
    return session.scalars(select(ChurnRiskState).where(ChurnRiskState.customer_id == customer_id)
                           .order_by(ChurnRiskState.evaluate_time.desc())).first()


def refresh(
    session: Session,
    customer: Customer,
    *,
    now: datetime,
    emit: Callable,
    signal: str | None = None,
    reason: str = "",
    value_changed: bool = False,
    policy: Policy | None = None,
    source_event_id: str | None = None,
) -> Outcome:
    """Re-derive value class, stage, last interaction and churn risk from the timeline after a
    fact (``signal``: what the fact says about the relationship) or on the daily timer.

    Emits an event for each change, in the caller's unit of work (the outbox), and records
    class and stage changes in the revision history (source ``event`` when a fact of
    ``source_event_id`` caused them, ``rule`` for the sweep).
    """
    policy = policy or classification.load_policy(session)
    outcome = Outcome()
    changes: dict[str, tuple[str, str]] = {}

    def publish(message) -> None:
        outcome.emitted.append(emit(message, key=customer.id))

    contracts = timeline.contract_facts(session, customer.id)
    _reclassify(customer, contracts, now, policy, outcome, changes, publish)
    _restage(session, customer, contracts, now, policy, signal, reason, outcome, changes, publish)
    customer.last_interaction_time = _last_time(
        session, customer.id, TimelineEntry.kind.not_in(churn.NOT_INTERACTIONS))
    _reassess_risk(session, customer, now, policy, outcome, publish)
    if changes:
        revisions.record(session, customer.id, changes, actor_id=SYSTEM_ACTOR, now=now,
                         source=revisions.EVENT if source_event_id else revisions.RULE,
                         correlation_id=source_event_id)
    if value_changed:
        figures = value_figures(_money_entries(session, customer.id), contracts, now)
        publish(events_pb2.CustomerValueRecomputed(
            customer_id=customer.id, owner_id=customer.owner_id,
            department_path=customer.department_path, value=value_proto(figures, now)))
    return outcome


def _reclassify(customer, contracts, now, policy, outcome, changes, publish) -> None:
    amount = annual_contract_amount(contracts, now)
    new_class = classification.value_class(amount, policy, any_contract=bool(contracts.signed))
    previous_class = customer.value_class
    customer.annual_contract_amount = amount
    if new_class == previous_class:
        return
    customer.value_class = new_class
    outcome.value_class_changed = True
    changes["value_class"] = (previous_class or "", new_class or "")
    publish(events_pb2.CustomerValueClassChanged(
        customer_id=customer.id, owner_id=customer.owner_id,
        department_path=customer.department_path,
        previous=VALUE_CLASSES.get(previous_class, 0), current=VALUE_CLASSES.get(new_class, 0),
        annual_contract_amount=timeline.to_money(amount)))


def _restage(session, customer, contracts, now, policy, signal, reason, outcome, changes,
             publish) -> None:
    stage = customer.lifecycle_stage or classification.POTENTIAL
    new_stage = classification.stage_after(stage, signal) if signal else stage
    last_cooperation = _last_time(session, customer.id,
                                  TimelineEntry.kind.in_(timeline.COOPERATION_KINDS))
    if classification.has_gone_lost(stage=new_stage, last_cooperation_time=last_cooperation,
                                    contract_running=contract_running(contracts, now), now=now,
                                    policy=policy):
        new_stage = classification.LOST
        reason = f"no cooperation for {policy.lost_after_inactive_days} days"
    if new_stage == stage:
        return
    customer.lifecycle_stage = new_stage
    customer.lifecycle_stage_change_time = now
    outcome.stage_changed = True
    changes["lifecycle_stage"] = (stage, new_stage)
    publish(events_pb2.CustomerStageChanged(
        customer_id=customer.id, owner_id=customer.owner_id,
        department_path=customer.department_path, previous=STAGES.get(stage, 0),
        current=STAGES[new_stage], reason=reason, change_time=to_timestamp(now)))


def _reassess_risk(session, customer, now, policy, outcome, publish) -> None:
    assessment = churn.assess(churn.window_counts(session, customer.id, now, policy), policy)
    state = latest_churn_state(session, customer.id)
    if state is None:
        state = ChurnRiskState(id=str(uuid.uuid4()), customer_id=customer.id)
        session.add(state)
    was_at_risk = bool(customer.at_risk)
    counts = assessment.counts
    state.signals = list(assessment.signals)
    state.score = assessment.score
    state.evaluate_time = now
    state.recent_interaction_count = counts.recent_interactions
    state.previous_interaction_count = counts.previous_interactions
    state.recent_complaint_count = counts.recent_complaints
    state.previous_complaint_count = counts.previous_complaints
    customer.at_risk = assessment.at_risk
    customer.risk_reason = assessment.reason[:500] if assessment.at_risk else None
    if assessment.at_risk and not was_at_risk:
        state.flag_time = now
        outcome.risk_turned_on = True
        publish(events_pb2.CustomerAtRisk(
            customer_id=customer.id, owner_id=customer.owner_id,
            department_path=customer.department_path, display_name=customer.display_name,
            value_class=VALUE_CLASSES.get(customer.value_class, 0),
            churn_risk=churn_risk_proto(customer, state)))
    elif not assessment.at_risk:
        state.flag_time = None
        if was_at_risk:
            outcome.risk_cleared = True
            publish(events_pb2.CustomerRiskCleared(
                customer_id=customer.id, owner_id=customer.owner_id,
                department_path=customer.department_path, reason=clear_reason(assessment)))


def clear_reason(assessment: churn.ChurnAssessment) -> str:
    recovered = []
    if churn.INTERACTION_DROP not in assessment.signals:
        recovered.append("interaction frequency recovered")
    if churn.COMPLAINT_RISE not in assessment.signals:
        recovered.append("complaints no longer rising")
    return "; ".join(recovered)


def sweep_candidates(session: Session, now: datetime, policy: Policy) -> list[str]:
    """Customers the daily sweep must look at: those who may go lost, those flagged, and those
    with timeline entries inside the two churn windows (their windows move with the clock)."""
    since = now - timedelta(days=2 * policy.churn_window_days)
    active = select(TimelineEntry.customer_id).where(TimelineEntry.occur_time >= since)
    return list(session.scalars(select(Customer.id).where(Customer.state == "active", or_(
        Customer.lifecycle_stage == classification.CUSTOMER,
        Customer.at_risk.is_(True),
        Customer.value_class.is_not(None),
        Customer.id.in_(active),
    )).order_by(Customer.id)))


# -- protos --------------------------------------------------------------------------------------


def churn_risk_proto(customer: Customer, state: ChurnRiskState | None) -> customer_pb2.ChurnRisk:
    risk = customer_pb2.ChurnRisk(at_risk=bool(customer.at_risk), reason=customer.risk_reason or "")
    if state is not None:
        risk.signals.extend(state.signals)
        risk.score = state.score
        risk.recent_interaction_count = state.recent_interaction_count
        risk.previous_interaction_count = state.previous_interaction_count
        risk.recent_complaint_count = state.recent_complaint_count
        risk.previous_complaint_count = state.previous_complaint_count
        risk.evaluate_time.CopyFrom(to_timestamp(state.evaluate_time))
        if state.flag_time is not None and customer.at_risk:
            risk.flag_time.CopyFrom(to_timestamp(state.flag_time))
    return risk


def value_proto(figures: ValueFigures, now: datetime) -> customer_pb2.CustomerValue:
    score = figures.rfm
    return customer_pb2.CustomerValue(
        annual_contract_amount=timeline.to_money(figures.annual_contract_amount),
        spend_12m=timeline.to_money(figures.spend_12m),
        lifetime_spend=timeline.to_money(figures.lifetime_spend),
        average_order_value=timeline.to_money(figures.average_order_value),
        repurchase_rate=figures.repurchase_rate,
        rfm=customer_pb2.RfmScore(
            recency_score=score.recency_score, frequency_score=score.frequency_score,
            monetary_score=score.monetary_score, recency_days=score.recency_days,
            frequency=score.frequency, monetary=timeline.to_money(score.monetary),
            compute_time=to_timestamp(now)),
    )


def timeline_entry_proto(entry: TimelineEntry) -> customer_pb2.TimelineEntry:
    message = customer_pb2.TimelineEntry(
        id=entry.id, customer_id=entry.customer_id, kind=timeline.kind_value(entry.kind),
        title=entry.title, summary=entry.summary, source_service=entry.source_service,
        subject_type=entry.subject_type, subject_id=entry.subject_id,
        actor_id=entry.actor_id or "", occur_time=to_timestamp(entry.occur_time),
        source_event_id=entry.source_event_id, attributes=entry.attributes or {},
        title_params=entry.title_params or {},
    )
    if entry.amount is not None and entry.currency_code:
        message.amount.CopyFrom(timeline.to_money(entry.amount, entry.currency_code))
    return message


SATISFACTION_SOURCES = {"survey": customer_pb2.SATISFACTION_SOURCE_SURVEY,
                        "callback": customer_pb2.SATISFACTION_SOURCE_CALLBACK}


def satisfaction_proto(record: SatisfactionRecord) -> customer_pb2.SatisfactionRecord:
    message = customer_pb2.SatisfactionRecord(
        id=record.id, customer_id=record.customer_id,
        source=SATISFACTION_SOURCES.get(record.source, 0), score=record.score,
        dimension_scores=record.dimension_scores or {}, survey_id=record.survey_id or "",
        survey_answer_id=record.survey_answer_id or "", ticket_id=record.ticket_id or "",
        callback_result=record.callback_result or "", comment=record.comment or "",
        record_time=to_timestamp(record.record_time), source_event_id=record.source_event_id,
    )
    if record.nps is not None:
        message.nps = record.nps
    return message


def apply_classification(message: customer_pb2.Customer, customer: Customer,
                         state: ChurnRiskState | None) -> None:
    """Set the classification and risk fields of a ``Customer`` message from the row."""
    message.value_class = VALUE_CLASSES.get(customer.value_class, 0)
    message.lifecycle_stage = STAGES.get(customer.lifecycle_stage, 0)
    message.annual_contract_amount.CopyFrom(
        timeline.to_money(Decimal(customer.annual_contract_amount or 0)))
    message.churn_risk.CopyFrom(churn_risk_proto(customer, state))
    if customer.last_interaction_time is not None:
        message.last_interaction_time.CopyFrom(to_timestamp(customer.last_interaction_time))
    if customer.lifecycle_stage_change_time is not None:
        message.lifecycle_stage_change_time.CopyFrom(
            to_timestamp(customer.lifecycle_stage_change_time))


def build_portrait(session: Session, customer: Customer, customer_message: customer_pb2.Customer,
                   now: datetime) -> customer_pb2.CustomerPortrait:
    """The 360 view; ``customer_message`` is the customer as the caller may see it."""
    state = latest_churn_state(session, customer.id)
    apply_classification(customer_message, customer, state)
    contracts = timeline.contract_facts(session, customer.id)
    figures = value_figures(_money_entries(session, customer.id), contracts, now)

    window_90 = now - timedelta(days=90)
    year_ago = now - YEAR
    tickets = list(session.scalars(select(TimelineEntry).where(
        TimelineEntry.customer_id == customer.id, TimelineEntry.kind == "ticket_opened"
    ).order_by(TimelineEntry.occur_time)))
    interactions_90 = session.scalar(select(func.count()).select_from(TimelineEntry).where(
        TimelineEntry.customer_id == customer.id, TimelineEntry.occur_time >= window_90,
        TimelineEntry.kind.not_in(churn.NOT_INTERACTIONS)))
    behaviour = customer_pb2.CustomerBehaviour(
        purchase_count_12m=figures.purchase_count_12m,
        purchase_frequency_per_month=round(figures.purchase_count_12m / 12, 4),
        last_purchase_date=figures.last_purchase_time.date().isoformat()
        if figures.last_purchase_time else "",
        preferred_service_channel=preferred_channel(t.channel for t in tickets if t.channel),
        interaction_count_90d=interactions_90,
        complaint_count_90d=sum(t.complaint and t.occur_time >= window_90 for t in tickets),
        ticket_count_12m=sum(t.occur_time >= year_ago for t in tickets),
    )
    if customer.last_interaction_time is not None:
        behaviour.last_interaction_time.CopyFrom(to_timestamp(customer.last_interaction_time))

    records = list(session.scalars(select(SatisfactionRecord).where(
        SatisfactionRecord.customer_id == customer.id
    ).order_by(SatisfactionRecord.record_time.desc(), SatisfactionRecord.id.desc())))
    scored_12m = [r.score for r in records if r.record_time >= year_ago and r.score > 0]
    satisfaction = customer_pb2.SatisfactionSummary(
        average_score=round(sum(scored_12m) / len(scored_12m), 2) if scored_12m else 0.0,
        record_count=sum(r.record_time >= year_ago for r in records),
        recent=[satisfaction_proto(r) for r in records[:RECENT_SATISFACTION]],
    )
    latest_scored = next((r for r in records if r.score > 0), None)
    if latest_scored is not None:
        satisfaction.latest_score = latest_scored.score
    latest_nps = next((r for r in records if r.nps is not None), None)
    if latest_nps is not None:
        satisfaction.latest_nps = latest_nps.nps

    recent, _ = timeline.list_entries(session, customer.id, timeline.TimelineFilter(),
                                      page_size=RECENT_TIMELINE)
    open_counts = dict(session.execute(
        select(OpenWorkItem.subject_type, func.count()).where(
            OpenWorkItem.customer_id == customer.id, OpenWorkItem.open.is_(True)
        ).group_by(OpenWorkItem.subject_type)).all())
    last_entry = session.scalar(select(func.max(TimelineEntry.create_time)).where(
        TimelineEntry.customer_id == customer.id))
    changed = [customer.update_time, state.evaluate_time if state else None, last_entry,
               records[0].record_time if records else None]
    return customer_pb2.CustomerPortrait(
        customer=customer_message, behaviour=behaviour, value=value_proto(figures, now),
        satisfaction=satisfaction, recent_timeline=[timeline_entry_proto(e) for e in recent],
        open_opportunity_count=open_counts.get("opportunity", 0),
        open_ticket_count=open_counts.get("ticket", 0),
        update_time=to_timestamp(max(when for when in changed if when is not None)),
    )


# -- entry points of the worker ------------------------------------------------------------------


def _current_customer(session: Session, customer_id: str) -> Customer | None:
    """The customer a fact is about: the survivor for a merged id (the producer may not have
    re-pointed yet); None when unknown or erased (nothing new is collected about them)."""
    # Locked: two handlers refreshing one customer at once (PostgreSQL runs several) would
    # both see the flag off and both publish customer.at_risk.
    customer = session.get(Customer, customer_id, with_for_update=True) if customer_id else None
    for _ in range(5):  # a merge of a merge; bounded in case of a cycle
        if customer is None or customer.state != "merged" or not customer.merged_into_customer_id:
            break
        customer = session.get(Customer, customer.merged_into_customer_id, with_for_update=True)
    if customer is None or customer.state == "erased":
        return None
    return customer


def take_fact(
    session: Session,
    fact: timeline.TimelineFact,
    *,
    source_event_id: str,
    now: datetime,
    emit: Callable,
    signal: str | None = None,
    reason: str = "",
    value_changed: bool = False,
    satisfaction: timeline.SatisfactionFact | None = None,
    work_item: tuple[str, bool] | None = None,
    merged: bool = False,
) -> Outcome | None:
    """Add a fact to the customer's timeline (and satisfaction history, open work) and refresh
    the portrait. None when the customer is unknown here or the fact was already taken.
    ``merged``: the customer just took over another's timeline; a deal in it makes them a
    customer (the refresh then decides whether they are lost)."""
    customer = _current_customer(session, fact.customer_id)
    if customer is None:
        return None
    if customer.id != fact.customer_id:
        fact = replace(fact, customer_id=customer.id)
        if satisfaction is not None:
            satisfaction = replace(satisfaction, customer_id=customer.id)
    if work_item is not None:
        subject_type, is_open = work_item
        timeline.mark_work_item(session, customer_id=customer.id, subject_type=subject_type,
                                subject_id=fact.subject_id, open_=is_open, now=now)
    if satisfaction is not None:
        timeline.record_satisfaction(session, satisfaction, source_event_id=source_event_id)
    if not timeline.record(session, fact, source_event_id=source_event_id, now=now):
        return None
    if merged and _last_time(session, customer.id,
                             TimelineEntry.kind.in_(timeline.COOPERATION_KINDS)) is not None:
        signal, reason = classification.DEAL, "merged with a customer who had deals"
    return refresh(session, customer, now=now, emit=emit, signal=signal, reason=reason,
                   value_changed=value_changed, source_event_id=source_event_id)


def take_signal(session: Session, customer_id: str, *, now: datetime, emit: Callable,
                signal: str, reason: str, source_event_id: str,
                work_item: tuple[str, str, bool] | None = None) -> Outcome | None:
    """A fact that changes the relationship but has no timeline entry (an opportunity opened)."""
    customer = _current_customer(session, customer_id)
    if customer is None:
        return None
    if work_item is not None:
        subject_type, subject_id, is_open = work_item
        timeline.mark_work_item(session, customer_id=customer.id, subject_type=subject_type,
                                subject_id=subject_id, open_=is_open, now=now)
    return refresh(session, customer, now=now, emit=emit, signal=signal, reason=reason,
                   source_event_id=source_event_id)


@dataclass
class SweepResult:
    examined: int = 0
    went_lost: int = 0
    risk_turned_on: int = 0
    risk_cleared: int = 0
    value_class_changed: int = 0


def sweep(database, *, now: datetime, batch_size: int = 200) -> SweepResult:
    """The daily pass: customers go lost, contracts age out of the 12 months, churn windows
    move. One unit of work per batch, so a large base does not hold one long transaction."""
    result = SweepResult()
    with database.unit_of_work(readonly=True) as uow:
        policy = classification.load_policy(uow.session)
        candidates = sweep_candidates(uow.session, now, policy)
    for start in range(0, len(candidates), batch_size):
        with database.unit_of_work() as uow:
            for customer in uow.session.scalars(select(Customer).where(
                    Customer.id.in_(candidates[start:start + batch_size]),
                    Customer.state == "active").order_by(Customer.id).with_for_update()):
                before = customer.lifecycle_stage
                outcome = refresh(uow.session, customer, now=now, emit=uow.emit, policy=policy)
                result.examined += 1
                result.went_lost += outcome.stage_changed and before != classification.LOST \
                    and customer.lifecycle_stage == classification.LOST
                result.risk_turned_on += outcome.risk_turned_on
                result.risk_cleared += outcome.risk_cleared
                result.value_class_changed += outcome.value_class_changed
    return result
