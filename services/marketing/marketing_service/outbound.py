"""The sending queue: the one way the marketing service sends a message to a customer.

A part that wants a customer to get a message (a campaign, a trigger, a survey invitation)
calls :func:`enqueue` inside its own unit of work, so the message exists exactly when the
business change that caused it commits::

    from marketing_service import outbound

    with database.unit_of_work() as uow:
        ...  # the business change
        outbound.enqueue(
            uow.session,
            customer_id=customer_id,
            channel="email",                       # or types_pb2.DELIVERY_CHANNEL_EMAIL
            idempotency_key=f"survey:{invitation_id}",
            category="survey_invitation",
            source_ref=f"survey:{survey_id}:invitation:{invitation_id}",
            template_key="survey_invitation",
            variables={"survey_url": url},
        )

The exact signature (keyword-only; later additions only ever get defaults)::

    enqueue(session, *, customer_id, channel, idempotency_key, category, source_ref,
            template_key="", subject="", body="", variables=None, locale=None,
            requires_consent=True, counts_toward_cap=True, not_before=None,
            group_key=None, now=None) -> OutboundMessage

* ``channel``: ``"email"`` or ``"sms"`` (or the ``crm.common.v1.DeliveryChannel`` value): the
  channels that reach a customer's own address (the notification service's in-app inbox is for
  users of the suite, and the read model holds no WeChat id).
* ``idempotency_key``: unique per message for its sender, at most 190 characters; it is also the
  notification service's key, so a repeated hand-over never sends twice. Enqueueing a key that
  is already queued returns the existing row and adds nothing.
* ``template_key`` (a notification template) or ``subject``/``body`` (``{{placeholder}}`` text).
* ``variables``: template values WITHOUT personal data; the dispatcher adds ``display_name``
  of the recipient from the read model at send time (an erased customer's name is never queued).
* ``locale``: ``zh-CN``/``en-US``; None takes the recipient's at send time.
* ``requires_consent``: False only for messages the customer asked for (transactional); every
  marketing message needs consent, re-checked at send time.
* ``counts_toward_cap``: whether it counts against (and is held by) the frequency caps of the
  marketing policy.
* ``not_before``: not sent before this instant.
* ``group_key``: a key to hold, release or cancel messages together (:func:`hold_group`,
  :func:`release_group`, :func:`cancel_group`), e.g. the campaign id.

Outcomes: whenever a message reaches a final or visible state (sent, delivered, failed,
cancelled, suppressed), the listeners registered for its ``category`` with :func:`on_outcome`
run in the same transaction (a campaign records its recipient's status and emits
``campaign.message_sent`` there).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from crm.common.v1 import types_pb2
from crm_shared.db import UnitOfWork, utcnow
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketing_service.models import OutboundMessage

# states of a queued message
QUEUED = "queued"
HELD = "held"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
CANCELLED = "cancelled"
SUPPRESSED_NO_CONSENT = "suppressed_no_consent"
SUPPRESSED_FREQUENCY_CAP = "suppressed_frequency_cap"

WAITING_STATES = (QUEUED, HELD)
"""Not handed over yet: may still be held, released or cancelled."""
FINAL_STATES = frozenset({DELIVERED, FAILED, CANCELLED, SUPPRESSED_NO_CONSENT,
                          SUPPRESSED_FREQUENCY_CAP})

CHANNELS = {types_pb2.DELIVERY_CHANNEL_EMAIL: "email", types_pb2.DELIVERY_CHANNEL_SMS: "sms"}
"""The channels that reach a customer (value -> stored short name)."""
CHANNEL_VALUES = {name: value for value, name in CHANNELS.items()}
MAX_KEY_LENGTH = 190  # the notification service stores `msg:<key>` in 200 characters


def channel_name(channel: int | str) -> str:
    """The stored name of a sendable channel; ValueError for any other."""
    name = CHANNELS.get(channel) if isinstance(channel, int) else channel
    if name not in CHANNEL_VALUES:
        raise ValueError(f"channel {channel!r} cannot reach a customer; use email or sms")
    return name


def enqueue(
    session: Session,
    *,
    customer_id: str,
    channel: int | str,
    idempotency_key: str,
    category: str,
    source_ref: str,
    template_key: str = "",
    subject: str = "",
    body: str = "",
    variables: dict[str, str] | None = None,
    locale: str | None = None,
    requires_consent: bool = True,
    counts_toward_cap: bool = True,
    not_before: datetime | None = None,
    group_key: str | None = None,
    now: datetime | None = None,
) -> OutboundMessage:
    """Queue one message to one customer in the caller's transaction (see the module's text).
    A programming error (unknown channel, no content, bad key) raises ValueError."""
    name = channel_name(channel)
    if not customer_id:
        raise ValueError("customer_id is required")
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise ValueError(f"idempotency_key must be 1..{MAX_KEY_LENGTH} characters")
    if not category or not source_ref:
        raise ValueError("category and source_ref are required")
    if not template_key and not (subject or body):
        raise ValueError("give a template_key or a subject and body")
    if locale is not None and locale not in ("zh-CN", "en-US"):
        raise ValueError("locale must be zh-CN or en-US")
    existing = session.scalars(select(OutboundMessage).where(
        OutboundMessage.idempotency_key == idempotency_key)).first()
    if existing is not None:
        return existing
    now = now or utcnow()
    message = OutboundMessage(
        id=str(uuid.uuid4()), idempotency_key=idempotency_key, customer_id=customer_id,
        channel=name, category=category, source_ref=source_ref, group_key=group_key,
        template_key=template_key, subject=subject[:300], body=body,
        variables={str(key): str(value) for key, value in (variables or {}).items()},
        locale=locale, requires_consent=requires_consent, counts_toward_cap=counts_toward_cap,
        state=QUEUED, attempt_count=0, next_attempt_time=max(not_before, now) if not_before else now,
        create_time=now, update_time=now)
    session.add(message)
    return message


# -- outcomes -------------------------------------------------------------------------------------

OutcomeListener = Callable[[UnitOfWork, OutboundMessage, datetime], None]
"""``listener(uow, message, now)``: called in the transaction that moved ``message`` to a final
or visible state (``message.state`` says which; ``sent`` included)."""

_listeners: dict[str, list[OutcomeListener]] = {}


def on_outcome(category: str) -> Callable[[OutcomeListener], OutcomeListener]:
    """Register a listener for the outcomes of one category's messages (a decorator)."""

    def register(listener: OutcomeListener) -> OutcomeListener:
        if listener not in _listeners.setdefault(category, []):
            _listeners[category].append(listener)
        return listener

    return register


