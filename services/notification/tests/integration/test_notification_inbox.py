"""The in-app inbox end to end inside one service: the real notification worker process
(`python -m notification_service worker`, database migrated by `... migrate`) consumes events
published by a real outbox relay through a real RabbitMQ, and the real gRPC api, in-process on
the same database, shows each caller their own inbox.

One worker and one api serve the whole module; each test uses its own user ids.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import uuid

import grpc
import pika
import pytest
from aiosmtpd.controller import Controller
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.ticket.v1 import events_pb2 as ticket_events
from crm.ticket.v1 import ticket_pb2
from crm_devstack.inprocess_api import InProcessApi
from crm_devstack.outbox_publisher import OutboxPublisher as Publisher
from crm_devstack.ports import free_port
from crm_devstack.service_process import WorkerProcess
from crm_devstack.waiting import wait_until
from crm_shared.events import topology, wire
from crm_shared.field_keys import FieldKeys
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.staff_addresses import put_addresses
from notification_service.api import build_bindings
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.integration

SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
STAFF_ADDRESS_KEY = base64.b64encode(os.urandom(32)).decode()
"""The key the gateway seals staff addresses with in identity.user_upserted; the worker holds
it too (its FIELD_ENCRYPTION_KEY), as in the chart."""


# -- the processes and the publishing side -----------------------------------------------------


@pytest.fixture(scope="module")
def vhost_url(rabbitmq):
    vhost = f"notification-{uuid.uuid4().hex[:8]}"
    rabbitmq.add_vhost(vhost)
    yield rabbitmq.url_for_vhost(vhost)
    rabbitmq.delete_vhost(vhost)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('notification') / 'notification.db'}"


class Mailbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def mailbox():
    """A real SMTP server the worker sends its e-mail to."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def worker(vhost_url, database_url, mailbox, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:  # the worker process inherits the environment
        env.setenv("SMTP_HOST", "127.0.0.1")
        env.setenv("SMTP_PORT", str(mailbox.port))
        env.setenv("DELIVERY_POLL_SECONDS", "0.2")
        env.setenv("FIELD_ENCRYPTION_KEY", STAFF_ADDRESS_KEY)
        process = WorkerProcess("notification_service", vhost_url, database_url,
                                tmp_path_factory.mktemp("notification-worker-log"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def publisher(vhost_url, worker, tmp_path_factory):
    side = Publisher(vhost_url, tmp_path_factory.mktemp("publisher"))
    yield side
    side.close()


class Inbox:
    """Reads of the worker's database, and waiting for it to handle an event."""

    def __init__(self, url: str, worker: WorkerProcess) -> None:
        self.engine = create_engine(url)
        self.worker = worker

    def entries(self, **where) -> list[dict]:
        clause = " AND ".join(f"{column} = :{column}" for column in where)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(
                text(f"SELECT * FROM inbox_entries WHERE {clause} ORDER BY create_time"),
                where).mappings()]

    def processed(self, consumer: str, event_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM processed_events "
                     "WHERE consumer = :consumer AND event_id = :id"),
                {"consumer": consumer, "id": event_id}).scalar_one()

    def deliveries(self, event_id: str, recipient_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM deliveries "
                     "WHERE source_event_id = :id AND recipient_id = :recipient"),
                {"id": event_id, "recipient": recipient_id}).scalar_one()

    def handled(self, event_id: str, handler: str = "customer_created") -> None:
        wait_until(lambda: self.processed(f"notification.{handler}", event_id) == 1, timeout=15,
                   message=lambda: f"event {event_id} was never handled:\n{self.worker.log_tail()}")


@pytest.fixture(scope="module")
def inbox(database_url, worker):
    reader = Inbox(database_url, worker)
    yield reader
    reader.engine.dispose()


def _user_id() -> str:
    return f"u-{uuid.uuid4().hex[:8]}"


def _customer_created(owner_id: str, number: str = "C00000001",
                      name: str = "上海某某科技有限公司") -> customer_events.CustomerCreated:
    return customer_events.CustomerCreated(
        customer=customer_pb2.Customer(
            id=str(uuid.uuid4()), number=number, display_name=name, owner_id=owner_id,
            type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, department_path="/hq/sales/east"),
        actor_id=owner_id)


def _user_upserted(user_id: str, locale: str, revision: int = 1):
    """As the gateway publishes it: the address masked and sealed, never in clear."""
    event = identity_events.UserUpserted(
        user_id=user_id, username=f"name-{user_id}", display_name="Li Lei",
        department_path="/hq/sales/east", locale=locale, active=True, revision=revision)
    return put_addresses(event, email=f"{user_id}@example.com", phone="",
                         keys=FieldKeys.from_base64(STAFF_ADDRESS_KEY))


