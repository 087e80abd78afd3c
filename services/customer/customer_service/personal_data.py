"""Sensitive personal fields: AES-GCM encryption at rest, masking, and who may reveal them.

Which fields are sensitive is read from the contract: every field marked
``(crm.common.v1.sensitivity) = SENSITIVITY_SECRET`` on ``Customer`` (and its profiles) is
stored only in ``customer_personal_data``, encrypted, never in a ``customers`` column.

Keys: ``FIELD_ENCRYPTION_KEY`` (base64 of 32 bytes) seals new values;
``FIELD_ENCRYPTION_PREVIOUS_KEYS`` (comma-separated, same form) still opens values sealed
before a rotation. A value's row names its key by ``key_id`` (a fingerprint of the key, so
nothing else has to be configured); :func:`reseal_all` re-encrypts old rows with the new key.

Who may see them in clear (``reveal_sensitive``): the roles in :data:`REVEAL_ROLES` —
``admin`` and the data-protection officer (``dpo`` / ``data_protection_officer``). Everybody
else gets them masked, and every reveal is written to the access log.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crm.common.v1 import options_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal
from crm_shared.db import utcnow
from crm_shared.errors import PermissionDenied
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.descriptor import Descriptor
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from customer_service import access_log
from customer_service.models import Customer, CustomerPersonalField

log = logging.getLogger(__name__)

REVEAL_ROLES = frozenset({"admin", "dpo", "data_protection_officer"})
"""Roles that may read sensitive fields in clear, export and erase personal data, and read
the access log."""

NONCE_BYTES = 12


def _paths_with(descriptor: Descriptor, level: int, prefix: str = "") -> tuple[str, ...]:
    """Field paths of ``descriptor`` (and its message fields) marked with sensitivity ``level``."""
    paths: list[str] = []
    for field in descriptor.fields:
        path = f"{prefix}{field.name}"
        if field.GetOptions().Extensions[options_pb2.sensitivity] == level:
            paths.append(path)
        if field.message_type is not None and field.message_type.full_name.startswith(
            "crm.customer."
        ):
            paths.extend(_paths_with(field.message_type, level, path + "."))
    return tuple(paths)


SECRET_FIELDS = _paths_with(customer_pb2.Customer.DESCRIPTOR, options_pb2.SENSITIVITY_SECRET)
"""``("bank_account", "individual.id_card_number")`` today: encrypted, masked unless revealed."""

PERSONAL_FIELDS = _paths_with(customer_pb2.Customer.DESCRIPTOR, options_pb2.SENSITIVITY_PERSONAL)
"""Fields that identify a person (name, phone, email, address...): returned to whoever may see
the customer, anonymised on erasure."""


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
        processes (``CustomerApiSettings``) refuse to start without a configured key."""
        return cls(os.urandom(32))

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def seal(self, customer_id: str, field_path: str, clear: str) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.current_id].encrypt(
            nonce, clear.encode("utf-8"), _associated(customer_id, field_path)
        )
        return self.current_id, nonce + sealed

    def open(self, customer_id: str, field_path: str, key_id: str, blob: bytes) -> str:
        cipher = self._keys.get(key_id)
        if cipher is None:
            raise LookupError(f"no key {key_id} configured (FIELD_ENCRYPTION_PREVIOUS_KEYS?)")
        try:
            clear = cipher.decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _associated(customer_id, field_path)
            )
        except InvalidTag:
            raise LookupError(f"{field_path} of {customer_id} does not decrypt") from None
        return clear.decode("utf-8")


def _associated(customer_id: str, field_path: str) -> bytes:
    return f"{customer_id}\x00{field_path}".encode()


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


# --- masking ----------------------------------------------------------------------------------


def mask(field_path: str, value: str) -> str:
    """The masked form: ID cards keep the first four and last four characters
    (``3301**********1234``), anything else only its last four (``**** **** 1234``)."""
    if not value:
        return ""
    compact = value.replace(" ", "")
    if field_path.endswith("id_card_number") and len(compact) > 8:
        return compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    if len(compact) <= 4:
        return "*" * len(compact)
    return "**** **** " + compact[-4:]


def may_reveal(principal: Principal) -> bool:
    return principal.has_role(*REVEAL_ROLES)


# --- storage ----------------------------------------------------------------------------------


def store_personal_fields(
    session: Session, customer_id: str, values: Mapping[str, str], keys: FieldKeys | None = None
) -> None:
    """Encrypt and store sensitive values by field path (e.g. ``{"bank_account": "6222..."}``);
    an empty value removes the field. Only paths in :data:`SECRET_FIELDS` are accepted."""
    keys = keys or default_keys()
    now = utcnow()
    for field_path, clear in values.items():
        if field_path not in SECRET_FIELDS:
            raise ValueError(f"{field_path} is not a sensitive field")
        row = session.get(CustomerPersonalField, (customer_id, field_path))
        if not clear:
            if row is not None:
                session.delete(row)
            continue
        key_id, blob = keys.seal(customer_id, field_path, clear)
        if row is None:
            session.add(
                CustomerPersonalField(
                    customer_id=customer_id,
                    field_path=field_path,
                    key_id=key_id,
                    ciphertext=blob,
                    update_time=now,
                )
            )
        else:
            row.key_id, row.ciphertext, row.update_time = key_id, blob, now


