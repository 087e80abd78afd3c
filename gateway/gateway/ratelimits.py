"""Rate limits and the login throttle: fixed-window counters in the gateway's own database.

Every gunicorn worker and every replica of the gateway counts in the same table with one
atomic statement (``INSERT .. ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits``, on
SQLite and PostgreSQL alike), so a limit holds for the deployment, not per process. Why the
database and not a Redis behind Flask-Limiter: see the gateway README ("Rate limits").

To avoid one database write per request, a process reserves a *lease* of a few requests at
a time from the shared counter and spends it locally. The lease is a tenth of what remained
at its last reservation (at most ``MAX_LEASE``, at least one), so far from the limit a
process writes once per up to 20 requests, and near the limit once per request. The shared
counter is always at least what was admitted, so a deployment never admits more than the
limit; it may refuse slightly early, by what other processes still hold unspent.

A caller over the limit gets 429 with ``Retry-After``; every authenticated response carries
``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds to the window's
end, as in the IETF RateLimit header fields draft; ``Remaining`` is this process's view).

The login throttle counts in the same table; its rule is :class:`LoginThrottle`'s.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
import time
from dataclasses import dataclass

from crm_shared.db import Database
from crm_shared.errors import ResourceExhausted
from flask import Flask, Response, current_app, g, request
from sqlalchemy import delete, func, select

from gateway.endpoints import access_of
from gateway.identity.models import RateLimitCounter

# Chance that a counter's first hit in a window also deletes expired counters.
_SWEEP_PROBABILITY = 0.02
MAX_LEASE = 20
LEASE_FRACTION = 10  # a lease is remaining // LEASE_FRACTION
_MAX_LEASES_KEPT = 10_000


@dataclass
class _Lease:
    bucket: str
    left: int  # admitted requests reserved in the shared counter, not spent yet
    shared_hits: int  # the shared counter after this process's last reservation


@dataclass(frozen=True)
class Quota:
    limit: int
    hits: int
    reset_seconds: int

    @property
    def exceeded(self) -> bool:
        return self.hits > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.hits)

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimited(ResourceExhausted):
    """429: too many requests; ``headers`` carry ``Retry-After`` and the quota."""

    def __init__(self, message: str, *, retry_after: int, headers: dict[str, str] | None = None):
        super().__init__(message, reason="rate_limited")
        self.headers = {**(headers or {}), "Retry-After": str(max(1, retry_after))}


class WindowCounters:
    """Fixed-window counters shared through ``database``."""

    def __init__(self, database: Database, *, clock=time.time) -> None:
        self.database = database
        self.clock = clock
        self._leases: dict[str, _Lease] = {}
        self._leases_lock = threading.Lock()

    def _window(self, window_seconds: int) -> tuple[int, int]:
        now = self.clock()
        start = int(now // window_seconds) * window_seconds
        return start, max(1, math.ceil(start + window_seconds - now))

    def hit(self, subject: str, *, limit: int, window_seconds: int, leased: bool = True) -> Quota:
        """Count one request of ``subject`` and return its quota after it.

        ``leased=False`` writes every hit to the shared counter (exact, for the login throttle)."""
        start, reset = self._window(window_seconds)
        bucket = f"{subject}:{window_seconds}:{start}"
        if leased:
            with self._leases_lock:
                lease = self._leases.get(subject)
                if lease is not None and lease.bucket == bucket and lease.left > 0:
                    lease.left -= 1
                    return Quota(limit, min(limit, lease.shared_hits - lease.left), reset)
                known = lease.shared_hits if lease is not None and lease.bucket == bucket else 0
            size = max(1, min(MAX_LEASE, (limit - known) // LEASE_FRACTION))
        else:
            size = 1
        hits = self._add(bucket, size, expire_at=start + window_seconds)
        granted = max(0, min(size, limit - (hits - size)))  # what still fitted under the limit
        if leased:
            with self._leases_lock:
                if len(self._leases) > _MAX_LEASES_KEPT:
                    self._leases.clear()
                self._leases[subject] = _Lease(bucket, max(0, granted - 1), hits)
        if granted == 0:
            return Quota(limit, limit + 1, reset)
        return Quota(limit, min(limit, hits - (granted - 1) if leased else hits), reset)

    def _add(self, bucket: str, amount: int, *, expire_at: int) -> int:
        # on SQLite the unit of work queues this process's writers (crm_shared.db.Database)
        with self.database.unit_of_work() as uow:
            session = uow.session
            if session.get_bind().dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            statement = (
                insert(RateLimitCounter)
                .values(bucket=bucket, hits=amount, expire_at=expire_at)
                .on_conflict_do_update(
                    index_elements=["bucket"], set_={"hits": RateLimitCounter.hits + amount}
                )
                .returning(RateLimitCounter.hits)
            )
            hits = session.execute(statement).scalar_one()
            if hits == amount and random.random() < _SWEEP_PROBABILITY:
                session.execute(
                    delete(RateLimitCounter).where(RateLimitCounter.expire_at < int(self.clock()))
                )
        return hits

    def peek(self, subject: str, *, limit: int, window_seconds: int) -> Quota:
        """The quota of ``subject`` without counting."""
        return self.peek_many({subject: limit}, window_seconds=window_seconds)[subject]

    def peek_many(self, limits: dict[str, int], *, window_seconds: int) -> dict[str, Quota]:
        """The quotas of several subjects (subject: limit) in one read, without counting."""
        start, reset = self._window(window_seconds)
        buckets = {f"{subject}:{window_seconds}:{start}": subject for subject in limits}
        with self.database.unit_of_work(readonly=True) as uow:
            rows = uow.session.execute(
                select(RateLimitCounter.bucket, RateLimitCounter.hits).where(
                    RateLimitCounter.bucket.in_(buckets)
                )
            ).all()
        hits = {buckets[bucket]: count for bucket, count in rows}
        return {
            subject: Quota(limit=limit, hits=hits.get(subject, 0), reset_seconds=reset)
            for subject, limit in limits.items()
        }

    def mark(self, subject: str, *, window_seconds: int) -> None:
        """Remember ``subject`` for the rest of this window and all of the next one."""
        start, _ = self._window(window_seconds)
        bucket = f"{subject}:{window_seconds}:{start}"
        self._add(bucket, 1, expire_at=start + 2 * window_seconds)

    def marked(self, subject: str, *, window_seconds: int) -> bool:
        """Whether ``subject`` was marked in this window or the one before it."""
        start, _ = self._window(window_seconds)
        buckets = [f"{subject}:{window_seconds}:{s}" for s in (start, start - window_seconds)]
        with self.database.unit_of_work(readonly=True) as uow:
            found = uow.session.scalar(
                select(func.count())
                .select_from(RateLimitCounter)
                .where(RateLimitCounter.bucket.in_(buckets))
            )
        return bool(found)


def client_address() -> str:
    """The client's address (``ProxyFix`` has applied the trusted ``X-Forwarded-For``)."""
    return request.remote_addr or "unknown"


