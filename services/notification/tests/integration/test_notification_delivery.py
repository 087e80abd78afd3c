"""Deliveries end to end inside the process: the real rule engine on a migrated SQLite
database plans them from real event messages, and the real dispatcher sends them to a real
SMTP server (aiosmtpd) and a real HTTP server, on a clock the test controls. The api (real
gRPC, in-process) shows preferences and deliveries.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
from aiosmtpd.controller import Controller
from crm.common.v1 import rules_pb2, types_pb2
from crm.notification.v1 import events_pb2 as notification_events
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm.ticket.v1 import events_pb2 as ticket_events
from crm.ticket.v1 import ticket_pb2
from crm_devstack.inprocess_api import InProcessApi
from crm_devstack.ports import free_port
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.status import describe_rpc_error
from crm_shared.webhook_signatures import SIGNATURE_HEADER, verify
from google.protobuf import field_mask_pb2
from notification_service.api import build_bindings
from notification_service.dispatch import DeliveryDispatcher
from notification_service.models import Delivery, InboxEntry, Preferences, Recipient
from notification_service.notify import notify
from notification_service.settings import NotificationWorkerSettings
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.integration

S = notification_pb2.DeliveryStatus
C = types_pb2.DeliveryChannel
SECRET = "webhook-secret-" + "x" * 24
SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
MONDAY_NOON_SHANGHAI = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


# -- real servers on the other end -----------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


class Hooks:
    """What the webhook receiver got, and what it answers."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.status = 204