def load_clear(
    session: Session, customer_ids: Iterable[str], keys: FieldKeys | None = None
) -> dict[str, dict[str, str]]:
    """Decrypted sensitive fields per customer id (internal use: masking, export, import)."""
    keys = keys or default_keys()
    ids = list(customer_ids)
    result: dict[str, dict[str, str]] = {customer_id: {} for customer_id in ids}
    if not ids:
        return result
    rows = session.scalars(
        select(CustomerPersonalField).where(CustomerPersonalField.customer_id.in_(ids))
    )
    for row in rows:
        result[row.customer_id][row.field_path] = keys.open(
            row.customer_id, row.field_path, row.key_id, row.ciphertext
        )
    return result


def delete_personal_fields(session: Session, customer_id: str) -> int:
    """Remove every sensitive value of a customer (erasure); returns how many were held."""
    return (
        session.execute(
            delete(CustomerPersonalField).where(CustomerPersonalField.customer_id == customer_id)
        ).rowcount
        or 0
    )


def reseal_all(session: Session, keys: FieldKeys, *, batch: int = 500) -> int:
    """Re-encrypt every value sealed with an older key under the current one (key rotation)."""
    changed = 0
    while True:
        rows = list(
            session.scalars(
                select(CustomerPersonalField)
                .where(CustomerPersonalField.key_id != keys.current_id)
                .limit(batch)
            )
        )
        if not rows:
            return changed
        for row in rows:
            clear = keys.open(row.customer_id, row.field_path, row.key_id, row.ciphertext)
            row.key_id, row.ciphertext = keys.seal(row.customer_id, row.field_path, clear)
        session.flush()
        changed += len(rows)


# --- reading for a response -------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalFields:
    """Sensitive fields as one caller may receive them."""

    values: dict[str, str]
    """Field path -> value, masked unless ``revealed``."""
    revealed: bool

    @property
    def masked(self) -> bool:
        return bool(self.values) and not self.revealed


def personal_fields_for(
    session: Session,
    customer: Customer,
    principal: Principal,
    *,
    reveal: bool = False,
    purpose: str = "",
    method: str = "",
    keys: FieldKeys | None = None,
) -> PersonalFields:
    """The customer's sensitive fields for ``principal``: masked, or in clear when ``reveal``
    is asked by a role that may (PERMISSION_DENIED for others). A reveal is access-logged in
    the caller's unit of work, so the log entry commits with the read's transaction."""
    if reveal and not may_reveal(principal):
        raise PermissionDenied("your role may not reveal sensitive personal fields")
    clear = load_clear(session, [customer.id], keys)[customer.id]
    if not reveal:
        return PersonalFields({path: mask(path, value) for path, value in clear.items()}, False)
    access_log.record(
        session,
        principal,
        customer.id,
        access_log.REVEAL,
        sorted(clear),
        purpose=purpose,
        method=method,
    )
    return PersonalFields(dict(clear), True)


def masked_fields_for_many(
    session: Session, customer_ids: Iterable[str], keys: FieldKeys | None = None
) -> dict[str, PersonalFields]:
    """Masked sensitive fields of several customers in one query (lists, batch reads)."""
    return {
        customer_id: PersonalFields(
            {path: mask(path, value) for path, value in clear.items()}, False
        )
        for customer_id, clear in load_clear(session, customer_ids, keys).items()
    }


def apply_to_proto(message: customer_pb2.Customer, fields: PersonalFields) -> customer_pb2.Customer:
    """Put the fields into a ``Customer`` message and set ``sensitive_fields_masked``."""
    for path, value in fields.values.items():
        target = message
        *parents, name = path.split(".")
        for parent in parents:
            oneof = target.DESCRIPTOR.fields_by_name[parent].containing_oneof
            if oneof is not None and target.WhichOneof(oneof.name) not in (None, parent):
                break  # e.g. an individual's field on an enterprise: not this profile
            target = getattr(target, parent)
        else:
            setattr(target, name, value)
    message.sensitive_fields_masked = fields.masked
    return message


def sensitive_values_of(message: customer_pb2.Customer) -> dict[str, str]:
    """The sensitive fields set in a request's ``Customer`` (for :func:`store_personal_fields`)."""
    values: dict[str, str] = {}
    for path in SECRET_FIELDS:
        target = message
        *parents, name = path.split(".")
        present = True
        for parent in parents:
            if not target.HasField(parent):
                present = False
                break
            target = getattr(target, parent)
        if present and getattr(target, name):
            values[path] = getattr(target, name).strip()
    return values
