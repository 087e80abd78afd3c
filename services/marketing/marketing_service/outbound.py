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
            variables={"survey_title": title},  # the link is made at send time, see below
        )

The exact signature (keyword-only; later additions only ever get defaults)::

    enqueue(session, *, customer_id, channel, idempotency_key, category, source_ref,
            template_key="", subject="", body="", variables=None, locale=None,
            requires_consent=True, counts_toward_cap=True, not_before=None,
            group_key=None, now=None) -> OutboundMessage

(``enqueue_new(session, [dict of those arguments...], now=...)`` queues many at once when their
keys are known to be new, e.g. a campaign's launch.)

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

Credentials: a value that lets its holder act as the customer (the signed link of a survey
invitation) is never queued. The category registers a maker with :func:`values_at_send`, and
the dispatcher adds what it makes to the template values of the request it hands over, so the
link exists only in the message the customer gets, never in the queue's rows (which exports
and support read). A maker that cannot make its values (no signing secret) raises
:class:`NotSendableYet`: the message waits and is retried like one the notification service
did not take.

Sending (:func:`dispatch_due`, run by the worker's timer with the clock and a notification
client it is given) goes in three steps, so that no network call happens inside a
transaction and a crash between any two loses nothing and sends nothing twice:

1. :func:`claim_due` — one short transaction: the due messages (queued and due, or in flight
   with an expired lease) are claimed; for each, consent, the customer's state, whether an
   address is known for the channel and the frequency caps of the marketing policy are checked
   against the read model NOW (consent withdrawn after queueing cancels the message:
   suppressed, never sent). Messages that may go become ``sending`` with a lease and count
   against the caps from then on; their requests get the values made at send time.
2. :func:`hand_over` — no transaction: each batch's addresses are read from the customer
   service (:mod:`marketing_service.contact_details`: the read model holds them masked, as the
   customer events carry them), then the notification service's ``SendMessages``, keyed by each
   message's idempotency key (a repeat returns the first delivery, sends nothing). A customer
   with no usable address for the channel now (a landline for SMS, an erased customer) fails
   the message; an address book that cannot answer puts the batch back, like an unreachable
   notification service.
3. :func:`record` — another transaction: delivery ids, the address sent to, and ``sent``; a
   refused message (INVALID_ARGUMENT) ``failed``; an unreachable service (or any other error)
   puts the message back in the queue with exponential back-off (30 s, 1, 2, 4... min, at most
   1 h) until :data:`MAX_ATTEMPTS`, then ``failed``.

A dispatcher that dies after step 1 leaves ``sending`` messages whose lease expires; the next
run claims them again and hands them over again without a second check (the first decision
stands: the message may already be with the notification service), and the idempotency key
makes that repeat return the delivery of the first hand-over.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import grpc
from crm.notification.v1 import notification_pb2
from crm_shared.db import Database, UnitOfWork, utcnow
from crm_shared.marketing_channels import MARKETING_CHANNELS
from google.rpc import code_pb2
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from marketing_service import (
    frequency_cap,
    marketing_policy,
    segment_rules,
    unsubscribe,
)
from marketing_service.contact_details import AddressBook
from marketing_service.models import CustomerProfile, OutboundMessage

log = logging.getLogger(__name__)

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

CHANNELS = MARKETING_CHANNELS
"""The channels that reach a customer (value -> stored short name)."""
CHANNEL_VALUES = {name: value for value, name in CHANNELS.items()}
MAX_KEY_LENGTH = 190  # the notification service stores `msg:<key>` in 200 characters


def channel_name(channel: int | str) -> str:
    """The stored name of a sendable channel; ValueError for any other."""
    name = CHANNELS.get(channel) if isinstance(channel, int) else channel
    if name not in CHANNEL_VALUES:
        raise ValueError(f"channel {channel!r} cannot reach a customer; use email or sms")
    return name


