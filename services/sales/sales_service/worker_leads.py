"""Lead event handlers and timers of the sales worker (the rep directory from identity events,
first-contact reminders and escalations, cold leads). Mixed into
:class:`sales_service.worker.SalesWorker`."""

from __future__ import annotations

import logging
import random

from crm.identity.v1 import events_pb2 as identity_events
from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS, EventContext, on_event
from nameko.timer import Timer

from sales_service import lead_clocks, rep_directory
from sales_service.settings import SalesWorkerSettings

log = logging.getLogger(__name__)


class LeadTimer(Timer):
    """nameko's timer with its interval from ``SALES_SCAN_SECONDS`` (known only at start)."""

    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, SalesWorkerSettings):
            self.interval = settings.sales_scan_seconds


lead_timer = LeadTimer.decorator
_rng = random.Random()
"""Breaks ties when a disabled rep's leads are assigned again."""


class LeadWork:
    # -- the rep directory ------------------------------------------------------------------------

    @on_event(identity_events.UserUpserted)
    def rep_user_upserted(self, event, ctx: EventContext) -> None:
        """Reps are users with a sales role, and the leads of ``/hq/sales`` departments."""
        rep_directory.user_upserted(ctx.session, event, utcnow())

    @on_event(identity_events.UserDisabled)
    def rep_user_disabled(self, event, ctx: EventContext) -> None:
        """A disabled rep is inactive; their open leads go to the successor or are assigned
        again (each move emits ``lead.assigned``)."""
        moved = rep_directory.user_disabled(ctx.session, event, utcnow(), rng=_rng,
                                            emit=ctx.emit)
        if moved:
            log.info("rep %s disabled: %d open lead(s) moved on", event.user_id, moved)

    @on_event(identity_events.DepartmentUpserted)
    def rep_department_upserted(self, event, ctx: EventContext) -> None:
        rep_directory.department_upserted(ctx.session, event, utcnow())

    # -- timers -----------------------------------------------------------------------------------

    @lead_timer(interval=60.0)
    def scan_leads(self) -> None:
        """First-contact reminders and escalations due now; leads gone cold."""
        fired = lead_clocks.scan_leads(self.config[CONFIG_DATABASE], utcnow())
        if fired:
            log.info("lead scan: %s", fired)
