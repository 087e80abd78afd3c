"""Field keys: AES-GCM sealing of one personal value with a key only its holders have.

The customer service seals ID-card and bank numbers at rest with them
(``customer_service.personal_data``); the gateway seals a staff member's e-mail and phone in
``identity.user_upserted`` for the one consumer that sends to them, the notification worker
(``gateway.identity.events``). Each holder reads its key from the same settings:

``FIELD_ENCRYPTION_KEY`` (base64 of 32 bytes) seals new values;
``FIELD_ENCRYPTION_PREVIOUS_KEYS`` (comma-separated, same form) still opens values sealed
before a rotation. A sealed value names its key by ``key_id`` (a fingerprint of the key, so
nothing else has to be configured).

The two uses have different keys (the chart mounts a Secret of its own for each): holding the
key that opens staff addresses must not open every customer's ID card, and the reverse.
A value is sealed together with the record id and the field's name (associated data), so a
sealed value copied onto another record or field does not open.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
import os
from collections.abc import Sequence
from typing import ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr, ValidationInfo, field_validator

log = logging.getLogger(__name__)

NONCE_BYTES = 12


class FieldKeyError(ValueError):
    """The configured key material is unusable."""


def key_id_of(key: bytes) -> str:
    """A stable, non-secret name of a key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(b"crm-field-key:" + key).hexdigest()[:16]


def decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise FieldKeyError("must be base64") from None
    if len(key) != 32:
        raise FieldKeyError(f"must decode to 32 bytes, not {len(key)}")
    return key


class FieldKeys:
    """The key that seals new values and every key that may still open old ones."""

    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self.current_id = key_id_of(current)
        self._keys = {key_id_of(key): AESGCM(key) for key in (*previous, current)}

    @classmethod
    def from_base64(cls, current: str, previous: str = "") -> FieldKeys:
        return cls(
            decode_key(current),
            [decode_key(part) for part in previous.split(",") if part.strip()],
        )

    @classmethod
    def ephemeral(cls) -> FieldKeys:
        """A random key for in-process tests and benchmarks that configure none; the
        processes that need one refuse to start without it (``FieldKeySettings``)."""
        return cls(os.urandom(32))

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def seal(self, record_id: str, field_path: str, clear: str) -> tuple[str, bytes]:
        """``(key_id, nonce + ciphertext)`` of ``clear``, bound to the record and field."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.current_id].encrypt(
            nonce, clear.encode("utf-8"), _associated(record_id, field_path)
        )
        return self.current_id, nonce + sealed

    def open(self, record_id: str, field_path: str, key_id: str, blob: bytes) -> str:
        """The clear value; LookupError when no configured key opens it."""
        cipher = self._keys.get(key_id)
        if cipher is None:
            raise LookupError(f"no key {key_id} configured (FIELD_ENCRYPTION_PREVIOUS_KEYS?)")
        try:
            clear = cipher.decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _associated(record_id, field_path)
            )
        except InvalidTag:
            raise LookupError(f"{field_path} of {record_id} does not decrypt") from None
        return clear.decode("utf-8")


def _associated(record_id: str, field_path: str) -> bytes:
    return f"{record_id}\x00{field_path}".encode()


_EPHEMERAL: FieldKeys | None = None


@functools.lru_cache(maxsize=4)
def _keys_from(current: str, previous: str) -> FieldKeys:
    return FieldKeys.from_base64(current, previous)


def default_keys() -> FieldKeys:
    """Keys from the environment, or one random key per process when none is set (tests)."""
    global _EPHEMERAL
    current = os.environ.get("FIELD_ENCRYPTION_KEY", "")
    if current:
        return _keys_from(current, os.environ.get("FIELD_ENCRYPTION_PREVIOUS_KEYS", ""))
    if _EPHEMERAL is None:
        log.warning("FIELD_ENCRYPTION_KEY not set: personal fields use a per-process key")
        _EPHEMERAL = FieldKeys.ephemeral()
    return _EPHEMERAL


class FieldKeySettings:
    """The key settings of a process that seals or opens field values (a settings mixin):
    checked at start, so a bad key stops the process instead of its first seal."""

    field_encryption_key: SecretStr
    field_encryption_previous_keys: SecretStr = SecretStr("")

    key_required: ClassVar[bool] = True

    @field_validator("field_encryption_key", "field_encryption_previous_keys")
    @classmethod
    def _keys_are_usable(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        if (
            info.field_name == "field_encryption_key"
            and cls.key_required
            and not value.get_secret_value()
        ):
            raise ValueError("must be set (base64 of 32 random bytes)")
        for part in value.get_secret_value().split(","):
            if part.strip():
                try:
                    decode_key(part)
                except FieldKeyError as exc:
                    raise ValueError(str(exc)) from None
        return value

    @property
    def field_keys(self) -> FieldKeys:
        return FieldKeys.from_base64(
            self.field_encryption_key.get_secret_value(),
            self.field_encryption_previous_keys.get_secret_value(),
        )
