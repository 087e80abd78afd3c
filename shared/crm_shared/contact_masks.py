"""How an event carries a person's phone and e-mail: masked.

An event is copied to every consumer's queue, the broker and its dead-letter queues, so a
phone or an e-mail address in it would be held in clear in places no one erases or audits.
Events therefore carry these addresses masked (:func:`mask_contact`): a consumer learns that
the person can be reached by SMS or e-mail, and the address's shape (an e-mail's domain), never
the address. A consumer that must reach the person reads the address from the service that
owns it at the moment it sends, through that service's contract and a scope granted to it
alone (the customer service's ``BatchGetContactDetails``; services/customer/README.md,
"Events", says why).

The customer, sales (``lead.created``) and ticket (the reporter) services all mask with this
one helper, so a masked value looks the same in every event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from google.protobuf.message import Message

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


def masked_copy(message: M, fields: Iterable[str]) -> M:
    """A copy of ``message`` with each of its string ``fields`` (a phone, an e-mail) masked by
    :func:`mask_contact`; ``message`` itself (the caller's answer) is left as it is."""
    copy = type(message)()
    copy.CopyFrom(message)
    for name in fields:
        setattr(copy, name, mask_contact(getattr(copy, name)))
    return copy
