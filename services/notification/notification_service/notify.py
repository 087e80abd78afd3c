"""What happens when an event arrives: the enabled rules for its name decide who is told;
each recipient gets one inbox entry and one delivery row per channel, in the handler's unit
of work. Nothing is sent here (see :mod:`dispatch`)."""

from __future__ import annotations

from datetime import datetime

from crm.notification.v1 import events_pb2
from crm_shared.events import wire
from google.protobuf.message import Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from notification_service import deliveries, inbox, rules, template_store, templates
from notification_service.directory import SqlDirectory
from notification_service.models import NotificationRule, Preferences, Recipient
from notification_service.preferences import IN_APP, channels_for, quiet_hours_of

EMAIL = deliveries.C.DELIVERY_CHANNEL_EMAIL
WEBHOOK = deliveries.C.DELIVERY_CHANNEL_WEBHOOK


def rules_for(session: Session, event_name: str) -> list[NotificationRule]:
    return list(session.scalars(
        select(NotificationRule)
        .where(NotificationRule.event_name == event_name, NotificationRule.enabled.is_(True))
        .order_by(NotificationRule.create_time, NotificationRule.id)
    ))


def notify(session: Session, event: Message, *, event_id: str, emit, now: datetime) -> int:
    """Apply the rules to ``event``; return how many people the rules named. A person named by
    several rules is told once, by the first rule (oldest first) that names them."""
    descriptor = event.DESCRIPTOR
    event_name, source_service = wire.event_name(descriptor), wire.source_service(descriptor)
    document = rules.event_document(event)
    values = rules.template_values(event)
    directory = SqlDirectory(session)
    told: set[str] = set()
    for rule in rules_for(session, event_name):
        if not rules.matches(rules.load_condition(rule.condition_json), document):
            continue
        subject_id = str(rules.lookup(document, rule.subject_id_path) or "")
        for user_id in rules.recipients(rules.load_selectors(rule.recipients_json), document,
                                        directory):
            if user_id in told:
                continue
            told.add(user_id)
            _tell(session, rule, user_id, values=values, subject_id=subject_id, event_id=event_id,
                  event_name=event_name, source_service=source_service, emit=emit, now=now)
    return len(told)


def _tell(session: Session, rule: NotificationRule, user_id: str, *, values, subject_id,
          event_id, event_name, source_service, emit, now) -> None:
    recipient = session.get(Recipient, user_id)
    if recipient is not None and not recipient.active:
        return  # disabled in identity: nobody reads this inbox any more
    prefs = session.get(Preferences, user_id)
    choice = channels_for(prefs, rule.category, rules.load_channels(rule.channels_json))
    if choice.muted:
        return
    locale = (prefs.locale if prefs and prefs.locale else None) or (
        recipient.locale if recipient is not None else templates.DEFAULT_LOCALE)
    title, body = template_store.render_message(session, rule.template_key, IN_APP, locale, values)
    data = {key: values[key] for key in ("ticket.number", "to_department_path", "lead_number",
                                          "customer.number", "contract.number") if key in values}
    entry = inbox.deliver_to_inbox(
        session, recipient_id=user_id, category=rule.category, title=title, body=body,
        subject_type=rule.subject_type, subject_id=subject_id, source_event_id=event_id,
        priority=rule.priority, source_service=source_service, source_event_name=event_name,
        locale=locale, data=data,
    )
    emit(events_pb2.NotificationCreated(notification=inbox.to_proto(entry)), key=user_id)
    quiet = quiet_hours_of(prefs, recipient.time_zone if recipient is not None else "")
    common = {
        "now": now, "idempotency_key": f"{event_id}:{user_id}", "notification_id": entry.id,
        "recipient_id": user_id, "category": rule.category, "template_key": rule.template_key,
        "locale": locale, "priority": rule.priority, "source_service": source_service,
        "source_event_id": event_id, "quiet": quiet,
        "allow_urgent": prefs.quiet_allow_urgent if prefs is not None else True,
    }
    payload = {"notification": {"id": entry.id, "category": rule.category, "title": title,
                                "body": body, "subject_type": rule.subject_type,
                                "subject_id": subject_id, "event_name": event_name,
                                "event_id": event_id, "recipient_id": user_id, "locale": locale}}
    for channel in choice.channels:
        if channel == IN_APP:
            address, subject, text = "", title, body
        else:
            subject, text = template_store.render_message(session, rule.template_key, channel,
                                                          locale, values)
            address = _address(channel, recipient, prefs)
        deliveries.plan(session, channel=channel, address=address, subject=subject, body=text,
                        payload=payload, **common)


def _address(channel: int, recipient: Recipient | None, prefs: Preferences | None) -> str:
    if channel == EMAIL:
        return (prefs.email if prefs and prefs.email else "") or (
            recipient.email if recipient is not None and recipient.email else "")
    if channel == WEBHOOK and prefs is not None and prefs.webhook_enabled:
        return prefs.webhook_url
    return ""

