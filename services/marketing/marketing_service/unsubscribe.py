"""Unsubscribing from marketing (issue 14): the one-click link every marketing e-mail carries
and the 退订 reply to a marketing SMS.

- **The link** ``<SURVEY_LINK_BASE_URL>/u/<token>`` is a :mod:`crm_shared.signed_links` token
  of the purpose ``unsubscribe`` (so no survey token ever verifies as one), whose claims name
  the customer and the channel, signed under ``SURVEY_LINK_SECRET`` and valid for
  :data:`LINK_DAYS`. It is made when a marketing message is handed to the notification service
  (:func:`link_for`), which puts it in the e-mail's body and ``List-Unsubscribe`` headers.
- **A reply** "T", "TD" or "退订" (:func:`is_opt_out`: case, spaces and a trailing full stop
  ignored) from a number names the customers this service sent a marketing SMS to at that
  number (the sent messages' ``recipient_address``).

Either way, the customer's marketing consent **on that channel** is withdrawn in the customer
service (the one record of consent, with its history, channel and source: ``unsubscribe_link``
or ``sms_reply``) with this service's account (scope ``consents.withdraw``), and this
service's read model says "no consent on that channel" at once, so the next send there is
suppressed without waiting for the consent event, while the other channel keeps its consent
(an e-mail unsubscribe does not stop marketing SMS). Transactional messages (a ticket's
updates, a service survey) never ask for marketing consent and keep flowing. Re-subscribing is
a new consent (GrantConsent, on every channel or on that one).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared import signed_links
from crm_shared.grpc.client import connect
from crm_shared.marketing_channels import MARKETING_CHANNELS
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select, update

from marketing_service.models import CustomerProfile, OutboundMessage
from marketing_service.profiles import CHANNEL_CONSENT_COLUMNS

PURPOSE = "unsubscribe"
UNSUBSCRIBE_PATH = "/u/"
"""The unsubscribe page the console serves to customers (``crm_console.public.unsubscribe``)."""
LINK_DAYS = 400  # a message may be read long after it came; a year and a month
SOURCE_LINK = "unsubscribe_link"
SOURCE_SMS = "sms_reply"
OPT_OUT_REPLIES = frozenset({"T", "TD", "退订"})
CHANNEL_WORDS = MARKETING_CHANNELS
CHANNEL_VALUES = {word: value for value, word in CHANNEL_WORDS.items()}
CUSTOMER_SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
# The id space of the withdrawals' request ids: the same unsubscribe is one withdrawal however
# often it is repeated (the customer service answers a repeat with the first change).
_REQUEST_IDS = uuid.UUID("6f1c2a4e-0b7d-4e0a-9a57-5d3e2c1b0a99")


@dataclass(frozen=True)
class Unsubscription:
    customer_id: str
    channel: str  # "email" or "sms"


def link_for(secret: str, base_url: str, customer_id: str, channel: str, now: datetime) -> str:
    token = signed_links.sign(
        secret, f"{customer_id}:{channel}", now + timedelta(days=LINK_DAYS), purpose=PURPOSE
    )
    return base_url.rstrip("/") + UNSUBSCRIBE_PATH + token


def verify(secret: str, token: str, now: datetime) -> Unsubscription:
    """The customer and channel of a genuine, unexpired unsubscribe token; raises
    :class:`~crm_shared.signed_links.InvalidLink` or ``ExpiredLink`` otherwise."""
    claims = signed_links.verify(secret, token, now, purpose=PURPOSE)
    customer_id, _, channel = claims.text.rpartition(":")
    if not customer_id or channel not in CHANNEL_WORDS.values():
        raise signed_links.InvalidLink("not an unsubscribe token")
    return Unsubscription(customer_id, channel)


def is_opt_out(text: str) -> bool:
    """Whether a reply is an opt-out: "T", "TD" or "退订", in any case, with any spaces."""
    words = re.sub(r"\s+", "", text or "").upper().rstrip(".。!！")
    return words in OPT_OUT_REPLIES


def phone_forms(phone: str) -> set[str]:
    """The ways a number may have been written when it was texted (E.164, or without +86)."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if not digits:
        return set()
    national = digits.removeprefix("+86").removeprefix("0086")
    forms = {digits, national}
    if re.fullmatch(r"1[3-9]\d{9}", national):
        forms.add("+86" + national)
    return forms


def texted_customers(session, phone: str) -> list[str]:
    """The customers this service sent a marketing SMS to at ``phone``."""
    forms = phone_forms(phone)
    if not forms:
        return []
    return list(
        session.scalars(
            select(OutboundMessage.customer_id)
            .distinct()
            .where(
                OutboundMessage.channel == "sms",
                OutboundMessage.requires_consent.is_(True),
                OutboundMessage.recipient_address.in_(forms),
            )
        )
    )


def stop_sending(session, customer_id: str, channel: str, now: datetime) -> None:
    """The read model says "no marketing consent on ``channel``" now; the consent event that
    follows says the same."""
    session.execute(
        update(CustomerProfile)
        .where(CustomerProfile.customer_id == customer_id)
        .values({CHANNEL_CONSENT_COLUMNS[channel]: False, "update_time": now})
    )


def request_id(source: str, customer_id: str, key: str) -> str:
    return str(uuid.uuid5(_REQUEST_IDS, f"{source}:{customer_id}:{key}"))


class ConsentWithdrawal:
    """The customer service's ``WithdrawConsent`` (purpose marketing, on one channel), as this
    service's account."""

    def __init__(
        self, address: str, *, timeout_seconds: float, token_provider: Callable[[], str | None]
    ) -> None:
        self._stub = customer_pb2_grpc.CustomerServiceStub(
            connect(
                address,
                [CUSTOMER_SERVICE],
                default_timeout=timeout_seconds,
                token_provider=token_provider,
            )
        )

    def __call__(
        self, customer_id: str, *, source: str, channel: str, key: str, when: datetime
    ) -> None:
        self._stub.WithdrawConsent(
            customer_pb2.WithdrawConsentRequest(
                customer_id=customer_id,
                purpose=customer_pb2.CONSENT_PURPOSE_MARKETING,
                channel=CHANNEL_VALUES[channel],
                source=source,
                evidence=f"channel: {channel}",
                withdraw_time=to_timestamp(when),
                request_id=request_id(source, customer_id, key),
            )
        )


def withdrawal_for(settings) -> ConsentWithdrawal | None:
    provider = settings.service_token_provider() if settings is not None else None
    if provider is None:
        return None
    return ConsentWithdrawal(
        settings.customer_addr,
        timeout_seconds=settings.customer_timeout_seconds,
        token_provider=provider,
    )


def mark_marketing(request, requires_consent: bool, settings, now: datetime) -> None:
    """Tell the notification service that ``request`` (a ``notification.v1.OutboundMessage``
    being handed over) is marketing when it needed the customer's marketing consent: an SMS
    then ends with the opt-out instruction, and an e-mail carries its unsubscribe link (when
    ``SURVEY_LINK_SECRET`` is set to sign it). A transactional message is left as it is."""
    if not requires_consent:
        return
    request.marketing = True
    secret = getattr(settings, "survey_link_secret", None)
    if request.channel == types_pb2.DELIVERY_CHANNEL_EMAIL and secret:
        request.unsubscribe_url = link_for(
            secret, getattr(settings, "survey_link_base_url", ""), request.customer_id, "email", now
        )
