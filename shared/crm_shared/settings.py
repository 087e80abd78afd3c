"""Configuration from environment variables, parsed once in ``main()`` into a frozen object.

Every process calls :func:`load_settings` with its settings class at start. A missing or
malformed variable stops the process with one message naming every bad variable, instead
of a traceback at the first use.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigurationError(SystemExit):
    """Raised (and exits with status 2) when the environment does not describe a runnable process."""

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - shown by the interpreter
        return self.message


class ProcessSettings(BaseSettings):
    """What every process of every service needs."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    service_name: str
    database_url: str
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class TopologySettings(BaseSettings):
    """How a worker's queues are declared; the worker and ``migrate`` must agree on it."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    amqp_queue_type: Literal["classic", "quorum"] = "classic"
    event_retry_delays: str = "1,5,30,120"

    @field_validator("event_retry_delays")
    @classmethod
    def _delays_are_positive_seconds(cls, value: str) -> str:
        try:
            delays = [float(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ValueError("must be comma-separated seconds, e.g. 1,5,30,120") from None
        if not delays or any(delay <= 0 for delay in delays):
            raise ValueError("must list at least one positive number of seconds")
        return value

    @property
    def retry_delays_seconds(self) -> tuple[float, ...]:
        return tuple(float(part) for part in self.event_retry_delays.split(",") if part.strip())


class MigrateSettings(ProcessSettings, TopologySettings):
    """``<svc>-service migrate``: the database schema, and the worker's queues when
    ``AMQP_URL`` is set (so events published before the worker first starts are kept)."""

    amqp_url: str | None = None


class ApiSettings(ProcessSettings):
    """A service's gRPC api process (with the outbox relay beside it)."""

    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    jwt_issuer: str = "crm-gateway"
    jwt_public_key_file: Path
    # The gateway's token revocations document (crm_shared.auth.revocations.DOCUMENT_PATH),
    # polled every jwt_revocations_poll_seconds: a disabled user's or changed role's tokens stop
    # working here within one interval. Unset: they work until they expire (a warning at start).
    jwt_revocations_url: str | None = None
    jwt_revocations_poll_seconds: float = Field(2.0, gt=0, le=60)
    grpc_port: int = 50051
    # Reflection lists every RPC and message to anyone who can reach the port: off unless a
    # developer's stack (``make run``) or an operator turns it on.
    grpc_reflection: bool = False
    grpc_max_workers: int = 16
    grpc_shutdown_grace_seconds: float = 10.0
    health_check_seconds: float = 5.0
    outbox_relay: bool = True
    outbox_poll_seconds: float = 0.5
    outbox_retention_hours: float = 168.0


class WorkerSettings(ProcessSettings, TopologySettings):
    """A service's nameko worker process."""

    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    worker_http_port: int = 8000
    max_workers: int = 10
    processed_event_retention_days: float = 30.0


class ServiceCredentialsSettings(BaseSettings):
    """The service account a process authenticates as for background calls to its peers
    (:class:`crm_shared.auth.service_credentials.ClientCredentials`): mixed into the settings of
    a process that has such calls. All three are needed together."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    service_token_url: str | None = None  # the gateway's /api/v1/auth/token
    service_client_id: str | None = None
    service_client_secret: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _all_or_none(self):
        given = [self.service_token_url, self.service_client_id, self.service_client_secret]
        if any(given) and not all(given):
            raise ValueError("SERVICE_TOKEN_URL, SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET "
                             "go together: set all three or none")
        return self

    def service_token_provider(self):
        """The token provider for background peer calls, or None when no account is set."""
        from crm_shared.auth.service_credentials import ClientCredentials

        if not self.service_client_id:
            return None
        return ClientCredentials(self.service_token_url, self.service_client_id,
                                 self.service_client_secret)


class PeerAddressSettings(BaseSettings):
    """Where each service's gRPC api listens (``<SVC>_ADDR``), mixed into the settings of every
    process that calls them all (the gateway, the console)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    customer_addr: str = "127.0.0.1:50051"
    sales_addr: str = "127.0.0.1:50052"
    ticket_addr: str = "127.0.0.1:50053"
    marketing_addr: str = "127.0.0.1:50054"
    notification_addr: str = "127.0.0.1:50055"
    grpc_timeout_seconds: float = Field(5.0, gt=0, le=120)

    def peer_addresses(self) -> dict[str, str]:
        """``host:port`` of each service's gRPC api, by service name."""
        return {
            "customer": self.customer_addr,
            "sales": self.sales_addr,
            "ticket": self.ticket_addr,
            "marketing": self.marketing_addr,
            "notification": self.notification_addr,
        }


S = TypeVar("S", bound=BaseSettings)


def load_settings(cls: type[S], **overrides: object) -> S:
    """Read ``cls`` from the environment; exit with a readable message when it does not validate."""
    try:
        settings = cls(**overrides)
    except ValidationError as exc:
        lines = [f"Configuration error in {cls.__name__}:"]
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper()
            lines.append(f"  {name}: {error['msg']}")
        message = "\n".join(lines)
        print(message, file=sys.stderr)
        raise ConfigurationError(message) from None
    _check_files(settings)
    return settings


def _check_files(settings: BaseSettings) -> None:
    missing = [
        f"  {name.upper()}: file {value} does not exist"
        for name, value in settings.model_dump().items()
        if name.endswith("_file") and isinstance(value, Path) and not value.is_file()
    ]
    if missing:
        message = "\n".join([f"Configuration error in {type(settings).__name__}:", *missing])
        print(message, file=sys.stderr)
        raise ConfigurationError(message)
