"""The api's and the worker's settings: the shared ones plus the delivery channels' and the
webhook address policy's (read once at start)."""

from __future__ import annotations

from typing import ClassVar

from crm_shared.field_keys import FieldKeySettings
from crm_shared.settings import ApiSettings, WorkerSettings
from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from notification_service.channels import SmsGateway, SmtpConfig
from notification_service.webhook_targets import AllowList, Resolver, WebhookTargets, resolve


class WebhookTargetSettings(BaseSettings):
    """Where webhooks may go: checked by the api when a URL is registered and by the worker
    at each send, so both read the same allow-list."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    webhook_allowed_targets: str = ""
    """Internal targets permitted on purpose: comma-separated CIDRs and host names (see
    ``webhook_targets``); empty: webhooks reach public addresses only, over https."""

    @field_validator("webhook_allowed_targets")
    @classmethod
    def _allow_list_parses(cls, value: str) -> str:
        AllowList.parse(value)
        return value

    def webhook_targets(self, resolver: Resolver = resolve) -> WebhookTargets:
        return WebhookTargets(AllowList.parse(self.webhook_allowed_targets), resolver)


class NotificationApiSettings(ApiSettings, WebhookTargetSettings):
    """The api: checks webhook URLs as they are registered, and asks the customer service
    whether the caller of a personal-data export sees its customer (``customer_visibility``)."""

    customer_addr: str = "127.0.0.1:50051"  # CUSTOMER_ADDR, like every peer address
    customer_timeout_seconds: float = 5.0


class NotificationWorkerSettings(FieldKeySettings, WorkerSettings, WebhookTargetSettings):
    # FIELD_ENCRYPTION_KEY (and _PREVIOUS_KEYS): the gateway's key that opens a user's e-mail
    # and phone sealed in identity.user_upserted (crm_shared.staff_addresses), not the
    # customer service's. Checked here when set; without it, staff are told in the app only.
    key_required: ClassVar[bool] = False
    field_encryption_key: SecretStr = SecretStr("")

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "CRM <crm@localhost>"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10.0
    webhook_timeout_seconds: float = 10.0
    sms_gateway_url: str = ""
    """The operator's SMS gateway (see ``channels.send_sms``); empty: SMS is suppressed."""
    sms_gateway_secret: str = ""
    sms_sender: str = ""
    """Sender id or signature the carrier shows, e.g. 【某某科技】; passed on as is."""
    sms_timeout_seconds: float = 10.0
    sms_opt_out_text: str = "回T退订"
    """Ends every marketing SMS (the carriers' rule for promotional texts); an opt-out reply
    reaches the marketing service through the gateway's inbound SMS webhook."""
    delivery_poll_seconds: float = 2.0
    delivery_batch_size: int = 20
    delivery_max_attempts: int = 5
    delivery_retry_base_seconds: float = 30.0
    delivery_retry_max_seconds: float = 3600.0
    delivery_claim_seconds: float = 120.0
    """How long a claimed delivery is hidden from other dispatchers (a crash mid-send)."""

    @property
    def smtp(self) -> SmtpConfig:
        return SmtpConfig(
            host=self.smtp_host, port=self.smtp_port, sender=self.smtp_from,
            starttls=self.smtp_starttls, ssl=self.smtp_ssl, username=self.smtp_username,
            password=self.smtp_password, timeout_seconds=self.smtp_timeout_seconds,
        )

    @property
    def sms(self) -> SmsGateway:
        return SmsGateway(url=self.sms_gateway_url, secret=self.sms_gateway_secret,
                          sender=self.sms_sender, timeout_seconds=self.sms_timeout_seconds)
