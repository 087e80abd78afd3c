"""Whose ``X-Forwarded-For`` the gateway believes.

``HTTP_TRUSTED_PROXIES`` says how many hops in front add the address they were reached from;
the client address (the login throttle's and the public routes' key) is then the entry that
many from the right. Any caller can write that header, so it is believed only from a hop:
in the chart the NetworkPolicy admits only the ingress controller, the console and the suite's
own services, so every peer may be; under ``make run`` the gateway listens on every interface, and
``HTTP_TRUSTED_PROXY_PEERS`` (there: loopback, where the console calls from) names the peers
whose header counts. From any other peer the header is ignored and the client address is the
peer's own, so a visitor cannot pick their bucket by writing the header themselves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_peers(text: str) -> tuple[Network, ...]:
    """``"127.0.0.1, ::1, 10.0.0.0/8"`` as networks; ValueError on anything else."""
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip()
    )


class TrustedForwardedFor:
    """``ProxyFix`` for ``hops`` hops, applied to requests from ``peers`` only (every peer when
    ``peers`` is empty)."""

    def __init__(self, app, *, hops: int, peers: Sequence[Network] = ()) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=hops)
        self.peers = tuple(peers)

    def __call__(self, environ, start_response):
        if not self.peers or self._from_peer(environ.get("REMOTE_ADDR") or ""):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)

    def _from_peer(self, address: str) -> bool:
        try:
            peer = ipaddress.ip_address(address)
        except ValueError:  # a unix socket or a test client's made-up address
            return False
        return any(peer in network for network in self.peers)
