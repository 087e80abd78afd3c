"""The marketing service's process settings: the shared ones plus its peers and timers."""

from __future__ import annotations

from crm_shared.settings import ApiSettings, ServiceCredentialsSettings, WorkerSettings
from pydantic import Field


class MarketingApiSettings(ApiSettings, ServiceCredentialsSettings):
    """The api: campaign and survey messages go out through the notification service, as the
    marketing service account (``SERVICE_*``) when no user is behind the call."""

    notification_addr: str = "127.0.0.1:50055"  # NOTIFICATION_ADDR, like every peer address
    notification_timeout_seconds: float = Field(default=5.0, gt=0)


class MarketingWorkerSettings(WorkerSettings, ServiceCredentialsSettings):
    """The worker: sends go through the notification service as the marketing service account
    (``SERVICE_*``); timers scan dates and sends."""

    notification_addr: str = "127.0.0.1:50055"
    notification_timeout_seconds: float = Field(default=5.0, gt=0)
    marketing_scan_seconds: float = Field(default=60.0, gt=0)
