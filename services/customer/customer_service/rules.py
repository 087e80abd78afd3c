"""Pure rules about customer data: validation and normalisation. No I/O.

Phone numbers: an 11-digit mainland mobile (``13812345678``, optionally ``+86``-prefixed) or
any valid E.164 number; stored normalised as E.164 so duplicates can be found. Emails are
checked for syntax (no DNS look-up) and stored lower-cased.

Sensitive fields (stored encrypted, see ``personal_data``): a mainland resident ID card is
18 characters, 17 digits and a check digit or ``X`` (GB 11643-1999: ISO 7064 MOD 11-2) with
a real birth date inside; the first-generation 15-digit card (birth date ``YYMMDD``, 19xx, no
check digit) is still accepted. A bank account is 12-30 digits; spaces typed to group the
digits are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from crm.customer.v1 import customer_pb2
from crm_shared.errors import FieldViolation
from crm_shared.field_limits import max_length, max_lengths
from email_validator import EmailNotValidError, validate_email

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only: \d matches any script
MAX_NAME_LENGTH = max_length(customer_pb2.Customer, "display_name")
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


# -- the whole record -------------------------------------------------------------------------
#
# The servicer turns a proto into a dict of field paths (``enterprise.legal_name``) and plain
# values; these rules check and normalise it. Empty strings and zeros mean "not given".

DATE_FORMAT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
SOURCES = ("website_form", "exhibition", "referral", "phone", "partner", "campaign",
           "e_commerce", "import", "other")
GENDERS = ("male", "female", "other")
MAX_AGE = 150

# Field path -> maximum length of the text, declared once in crm_shared.field_limits (the
# gateway publishes the same numbers).
TEXT_LIMITS = {
    **max_lengths(customer_pb2.Customer),
    **{f"enterprise.{name}": n for name, n in max_lengths(customer_pb2.EnterpriseProfile).items()},
    **{f"individual.{name}": n for name, n in max_lengths(customer_pb2.IndividualProfile).items()},
}
ENTERPRISE_PATHS = ("enterprise.legal_name", "enterprise.industry", "enterprise.staff_count",
                    "enterprise.annual_revenue", "enterprise.registration_number",
                    "enterprise.website")
INDIVIDUAL_PATHS = ("individual.gender", "individual.age", "individual.birth_date",
                    "individual.occupation")
COMMON_PATHS = ("display_name", "phone", "email", "source", "source_detail",
                "first_contact_date", "needs", "address", "wechat_id", "bank_name",
                "primary_contact_id", "source_lead_id", "source_campaign_id")
RECORD_PATHS = COMMON_PATHS + ENTERPRISE_PATHS + INDIVIDUAL_PATHS
REQUIRED_PATHS = {
    "enterprise": ("display_name", "enterprise.legal_name", "enterprise.industry"),
    "individual": ("display_name",),
}


def parse_date(raw: str) -> date | None:
    """A calendar date written exactly ``YYYY-MM-DD``; None for anything else."""
    if not DATE_FORMAT.match(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def is_empty(value) -> bool:
    return value is None or value == "" or value == 0 or value == ()


def validate_record_fields(
    values: dict[str, object], *, prefix: str = "customer", today: date | None = None
) -> tuple[dict[str, object], list[FieldViolation]]:
    """Check and normalise the given field paths; return (clean values, violations).

    Clean values are ``None`` for a field being cleared. Required fields are checked separately
    (:func:`required_violations`), over the record as it will be stored.
    """
    clean: dict[str, object] = {}
    violations: list[FieldViolation] = []

    def bad(path: str, message: str) -> None:
        violations.append(FieldViolation(f"{prefix}.{path}", message))

    for path, raw in values.items():
        if path in ("phone", "email"):
            text = str(raw or "").strip()
            if not text:
                clean[path] = None
                continue
            normal = normalise_phone(text) if path == "phone" else normalise_email(text)
            if normal is None:
                bad(path, "must be an 11-digit mainland mobile number or an E.164 number (+...)"
                    if path == "phone" else "is not a valid email address")
            clean[path] = normal
        elif path in ("first_contact_date", "individual.birth_date"):
            text = str(raw or "").strip()
            if not text:
                clean[path] = None
                continue
            parsed = parse_date(text)
            if parsed is None:
                bad(path, "must be a date written YYYY-MM-DD")
            elif today is not None and parsed > today:
                bad(path, "must not be in the future")
            clean[path] = parsed
        elif path == "source":
            if raw and raw not in SOURCES:
                bad(path, "is not a known source channel")
            clean[path] = raw or None
        elif path == "individual.gender":
            if raw and raw not in GENDERS:
                bad(path, "is not a known gender")
            clean[path] = raw or None
        elif path == "individual.age":
            if not 0 <= int(raw or 0) <= MAX_AGE:
                bad(path, f"must be between 0 and {MAX_AGE}")
            clean[path] = int(raw) if raw else None
        elif path == "enterprise.staff_count":
            if int(raw or 0) < 0:
                bad(path, "must not be negative")
            clean[path] = int(raw) if raw else None
        elif path == "enterprise.annual_revenue":
            currency, amount_minor = raw if raw else ("", 0)
            currency = currency or "CNY"
            if not CURRENCY.match(currency):
                bad(path + ".currency_code", "must be an ISO 4217 code such as CNY")
            if amount_minor < 0:
                bad(path + ".amount_minor", "must not be negative")
            clean[path] = (currency, amount_minor) if raw and amount_minor else None
        elif path in TEXT_LIMITS:
            text = str(raw or "").strip()
            if len(text) > TEXT_LIMITS[path]:
                bad(path, f"must be at most {TEXT_LIMITS[path]} characters")
            elif path == "enterprise.website" and text and not WEBSITE.match(text):
                bad(path, "must be an http(s) URL")
            clean[path] = text or None
        else:
            raise KeyError(f"no rule for field path {path!r}")
    return clean, violations


def required_violations(
    customer_type: str, values: dict[str, object], prefix: str = "customer"
) -> list[FieldViolation]:
    """Violations for the required fields of ``customer_type`` that ``values`` leaves empty."""
    return [FieldViolation(f"{prefix}.{path}", "is required")
            for path in REQUIRED_PATHS.get(customer_type, ("display_name",))
            if is_empty(values.get(path))]


def completeness(values: dict[str, object], expected: tuple[str, ...]) -> tuple[int, list[str]]:
    """The share (0-100) of ``expected`` field paths that are filled in, and the missing ones.

    ``values`` maps field paths to stored values; ``contacts`` counts as filled when the
    customer has at least one contact.
    """
    if not expected:
        return 100, []
    missing = [path for path in expected if is_empty(values.get(path))]
    return round(100 * (len(expected) - len(missing)) / len(expected)), missing


# -- sensitive fields -------------------------------------------------------------------------
#
# Checked here, stored encrypted by ``personal_data`` and never in a ``customers`` column, so
# they are not part of RECORD_PATHS (whose values ``profile.apply`` writes to the record).

SENSITIVE_PATHS = ("bank_account", "individual.id_card_number")
ID_CARD_18 = re.compile(r"^[0-9]{17}[0-9X]$")
ID_CARD_15 = re.compile(r"^[0-9]{15}$")
ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CARD_CHECK = "10X98765432"  # check character by (weighted sum mod 11)
BANK_ACCOUNT = re.compile(r"^[0-9]{12,30}$")


def id_card_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID card number."""
    return ID_CARD_CHECK[sum(int(d) * w for d, w in zip(first17, ID_CARD_WEIGHTS)) % 11]