@pytest.fixture(scope="module")
def webhook_server():
    hooks = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hooks.received.append((dict(self.headers), body))
            self.send_response(hooks.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/crm", hooks
    server.shutdown()
    server.server_close()


# -- the service's side ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(module_migrated_database):
    db = Database(module_migrated_database("notification_service"))
    yield db
    db.dispose()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(MONDAY_NOON_SHANGHAI)


@pytest.fixture
def dispatcher(database, smtp_server, clock):
    controller, _ = smtp_server
    settings = NotificationWorkerSettings(
        service_name="notification", database_url=database.url, smtp_host="127.0.0.1",
        smtp_port=controller.port, smtp_from="CRM <crm@example.com>",
        delivery_max_attempts=3, delivery_retry_base_seconds=30, delivery_retry_max_seconds=600,
        webhook_timeout_seconds=5, webhook_allowed_targets="127.0.0.1")  # the local receiver
    return DeliveryDispatcher(database, settings, clock=clock)


def _agent(database, department: str, *, locale: str = "zh-CN", lead: bool = False,
           **prefs) -> str:
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    with database.unit_of_work() as uow:
        uow.session.add(Recipient(
            user_id=user_id, username=user_id, display_name=user_id,
            email=f"{user_id}@example.com", locale=locale, department_path=department,
            active=True, is_department_lead=lead, roles="", time_zone="Asia/Shanghai",
            revision=1, update_time=utcnow()))
        if prefs:
            uow.session.add(Preferences(user_id=user_id, update_time=utcnow(), **prefs))
    return user_id


def _department() -> str:
    return f"/hq/tech-{uuid.uuid4().hex[:6]}"


def _transferred(to: str) -> ticket_events.TicketTransferred:
    return ticket_events.TicketTransferred(
        ticket=ticket_pb2.Ticket(id=str(uuid.uuid4()), number="T20260302-0007",
                                 title="无法登录", department_path=to),
        from_department_path="/hq/service", to_department_path=to, reason="技术问题")


def _notify(database, event, now: datetime) -> str:
    event_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        notify(uow.session, event, event_id=event_id, emit=uow.emit, now=now)
    return event_id


def _rows(database, query) -> list:
    """Rows read and detached whole (a read-only unit of work ends in a rollback, which
    would expire them)."""
    with database.unit_of_work(readonly=True) as uow:
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


def _deliveries(database, recipient_id: str, channel: int) -> list[Delivery]:
    return _rows(database, select(Delivery).where(
        Delivery.recipient_id == recipient_id, Delivery.channel == channel))


def _events(database, message_type) -> list:
    """The events of one type this service wrote to its outbox, decoded."""
    rows = _rows(database, select(OutboxMessage).where(
        OutboxMessage.event_type == message_type.DESCRIPTOR.full_name))
    return [wire.decode(row.payload, message_type) for row in rows]


def _run_until_idle(dispatcher) -> None:
    while dispatcher.run_once():
        pass


# -- e-mail ------------------------------------------------------------------------------------


def test_email_reaches_the_smtp_server_in_the_recipients_language(database, dispatcher, clock,
                                                                   smtp_server):
    _, mailbox = smtp_server
    department = _department()
    lead = _agent(database, department, locale="en-US", lead=True)
    agent = _agent(database, department, locale="zh-CN")
    _notify(database, _transferred(department), clock.now)
    _run_until_idle(dispatcher)

    by_recipient = {str(m["To"]): m for m in mailbox.messages}
    english, chinese = by_recipient[f"{lead}@example.com"], by_recipient[f"{agent}@example.com"]
    assert english["Subject"] == f"Ticket T20260302-0007 transferred to {department}"
    assert "from /hq/service to" in english.get_content()
    assert chinese["Subject"] == f"工单 T20260302-0007 已转入 {department}"
    (delivery,) = _deliveries(database, lead, C.DELIVERY_CHANNEL_EMAIL)
    assert (delivery.status, delivery.attempt_count) == (S.DELIVERY_STATUS_DELIVERED, 1)
    assert english["X-CRM-Delivery-Id"] == delivery.id
    delivered = _events(database, notification_events.NotificationDelivered)
    assert delivery.id in {e.delivery.id for e in delivered}


def test_a_sent_email_whose_result_meets_a_database_restart_is_not_sent_again(
        database, dispatcher, clock, smtp_server, monkeypatch):
    """The chaos harness (issue 17) saw a PostgreSQL restart between the SMTP send and the
    recording of its result: the claim ran out and the same delivery was e-mailed twice."""
    _, mailbox = smtp_server
    department = _department()
    lead = _agent(database, department, lead=True)
    _notify(database, _transferred(department), clock.now)
    down = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")
    record, outages = dispatcher.record, []

    def record_after_a_restart(job, outcome):
        if not outages:  # the first try meets the database restarting: its port refuses
            outages.append(job.id)
            with down.unit_of_work() as uow:
                uow.session.execute(text("SELECT 1"))
        record(job, outcome)

    monkeypatch.setattr(dispatcher, "record", record_after_a_restart)
    with contextlib.suppress(OperationalError):  # what the worker's timer does with a failure
        dispatcher.run_once()
    down.dispose()
    clock.now += timedelta(seconds=dispatcher.settings.delivery_claim_seconds + 1)
    _run_until_idle(dispatcher)

    (delivery,) = _deliveries(database, lead, C.DELIVERY_CHANNEL_EMAIL)
    assert outages == [delivery.id]
    assert [m["X-CRM-Delivery-Id"] for m in mailbox.messages].count(delivery.id) == 1
    assert (delivery.status, delivery.attempt_count) == (S.DELIVERY_STATUS_DELIVERED, 1)


def test_quiet_hours_hold_email_until_they_end_and_the_inbox_is_immediate(
        database, dispatcher, clock, smtp_server):
    _, mailbox = smtp_server
    department = _department()
    night_owl = _agent(database, department, lead=True, quiet_enabled=True,
                       quiet_starts_at="22:00", quiet_ends_at="08:00", time_zone="Asia/Shanghai")
    clock.now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    _notify(database, _transferred(department), clock.now)

    (held,) = _deliveries(database, night_owl, C.DELIVERY_CHANNEL_EMAIL)
    morning = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert (held.status, held.next_attempt_time) == (S.DELIVERY_STATUS_SCHEDULED, morning)
    (in_app,) = _deliveries(database, night_owl, C.DELIVERY_CHANNEL_IN_APP)
    assert in_app.status == S.DELIVERY_STATUS_DELIVERED

    clock.now = morning - timedelta(minutes=1)
    _run_until_idle(dispatcher)
    assert f"{night_owl}@example.com" not in {str(m["To"]) for m in mailbox.messages}
    clock.now = morning
    _run_until_idle(dispatcher)
    assert f"{night_owl}@example.com" in {str(m["To"]) for m in mailbox.messages}


# -- webhooks ----------------------------------------------------------------------------------


def _webhook_user(database, url: str) -> str:
    return _agent(database, _department(), lead=True, webhook_url=url, webhook_secret=SECRET,
                  webhook_enabled=True, default_channels_json='["DELIVERY_CHANNEL_WEBHOOK"]')


def test_webhook_is_posted_with_a_valid_signature(database, dispatcher, clock, webhook_server):
    url, hooks = webhook_server
    hooks.status = 204
    user = _webhook_user(database, url)
    department = _deliveries_department(database, user)
    event_id = _notify(database, _transferred(department), clock.now)
    _run_until_idle(dispatcher)

    (headers, body), = [(h, b) for h, b in hooks.received
                        if json.loads(b)["notification"]["recipient_id"] == user]
    assert verify(SECRET, headers[SIGNATURE_HEADER], body)
    assert headers[SIGNATURE_HEADER].startswith(f"t={int(clock.now.timestamp())},v1=")
    assert not verify("another-secret-" + "y" * 24, headers[SIGNATURE_HEADER], body)
    payload = json.loads(body)
    assert payload["notification"]["event_id"] == event_id
    assert payload["notification"]["subject_type"] == "ticket"
    (delivery,) = _deliveries(database, user, C.DELIVERY_CHANNEL_WEBHOOK)
    assert payload["delivery_id"] == headers["X-CRM-Delivery-Id"] == delivery.id
    assert delivery.status == S.DELIVERY_STATUS_DELIVERED


def _deliveries_department(database, user_id: str) -> str:
    with database.unit_of_work(readonly=True) as uow:
        return uow.session.get(Recipient, user_id).department_path


def test_a_failing_webhook_is_retried_with_back_off_then_parked_with_its_error(
        database, dispatcher, clock, webhook_server):
    url, hooks = webhook_server
    hooks.status = 500
    user = _webhook_user(database, url)
    start = clock.now
    _notify(database, _transferred(_deliveries_department(database, user)), start)
    posts = lambda: sum(
        1 for _, b in hooks.received if json.loads(b)["notification"]["recipient_id"] == user)

    _run_until_idle(dispatcher)
    (delivery,) = _deliveries(database, user, C.DELIVERY_CHANNEL_WEBHOOK)
    assert (delivery.status, delivery.attempt_count) == (S.DELIVERY_STATUS_RETRYING, 1)
    assert delivery.next_attempt_time == start + timedelta(seconds=30)
    assert delivery.last_error.startswith("HTTP 500")

    clock.now = start + timedelta(seconds=29)
    _run_until_idle(dispatcher)
    assert posts() == 1  # not due yet
    clock.now = start + timedelta(seconds=30)
    _run_until_idle(dispatcher)
    (delivery,) = _deliveries(database, user, C.DELIVERY_CHANNEL_WEBHOOK)
    assert delivery.next_attempt_time == clock.now + timedelta(seconds=60)  # doubled
    clock.now += timedelta(seconds=60)
    _run_until_idle(dispatcher)

    (delivery,) = _deliveries(database, user, C.DELIVERY_CHANNEL_WEBHOOK)
    assert (delivery.status, delivery.attempt_count, posts()) == (S.DELIVERY_STATUS_FAILED, 3, 3)
    assert delivery.next_attempt_time is None and "HTTP 500" in delivery.last_error
    failures = _events(database, notification_events.NotificationDeliveryFailed)
    mine = [f for f in failures if f.delivery.id == delivery.id]
    assert [(f.final, f.delivery.attempt_count) for f in mine] == [
        (False, 1), (False, 2), (True, 3)]
    assert mine[-1].delivery.last_error.startswith("HTTP 500")
    clock.now += timedelta(days=1)
    _run_until_idle(dispatcher)
    assert posts() == 3  # parked: no more automatic attempts


# -- the api -----------------------------------------------------------------------------------


def _tech_claims(caller: tuple[str, str]) -> dict:
    """A caller is a user id and a role in the tech department; a ``service`` caller is the
    marketing service's account, granted what it is granted in the suite (``notification.send``)."""
    user_id, role = caller
    return {"user_id": user_id, "username": user_id, "roles": [role],
            "department_path": "/hq/tech", "data_scope": "own",
            "scopes": ["notification.send"] if role == "service" else []}


def _public_names(host: str, port: int) -> list[str]:
    """Webhook host names resolve to a public address here, without asking DNS."""
    return ["93.184.215.14"]


@pytest.fixture(scope="module")
def api(database, keys):
    server = InProcessApi("notification", partial(build_bindings, resolver=_public_names),
                          database, keys, service=SERVICE,
                          stub_class=notification_pb2_grpc.NotificationServiceStub,
                          claims=_tech_claims)

    def stub_for(user_id: str, role: str = "service_agent"):
        return server.stub((user_id, role))

    yield stub_for
    server.stop()


def _mask(*paths):
    return field_mask_pb2.FieldMask(paths=list(paths))


def test_preferences_default_then_change_and_read_back_without_the_secret(api):
    user = f"u-{uuid.uuid4().hex[:8]}"
    stub = api(user)
    defaults = stub.GetNotificationPreferences(notification_pb2.GetNotificationPreferencesRequest())
    assert defaults.user_id == user
    assert list(defaults.default_channels) == [C.DELIVERY_CHANNEL_IN_APP, C.DELIVERY_CHANNEL_EMAIL]

    changed = stub.UpdateNotificationPreferences(notification_pb2.UpdateNotificationPreferencesRequest(
        preferences=notification_pb2.NotificationPreferences(
            locale="en-US", quiet_hours=notification_pb2.QuietHours(
                enabled=True, starts_at="22:00", ends_at="07:30"),
            webhook=notification_pb2.WebhookEndpoint(url="https://hooks.example.com/crm",
                                                     secret=SECRET, enabled=True),
            categories=[notification_pb2.CategoryPreference(category="ticket.routed", muted=True)]),
        update_mask=_mask("locale", "quiet_hours", "webhook", "categories")))
    again = stub.GetNotificationPreferences(notification_pb2.GetNotificationPreferencesRequest())
    for answer in (changed, again):
        assert answer.locale == "en-US"
        assert (answer.quiet_hours.enabled, answer.quiet_hours.starts_at,
                answer.quiet_hours.ends_at) == (True, "22:00", "07:30")
        assert (answer.webhook.secret, answer.webhook.secret_set) == ("", True)
        assert [c.category for c in answer.categories if c.muted] == ["ticket.routed"]


def test_bad_preferences_are_invalid_argument_and_nothing_is_stored(api, database):
    user = f"u-{uuid.uuid4().hex[:8]}"
    with pytest.raises(grpc.RpcError) as caught:
        api(user).UpdateNotificationPreferences(notification_pb2.UpdateNotificationPreferencesRequest(
            preferences=notification_pb2.NotificationPreferences(
                locale="fr-FR", time_zone="Mars/Olympus",
                quiet_hours=notification_pb2.QuietHours(enabled=True, starts_at="25:00"),
                webhook=notification_pb2.WebhookEndpoint(url="http://evil.example.com/", secret="short"),
                categories=[notification_pb2.CategoryPreference(category="ticket.sla_breached", muted=True)]),
            update_mask=_mask("locale", "time_zone", "quiet_hours", "webhook", "categories")))
    error = describe_rpc_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "preferences.locale", "preferences.time_zone", "preferences.quiet_hours.starts_at",
        "preferences.webhook.url", "preferences.webhook.secret", "preferences.categories[0].muted"}
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Preferences, user) is None


