"""How an event carries a person's phone and e-mail: masked.

An event is copied to every consumer's queue, the broker and its dead-letter queues, so a
phone or an e-mail address in it would be held in clear in places no one erases or audits.
Events therefore carry these addresses masked (:func:`mask_contact`): a consumer learns that
the person can be reached by SMS or e-mail, and the address's shape (an e-mail's domain), never
the address. A consumer that must reach the person reads the address from the service that
owns it at the moment it sends, through that service's contract and a scope granted to it
alone (the customer service's ``BatchGetContactDetails``; services/customer/README.md,
"Events", says why).

The customer, sales (``lead.created``) and ticket (the reporter) services and the gateway (a
staff member's addresses, ``crm_shared.staff_addresses``) all mask with this one helper, so a
masked value looks the same in every event.

Free text an event carries (a ticket's description, a lead's need) is typed by people and often
holds a phone number or an e-mail address ("请回电 13912345678"): :func:`mask_contacts_in_text`
masks each such value in it, found by the pattern telemetry is scrubbed with
(``crm_shared.redaction.PERSONAL_VALUE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from google.protobuf.message import Message

from crm_shared.redaction import PERSONAL_VALUE

M = TypeVar("M", bound=Message)

PHONE_SHOWN_HEAD, PHONE_SHOWN_TAIL = 3, 2
"""A masked phone keeps its first three characters (``+86``, the country code of an E.164
number) and its last two: 10⁸ candidates for a mainland mobile."""


def mask_contact(value: str) -> str:
    """``l***@example.com`` for an e-mail, ``+86*********78`` for a phone; ``""`` stays ``""``."""
    value = value.strip()
    if not value:
        return ""
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    hidden = max(len(value) - PHONE_SHOWN_HEAD - PHONE_SHOWN_TAIL, 4)
    return value[:PHONE_SHOWN_HEAD] + "*" * hidden + value[-PHONE_SHOWN_TAIL:]


def mask_contacts_in_text(text: str) -> str:
    """``text`` with each phone, e-mail, ID-card or bank number in it masked by
    :func:`mask_contact` (``请回电 139******78``); the rest of the text is kept."""
    return PERSONAL_VALUE.sub(lambda found: mask_contact(found.group(0)), text) if text else text


def masked_copy(message: M, fields: Iterable[str], text_fields: Iterable[str] = ()) -> M:
    """A copy of ``message`` with each of its string ``fields`` (a phone, an e-mail) masked by
    :func:`mask_contact`, and the addresses inside each free-text field of ``text_fields`` by
    :func:`mask_contacts_in_text`; ``message`` itself (the caller's answer) is left as it is."""
    copy = type(message)()
    copy.CopyFrom(message)
    for name in fields:
        setattr(copy, name, mask_contact(getattr(copy, name)))
    for name in text_fields:
        setattr(copy, name, mask_contacts_in_text(getattr(copy, name)))
    return copy
