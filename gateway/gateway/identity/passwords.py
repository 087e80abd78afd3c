"""Password hashing with Argon2id (memory-hard; RFC 9106 parameters from argon2-cffi).

A login for an unknown user still runs one verification against a dummy hash, so the time a
refused login takes does not tell whether the username exists.

Memory is the price of memory-hardness: one hash or verification holds ``memory_cost`` KiB
(64 MiB with :data:`PARAMETERS`) while it runs, so concurrent logins multiply it — 16 at once
were enough to exceed the gateway pod's memory. Every hash and verification (the dummy one
included) therefore takes one of a fixed number of *slots* first; the slots of a process are
sized from the memory it may spend on hashing (:func:`hashing_slots`). A caller who finds no
slot free within ``wait_seconds`` is refused with :class:`HashingBusy` (429 with
``Retry-After``) instead of queueing a thread and another 64 MiB behind the others.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY
from crm_shared.errors import ResourceExhausted

# The one declaration of the hashing parameters: Argon2id, 3 passes over 64 MiB, 4 lanes
# (RFC 9106's second recommended option, argon2-cffi's default). Hashes made with weaker
# parameters are upgraded at the next login (``needs_rehash``).
PARAMETERS = RFC_9106_LOW_MEMORY

# What a refused caller is told to wait: about one verification's time.
BUSY_RETRY_AFTER_SECONDS = 1


class HashingBusy(ResourceExhausted):
    """429: every hashing slot stayed taken for the whole wait."""

    def __init__(self) -> None:
        super().__init__("too many logins at once; retry in a moment", reason="rate_limited")
        self.headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}


def hashing_slots(memory_budget_mib: int, *, workers: int, memory_cost_kib: int) -> int:
    """Concurrent hashes one of ``workers`` processes may run within ``memory_budget_mib``
    shared by all of them: ``floor(budget / workers / memory cost)``, and at least one (a
    budget below one hash per worker still lets each worker log people in, one at a time)."""
    return max(1, (memory_budget_mib * 1024) // (workers * memory_cost_kib))


class PasswordHashing:
    """Argon2id hashes and verifications, at most ``slots`` at a time in this process.

    ``wait_seconds`` is how long a caller waits for a free slot before :class:`HashingBusy`;
    ``None`` waits as long as it takes (the command line, which hashes one at a time)."""

    def __init__(
        self,
        hasher: PasswordHasher | None = None,
        *,
        slots: int = 1,
        wait_seconds: float | None = None,
    ) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self._hasher = hasher or PasswordHasher.from_parameters(PARAMETERS)
        self.slots = slots
        self.wait_seconds = wait_seconds
        self._free = threading.BoundedSemaphore(slots)
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    @property
    def memory_cost_kib(self) -> int:
        """Memory one hash or verification holds while it runs."""
        return self._hasher.memory_cost

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one hashing slot (waiting at most ``wait_seconds``), or raise HashingBusy."""
        if not self._free.acquire(timeout=self.wait_seconds):
            raise HashingBusy()
        try:
            yield
        finally:
            self._free.release()

    def hash(self, password: str) -> str:
        if not password:
            raise ValueError("a password must not be empty")
        with self.slot():
            return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self.slot():
            return self._verify(password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with weaker parameters than the current ones."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def burn_verification(self, password: str) -> None:
        """Spend the time (and the one slot) of a verification, for a login whose user does
        not exist: the dummy hash has the current parameters, so it costs what a real one
        does, and it is made once, inside the same slot."""
        with self.slot():
            with self._dummy_lock:
                if self._dummy_hash is None:
                    self._dummy_hash = self._hasher.hash("not-a-real-password")
            self._verify(self._dummy_hash, password)