def test_someone_elses_preferences_are_permission_denied_but_an_admin_may(api):
    user = f"u-{uuid.uuid4().hex[:8]}"
    request = notification_pb2.GetNotificationPreferencesRequest(user_id=user)
    with pytest.raises(grpc.RpcError) as caught:
        api("someone-else").GetNotificationPreferences(request)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert api("u-admin", role="admin").GetNotificationPreferences(request).user_id == user


def test_deliveries_are_listed_for_their_recipient_only_and_a_failed_one_can_be_retried(
        api, database, dispatcher, clock, webhook_server):
    url, hooks = webhook_server
    hooks.status = 503
    user = _webhook_user(database, url)
    _notify(database, _transferred(_deliveries_department(database, user)), clock.now)
    for _ in range(3):
        _run_until_idle(dispatcher)
        clock.now += timedelta(minutes=10)

    mine = api(user).ListDeliveries(notification_pb2.ListDeliveriesRequest(
        statuses=[S.DELIVERY_STATUS_FAILED]))
    (failed,) = mine.deliveries
    assert (failed.channel, failed.recipient_id) == (C.DELIVERY_CHANNEL_WEBHOOK, user)
    assert failed.recipient_address == "http://127.0.0.1:" + url.split(":")[2].split("/")[0] + "/***"
    detail = api(user).GetDelivery(notification_pb2.GetDeliveryRequest(id=failed.id))
    assert [(a.number, a.success, a.response_code) for a in detail.attempts] == [
        (1, False, "503"), (2, False, "503"), (3, False, "503")]
    assert api("someone-else").ListDeliveries(notification_pb2.ListDeliveriesRequest(
        recipient_id=user)).deliveries == []
    with pytest.raises(grpc.RpcError) as caught:
        api("someone-else").GetDelivery(notification_pb2.GetDeliveryRequest(id=failed.id))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    hooks.status = 200
    retried = api(user).RetryDelivery(notification_pb2.RetryDeliveryRequest(id=failed.id))
    assert retried.status == S.DELIVERY_STATUS_PENDING
    clock.now = utcnow()  # the api made it due by the real clock
    _run_until_idle(dispatcher)
    (delivery,) = _deliveries(database, user, C.DELIVERY_CHANNEL_WEBHOOK)
    assert (delivery.status, delivery.attempt_count) == (S.DELIVERY_STATUS_DELIVERED, 4)
    with pytest.raises(grpc.RpcError) as caught:
        api(user).RetryDelivery(notification_pb2.RetryDeliveryRequest(id=failed.id))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_send_messages_is_idempotent_per_key(api, database):
    user = _agent(database, _department())
    key = f"campaign:c-1:{user}"
    message = notification_pb2.OutboundMessage(
        idempotency_key=key, channel=C.DELIVERY_CHANNEL_IN_APP, recipient_user_id=user,
        subject="春季活动", body="欢迎参加", category="campaign")
    operator = api("svc-marketing", role="service")
    first = operator.SendMessages(notification_pb2.SendMessagesRequest(messages=[message]))
    second = operator.SendMessages(notification_pb2.SendMessagesRequest(messages=[
        message, notification_pb2.OutboundMessage(idempotency_key="k", channel=C.DELIVERY_CHANNEL_EMAIL,
                                                  customer_id="c-1", recipient_address="nope",
                                                  subject="s")]))
    assert (first.results[0].duplicate, second.results[0].duplicate) == (False, True)
    assert first.results[0].delivery_id == second.results[0].delivery_id
    assert second.results[1].status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "recipient_address" in second.results[1].status.message
    entries = _rows(database, select(InboxEntry).where(InboxEntry.recipient_id == user))
    assert [e.title for e in entries] == ["春季活动"]
    with pytest.raises(grpc.RpcError) as caught:
        api(user).SendMessages(notification_pb2.SendMessagesRequest(messages=[message]))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_an_inline_message_has_its_placeholders_filled_like_a_template(api, database):
    user = _agent(database, _department())
    api("svc-marketing", role="service").SendMessages(notification_pb2.SendMessagesRequest(
        messages=[notification_pb2.OutboundMessage(
            idempotency_key=f"campaign:c-2:{user}", channel=C.DELIVERY_CHANNEL_IN_APP,
            recipient_user_id=user, subject="{{display_name}}，春季活动",
            body="{{ display_name }} 您好，{{offer}}。{{unknown}}", category="campaign",
            variables={"display_name": "李雷", "offer": "八折"})]))
    (entry,) = _rows(database, select(InboxEntry).where(InboxEntry.recipient_id == user))
    assert (entry.title, entry.body) == ("李雷，春季活动", "李雷 您好，八折。")


