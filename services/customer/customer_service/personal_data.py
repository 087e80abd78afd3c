"""Personal fields: AES-GCM encryption at rest, masking, who may reveal them, and which
fields a role is not given at all.

Which fields are sensitive is read from the contract: every field marked
``(crm.common.v1.sensitivity) = SENSITIVITY_SECRET`` on ``Customer`` (and its profiles) is
stored only in ``customer_personal_data``, encrypted, never in a ``customers`` column.

Keys (``crm_shared.field_keys``, the sealing the gateway uses for staff addresses too, with a
key of its own): ``FIELD_ENCRYPTION_KEY`` (base64 of 32 bytes) seals new values;
``FIELD_ENCRYPTION_PREVIOUS_KEYS`` (comma-separated, same form) still opens values sealed
before a rotation. A value's row names its key by ``key_id`` (a fingerprint of the key, so
nothing else has to be configured); :func:`reseal_all` re-encrypts old rows with the new key.

Who may see them in clear (``reveal_sensitive``): the roles in :data:`REVEAL_ROLES` —
``admin`` and the data-protection officer (``dpo`` / ``data_protection_officer``). Everybody
else gets them masked, and every reveal is written to the access log.

The masking rule
----------------
Everything one answer carries about a customer — a masked value *and every other field
returned to the same caller* — must leave at least :data:`MIN_CANDIDATES` (10⁴) values the
secret could be. What each mask (:data:`MASKS`) shows, and the count, assuming the caller
knows the number's format:

``individual.id_card_number`` — resident ID (GB 11643), 18 characters ``RRRRRR YYYYMMDD SSS
C``: the region where the household was registered when the number was issued (about 3,500
county codes, in use or retired), the birth date, a sequence whose last digit is odd for men
and even for women, and a check character fixed by the other 17 (it never adds a candidate;
shown, it removes ten in eleven). The mask shows **no character**: ``******************``
(15 stars for a first-generation card). The same answer carries the gender (500 of the 1,000
sequences remain) and, for the roles that keep the record, the birth date: about
3,500 × 500 ≈ 1.7 × 10⁶ candidates. Not even the first region digit is shown: ``8`` names the
Hong Kong, Macau or Taiwan residence permit (810000, 820000, 830000): 3 × 500 = 1,500; two
digits leave a municipality about 30 district codes (15,000, barely); the mask used before
(first four, last four: the whole sequence and the check character) left about 10. The
address is where the customer lives, not where the number was issued; nothing in the mask
confirms a region guessed from it, but a caller who bets on that guess *and* reads the birth
date is left 500 numbers — which is why the roles that do not keep the record are not given
the birth date (:data:`WITHHELD`). The service desk gets gender and age instead: the age
leaves a year's worth of birth dates, 366 × 500 ≈ 1.8 × 10⁵ even with the region guessed.
(No birth year alongside the age: together they tell whether this year's birthday has passed,
which on 2 January leaves 2 dates, 1,000 candidates.)

``bank_account`` — 12-30 digits. ``bank_name`` is returned in clear, so the issuer's first
:data:`BANK_KNOWN_PREFIX` digits count as known, and the last digit as a check digit fixed by
the others (cards carry a Luhn digit). The mask shows the last ``min(4, n - 11)`` digits after
``**** **** `` and never the length: ``**** **** 3445`` for a 19-digit card, ``**** **** 5``
for a 12-digit account, leaving 10^(n - 7 - shown) ≥ 10⁴ candidates. The mask used before
(always the last four) left a 12-digit account 10.

Not masked: name, phone, e-mail, address, WeChat id, birth date (``SENSITIVITY_PERSONAL``)
go in clear to whoever may see the customer — they are how staff reach the customer — except
where :data:`WITHHELD` keeps one from a role whose task does not need it. Events carry the
phone and e-mail masked (:func:`for_event`). Answers of other
services carry no ID-card or bank number; the notification service shows a delivery's address
masked (``notification_service.deliveries.mask``: an e-mail's first character and domain, a
phone's first three and last two characters).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from crm.common.v1 import options_pb2
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal, can_see, roles
from crm_shared.contact_masks import masked_copy
from crm_shared.db import utcnow
from crm_shared.errors import PermissionDenied
from crm_shared.field_keys import FieldKeys, default_keys
from crm_shared.references import SERVICE_DESK_ROLES
from google.protobuf.descriptor import Descriptor
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from customer_service import access_log
from customer_service.models import Customer, CustomerPersonalField

log = logging.getLogger(__name__)

M = TypeVar("M", customer_pb2.Customer, customer_pb2.Contact)

REVEAL_ROLES = roles.REVEAL_ROLES
"""Roles that may read sensitive fields in clear, export and erase personal data, and read
the access log (declared in ``crm_shared.auth.roles``, where the console reads it too)."""


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


# --- masking ----------------------------------------------------------------------------------

MIN_CANDIDATES = 10**4
"""The masking rule (module docstring): what one caller is returned about a customer leaves at
least this many values each secret could be."""

BANK_KNOWN_PREFIX = 6
"""Leading digits of a bank account counted as known from ``bank_name`` (a card's issuer
identification number; an account's bank and branch)."""
BANK_LAST_DIGITS = 4
"""The most trailing digits a bank account's mask shows (enough to tell two cards apart)."""


def _hide_every_character(compact: str) -> str:
    """The ID card's mask: no character of the number, since the region, the birth date, the
    sequence and the check character each narrow it (module docstring)."""
    return "*" * len(compact)


def bank_digits_shown(length: int) -> int:
    """How many trailing digits of a ``length``-digit account the mask may show: the digits
    left hidden, less the known prefix and the check digit, must still number
    10^4 combinations (``length - 6 - 1 - shown >= 4``)."""
    hidden_needed = round(math.log10(MIN_CANDIDATES))
    return max(0, min(BANK_LAST_DIGITS, length - BANK_KNOWN_PREFIX - 1 - hidden_needed))


def _mask_bank_account(compact: str) -> str:
    """``**** **** `` and the last :func:`bank_digits_shown` digits; the length is not shown."""
    shown = bank_digits_shown(len(compact))
    return "**** ****" + (" " + compact[-shown:] if shown else "")


MASKS: dict[str, Callable[[str], str]] = {
    "individual.id_card_number": _hide_every_character,
    "bank_account": _mask_bank_account,
}
"""The mask of each field of :data:`SECRET_FIELDS`, taking the value without spaces. A secret
field the contract gains without a mask here is masked whole."""


# --- contact details in events ----------------------------------------------------------------

CONTACT_FIELDS = ("phone", "email")
"""A customer's (or a contact's) own addresses. Events carry them masked (:func:`for_event`):
a consumer learns whether the customer can be reached by SMS or e-mail, never the address,
and an event is copied to every consumer, the broker and its dead-letter queues. The one
service that sends to the address reads it as it sends (``BatchGetContactDetails``, granted
to its service account alone). The customer service's README, "Events", says why."""


FREE_TEXT_FIELDS = {
    customer_pb2.Customer: ("needs", "source_detail"),
    customer_pb2.Contact: ("notes",),
}
"""What staff type about a customer or a contact: it often repeats a phone or an e-mail
("老板手机 139..."), so events carry it with each such value masked too."""


def for_event(message: M) -> M:
    """A copy of ``message`` (a ``Customer`` or a ``Contact``) as an event carries it: the
    :data:`CONTACT_FIELDS` masked, and the addresses inside its :data:`FREE_TEXT_FIELDS`
    (:mod:`crm_shared.contact_masks`, the one mask every service's events use). ``message``
    itself is left as it is (the caller's answer)."""
    return masked_copy(message, CONTACT_FIELDS, FREE_TEXT_FIELDS[type(message)])


def mask(field_path: str, value: str) -> str:
    """The masked form of ``value`` (``""`` stays ``""``): see :data:`MASKS`."""
    if not value:
        return ""
    compact = value.replace(" ", "")
    return MASKS.get(field_path, _hide_every_character)(compact)


def may_reveal(principal: Principal) -> bool:
    return principal.has_role(*REVEAL_ROLES)


# --- fields a role's task does not need -------------------------------------------------------

WITHHELD: dict[str, frozenset[str]] = {
    # Taking a call needs the name, the phone, the gender and the age, not the birth date: with
    # it, a region guessed from the address leaves an ID-card number 500 candidates.
    "individual.birth_date": SERVICE_DESK_ROLES,
}
"""Personal field path -> the roles whose task does not need it. Only a caller holding a role
*outside* the set, reading a customer they see by the ordinary rule (owner, department,
``all``), gets the field; it is empty for everybody else, which includes every read through
the service desk's exception (any active customer by id or phone). Events keep every field:
their consumers are services (marketing's birthday greetings)."""


def withheld_from(principal: Principal, *, sees_record: bool = True) -> frozenset[str]:
    """The :data:`WITHHELD` paths ``principal`` does not get about a customer; all of them when
    the caller does not see the customer by the ordinary rule (``sees_record`` False: read
    through the service desk's exception)."""
    return frozenset(
        path for path, roles in WITHHELD.items() if not (sees_record and principal.roles - roles)
    )


def answer_for(principal: Principal, message: customer_pb2.Customer) -> customer_pb2.Customer:
    """``message`` as ``principal`` may receive it: without the fields :func:`withheld_from`
    names. ``message`` itself is left as it is (it may also be an event's); a copy is returned
    when something had to go."""
    sees = can_see(principal, owner_id=message.owner_id, department_path=message.department_path)
    withheld = [
        path for path in withheld_from(principal, sees_record=sees) if _holds(message, path)
    ]
    if not withheld:
        return message
    answer = customer_pb2.Customer()
    answer.CopyFrom(message)
    for path in withheld:
        *parents, name = path.split(".")
        target = answer
        for parent in parents:
            target = getattr(target, parent)
        target.ClearField(name)
    return answer


def _holds(message, path: str) -> bool:
    """Whether ``path`` carries a value in ``message`` (without creating a profile)."""
    *parents, name = path.split(".")
    for parent in parents:
        if not message.HasField(parent):
            return False
        message = getattr(message, parent)
    return bool(getattr(message, name))


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
