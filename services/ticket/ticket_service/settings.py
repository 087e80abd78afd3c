"""The ticket service's process settings: the shared ones plus its peers and timers."""

from __future__ import annotations

from crm_shared.attachments import AttachmentStoreSettings
from crm_shared.settings import ApiSettings, WorkerSettings
from pydantic import Field


class TicketApiSettings(AttachmentStoreSettings, ApiSettings):
    """The api: routing asks the customer service for value class and churn risk; files on
    tickets live in the attachment store."""

    customer_addr: str = "127.0.0.1:50051"  # CUSTOMER_ADDR, like every peer address
    customer_lookup_timeout_seconds: float = Field(default=2.0, gt=0)


class TicketWorkerSettings(AttachmentStoreSettings, WorkerSettings):
    """The worker: how often the SLA timer scans the open tickets; the attachment store, whose
    files of an erased customer's tickets it deletes."""

    sla_scan_seconds: float = Field(default=60.0, gt=0)
