"""What the console's in-process tests share: small gRPC services on a free port
(:func:`serve_grpc`), the console app pointed at them (:func:`console_for`; every peer not
served is a port nothing listens on, i.e. down), clients signed in with a token of the
test's own signing key (:meth:`ConsoleUnderTest.client`), and a bare application context
for pure functions (:func:`app_context`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass
from types import SimpleNamespace

import grpc
import pytest
from crm.customer.v1 import customer_pb2_grpc
from crm.marketing.v1 import marketing_pb2_grpc
from crm.notification.v1 import notification_pb2_grpc
from crm.sales.v1 import sales_pb2_grpc
from crm.ticket.v1 import ticket_pb2_grpc
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_devstack.ports import free_port
from crm_shared.auth import TokenIssuer, generate_signing_key
from crm_shared.grpc.peers import Peers
from crm_shared.settings import load_settings
from flask import Flask
from flask.testing import FlaskClient

SECRET = "console-test-secret-key-of-at-least-32-chars"

# peer → (the servicer base class a fake subclasses, the function that serves it)
SERVICERS = {
    "customer": (
        customer_pb2_grpc.CustomerServiceServicer,
        customer_pb2_grpc.add_CustomerServiceServicer_to_server,
    ),
    "sales": (
        sales_pb2_grpc.SalesServiceServicer,
        sales_pb2_grpc.add_SalesServiceServicer_to_server,
    ),
    "ticket": (
        ticket_pb2_grpc.TicketServiceServicer,
        ticket_pb2_grpc.add_TicketServiceServicer_to_server,
    ),
    "marketing": (
        marketing_pb2_grpc.MarketingServiceServicer,
        marketing_pb2_grpc.add_MarketingServiceServicer_to_server,
    ),
    "notification": (
        notification_pb2_grpc.NotificationServiceServicer,
        notification_pb2_grpc.add_NotificationServiceServicer_to_server,
    ),
}


# People of the demo organisation, as their tokens name them; a test names one by username.
PEOPLE = {
    "rep.zhang": {
        "user_id": "u-rep",
        "username": "rep.zhang",
        "roles": ["sales_rep"],
        "department_path": "/hq/sales/east",
        "data_scope": "own",
    },
    "marketer.chen": {
        "user_id": "u-mk",
        "username": "marketer.chen",
        "roles": ["marketer"],
        "department_path": "/hq/marketing",
        "data_scope": "all",
    },
}


@dataclass(frozen=True)
class ConsoleUnderTest:
    app: Flask
    issuer: TokenIssuer

    def token(self, who: dict | str) -> str:
        return self.issuer.issue(**(PEOPLE[who] if isinstance(who, str) else who))

    def client(self, who: dict | str, language: str = "en-US", *, token: str = "") -> FlaskClient:
        """A test client whose session holds ``who``'s access token (an hour to live; ``who``
        is a token's claims or a username of :data:`PEOPLE`) and ``language`` as the
        switcher's choice."""
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["access_token"] = token or self.token(who)
            session["access_expires_at"] = int(time.time()) + 3600
            session["language"] = language
        return client


@pytest.fixture
def app_context():
    """An application context whose console settings hold just the time zone (Asia/Shanghai):
    enough for the pure functions that format or read dates and times."""
    app = Flask(__name__)
    app.extensions["crm.console"] = SimpleNamespace(
        settings=SimpleNamespace(console_time_zone="Asia/Shanghai")
    )
    with app.app_context():
        yield


@pytest.fixture(scope="module")
def serve_grpc() -> Iterator[Callable[..., dict[str, str]]]:
    """``serve_grpc(*fakes)`` serves the fake servicers on one gRPC server on a free port and
    answers {peer: address} for each peer served; the servers stop with the module."""
    servers = []

    def serve(*servicers, workers: int = 8) -> dict[str, str]:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
        served = []
        for servicer in servicers:
            peer = next(
                peer for peer, (base, _add) in SERVICERS.items() if isinstance(servicer, base)
            )
            SERVICERS[peer][1](servicer, server)
            served.append(peer)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return {peer: f"127.0.0.1:{port}" for peer in served}

    yield serve
    for server in servers:
        server.stop(grace=0)


@pytest.fixture(scope="module")
def console_for(tmp_path_factory) -> Iterator[Callable[..., ConsoleUnderTest]]:
    """``console_for(addresses, timeout=3.0, **settings)``: the console app with the peers at
    ``addresses`` ({peer: address}, the others down), the gateway down (nothing listens) and
    tokens of a signing key of the module's own; closed with the module."""
    folder = tmp_path_factory.mktemp("keys")
    generate_signing_key(folder / "jwt.key", folder / "jwt.pub")
    issuer = TokenIssuer((folder / "jwt.key").read_bytes(), issuer="crm-gateway")
    apps = []

    def build(addresses: dict[str, str], *, timeout: float = 3.0, **settings) -> ConsoleUnderTest:
        down = f"127.0.0.1:{free_port()}"  # nothing listens there: a peer not served is down
        loaded = load_settings(
            ConsoleSettings,
            jwt_public_key_file=folder / "jwt.pub",
            console_secret_key=SECRET,
            console_secure_cookies=False,
            grpc_timeout_seconds=timeout,
            gateway_url=f"http://127.0.0.1:{free_port()}",
            **{f"{peer}_addr": addresses.get(peer, down) for peer in SERVICERS},
            **settings,
        )
        app = create_app(loaded, peers=Peers(loaded.peer_addresses(), timeout_seconds=timeout))
        apps.append(app)
        return ConsoleUnderTest(app, issuer)

    yield build
    for app in apps:
        app.extensions["crm.console"].peers.close()


@pytest.fixture(scope="module")
def public_client(console_for) -> Callable[..., FlaskClient]:
    """``public_client(**settings)``: a visitor's browser on the console's public pages, no one
    signed in, with every service and the gateway down (nothing listens): for what the pages
    decide themselves, before the gateway is called, or their plain page when it is
    unreachable. ``client.application`` is the console app."""

    def build(**settings) -> FlaskClient:
        app = console_for({}, **settings).app
        app.testing = True
        return app.test_client()

    return build
