"""Configuration of the console, read once in ``main()`` (never at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from crm_shared.settings import PeerAddressSettings
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsoleSettings(PeerAddressSettings, BaseSettings):
    """``crm-console serve``: the staff web console."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    service_name: str = "console"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # The gateway's base URL as this process reaches it: sign-in, refresh, sign-out and the
    # identity directory (users, departments, the caller's profile) are the gateway's.
    gateway_url: str = "http://127.0.0.1:8080"
    # Verifies the access tokens the gateway issues, so the console knows who is signed in.
    jwt_public_key_file: Path
    jwt_issuer: str = "crm-gateway"
    # The gateway's token revocations document, polled every jwt_revocations_poll_seconds, so a
    # disabled user or a changed role ends the session at once (crm_shared.auth.revocations).
    # Unset: a token works until it expires.
    jwt_revocations_url: str | None = None
    jwt_revocations_poll_seconds: float = Field(2.0, gt=0, le=60)

    # Encrypts and authenticates the session cookie (it holds the user's tokens) and keys the
    # CSRF tokens. At least 32 characters; every replica must share it.
    console_secret_key: str = Field(min_length=32, repr=False)
    # Send the session cookie over HTTPS only. Set false only for plain-HTTP local runs.
    console_secure_cookies: bool = True
    # The zone dates and times are shown in (IANA name).
    console_time_zone: str = "Asia/Shanghai"
    # How long the dashboard keeps a service's KPI report for the same person, period and
    # department (0: ask every time). Each panel shows when its figures were computed and the
    # page's "Refresh figures" asks again.
    console_dashboard_cache_seconds: float = Field(60.0, ge=0, le=3600)

    # Reverse proxies in front (the ingress controller: 1), each adding the address it was
    # reached from to X-Forwarded-For; as in the gateway. The client address so found is what
    # a sign-in forwards to the gateway, whose login throttle keys on it.
    http_trusted_proxies: int = Field(0, ge=0, le=5)

    # Public pages (survey and unsubscribe links, web forms; crm_console.public): the company
    # name they show their visitors, and how many requests one client address, and one target
    # (a link, a phone or e-mail looked up), may make per window and form in each process
    # before the page answers 429 (public/abuse.py).
    public_company_name: str = Field("", max_length=200)
    public_rate_limit_per_address: int = Field(30, ge=1, le=100_000)
    public_rate_limit_per_target: int = Field(10, ge=1, le=100_000)
    public_rate_limit_window_seconds: int = Field(60, ge=1, le=86_400)
    # The sites that may embed the web-to-lead form (/forms/lead) in a frame, space-separated
    # origins (https://www.example.com): its CSP frame-ancestors. Empty: none may.
    public_lead_form_frame_ancestors: str = Field("", max_length=2000)

    http_host: str = "0.0.0.0"
    console_port: int = Field(8090, ge=1, le=65_535)
    http_workers: int = Field(2, ge=1)
    http_threads: int = Field(8, ge=1)
    http_graceful_timeout_seconds: int = Field(30, ge=1)

    @field_validator("console_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone, e.g. Asia/Shanghai") from None
        return value

    @field_validator("gateway_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")
