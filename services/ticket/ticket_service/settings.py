"""The ticket service's process settings: the shared ones plus its peers and timers."""

from __future__ import annotations

from crm_shared.settings import ApiSettings, WorkerSettings
from pydantic import Field


class TicketApiSettings(ApiSettings):
    """The api: routing asks the customer service for value class and churn risk."""

    customer_addr: str = "127.0.0.1:50051"  # CUSTOMER_ADDR, like every peer address
    customer_lookup_timeout_seconds: float = Field(default=2.0, gt=0)


class TicketWorkerSettings(WorkerSettings):
    """The worker: how often the SLA timer scans the open tickets."""

    sla_scan_seconds: float = Field(default=60.0, gt=0)
