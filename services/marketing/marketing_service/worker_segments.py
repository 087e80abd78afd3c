"""Read model and segment work of the marketing worker: customer and sales events into
:class:`marketing_service.models.CustomerProfile`, and segment membership as those facts change.
Mixed into :class:`marketing_service.worker.MarketingWorker`.

Every handler applies its event in the handler's unit of work and, when a fact changed,
re-evaluates that customer against every active segment in the same transaction (joins and
leaves with their ``segment.member_joined`` / ``segment.member_left`` events). The timer
re-evaluates, once a day, the segments whose rules read the clock, and hands the segments' contact
strategies on once per member and occasion (:mod:`marketing_service.contact_strategies`).
"""

from __future__ import annotations

import logging
from datetime import datetime

from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import events_pb2 as sales_events
from crm_shared.db import utcnow
from crm_shared.events import wire
from crm_shared.events.handlers import CONFIG_DATABASE, EventContext, on_event

from marketing_service import contact_strategies, read_model, segments
from marketing_service.timers import scan_timer

log = logging.getLogger(__name__)



def occurred_at(ctx: EventContext, now: datetime) -> datetime:
    """When the event happened at its producer (the ``occurred_at`` header); ``now`` for a
    message without one."""
    text = ctx.headers.get(wire.HEADER_OCCURRED_AT)
    try:
        return datetime.fromisoformat(text) if text else now
    except (TypeError, ValueError):
        return now


def _record(event, ctx: EventContext) -> set[str]:
    now = utcnow()
    return read_model.record_event(ctx.uow, event, event_id=ctx.event_id,
                                   occurred_at=occurred_at(ctx, now), now=now)


def _contract(event, ctx: EventContext) -> None:
    now = utcnow()
    read_model.record_contract(ctx.uow, event, event_id=ctx.event_id,
                               occurred_at=occurred_at(ctx, now), now=now)


class SegmentWork:
    # -- customer facts ---------------------------------------------------------------------------

    @on_event(customer_events.CustomerCreated)
    def profile_customer_created(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerUpdated)
    def profile_customer_updated(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerOwnerChanged)
    def profile_customer_owner_changed(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerHandedOver)
    def profile_customer_handed_over(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerTagsChanged)
    def profile_customer_tags_changed(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerValueClassChanged)
    def profile_customer_value_class_changed(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerStageChanged)
    def profile_customer_stage_changed(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerValueRecomputed)
    def profile_customer_value_recomputed(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerAtRisk)
    def profile_customer_at_risk(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerRiskCleared)
    def profile_customer_risk_cleared(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerConsentChanged)
    def profile_customer_consent_changed(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    @on_event(customer_events.CustomerMerged)
    def profile_customer_merged(self, event, ctx: EventContext) -> None:
        """The merged-away profiles become ``merged`` and leave their segments; the survivor
        takes over their contracts and behaviour."""
        _record(event, ctx)
        read_model.repoint_merged(ctx.uow, event.surviving_customer_id,
                                  list(event.merged_customer_ids), event_id=ctx.event_id,
                                  now=utcnow())

    @on_event(customer_events.CustomerErased)
    def profile_customer_erased(self, event, ctx: EventContext) -> None:
        """The profile becomes ``erased`` and leaves its segments (blanking its personal columns
        and the acknowledgement are the erasure handler's, see worker_surveys)."""
        _record(event, ctx)

    # -- sales facts ------------------------------------------------------------------------------

    @on_event(sales_events.ContractSigned)
    def profile_contract_signed(self, event, ctx: EventContext) -> None:
        _contract(event, ctx)

    @on_event(sales_events.ContractExpired)
    def profile_contract_expired(self, event, ctx: EventContext) -> None:
        _contract(event, ctx)

    @on_event(sales_events.ContractTerminated)
    def profile_contract_terminated(self, event, ctx: EventContext) -> None:
        _contract(event, ctx)

    @on_event(customer_events.ContactCreated)
    def profile_contact_created(self, event, ctx: EventContext) -> None:
        """A contact's birth date, for the birthday trigger (issue 19)."""
        read_model.record_contact(ctx.uow, event.contact, deleted=False, now=utcnow())

    @on_event(customer_events.ContactUpdated)
    def profile_contact_updated(self, event, ctx: EventContext) -> None:
        read_model.record_contact(ctx.uow, event.contact, deleted=False, now=utcnow())

    @on_event(customer_events.ContactDeleted)
    def profile_contact_deleted(self, event, ctx: EventContext) -> None:
        read_model.record_contact(ctx.uow, None, deleted=True, now=utcnow(),
                                  contact_id=event.contact_id, customer_id=event.customer_id)

    @on_event(sales_events.PurchaseRecorded)
    def profile_purchase_recorded(self, event, ctx: EventContext) -> None:
        _record(event, ctx)

    # -- behaviour (marketing's own events) -----------------------------------------------------

    @on_event(marketing_events.CampaignResponded)
    def profile_campaign_responded(self, event, ctx: EventContext) -> None:
        now = utcnow()
        read_model.record_campaign_response(ctx.uow, event, event_id=ctx.event_id,
                                            occurred_at=occurred_at(ctx, now), now=now)

    @on_event(marketing_events.SurveyAnswered)
    def profile_survey_answered(self, event, ctx: EventContext) -> None:
        now = utcnow()
        read_model.record_survey_answer(ctx.uow, event, event_id=ctx.event_id,
                                        occurred_at=occurred_at(ctx, now), now=now)

    # -- timers -----------------------------------------------------------------------------------

    @scan_timer(interval=60.0)
    def reevaluate_time_relative_segments(self) -> None:
        """Segments whose rules read the clock, once a day each (see
        :func:`segments.reevaluate_time_relative`)."""
        change = segments.reevaluate_time_relative(self.config[CONFIG_DATABASE], utcnow())
        if change.joined or change.left:
            log.info("daily segment pass: %d joined, %d left", change.joined, change.left)

    @scan_timer(interval=60.0)
    def carry_out_contact_strategies(self) -> None:
        """Each segment's contact strategy, once per member and period of an action's cadence
        (see :func:`contact_strategies.carry_out`)."""
        handed = contact_strategies.carry_out(self.config[CONFIG_DATABASE], utcnow())
        if handed.tasks or handed.messages:
            log.info("contact strategies: %d tasks, %d messages handed on", handed.tasks,
                     handed.messages)
