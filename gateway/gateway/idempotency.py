"""``Idempotency-Key`` on every POST that creates something (IETF draft
"The Idempotency-Key HTTP Header Field").

The first response to a caller's key is stored in the gateway's database with the hash of
the request (method, path, query, body) and replayed for a retry with the same request until
it expires: the retry creates nothing. The same key with a different request is a 422
problem; the same key while the first request still runs is a 409 problem with
``Retry-After``. A request that failed with an error (4xx raised by validation or a service,
or 5xx) stores nothing, so it can be retried with the same key.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from crm_shared.db import Database, utcnow
from crm_shared.errors import Conflict, FieldViolation, InvalidArgument
from flask import Response, g, make_response, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from gateway.identity.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")
REPLAYED_HEADER = "Idempotent-Replayed"
SWEEP_PROBABILITY = 0.01  # chance that a new claim also deletes expired records
_STORED_HEADERS = ("Location", "Content-Type", "Cache-Control", "Pragma")

PARAMETER_DOC: dict[str, Any] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Makes a create safe to retry: a retry with the same key and the same "
    "request replays the first response (nothing is created twice; the replay carries "
    "`Idempotent-Replayed: true`); the same key with a different request is a 422 problem. "
    "Keys are per caller and kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[!-~]+$"},
    "example": "4f7d6c1e-create-customer-1",
}


class IdempotencyKeyInUse(Conflict):
    """The first request with this key is still being processed."""

    def __init__(self) -> None:
        super().__init__(
            "a request with this Idempotency-Key is still in progress; retry later",
            reason="idempotency_key_in_use",
        )
        self.headers = {"Retry-After": "1"}


def current_key() -> str | None:
    """The request's validated ``Idempotency-Key`` (views use it, e.g. as a service request id)."""
    return g.get("idempotency_key")


def _request_hash() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def run_idempotently(
    database: Database, ttl_seconds: int, caller_id: str, view: Callable[[], Any]
) -> Response | Any:
    key = request.headers.get(HEADER)
    if key is None:
        return view()
    if not KEY_PATTERN.match(key):
        raise InvalidArgument(FieldViolation(HEADER, "must be 1-200 visible ASCII characters"))
    g.idempotency_key = key
    request_hash = _request_hash()
    now = utcnow()
    try:
        with database.unit_of_work() as uow:
            record = uow.session.get(IdempotencyRecord, (caller_id, key))
            if record is not None and record.expire_time <= now:
                uow.session.delete(record)
                uow.session.flush()
                record = None
            if record is None:
                uow.session.add(
                    IdempotencyRecord(
                        caller_id=caller_id,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        request_hash=request_hash,
                        status=None,
                        response_headers={},
                        response_body=None,
                        create_time=now,
                        expire_time=now + timedelta(seconds=ttl_seconds),
                    )
                )
                claimed = None
                if random.random() < SWEEP_PROBABILITY:  # keep the table to its live keys
                    uow.session.execute(
                        delete(IdempotencyRecord).where(IdempotencyRecord.expire_time < now)
                    )
            else:
                claimed = (
                    record.request_hash,
                    record.status,
                    record.response_headers,
                    record.response_body,
                )
    except IntegrityError:  # a concurrent request claimed the key first
        raise IdempotencyKeyInUse() from None

    if claimed is not None:
        stored_hash, status, headers, body = claimed
        if stored_hash != request_hash:
            raise InvalidArgument(
                FieldViolation(HEADER, "was already used with a different request"),
                "this Idempotency-Key was already used with a different request",
            )
        if status is None:
            raise IdempotencyKeyInUse()
        replay = Response(body, status=status)
        for name, value in headers.items():
            replay.headers[name] = value
        replay.headers[REPLAYED_HEADER] = "true"
        return replay

    try:
        response = make_response(view())
    except BaseException:
        _forget(database, caller_id, key)
        raise
    if response.status_code >= 400:
        _forget(database, caller_id, key)
        return response
    with database.unit_of_work() as uow:
        record = uow.session.get(IdempotencyRecord, (caller_id, key))
        if record is not None:
            record.status = response.status_code
            record.response_headers = {
                n: response.headers[n] for n in _STORED_HEADERS if n in response.headers
            }
            record.response_body = response.get_data()
    return response


def _forget(database: Database, caller_id: str, key: str) -> None:
    with database.unit_of_work() as uow:
        uow.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.caller_id == caller_id, IdempotencyRecord.key == key
            )
        )


def sweep_expired(database: Database) -> int:
    """Delete every expired record now; returns how many (new claims also do it, now and then)."""
    with database.unit_of_work() as uow:
        result = uow.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expire_time < utcnow())
        )
        return result.rowcount or 0
