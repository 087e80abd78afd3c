"""Activity event handlers and timers of the sales worker (follow-up plans from customer
events, reminders the day before, overdue tasks; the customer service's merge, handover and
erasure events). Mixed into :class:`sales_service.worker.SalesWorker`."""

from __future__ import annotations


class ActivityWork:
    pass
