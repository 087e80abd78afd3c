"""Delivery rows: planning one (status, address, schedule), reading them, and their proto.

Planning only writes rows inside the caller's transaction; the dispatcher sends them later
(see :mod:`dispatch`), so no network I/O ever happens while SQLite's write lock is held."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.notification.v1 import notification_pb2
from crm_shared.contact_masks import mask_contact
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select
from sqlalchemy.orm import Session

from notification_service.models import Delivery, DeliveryAttempt
from notification_service.quiet_hours import QuietHours

S = notification_pb2.DeliveryStatus
C = types_pb2.DeliveryChannel
DUE_STATUSES = (S.DELIVERY_STATUS_PENDING, S.DELIVERY_STATUS_SCHEDULED, S.DELIVERY_STATUS_RETRYING)
SENDABLE_CHANNELS = (C.DELIVERY_CHANNEL_EMAIL, C.DELIVERY_CHANNEL_WEBHOOK, C.DELIVERY_CHANNEL_SMS)
URGENT = notification_pb2.NOTIFICATION_PRIORITY_URGENT


def plan(
    session: Session,
    *,
    now: datetime,
    idempotency_key: str,
    channel: int,
    address: str,
    subject: str,
    body: str,
    payload: dict,
    quiet: QuietHours | None = None,
    allow_urgent: bool = True,
    not_before: datetime | None = None,
    **fields,
) -> Delivery:
    """Add one delivery: in-app is delivered already; e-mail, webhook and SMS wait for the
    dispatcher (after quiet hours or ``not_before``); a channel without an address or a
    sender here is suppressed, visibly."""
    delivery = Delivery(
        id=str(uuid.uuid4()), idempotency_key=idempotency_key, channel=channel,
        address=address, subject=subject[:300], body=body,
        payload_json=json.dumps(payload, ensure_ascii=False), create_time=now, update_time=now,
        attempt_count=0, last_error="", suppress_reason="", **fields,
    )
    if channel == C.DELIVERY_CHANNEL_IN_APP:
        delivery.status, delivery.deliver_time = S.DELIVERY_STATUS_DELIVERED, now
    elif channel not in SENDABLE_CHANNELS:
        delivery.status, delivery.suppress_reason = S.DELIVERY_STATUS_SUPPRESSED, "no_provider"
    elif not address:
        delivery.status, delivery.suppress_reason = S.DELIVERY_STATUS_SUPPRESSED, "no_address"
    else:
        due = max(now, not_before) if not_before else now
        urgent_goes = allow_urgent and fields.get("priority") == URGENT
        release = quiet.release_time(due) if quiet is not None and not urgent_goes else None
        if release is not None or due > now:
            delivery.status, delivery.next_attempt_time = S.DELIVERY_STATUS_SCHEDULED, release or due
        else:
            delivery.status, delivery.next_attempt_time = S.DELIVERY_STATUS_PENDING, now
    session.add(delivery)
    return delivery


def attempts_of(session: Session, delivery_id: str) -> list[DeliveryAttempt]:
    return list(session.scalars(select(DeliveryAttempt).where(
        DeliveryAttempt.delivery_id == delivery_id).order_by(DeliveryAttempt.number)))


def mask(address: str, channel: int) -> str:
    """``z***@example.com``, ``+86*********78`` (the events' mask, ``crm_shared.contact_masks``);
    a webhook shows its host only."""
    if not address:
        return ""
    if channel == C.DELIVERY_CHANNEL_WEBHOOK:
        scheme, _, rest = address.partition("://")
        return f"{scheme}://{rest.split('/')[0]}/***"
    return mask_contact(address)


def to_proto(delivery: Delivery, attempts: list[DeliveryAttempt] | None = None) -> notification_pb2.Delivery:
    return notification_pb2.Delivery(
        id=delivery.id,
        notification_id=delivery.notification_id,
        idempotency_key=delivery.idempotency_key,
        channel=delivery.channel,
        recipient_id=delivery.recipient_id,
        customer_id=delivery.customer_id,
        recipient_address=mask(delivery.address, delivery.channel),
        category=delivery.category,
        template_key=delivery.template_key,
        locale=delivery.locale,
        subject=delivery.subject,
        status=delivery.status,
        suppress_reason=delivery.suppress_reason,
        attempt_count=delivery.attempt_count,
        next_attempt_time=to_timestamp(delivery.next_attempt_time),
        last_error=delivery.last_error,
        attempts=[
            notification_pb2.DeliveryAttempt(
                number=a.number, attempt_time=to_timestamp(a.attempt_time), success=a.success,
                error=a.error, response_code=a.response_code)
            for a in attempts or []
        ],
        source_service=delivery.source_service,
        source_event_id=delivery.source_event_id,
        source_ref=delivery.source_ref,
        deliver_time=to_timestamp(delivery.deliver_time),
        create_time=to_timestamp(delivery.create_time),
        update_time=to_timestamp(delivery.update_time),
    )