def _validated_values(*, customer_id: str, channel: int | str, idempotency_key: str,
                      category: str, source_ref: str, template_key: str, subject: str, body: str,
                      variables: dict[str, str] | None, locale: str | None,
                      requires_consent: bool, counts_toward_cap: bool,
                      not_before: datetime | None, group_key: str | None,
                      now: datetime) -> dict:
    """The column values of a new queue row; ValueError for a programming error."""
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
    return {
        "id": str(uuid.uuid4()), "idempotency_key": idempotency_key, "customer_id": customer_id,
        "channel": name, "category": category, "source_ref": source_ref, "group_key": group_key,
        "template_key": template_key, "subject": subject[:300], "body": body,
        "variables": {str(key): str(value) for key, value in (variables or {}).items()},
        "locale": locale, "requires_consent": requires_consent,
        "counts_toward_cap": counts_toward_cap, "state": QUEUED, "attempt_count": 0,
        "next_attempt_time": max(not_before, now) if not_before else now,
        "create_time": now, "update_time": now}


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
    values = _validated_values(
        customer_id=customer_id, channel=channel, idempotency_key=idempotency_key,
        category=category, source_ref=source_ref, template_key=template_key, subject=subject,
        body=body, variables=variables, locale=locale, requires_consent=requires_consent,
        counts_toward_cap=counts_toward_cap, not_before=not_before, group_key=group_key,
        now=now or utcnow())
    existing = session.scalars(select(OutboundMessage).where(
        OutboundMessage.idempotency_key == idempotency_key)).first()
    if existing is not None:
        return existing
    message = OutboundMessage(**values)
    session.add(message)
    return message


def enqueue_new(session: Session, messages: Sequence[dict], *, now: datetime) -> list[str]:
    """Queue many messages whose keys cannot have been queued before (a campaign's launch,
    which happens once) in one bulk insert; each dict holds :func:`enqueue`'s keyword
    arguments. A key queued before fails the whole transaction (the key is unique). Returns
    the new rows' ids in order."""
    defaults = {"template_key": "", "subject": "", "body": "", "variables": None,
                "locale": None, "requires_consent": True, "counts_toward_cap": True,
                "not_before": None, "group_key": None}
    rows = [_validated_values(**{**defaults, **message, "now": now}) for message in messages]
    for start in range(0, len(rows), 1000):
        session.execute(insert(OutboundMessage), rows[start:start + 1000])
    return [row["id"] for row in rows]


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


# -- values made at send time --------------------------------------------------------------------


class NotSendableYet(Exception):
    """A category's values cannot be made now (e.g. survey links cannot be signed): the
    message waits and is retried, and fails after :data:`MAX_ATTEMPTS`."""


ValuesAtSend = Callable[[Session, OutboundMessage, object], dict[str, str]]
"""``maker(session, message, settings)``: template values of ``message`` that are never stored
with it, made from the dispatching process's ``settings``; raises :class:`NotSendableYet`."""

_makers: dict[str, ValuesAtSend] = {}


def values_at_send(category: str) -> Callable[[ValuesAtSend], ValuesAtSend]:
    """Register the maker of a category's send-time values (a decorator; one per category)."""

    def register(maker: ValuesAtSend) -> ValuesAtSend:
        _makers[category] = maker
        return maker

    return register


def _values_made_at_send(session: Session, message: OutboundMessage, settings
                         ) -> dict[str, str]:
    maker = _makers.get(message.category)
    return maker(session, message, settings) if maker is not None else {}


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


# -- sending --------------------------------------------------------------------------------------

COUNTED_STATES = (SENDING, SENT, DELIVERED)
"""Messages that count against the frequency caps (from the moment they are claimed)."""
MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=5)
"""Longer than a whole hand-over can take (batches of 200 with the notification deadline)."""
CLAIM_BATCH = 500
SEND_BATCH = 200
"""Messages per ``SendMessages`` call (the service takes at most 500)."""
ACTIVE = "active"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def retry_delay(attempt: int) -> timedelta:
    """The wait after the ``attempt``-th failed hand-over (1-based)."""
    return min(RETRY_BASE * 2 ** max(attempt - 1, 0), RETRY_MAX)


