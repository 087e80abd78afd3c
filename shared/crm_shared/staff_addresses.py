"""How ``identity.user_upserted`` carries a staff member's e-mail and phone: masked to show,
sealed to send.

An event is copied to every consumer's queue, the broker and its dead-letter queues, so the
address is never in it in clear (issue 15). Unlike a customer's, a staff member's address has
one consumer that sends to it, the notification worker, and a send must not fail because the
gateway (which owns the address) is down at that moment; so instead of being read back at send
time, the address travels sealed (:mod:`crm_shared.field_keys`) with a key that only the gateway
and the notification worker hold (their ``FIELD_ENCRYPTION_KEY``, not the customer service's).
Every other consumer sees the masked form (:mod:`crm_shared.contact_masks`) only.
"""

from __future__ import annotations

import logging

from crm.identity.v1 import events_pb2, identity_pb2

from crm_shared.contact_masks import mask_contact
from crm_shared.field_keys import FieldKeys, default_keys

log = logging.getLogger(__name__)

ADDRESS_FIELDS = ("email", "phone")
"""The user's addresses: each is carried as ``<field>_masked`` and ``<field>_sealed``."""


def put_addresses(
    event: events_pb2.UserUpserted, *, email: str, phone: str, keys: FieldKeys | None = None
) -> events_pb2.UserUpserted:
    """Fill ``event``'s masked and sealed addresses (the clear fields stay empty)."""
    keys = keys or default_keys()
    for field, clear in zip(ADDRESS_FIELDS, (email, phone), strict=True):
        clear = (clear or "").strip()
        if not clear:
            continue
        key_id, blob = keys.seal(event.user_id, field, clear)
        setattr(event, f"{field}_masked", mask_contact(clear))
        getattr(event, f"{field}_sealed").CopyFrom(
            identity_pb2.SealedValue(key_id=key_id, ciphertext=blob)
        )
    return event


def open_address(
    event: events_pb2.UserUpserted, field: str, keys: FieldKeys | None = None
) -> str | None:
    """The user's address ``field`` (``email`` or ``phone``) in clear, or None when the event
    carries none. An upsert of a gateway from before the sealed fields still carries the clear
    one, which is used then. A sealed value no configured key opens (a key rotated away, a
    misconfigured worker) is logged without the value and read as no address: the user is
    then told in the app only, and the next upsert brings it again."""
    if not event.HasField(f"{field}_sealed"):
        return getattr(event, field) or None
    sealed = getattr(event, f"{field}_sealed")
    try:
        return (keys or default_keys()).open(event.user_id, field, sealed.key_id, sealed.ciphertext)
    except LookupError as exc:
        log.error("user %s: the sealed %s does not open: %s", event.user_id, field, exc)
        return None
