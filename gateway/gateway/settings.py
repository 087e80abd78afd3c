"""Configuration of the gateway, read once in ``main()`` (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from crm_shared.settings import ProcessSettings


class GatewaySettings(ProcessSettings):
    """``crm-gateway serve``: HTTP server, token issuing, identity database, peers' addresses."""

    service_name: str = "gateway"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"

    jwt_private_key_file: Path
    jwt_public_key_file: Path
    jwt_issuer: str = "crm-gateway"
    jwt_audience: str = "crm"
    access_token_ttl_seconds: int = Field(900, ge=60, le=86_400)

    http_host: str = "0.0.0.0"
    http_port: int = Field(8080, ge=1, le=65_535)
    http_workers: int = Field(2, ge=1)
    http_threads: int = Field(8, ge=1)
    http_max_body_bytes: int = Field(1_048_576, ge=1_024)
    http_graceful_timeout_seconds: int = Field(30, ge=1)

    demo_mode: bool = False

    customer_addr: str = "127.0.0.1:50051"
    sales_addr: str = "127.0.0.1:50052"
    ticket_addr: str = "127.0.0.1:50053"
    marketing_addr: str = "127.0.0.1:50054"
    notification_addr: str = "127.0.0.1:50055"
    grpc_timeout_seconds: float = Field(5.0, gt=0, le=120)

    outbox_relay: bool = True
    outbox_poll_seconds: float = Field(0.5, gt=0)

    def peer_addresses(self) -> dict[str, str]:
        """``host:port`` of each service's gRPC api, by service name."""
        return {
            "customer": self.customer_addr,
            "sales": self.sales_addr,
            "ticket": self.ticket_addr,
            "marketing": self.marketing_addr,
            "notification": self.notification_addr,
        }
