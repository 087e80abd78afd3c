"""Whose X-Forwarded-For the gateway believes (gateway.forwarded): with HTTP_TRUSTED_PROXY_PEERS
set (``make run``: loopback, where the console calls from) only those peers' header counts; a
caller reaching the gateway from anywhere else keeps its own address whatever it writes. Empty
(the chart, behind its NetworkPolicy): every peer's, as ProxyFix alone."""

from __future__ import annotations

import pytest
from crm_shared.settings import ConfigurationError, load_settings
from gateway.forwarded import TrustedForwardedFor, parse_peers
from gateway.settings import GatewaySettings
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response


@Request.application
def echo_address(request: Request) -> Response:
    return Response(request.remote_addr or "")


def seen(peers: str, peer: str, forwarded_for: str) -> str:
    app = TrustedForwardedFor(echo_address, hops=1, peers=parse_peers(peers))
    return (
        Client(app)
        .get("/", environ_base={"REMOTE_ADDR": peer}, headers={"X-Forwarded-For": forwarded_for})
        .text
    )


@pytest.mark.parametrize(
    ("peer", "expected"),
    [
        ("127.0.0.1", "203.0.113.5"),  # the console, on this machine: it names its visitor
        ("::1", "203.0.113.5"),
        ("192.0.2.44", "192.0.2.44"),  # a visitor calling the gateway directly: its own address
    ],
)
def test_only_a_trusted_peer_names_the_client_address(peer, expected) -> None:
    assert seen("127.0.0.1,::1", peer, "203.0.113.5") == expected


def test_a_network_trusts_each_of_its_addresses() -> None:
    assert seen("10.0.0.0/8", "10.3.2.1", "203.0.113.5") == "203.0.113.5"
    assert seen("10.0.0.0/8", "11.0.0.1", "203.0.113.5") == "11.0.0.1"


def test_without_peers_every_peer_is_a_hop() -> None:
    assert seen("", "192.0.2.44", "203.0.113.5") == "203.0.113.5"


def test_a_peer_that_is_no_address_stops_the_gateway_at_start(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="HTTP_TRUSTED_PROXY_PEERS"):
        load_settings(
            GatewaySettings,
            jwt_private_key_file=tmp_path / "k",
            jwt_public_key_file=tmp_path / "k.pub",
            http_trusted_proxy_peers="127.0.0.1,the-console",
        )
