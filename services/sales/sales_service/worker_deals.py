"""Deal event handlers and timers of the sales worker (renewal reminders, expired contracts,
overdue receivables). Mixed into :class:`sales_service.worker.SalesWorker`."""

from __future__ import annotations


class DealWork:
    pass
