"""The signed link of a survey invitation: a customer answers without an account, and only the
link authorises the answer.

A token is ``<payload>.<signature>``: the payload is the URL-safe base64 of
``<invitation id>:<expiry as unix seconds>``, the signature the URL-safe base64 of its
HMAC-SHA256 under ``SURVEY_LINK_SECRET``. It cannot be forged or extended without the secret,
it expires by itself, and it is single-use through its invitation's state (an answered
invitation takes no second answer). Rotating the secret invalidates every open link.

The token is a credential of the customer it was sent to: it is made when the invitation's
message is handed to the notification service, and no RPC, event or stored row shows it to
anyone else (:mod:`marketing_service.invitations`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

RESPOND_PATH = "/api/v1/surveys/respond/"
MIN_SECRET_LENGTH = 16
MAX_TOKEN_LENGTH = 300
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}")
"""URL-safe base64 payload, a dot, and the 43 characters of an unpadded SHA-256 HMAC."""


class InvalidLink(Exception):
    """The token is malformed or its signature does not verify."""


class ExpiredLink(Exception):
    """The token verifies but its time is over."""


@dataclass(frozen=True)
class LinkClaims:
    invitation_id: str
    expire_time: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


def sign(secret: str, invitation_id: str, expire_time: datetime) -> str:
    payload = _b64(f"{invitation_id}:{int(expire_time.timestamp())}".encode())
    return f"{payload}.{_signature(secret, payload)}"


def verify(secret: str, token: str, now: datetime) -> LinkClaims:
    """The claims of a genuine, unexpired token. Any other text (malformed, truncated,
    tampered, signed with another secret, not ASCII, of any length) raises
    :class:`InvalidLink`, and a genuine token past its time :class:`ExpiredLink`; nothing else
    is raised, so a caller maps exactly these two."""
    # The shape is checked first: what follows may then assume ASCII text of a bounded length
    # (hmac.compare_digest raises TypeError on text that is not ASCII).
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN_SHAPE.fullmatch(token):
        raise InvalidLink("not a survey link token")
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(signature.encode(), _signature(secret, payload).encode()):
        raise InvalidLink("the survey link's signature does not verify")
    try:
        invitation_id, _, expiry = _unb64(payload).decode().rpartition(":")
        expire_time = datetime.fromtimestamp(int(expiry), UTC)
    except (ValueError, OverflowError, OSError):  # binascii and Unicode errors are ValueErrors
        raise InvalidLink("not a survey link token") from None
    if not invitation_id:
        raise InvalidLink("not a survey link token")
    if now >= expire_time:
        raise ExpiredLink("the survey link has expired")
    return LinkClaims(invitation_id=invitation_id, expire_time=expire_time)


def link_url(base_url: str, token: str) -> str:
    """The public URL a customer opens (the gateway serves the form there)."""
    return base_url.rstrip("/") + RESPOND_PATH + token
