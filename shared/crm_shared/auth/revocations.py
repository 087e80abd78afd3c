"""Access tokens made void before they expire: a per-user "not before" watermark.

An access token is a signed statement every process checks on its own, so without this it
stayed good until its ``exp`` (up to ``ACCESS_TOKEN_TTL_SECONDS``, 15 min) after its user was
disabled, lost a role or a department, or changed their password. The gateway now keeps, for
each user, the moment of their last security change (``users.tokens_not_before_ms``): every
token of that user issued before it is void, at every door, and the user's refresh tokens are
revoked in the same transaction. ``iat`` carries milliseconds (RFC 7519 allows a fractional
NumericDate), so a token issued just after the change, in the same second, is told apart from
one issued just before it.

How a watermark reaches every verifier: the gateway serves the watermarks of the last token
lifetime as a small public document, :data:`DOCUMENT_PATH` (beside the JWKS, which carries the
keys the same way). Older watermarks are left out: they void only tokens that have expired
anyway, so the document stays bounded by the changes of one token lifetime. Subjects are
SHA-256 digests, so the document tells a stranger nothing about whose access changed.

* Every verifier holds the watermarks in memory (:class:`WatermarkCache`) and checks a token
  without a query. Each service's gRPC api and the console fetch the document
  (:class:`PolledRevocations`) at start and then every ``JWT_REVOCATIONS_POLL_SECONDS`` (2 s by
  default) with a conditional GET. Until the first document arrives such a process refuses every
  token, so a restarted process is never fooled by a token voided while it was down.
* Each gateway worker reads the same document from its own database at its first request and
  then every ``JWT_REVOCATIONS_POLL_SECONDS``, and learns a change it commits itself as the
  transaction commits (:meth:`WatermarkCache.note`): a disable or a role change takes effect at
  once in the worker that made it, and within one interval in the others and at the services.
  (It used to read the user's row on every request.)

Why polling a snapshot rather than identity events on the broker: a process that starts (or
restarts) must know the watermarks of the last token lifetime before it accepts a token, and a
broker subscription only hears what is published after it subscribes — a snapshot is needed
anyway, and with it the same snapshot is the one mechanism, at start and after. Events would
also need an exclusive queue per replica of every process beside grpcio's threads, and a lost,
late or repeated event could leave one replica wrong; the document is the gateway's database
itself, idempotent by nature. The price is a delay of at most one poll interval at the services
(against the whole token lifetime before) and one small, mostly ``304`` request per process per
interval. When the gateway cannot be reached the last document is kept and a warning logged:
watermarks are only made at the gateway, so while it is down none can be missed, and a process
cut off from a running gateway lets a voided token live at most the poll outage, never past the
token's ``exp``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import urllib.error
import urllib.request
from typing import Protocol

from crm_shared.errors import Unauthenticated

log = logging.getLogger(__name__)

DOCUMENT_PATH = "/.well-known/token-revocations"
"""Where the gateway serves the watermarks (``GET``, public, JSON)."""

FIRST_LOAD_RETRY_SECONDS = 0.25
"""How soon a process that has no document yet (it refuses every token) asks again."""


class Revocations(Protocol):
    """Decides whether a verified token was voided after it was issued."""

    def check(self, subject: str, issued_at: float) -> None:
        """Raise :class:`Unauthenticated` when ``subject``'s tokens issued at ``issued_at``
        (seconds, the token's ``iat``) are void."""


def subject_digest(subject: str) -> str:
    """How the document names a subject (a user id)."""
    return hashlib.sha256(subject.encode()).hexdigest()


def issued_at_ms(issued_at: float) -> int:
    return round(float(issued_at) * 1000)


class Revoked(Unauthenticated):
    """The token's user changed (disabled, roles, department, data scope, password) after it
    was issued: sign in again."""

    def __init__(self) -> None:
        super().__init__(
            "access token revoked: the account changed after it was issued; sign in again"
        )


def refuse_if_void(not_before_ms: int | None, issued_at: float) -> None:
    """The one rule: a token issued before its subject's watermark is void."""
    if not_before_ms is not None and issued_at_ms(issued_at) < not_before_ms:
        raise Revoked()


def document(not_before_ms: dict[str, int], window_seconds: int) -> dict:
    """The document the gateway serves: subject → watermark (ms since the epoch)."""
    return {
        "window_seconds": window_seconds,
        "not_before_ms": {
            subject_digest(subject): value for subject, value in sorted(not_before_ms.items())
        },
    }


def _later(first: int | None, second: int | None) -> int | None:
    return second if first is None else first if second is None else max(first, second)


class WatermarkCache:
    """The watermarks one process holds in memory, checked on every request without a query:
    the latest document (replaced whole by :meth:`refresh`, every ``interval_seconds`` once
    started) and the changes this process itself committed since (:meth:`note`), so a
    change made here is in force here at once, before the next document. A subclass says where
    the document comes from: :class:`PolledRevocations` (the gateway's URL: services, console)
    or the gateway's own database (``gateway.identity.revocations``)."""

    REFRESH_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, TypeError)
    """What :meth:`refresh` raises when the document cannot be had (the last one is kept)."""

    def __init__(self, source: str, *, interval_seconds: float, timeout_seconds: float) -> None:
        if interval_seconds <= 0:
            raise ValueError("interval_seconds must be positive")
        self.source = source
        self.interval_seconds = interval_seconds
        self.timeout_seconds = timeout_seconds
        # (the document's watermarks, None until one is loaded; those noted here that it does
        # not hold yet): one tuple, replaced whole, so a check reads a consistent pair unlocked
        self._state: tuple[dict[str, int] | None, dict[str, int]] = (None, {})
        self._lock = threading.Lock()  # writers only
        self._failing = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def loaded(self) -> bool:
        return self._state[0] is not None

    @property
    def failing(self) -> bool:
        """The last fetch failed (the last document, if any, is still in force)."""
        return self._failing

    def check(self, subject: str, issued_at: float) -> None:
        table, own = self._state
        if table is None:
            raise Unauthenticated(
                "this service has not loaded the token revocations from the "
                "gateway yet; try again shortly"
            )
        digest = subject_digest(subject)
        refuse_if_void(_later(table.get(digest), own.get(digest)), issued_at)

    def note(self, subject: str, not_before_ms: int) -> None:
        """``subject``'s watermark as this process just committed it: in force here at once."""
        digest = subject_digest(subject)
        with self._lock:
            table, own = self._state
            self._state = (table, {**own, digest: _later(own.get(digest), not_before_ms)})

    def _replace(self, table: dict[str, int]) -> None:
        """A new document (subject digest -> watermark): the noted changes it holds are let go;
        one it does not hold yet (committed after it was read) is kept."""
        with self._lock:
            own = self._state[1]
            self._state = (
                table,
                {key: value for key, value in own.items() if table.get(key, -1) < value},
            )

    def refresh(self) -> None:
        """Load the document now; raises one of :data:`REFRESH_ERRORS` when it cannot."""
        raise NotImplementedError

    def _poll(self) -> None:
        try:
            self.refresh()
        except self.REFRESH_ERRORS as error:
            if not self._failing:
                log.warning(
                    "token revocations from %s unavailable (%s); %s",
                    self.source,
                    error,
                    "keeping the last ones" if self.loaded else "refusing every token",
                )
            self._failing = True
            return
        if self._failing:
            log.info("token revocations from %s available again", self.source)
        self._failing = False

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._poll()
            # until the first document arrives every token is refused: ask again soon
            self._stopping.wait(self.interval_seconds if self.loaded else FIRST_LOAD_RETRY_SECONDS)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="token-revocations", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(self.timeout_seconds + 1)


class PolledRevocations(WatermarkCache):
    """The gateway's watermarks, fetched from ``url`` at :meth:`start` and every
    ``interval_seconds`` after (start and stop it with the process, like the relay)."""

    def __init__(
        self, url: str, *, interval_seconds: float = 2.0, timeout_seconds: float = 3.0
    ) -> None:
        super().__init__(url, interval_seconds=interval_seconds, timeout_seconds=timeout_seconds)
        self.url = url
        self._etag: str | None = None

    def refresh(self) -> None:
        """Fetch the document now (conditionally); raises OSError, ValueError or TypeError
        when it cannot be had."""
        request = urllib.request.Request(self.url, headers={"Accept": "application/json"})
        if self._etag and self.loaded:
            request.add_header("If-None-Match", self._etag)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                body, etag = json.loads(response.read()), response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return
            raise
        self._replace(table_of(body))
        self._etag = etag


def table_of(body: object) -> dict[str, int]:
    """The watermarks of a revocations document (:func:`document`); TypeError when it has none."""
    table = body.get("not_before_ms") if isinstance(body, dict) else None
    if not isinstance(table, dict):
        raise TypeError("the token revocations document has no not_before_ms object")
    return {str(key): int(value) for key, value in table.items()}
