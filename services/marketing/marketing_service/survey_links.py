"""The signed link of a survey invitation: a customer answers without an account, and only the
link authorises the answer.

The token is a :mod:`crm_shared.signed_links` token whose claims are the invitation's id,
signed under ``SURVEY_LINK_SECRET``: it cannot be forged or extended without the secret, it
expires by itself, and it is single-use through its invitation's state (an answered
invitation takes no second answer). Rotating the secret invalidates every open link.

The token is a credential of the customer it was sent to: it is made when the invitation's
message is handed to the notification service, and no RPC, event or stored row shows it to
anyone else (:mod:`marketing_service.invitations`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm_shared import signed_links
from crm_shared.signed_links import MAX_TOKEN_LENGTH, TOKEN_SHAPE, ExpiredLink, InvalidLink

RESPOND_PATH = "/s/"
"""The survey page the console serves to customers (``crm_console.public.survey``), which
answers through the gateway's ``/api/v1/surveys/respond/<token>`` (integrators call that
route with the same token)."""
MIN_SECRET_LENGTH = 16

__all__ = ["MAX_TOKEN_LENGTH", "TOKEN_SHAPE", "ExpiredLink", "InvalidLink", "LinkClaims",
           "link_url", "sign", "verify"]


@dataclass(frozen=True)
class LinkClaims:
    invitation_id: str
    expire_time: datetime


def sign(secret: str, invitation_id: str, expire_time: datetime) -> str:
    return signed_links.sign(secret, invitation_id, expire_time)


def verify(secret: str, token: str, now: datetime) -> LinkClaims:
    """The claims of a genuine, unexpired token; :class:`InvalidLink` or
    :class:`ExpiredLink` otherwise, nothing else (:func:`crm_shared.signed_links.verify`)."""
    claims = signed_links.verify(secret, token, now)
    return LinkClaims(invitation_id=claims.text, expire_time=claims.expire_time)


def link_url(base_url: str, token: str) -> str:
    """The public URL a customer opens: the console's survey page at the public base URL."""
    return base_url.rstrip("/") + RESPOND_PATH + token
