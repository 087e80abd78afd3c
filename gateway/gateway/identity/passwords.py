"""Password hashing with Argon2id (memory-hard; RFC 9106 parameters from argon2-cffi).

A login for an unknown user still runs one verification against a dummy hash, so the time a
refused login takes does not tell whether the username exists.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class PasswordHashing:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        if not password:
            raise ValueError("a password must not be empty")
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
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
        """Spend the time of one verification (for a login whose user does not exist)."""
        with self._lock:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash("not-a-real-password")
        self.verify(self._dummy_hash, password)
