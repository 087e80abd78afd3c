"""The notification service's nameko worker: decides who is told about each event."""

from __future__ import annotations

from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm_shared.db import utcnow
from crm_shared.events.handlers import EventContext, on_event

from notification_service.inbox import deliver_to_inbox
from notification_service.models import Recipient


class NotificationWorker:
    name = "notification"

    @on_event(customer_events.CustomerCreated)
    def customer_created(self, event, ctx: EventContext) -> None:
        """The new customer's owner is told they own it."""
        customer = event.customer
        deliver_to_inbox(
            ctx.session,
            recipient_id=customer.owner_id,
            category="customer.created",
            subject_type="customer",
            subject_id=customer.id,
            source_event_id=ctx.event_id,
            values={"number": customer.number, "display_name": customer.display_name},
        )

    @on_event(identity_events.UserUpserted)
    def user_upserted(self, event, ctx: EventContext) -> None:
        """Keep the recipient directory (name, address, language) current."""
        recipient = ctx.session.get(Recipient, event.user_id)
        if recipient is None:
            recipient = Recipient(user_id=event.user_id, revision=0)
            ctx.session.add(recipient)
        elif event.revision <= recipient.revision:
            return  # reordered by a retry or another replica: we already hold newer state
        recipient.revision = event.revision
        recipient.username = event.username
        recipient.display_name = event.display_name
        recipient.email = event.email or None
        recipient.locale = event.locale or "zh-CN"
        recipient.department_path = event.department_path
        recipient.active = event.active
        recipient.update_time = utcnow()
