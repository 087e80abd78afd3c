"""Login sessions: rotating refresh tokens (RFC 9700 §4.14.2, "refresh token rotation").

A login starts a *family*; each refresh token is an opaque 256-bit random string of which
only the SHA-256 is stored. Using one marks it used and issues its successor in the same
family. Presenting a token that was already used (or revoked) means it leaked: the whole
family is revoked, so neither the thief nor the user can go on without logging in again.
A token expires ``ttl`` after it was issued, and a family ``max_age`` after the login.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm_shared.db import UnitOfWork, utcnow
from sqlalchemy import select, update

from gateway.identity.models import RefreshToken, User
from gateway.identity.revocations import WATERMARKS

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(
    uow: UnitOfWork, *, user_id: str, family_id: str, family_expire_time: datetime, ttl: int
) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    uow.session.add(
        RefreshToken(
            id=str(uuid.uuid4()),
            token_hash=_digest(token),
            family_id=family_id,
            user_id=user_id,
            create_time=now,
            expire_time=min(now + timedelta(seconds=ttl), family_expire_time),
            family_expire_time=family_expire_time,
            use_time=None,
            revoke_time=None,
        )
    )
    uow.session.flush()
    return token


def start_session(uow: UnitOfWork, *, user_id: str, ttl: int, max_age: int) -> str:
    """A new family for a login; returns its first refresh token."""
    return _new_token(
        uow,
        user_id=user_id,
        family_id=str(uuid.uuid4()),
        family_expire_time=utcnow() + timedelta(seconds=max_age),
        ttl=ttl,
    )


@dataclass(frozen=True)
class Refreshed:
    """Outcome of :func:`rotate`: the user and the successor token, or why it was refused."""

    user: User | None = None
    refresh_token: str | None = None
    refused: str | None = None
    reuse_detected: bool = False


def rotate(uow: UnitOfWork, *, token: str, ttl: int) -> Refreshed:
    """Use ``token``: its successor, or a refusal (a reuse revokes the family — the caller
    must commit this unit of work even then)."""
    # FOR UPDATE: two concurrent uses of one token are serialised, so the second sees it used
    # (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    record = uow.session.scalars(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token)).with_for_update()
    ).one_or_none()
    if record is None:
        return Refreshed(refused="unknown refresh token")
    now = utcnow()
    if record.use_time is not None or record.revoke_time is not None:
        revoke_family(uow, family_id=record.family_id)
        return Refreshed(
            refused="refresh token reused; the session is revoked", reuse_detected=True
        )
    if record.expire_time <= now:
        return Refreshed(refused="refresh token expired")
    user = uow.session.get(User, record.user_id)
    if user is None or not user.active:
        revoke_family(uow, family_id=record.family_id)
        return Refreshed(refused="the account is disabled")
    record.use_time = now
    successor = _new_token(
        uow,
        user_id=user.id,
        family_id=record.family_id,
        family_expire_time=record.family_expire_time,
        ttl=ttl,
    )
    return Refreshed(user=user, refresh_token=successor)


def revoke_family(uow: UnitOfWork, *, family_id: str) -> None:
    uow.session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoke_time.is_(None))
        .values(revoke_time=utcnow())
    )


def revoke_token_family(uow: UnitOfWork, *, token: str) -> bool:
    """Log out: revoke the family of ``token``; False when the token is unknown."""
    record = uow.session.scalars(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token))
    ).one_or_none()
    if record is None:
        return False
    revoke_family(uow, family_id=record.family_id)
    return True


def revoke_user_tokens(uow: UnitOfWork, *, user: User) -> None:
    """A security change of ``user`` (disabled or enabled, roles, department, data scope,
    scopes, password or client secret): every access token issued before now is void at every
    door (the watermark, ``crm_shared.auth.revocations``), and every refresh token is revoked,
    so the user's next token is issued from what the directory says now."""
    user.tokens_not_before_ms = round(time.time() * 1000)
    # this worker's watermarks learn it as the transaction commits (revocations.py)
    uow.changes.setdefault(WATERMARKS, {})[user.id] = user.tokens_not_before_ms
    revoke_user_sessions(uow, user_id=user.id)


def revoke_user_sessions(uow: UnitOfWork, *, user_id: str) -> None:
    """Revoke every refresh token of a user (disabled, or moved: a new login picks up the change)."""
    uow.session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoke_time.is_(None))
        .values(revoke_time=utcnow())
    )