# -- the worker --------------------------------------------------------------------------------


def test_customer_created_puts_one_entry_in_the_owners_inbox(publisher, inbox):
    owner = _user_id()
    event = _customer_created(owner, number="C00000042")
    event_id = publisher.publish(event)
    inbox.handled(event_id)
    (entry,) = inbox.entries(subject_id=event.customer.id)  # the owner's, and nobody else's
    assert entry["recipient_id"] == owner
    assert (entry["category"], entry["subject_type"], entry["source_event_id"]) == (
        "customer.created", "customer", event_id)
    assert entry["title"] == "新客户 C00000042：上海某某科技有限公司"
    assert entry["body"] == "客户 上海某某科技有限公司（C00000042）已创建，您是负责人。"
    assert entry["read_time"] is None


def test_the_same_event_delivered_again_leaves_one_entry(publisher, inbox):
    owner = _user_id()
    event_id = publisher.publish(_customer_created(owner))
    inbox.handled(event_id)
    publisher.republish(event_id)
    # A later event on the same queue: once it is handled, the duplicate has been consumed.
    inbox.handled(publisher.publish(_customer_created(_user_id())))
    assert len(inbox.entries(recipient_id=owner)) == 1
    assert inbox.processed("notification.customer_created", event_id) == 1


def test_an_owner_whose_locale_is_english_gets_an_english_title(publisher, inbox):
    owner = _user_id()
    inbox.handled(publisher.publish(_user_upserted(owner, "en-US")), handler="user_upserted")
    inbox.handled(publisher.publish(_customer_created(owner, number="C00000007", name="ACME")))
    (entry,) = inbox.entries(recipient_id=owner)
    assert entry["title"] == "New customer C00000007: ACME"
    assert entry["body"] == "Customer ACME (C00000007) was created and you are its owner."


def test_an_older_upsert_arriving_late_does_not_change_the_language(publisher, inbox):
    owner = _user_id()
    inbox.handled(publisher.publish(_user_upserted(owner, "en-US", revision=2)),
                  handler="user_upserted")
    inbox.handled(publisher.publish(_user_upserted(owner, "zh-CN", revision=1)),
                  handler="user_upserted")
    inbox.handled(publisher.publish(_customer_created(owner, number="C00000008", name="ACME")))
    (entry,) = inbox.entries(recipient_id=owner)
    assert entry["title"] == "New customer C00000008: ACME"


# -- the api -----------------------------------------------------------------------------------


def _east_claims(caller: tuple[str, str]) -> dict:
    """A caller is a user id and a role in the east sales team."""
    user_id, role = caller
    return {"user_id": user_id, "username": user_id, "roles": [role],
            "department_path": "/hq/sales/east", "data_scope": "own"}


@pytest.fixture(scope="module")
def api(database_url, vhost_url, worker, keys):
    server = InProcessApi("notification", build_bindings, database_url, keys, service=SERVICE,
                          stub_class=notification_pb2_grpc.NotificationServiceStub,
                          claims=_east_claims, amqp_url=vhost_url)

    def stub_for(user_id: str, role: str = "sales_rep") -> notification_pb2_grpc.NotificationServiceStub:
        return server.stub((user_id, role))

    yield stub_for
    server.stop()


def _notify(publisher, inbox, owner: str, count: int) -> list[str]:
    """`count` customers created for `owner`; returns the subject ids, oldest first."""
    subjects = []
    for n in range(count):
        event = _customer_created(owner, number=f"C{n + 1:08d}")
        inbox.handled(publisher.publish(event))
        subjects.append(event.customer.id)
    return subjects


def _list(stub, **request) -> list[notification_pb2.Notification]:
    return list(stub.ListNotifications(
        notification_pb2.ListNotificationsRequest(**request)).notifications)


def _unread(stub) -> int:
    return stub.GetUnreadCount(notification_pb2.GetUnreadCountRequest()).unread_count


def test_list_shows_only_the_callers_own_notifications_newest_first(api, publisher, inbox):
    alice, bob, carol = _user_id(), _user_id(), _user_id()
    alices = _notify(publisher, inbox, alice, 2)
    bobs = _notify(publisher, inbox, bob, 1)

    listed = _list(api(alice))
    assert [n.subject_id for n in listed] == alices[::-1]
    assert {n.recipient_id for n in listed} == {alice}
    assert all(n.category == "customer.created" and not n.read for n in listed)
    assert [n.subject_id for n in _list(api(bob))] == bobs
    assert _list(api(carol)) == []


