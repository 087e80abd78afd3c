"""Deal event handlers and timers of the sales worker (renewal reminders, expired contracts,
overdue receivables, approvals due). Mixed into :class:`sales_service.worker.SalesWorker`."""

from __future__ import annotations

import logging

from crm_shared.db import utcnow
from crm_shared.events.handlers import CONFIG_DATABASE, CONFIG_SETTINGS
from nameko.timer import Timer

from sales_service import approvals, deal_timers
from sales_service.settings import SalesWorkerSettings

log = logging.getLogger(__name__)


class DealTimer(Timer):
    """nameko's timer with its interval from ``SALES_SCAN_SECONDS`` (known only at start)."""

    def setup(self) -> None:
        settings = self.container.config.get(CONFIG_SETTINGS)
        if isinstance(settings, SalesWorkerSettings):
            self.interval = settings.sales_scan_seconds


deal_timer = DealTimer.decorator


class DealWork:
    @deal_timer(interval=60.0)
    def scan_deals(self) -> None:
        """Contracts expiring or expired, installments overdue — each announced once; approval
        requests reminded, escalated or expired when due."""
        database = self.config[CONFIG_DATABASE]
        now = utcnow()
        fired = deal_timers.scan_contracts(database, now)
        overdue = deal_timers.scan_overdue(database, now)
        approvals_due = approvals.scan(database, now)
        if any(fired.values()) or overdue or any(approvals_due.values()):
            log.info("deal scan: %s; %d installment(s) overdue; approvals %s", fired, overdue,
                     approvals_due)
