"""The signature of the HTTP calls the suite makes to other systems (webhooks, the SMS
gateway): ``X-CRM-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` with the shared
secret, beside ``X-CRM-Timestamp`` and ``X-CRM-Delivery-Id``. :func:`sign` is the sender's
side, :func:`verify` what a receiver does."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-CRM-Signature"
TIMESTAMP_HEADER = "X-CRM-Timestamp"
DELIVERY_HEADER = "X-CRM-Delivery-Id"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """Recompute the signature of ``body`` with the header's timestamp and compare in constant
    time. Any header that is not the genuine one is False, never an exception."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    # As bytes: compare_digest raises TypeError on text that is not ASCII, and a forged
    # header may hold any character.
    expected = sign(secret, timestamp, body).encode()
    return hmac.compare_digest(expected, header.encode("utf-8", "replace"))
