"""Activity event handlers and timers of the sales worker (follow-up plans from customer
events, contact-strategy tasks from marketing's occasions, reminders the day before, overdue
tasks; the customer service's merge, handover and
erasure events). Mixed into :class:`sales_service.worker.SalesWorker`.

Each handler hands its event to :mod:`sales_service.follow_up_events` inside the decorator's
unit of work (idempotent through the processed-event ledger); the timer's body is
:func:`sales_service.plans_and_tasks.scan_follow_ups`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import events_pb2 as sales_events
from crm_shared.attachments import records, store_from_settings
from crm_shared.db import utcnow
from crm_shared.events import wire
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from nameko.timer import Timer

from sales_service import customer_facts, follow_up_events, prospect_grading
from sales_service.models import Attachment
from sales_service.plans_and_tasks import scan_follow_ups
from sales_service.settings import SalesWorkerSettings

log = logging.getLogger(__name__)


class FollowUpTimer(Timer):
    """nameko's timer with its interval from ``SALES_SCAN_SECONDS`` (known only at start)."""

    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, SalesWorkerSettings):
            self.interval = settings.sales_scan_seconds


follow_up_timer = FollowUpTimer.decorator


def occurred_at(ctx: EventContext, now: datetime) -> datetime:
    """When the event happened at its producer (the ``occurred_at`` header); ``now`` for a
    message without a readable one."""
    text = ctx.headers.get(wire.HEADER_OCCURRED_AT)
    try:
        return datetime.fromisoformat(text) if text else now
    except (TypeError, ValueError):
        return now


def _apply(apply, event, ctx: EventContext):
    now = utcnow()
    return apply(ctx.uow, event, at=occurred_at(ctx, now), now=now)


class ActivityWork:
    @on_event(customer_events.CustomerCreated)
    def follow_up_customer_created(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.customer_created, event, ctx)

    @on_event(customer_events.CustomerUpdated)
    def follow_up_customer_updated(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.customer_updated, event, ctx)

    @on_event(customer_events.CustomerValueClassChanged)
    def follow_up_value_class_changed(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.customer_value_class_changed, event, ctx)

    @on_event(customer_events.CustomerStageChanged)
    def follow_up_stage_changed(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.customer_stage_changed, event, ctx)

    @on_event(customer_events.CustomerOwnerChanged)
    def follow_up_owner_changed(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.customer_owner_changed, event, ctx)

    @on_event(customer_events.CustomerHandedOver)
    def sales_customer_handed_over(self, event, ctx: EventContext) -> None:
        moved = _apply(follow_up_events.customer_handed_over, event, ctx)
        log.info("handover %s moved %s", event.handover_id, moved)

    @on_event(customer_events.CustomerMerged)
    def sales_customer_merged(self, event, ctx: EventContext) -> None:
        changed = _apply(follow_up_events.customer_merged, event, ctx)
        log.info("merge %s re-pointed %s", event.merge_id, changed)

    @on_event(customer_events.CustomerErased)
    def sales_customer_erased(self, event, ctx: EventContext) -> None:
        # Files on the customer's follow-ups, quotes and contracts cannot be anonymised: their
        # rows and objects go first (a failing store retries the event), counted in the ack.
        # nameko's config (a dict) in a running worker; the provider itself when called directly
        config = self.config if isinstance(self.config, Mapping) else {}
        store = store_from_settings(config.get(CONFIG_SETTINGS))
        ids = {event.customer_id, *event.alias_customer_ids} - {""}
        files = records.erase(ctx.session, store, Attachment, ids)
        now = utcnow()
        follow_up_events.customer_erased(ctx.uow, event, at=occurred_at(ctx, now), now=now,
                                         files=files)

    @on_event(customer_events.CustomerCollaboratorAdded)
    def sales_customer_collaborator_added(self, event, ctx: EventContext) -> None:
        _apply(customer_facts.collaborator_added, event, ctx)

    @on_event(customer_events.CustomerCollaboratorRemoved)
    def sales_customer_collaborator_removed(self, event, ctx: EventContext) -> None:
        _apply(customer_facts.collaborator_removed, event, ctx)

    @on_event(sales_events.OpportunityStageChanged)
    def follow_up_opportunity_stage_changed(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.opportunity_stage_changed, event, ctx)

    @on_event(sales_events.QuoteSent)
    def follow_up_quote_sent(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.quote_sent, event, ctx)

    @on_event(identity_events.DepartmentUpserted)
    def follow_up_department_upserted(self, event, ctx: EventContext) -> None:
        follow_up_events.department_upserted(ctx.uow, event, now=utcnow())

    @on_event(marketing_events.ContactDue)
    def follow_up_contact_due(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.contact_due, event, ctx)

    @on_event(marketing_events.SegmentMemberLeft)
    def follow_up_segment_member_left(self, event, ctx: EventContext) -> None:
        _apply(follow_up_events.segment_member_left, event, ctx)

    @follow_up_timer(interval=60.0)
    def follow_up_scan(self) -> None:
        """Reminders the day before and overdue tasks, each once; prospects graded again
        after their rules changed."""
        fired = scan_follow_ups(self.config[CONFIG_DATABASE], utcnow())
        if any(fired.values()):
            log.info("follow-up scan: %s", fired)
        regraded = prospect_grading.scan(self.config[CONFIG_DATABASE], utcnow())
        if regraded:
            log.info("prospects graded again after a rule change: %s", regraded)
