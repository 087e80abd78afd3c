"""Opportunities: the stage machine (pure), opening one inside a caller's unit of work, moving
it between stages, and its proto.

Stages run potential → intent → proposal → negotiation → won / lost. Any open stage may move
to any other open stage (a deal can fall back from negotiation to proposal) or close; lost
needs a reason; won and lost are closed for good (the contract has no reopening: a revived
deal is a new opportunity). Every change is recorded (who, when, from, to, note) and the
probability follows the stage's default from the sales policy unless the caller gives one.

Other parts call :func:`open_opportunity` (the leads part, on conversion) with their own
session and emit; its keyword-only signature is stable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from crm.common.v1 import types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select
from sqlalchemy.orm import Session

from sales_service import policy, prospect_grading
from sales_service.amounts import columns_of, money
from sales_service.dates import text_of
from sales_service.models import Opportunity, OpportunityStageChange

STAGES = EnumNames(sales_pb2.OpportunityStage, "OPPORTUNITY_STAGE_")
SOURCES = EnumNames(types_pb2.SourceChannel, "SOURCE_CHANNEL_")

OPEN_STAGES = ("potential", "intent", "proposal", "negotiation")
CLOSED_STAGES = ("won", "lost")
FUNNEL_ORDER = (*OPEN_STAGES, "won")
"""The order an opportunity climbs; ``peak_stage`` is the furthest of these it reached."""
RANK = {stage: index for index, stage in enumerate(FUNNEL_ORDER)}
STAY_COLUMNS = {stage: (f"{stage}_stays", f"{stage}_stay_seconds") for stage in OPEN_STAGES}
"""Per open stage, the opportunity's columns counting and timing its completed stays in it."""

Emit = Callable[..., object]


@dataclass(frozen=True)
class StageMove:
    """A permitted stage change: where to, with which probability and close date."""

    from_stage: str
    to_stage: str
    probability: int
    close_date: date | None
    lost_reason: str | None


def plan_move(current: str, target: str, *, lost_reason: str = "",
              probability: int | None = None, stage_probabilities: dict[str, int],
              today: date) -> StageMove:
    """The stage machine: what moving an opportunity from ``current`` to ``target`` does, or
    FAILED_PRECONDITION (closed, same stage) / INVALID_ARGUMENT (unknown stage, lost without a
    reason, probability out of range)."""
    violations = []
    if target not in OPEN_STAGES + CLOSED_STAGES:
        violations.append(FieldViolation("stage", "must be a stage"))
    if target == "lost" and not lost_reason.strip():
        violations.append(FieldViolation("lost_reason", "is required to mark a deal lost"))
    if probability is not None and not 0 <= probability <= 100:
        violations.append(FieldViolation("probability", "must be between 0 and 100"))
    if violations:
        raise InvalidArgument(violations)
    if current in CLOSED_STAGES:
        raise FailedPrecondition(f"the opportunity is {current}: a closed deal cannot change "
                                 "stage (open a new opportunity instead)")
    if target == current:
        raise FailedPrecondition(f"the opportunity is already in stage {current}")
    if target == "won":
        probability = 100
    elif target == "lost":
        probability = 0
    elif probability is None:
        probability = stage_probabilities.get(target, 0)
    closed = target in CLOSED_STAGES
    return StageMove(current, target, probability, today if closed else None,
                     lost_reason.strip() if target == "lost" else None)


def peak_after(peak: str, target: str) -> str:
    """The furthest stage reached after entering ``target`` (lost does not climb)."""
    if target not in RANK:
        return peak
    return target if RANK[target] > RANK.get(peak, -1) else peak


def weighted_minor(amount_minor: int | None, probability: int) -> int | None:
    """``amount × probability``, rounded half up to a whole minor unit."""
    if amount_minor is None:
        return None
    return (amount_minor * probability + 50) // 100


def cycle_days(start: datetime, end: datetime) -> int:
    """Whole days from the start of the deal cycle to its close (0 on the same day)."""
    return max((end - start).days, 0)


def record_change(session: Session, opportunity: Opportunity, *, from_stage: str, to_stage: str,
                  actor_id: str, now: datetime, note: str = "") -> OpportunityStageChange:
    """Add the stage change and count the completed stay in ``from_stage`` on the opportunity
    (its ``<stage>_stays`` / ``<stage>_stay_seconds`` are the sums of these rows)."""
    stayed = max(int((now - opportunity.stage_enter_time).total_seconds()), 0) if from_stage \
        else 0
    change = OpportunityStageChange(
        opportunity_id=opportunity.id, from_stage=from_stage, to_stage=to_stage,
        actor_id=actor_id, change_time=now, note=note[:1000], seconds_in_from_stage=stayed)
    session.add(change)
    if from_stage in STAY_COLUMNS:
        count_column, seconds_column = STAY_COLUMNS[from_stage]
        setattr(opportunity, count_column, getattr(opportunity, count_column) + 1)
        setattr(opportunity, seconds_column, getattr(opportunity, seconds_column) + stayed)
    return change


