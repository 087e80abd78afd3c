"""The sales service's nameko worker: one class with the handlers and timers of each part of
the sales process mixed in from its own module."""

from __future__ import annotations

from nameko.dependency_providers import Config

from sales_service.worker_activities import ActivityWork
from sales_service.worker_deals import DealWork
from sales_service.worker_leads import LeadWork


class SalesWorker(LeadWork, DealWork, ActivityWork):
    name = "sales"
    config = Config()
