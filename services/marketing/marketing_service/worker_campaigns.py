"""Campaign work of the marketing worker: scheduled launches and ends, the sending queue to the
notification service (consent and frequency cap checked at send time), responses and
attribution from sales events. Mixed into :class:`marketing_service.worker.MarketingWorker`."""

from __future__ import annotations


class CampaignWork:
    pass
