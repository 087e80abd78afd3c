"""Segment and profile RPCs of ``crm.marketing.v1.MarketingService`` (segments, preview and
evaluation, members, marketing profiles). Mixed into
:class:`marketing_service.api.MarketingServicer`."""

from __future__ import annotations


class SegmentRpcs:
    pass
