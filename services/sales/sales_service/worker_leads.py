"""Lead event handlers and timers of the sales worker (the rep directory from identity events,
first-contact reminders and escalations, cold leads). Mixed into
:class:`sales_service.worker.SalesWorker`."""

from __future__ import annotations


class LeadWork:
    pass