def test_a_user_disabled_in_identity_is_told_nothing_more(database, clock):
    department = _department()
    lead = _agent(database, department, lead=True)
    with database.unit_of_work() as uow:
        uow.session.get(Recipient, lead).active = False
    _notify(database, _transferred(department), clock.now)
    assert _deliveries(database, lead, C.DELIVERY_CHANNEL_IN_APP) == []


def test_notification_created_is_emitted_for_each_inbox_entry(database, clock):
    department = _department()
    lead = _agent(database, department, lead=True)
    event_id = _notify(database, _transferred(department), clock.now)
    created = [e.notification for e in _events(database, notification_events.NotificationCreated)]
    (mine,) = [n for n in created if n.recipient_id == lead]
    assert (mine.source_event_id, mine.subject_type, mine.category) == (
        event_id, "ticket", "ticket.transferred")
    assert (mine.source_service, mine.source_event_name) == ("ticket", "ticket.transferred")
    assert mine.action_url == f"/tickets/{mine.subject_id}"


# -- rules and templates are data -------------------------------------------------------------

K = notification_pb2.RecipientKind


def test_an_admin_adds_a_rule_and_the_next_event_follows_it(api, database, clock):
    department = _department()
    watcher = _agent(database, "/hq/quality")
    rule = notification_pb2.NotificationRule(
        display_name="Quality watches transfers into its test department",
        event_name="ticket.transferred", category="ticket.transferred",
        template_key="ticket_transferred", subject_type="ticket", subject_id_path="ticket.id",
        enabled=True, recipients=[notification_pb2.RecipientSelector(
            kind=K.RECIPIENT_KIND_USER, user_id=watcher)],
        condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
            field="to_department_path", operator=rules_pb2.CONDITION_OPERATOR_EQUALS,
            values=[department])]))
    admin = api("u-admin", role="admin")
    created = admin.CreateNotificationRule(notification_pb2.CreateNotificationRuleRequest(
        rule=rule, request_id=str(uuid.uuid4())))
    assert created.id and created.created_by == "u-admin"
    assert admin.GetNotificationRule(notification_pb2.GetNotificationRuleRequest(
        id=created.id)).condition == rule.condition

    _notify(database, _transferred(department), clock.now)
    _notify(database, _transferred(_department()), clock.now)  # another department: no
    assert len(_deliveries(database, watcher, C.DELIVERY_CHANNEL_IN_APP)) == 1

    admin.UpdateNotificationRule(notification_pb2.UpdateNotificationRuleRequest(
        rule=notification_pb2.NotificationRule(id=created.id, enabled=False),
        update_mask=_mask("enabled")))
    _notify(database, _transferred(department), clock.now)
    assert len(_deliveries(database, watcher, C.DELIVERY_CHANNEL_IN_APP)) == 1
    listed = admin.ListNotificationRules(notification_pb2.ListNotificationRulesRequest(
        event_name="ticket.transferred", page_size=100))
    assert {r.id: r.enabled for r in listed.rules}[created.id] is False
    admin.DeleteNotificationRule(notification_pb2.DeleteNotificationRuleRequest(id=created.id))
    with pytest.raises(grpc.RpcError) as caught:
        admin.GetNotificationRule(notification_pb2.GetNotificationRuleRequest(id=created.id))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_the_seeded_rules_cover_the_flows(api):
    listed = api("anyone").ListNotificationRules(notification_pb2.ListNotificationRulesRequest(
        page_size=200, enabled=True))
    events = {r.event_name for r in listed.rules if r.created_by == "system"}
    assert {"ticket.routed", "ticket.transferred", "ticket.assigned", "ticket.sla_reminder",
            "ticket.escalated", "ticket.sla_warning", "ticket.sla_breached",
            "callback_task.created", "callback_task.overdue", "lead.assigned",
            "activity.commented", "follow_up_task.due", "follow_up_task.overdue",
            "contract.expiring", "customer.created"} <= events