# An address stays "known" for an account 30 to 60 days after a successful login from it.
KNOWN_ADDRESS_WINDOW_SECONDS = 30 * 86_400


class LoginThrottle:
    """Failed logins (password and client-credential grants), checked *before* the password
    is, and counted whether or not the account exists, so the throttle neither lets guessing
    go on nor tells which usernames exist.

    The rule. OWASP's Authentication Cheat Sheet ("Account Lockout") asks for failures to be
    counted per account, not only per address, so that many addresses cannot share out the
    guessing of one password — and warns that a lockout must not become a way to deny the
    account's owner. So, within one window (``window_seconds``, 15 minutes by default), a
    login is refused with 429 and ``Retry-After``, even with the right password, when:

    1. its client address has ``per_address`` failures, whatever the accounts (one address
       spraying many accounts);
    2. the account has ``per_account_address`` failures from this client address (guessing
       one password from one place): the account is locked *at that address only*;
    3. the account has ``per_account`` failures from all addresses together, **and** this
       address is not one the account logged in from successfully in the last 30 to 60 days
       (guessing spread over many addresses is held to ``per_account`` guesses a window).

    An attacker therefore locks an account out only at their own address and at addresses
    the account was never used from; ``admin`` at an address they logged in from before still
    gets in whatever the failures elsewhere (the "familiar location" idea of smart lockout).
    What remains: someone behind the same address as the owner (one NAT) shares rule 2 with
    them, and the owner at a new address waits out the window during an attack.

    The client address is the one ``ProxyFix`` resolved from the trusted proxy hops
    (``HTTP_TRUSTED_PROXIES``); without those, behind an ingress every client would be the
    ingress and rules 1 and 2 would be global. Known addresses are kept as a SHA-256 of
    account and address, so the table does not list in clear who logs in from where."""

    def __init__(
        self,
        counters: WindowCounters,
        *,
        window_seconds: int,
        per_address: int,
        per_account_address: int,
        per_account: int,
    ) -> None:
        self.counters = counters
        self.window_seconds = window_seconds
        self.per_address = per_address
        self.per_account_address = per_account_address
        self.per_account = per_account

    @staticmethod
    def _account(account: str) -> str:
        return account.strip().lower()

    def _limits(self, account: str, address: str) -> tuple[dict[str, int], str]:
        """The failure counters of an attempt (subject: limit) and its account-wide subject."""
        account = self._account(account)
        everywhere = f"login-account:{account}"
        return {
            f"login-address:{address}": self.per_address,
            f"login-account-address:{account}|{address}": self.per_account_address,
            everywhere: self.per_account,
        }, everywhere

    def _known(self, account: str, address: str) -> str:
        pair = f"{self._account(account)}|{address}".encode()
        return f"login-known:{hashlib.sha256(pair).hexdigest()}"

    def check(self, account: str, address: str) -> None:
        limits, everywhere = self._limits(account, address)
        quotas = self.counters.peek_many(limits, window_seconds=self.window_seconds)
        for subject, quota in quotas.items():
            if quota.hits < quota.limit:
                continue
            if subject == everywhere and self.counters.marked(
                self._known(account, address), window_seconds=KNOWN_ADDRESS_WINDOW_SECONDS
            ):
                continue  # rule 3 spares the addresses the account was used from
            raise RateLimited(
                "too many failed logins; retry later", retry_after=quota.reset_seconds
            )

    def failed(self, account: str, address: str) -> None:
        limits, _ = self._limits(account, address)
        for subject, limit in limits.items():
            self.counters.hit(
                subject, limit=limit, window_seconds=self.window_seconds, leased=False
            )

    def succeeded(self, account: str, address: str) -> None:
        """Remember ``address`` as one ``account`` logs in from (rule 3)."""
        self.counters.mark(
            self._known(account, address), window_seconds=KNOWN_ADDRESS_WINDOW_SECONDS
        )


def install_rate_limits(app: Flask, counters: WindowCounters, settings) -> None:
    """Count every authenticated request against its caller's quota (after authentication)."""

    @app.before_request
    def limit_caller() -> None:
        principal = g.get("principal")
        if not settings.rate_limit_enabled or principal is None or request.method == "OPTIONS":
            return
        if (
            request.endpoint is None
            or access_of(current_app.view_functions.get(request.endpoint)).public
        ):
            return
        if principal.is_service_account:
            subject, limit = (
                f"service:{principal.user_id}",
                settings.rate_limit_service_account_requests,
            )
        else:
            subject, limit = f"user:{principal.user_id}", settings.rate_limit_user_requests
        quota = counters.hit(
            subject, limit=limit, window_seconds=settings.rate_limit_window_seconds
        )
        g.quota = quota
        if quota.exceeded:
            raise RateLimited(
                f"rate limit of {limit} requests per {settings.rate_limit_window_seconds} s "
                "exceeded",
                retry_after=quota.reset_seconds,
                headers=quota.headers(),
            )

    @app.after_request
    def quota_headers(response: Response) -> Response:
        quota = g.get("quota")
        if quota is not None:
            for name, value in quota.headers().items():
                response.headers.setdefault(name, value)
        return response
