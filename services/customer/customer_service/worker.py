"""The customer service's nameko worker: event handlers that keep its own data current.

Sales, ticket and marketing events change a customer here (value class, lifecycle stage,
timeline, satisfaction, churn signals) without a second check of who caused them: their
producers checked, at the write, with the caller's own token, that the caller may see the
customer the record names (``crm_shared.references``: opportunities, contracts, leads,
purchases, tickets; the records later events are about inherit that customer). So an event
changes no more than its producer's caller could. An event naming a customer that does not
exist here (erased, or never created) is ignored: ``portrait.take_fact`` and
``portrait.take_signal`` store nothing and raise nothing for it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.sales.v1 import events_pb2 as sales_events
from crm.ticket.v1 import events_pb2 as ticket_events
from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, EventContext, on_event
from crm_shared.events.wire import HEADER_OCCURRED_AT
from nameko.dependency_providers import Config
from nameko.timer import timer

from customer_service import handover, key_field_approvals, personal_data, portrait, timeline
from customer_service.api import record_fields_of, sensitive_fields_of
from customer_service.classification import DEAL, NEED_CONFIRMED
from customer_service.erasure_events import ErasureAcknowledgements
from customer_service.models import Employee

SWEEP_INTERVAL_SECONDS = 24 * 3600
APPROVAL_SCAN_SECONDS = 300
"""How often held key-field changes are reminded, escalated or expired: deadlines are hours."""
log = logging.getLogger(__name__)


class CustomerWorker(ErasureAcknowledgements):
    name = "customer"

    @on_event(identity_events.UserUpserted)
    def user_upserted(self, event, ctx: EventContext) -> None:
        """Keep the employee directory that owner assignment and handover rely on."""
        employee = ctx.session.get(Employee, event.user_id)
        if employee is None:
            employee = Employee(user_id=event.user_id, revision=0)
            ctx.session.add(employee)
        elif event.revision <= employee.revision:
            return  # reordered by a retry or another replica: we already hold newer state
        employee.revision = event.revision
        employee.username = event.username
        employee.department_path = event.department_path
        employee.active = event.active
        employee.update_time = utcnow()

    @on_event(identity_events.UserDisabled)
    def user_disabled(self, event, ctx: EventContext) -> None:
        """The employee left: they own nothing new, and when the admin named a successor their
        customers move to them in one handover (``customer.handed_over`` moves the open work)."""
        handover.on_user_disabled(
            ctx.uow, user_id=event.user_id, department_path=event.department_path,
            successor_user_id=event.successor_user_id, reason=event.reason or "account disabled",
            actor_id=event.actor_id or "identity", revision=event.revision,
            correlation_id=ctx.event_id, now=utcnow(),
        )

    @on_event(identity_events.DepartmentUpserted)
    def department_upserted(self, event, ctx: EventContext) -> None:
        """Keep the department leads who approve key-field changes of their customers."""
        key_field_approvals.department_upserted(ctx.session, event, utcnow())

    # -- portrait: timeline, satisfaction, value class, stage and churn risk from other services --
    # Each handler turns its event into a timeline fact; portrait.take_fact stores it once per
    # event id and re-derives class, stage and risk, emitting what changed.

    config = Config()

    @timer(interval=SWEEP_INTERVAL_SECONDS, eager=True)
    def sweep_portraits(self) -> None:
        """Daily (and at start): customers go lost, contracts age out, churn windows move."""
        result = portrait.sweep(self.config[CONFIG_DATABASE], now=utcnow())
        log.info("portrait sweep: %s", result)

    @timer(interval=APPROVAL_SCAN_SECONDS)
    def scan_key_field_approvals(self) -> None:
        """Remind, escalate or expire the approval requests of held key-field changes."""
        result = key_field_approvals.scan(
            self.config[CONFIG_DATABASE], utcnow(), personal_data.default_keys(),
            key_field_approvals.FieldReaders(record_fields_of, sensitive_fields_of))
        log.info("key-field approval scan: %s", result)

    @on_event(customer_events.CustomerCreated)
    def portrait_customer_created(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.customer_created_fact(event, _occurred_at(ctx)))

    @on_event(customer_events.CustomerOwnerChanged)
    def portrait_owner_changed(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.owner_changed_fact(event, _occurred_at(ctx)))

    @on_event(customer_events.CustomerMerged)
    def portrait_customers_merged(self, event, ctx: EventContext) -> None:
        """The survivor now holds both timelines (the merge re-pointed them): re-derive its class
        from both sets of contracts, its stage and its risk."""
        _take(ctx, timeline.merged_fact(event, _occurred_at(ctx)), merged=True)

    @on_event(customer_events.CustomerCollaboratorAdded)
    def portrait_collaborator_added(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.collaborator_added_fact(event, _occurred_at(ctx)))

    @on_event(customer_events.CustomerCollaboratorRemoved)
    def portrait_collaborator_removed(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.collaborator_removed_fact(event, _occurred_at(ctx)))

    @on_event(sales_events.LeadConverted)
    def portrait_lead_converted(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.lead_converted_fact(event, _occurred_at(ctx)),
              signal=NEED_CONFIRMED, reason="lead converted")

    @on_event(sales_events.OpportunityCreated)
    def portrait_opportunity_created(self, event, ctx: EventContext) -> None:
        opportunity = event.opportunity
        portrait.take_signal(ctx.session, opportunity.customer_id, now=utcnow(), emit=ctx.emit,
                             signal=NEED_CONFIRMED, reason="opportunity opened",
                             source_event_id=ctx.event_id,
                             work_item=("opportunity", opportunity.id, True))

    @on_event(sales_events.OpportunityWon)
    def portrait_opportunity_won(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.opportunity_fact(event.opportunity, won=True, actor_id=event.actor_id,
                                             occurred_at=_occurred_at(ctx)),
              signal=DEAL, reason="opportunity won", work_item=("opportunity", False))

    @on_event(sales_events.OpportunityLost)
    def portrait_opportunity_lost(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.opportunity_fact(event.opportunity, won=False, actor_id=event.actor_id,
                                             occurred_at=_occurred_at(ctx)),
              work_item=("opportunity", False))

    @on_event(sales_events.QuoteSent)
    def portrait_quote_sent(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.quote_sent_fact(event.quote, event.actor_id, _occurred_at(ctx)))

    @on_event(sales_events.ContractSigned)
    def portrait_contract_signed(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.contract_signed_fact(event.contract, event.actor_id, _occurred_at(ctx)),
              signal=DEAL, reason="contract signed", value_changed=True)

    @on_event(sales_events.ContractExpired)
    def portrait_contract_expired(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.contract_ended_fact(event.contract, terminated=False, actor_id="",
                                                occurred_at=_occurred_at(ctx)),
              value_changed=True)

    @on_event(sales_events.ContractTerminated)
    def portrait_contract_terminated(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.contract_ended_fact(event.contract, terminated=True,
                                                actor_id=event.actor_id,
                                                occurred_at=_occurred_at(ctx)),
              value_changed=True)

    @on_event(sales_events.PaymentReceived)
    def portrait_payment_received(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.payment_fact(event.payment, event.actor_id, _occurred_at(ctx)),
              signal=DEAL, reason="payment received", value_changed=True)

    @on_event(sales_events.PurchaseRecorded)
    def portrait_purchase_recorded(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.purchase_fact(event.purchase, _occurred_at(ctx)),
              signal=DEAL, reason="purchase recorded", value_changed=True)

    @on_event(sales_events.ActivityRecorded)
    def portrait_activity_recorded(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.activity_fact(event.activity, _occurred_at(ctx)))

    @on_event(ticket_events.TicketCreated)
    def portrait_ticket_created(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.ticket_fact(event.ticket, "opened", event.actor_id, _occurred_at(ctx)),
              work_item=("ticket", True))

    @on_event(ticket_events.TicketResolved)
    def portrait_ticket_resolved(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.ticket_fact(event.ticket, "resolved", event.actor_id,
                                        _occurred_at(ctx)))

    @on_event(ticket_events.TicketClosed)
    def portrait_ticket_closed(self, event, ctx: EventContext) -> None:
        occurred_at = _occurred_at(ctx)
        _take(ctx, timeline.ticket_fact(event.ticket, "closed", event.actor_id, occurred_at),
              work_item=("ticket", False),
              satisfaction=timeline.ticket_satisfaction(event.ticket, occurred_at))

    @on_event(ticket_events.CallbackTaskCompleted)
    def portrait_callback_completed(self, event, ctx: EventContext) -> None:
        occurred_at = _occurred_at(ctx)
        _take(ctx, timeline.callback_fact(event.task, event.actor_id, occurred_at),
              satisfaction=timeline.callback_satisfaction(event.task, occurred_at))

    @on_event(marketing_events.SurveyAnswered)
    def portrait_survey_answered(self, event, ctx: EventContext) -> None:
        occurred_at = _occurred_at(ctx)
        _take(ctx, timeline.survey_fact(event, occurred_at),
              satisfaction=timeline.survey_satisfaction(event, occurred_at))

    @on_event(marketing_events.CampaignResponded)
    def portrait_campaign_responded(self, event, ctx: EventContext) -> None:
        _take(ctx, timeline.campaign_response_fact(event, _occurred_at(ctx)))


def _occurred_at(ctx: EventContext) -> datetime:
    """When the producer recorded the fact (the envelope's header); now when absent."""
    try:
        return datetime.fromisoformat(ctx.headers[HEADER_OCCURRED_AT]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return utcnow()


def _take(ctx: EventContext, fact: timeline.TimelineFact, **options) -> None:
    portrait.take_fact(ctx.session, fact, source_event_id=ctx.event_id, now=utcnow(),
                       emit=ctx.emit, **options)
