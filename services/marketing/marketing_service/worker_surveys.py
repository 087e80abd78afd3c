"""Trigger and survey work of the marketing worker: triggers firing on events and dates, survey
invitations (one per closed ticket), erasure. Mixed into
:class:`marketing_service.worker.MarketingWorker`."""

from __future__ import annotations


class SurveyWork:
    pass
