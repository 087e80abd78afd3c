"""Campaign work of the marketing worker: scheduled launches and ends, the sending queue to the
notification service (consent and frequency cap checked at send time), responses and
attribution from sales events. Mixed into :class:`marketing_service.worker.MarketingWorker`.

The timer takes its interval from ``MARKETING_SCAN_SECONDS``; each pass launches the scheduled
campaigns that are due, completes those whose end time has come, then sends what is due
(:func:`marketing_service.outbound.dispatch_due`). The notification service answers admins and
service accounts only, so the channel carries the marketing service account's token
(``token_provider``; the settings' ``service_token_provider()`` when the process has one).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from crm.notification.v1 import events_pb2 as notification_events
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.sales.v1 import events_pb2 as sales_events
from crm_shared.db import utcnow
from crm_shared.events import wire
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from crm_shared.grpc.client import connect
from crm_shared.timestamps import from_timestamp
from nameko.timer import Timer

from marketing_service import attribution, campaigns, outbound
from marketing_service.settings import MarketingWorkerSettings

log = logging.getLogger(__name__)

NOTIFICATION_SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]


class CampaignTimer(Timer):
    """nameko's timer with its interval from ``MARKETING_SCAN_SECONDS`` (known only at start)."""

    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, MarketingWorkerSettings):
            self.interval = settings.marketing_scan_seconds


campaign_timer = CampaignTimer.decorator


def notification_client(address: str, *, timeout_seconds: float,
                        token_provider: Callable[[], str | None]) \
        -> notification_pb2_grpc.NotificationServiceStub:
    """A stub of the notification service whose calls carry ``token_provider``'s token."""
    channel = connect(address, [NOTIFICATION_SERVICE], default_timeout=timeout_seconds,
                      token_provider=token_provider)
    return notification_pb2_grpc.NotificationServiceStub(channel)


def _no_credentials() -> None:
    return None


_clients: dict[str, notification_pb2_grpc.NotificationServiceStub] = {}
_clients_lock = threading.Lock()


def _client_for(settings) -> notification_pb2_grpc.NotificationServiceStub:
    """One channel per worker process (nameko makes a service instance per call)."""
    address = getattr(settings, "notification_addr", "127.0.0.1:50055")
    with _clients_lock:
        if address not in _clients:
            provider = getattr(settings, "service_token_provider", None)
            token_provider = provider() if callable(provider) else None
            if token_provider is None:
                log.warning("no service account configured (SERVICE_CLIENT_ID ...): the "
                            "notification service will refuse campaign sends until one is")
            _clients[address] = notification_client(
                address, timeout_seconds=getattr(settings, "notification_timeout_seconds", 5.0),
                token_provider=token_provider or _no_credentials)
        return _clients[address]


class CampaignWork:
    # -- timers -----------------------------------------------------------------------------------

    @campaign_timer(interval=60.0)
    def run_campaigns_and_send(self) -> None:
        """Scheduled launches and ends, then the messages due now."""
        database = self.config[CONFIG_DATABASE]
        now = utcnow()
        launched, completed = campaigns.run_schedule(database, now)
        report = outbound.dispatch_due(database, _client_for(self.config.get(CONFIG_SETTINGS)),
                                       now)
        if launched or completed or report:
            log.info("campaigns: %d launched, %d completed; sending: %s", launched, completed,
                     report)

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