def test_bad_rules_are_invalid_argument_and_only_admins_change_rules(api):
    bad = notification_pb2.NotificationRule(
        display_name="x", event_name="ticket.routed", category="c", template_key="c",
        recipients=[notification_pb2.RecipientSelector(kind=K.RECIPIENT_KIND_EVENT_USER)],
        condition=rules_pb2.ConditionGroup(conditions=[rules_pb2.Condition(
            field="ticket.priority", operator=rules_pb2.CONDITION_OPERATOR_WITHIN_NEXT_DAYS,
            values=["3"])]))
    with pytest.raises(grpc.RpcError) as caught:
        api("u-admin", role="admin").CreateNotificationRule(
            notification_pb2.CreateNotificationRuleRequest(rule=bad))
    error = describe_rpc_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "rule.recipients[0].field_path", "rule.condition.conditions[0].operator"}
    with pytest.raises(grpc.RpcError) as caught:
        api("agent").CreateNotificationRule(notification_pb2.CreateNotificationRuleRequest(
            rule=bad))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_stored_template_overrides_the_built_in_one_and_renders_for_preview(
        api, database, clock):
    admin = api("u-admin", role="admin")
    template = admin.CreateMessageTemplate(notification_pb2.CreateMessageTemplateRequest(
        template=notification_pb2.MessageTemplate(
            key="ticket_transferred", locale="en-US", active=True,
            subject="[{{ticket.number}}] now with {{to_department_path}}",
            body="Moved because: {{reason}}")))
    try:
        assert list(template.variables) == ["ticket.number", "to_department_path", "reason"]
        preview = admin.RenderMessageTemplate(notification_pb2.RenderMessageTemplateRequest(
            id=template.id, variables={"ticket.number": "T1", "reason": "r"}))
        assert (preview.subject, preview.body) == ("[T1] now with ", "Moved because: r")
        assert list(preview.missing_variables) == ["to_department_path"]

        department = _department()
        english = _agent(database, department, locale="en-US", lead=True)
        chinese = _agent(database, department, locale="zh-CN")
        _notify(database, _transferred(department), clock.now)
        titles = {e.recipient_id: e.title for e in _rows(database, select(InboxEntry).where(
            InboxEntry.recipient_id.in_([english, chinese])))}
        assert titles == {english: f"[T20260302-0007] now with {department}",
                          chinese: f"工单 T20260302-0007 已转入 {department}"}

        with pytest.raises(grpc.RpcError) as caught:  # (key, channel, locale) is unique
            admin.CreateMessageTemplate(notification_pb2.CreateMessageTemplateRequest(
                template=notification_pb2.MessageTemplate(
                    key="ticket_transferred", locale="en-US", subject="s", body="b")))
        assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    finally:
        admin.DeleteMessageTemplate(notification_pb2.DeleteMessageTemplateRequest(id=template.id))


