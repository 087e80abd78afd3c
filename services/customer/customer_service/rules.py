"""Pure rules about customer data: validation and normalisation. No I/O.

Phone numbers: an 11-digit mainland mobile (``13812345678``, optionally ``+86``-prefixed) or
any valid E.164 number; stored normalised as E.164 so duplicates can be found. Emails are
checked for syntax (no DNS look-up) and stored lower-cased.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from crm_shared.errors import FieldViolation
from email_validator import EmailNotValidError, validate_email

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only: \d matches any script
MAX_NAME_LENGTH = 200
CUSTOMER_TYPES = ("enterprise", "individual")


def normalise_phone(raw: str) -> str | None:
    """Return the E.164 form of ``raw``, or None when it is not a valid phone number.

    Full-width digits typed with an input method (``１３８…``) are folded to ASCII first;
    the result is always ASCII.
    """
    compact = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", raw))
    if MAINLAND_MOBILE.match(compact):
        return "+86" + compact
    if not compact.startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if parsed.country_code == 86 and not MAINLAND_MOBILE.match(str(parsed.national_number)):
        # A +86 number must still be a mainland mobile: landlines go through contacts.
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str | None:
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


@dataclass(frozen=True)
class NewCustomer:
    type: str  # "enterprise" | "individual" | "" when unspecified
    display_name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class CleanCustomer:
    type: str
    display_name: str
    phone: str | None
    email: str | None


def validate_new_customer(data: NewCustomer, prefix: str = "customer") -> tuple[CleanCustomer | None, list[FieldViolation]]:
    """Check every field; return the cleaned values, or every violation at once."""
    violations: list[FieldViolation] = []
    if data.type not in CUSTOMER_TYPES:
        violations.append(FieldViolation(f"{prefix}.type", "must be enterprise or individual"))
    name = data.display_name.strip()
    if not name:
        violations.append(FieldViolation(f"{prefix}.display_name", "is required"))
    elif len(name) > MAX_NAME_LENGTH:
        violations.append(
            FieldViolation(f"{prefix}.display_name", f"must be at most {MAX_NAME_LENGTH} characters")
        )
    phone = None
    if data.phone.strip():
        phone = normalise_phone(data.phone)
        if phone is None:
            violations.append(
                FieldViolation(
                    f"{prefix}.phone",
                    "must be an 11-digit mainland mobile number or an E.164 number (+...)",
                )
            )
    email = None
    if data.email.strip():
        email = normalise_email(data.email.strip())
        if email is None:
            violations.append(FieldViolation(f"{prefix}.email", "is not a valid email address"))
    if violations:
        return None, violations
    return CleanCustomer(type=data.type, display_name=name, phone=phone, email=email), []


def format_customer_number(sequence: int) -> str:
    """Human-readable, stable customer number: ``C`` and eight digits."""
    return f"C{sequence:08d}"