def settle(uow: UnitOfWork, message: OutboundMessage, state: str, now: datetime, *,
           error: str | None = None) -> None:
    """Move ``message`` to ``state`` and tell its category's listeners."""
    message.state = state
    message.update_time = now
    message.lease_expire_time = None
    if error is not None:
        message.last_error = error[:1000]
    for listener in _listeners.get(message.category, ()):
        listener(uow, message, now)


# -- groups (a campaign's messages) ---------------------------------------------------------------


def hold_group(session: Session, group_key: str, now: datetime) -> int:
    """Hold the group's queued messages (a paused campaign); returns how many."""
    return session.execute(
        update(OutboundMessage).where(OutboundMessage.group_key == group_key,
                                      OutboundMessage.state == QUEUED)
        .values(state=HELD, update_time=now).execution_options(synchronize_session=False)
    ).rowcount


def release_group(session: Session, group_key: str, now: datetime) -> int:
    """Queue the group's held messages again; consent and caps are checked when they go."""
    return session.execute(
        update(OutboundMessage).where(OutboundMessage.group_key == group_key,
                                      OutboundMessage.state == HELD)
        .values(state=QUEUED, update_time=now).execution_options(synchronize_session=False)
    ).rowcount


def cancel_group(uow: UnitOfWork, group_key: str, now: datetime, reason: str) -> int:
    """Cancel the group's messages not handed over yet (their listeners are told); messages
    in flight are left to finish, so what was sent is recorded as sent."""
    messages = uow.session.scalars(select(OutboundMessage).where(
        OutboundMessage.group_key == group_key,
        OutboundMessage.state.in_(WAITING_STATES))).all()
    for message in messages:
        settle(uow, message, CANCELLED, now, error=reason)
    return len(messages)
