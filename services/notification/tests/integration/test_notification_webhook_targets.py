"""Webhooks cannot be turned against the cluster (SSRF): the real api refuses internal targets
when they are registered, the real dispatcher checks again at each send and connects to the
address it checked, and what a receiver answers never reaches the delivery list.

Host names are resolved by resolvers the tests inject (the api's and the worker's, as two
processes would), so a name can be public when it is registered and loopback when it is sent
to: DNS rebinding. The receivers are real local servers, one of them speaking TLS with a
certificate for a name only the injected resolver knows.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
import threading
import uuid
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.notification.v1 import events_pb2 as notification_events
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.ticket.v1 import events_pb2 as ticket_events
from crm.ticket.v1 import ticket_pb2
from crm_devstack.inprocess_api import InProcessApi
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.status import describe_rpc_error
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.protobuf import field_mask_pb2
from notification_service.api import build_bindings
from notification_service.dispatch import DeliveryDispatcher
from notification_service.models import Delivery, DeliveryAttempt, Preferences, Recipient
from notification_service.notify import notify
from notification_service.settings import NotificationApiSettings, NotificationWorkerSettings
from sqlalchemy import select

pytestmark = pytest.mark.integration

S = notification_pb2.DeliveryStatus
C = types_pb2.DeliveryChannel
SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
SECRET = "webhook-secret-" + "x" * 24
PUBLIC = "93.184.215.14"
REBINDING_NAME = "hooks.rebind.test"  # public when registered, loopback when sent to
REMOTE_SECRET = "db-password=hunter2 (internal admin page)"


# -- resolvers: what each process's DNS answers -------------------------------------------------


def api_resolver(host: str, port: int) -> list[str]:
    """The api's view when the webhooks are registered."""
    return {"intranet.rebind.test": ["192.168.20.1"]}.get(host, [PUBLIC])


def worker_resolver(host: str, port: int) -> list[str]:
    """The worker's view when they are sent: the name was rebound to loopback."""
    if host == REBINDING_NAME:
        return ["127.0.0.1"]
    raise OSError(f"{host}: Name or service not known")


# -- real receivers ---------------------------------------------------------------------------