def test_naming_someone_elses_inbox_is_permission_denied(api, publisher, inbox):
    alice, carol = _user_id(), _user_id()
    _notify(publisher, inbox, alice, 1)
    stub = api(carol)
    for call, request in (
        (stub.ListNotifications, notification_pb2.ListNotificationsRequest(recipient_id=alice)),
        (stub.GetUnreadCount, notification_pb2.GetUnreadCountRequest(recipient_id=alice)),
    ):
        with pytest.raises(grpc.RpcError) as caught:
            call(request)
        error = describe_rpc_error(caught.value)
        assert error.code == grpc.StatusCode.PERMISSION_DENIED
        assert alice not in error.message


def test_pages_walk_the_inbox_once(api, publisher, inbox):
    owner = _user_id()
    subjects = _notify(publisher, inbox, owner, 3)
    stub, walked, token = api(owner), [], ""
    while True:
        response = stub.ListNotifications(
            notification_pb2.ListNotificationsRequest(page_size=2, page_token=token))
        assert len(response.notifications) <= 2
        walked += [n.subject_id for n in response.notifications]
        token = response.next_page_token
        if not token:
            break
    assert walked == subjects[::-1]


def test_unread_count_counts_only_the_callers_unread_notifications(api, publisher, inbox):
    alice, bob = _user_id(), _user_id()
    _notify(publisher, inbox, alice, 3)
    _notify(publisher, inbox, bob, 1)
    assert (_unread(api(alice)), _unread(api(bob)), _unread(api(_user_id()))) == (3, 1, 0)


def test_mark_read_by_ids_marks_those_and_only_once(api, publisher, inbox):
    owner = _user_id()
    _notify(publisher, inbox, owner, 3)
    stub = api(owner)
    oldest, middle, newest = _list(stub)[::-1]
    marked = stub.MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(ids=[oldest.id, middle.id]))
    assert marked.marked == 2
    assert _unread(stub) == 1
    assert [n.id for n in _list(stub, unread_only=True)] == [newest.id]
    read = {n.id: n for n in _list(stub) if n.read}
    assert set(read) == {oldest.id, middle.id}
    assert all(n.HasField("read_time") for n in read.values())
    again = stub.MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(ids=[oldest.id]))
    assert again.marked == 0


def test_mark_all_read_marks_the_whole_inbox_and_no_other(api, publisher, inbox):
    alice, bob = _user_id(), _user_id()
    _notify(publisher, inbox, alice, 2)
    _notify(publisher, inbox, bob, 1)
    marked = api(alice).MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(all=True))
    assert marked.marked == 2
    assert (_unread(api(alice)), _unread(api(bob))) == (0, 1)


def test_mark_all_up_to_what_was_seen_leaves_newer_ones_unread(api, publisher, inbox):
    owner = _user_id()
    _notify(publisher, inbox, owner, 3)
    stub = api(owner)
    newest, seen, _oldest = _list(stub)
    marked = stub.MarkNotificationsRead(notification_pb2.MarkNotificationsReadRequest(
        all=True, max_create_time=seen.create_time))  # inclusive bound
    assert marked.marked == 2
    assert [n.id for n in _list(stub, unread_only=True)] == [newest.id]


def test_marking_someone_elses_notification_marks_nothing(api, publisher, inbox):
    alice, mallory = _user_id(), _user_id()
    _notify(publisher, inbox, alice, 1)
    (alices,) = _list(api(alice))
    marked = api(mallory).MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(ids=[alices.id]))
    assert marked.marked == 0
    assert _unread(api(alice)) == 1
    assert inbox.entries(id=alices.id)[0]["read_time"] is None


def test_an_empty_mark_request_is_invalid_argument(api):
    with pytest.raises(grpc.RpcError) as caught:
        api(_user_id()).MarkNotificationsRead(notification_pb2.MarkNotificationsReadRequest())
    error = describe_rpc_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["ids"]


def test_mark_read_answers_how_many_are_left_unread(api, publisher, inbox):
    owner = _user_id()
    _notify(publisher, inbox, owner, 3)
    stub = api(owner)
    newest = _list(stub)[0]
    response = stub.MarkNotificationsRead(
        notification_pb2.MarkNotificationsReadRequest(ids=[newest.id]))
    assert (response.marked, response.unread_count) == (1, 2)


