"""Signed links: a link in a message to a customer that acts in their name without an account
(a survey invitation, an unsubscribe link). One helper, so every such link is made and checked
the same way.

A token is ``<payload>.<signature>``: the payload is the URL-safe base64 of
``<claims>:<expiry as unix seconds>``, the signature the URL-safe base64 of its HMAC-SHA256
under the secret — for a ``purpose`` other than the survey links' (whose tokens predate the
purposes and stay valid), under a key derived from the secret and the purpose, so a token made
for one purpose never verifies for another. It cannot be forged or extended without the
secret and expires by itself; rotating the secret invalidates every open link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_TOKEN_LENGTH = 300
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}")
"""URL-safe base64 payload, a dot, and the 43 characters of an unpadded SHA-256 HMAC."""


class InvalidLink(Exception):
    """The token is malformed or its signature does not verify."""


class ExpiredLink(Exception):
    """The token verifies but its time is over."""


@dataclass(frozen=True)
class Claims:
    text: str
    expire_time: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str, purpose: str | None) -> bytes:
    if not purpose:
        return secret.encode()
    return hmac.new(
        secret.encode(), b"crm signed link\0" + purpose.encode(), hashlib.sha256
    ).digest()


def _signature(secret: str, purpose: str | None, payload: str) -> str:
    return _b64(hmac.new(_key(secret, purpose), payload.encode(), hashlib.sha256).digest())


def sign(secret: str, claims: str, expire_time: datetime, *, purpose: str | None = None) -> str:
    payload = _b64(f"{claims}:{int(expire_time.timestamp())}".encode())
    return f"{payload}.{_signature(secret, purpose, payload)}"


def verify(secret: str, token: str, now: datetime, *, purpose: str | None = None) -> Claims:
    """The claims of a genuine, unexpired token of ``purpose``. Any other text (malformed,
    truncated, tampered, of another purpose or secret, not ASCII, of any length) raises
    :class:`InvalidLink`, and a genuine token past its time :class:`ExpiredLink`; nothing else
    is raised, so a caller maps exactly these two."""
    # The shape is checked first: what follows may then assume ASCII text of a bounded length
    # (hmac.compare_digest raises TypeError on text that is not ASCII).
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN_SHAPE.fullmatch(token):
        raise InvalidLink("not a link token")
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(signature.encode(), _signature(secret, purpose, payload).encode()):
        raise InvalidLink("the link's signature does not verify")
    try:
        claims, _, expiry = _unb64(payload).decode().rpartition(":")
        expire_time = datetime.fromtimestamp(int(expiry), UTC)
    except (ValueError, OverflowError, OSError):  # binascii and Unicode errors are ValueErrors
        raise InvalidLink("not a link token") from None
    if not claims:
        raise InvalidLink("not a link token")
    if now >= expire_time:
        raise ExpiredLink("the link has expired")
    return Claims(text=claims, expire_time=expire_time)
