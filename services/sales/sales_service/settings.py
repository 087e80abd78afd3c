"""The sales service's process settings: the shared ones plus its peers and timers."""

from __future__ import annotations

from crm_shared.attachments import AttachmentStoreSettings
from crm_shared.settings import ApiSettings, WorkerSettings
from pydantic import Field


class SalesApiSettings(AttachmentStoreSettings, ApiSettings):
    """The api: lead conversion creates the customer in the customer service; the customers
    and campaigns writes name are checked in the customer and marketing services."""

    customer_addr: str = "127.0.0.1:50051"  # CUSTOMER_ADDR, like every peer address
    customer_timeout_seconds: float = Field(default=5.0, gt=0)
    # the campaign a write names is checked there (sales_service.marketing_client)
    marketing_addr: str = "127.0.0.1:50054"  # MARKETING_ADDR
    marketing_timeout_seconds: float = Field(default=5.0, gt=0)


class SalesWorkerSettings(AttachmentStoreSettings, WorkerSettings):
    """The worker: how often the timers look for due reminders, overdue tasks and contracts."""

    sales_scan_seconds: float = Field(default=60.0, gt=0)