# -- ticket transfers, through the rules -------------------------------------------------------


def _department_upserted(path: str, lead: str):
    return identity_events.DepartmentUpserted(path=path, name=path, lead_user_id=lead,
                                              parent_path="/hq", active=True, revision=1)


def _agent_upserted(user_id: str, department: str):
    return identity_events.UserUpserted(
        user_id=user_id, username=user_id, display_name=user_id, department_path=department,
        locale="zh-CN", active=True, revision=1, roles=["service_agent"])


def _ticket_transferred(to: str) -> ticket_events.TicketTransferred:
    return ticket_events.TicketTransferred(
        ticket=ticket_pb2.Ticket(id=str(uuid.uuid4()), number="T20260302-0001", title="无法登录",
                                 department_path=to),
        from_department_path="/hq/service", to_department_path=to, reason="技术问题")


def test_a_transfer_tells_the_new_departments_lead_once_whatever_the_redeliveries(
        publisher, inbox):
    department, lead, agent = f"/hq/tech-{uuid.uuid4().hex[:6]}", _user_id(), _user_id()
    inbox.handled(publisher.publish(_department_upserted(department, lead)),
                  handler="department_upserted")
    inbox.handled(publisher.publish(_agent_upserted(agent, department)), handler="user_upserted")
    event = _ticket_transferred(department)
    event_id = publisher.publish(event)
    inbox.handled(event_id, handler="ticket_transferred")

    (entry,) = inbox.entries(recipient_id=lead)
    assert (entry["subject_type"], entry["subject_id"], entry["category"]) == (
        "ticket", event.ticket.id, "ticket.transferred")
    assert entry["title"] == f"工单 T20260302-0001 已转入 {department}"
    assert [e["recipient_id"] for e in inbox.entries(subject_id=event.ticket.id)] in (
        [lead, agent], [agent, lead])

    publisher.republish(event_id)
    # A later event on the same queue: once it is handled, the duplicate has been consumed.
    inbox.handled(publisher.publish(_ticket_transferred(department)), handler="ticket_transferred")
    assert len(inbox.entries(recipient_id=lead, source_event_id=event_id)) == 1
    assert inbox.deliveries(event_id, lead) == 2  # one in-app, one e-mail (suppressed: no address)


# -- dead letters: the worker's parked events ------------------------------------------------