class Receiver:
    """A local HTTP(S) receiver: every connection and request it got, and what it answers."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.connections = 0
        self.requests: list[tuple[str, dict, bytes]] = []
        self.server_names: list[str | None] = []
        self.status, self.answer, self.location = 204, b"", ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def get_request(self):
                connection, address = self.socket.accept()
                receiver.connections += 1
                if tls is not None:  # the handshake, here (a failed one drops the connection)
                    connection = tls.wrap_socket(connection, server_side=True)
                return connection, address

        if tls is not None:
            tls.sni_callback = lambda _socket, name, _context: self.server_names.append(name)
        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(scope="module")
def tls_receiver(tmp_path_factory):
    """A TLS receiver whose certificate names only ``REBINDING_NAME``; its CA bundle."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    now = dt.datetime.now(dt.UTC)

    def certificate(subject: str, key, issuer: str, signer, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(REBINDING_NAME)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_cert = certificate("test CA", ca_key, "test CA", ca_key, ca=True)
    leaf = certificate(REBINDING_NAME, leaf_key, "test CA", ca_key, ca=False)
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.key").write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "leaf.pem", folder / "leaf.key")
    server = Receiver(tls=context)
    yield server, str(folder / "ca.pem")
    server.close()


# -- the service's side -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(module_migrated_database):
    db = Database(module_migrated_database("notification_service"))
    yield db
    db.dispose()


def _claims(user_id: str) -> dict:
    """A person in the tech department; ``svc-…`` is a service account that may send."""
    if user_id.startswith("svc-"):
        return {
            "user_id": user_id,
            "username": user_id,
            "roles": ["service"],
            "department_path": "",
            "data_scope": "all",
            "scopes": ["notification.send"],
        }
    return {
        "user_id": user_id,
        "username": user_id,
        "roles": ["service_agent"],
        "department_path": "/hq/tech",
        "data_scope": "own",
    }


@pytest.fixture(scope="module")
def api(database, keys):
    """The api as deployed: no allow-list."""
    server = InProcessApi(
        "notification",
        partial(build_bindings, resolver=api_resolver),
        database,
        keys,
        service=SERVICE,
        claims=_claims,
        stub_class=notification_pb2_grpc.NotificationServiceStub,
        settings_cls=NotificationApiSettings,
    )
    yield server.stub
    server.stop()


@pytest.fixture(scope="module")
def allowing_api(database, keys):
    """The api of an operator who lets webhooks reach 127.0.0.1 on purpose."""
    server = InProcessApi(
        "notification",
        partial(build_bindings, resolver=api_resolver),
        database,
        keys,
        service=SERVICE,
        claims=_claims,
        stub_class=notification_pb2_grpc.NotificationServiceStub,
        settings_cls=NotificationApiSettings,
        webhook_allowed_targets="127.0.0.1",
    )
    yield server.stub
    server.stop()


def _dispatcher(database, *, allowed: str = "", tls_verify: bool | str = True):
    settings = NotificationWorkerSettings(
        service_name="notification",
        database_url=database.url,
        webhook_timeout_seconds=5,
        webhook_allowed_targets=allowed,
        delivery_max_attempts=3,
    )
    return DeliveryDispatcher(database, settings, resolver=worker_resolver, tls_verify=tls_verify)


def _register(stub, url: str):
    return stub.UpdateNotificationPreferences(
        notification_pb2.UpdateNotificationPreferencesRequest(
            preferences=notification_pb2.NotificationPreferences(
                default_channels=[C.DELIVERY_CHANNEL_WEBHOOK],
                webhook=notification_pb2.WebhookEndpoint(url=url, secret=SECRET, enabled=True),
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["default_channels", "webhook"]),
        )
    )


def _lead_with_webhook(database, stub_for, url: str) -> tuple[str, str]:
    """A department lead (the seeded transfer rule tells them) whose webhook is ``url``,
    registered through ``stub_for``'s api; their id and department."""
    user_id, department = f"u-{uuid.uuid4().hex[:8]}", f"/hq/tech-{uuid.uuid4().hex[:6]}"
    with database.unit_of_work() as uow:
        uow.session.add(
            Recipient(
                user_id=user_id,
                username=user_id,
                display_name=user_id,
                email=f"{user_id}@example.com",
                locale="en-US",
                department_path=department,
                active=True,
                is_department_lead=True,
                roles="",
                time_zone="Asia/Shanghai",
                revision=1,
                update_time=utcnow(),
            )
        )
    _register(stub_for(user_id), url)
    return user_id, department


def _transfer_into(database, department: str) -> None:
    event = ticket_events.TicketTransferred(
        ticket=ticket_pb2.Ticket(
            id=str(uuid.uuid4()), number="T20260302-0042", title="VPN", department_path=department
        ),
        from_department_path="/hq/service",
        to_department_path=department,
        reason="network",
    )
    with database.unit_of_work() as uow:
        notify(uow.session, event, event_id=str(uuid.uuid4()), emit=uow.emit, now=utcnow())


def _webhook_delivery(database, user_id: str) -> Delivery:
    with database.unit_of_work(readonly=True) as uow:
        (row,) = uow.session.scalars(
            select(Delivery).where(
                Delivery.recipient_id == user_id, Delivery.channel == C.DELIVERY_CHANNEL_WEBHOOK
            )
        )
        uow.session.expunge(row)
        return row


def _run_until_idle(dispatcher) -> None:
    while dispatcher.run_once():
        pass


# -- at registration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://172.20.0.8/hooks",
        "https://169.254.169.254/latest/meta-data/iam/",
        "https://100.100.100.200/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[fd00:ec2::254]/latest/",
        "https://2130706433/hooks",  # 127.0.0.1 in decimal
        "https://0x7f.1/hooks",
        "https://localhost/hooks",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://intranet.rebind.test/hooks",  # resolves to a private address
    ],
)
def test_a_webhook_to_an_internal_target_is_refused_on_its_url(api, database, url):
    user = f"u-{uuid.uuid4().hex[:8]}"
    with pytest.raises(grpc.RpcError) as caught:
        _register(api(user), url)
    error = describe_rpc_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["preferences.webhook.url"]
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Preferences, user) is None


def test_an_operators_message_to_an_internal_webhook_is_refused(api):
    sent = api("svc-marketing").SendMessages(
        notification_pb2.SendMessagesRequest(
            messages=[
                notification_pb2.OutboundMessage(
                    idempotency_key=f"hook:{uuid.uuid4()}",
                    channel=C.DELIVERY_CHANNEL_WEBHOOK,
                    customer_id="c-1",
                    recipient_address="https://169.254.169.254/latest/",
                    subject="s",
                    body="b",
                )
            ]
        )
    )
    (result,) = sent.results
    assert result.status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "recipient_address: must not point to a cloud metadata address" in result.status.message
    assert not result.delivery_id


# -- at send time -----------------------------------------------------------------------------


