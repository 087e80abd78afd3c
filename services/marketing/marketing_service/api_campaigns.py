"""Campaign RPCs of ``crm.marketing.v1.MarketingService`` (campaigns and their lifecycle,
recipients, responses, ROI, the marketing policy and KPIs). Mixed into
:class:`marketing_service.api.MarketingServicer`."""

from __future__ import annotations


class CampaignRpcs:
    pass
