"""Read model and segment work of the marketing worker: customer and sales events into
:class:`marketing_service.models.CustomerProfile`, and segment membership as those facts change.
Mixed into :class:`marketing_service.worker.MarketingWorker`."""

from __future__ import annotations


class SegmentWork:
    pass