def test_a_name_rebound_to_loopback_is_not_posted_to_unless_allowed_and_then_to_the_checked_address(
    api, database, tls_receiver
):
    receiver, ca_bundle = tls_receiver
    url = f"https://{REBINDING_NAME}:{receiver.port}/crm"
    refused_user, refused_department = _lead_with_webhook(database, api, url)  # public now

    _transfer_into(database, refused_department)
    _run_until_idle(_dispatcher(database, tls_verify=ca_bundle))

    refused = _webhook_delivery(database, refused_user)
    assert (refused.status, refused.suppress_reason, refused.attempt_count) == (
        S.DELIVERY_STATUS_SUPPRESSED,
        "target_refused",
        0,
    )
    assert refused.last_error == "webhook URL refused: it must not point to a loopback address"
    assert receiver.connections == 0  # not even a TCP connection

    # The operator allows 127.0.0.1: the POST goes to the address the name was checked at
    # (the system resolver does not know the name at all), under the name's Host and SNI,
    # and the certificate is checked against the name.
    allowed_user, allowed_department = _lead_with_webhook(database, api, url)
    _transfer_into(database, allowed_department)
    _run_until_idle(_dispatcher(database, allowed="127.0.0.1", tls_verify=ca_bundle))

    delivered = _webhook_delivery(database, allowed_user)
    assert (delivered.status, delivered.attempt_count) == (S.DELIVERY_STATUS_DELIVERED, 1)
    ((path, headers, body),) = receiver.requests
    assert path == "/crm"
    assert headers["Host"] == f"{REBINDING_NAME}:{receiver.port}"
    assert receiver.server_names == [REBINDING_NAME]
    assert json.loads(body)["delivery_id"] == delivered.id


def test_a_local_receiver_is_reachable_only_when_the_allow_list_permits_it(
    api, allowing_api, database, receiver
):
    url = f"http://127.0.0.1:{receiver.port}/hooks/crm"
    with pytest.raises(grpc.RpcError) as caught:
        _register(api("u-someone"), url)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    user, department = _lead_with_webhook(database, allowing_api, url)
    _transfer_into(database, department)
    heard = len(receiver.requests)

    # A worker whose allow-list is empty (or was emptied since) does not send it.
    _run_until_idle(_dispatcher(database))
    assert len(receiver.requests) == heard
    assert _webhook_delivery(database, user).suppress_reason == "target_refused"

    user, department = _lead_with_webhook(database, allowing_api, url)
    _transfer_into(database, department)
    _run_until_idle(_dispatcher(database, allowed="127.0.0.0/8"))
    assert _webhook_delivery(database, user).status == S.DELIVERY_STATUS_DELIVERED
    assert len(receiver.requests) == heard + 1


def test_what_a_receiver_answers_never_reaches_the_delivery_list(
    api, allowing_api, database, receiver
):
    receiver.status, receiver.answer = 500, REMOTE_SECRET.encode()
    try:
        user, department = _lead_with_webhook(
            database, allowing_api, f"http://127.0.0.1:{receiver.port}/hooks/crm"
        )
        _transfer_into(database, department)
        _run_until_idle(_dispatcher(database, allowed="127.0.0.1"))
    finally:
        receiver.status, receiver.answer = 204, b""

    listed = api(user).ListDeliveries(
        notification_pb2.ListDeliveriesRequest(channel=C.DELIVERY_CHANNEL_WEBHOOK)
    )
    (delivery,) = listed.deliveries
    detail = api(user).GetDelivery(notification_pb2.GetDeliveryRequest(id=delivery.id))
    assert detail.status == S.DELIVERY_STATUS_RETRYING
    assert detail.last_error == "HTTP 500 Internal Server Error"
    assert [(a.response_code, a.error) for a in detail.attempts] == [
        ("500", "HTTP 500 Internal Server Error")
    ]
    with database.unit_of_work(readonly=True) as uow:
        stored = [
            uow.session.get(Delivery, delivery.id).last_error,
            *uow.session.scalars(
                select(DeliveryAttempt.error).where(DeliveryAttempt.delivery_id == delivery.id)
            ),
        ]
        failures = [
            wire.decode(row.payload, notification_events.NotificationDeliveryFailed)
            for row in uow.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.event_type
                    == notification_events.NotificationDeliveryFailed.DESCRIPTOR.full_name
                )
            )
        ]
    published = [str(f) for f in failures if f.delivery.id == delivery.id]
    assert published
    for text in (str(listed), str(detail), *stored, *published):
        assert "hunter2" not in text and "internal admin" not in text


def test_a_redirect_is_not_followed(allowing_api, database, receiver):
    elsewhere = Receiver()
    receiver.status, receiver.location = 302, f"http://127.0.0.1:{elsewhere.port}/steal"
    try:
        user, department = _lead_with_webhook(
            database, allowing_api, f"http://127.0.0.1:{receiver.port}/hooks/crm"
        )
        _transfer_into(database, department)
        _run_until_idle(_dispatcher(database, allowed="127.0.0.1"))
    finally:
        receiver.status, receiver.location = 204, ""
        elsewhere.close()
    delivery = _webhook_delivery(database, user)
    assert (delivery.status, delivery.last_error) == (S.DELIVERY_STATUS_RETRYING, "HTTP 302 Found")
    assert elsewhere.connections == 0