def _park(vhost_url: str, event_id: str, body: str, headers: dict, *, to_queue: str = "",
          routing_key: str = "customer.created") -> None:
    """Publish a message to the customer events exchange, or straight into a queue."""
    connection = pika.BlockingConnection(pika.URLParameters(vhost_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            exchange="" if to_queue else "customer.events",
            routing_key=to_queue or routing_key, body=body.encode(),
            properties=pika.BasicProperties(
                content_type="application/json", message_id=event_id, delivery_mode=2,
                headers={wire.HEADER_EVENT_ID: event_id,
                         wire.HEADER_EVENT_TYPE: "crm.customer.v1.CustomerCreated", **headers}),
            mandatory=True)
    finally:
        connection.close()


def _dead_letters(stub, state=notification_pb2.DEAD_LETTER_STATE_UNSPECIFIED):
    return {d.id: d for d in stub.ListDeadLetters(
        notification_pb2.ListDeadLettersRequest(state=state, page_size=200)).dead_letters}


def test_a_poison_event_is_parked_inspected_and_discarded_with_a_reason(api, vhost_url, worker):
    admin, poison = api("u-admin", role="admin"), str(uuid.uuid4())
    _park(vhost_url, poison, '{"customer": 5}', {})
    letter = wait_until(lambda: _dead_letters(admin).get(poison), timeout=15,
                        message=lambda: f"never parked:\n{worker.log_tail()}")
    assert letter.state == notification_pb2.DEAD_LETTER_STATE_PARKED
    assert (letter.routing_key, letter.exchange) == ("customer.created", "customer.events")
    assert letter.queue.endswith("notification.customer_created")
    assert "not a valid crm.customer.v1.CustomerCreated" in letter.error
    assert admin.GetDeadLetter(notification_pb2.GetDeadLetterRequest(id=poison)).payload == (
        '{"customer": 5}')

    with pytest.raises(grpc.RpcError) as caught:
        admin.DiscardDeadLetter(notification_pb2.DiscardDeadLetterRequest(id=poison))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    discarded = admin.DiscardDeadLetter(notification_pb2.DiscardDeadLetterRequest(
        id=poison, reason="malformed by a test"))
    assert (discarded.state, discarded.resolved_by, discarded.discard_reason) == (
        notification_pb2.DEAD_LETTER_STATE_DISCARDED, "u-admin", "malformed by a test")
    assert poison not in _dead_letters(admin)
    assert poison in _dead_letters(admin, notification_pb2.DEAD_LETTER_STATE_DISCARDED)
    with pytest.raises(grpc.RpcError) as caught:
        api("someone").ListDeadLetters(notification_pb2.ListDeadLettersRequest())
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_replayed_dead_letter_is_handled_by_its_handler(api, vhost_url, inbox):
    admin, owner, event_id = api("u-admin", role="admin"), _user_id(), str(uuid.uuid4())
    event = _customer_created(owner, number="C00000099")
    queue = topology.consumer_queue_name("customer", "customer.created", "notification",
                                         "customer_created")
    _park(vhost_url, event_id, wire.encode(event),
          {wire.HEADER_ORIGINAL_QUEUE: queue, wire.HEADER_ERROR: "RuntimeError: was down",
           wire.HEADER_ATTEMPT: 4},
          to_queue=topology.dead_letter_queue_name("notification"))
    assert _dead_letters(admin)[event_id].attempt_count == 4

    replayed = admin.ReplayDeadLetter(notification_pb2.ReplayDeadLetterRequest(id=event_id))
    assert replayed.state == notification_pb2.DEAD_LETTER_STATE_REPLAYED
    inbox.handled(event_id)
    assert [e["subject_id"] for e in inbox.entries(recipient_id=owner)] == [event.customer.id]
    with pytest.raises(grpc.RpcError) as caught:
        admin.ReplayDeadLetter(notification_pb2.ReplayDeadLetterRequest(id=event_id))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


# -- e-mail, sent by the worker's own timer -----------------------------------------------------


def test_the_worker_emails_the_owner_in_their_language(publisher, inbox, mailbox):
    owner = _user_id()
    inbox.handled(publisher.publish(_user_upserted(owner, "en-US")), handler="user_upserted")
    inbox.handled(publisher.publish(_customer_created(owner, number="C00000123", name="ACME")))

    def received():
        return [m for m in mailbox.messages if str(m["To"]) == f"{owner}@example.com"]

    (message,) = wait_until(received, timeout=15, message=lambda: inbox.worker.log_tail())
    assert message["Subject"] == "New customer C00000123: ACME"
    assert "you are its owner" in message.get_content()


def test_a_staff_address_sealed_on_the_broker_still_gets_the_email(publisher, inbox, mailbox):
    """identity.user_upserted carries the address sealed (issue 15): the message on the broker
    holds no clear address, yet the worker opens it and the e-mail reaches that address."""
    owner = _user_id()
    upsert = _user_upserted(owner, "zh-CN")
    assert f"{owner}@example.com" not in wire.encode(upsert)
    inbox.handled(publisher.publish(upsert), handler="user_upserted")
    inbox.handled(publisher.publish(_customer_created(owner, number="C00000124")))

    def received():
        return [m for m in mailbox.messages if str(m["To"]) == f"{owner}@example.com"]

    (message,) = wait_until(received, timeout=15, message=lambda: inbox.worker.log_tail())
    assert message["Subject"].startswith("新客户 C00000124")


def _trigger_fired(owner_id: str, action_kind: int):
    return marketing_events.TriggerFired(
        firing=marketing_pb2.TriggerFiring(id=str(uuid.uuid4()), customer_id=str(uuid.uuid4()),
                                           occasion_key="at_risk:2026-03-01"),
        trigger_name="流失风险：提醒负责人", action=marketing_pb2.TriggerAction(kind=action_kind),
        owner_id=owner_id, customer_display_name="杭州某某贸易")


def test_a_marketing_trigger_that_notifies_the_owner_reaches_only_the_owner(publisher, inbox):
    owner, other = _user_id(), _user_id()
    told = _trigger_fired(owner, marketing_pb2.TRIGGER_ACTION_KIND_NOTIFY_OWNER)
    inbox.handled(publisher.publish(told), handler="trigger_fired")
    (entry,) = inbox.entries(recipient_id=owner)
    assert entry["subject_id"] == told.firing.customer_id
    assert entry["title"] == "流失风险：提醒负责人：杭州某某贸易"
    # a trigger that messages the customer is not the owner's business
    inbox.handled(publisher.publish(_trigger_fired(
        other, marketing_pb2.TRIGGER_ACTION_KIND_SEND_MESSAGE)), handler="trigger_fired")
    assert inbox.entries(recipient_id=other) == []
