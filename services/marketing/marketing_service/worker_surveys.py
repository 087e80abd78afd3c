"""Trigger and survey work of the marketing worker: triggers firing on other services' events
and on dates, invitations expiring, and what marketing holds about a customer re-pointed on a
merge and blanked on an erasure. Mixed into :class:`marketing_service.worker.MarketingWorker`.

Each event handler fires in its own unit of work (the decorator's): the firing, its invitation
or queued message and ``trigger.fired`` commit with the processed event, and the occasion key
(:mod:`marketing_service.triggers`) makes a redelivery fire nothing.
"""

from __future__ import annotations

import logging
from datetime import date

from crm.customer.v1 import events_pb2 as customer_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.ticket.v1 import events_pb2 as ticket_events
from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from sqlalchemy import update

from marketing_service import customer_data, firings, invitations, triggers
from marketing_service.invitations import LinkSigner
from marketing_service.models import PurchaseTally, SurveyInvitation
from marketing_service.timers import scan_timer
from marketing_service.worker_segments import occurred_at

log = logging.getLogger(__name__)


def expire_invitations(database, now) -> int:
    """Invitations whose link has expired unanswered become ``expired``."""
    with database.unit_of_work() as uow:
        return uow.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.state.in_((invitations.PENDING, invitations.SENT)),
                   SurveyInvitation.expire_time <= now)
            .values(state=invitations.EXPIRED)).rowcount


class SurveyWork:
    def _links(self) -> LinkSigner:
        return LinkSigner.of(self.config.get(CONFIG_SETTINGS))

    # -- timers -----------------------------------------------------------------------------------

    @scan_timer(interval=60.0)
    def fire_date_triggers(self) -> None:
        """Birthdays, contract ends, cooperation anniversaries and festivals coming up (each
        occasion once), expired links."""
        database, now = self.config[CONFIG_DATABASE], utcnow()
        fired = firings.scan_date_triggers(database, now, self._links())
        expired = expire_invitations(database, now)
        if fired or expired:
            log.info("date triggers: %d fired, %d invitations expired", fired, expired)

    # -- event triggers ---------------------------------------------------------------------------

    @on_event(ticket_events.TicketClosed)
    def trigger_ticket_closed(self, event, ctx: EventContext) -> None:
        """The satisfaction survey after a closed ticket: once per ticket."""
        ticket = event.ticket
        if ticket.customer_id:
            firings.fire_all(ctx.uow, triggers.TICKET_CLOSED, ticket.customer_id,
                             triggers.ticket_key(ticket.id), now=utcnow(), links=self._links(),
                             source_event_id=ctx.event_id, ticket_id=ticket.id,
                             ticket_number=ticket.number)

    @on_event(customer_events.CustomerAtRisk)
    def trigger_customer_at_risk(self, event, ctx: EventContext) -> None:
        now = utcnow()
        firings.fire_all(ctx.uow, triggers.AT_RISK, event.customer_id,
                         triggers.at_risk_key(occurred_at(ctx, now).date()), now=now,
                         links=self._links(), source_event_id=ctx.event_id)

    @on_event(sales_events.LeadWentCold)
    def trigger_lead_went_cold(self, event, ctx: EventContext) -> None:
        """A cold lead of a known customer (a lead without one has nobody to reach yet)."""
        if event.customer_id:
            firings.fire_all(ctx.uow, triggers.LEAD_COLD, event.customer_id,
                             triggers.lead_key(event.lead_id), now=utcnow(),
                             links=self._links(), source_event_id=ctx.event_id)

    @on_event(sales_events.ContractExpiring)
    def trigger_contract_expiring(self, event, ctx: EventContext) -> None:
        contract = event.contract
        try:
            end_date = date.fromisoformat(contract.end_date)
        except ValueError:
            log.warning("contract.expiring %s without a valid end date", contract.id)
            return
        firings.renewal_from_event(ctx.uow, contract.customer_id, end_date,
                                   event.days_until_end, now=utcnow(), links=self._links(),
                                   event_id=ctx.event_id)

    @on_event(sales_events.PurchaseRecorded)
    def trigger_purchase_recorded(self, event, ctx: EventContext) -> None:
        """Count the customer's purchases; fire the milestones the new count passes."""
        customer_id, now = event.purchase.customer_id, utcnow()
        if not customer_id:
            return
        tally = ctx.session.get(PurchaseTally, customer_id, with_for_update=True)
        if tally is None:
            tally = PurchaseTally(customer_id=customer_id, purchase_count=0, update_time=now)
            ctx.session.add(tally)
        previous, tally.purchase_count = tally.purchase_count, tally.purchase_count + 1
        tally.update_time = now
        for trigger in firings.enabled_triggers(ctx.session, triggers.MILESTONE):
            for milestone in triggers.milestone_reached(previous, tally.purchase_count,
                                                        list(trigger.milestones or [])):
                firings.fire(ctx.uow, trigger, customer_id, triggers.milestone_key(milestone),
                             now=now, links=self._links(), source_event_id=ctx.event_id)

    @on_event(marketing_events.SegmentMemberJoined)
    def trigger_segment_joined(self, event, ctx: EventContext) -> None:
        now = utcnow()
        day = event.join_time.ToDatetime().date() if event.HasField("join_time") else now.date()
        for trigger in firings.enabled_triggers(ctx.session, triggers.SEGMENT_JOINED):
            if trigger.segment_id == event.segment_id:
                firings.fire(ctx.uow, trigger, event.customer_id,
                             triggers.segment_key(event.segment_id, day), now=now,
                             links=self._links(), source_event_id=ctx.event_id)

    # -- customer data ----------------------------------------------------------------------------

    @on_event(customer_events.CustomerMerged)
    def customer_data_merged(self, event, ctx: EventContext) -> None:
        """Firings, invitations, answers, queued messages... of the merged-away customers now
        belong to the survivor (the read model and segment membership follow their own
        handlers)."""
        customer_data.repoint(ctx.session, event.surviving_customer_id,
                              list(event.merged_customer_ids))

    @on_event(customer_events.CustomerErased)
    def customer_data_erased(self, event, ctx: EventContext) -> None:
        """Blank every personal value marketing holds about the customer (and its merged
        aliases), and acknowledge in the same unit of work."""
        count = customer_data.erase(ctx.session, [event.customer_id, *event.alias_customer_ids])
        ctx.emit(marketing_events.MarketingCustomerDataErased(
            erasure_request_id=event.erasure_request_id, customer_id=event.customer_id,
            erased_record_count=count), key=event.customer_id)


