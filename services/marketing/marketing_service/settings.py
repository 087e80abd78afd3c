"""The marketing service's process settings: the shared ones plus its peers and timers."""

from __future__ import annotations

from crm_shared.settings import ApiSettings, ServiceCredentialsSettings, WorkerSettings
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketing_service.survey_links import MIN_SECRET_LENGTH


class SurveyLinkSettings(BaseSettings):
    """How survey links are signed and where they point (the api and the worker both create
    invitations). Without a secret no invitation can be created: the call or the trigger
    fails with a message naming ``SURVEY_LINK_SECRET``."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    survey_link_secret: str | None = Field(default=None, repr=False)
    survey_link_base_url: str = "http://127.0.0.1:8090"  # the public pages (the console) as customers reach them

    @field_validator("survey_link_secret")
    @classmethod
    def _long_enough(cls, value: str | None) -> str | None:
        if value is not None and len(value) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters")
        return value


class MarketingApiSettings(ApiSettings, ServiceCredentialsSettings, SurveyLinkSettings):
    """The api, and beside it the sending queue's dispatcher: campaign, trigger and survey
    messages go to the notification service, each with its customer's address read from the
    customer service, both as the marketing service account (``SERVICE_*``)."""

    notification_addr: str = "127.0.0.1:50055"  # NOTIFICATION_ADDR, like every peer address
    notification_timeout_seconds: float = Field(default=5.0, gt=0)
    # CUSTOMER_ADDR: each message's customer's address is read there as it is handed over
    customer_addr: str = "127.0.0.1:50051"
    customer_timeout_seconds: float = Field(default=5.0, gt=0)
    outbound_dispatch: bool = True
    """Run the sending queue's dispatcher beside the server (off in tests that drive it)."""
    outbound_dispatch_seconds: float = Field(default=2.0, gt=0)


class MarketingWorkerSettings(WorkerSettings, SurveyLinkSettings):
    """The worker: event handlers and the timers of campaigns, date triggers and segments
    (it signs the links of the survey invitations its triggers create)."""

    marketing_scan_seconds: float = Field(default=60.0, gt=0)
