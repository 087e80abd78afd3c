"""Trigger and survey RPCs of ``crm.marketing.v1.MarketingService`` (triggers and firings,
surveys, invitations, the public form and answers, results, improvement items, and the
personal-data export). Mixed into :class:`marketing_service.api.MarketingServicer`."""

from __future__ import annotations


class SurveyRpcs:
    pass
