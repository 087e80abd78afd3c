"""Consent per purpose (marketing, profiling, third-party sharing) and, where it matters, per
channel: grant, withdraw, history.

One ``customer_consents`` row per customer, purpose and channel holds the current state: the
channel is empty for a consent given or withdrawn on every channel (what most are), or
``email`` / ``sms`` / ``wechat`` for one channel (an unsubscribe link in a marketing e-mail, a
退订 reply to a marketing SMS; issue 14). On a channel, the latest change of its row and of the
purpose's every-channel row decides, so a later every-channel grant re-subscribes. Every change
is appended to ``customer_consent_changes`` (the history, with its channel and source), and
publishes ``customer.consent_changed`` (with the channel) in the same transaction. A retried
call (same ``request_id``) is recorded once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.db import UnitOfWork
from crm_shared.timestamps import to_timestamp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from customer_service.models import Consent, ConsentChange

PURPOSE_NAMES = {
    customer_pb2.CONSENT_PURPOSE_MARKETING: "marketing",
    customer_pb2.CONSENT_PURPOSE_PROFILING: "profiling",
    customer_pb2.CONSENT_PURPOSE_THIRD_PARTY_SHARING: "third_party_sharing",
}
PURPOSE_VALUES = {name: value for value, name in PURPOSE_NAMES.items()}

ALL_CHANNELS = ""
CHANNEL_NAMES = {
    types_pb2.DELIVERY_CHANNEL_UNSPECIFIED: ALL_CHANNELS,
    types_pb2.DELIVERY_CHANNEL_EMAIL: "email",
    types_pb2.DELIVERY_CHANNEL_SMS: "sms",
    types_pb2.DELIVERY_CHANNEL_WECHAT: "wechat",
}
"""The channels a customer is messaged on, which a consent may name; in-app and webhooks reach
users and systems, not customers."""
CHANNEL_VALUES = {name: value for value, name in CHANNEL_NAMES.items()}

GRANTED = "granted"
WITHDRAWN = "withdrawn"
STATE_VALUES = {
    GRANTED: customer_pb2.CONSENT_STATE_GRANTED,
    WITHDRAWN: customer_pb2.CONSENT_STATE_WITHDRAWN,
}


@dataclass(frozen=True)
class ConsentChangeRequest:
    customer_id: str
    purpose: str  # a PURPOSE_NAMES value
    state: str  # GRANTED | WITHDRAWN
    source: str
    evidence: str
    change_time: datetime
    actor_id: str
    request_id: str | None
    channel: str = ALL_CHANNELS  # a CHANNEL_NAMES value


def change(uow: UnitOfWork, request: ConsentChangeRequest) -> Consent:
    """Record a grant or a withdrawal and publish it; a retry returns the consent unchanged."""
    session = uow.session
    if request.request_id:
        earlier = session.scalars(
            select(ConsentChange).where(ConsentChange.request_id == request.request_id)
        ).first()
        if earlier is not None:
            return session.get(Consent, earlier.consent_id)
    consent = session.scalars(
        select(Consent).where(
            Consent.customer_id == request.customer_id,
            Consent.purpose == request.purpose,
            Consent.channel == request.channel,
        )
    ).first()
    if consent is None:
        consent = Consent(
            id=str(uuid.uuid4()),
            customer_id=request.customer_id,
            purpose=request.purpose,
            channel=request.channel,
            grant_time=None,
            withdraw_time=None,
        )
        session.add(consent)
    consent.state = request.state
    consent.source = request.source
    consent.evidence = request.evidence
    consent.recorded_by = request.actor_id
    consent.update_time = request.change_time
    if request.state == GRANTED:
        consent.grant_time = request.change_time
        consent.withdraw_time = None
    else:
        consent.withdraw_time = request.change_time
    session.flush()
    seq = session.scalar(
        select(func.coalesce(func.max(ConsentChange.seq), 0)).where(
            ConsentChange.consent_id == consent.id
        )
    )
    session.add(
        ConsentChange(
            id=str(uuid.uuid4()),
            consent_id=consent.id,
            customer_id=request.customer_id,
            seq=seq + 1,
            state=request.state,
            source=request.source,
            evidence=request.evidence,
            actor_id=request.actor_id,
            change_time=request.change_time,
            channel=request.channel,
            request_id=request.request_id,
        )
    )
    uow.emit(
        events_pb2.CustomerConsentChanged(
            customer_id=request.customer_id,
            purpose=PURPOSE_VALUES[request.purpose],
            state=STATE_VALUES[request.state],
            source=request.source,
            change_time=to_timestamp(request.change_time),
            channel=CHANNEL_VALUES[request.channel],
        ),
        key=request.customer_id,
    )
    return consent


def list_for(session: Session, customer_id: str) -> list[Consent]:
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.customer_id == customer_id)
            .order_by(Consent.purpose, Consent.channel)
        )
    )


def to_proto(session: Session, consent: Consent) -> customer_pb2.Consent:
    history = session.scalars(
        select(ConsentChange)
        .where(ConsentChange.consent_id == consent.id)
        .order_by(ConsentChange.seq)
    )
    return customer_pb2.Consent(
        id=consent.id,
        customer_id=consent.customer_id,
        purpose=PURPOSE_VALUES[consent.purpose],
        state=STATE_VALUES[consent.state],
        source=consent.source,
        evidence=consent.evidence,
        grant_time=to_timestamp(consent.grant_time),
        withdraw_time=to_timestamp(consent.withdraw_time),
        recorded_by=consent.recorded_by,
        channel=CHANNEL_VALUES.get(consent.channel, types_pb2.DELIVERY_CHANNEL_UNSPECIFIED),
        history=[
            customer_pb2.ConsentChange(
                state=STATE_VALUES[item.state],
                source=item.source,
                evidence=item.evidence,
                actor_id=item.actor_id,
                change_time=to_timestamp(item.change_time),
                channel=CHANNEL_VALUES.get(item.channel, types_pb2.DELIVERY_CHANNEL_UNSPECIFIED),
            )
            for item in history
        ],
    )
