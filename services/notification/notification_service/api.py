"""gRPC servicer of ``crm.notification.v1.NotificationService``.

The caller's inbox, preferences and deliveries live here; rules and templates in
:mod:`api_setup`, dead letters, KPIs and the personal-data export in :mod:`api_ops`.
"""

from __future__ import annotations

import re
import uuid

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.db import Database, utcnow
from crm_shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from crm_shared.grpc.fields import refuse_unsupported, unsupported_fields
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.grpc.server import ServiceBinding
from crm_shared.settings import ApiSettings
from crm_shared.timestamps import from_timestamp
from google.rpc import code_pb2, status_pb2
from sqlalchemy import select

from notification_service import channels, deliveries, inbox, preferences, template_store, templates
from notification_service.access import is_operator, user_of
from notification_service.api_ops import OpsRpcs
from notification_service.api_setup import SetupRpcs
from notification_service.customer_visibility import visibility_for
from notification_service.models import Delivery, Preferences, Recipient
from notification_service.quiet_hours import is_time_zone, parse_hhmm
from notification_service.rules import dump_channels
from notification_service.settings import WebhookTargetSettings
from notification_service.webhook_targets import Resolver, WebhookTargets, resolve

C = types_pb2.DeliveryChannel
S = notification_pb2.DeliveryStatus
LOCALES = {"zh-CN", "en-US", "en"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
PREFERENCE_PATHS = {
    "locale", "time_zone", "default_channels", "categories", "quiet_hours", "email", "phone",
    "webhook", "quiet_hours.enabled", "quiet_hours.starts_at", "quiet_hours.ends_at",
    "quiet_hours.include_weekends", "quiet_hours.allow_urgent", "webhook.url", "webhook.secret",
    "webhook.enabled",
}
DELIVERY_FILTERS = {"page_size", "page_token", "statuses", "channel", "recipient_id",
                    "customer_id", "notification_id", "source_event_id", "source_ref_prefix",
                    "min_create_time"}
MESSAGE_FIELDS = {"idempotency_key", "channel", "recipient_user_id", "customer_id",
                  "recipient_address", "locale", "template_key", "variables", "subject", "body",
                  "category", "priority", "subject_type", "subject_id", "source_ref",
                  "not_before_time", "expire_time", "marketing", "unsubscribe_url"}
MAX_UNSUBSCRIBE_URL = 1000
MAX_MESSAGES = 500
MAX_DELIVERY_PAGE = 500
MAX_KEY_LENGTH = 190  # stored as `msg:<key>` in a 200-character column


class NotificationServicer(SetupRpcs, OpsRpcs, notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, database: Database, settings: ApiSettings | None = None,
                 resolver: Resolver = resolve) -> None:
        self.database = database
        self.settings = settings
        self.customer_visibility = visibility_for(settings)
        # Settings without the allow-list (tests' plain ApiSettings) leave it empty.
        self.webhook_targets = (settings.webhook_targets(resolver)
                                if isinstance(settings, WebhookTargetSettings)
                                else WebhookTargets(resolver=resolver))

    # -- inbox -------------------------------------------------------------------------------

    def ListNotifications(self, request, context):
        principal = current_principal()
        recipient = user_of(principal, request.recipient_id)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = inbox.list_inbox(
                uow.session,
                recipient,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
                unread_only=request.unread_only,
                category=request.category,
                subject_type=request.subject_type,
                subject_id=request.subject_id,
            )
            return notification_pb2.ListNotificationsResponse(
                notifications=[inbox.to_proto(row) for row in rows], next_page_token=next_token
            )

    def GetNotification(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            return inbox.to_proto(inbox.get_entry(uow.session, principal.user_id, request.id))

    def GetUnreadCount(self, request, context):
        principal = current_principal()
        recipient = user_of(principal, request.recipient_id)
        with self.database.unit_of_work(readonly=True) as uow:
            by_category = inbox.unread_by_category(uow.session, recipient, request.category)
        return notification_pb2.GetUnreadCountResponse(
            unread_count=sum(by_category.values()), unread_by_category=by_category
        )

    def MarkNotificationsRead(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work() as uow:
            marked = inbox.mark_read(
                uow.session,
                principal.user_id,
                ids=list(request.ids),
                everything=request.all,
                max_create_time=(
                    from_timestamp(request.max_create_time)
                    if request.HasField("max_create_time")
                    else None
                ),
            )
            remaining = sum(inbox.unread_by_category(uow.session, principal.user_id).values())
        return notification_pb2.MarkNotificationsReadResponse(marked=marked, unread_count=remaining)

    # -- preferences -------------------------------------------------------------------------

    def GetNotificationPreferences(self, request, context):
        principal = current_principal()
        user_id = user_of(principal, request.user_id, "preferences")
        with self.database.unit_of_work(readonly=True) as uow:
            return preferences.to_proto(user_id, uow.session.get(Preferences, user_id))

    def UpdateNotificationPreferences(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"preferences", "update_mask"})
        data = request.preferences
        user_id = user_of(principal, data.user_id, "preferences")
        paths = list(dict.fromkeys(request.update_mask.paths))
        if not paths:
            raise InvalidArgument(FieldViolation("update_mask", "must name the fields to change"))
        violations = [FieldViolation(f"update_mask.paths[{p}]", "cannot be changed")
                      for p in paths if p not in PREFERENCE_PATHS]
        violations += _preference_violations(data, paths, self.webhook_targets)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            row = uow.session.get(Preferences, user_id)
            if row is None:
                row = Preferences(user_id=user_id, default_channels_json=dump_channels(
                    preferences.DEFAULT_CHANNELS), categories_json="[]", quiet_allow_urgent=True)
                uow.session.add(row)
            _apply_preferences(row, data, paths)
            if row.quiet_enabled and not (row.quiet_starts_at and row.quiet_ends_at):
                raise InvalidArgument(FieldViolation(
                    "preferences.quiet_hours", "enabled quiet hours need starts_at and ends_at"))
            if row.webhook_enabled and not (row.webhook_url and row.webhook_secret):
                raise InvalidArgument(FieldViolation(
                    "preferences.webhook", "an enabled webhook needs a url and a secret"))
            row.update_time = utcnow()
            uow.session.flush()
            return preferences.to_proto(user_id, row)

    # -- deliveries --------------------------------------------------------------------------

    def GetDelivery(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work(readonly=True) as uow:
            row = self._visible_delivery(uow.session, principal, request.id)
            return deliveries.to_proto(row, deliveries.attempts_of(uow.session, row.id))

    def ListDeliveries(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, DELIVERY_FILTERS)
        query = select(Delivery)
        if not is_operator(principal):
            query = query.where(Delivery.recipient_id == principal.user_id)
        if request.statuses:
            query = query.where(Delivery.status.in_(list(request.statuses)))
        for column, value in ((Delivery.channel, request.channel),
                              (Delivery.recipient_id, request.recipient_id),
                              (Delivery.customer_id, request.customer_id),
                              (Delivery.notification_id, request.notification_id),
                              (Delivery.source_event_id, request.source_event_id)):
            if value:
                query = query.where(column == value)
        if request.source_ref_prefix:
            query = query.where(Delivery.source_ref.startswith(request.source_ref_prefix,
                                                               autoescape=True))
        if request.HasField("min_create_time"):
            query = query.where(Delivery.create_time >= from_timestamp(request.min_create_time))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(
                uow.session, query, created_column=Delivery.create_time, id_column=Delivery.id,
                page_size=min(page_size_of(request.page_size), MAX_DELIVERY_PAGE),
                page_token=request.page_token)
            return notification_pb2.ListDeliveriesResponse(
                deliveries=[deliveries.to_proto(row) for row in rows], next_page_token=token)

    def RetryDelivery(self, request, context):
        principal = current_principal()
        with self.database.unit_of_work() as uow:
            row = self._visible_delivery(uow.session, principal, request.id)
            if row.status not in (S.DELIVERY_STATUS_FAILED, S.DELIVERY_STATUS_RETRYING):
                raise FailedPrecondition(
                    f"delivery {row.id} is {S.Name(row.status)}; only failed or retrying "
                    "deliveries can be retried")
            now = utcnow()
            row.status, row.next_attempt_time, row.update_time = S.DELIVERY_STATUS_PENDING, now, now
            uow.session.flush()
            return deliveries.to_proto(row, deliveries.attempts_of(uow.session, row.id))

    @staticmethod
    def _visible_delivery(session, principal, delivery_id: str) -> Delivery:
        row = session.get(Delivery, delivery_id)
        if row is None or not (is_operator(principal) or row.recipient_id == principal.user_id):
            raise NotFound(f"delivery {delivery_id} not found")
        return row

    # -- messages from other systems ---------------------------------------------------------

    def SendMessages(self, request, context):
        refuse_unsupported(request, {"messages"})
        if len(request.messages) > MAX_MESSAGES:
            raise InvalidArgument(FieldViolation("messages", f"at most {MAX_MESSAGES} per call"))
        results = []
        now = utcnow()
        with self.database.unit_of_work() as uow:
            for i, message in enumerate(request.messages):
                results.append(self._send_one(uow.session, message, f"messages[{i}]", now))
        return notification_pb2.SendMessagesResponse(results=results)

    def _send_one(self, session, message, at: str, now) -> notification_pb2.SendResult:
        key = message.idempotency_key
        violations = unsupported_fields(message, MESSAGE_FIELDS, prefix=f"{at}.")
        violations += _message_violations(message, at, self.webhook_targets)
        if violations:
            return notification_pb2.SendResult(idempotency_key=key, status=status_pb2.Status(
                code=code_pb2.INVALID_ARGUMENT,
                message="; ".join(f"{v.field}: {v.description}" for v in violations)))
        stored_key = f"msg:{key}"
        existing = session.scalars(select(Delivery).where(
            Delivery.idempotency_key == stored_key)).first()
        if existing is not None:
            return notification_pb2.SendResult(idempotency_key=key, delivery_id=existing.id,
                                               duplicate=True, status=status_pb2.Status())
        recipient = session.get(Recipient, message.recipient_user_id) \
            if message.recipient_user_id else None
        prefs = session.get(Preferences, message.recipient_user_id) \
            if message.recipient_user_id else None
        locale = message.locale or (prefs.locale if prefs and prefs.locale else "") or (
            recipient.locale if recipient is not None else "zh-CN")
        values = dict(message.variables)
        if message.template_key:
            subject, body = template_store.render_message(
                session, message.template_key, message.channel, locale, values)
        else:  # inline text takes the same {{placeholders}} as a template
            subject = templates.fill(message.subject, values)
            body = templates.fill(message.body, values)
        address = message.recipient_address
        if not address and message.channel == C.DELIVERY_CHANNEL_EMAIL:
            address = (prefs.email if prefs and prefs.email else "") or (
                recipient.email if recipient is not None and recipient.email else "")
        if not address and message.channel == C.DELIVERY_CHANNEL_WEBHOOK and prefs is not None \
                and prefs.webhook_enabled:
            address = prefs.webhook_url
        notification_id = ""
        if message.channel == C.DELIVERY_CHANNEL_IN_APP:
            entry = inbox.deliver_to_inbox(
                session, recipient_id=message.recipient_user_id,
                category=message.category or "message", title=subject, body=body,
                subject_type=message.subject_type, subject_id=message.subject_id,
                source_event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, stored_key)),
                priority=message.priority, locale=locale)
            notification_id = entry.id
        delivery = deliveries.plan(
            session, now=now, idempotency_key=stored_key, channel=message.channel,
            address=address, subject=subject, body=body,
            payload={"message": {"subject": subject, "body": body, "category": message.category,
                                 "source_ref": message.source_ref,
                                 # what the sender adds to a marketing message (channels.py)
                                 **channels.marketing_payload(message.marketing,
                                                              message.unsubscribe_url)}},
            quiet=preferences.quiet_hours_of(prefs, recipient.time_zone if recipient else ""),
            allow_urgent=prefs.quiet_allow_urgent if prefs is not None else True,
            not_before=(from_timestamp(message.not_before_time)
                        if message.HasField("not_before_time") else None),
            notification_id=notification_id, recipient_id=message.recipient_user_id,
            customer_id=message.customer_id, category=message.category,
            template_key=message.template_key, locale=locale, priority=message.priority,
            source_ref=message.source_ref,
            expire_time=(from_timestamp(message.expire_time)
                         if message.HasField("expire_time") else None),
        )
        session.flush()
        return notification_pb2.SendResult(idempotency_key=key, delivery_id=delivery.id,
                                           status=status_pb2.Status())


def _message_violations(message, at: str, targets: WebhookTargets) -> list[FieldViolation]:
    violations = []
    if message.unsubscribe_url and (
            len(message.unsubscribe_url) > MAX_UNSUBSCRIBE_URL
            or not message.unsubscribe_url.startswith(("https://", "http://"))
            or not message.marketing):
        violations.append(FieldViolation(f"{at}.unsubscribe_url", "must be an http(s) URL of at "
                                         f"most {MAX_UNSUBSCRIBE_URL} characters, on a "
                                         "marketing message"))
    if not message.idempotency_key:
        violations.append(FieldViolation(f"{at}.idempotency_key", "is required"))
    elif len(message.idempotency_key) > MAX_KEY_LENGTH:
        violations.append(FieldViolation(f"{at}.idempotency_key",
                                         f"must be at most {MAX_KEY_LENGTH} characters"))
    if message.channel == C.DELIVERY_CHANNEL_UNSPECIFIED or message.channel not in C.values():
        violations.append(FieldViolation(f"{at}.channel", "is required"))
    if not (message.recipient_user_id or message.customer_id):
        violations.append(FieldViolation(f"{at}.recipient_user_id",
                                         "name a user or a customer"))
    if message.channel == C.DELIVERY_CHANNEL_IN_APP and not message.recipient_user_id:
        violations.append(FieldViolation(f"{at}.recipient_user_id", "in-app needs a user"))
    if message.customer_id and not message.recipient_address:
        violations.append(FieldViolation(f"{at}.recipient_address",
                                         "is required for messages to customers"))
    if message.recipient_address and message.channel == C.DELIVERY_CHANNEL_EMAIL \
            and not EMAIL.match(message.recipient_address):
        violations.append(FieldViolation(f"{at}.recipient_address", "is not an e-mail address"))
    if message.recipient_address and message.channel == C.DELIVERY_CHANNEL_SMS \
            and not E164.match(message.recipient_address):
        violations.append(FieldViolation(f"{at}.recipient_address", "is not an E.164 phone"))
    if message.recipient_address and message.channel == C.DELIVERY_CHANNEL_WEBHOOK:
        refused = targets.registration_refusal(message.recipient_address)
        if refused:
            violations.append(FieldViolation(f"{at}.recipient_address", refused))
    if not message.template_key and not (message.subject or message.body):
        violations.append(FieldViolation(f"{at}.template_key", "give a template or a subject and body"))
    if message.locale and message.locale not in LOCALES:
        violations.append(FieldViolation(f"{at}.locale", "must be zh-CN or en-US"))
    return violations


def _preference_violations(data, paths: list[str],
                           targets: WebhookTargets) -> list[FieldViolation]:
    def named(path: str) -> bool:
        return path in paths or path.split(".")[0] in paths

    violations = []
    if named("locale") and data.locale and data.locale not in LOCALES:
        violations.append(FieldViolation("preferences.locale", "must be zh-CN or en-US"))
    if named("time_zone") and data.time_zone and not is_time_zone(data.time_zone):
        violations.append(FieldViolation("preferences.time_zone", "is not an IANA time zone"))
    if named("email") and data.email and not EMAIL.match(data.email):
        violations.append(FieldViolation("preferences.email", "is not an e-mail address"))
    if named("phone") and data.phone and not E164.match(data.phone):
        violations.append(FieldViolation("preferences.phone", "must be E.164, e.g. +8613800138000"))
    if named("default_channels"):
        for i, channel in enumerate(data.default_channels):
            if channel not in C.values() or channel == C.DELIVERY_CHANNEL_UNSPECIFIED:
                violations.append(FieldViolation(f"preferences.default_channels[{i}]",
                                                 "is not a channel"))
    if named("categories"):
        for i, category in enumerate(data.categories):
            if not category.category:
                violations.append(FieldViolation(f"preferences.categories[{i}].category",
                                                 "is required"))
            if category.muted and category.category in preferences.MANDATORY_CATEGORIES:
                violations.append(FieldViolation(f"preferences.categories[{i}].muted",
                                                 f"{category.category} cannot be muted"))
    for name in ("starts_at", "ends_at"):
        value = getattr(data.quiet_hours, name)
        if named(f"quiet_hours.{name}") and value:
            try:
                parse_hhmm(value)
            except ValueError:
                violations.append(FieldViolation(f"preferences.quiet_hours.{name}",
                                                 "must be HH:MM, e.g. 22:00"))
    if named("webhook.url") and data.webhook.url:
        refused = targets.registration_refusal(data.webhook.url)
        if refused:
            violations.append(FieldViolation("preferences.webhook.url", refused))
    if named("webhook.secret") and data.webhook.secret and len(data.webhook.secret) < 32:
        violations.append(FieldViolation("preferences.webhook.secret",
                                         "must be at least 32 characters"))
    return violations


def _apply_preferences(row: Preferences, data, paths: list[str]) -> None:
    def named(path: str) -> bool:
        return path in paths or path.split(".")[0] in paths

    if named("locale"):
        row.locale = data.locale
    if named("time_zone"):
        row.time_zone = data.time_zone
    if named("default_channels"):
        row.default_channels_json = dump_channels(data.default_channels)
    if named("categories"):
        row.categories_json = preferences.dump_categories(data.categories)
    if named("email"):
        row.email = data.email
    if named("phone"):
        row.phone = data.phone
    quiet = data.quiet_hours
    for path, attribute, value in (
        ("quiet_hours.enabled", "quiet_enabled", quiet.enabled),
        ("quiet_hours.starts_at", "quiet_starts_at", quiet.starts_at),
        ("quiet_hours.ends_at", "quiet_ends_at", quiet.ends_at),
        ("quiet_hours.include_weekends", "quiet_include_weekends", quiet.include_weekends),
        ("quiet_hours.allow_urgent", "quiet_allow_urgent", quiet.allow_urgent),
        ("webhook.url", "webhook_url", data.webhook.url),
        ("webhook.enabled", "webhook_enabled", data.webhook.enabled),
    ):
        if named(path):
            setattr(row, attribute, value)
    # The secret is input only: an update naming the webhook without a secret keeps the old one.
    if ("webhook.secret" in paths or "webhook" in paths) and data.webhook.secret:
        row.webhook_secret = data.webhook.secret


def build_bindings(database: Database, settings: ApiSettings | None = None,
                   resolver: Resolver = resolve) -> list[ServiceBinding]:
    """``resolver``: how webhook host names are resolved (tests pass their own)."""
    return [
        ServiceBinding(
            descriptor=notification_pb2.DESCRIPTOR.services_by_name["NotificationService"],
            servicer=NotificationServicer(database, settings, resolver),
            add_to_server=notification_pb2_grpc.add_NotificationServiceServicer_to_server,
        )
    ]
