"""The marketing service's nameko worker: one class with the handlers and timers of each part
mixed in from its own module."""

from __future__ import annotations

from nameko.dependency_providers import Config

from marketing_service.worker_campaigns import CampaignWork
from marketing_service.worker_segments import SegmentWork
from marketing_service.worker_surveys import SurveyWork


class MarketingWorker(SegmentWork, CampaignWork, SurveyWork):
    name = "marketing"
    config = Config()
