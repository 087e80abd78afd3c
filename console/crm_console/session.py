"""The signed-in user: an encrypted session cookie, checked and refreshed on every request.

The cookie (HttpOnly, SameSite=Lax, Secure unless turned off for plain-HTTP local runs) is
Flask's session, sealed with AES-GCM under a key derived from ``CONSOLE_SECRET_KEY``: it holds
the gateway's access and refresh tokens and the CSRF secret, none of which a page script can
read, and nobody can read or forge it without the key. Replicas share nothing but the key.

Each request verifies the access token (the gateway's public key) and runs the view as that
principal, so every gRPC call carries the user's own token. A token that has expired or is
about to is renewed with the refresh token on a full page load; an htmx request with an
expired token asks the browser to reload, so two parallel partial requests never spend the
same single-use refresh token (reuse would end the session, by the gateway's rule).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from typing import Any

from crm_shared.auth import Principal, TokenVerifier
from crm_shared.auth.principal import principal_scope
from crm_shared.errors import Unauthenticated
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface

# Renew the access token when it has less than this many seconds to live.
REFRESH_MARGIN_SECONDS = 60


class _SealedSerializer:
    """``dumps``/``loads`` of the session dict, encrypted and authenticated (AES-256-GCM)."""

    def __init__(self, secret: str) -> None:
        key = hashlib.sha256(b"crm-console session v1\0" + secret.encode()).digest()
        self._aead = AESGCM(key)

    def dumps(self, value: dict[str, Any]) -> str:
        nonce = os.urandom(12)
        value = {**value, "_sealed_at": int(time.time())}
        sealed = self._aead.encrypt(nonce, json.dumps(value, separators=(",", ":")).encode(), None)
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def loads(self, text: str, max_age: int | None = None) -> dict[str, Any]:
        from itsdangerous import BadSignature

        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            value = json.loads(self._aead.decrypt(raw[:12], raw[12:], None))
        except (ValueError, InvalidTag) as exc:
            raise BadSignature("session cookie does not open") from exc
        if max_age is not None and value.get("_sealed_at", 0) + max_age < time.time():
            raise BadSignature("session cookie expired")
        return value


class SealedSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        return _SealedSerializer(str(app.secret_key))


def store_tokens(access_token: str, refresh_token: str, expires_in: int,
                 refresh_expires_in: int) -> None:
    now = int(time.time())
    session["access_token"] = access_token
    session["access_expires_at"] = now + expires_in
    if refresh_token:
        session["refresh_token"] = refresh_token
        session["refresh_expires_at"] = now + refresh_expires_in
    session.permanent = True


def forget_tokens() -> None:
    for key in ("access_token", "access_expires_at", "refresh_token", "refresh_expires_at",
                "user"):
        session.pop(key, None)


class NeedsSignIn(Exception):
    """No usable session: full pages redirect to the sign-in page, htmx requests reload."""


def authenticate(verifier: TokenVerifier, identity) -> Principal:
    """The principal of this request's session, renewing the access token when needed."""
    token = session.get("access_token")
    if not token:
        raise NeedsSignIn()
    if session.get("access_expires_at", 0) - time.time() < REFRESH_MARGIN_SECONDS:
        if request.headers.get("HX-Request") or not session.get("refresh_token"):
            raise NeedsSignIn()
        from crm_console.refusals import Refusal

        try:
            pair = identity.refresh(session["refresh_token"])
        except Refusal as exc:
            forget_tokens()
            raise NeedsSignIn() from exc
        store_tokens(pair.access_token, pair.refresh_token, pair.expires_in,
                     pair.refresh_expires_in)
        token = pair.access_token
    try:
        principal = verifier.verify(token)
    except Unauthenticated as exc:
        forget_tokens()
        raise NeedsSignIn() from exc
    if principal.is_service_account:  # service accounts never use the console
        forget_tokens()
        raise NeedsSignIn()
    return principal


def enter_principal(principal: Principal) -> None:
    """Run the rest of this request as ``principal`` (its token goes with every gRPC call)."""
    g.principal = principal
    g._principal_scope = principal_scope(principal)
    g._principal_scope.__enter__()


def leave_principal() -> None:
    scope = g.pop("_principal_scope", None)
    if scope is not None:
        scope.__exit__(None, None, None)
