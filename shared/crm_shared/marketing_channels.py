"""The channels marketing messages go out on, declared once in the contract's words
(``crm.common.v1.DeliveryChannel``): a campaign sends on one of them, a customer's marketing
consent may be withdrawn on each (an e-mail's unsubscribe link, a 退订 reply to an SMS), the
marketing profile shows the consent on each, and a segment rule reads it
(``<channel>_marketing_consent``; ``crm_shared.segment_operators``). The in-app inbox and
webhooks reach users and systems, not customers; the read model holds no WeChat id.
"""

from __future__ import annotations

from crm.common.v1 import types_pb2

MARKETING_CHANNELS: dict[int, str] = {
    value: types_pb2.DeliveryChannel.Name(value).removeprefix("DELIVERY_CHANNEL_").lower()
    for value in (types_pb2.DELIVERY_CHANNEL_EMAIL, types_pb2.DELIVERY_CHANNEL_SMS)
}
"""``DeliveryChannel`` value → its word (``email``, ``sms``)."""


def consent_field(channel: str) -> str:
    """The segment rule field, and the marketing read model's column, holding the marketing
    consent on ``channel`` (a word of :data:`MARKETING_CHANNELS`)."""
    return f"{channel}_marketing_consent"


CHANNEL_CONSENT_FIELDS: dict[str, str] = {
    word: consent_field(word) for word in MARKETING_CHANNELS.values()
}
"""Channel word → the field of the marketing consent on it."""
