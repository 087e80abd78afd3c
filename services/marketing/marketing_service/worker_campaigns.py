"""Campaign work of the marketing worker: scheduled launches and ends, the sending queue to the
notification service (consent and frequency cap checked at send time), responses and
attribution from sales events. Mixed into :class:`marketing_service.worker.MarketingWorker`.

The timer takes its interval from ``MARKETING_SCAN_SECONDS``; each pass launches the scheduled
campaigns that are due and completes those whose end time has come, and a second timer invites
running campaigns' members to their scheduled survey once per round
(:mod:`marketing_service.survey_rounds`). Sending what is due
(:func:`marketing_service.outbound.dispatch_due`) calls the notification service over gRPC, so
it runs in the api process (see :mod:`marketing_service.api`), not under the worker's eventlet.
"""

from __future__ import annotations

import logging
from datetime import datetime

from crm.notification.v1 import events_pb2 as notification_events
from crm.sales.v1 import events_pb2 as sales_events
from crm_shared.db import utcnow
from crm_shared.events import wire
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from crm_shared.timestamps import from_timestamp

from marketing_service import attribution, campaigns, outbound, survey_rounds
from marketing_service.invitations import LinkSigner
from marketing_service.timers import scan_timer

log = logging.getLogger(__name__)




class CampaignWork:
    # -- timers -----------------------------------------------------------------------------------

    @scan_timer(interval=60.0)
    def run_campaign_schedule(self) -> None:
        """Scheduled launches and ends (their messages are sent by the api's dispatcher)."""
        launched, completed = campaigns.run_schedule(self.config[CONFIG_DATABASE], utcnow())
        if launched or completed:
            log.info("campaigns: %d launched, %d completed", launched, completed)

    @scan_timer(interval=60.0)
    def send_campaign_survey_rounds(self) -> None:
        """Running campaigns' scheduled surveys: each member invited once per round (see
        :func:`survey_rounds.send_due`)."""
        invited = survey_rounds.send_due(self.config[CONFIG_DATABASE], utcnow(),
                                         LinkSigner.of(self.config.get(CONFIG_SETTINGS)))
        if invited:
            log.info("campaign survey rounds: %d invitations", invited)

    # -- what became of the messages --------------------------------------------------------------

    @on_event(notification_events.NotificationDelivered)
    def campaign_message_delivered(self, event, ctx: EventContext) -> None:
        delivery = event.delivery
        outbound.record_delivery(
            ctx.uow, delivery.id, utcnow(), delivered=True,
            deliver_time=from_timestamp(delivery.deliver_time)
            if delivery.HasField("deliver_time") else None)

    @on_event(notification_events.NotificationDeliveryFailed)
    def campaign_message_failed(self, event, ctx: EventContext) -> None:
        """Only a final failure counts: the notification service retries the others itself."""
        if event.final:
            outbound.record_delivery(ctx.uow, event.delivery.id, utcnow(), delivered=False,
                                     error=event.delivery.last_error)

    # -- attribution ------------------------------------------------------------------------------

    @on_event(sales_events.LeadCreated)
    def attribute_lead(self, event, ctx: EventContext) -> None:
        lead = event.lead
        attribution.attribute(
            ctx.session, kind=attribution.LEAD, campaign_id=lead.campaign_id,
            variant_id=lead.campaign_variant_id, customer_id=lead.customer_id,
            source_id=lead.id, amount=None, occur_time=_occurred(lead, "create_time", ctx),
            event_id=ctx.event_id)

    @on_event(sales_events.OpportunityWon)
    def attribute_won_opportunity(self, event, ctx: EventContext) -> None:
        opportunity = event.opportunity
        attribution.attribute(
            ctx.session, kind=attribution.WON, campaign_id=opportunity.campaign_id,
            variant_id=opportunity.campaign_variant_id, customer_id=opportunity.customer_id,
            source_id=opportunity.id,
            amount=opportunity.amount if opportunity.HasField("amount") else None,
            occur_time=_occurred(opportunity, "update_time", ctx), event_id=ctx.event_id)

    @on_event(sales_events.PurchaseRecorded)
    def attribute_purchase(self, event, ctx: EventContext) -> None:
        purchase = event.purchase
        attribution.attribute(
            ctx.session, kind=attribution.PURCHASE, campaign_id=purchase.campaign_id,
            variant_id="", customer_id=purchase.customer_id, source_id=purchase.id,
            amount=purchase.amount if purchase.HasField("amount") else None,
            occur_time=_occurred(purchase, "purchase_time", ctx), event_id=ctx.event_id)


def _occurred(message, field: str, ctx: EventContext):
    """When the fact happened: the message's own time, else the event's, else now."""
    if message.HasField(field):
        return from_timestamp(getattr(message, field))
    occurred = ctx.headers.get(wire.HEADER_OCCURRED_AT)
    if occurred:
        return datetime.fromisoformat(occurred)
    return utcnow()