def test_kpis_count_what_was_delivered_and_what_was_given_up(api, database, dispatcher, clock,
                                                             smtp_server):
    department = _department()
    _agent(database, department, lead=True)
    _notify(database, _transferred(department), clock.now)
    _run_until_idle(dispatcher)
    day = clock.now.date().isoformat()
    report = api("u-admin", role="admin").GetNotificationKpis(
        notification_pb2.GetNotificationKpisRequest(
            period=types_pb2.DateRange(start_date=day, end_date=day)))
    kpis = {k.key: k for k in report.kpis}
    assert set(kpis) == {"delivery_success_rate", "delivery_latency_seconds_p50",
                         "delivery_latency_seconds_p99", "duplicates_suppressed", "dead_letters"}
    assert kpis["delivery_success_rate"].sample_size >= 1
    assert 0 < kpis["delivery_success_rate"].value < 1  # this module parked failing webhooks
    assert kpis["dead_letters"].value >= 1


def test_get_notification_answers_only_its_recipient(api, database, clock):
    department = _department()
    lead = _agent(database, department, lead=True)
    _notify(database, _transferred(department), clock.now)
    (entry,) = _rows(database, select(InboxEntry).where(InboxEntry.recipient_id == lead))
    got = api(lead).GetNotification(notification_pb2.GetNotificationRequest(id=entry.id))
    assert (got.subject_type, got.subject_id, got.locale) == ("ticket", entry.subject_id, "zh-CN")
    assert got.data["to_department_path"] == department
    with pytest.raises(grpc.RpcError) as caught:
        api("someone-else").GetNotification(notification_pb2.GetNotificationRequest(id=entry.id))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


