"""Configuration of the gateway, read once in ``main()`` (never at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from crm_shared.field_keys import FieldKeySettings
from crm_shared.kpis import time_zone
from crm_shared.settings import PeerAddressSettings, ProcessSettings
from pydantic import Field, SecretStr, field_validator

from gateway.forwarded import parse_peers


class GatewaySettings(FieldKeySettings, ProcessSettings, PeerAddressSettings):
    """``crm-gateway serve``: HTTP server, token issuing, identity database, peers' addresses."""

    # FIELD_ENCRYPTION_KEY (and _PREVIOUS_KEYS): seals a user's e-mail and phone in
    # identity.user_upserted for the notification worker, which holds the same key
    # (crm_shared.staff_addresses); not the customer service's key. Checked here when set;
    # unset (tests), each process seals with a random key of its own and staff get no e-mail
    # or SMS, so the chart and `make run` always set it.
    key_required: ClassVar[bool] = False
    field_encryption_key: SecretStr = SecretStr("")

    service_name: str = "gateway"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"

    jwt_private_key_file: Path
    jwt_public_key_file: Path
    jwt_issuer: str = "crm-gateway"
    access_token_ttl_seconds: int = Field(900, ge=60, le=86_400)
    # A refresh token lives this long unused; a login session at most max_age, however used.
    refresh_token_ttl_seconds: int = Field(28_800, ge=60)
    refresh_session_max_age_seconds: int = Field(604_800, ge=60)
    service_token_ttl_seconds: int = Field(900, ge=60, le=86_400)
    # Each worker holds the token watermarks in memory (crm_shared.auth.revocations), read from
    # this database this often: a change made by another worker or replica is in force here
    # within one interval (one made by this worker at once), as at the services.
    jwt_revocations_poll_seconds: float = Field(2.0, gt=0, le=60)

    # Rate limits, shared by every worker and replica through the gateway's database.
    rate_limit_enabled: bool = True
    rate_limit_window_seconds: int = Field(60, ge=1, le=3_600)
    rate_limit_user_requests: int = Field(600, ge=1)
    rate_limit_service_account_requests: int = Field(3_000, ge=1)
    # The public routes (web forms, status lookup, public knowledge base: public_access.py,
    # limit_public): requests per window from one client address, and naming one target (a
    # ticket number, a phone), per route.
    public_rate_limit_per_address: int = Field(30, ge=1)
    public_rate_limit_per_target: int = Field(10, ge=1)
    public_rate_limit_window_seconds: int = Field(60, ge=1, le=3_600)
    # Verifies the SMS gateway's inbound webhook (a customer's reply, e.g. 退订:
    # views/public_consents.py): the HMAC secret the operator's SMS gateway signs with, usually
    # the notification worker's SMS_GATEWAY_SECRET. Empty: every inbound call is refused (401).
    sms_inbound_secret: str = Field("", repr=False)
    # Login throttle (the rule: gateway/ratelimits.py, LoginThrottle): failed attempts in the
    # window from one client address (any accounts), for one account from one address, and
    # for one account from all addresses (refuses only addresses it never logged in from).
    login_throttle_window_seconds: int = Field(900, ge=1)
    login_failures_per_address: int = Field(50, ge=1)
    login_failures_per_account_address: int = Field(5, ge=1)
    login_failures_per_account: int = Field(10, ge=1)
    # Memory all workers of one server may spend on password hashes at once; each worker
    # runs floor(this / workers / Argon2 memory cost) hashes at a time, at least one
    # (identity/passwords.py; the cost is 64 MiB, so the default is one per worker).
    password_hashing_memory_mib: int = Field(128, ge=1)
    # How long a login waits for a free hashing slot before a 429 with Retry-After.
    password_hashing_wait_seconds: float = Field(2.0, ge=0, le=30)
    idempotency_ttl_seconds: int = Field(86_400, ge=60)
    # Comma-separated allowed origins for CORS (empty: CORS off); `*` allows any origin.
    cors_allowed_origins: str = ""
    # Reverse proxies in front, each adding the address it was reached from to X-Forwarded-For:
    # the client address is the entry this many from the right; entries further left, which
    # the client could have written, are ignored. The chart sets 1 (the ingress controller).
    http_trusted_proxies: int = Field(0, ge=0, le=5)
    # The peers (addresses or networks, comma-separated) whose X-Forwarded-For counts; empty:
    # every peer (the chart, where the NetworkPolicy admits only the ingress controller, the
    # console and the suite's own services).
    # ``make run``: loopback, the console's hop (gateway/forwarded.py).
    http_trusted_proxy_peers: str = ""
    dashboard_timeout_seconds: float = Field(3.0, gt=0, le=60)
    # The zone the dashboard's period words count days in when the caller names none
    # (`time_zone`): the console's CONSOLE_TIME_ZONE, so "this month" is the same on both.
    dashboard_time_zone: str = "Asia/Shanghai"

    http_host: str = "0.0.0.0"
    http_port: int = Field(8080, ge=1, le=65_535)
    http_workers: int = Field(2, ge=1)
    http_threads: int = Field(8, ge=1)
    http_max_body_bytes: int = Field(1_048_576, ge=1_024)
    http_graceful_timeout_seconds: int = Field(30, ge=1)

    demo_mode: bool = False

    outbox_relay: bool = True
    outbox_poll_seconds: float = Field(0.5, gt=0)

    @field_validator("http_trusted_proxy_peers")
    @classmethod
    def _peer_networks(cls, value: str) -> str:
        parse_peers(value)  # ValueError: not an address or network
        return value

    def trusted_proxy_peers(self):
        return parse_peers(self.http_trusted_proxy_peers)

    @field_validator("dashboard_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)  # ValueError: not an IANA zone
        return value

    def longest_token_seconds(self) -> int:
        """The longest an access token lives (a person's or a service account's)."""
        return max(self.access_token_ttl_seconds, self.service_token_ttl_seconds)

    def cors_origins(self) -> frozenset[str]:
        return frozenset(o.strip() for o in self.cors_allowed_origins.split(",") if o.strip())
