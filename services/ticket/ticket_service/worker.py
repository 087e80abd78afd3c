"""The ticket service's nameko worker: keeps its people (agents, departments) current from
identity events, follows customers being merged or erased, and runs the SLA timer.

Identity upserts carry a revision: an older one arriving late is ignored, so replays and
reordering never roll a profile back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.ticket.v1 import events_pb2 as ticket_events
from crm_shared.attachments import records, store_from_settings
from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from nameko.dependency_providers import Config
from nameko.timer import Timer
from sqlalchemy import select, update

from ticket_service import callbacks, sla
from ticket_service.models import Agent, Attachment, Department, Ticket
from ticket_service.settings import TicketWorkerSettings
from ticket_service.tickets import AGENT_ROLES

log = logging.getLogger(__name__)

ERASED = "[erased]"


class SlaTimer(Timer):
    """nameko's timer with its interval from ``SLA_SCAN_SECONDS`` (known only at start)."""

    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, TicketWorkerSettings):
            self.interval = settings.sla_scan_seconds


sla_timer = SlaTimer.decorator


def is_agent(roles, is_lead: bool) -> bool:
    return is_lead or bool(AGENT_ROLES.intersection(roles))


class TicketWorker:
    name = "ticket"
    config = Config()

    # -- people -----------------------------------------------------------------------------------

    @on_event(identity_events.UserUpserted)
    def user_upserted(self, event, ctx: EventContext) -> None:
        """Agents are users with an agent role, and department leads (they get escalations)."""
        agent = ctx.session.get(Agent, event.user_id)
        qualifies = is_agent(event.roles, event.is_department_lead) and not event.service_account
        if agent is None:
            if not qualifies:
                return
            agent = Agent(user_id=event.user_id, revision=0, skills=[], max_open_tickets=0,
                          available=True)
            ctx.session.add(agent)
        elif event.revision <= agent.revision:
            return  # reordered by a retry or another replica: we already hold newer state
        agent.revision = event.revision
        agent.username = event.username
        agent.display_name = event.display_name
        agent.department_path = event.department_path
        agent.department_lead = event.is_department_lead
        agent.active = event.active and qualifies
        agent.update_time = utcnow()

    @on_event(identity_events.UserDisabled)
    def user_disabled(self, event, ctx: EventContext) -> None:
        agent = ctx.session.get(Agent, event.user_id)
        if agent is None or (event.revision and event.revision <= agent.revision):
            return
        agent.active = False
        agent.revision = max(agent.revision, event.revision)
        agent.update_time = utcnow()

    @on_event(identity_events.DepartmentUpserted)
    def department_upserted(self, event, ctx: EventContext) -> None:
        department = ctx.session.get(Department, event.path)
        if department is None:
            department = Department(path=event.path, revision=0)
            ctx.session.add(department)
        elif event.revision <= department.revision:
            return
        department.revision = event.revision
        department.name = event.name
        department.lead_user_id = event.lead_user_id or None
        department.parent_path = event.parent_path or None
        department.active = event.active
        department.update_time = utcnow()

    # -- customers --------------------------------------------------------------------------------

    @on_event(customer_events.CustomerMerged)
    def customer_merged(self, event, ctx: EventContext) -> None:
        """Tickets of the merged-away customers now belong to the surviving one."""
        merged = [customer_id for customer_id in event.merged_customer_ids
                  if customer_id != event.surviving_customer_id]
        if merged:
            ctx.session.execute(
                update(Ticket).where(Ticket.customer_id.in_(merged))
                .values(customer_id=event.surviving_customer_id, version=Ticket.version + 1)
                .execution_options(synchronize_session=False))

    @on_event(customer_events.CustomerHandedOver)
    def customer_handed_over(self, event, ctx: EventContext) -> None:
        """The customers' new owner is the account manager of their tickets (call-backs)."""
        if event.customer_ids and event.current.owner_id:
            ctx.session.execute(
                update(Ticket).where(Ticket.customer_id.in_(list(event.customer_ids)),
                                     Ticket.account_manager_id == event.previous.owner_id)
                .values(account_manager_id=event.current.owner_id, version=Ticket.version + 1)
                .execution_options(synchronize_session=False))

    @on_event(customer_events.CustomerErased)
    def customer_erased(self, event, ctx: EventContext) -> None:
        """Anonymise what tickets hold about the person reporting; acknowledge with an event."""
        ids = {event.customer_id, *event.alias_customer_ids} - {""}
        rows = ctx.session.scalars(select(Ticket).where(Ticket.customer_id.in_(ids))).all()
        for ticket in rows:
            ticket.reporter_name = ERASED if ticket.reporter_name else None
            ticket.reporter_phone = None
            ticket.reporter_email = None
            ticket.contact_id = None
        # Files on the customer's tickets (screenshots, documents) cannot be anonymised: their
        # rows and objects go, before the acknowledgement (a failing store retries the event).
        files = records.erase(ctx.session, self._attachment_store(), Attachment, ids,
                              record_ids=[ticket.id for ticket in rows])
        ctx.emit(ticket_events.TicketCustomerDataErased(
            erasure_request_id=event.erasure_request_id, customer_id=event.customer_id,
            erased_record_count=len(rows) + files), key=event.customer_id)

    def _attachment_store(self):
        # nameko's config (a dict) in a running worker; the provider itself when called directly
        config = self.config if isinstance(self.config, Mapping) else {}
        return store_from_settings(config.get(CONFIG_SETTINGS))

    # -- satisfaction -----------------------------------------------------------------------------

    @on_event(marketing_events.SurveyAnswered)
    def survey_answered(self, event, ctx: EventContext) -> None:
        """The satisfaction survey of a ticket was answered: the ticket keeps its score."""
        answer = event.answer
        if answer.ticket_id and answer.overall_score > 0:
            ctx.session.execute(
                update(Ticket).where(Ticket.id == answer.ticket_id)
                .values(satisfaction_score=answer.overall_score, version=Ticket.version + 1)
                .execution_options(synchronize_session=False))

    # -- timers -----------------------------------------------------------------------------------

    @sla_timer(interval=60.0)
    def scan_sla(self) -> None:
        """Reminders, escalations, warnings and breaches due now; unconfirmed resolutions
        closed; overdue call-backs."""
        database = self.config[CONFIG_DATABASE]
        now = utcnow()
        fired = sla.scan(database, now)
        closed = sla.auto_close(database, now)
        with database.unit_of_work() as uow:
            overdue = callbacks.scan_overdue(uow.session, now, uow.emit)
        if fired or closed or overdue:
            log.info("SLA scan: %s; %d auto-closed; %d call-back(s) overdue", fired, closed, overdue)