# -- SMS -----------------------------------------------------------------------------------------


def test_a_text_message_goes_to_the_sms_gateway_signed_and_without_one_is_suppressed(
        api, database, dispatcher, clock, webhook_server):
    url, hooks = webhook_server
    hooks.status = 202
    gateway = DeliveryDispatcher(database, dispatcher.settings.model_copy(update={
        "sms_gateway_url": url, "sms_gateway_secret": SECRET, "sms_sender": "【某某科技】"}),
        clock=clock)
    operator = api("svc-marketing", role="service")

    def send(key: str) -> str:
        sent = operator.SendMessages(notification_pb2.SendMessagesRequest(messages=[
            notification_pb2.OutboundMessage(
                idempotency_key=key, channel=C.DELIVERY_CHANNEL_SMS,
                customer_id=f"c-{uuid.uuid4().hex[:8]}", recipient_address="+8613812345678",
                body="{{display_name}}，春季新品 8 折", variables={"display_name": "李雷"},
                category="campaign")]))
        return sent.results[0].delivery_id

    clock.now = utcnow() + timedelta(seconds=1)  # the api plans by the real clock
    texted = send(f"sms:{uuid.uuid4()}")
    _run_until_idle(gateway)
    (headers, body), = [(h, b) for h, b in hooks.received
                        if json.loads(b).get("delivery_id") == texted]
    assert verify(SECRET, headers[SIGNATURE_HEADER], body)
    assert json.loads(body) == {"delivery_id": texted, "to": "+8613812345678",
                                "text": "李雷，春季新品 8 折", "sender": "【某某科技】"}
    (row,) = _rows(database, select(Delivery).where(Delivery.id == texted))
    assert (row.status, row.attempt_count) == (S.DELIVERY_STATUS_DELIVERED, 1)

    heard = len(hooks.received)
    unsent = send(f"sms:{uuid.uuid4()}")
    _run_until_idle(dispatcher)  # no SMS_GATEWAY_URL: nothing can send it, so no retries
    (row,) = _rows(database, select(Delivery).where(Delivery.id == unsent))
    assert (row.status, row.suppress_reason, row.attempt_count, row.next_attempt_time) == (
        S.DELIVERY_STATUS_SUPPRESSED, "no_provider", 0, None)
    assert len(hooks.received) == heard