def open_opportunity(session: Session, emit: Emit, *, customer_id: str, name: str,
                     owner_id: str, department_path: str,
                     amount: types_pb2.Money | None, expected_close_date: date | None,
                     lead_id: str | None, campaign_id: str | None,
                     campaign_variant_id: str | None, source: str | None, actor_id: str,
                     now: datetime, stage: str = "potential", probability: int | None = None,
                     next_step: str = "", description: str = "",
                     lead_create_time: datetime | None = None,
                     request_id: str | None = None) -> Opportunity:
    """Add an opportunity to ``session``, record its opening stage and emit
    ``opportunity.created`` through ``emit`` (the unit of work's, so the row and the event
    commit together). ``source`` is a ``SourceChannel`` short name (``exhibition``);
    ``lead_create_time`` starts the deal cycle at the lead's creation. The caller validated
    the values (the api does for CreateOpportunity)."""
    if stage not in OPEN_STAGES:
        raise ValueError(f"an opportunity opens in an open stage, not {stage!r}")
    if probability is None:
        probability = policy.current(session).stage_probabilities.get(stage, 0)
    amount_minor, currency = columns_of(amount)
    opportunity = Opportunity(
        id=str(uuid.uuid4()), name=name.strip(), customer_id=customer_id,
        lead_id=lead_id or None, stage=stage, peak_stage=stage,
        **{column: 0 for columns in STAY_COLUMNS.values() for column in columns},
        amount_minor=amount_minor,
        currency_code=currency, expected_close_date=expected_close_date,
        probability=probability, lost_reason=None, close_date=None, owner_id=owner_id,
        department_path=department_path, campaign_id=campaign_id or None,
        campaign_variant_id=campaign_variant_id or None, source=source or None,
        next_step=next_step.strip(), description=description.strip(), stage_enter_time=now,
        cycle_start_time=min(lead_create_time, now) if lead_create_time else now,
        create_time=now, update_time=now, created_by=actor_id, updated_by=actor_id,
        request_id=request_id or None)
    session.add(opportunity)
    session.flush()
    change = record_change(session, opportunity, from_stage="", to_stage=stage,
                           actor_id=actor_id, now=now)
    session.flush()
    emit(events_pb2.OpportunityCreated(opportunity=opportunity_to_proto(opportunity, [change]),
                                       actor_id=actor_id), key=opportunity.id)
    prospect_grading.regrade(session, emit, customer_id, now)  # a new estimated deal value
    return opportunity


def change_stage(session: Session, emit: Emit, opportunity: Opportunity, target: str, *,
                 actor_id: str, now: datetime, lost_reason: str = "", note: str = "",
                 probability: int | None = None) -> Opportunity:
    """Move ``opportunity`` to ``target`` (see :func:`plan_move`), record the change and emit
    ``opportunity.stage_changed``, ``opportunity.won`` or ``opportunity.lost``."""
    move = plan_move(opportunity.stage, target, lost_reason=lost_reason, probability=probability,
                     stage_probabilities=policy.current(session).stage_probabilities,
                     today=now.date())
    record_change(session, opportunity, from_stage=move.from_stage, to_stage=move.to_stage,
                  actor_id=actor_id, now=now, note=move.lost_reason or note.strip())
    opportunity.stage = move.to_stage
    opportunity.peak_stage = peak_after(opportunity.peak_stage, move.to_stage)
    opportunity.probability = move.probability
    opportunity.close_date = move.close_date
    opportunity.lost_reason = move.lost_reason
    opportunity.stage_enter_time = now
    opportunity.update_time = now
    opportunity.updated_by = actor_id
    session.flush()
    after = opportunity_to_proto(opportunity, history_of(session, opportunity.id))
    if move.to_stage == "won":
        emit(events_pb2.OpportunityWon(
            opportunity=after, previous_stage=STAGES.value(move.from_stage),
            cycle_days=cycle_days(opportunity.cycle_start_time, now), actor_id=actor_id),
            key=opportunity.id)
    elif move.to_stage == "lost":
        emit(events_pb2.OpportunityLost(opportunity=after,
                                        previous_stage=STAGES.value(move.from_stage),
                                        actor_id=actor_id), key=opportunity.id)
    else:
        emit(events_pb2.OpportunityStageChanged(opportunity=after,
                                                previous_stage=STAGES.value(move.from_stage),
                                                actor_id=actor_id), key=opportunity.id)
    # closed, it no longer counts in the estimate; its probability is the potential
    prospect_grading.regrade(session, emit, opportunity.customer_id, now)
    return opportunity


def history_of(session: Session, opportunity_id: str) -> list[OpportunityStageChange]:
    return list(session.scalars(select(OpportunityStageChange)
                                .where(OpportunityStageChange.opportunity_id == opportunity_id)
                                .order_by(OpportunityStageChange.id)))


def etag_of(opportunity: Opportunity) -> str:
    return f'W/"{opportunity.version}"'


def stage_change_to_proto(change: OpportunityStageChange) -> sales_pb2.StageChange:
    return sales_pb2.StageChange(
        from_stage=STAGES.value(change.from_stage), to_stage=STAGES.value(change.to_stage),
        actor_id=change.actor_id, change_time=to_timestamp(change.change_time), note=change.note)


def opportunity_to_proto(row: Opportunity, history: list[OpportunityStageChange] | None = None
                         ) -> sales_pb2.Opportunity:
    """The opportunity; with its stage history when ``history`` is given (Get, events)."""
    amount = money(row.amount_minor, row.currency_code)
    message = sales_pb2.Opportunity(
        id=row.id, name=row.name, customer_id=row.customer_id, lead_id=row.lead_id or "",
        stage=STAGES.value(row.stage), amount=amount,
        expected_close_date=text_of(row.expected_close_date), probability=row.probability,
        weighted_amount=money(weighted_minor(row.amount_minor, row.probability),
                              row.currency_code),
        lost_reason=row.lost_reason or "", close_date=text_of(row.close_date),
        owner_id=row.owner_id, department_path=row.department_path,
        campaign_id=row.campaign_id or "", campaign_variant_id=row.campaign_variant_id or "",
        next_step=row.next_step, description=row.description,
        stage_enter_time=to_timestamp(row.stage_enter_time),
        stage_history=[stage_change_to_proto(change) for change in history or ()],
        create_time=to_timestamp(row.create_time), update_time=to_timestamp(row.update_time),
        created_by=row.created_by, updated_by=row.updated_by, etag=etag_of(row))
    return message