def _compact(raw: str) -> str:
    """Full-width characters folded to ASCII (input methods), spaces dropped."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", raw))


def check_id_card(raw: str, *, today: date | None = None) -> tuple[str, str | None]:
    """The normalised ID card number (upper-case ``X``) and what is wrong with it, or None."""
    number = _compact(raw).upper()
    if ID_CARD_18.match(number):
        birth = number[6:14]
    elif ID_CARD_15.match(number):
        birth = "19" + number[6:12]
    else:
        return number, "must be 18 characters (17 digits and a digit or X) or 15 digits"
    born = parse_date(f"{birth[:4]}-{birth[4:6]}-{birth[6:]}")
    if born is None or born.year < 1900 or (today is not None and born > today):
        return number, "does not hold a valid birth date"
    if len(number) == 18 and id_card_check_digit(number[:17]) != number[17]:
        return number, "has a wrong check digit"
    return number, None


def check_bank_account(raw: str) -> tuple[str, str | None]:
    """The bank account without spaces and what is wrong with it, or None."""
    number = _compact(raw)
    if not BANK_ACCOUNT.match(number):
        return number, "must be 12-30 digits"
    return number, None


def validate_sensitive_fields(
    values: dict[str, str], *, prefix: str = "customer", today: date | None = None
) -> tuple[dict[str, str], list[FieldViolation]]:
    """Check and normalise sensitive field paths; return (clean values, violations).

    A clean value of ``""`` removes the field. Messages never repeat the value: it is secret.
    """
    clean: dict[str, str] = {}
    violations: list[FieldViolation] = []
    for path, raw in values.items():
        if not (raw or "").strip():
            clean[path] = ""
            continue
        if path == "individual.id_card_number":
            clean[path], problem = check_id_card(raw, today=today)
        elif path == "bank_account":
            clean[path], problem = check_bank_account(raw)
        else:
            raise KeyError(f"no rule for sensitive field path {path!r}")
        if problem:
            violations.append(FieldViolation(f"{prefix}.{path}", problem))
    return clean, violations
