"""The token watermarks as the gateway holds them (``users.tokens_not_before_ms``): checked on
every request at this door, and served to every other verifier as the revocations document.
The rule and the reasons are in :mod:`crm_shared.auth.revocations`."""

from __future__ import annotations

import hashlib
import json
import time

from crm_shared.auth.revocations import document, refuse_if_void
from crm_shared.db import Database
from sqlalchemy import select

from gateway.identity.models import User

MARGIN_SECONDS = 60
"""Kept in the document this long past the longest token lifetime (clock skew, leeway)."""


class DirectoryRevocations:
    """The watermark of a token's user read from the identity database on each request: a
    change is in force here as soon as it commits."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def check(self, subject: str, issued_at: float) -> None:
        with self.database.unit_of_work(readonly=True) as uow:
            not_before_ms = uow.session.scalar(
                select(User.tokens_not_before_ms).where(User.id == subject)
            )
        refuse_if_void(not_before_ms, issued_at)


def revocations_document(database: Database, *, longest_token_seconds: int) -> tuple[dict, str]:
    """The watermarks younger than the longest token lifetime (older ones void only expired
    tokens), and the document's entity tag (unquoted)."""
    window = longest_token_seconds + MARGIN_SECONDS
    since_ms = round((time.time() - window) * 1000)
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(
            select(User.id, User.tokens_not_before_ms).where(User.tokens_not_before_ms > since_ms)
        ).all()
    body = document({user_id: not_before for user_id, not_before in rows}, window)
    return body, hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
