"""Real in-process gRPC servers behind the gateway, on ports the kernel picks.

Servers are started with the runtime's own bootstrap (``crm_shared.grpc.server.GrpcApi``): the
real authentication interceptor verifies the token the gateway forwards, and the real error
interceptor turns typed errors into statuses with ``google.rpc`` details. The customer
routes run against the real customer service; the scripted servicers below raise chosen
statuses to test the mapping.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_shared.auth import Principal, TokenVerifier, current_principal
from crm_shared.auth.audiences import audience_of
from crm_shared.db import Database, utcnow
from crm_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.client import connect
from crm_shared.grpc.server import GrpcApi, ServiceBinding
from crm_shared.settings import ApiSettings, load_settings
from crm_shared.timestamps import to_timestamp
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor


@dataclass
class RunningApi:
    api: GrpcApi
    port: int

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.api.stop(grace=0)


@pytest.fixture
def start_grpc_api(tmp_path, signing_keys) -> Iterator[Callable[..., RunningApi]]:
    """Start a GrpcApi serving ``bindings`` on 127.0.0.1:<free port>; stopped after the test.
    Its verifier takes the audience of the service it serves, and ``revocations`` if given."""
    running: list[RunningApi] = []
    databases: list[Database] = []

    def start(
        bindings_for: Callable[[Database], list[ServiceBinding]],
        *,
        database_url: str | None = None,
        name: str = "test",
        revocations=None,
    ) -> RunningApi:
        url = database_url or f"sqlite:///{tmp_path / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        database = Database(url)
        databases.append(database)
        settings = load_settings(
            ApiSettings,
            service_name=name,
            database_url=url,
            jwt_public_key_file=signing_keys.public,
            amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",  # nothing listens: no relay, no broker
            outbox_relay=False,
            grpc_reflection=False,
            health_check_seconds=3600,
        )
        bindings = bindings_for(database)
        # the audience of the service it serves (a scripted servicer's name is not one)
        service = bindings[0].descriptor.full_name.split(".")[1]  # crm.<service>.v1.<Name>
        verifier = TokenVerifier.from_file(
            signing_keys.public, issuer="crm-gateway", audience=audience_of(service),
            revocations=revocations,
        )
        api = GrpcApi(settings, database, bindings, verifier)
        server = RunningApi(api, api.start("127.0.0.1:0"))
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()
    for database in databases:
        database.dispose()


@pytest.fixture(scope="session")
def rpc_status() -> Callable[..., grpc.StatusCode]:
    """``rpc_status(address, token, method, request)``: how the gRPC api at ``address`` answers
    one call of ``method`` (a ``MethodDescriptor``) made with ``token`` through the suite's
    client factory: OK, or the status it refused with. Whether a door takes a token is what
    the audience and revocation tests ask, of any service."""

    def status(
        address: str, token: str, method: MethodDescriptor, request
    ) -> grpc.StatusCode:
        service = method.containing_service
        channel = connect(address, [service], token_provider=lambda: token)
        try:
            channel.unary_unary(
                f"/{service.full_name}/{method.name}",
                request_serializer=type(request).SerializeToString,
                response_deserializer=message_factory.GetMessageClass(
                    method.output_type
                ).FromString,
            )(request, timeout=10)
            return grpc.StatusCode.OK
        except grpc.RpcError as error:
            return error.code()
        finally:
            channel.close()

    return status


@pytest.fixture
def customer_service(tmp_path, start_grpc_api, migrated_database) -> RunningApi:
    """The real customer service (its api and its migrations) on its own SQLite database."""
    from customer_service.api import build_bindings

    url = migrated_database("customer_service", path=tmp_path / "customer.db")
    return start_grpc_api(build_bindings, database_url=url, name="customer")


@pytest.fixture
def marketing_service(tmp_path, start_grpc_api, migrated_database) -> RunningApi:
    """The real marketing service (its api and its migrations) on its own SQLite database."""
    from marketing_service.api import build_bindings

    url = migrated_database("marketing_service", path=tmp_path / "marketing.db")
    return start_grpc_api(build_bindings, database_url=url, name="marketing")


@pytest.fixture
def ticket_customer_address() -> Iterator[str]:
    """Where the ticket service asks for customers' facts: nothing listens here, so tickets
    that name a customer are routed without them. A module needing them overrides this
    fixture with ``customer_service.address``."""
    yield from _refusing_address()


@pytest.fixture
def ticket_service(tmp_path, start_grpc_api, signing_keys, ticket_customer_address,
                   migrated_database) -> RunningApi:
    """The real ticket service (its api and its migrations) on its own SQLite database,
    breaking routing ties with a seed."""
    import random

    from ticket_service.api import build_bindings
    from ticket_service.settings import TicketApiSettings

    url = migrated_database("ticket_service", path=tmp_path / "ticket.db")
    settings = load_settings(
        TicketApiSettings,
        service_name="ticket",
        database_url=url,
        jwt_public_key_file=signing_keys.public,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False,
        grpc_reflection=False,
        health_check_seconds=3600,
        customer_addr=ticket_customer_address,
        # Generous: on a loaded test machine a 2 s look-up can time out and route the ticket
        # without its customer, which the tests that name a customer would misread.
        customer_lookup_timeout_seconds=10,
    )
    return start_grpc_api(
        lambda database: build_bindings(database, settings, rng=random.Random(7)),
        database_url=url,
        name="ticket",
    )


@pytest.fixture
def sales_customer_address() -> Iterator[str]:
    """Where the sales service asks about customers it has not heard of yet: nothing listens
    here. A module needing answers overrides this with ``customer_service.address``."""
    yield from _refusing_address()


@pytest.fixture
def sales_marketing_address() -> Iterator[str]:
    """Where the sales service checks the campaign a write names: nothing listens here (such
    a write is 503). A module needing answers overrides this with ``marketing_service.address``."""
    yield from _refusing_address()


def _refusing_address() -> Iterator[str]:
    """An address whose port this test holds, bound but never listening: a connection is
    refused at once, and no server started later in the test can be given the port (a free
    port handed out and left unused was, and a look-up then waited for an HTTP server's
    answer until the gateway's deadline: a rare 504)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{held.getsockname()[1]}"


@pytest.fixture
def sales_service(tmp_path, start_grpc_api, signing_keys, sales_customer_address,
                  sales_marketing_address, migrated_database) -> RunningApi:
    """The real sales service (its api and its migrations) on its own SQLite database."""
    from sales_service.api import build_bindings
    from sales_service.settings import SalesApiSettings

    url = migrated_database("sales_service", path=tmp_path / "sales.db")
    settings = load_settings(
        SalesApiSettings,
        service_name="sales",
        database_url=url,
        jwt_public_key_file=signing_keys.public,
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        outbox_relay=False,
        grpc_reflection=False,
        health_check_seconds=3600,
        customer_addr=sales_customer_address,
        customer_timeout_seconds=2.0,
        marketing_addr=sales_marketing_address,
        # a refusing address fails at once; a real marketing service answers well within this
        # on a loaded machine
        marketing_timeout_seconds=15.0,
    )
    return start_grpc_api(lambda database: build_bindings(database, settings),
                          database_url=url, name="sales")


# --- scripted servicers -------------------------------------------------------------------


@dataclass
class Calls:
    """What a scripted servicer received, and as whom."""

    seen: list[tuple[str, object, Principal]] = field(default_factory=list)

    def record(self, method: str, request) -> Principal:
        principal = current_principal()
        self.seen.append((method, request, principal))
        return principal


class ScriptedCustomers(customer_pb2_grpc.CustomerServiceServicer):
    """GetCustomer answers by id: ``forbidden`` → PERMISSION_DENIED, ``missing`` → NOT_FOUND,
    ``closed`` → FAILED_PRECONDITION, ``broken`` → an unexpected exception, ``slow`` → waits
    for ``release`` (at most 10 s); any other id is found. CreateCustomer always refuses the
    e-mail and the phone."""

    def __init__(self) -> None:
        self.calls = Calls()
        self.release = threading.Event()

    def GetCustomer(self, request, context):
        principal = self.calls.record("GetCustomer", request)
        if request.id == "forbidden":
            raise PermissionDenied("customer forbidden belongs to another department")
        if request.id == "missing":
            raise NotFound("customer missing not found")
        if request.id == "closed":
            raise FailedPrecondition("customer closed is archived")
        if request.id == "broken":
            raise RuntimeError("database password is hunter2")
        if request.id == "slow":
            self.release.wait(10)
        return customer_pb2.Customer(
            id=request.id,
            number="C20240301",
            type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
            display_name="王小明",
            owner_id=principal.user_id,
            department_path=principal.department_path,
            create_time=to_timestamp(utcnow()),
        )

    def CreateCustomer(self, request, context):
        self.calls.record("CreateCustomer", request)
        raise InvalidArgument(
            [
                FieldViolation("customer.email", "is not an e-mail address"),
                FieldViolation("customer.phone", "must be an 11-digit mainland mobile or E.164"),
            ]
        )


class ScriptedNotifications(notification_pb2_grpc.NotificationServiceServicer):
    """An inbox of two notifications for whoever calls; the first is unread."""

    def __init__(self) -> None:
        self.calls = Calls()

    def _inbox(self, principal: Principal) -> list[notification_pb2.Notification]:
        return [
            notification_pb2.Notification(
                id="n-1",
                recipient_id=principal.user_id,
                category="customer_created",
                title="新客户",
                body="张伟 创建了客户 西湖科技",
                subject_type="customer",
                subject_id="c-1",
                source_event_id="e-1",
                create_time=to_timestamp(utcnow()),
                priority=notification_pb2.NOTIFICATION_PRIORITY_NORMAL,
                source_service="customer",
                source_event_name="customer.created",
                locale="zh-CN",
                data={"customer_number": "C20240301"},
            ),
            notification_pb2.Notification(
                id="n-2",
                recipient_id=principal.user_id,
                category="ticket_routed",
                title="t",
                body="b",
                subject_type="ticket",
                subject_id="t-1",
                source_event_id="e-2",
                create_time=to_timestamp(utcnow()),
                read=True,
                read_time=to_timestamp(utcnow()),
            ),
        ]

    def ListNotifications(self, request, context):
        principal = self.calls.record("ListNotifications", request)
        items = [n for n in self._inbox(principal) if not (request.unread_only and n.read)]
        return notification_pb2.ListNotificationsResponse(notifications=items, next_page_token="p2")

    def GetUnreadCount(self, request, context):
        self.calls.record("GetUnreadCount", request)
        return notification_pb2.GetUnreadCountResponse(
            unread_count=1, unread_by_category={"customer_created": 1}
        )

    def MarkNotificationsRead(self, request, context):
        self.calls.record("MarkNotificationsRead", request)
        return notification_pb2.MarkNotificationsReadResponse(
            marked=1 if (request.all or "n-1" in request.ids) else 0, unread_count=0
        )

    def GetNotificationPreferences(self, request, context):
        principal = self.calls.record("GetNotificationPreferences", request)
        return notification_pb2.NotificationPreferences(user_id=principal.user_id)

    def UpdateNotificationPreferences(self, request, context):
        principal = self.calls.record("UpdateNotificationPreferences", request)
        answer = notification_pb2.NotificationPreferences()
        answer.CopyFrom(request.preferences)
        answer.user_id = principal.user_id
        answer.webhook.secret_set, answer.webhook.secret = bool(answer.webhook.secret), ""
        return answer

    def ListDeliveries(self, request, context):
        self.calls.record("ListDeliveries", request)
        return notification_pb2.ListDeliveriesResponse()


def customer_binding(servicer) -> Callable[[Database], list[ServiceBinding]]:
    return lambda _db: [
        ServiceBinding(
            descriptor=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
            servicer=servicer,
            add_to_server=customer_pb2_grpc.add_CustomerServiceServicer_to_server,
        )
    ]


def notification_binding(servicer) -> Callable[[Database], list[ServiceBinding]]:
    return lambda _db: [
        ServiceBinding(
            descriptor=notification_pb2.DESCRIPTOR.services_by_name["NotificationService"],
            servicer=servicer,
            add_to_server=notification_pb2_grpc.add_NotificationServiceServicer_to_server,
        )
    ]


@pytest.fixture
def scripted_customers(start_grpc_api) -> Iterator[tuple[ScriptedCustomers, RunningApi]]:
    servicer = ScriptedCustomers()
    server = start_grpc_api(customer_binding(servicer), name="scripted-customer")
    yield servicer, server
    servicer.release.set()


@pytest.fixture
def scripted_notifications(start_grpc_api) -> tuple[ScriptedNotifications, RunningApi]:
    servicer = ScriptedNotifications()
    return servicer, start_grpc_api(notification_binding(servicer), name="scripted-notification")
