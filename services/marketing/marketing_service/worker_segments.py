"""The read model, segment and campaign work of the marketing worker: customer and sales events
into :class:`marketing_service.models.CustomerProfile`, segment membership as those facts
change, campaign sends and attribution. Mixed into
:class:`marketing_service.worker.MarketingWorker`."""

from __future__ import annotations


class SegmentWork:
    pass