# -- marketing messages: the unsubscribe link and the opt-out instruction (issue 14) ----------

UNSUBSCRIBE_URL = ("https://crm.example.com/u/YzE6ZW1haWw6OTk5OTk5OTk5OQ."
                   "Q0hYbW9ja3NpZ25hdHVyZWJ5dGVzZm9ydGhldGVz")


def _marketing_message(channel, address: str, *, marketing: bool, url: str = ""):
    return notification_pb2.OutboundMessage(
        idempotency_key=f"m:{uuid.uuid4()}", channel=channel,
        customer_id=f"c-{uuid.uuid4().hex[:8]}", recipient_address=address,
        subject="春季新品", body="{{display_name}}，春季新品 8 折", variables={"display_name": "李雷"},
        category="campaign", marketing=marketing, unsubscribe_url=url)


def test_a_marketing_email_carries_the_one_click_unsubscribe_headers_and_link(
        api, database, dispatcher, clock, smtp_server):
    _, mailbox = smtp_server
    operator = api("svc-marketing", role="service")
    marketing, service = (f"{name}-{uuid.uuid4().hex[:6]}@example.com"
                          for name in ("promo", "ticket"))
    clock.now = utcnow() + timedelta(seconds=1)
    operator.SendMessages(notification_pb2.SendMessagesRequest(messages=[
        _marketing_message(C.DELIVERY_CHANNEL_EMAIL, marketing, marketing=True,
                           url=UNSUBSCRIBE_URL),
        _marketing_message(C.DELIVERY_CHANNEL_EMAIL, service, marketing=False)]))
    _run_until_idle(dispatcher)

    (promo,) = [m for m in mailbox.messages if marketing in str(m["To"])]
    assert promo["List-Unsubscribe"] == f"<{UNSUBSCRIBE_URL}>"
    assert promo["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE_URL in promo.get_content()
    (ticket,) = [m for m in mailbox.messages if service in str(m["To"])]
    assert ticket["List-Unsubscribe"] is None and "/u/" not in ticket.get_content()


def test_a_marketing_sms_ends_with_the_opt_out_instruction_and_a_service_one_does_not(
        api, database, dispatcher, clock, webhook_server):
    url, hooks = webhook_server
    hooks.status = 202
    gateway = DeliveryDispatcher(database, dispatcher.settings.model_copy(update={
        "sms_gateway_url": url, "sms_gateway_secret": SECRET, "sms_opt_out_text": "回T退订"}),
        clock=clock)
    operator = api("svc-marketing", role="service")
    clock.now = utcnow() + timedelta(seconds=1)
    sent = operator.SendMessages(notification_pb2.SendMessagesRequest(messages=[
        _marketing_message(C.DELIVERY_CHANNEL_SMS, "+8613812340001", marketing=True),
        _marketing_message(C.DELIVERY_CHANNEL_SMS, "+8613812340002", marketing=False)]))
    _run_until_idle(gateway)

    promo, service = (result.delivery_id for result in sent.results)
    # The webhook server is the module's: earlier tests left user webhooks (no "text") there.
    posted = [json.loads(body) for _, body in hooks.received]
    texts = {sms["delivery_id"]: sms["text"] for sms in posted
             if sms.get("delivery_id") in (promo, service)}
    assert texts[promo] == "李雷，春季新品 8 折 回T退订"
    assert texts[service] == "李雷，春季新品 8 折"


def test_an_unsubscribe_link_on_a_message_that_is_not_marketing_is_refused(api):
    operator = api("svc-marketing", role="service")
    answer = operator.SendMessages(notification_pb2.SendMessagesRequest(messages=[
        _marketing_message(C.DELIVERY_CHANNEL_EMAIL, "x@example.com", marketing=False,
                           url=UNSUBSCRIBE_URL),
        _marketing_message(C.DELIVERY_CHANNEL_EMAIL, "y@example.com", marketing=True,
                           url="javascript:alert(1)")]))

    assert [r.status.code for r in answer.results] == [3, 3]  # INVALID_ARGUMENT, nothing queued
    assert all("unsubscribe_url" in r.status.message for r in answer.results)