def phone_e164(phone: str | None) -> str | None:
    """A customer's phone as E.164 (an 11-digit mainland mobile gets +86), or None."""
    if not phone:
        return None
    digits = re.sub(r"[\s\-()]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if MAINLAND_MOBILE.match(digits):
        digits = "+86" + digits
    return digits if E164.match(digits) else None


def address_for(channel: str, email: str | None, phone: str | None) -> str | None:
    """The address ``channel`` sends to, of the customer service's contact details; None when
    there is none usable (an SMS needs a mobile phone)."""
    if channel == "email":
        address = (email or "").strip()
        return address if "@" in address else None
    if channel == "sms":
        return phone_e164(phone)
    return None


def _no_address(channel: str) -> str:
    return f"no {'e-mail address' if channel == 'email' else 'mobile phone'} known for the customer"


@dataclass(frozen=True)
class Recipient:
    """What the read model says about a message's customer at send time. ``email`` and
    ``phone`` are masked (as the customer events carry them): they say whether the customer
    has one, not where it is."""

    state: str
    marketing_consent: bool
    """On the message's channel (:func:`marketing_service.segment_rules.consent_on`)."""
    email: str | None
    phone: str | None
    locale: str | None

    def has_address(self, channel: str) -> bool:
        return bool((self.email if channel == "email" else self.phone) or "")


@dataclass(frozen=True)
class Decision:
    state: str
    """``sending`` (it may go) or the final state it ends in instead."""
    error: str | None = None


def decide(*, channel: str, requires_consent: bool, counts_toward_cap: bool,
           recipient: Recipient | None, history: Sequence[tuple[str, datetime]],
           caps: Sequence[frequency_cap.Cap], now: datetime) -> Decision:
    """Whether a message may go now, and if not, why not. Pure."""
    if recipient is None:
        if requires_consent:
            return Decision(SUPPRESSED_NO_CONSENT, "the customer is unknown to marketing")
        return Decision(FAILED, "the customer is unknown to marketing")
    if recipient.state != ACTIVE:
        return Decision(CANCELLED, f"the customer is {recipient.state}")
    if requires_consent and not recipient.marketing_consent:
        return Decision(SUPPRESSED_NO_CONSENT, "no marketing consent")
    if not recipient.has_address(channel):
        return Decision(FAILED, _no_address(channel))
    if counts_toward_cap:
        cap = frequency_cap.blocking_cap(caps, history, channel, now)
        if cap is not None:
            return Decision(SUPPRESSED_FREQUENCY_CAP, f"frequency cap: {cap.describe()}")
    return Decision(SENDING)


@dataclass(frozen=True)
class Claimed:
    """A message on its way to the notification service (what step 2 needs)."""

    message_id: str
    request: notification_pb2.OutboundMessage


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    suppressed: int = 0
    cancelled: int = 0

    def count(self, state: str) -> None:
        if state in (SUPPRESSED_NO_CONSENT, SUPPRESSED_FREQUENCY_CAP):
            self.suppressed += 1
        elif state == CANCELLED:
            self.cancelled += 1
        elif state == FAILED:
            self.failed += 1

    def __bool__(self) -> bool:
        return any((self.claimed, self.sent, self.retrying, self.failed, self.suppressed,
                    self.cancelled))


@dataclass(frozen=True)
class Outcome:
    message_id: str
    delivery_id: str = ""
    error: str = ""
    permanent: bool = False
    """For an error: the message itself cannot go (refused by the notification service, no
    address for its channel); no retry."""
    address: str = ""
    """Where a sent message went."""

    @property
    def ok(self) -> bool:
        return not self.error


def _request_of(message: OutboundMessage, locale: str, display_name: str,
                made: dict[str, str]) -> notification_pb2.OutboundMessage:
    """The message as the notification service takes it, but for its address (read as it is
    handed over: :func:`hand_over`)."""
    variables = dict(message.variables or {})
    variables.setdefault("display_name", display_name)
    variables.update(made)
    return notification_pb2.OutboundMessage(
        idempotency_key=message.idempotency_key, channel=CHANNEL_VALUES[message.channel],
        customer_id=message.customer_id, locale=locale,
        template_key=message.template_key, variables=variables, subject=message.subject,
        body=message.body, category=message.category, source_ref=message.source_ref)


def claim_due(database: Database, now: datetime, *, limit: int = CLAIM_BATCH,
              report: DispatchReport | None = None, settings=None) -> list[Claimed]:
    """Step 1: claim the due messages, decide each against the read model and the caps, and
    make the values of :func:`values_at_send` with ``settings`` (the dispatching process's)."""
    report = report if report is not None else DispatchReport()
    claimed: list[Claimed] = []
    with database.unit_of_work() as uow:
        session = uow.session
        policy = marketing_policy.current(session)
        due = session.scalars(
            select(OutboundMessage)
            .where(or_(and_(OutboundMessage.state == QUEUED,
                            OutboundMessage.next_attempt_time <= now),
                       and_(OutboundMessage.state == SENDING,
                            OutboundMessage.lease_expire_time <= now)))
            .order_by(OutboundMessage.next_attempt_time, OutboundMessage.id)
            .limit(limit).with_for_update(skip_locked=True)).all()
        # Customers are locked in one order, so two dispatchers never wait on each other in a
        # circle; the lock makes the cap count of one customer a critical section.
        for message in sorted(due, key=lambda row: (row.customer_id, row.next_attempt_time,
                                                    row.id)):
            profile = session.get(CustomerProfile, message.customer_id, with_for_update=True)
            if message.state == SENDING:  # reclaimed: the first decision stands
                decision = Decision(SENDING)
            else:
                history = [] if not message.counts_toward_cap else session.execute(
                    select(OutboundMessage.channel, OutboundMessage.send_time).where(
                        OutboundMessage.customer_id == message.customer_id,
                        OutboundMessage.id != message.id,
                        OutboundMessage.counts_toward_cap.is_(True),
                        OutboundMessage.state.in_(COUNTED_STATES),
                        OutboundMessage.send_time > now - frequency_cap.longest_window(
                            policy.frequency_caps))).all()
                if profile is None and message.attempt_count + 1 < MAX_ATTEMPTS:
                    # The customer's events may still be on their way to the read model (a
                    # ticket closed moments after the customer was created): wait and look
                    # again, as for an unreachable notification service, before giving up.
                    message.attempt_count += 1
                    message.next_attempt_time = now + retry_delay(message.attempt_count)
                    message.last_error = "the customer is not in the read model yet"
                    message.update_time = now
                    report.retrying += 1
                    continue
                recipient = None if profile is None else Recipient(
                    state=profile.state,
                    marketing_consent=segment_rules.consent_on(profile, message.channel),
                    email=profile.email, phone=profile.phone, locale=profile.locale)
                decision = decide(channel=message.channel,
                                  requires_consent=message.requires_consent,
                                  counts_toward_cap=message.counts_toward_cap,
                                  recipient=recipient, history=[tuple(row) for row in history],
                                  caps=policy.frequency_caps, now=now)
            if decision.state != SENDING:
                settle(uow, message, decision.state, now, error=decision.error)
                report.count(decision.state)
                continue
            try:
                made = _values_made_at_send(session, message, settings)
            except NotSendableYet as exc:
                message.attempt_count += 1
                if message.attempt_count >= MAX_ATTEMPTS:
                    settle(uow, message, FAILED, now, error=str(exc))
                    report.failed += 1
                else:
                    _back_off(message, now, str(exc))
                    report.retrying += 1
                continue
            message.state = SENDING
            message.attempt_count += 1
            message.lease_expire_time = now + LEASE
            message.send_time = message.send_time or now
            message.update_time = now
            locale = message.locale or (profile.locale if profile is not None else "") \
                or policy.default_locale
            display_name = profile.display_name if profile is not None else ""
            request = _request_of(message, locale, display_name, made)
            unsubscribe.mark_marketing(request, message.requires_consent, settings, now)
            claimed.append(Claimed(message.id, request))
            session.flush()
    report.claimed += len(claimed)
    return claimed


def _addressed(batch: Sequence[Claimed], addresses: AddressBook
                ) -> tuple[list[Claimed], list[Outcome]]:
    """The messages of ``batch`` with their customer's address filled in from ``addresses``,
    and the outcomes of those that cannot go (no usable address now; every one of them when
    the address book cannot answer: they wait and are tried again)."""
    try:
        found = addresses([item.request.customer_id for item in batch])
    except Exception as exc:  # noqa: BLE001 - whatever failed, the batch waits and retries
        error = (f"customer service: {exc.code().name}: {exc.details() or ''}".strip()
                 if isinstance(exc, grpc.RpcError) else f"{type(exc).__name__}: {exc}")
        log.warning("addresses of %d message(s) unavailable, will retry: %s", len(batch), error)
        return [], [Outcome(item.message_id, error=error) for item in batch]
    ready, failed = [], []
    for item in batch:
        channel = CHANNELS[item.request.channel]
        details = found.get(item.request.customer_id)
        if details is None:
            failed.append(Outcome(item.message_id, permanent=True,
                                  error="the customer is no longer active"))
            continue
        address = address_for(channel, details.email, details.phone)
        if address is None:
            failed.append(Outcome(item.message_id, permanent=True, error=_no_address(channel)))
            continue
        item.request.recipient_address = address
        ready.append(item)
    return ready, failed


def hand_over(notification, claimed: Sequence[Claimed], addresses: AddressBook, *,
              batch_size: int = SEND_BATCH) -> list[Outcome]:
    """Step 2 (outside any transaction): each batch's addresses from ``addresses``, then
    ``SendMessages``; one outcome per message."""
    outcomes: list[Outcome] = []
    for start in range(0, len(claimed), batch_size):
        batch, unsent = _addressed(claimed[start:start + batch_size], addresses)
        outcomes += unsent
        if not batch:
            continue
        try:
            response = notification.SendMessages(notification_pb2.SendMessagesRequest(
                messages=[item.request for item in batch]))
        except Exception as exc:  # noqa: BLE001 - whatever failed, the batch waits and retries
            error = (f"notification service: {exc.code().name}: {exc.details() or ''}".strip()
                     if isinstance(exc, grpc.RpcError) else f"{type(exc).__name__}: {exc}")
            log.warning("hand-over of %d message(s) failed, will retry: %s", len(batch), error)
            outcomes += [Outcome(item.message_id, error=error) for item in batch]
            continue
        results = list(response.results)
        for index, item in enumerate(batch):
            result = results[index] if index < len(results) else None
            if result is None:
                outcomes.append(Outcome(item.message_id, error="no result returned"))
            elif result.status.code == code_pb2.OK and result.delivery_id:
                outcomes.append(Outcome(item.message_id, delivery_id=result.delivery_id,
                                        address=item.request.recipient_address))
            else:
                outcomes.append(Outcome(
                    item.message_id, error=result.status.message or "refused",
                    permanent=result.status.code == code_pb2.INVALID_ARGUMENT))
    return outcomes


def record(database: Database, outcomes: Sequence[Outcome], now: datetime, *,
           report: DispatchReport | None = None) -> None:
    """Step 3: store what the hand-over achieved (and tell the senders' listeners)."""
    report = report if report is not None else DispatchReport()
    if not outcomes:
        return
    with database.unit_of_work() as uow:
        for outcome in outcomes:
            message = uow.session.get(OutboundMessage, outcome.message_id, with_for_update=True)
            if message is None or message.state != SENDING:
                continue  # recorded by a dispatcher that claimed it again meanwhile
            if outcome.ok:
                message.delivery_id = outcome.delivery_id
                message.recipient_address = outcome.address
                message.last_error = None
                settle(uow, message, SENT, now)
                report.sent += 1
            elif outcome.permanent or message.attempt_count >= MAX_ATTEMPTS:
                settle(uow, message, FAILED, now, error=outcome.error)
                report.failed += 1
            else:
                _back_off(message, now, outcome.error)
                report.retrying += 1


def _back_off(message: OutboundMessage, now: datetime, error: str) -> None:
    """Back in the queue after a failed attempt, due again after :func:`retry_delay`."""
    message.state = QUEUED
    message.lease_expire_time = None
    message.send_time = None
    message.next_attempt_time = now + retry_delay(message.attempt_count)
    message.last_error = error[:1000]
    message.update_time = now


def dispatch_due(database: Database, notification, now: datetime, *, addresses: AddressBook,
                 limit: int = CLAIM_BATCH, settings=None) -> DispatchReport:
    """Send what is due at ``now`` (claim, hand over, record; see the module's text).
    ``notification`` is a ``NotificationServiceStub`` whose channel carries service
    credentials; ``addresses`` reads the customers' addresses
    (:func:`marketing_service.contact_details.address_book_for`); ``settings`` are the
    process's, for the values made at send time. Returns what happened."""
    report = DispatchReport()
    claimed = claim_due(database, now, limit=limit, report=report, settings=settings)
    outcomes = hand_over(notification, claimed, addresses)
    record(database, outcomes, now, report=report)
    return report


def messages_in_window(session: Session, customer_id: str, now: datetime) -> int:
    """How many messages counting against the caps the customer got in the policy's longest
    window up to ``now``."""
    window = frequency_cap.longest_window(marketing_policy.current(session).frequency_caps)
    return session.scalar(select(func.count()).select_from(OutboundMessage).where(
        OutboundMessage.customer_id == customer_id, OutboundMessage.counts_toward_cap.is_(True),
        OutboundMessage.state.in_(COUNTED_STATES), OutboundMessage.send_time > now - window,
        OutboundMessage.send_time <= now))


def record_delivery(uow: UnitOfWork, delivery_id: str, now: datetime, *, delivered: bool,
                    error: str = "", deliver_time: datetime | None = None) -> bool:
    """The notification service confirmed (or finally failed) a delivery: the message it
    belongs to becomes ``delivered`` (or ``failed``). False when no sent message has that id."""
    message = uow.session.scalars(select(OutboundMessage).where(
        OutboundMessage.delivery_id == delivery_id)).first()
    if message is None or message.state != SENT:
        return False
    if delivered:
        message.deliver_time = deliver_time or now
        settle(uow, message, DELIVERED, now)
    else:
        settle(uow, message, FAILED, now, error=error or "delivery failed")
    return True
