"""The token watermarks as the gateway holds them (``users.tokens_not_before_ms``): served to
every other verifier as the revocations document, and held by each gateway worker in memory
like every other verifier holds them, so an authenticated request reads no row. The rule and
the reasons are in :mod:`crm_shared.auth.revocations`."""

from __future__ import annotations

import hashlib
import json
import time

from crm_shared.auth.revocations import WatermarkCache, document, table_of
from crm_shared.db import Database, UnitOfWork
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from gateway.identity.models import User

MARGIN_SECONDS = 60
"""Kept in the document this long past the longest token lifetime (clock skew, leeway)."""

WATERMARKS = "tokens_not_before_ms"
"""The kind of :attr:`UnitOfWork.changes` under which a unit of work records the watermarks it
set (user id -> ms; ``sessions.revoke_user_tokens``)."""


class DatabaseRevocations(WatermarkCache):
    """This worker's watermarks: the document read from the gateway's own database (at the
    first check, then every ``interval_seconds`` once started with the worker) and every
    watermark this worker commits, learnt as it commits. So a user disabled or changed here
    loses their tokens here at once, and in the other workers and replicas (and at the
    services, which poll the same document) within one interval; a request never queries
    ``users`` for its token."""

    REFRESH_ERRORS = (*WatermarkCache.REFRESH_ERRORS, SQLAlchemyError)

    def __init__(
        self, database: Database, *, longest_token_seconds: int, interval_seconds: float = 2.0
    ) -> None:
        super().__init__(
            "the gateway's database", interval_seconds=interval_seconds, timeout_seconds=5.0
        )
        self.database = database
        self.longest_token_seconds = longest_token_seconds
        database.on_committed(self._learn)

    def refresh(self) -> None:
        body, _ = revocations_document(
            self.database, longest_token_seconds=self.longest_token_seconds
        )
        self._replace(table_of(body))

    def check(self, subject: str, issued_at: float) -> None:
        if not self.loaded:
            self.refresh()  # the worker's first request (the database is this process's own)
        super().check(subject, issued_at)

    def _learn(self, uow: UnitOfWork) -> None:
        for user_id, not_before_ms in uow.changes.get(WATERMARKS, {}).items():
            self.note(user_id, not_before_ms)


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
