"""Worker handlers completing erasure requests: each service acknowledges ``customer.erased``
with its ``<service>.customer_data_erased`` event. Mixed into the customer worker (kept out of
:mod:`customer_service.erasure` so the api process does not import nameko)."""

from __future__ import annotations

from crm.marketing.v1 import events_pb2 as marketing_events
from crm.notification.v1 import events_pb2 as notification_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.ticket.v1 import events_pb2 as ticket_events
from crm_shared.events.handlers import EventContext, on_event

from customer_service.erasure import acknowledge


class ErasureAcknowledgements:
    """Worker handlers: each service's ``<service>.customer_data_erased`` completes its part."""

    @on_event(sales_events.SalesCustomerDataErased)
    def sales_customer_data_erased(self, event, ctx: EventContext) -> None:
        acknowledge(ctx.session, event.erasure_request_id, "sales", event.erased_record_count)

    @on_event(ticket_events.TicketCustomerDataErased)
    def ticket_customer_data_erased(self, event, ctx: EventContext) -> None:
        acknowledge(ctx.session, event.erasure_request_id, "ticket", event.erased_record_count)

    @on_event(marketing_events.MarketingCustomerDataErased)
    def marketing_customer_data_erased(self, event, ctx: EventContext) -> None:
        acknowledge(ctx.session, event.erasure_request_id, "marketing", event.erased_record_count)

    @on_event(notification_events.NotificationCustomerDataErased)
    def notification_customer_data_erased(self, event, ctx: EventContext) -> None:
        acknowledge(
            ctx.session, event.erasure_request_id, "notification", event.erased_record_count
        )
