"""Segment, profile and campaign RPCs of ``crm.marketing.v1.MarketingService`` (segments and
their members, marketing profiles, campaigns, recipients, responses, ROI, the marketing policy
and KPIs). Mixed into :class:`marketing_service.api.MarketingServicer`."""

from __future__ import annotations


class SegmentRpcs:
    pass
