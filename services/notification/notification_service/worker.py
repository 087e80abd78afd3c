"""The notification service's nameko worker: decides who is told about each event, keeps the
recipients directory current, and sends due deliveries on a timer.

Every notifying event type has its own ``@on_event`` handler (its own queue and ledger
entry) whose body is the one rule engine: :func:`notification_service.notify.notify`.
"""

from __future__ import annotations

import logging

from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.notification.v1 import events_pb2 as notification_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.ticket.v1 import events_pb2 as ticket_events
from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from crm_shared.staff_addresses import open_address
from nameko.dependency_providers import Config
from nameko.timer import Timer

from notification_service import customer_data
from notification_service.dispatch import DeliveryDispatcher
from notification_service.models import Department, Recipient
from notification_service.notify import notify
from notification_service.settings import NotificationWorkerSettings

log = logging.getLogger(__name__)


class DeliveryTimer(Timer):
    """nameko's timer with its interval from ``DELIVERY_POLL_SECONDS`` (known only at start)."""

    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, NotificationWorkerSettings):
            self.interval = settings.delivery_poll_seconds


delivery_timer = DeliveryTimer.decorator


def _notify(event, ctx: EventContext) -> None:
    notify(ctx.session, event, event_id=ctx.event_id, emit=ctx.emit, now=utcnow())


class NotificationWorker:
    name = "notification"
    config = Config()

    # -- events that tell people (the rules, data, decide whom) ----------------------------------

    @on_event(customer_events.CustomerCreated)
    def customer_created(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(customer_events.CustomerAtRisk)
    def customer_at_risk(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketRouted)
    def ticket_routed(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketTransferred)
    def ticket_transferred(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketAssigned)
    def ticket_assigned(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketSlaReminder)
    def ticket_sla_reminder(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketEscalated)
    def ticket_escalated(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketSlaWarning)
    def ticket_sla_warning(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.TicketSlaBreached)
    def ticket_sla_breached(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.CallbackTaskCreated)
    def callback_task_created(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(ticket_events.CallbackTaskOverdue)
    def callback_task_overdue(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.LeadAssigned)
    def lead_assigned(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.LeadFirstContactDue)
    def lead_first_contact_due(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.LeadFirstContactOverdue)
    def lead_first_contact_overdue(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.ActivityCommented)
    def activity_commented(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.FollowUpTaskDue)
    def follow_up_task_due(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.FollowUpTaskOverdue)
    def follow_up_task_overdue(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.ContractExpiring)
    def contract_expiring(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.PaymentOverdue)
    def payment_overdue(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.ApprovalRequested)
    def approval_requested(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.ApprovalReminderDue)
    def approval_reminder_due(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.ApprovalEscalated)
    def approval_escalated(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(sales_events.ApprovalDecided)
    def approval_decided(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(customer_events.ApprovalRequested)
    def customer_approval_requested(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(customer_events.ApprovalReminderDue)
    def customer_approval_reminder_due(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(customer_events.ApprovalEscalated)
    def customer_approval_escalated(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(customer_events.ApprovalDecided)
    def customer_approval_decided(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    @on_event(marketing_events.TriggerFired)
    def trigger_fired(self, event, ctx: EventContext) -> None:
        _notify(event, ctx)

    # -- erasure --------------------------------------------------------------------------------

    @on_event(customer_events.CustomerErased)
    def customer_erased(self, event, ctx: EventContext) -> None:
        """Anonymise what this service holds about the customer (the rows the personal-data
        export lists); acknowledge in the same unit of work."""
        count = customer_data.erase(ctx.session, [event.customer_id, *event.alias_customer_ids])
        ctx.emit(notification_events.NotificationCustomerDataErased(
            erasure_request_id=event.erasure_request_id, customer_id=event.customer_id,
            erased_record_count=count), key=event.customer_id)

    # -- the recipients directory ------------------------------------------------------------

    @on_event(identity_events.UserUpserted)
    def user_upserted(self, event, ctx: EventContext) -> None:
        """Keep the recipient directory (name, address, language, department) current. The
        addresses arrive sealed (never in clear on the broker) and are opened with this
        worker's FIELD_ENCRYPTION_KEY, the gateway's (``crm_shared.staff_addresses``)."""
        recipient = ctx.session.get(Recipient, event.user_id)
        if recipient is None:
            recipient = Recipient(user_id=event.user_id, revision=0)
            ctx.session.add(recipient)
        elif event.revision <= recipient.revision:
            return  # reordered by a retry or another replica: we already hold newer state
        recipient.revision = event.revision
        recipient.username = event.username
        recipient.display_name = event.display_name
        recipient.email = open_address(event, "email")
        recipient.phone = open_address(event, "phone")
        recipient.locale = event.locale or "zh-CN"
        recipient.time_zone = event.time_zone
        recipient.department_path = event.department_path
        recipient.is_department_lead = event.is_department_lead
        recipient.roles = ",".join(event.roles)
        recipient.active = event.active
        recipient.update_time = utcnow()

    @on_event(identity_events.UserDisabled)
    def user_disabled(self, event, ctx: EventContext) -> None:
        """A disabled user is told nothing more (their pending deliveries still go out)."""
        recipient = ctx.session.get(Recipient, event.user_id)
        if recipient is None:
            recipient = Recipient(user_id=event.user_id, username="", display_name="",
                                  department_path=event.department_path, revision=0)
            ctx.session.add(recipient)
        elif event.revision and event.revision <= recipient.revision:
            return
        recipient.revision = max(event.revision, recipient.revision or 0)
        recipient.active = False
        recipient.update_time = utcnow()

    @on_event(identity_events.DepartmentUpserted)
    def department_upserted(self, event, ctx: EventContext) -> None:
        """Departments and their leads, for DEPARTMENT_LEAD selectors."""
        department = ctx.session.get(Department, event.path)
        if department is None:
            department = Department(path=event.path, revision=0)
            ctx.session.add(department)
        elif event.revision <= department.revision:
            return
        department.revision = event.revision
        department.name = event.name
        department.lead_user_id = event.lead_user_id
        department.active = event.active
        department.update_time = utcnow()

    # -- sending ---------------------------------------------------------------------------------

    @delivery_timer(interval=2.0)
    def send_due_deliveries(self) -> None:
        """Claim, send (outside any transaction) and record due e-mail and webhook deliveries."""
        settings = self.config.get(CONFIG_SETTINGS)
        if not isinstance(settings, NotificationWorkerSettings):
            return
        DeliveryDispatcher(self.config[CONFIG_DATABASE], settings).run_once()
