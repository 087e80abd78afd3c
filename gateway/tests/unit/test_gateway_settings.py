"""GatewaySettings: the documented defaults, and a clear stop when something is missing."""

from __future__ import annotations

import pytest
from crm_shared.settings import ConfigurationError, load_settings
from gateway.settings import GatewaySettings

GATEWAY_VARIABLES = [
    "AMQP_URL",
    "JWT_ISSUER",
    "ACCESS_TOKEN_TTL_SECONDS",
    "HTTP_HOST",
    "HTTP_PORT",
    "HTTP_WORKERS",
    "HTTP_THREADS",
    "DEMO_MODE",
    "CUSTOMER_ADDR",
    "SALES_ADDR",
    "TICKET_ADDR",
    "MARKETING_ADDR",
    "NOTIFICATION_ADDR",
    "GRPC_TIMEOUT_SECONDS",
    "OUTBOX_RELAY",
    "LOG_LEVEL",
    "SERVICE_NAME",
]


@pytest.fixture
def clean_env(monkeypatch):
    for name in GATEWAY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults(clean_env, signing_keys):
    settings = load_settings(
        GatewaySettings,
        database_url="sqlite://",
        jwt_private_key_file=signing_keys.private,
        jwt_public_key_file=signing_keys.public,
    )
    assert settings.jwt_issuer == "crm-gateway"
    assert settings.access_token_ttl_seconds == 900
    assert (settings.http_host, settings.http_port) == ("0.0.0.0", 8080)
    assert (settings.http_workers, settings.http_threads) == (2, 8)
    assert settings.demo_mode is False and settings.outbox_relay is True
    assert settings.grpc_timeout_seconds == 5
    assert settings.peer_addresses() == {
        "customer": "127.0.0.1:50051",
        "sales": "127.0.0.1:50052",
        "ticket": "127.0.0.1:50053",
        "marketing": "127.0.0.1:50054",
        "notification": "127.0.0.1:50055",
    }


def test_environment_overrides(clean_env, monkeypatch, signing_keys):
    monkeypatch.setenv("DEMO_MODE", "true")
    monkeypatch.setenv("CUSTOMER_ADDR", "customer:50051")
    monkeypatch.setenv("HTTP_PORT", "9090")
    settings = load_settings(
        GatewaySettings,
        database_url="sqlite://",
        jwt_private_key_file=signing_keys.private,
        jwt_public_key_file=signing_keys.public,
    )
    assert settings.demo_mode is True
    assert settings.http_port == 9090
    assert settings.peer_addresses()["customer"] == "customer:50051"


def test_missing_key_file_stops_with_a_message_naming_it(clean_env, tmp_path, signing_keys, capsys):
    with pytest.raises(ConfigurationError) as raised:
        load_settings(
            GatewaySettings,
            database_url="sqlite://",
            jwt_private_key_file=tmp_path / "absent.pem",
            jwt_public_key_file=signing_keys.public,
        )
    assert "JWT_PRIVATE_KEY_FILE" in raised.value.message
