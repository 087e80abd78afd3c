"""The customer service's pure rules: validation and normalisation of a new customer.

Table tests, no I/O. Each row names the case it pins, so a failure says which rule broke.
"""

import re

import pytest
from crm_shared.errors import FieldViolation
from customer_service.rules import (
    MAX_NAME_LENGTH,
    CleanCustomer,
    NewCustomer,
    format_customer_number,
    normalise_email,
    normalise_phone,
    validate_new_customer,
)

E164 = re.compile(r"\+[1-9][0-9]{1,14}", re.ASCII)

PHONE_MESSAGE = "must be an 11-digit mainland mobile number or an E.164 number (+...)"


# -- phones ------------------------------------------------------------------------------------

ACCEPTED_PHONES = [
    # mainland mobiles, bare
    ("13812345678", "+8613812345678"),
    ("19912345678", "+8619912345678"),
    ("15000000000", "+8615000000000"),
    # mainland mobiles with separators people type
    ("138 1234 5678", "+8613812345678"),
    ("138-1234-5678", "+8613812345678"),
    ("(138)12345678", "+8613812345678"),
    (" 13812345678 ", "+8613812345678"),
    ("\t138\u00a01234\u00a05678", "+8613812345678"),  # tab and no-break spaces
    # mainland mobiles with the country code
    ("+8613812345678", "+8613812345678"),
    ("+86 138 1234 5678", "+8613812345678"),
    ("+86-138-1234-5678", "+8613812345678"),
    ("+86 (138) 1234-5678", "+8613812345678"),
    # foreign numbers in E.164 (with or without separators)
    ("+442071838750", "+442071838750"),  # London landline
    ("+44 20 7183 8750", "+442071838750"),
    ("+1 650-253-0000", "+16502530000"),  # US
    ("+85291234567", "+85291234567"),  # Hong Kong mobile
    ("+886912345678", "+886912345678"),  # Taiwan mobile
    ("+81 90-1234-5678", "+819012345678"),  # Japan mobile
]

REFUSED_PHONES = [
    # mainland landlines, with or without the country code: they belong to contacts
    "010-65529988",
    "01065529988",
    "021 6552 9988",
    "+86 10 6552 9988",
    "+862165529988",
    # not a mainland mobile: wrong prefix or wrong length
    "12812345678",
    "10012345678",
    "1381234567",
    "138123456789",
    "+8612812345678",
    "+86138123456789",
    # a country code needs its plus sign (the docstring's two accepted shapes only)
    "8613812345678",
    "008613812345678",
    # not a valid E.164 number
    "+12345",
    "+999 1234 5678",
    "+",
    "+44",
    # not a phone number at all
    "abc",
    "1381234567x",
    "phone: 13812345678",
]


@pytest.mark.parametrize(("raw", "expected"), ACCEPTED_PHONES, ids=[r for r, _ in ACCEPTED_PHONES])
def test_normalise_phone_accepts_and_normalises_to_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", REFUSED_PHONES)
def test_normalise_phone_refuses(raw):
    assert normalise_phone(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "13８１２３４５６７８",  # mainland mobile typed with an IME: full-width digits after "13"
        "13\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",  # "13" then Arabic-Indic digits
    ],
    ids=["fullwidth-digits", "arabic-indic-digits"],
)
def test_normalise_phone_never_returns_non_ascii_digits(raw):
    result = normalise_phone(raw)
    assert result is None or E164.fullmatch(result), result


# -- emails ------------------------------------------------------------------------------------

ACCEPTED_EMAILS = [
    ("li.lei@example.com", "li.lei@example.com"),
    ("Li.Lei@Example.COM", "li.lei@example.com"),
    ("USER+crm@Mail.Example.cn", "user+crm@mail.example.cn"),
    ("a@b.co", "a@b.co"),
    ("x@例え.テスト", "x@例え.テスト"),  # internationalised domain, kept readable
    ("a@xn--fsq.com", "a@例.com"),  # punycode domain, normalised to Unicode
]

REFUSED_EMAILS = [
    "",
    "no-at-sign",
    "a@",
    "@example.com",
    "a@b",  # no dot in the domain
    "a@@example.com",
    "a b@example.com",
    "a@exa mple.com",
    "a@localhost",  # special-use domain
    "a@example.test",  # special-use domain
    "Li Lei <li@example.com>",  # display name form
    "a@example.com\n",
    " a@example.com ",  # validate_new_customer strips, the function itself does not
    "a..b@example.com",
    ("x" * 250) + "@example.com",  # longer than 254 characters
]


@pytest.mark.parametrize(("raw", "expected"), ACCEPTED_EMAILS, ids=[r for r, _ in ACCEPTED_EMAILS])
def test_normalise_email_accepts_and_lower_cases(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", REFUSED_EMAILS, ids=[repr(r)[:40] for r in REFUSED_EMAILS])
def test_normalise_email_refuses(raw):
    assert normalise_email(raw) is None


# -- a whole new customer ----------------------------------------------------------------------


def _new(**fields) -> NewCustomer:
    values = {"type": "individual", "display_name": "李雷", "phone": "", "email": ""}
    values.update(fields)
    return NewCustomer(**values)


VALID_CUSTOMERS = [
    (
        "individual-minimal",
        _new(),
        CleanCustomer(type="individual", display_name="李雷", phone=None, email=None),
    ),
    (
        "enterprise-everything",
        _new(type="enterprise", display_name="上海某某科技有限公司", phone="138-1234-5678",
             email="Sales@Example.COM"),
        CleanCustomer(type="enterprise", display_name="上海某某科技有限公司",
                      phone="+8613812345678", email="sales@example.com"),
    ),
    (
        "name-stripped",
        _new(display_name="  \u3000李雷\t "),
        CleanCustomer(type="individual", display_name="李雷", phone=None, email=None),
    ),
    (
        "name-at-the-limit",
        _new(display_name="名" * MAX_NAME_LENGTH),
        CleanCustomer(type="individual", display_name="名" * MAX_NAME_LENGTH, phone=None,
                      email=None),
    ),
    (
        "name-at-the-limit-after-stripping",
        _new(display_name="  " + "a" * MAX_NAME_LENGTH + "  "),
        CleanCustomer(type="individual", display_name="a" * MAX_NAME_LENGTH, phone=None,
                      email=None),
    ),
    (
        "blank-phone-and-email-mean-none",
        _new(phone="   ", email=" \t"),
        CleanCustomer(type="individual", display_name="李雷", phone=None, email=None),
    ),
    (
        "email-with-surrounding-spaces",
        _new(email="  li@example.com "),
        CleanCustomer(type="individual", display_name="李雷", phone=None, email="li@example.com"),
    ),
    (
        "foreign-phone",
        _new(phone="+44 20 7183 8750"),
        CleanCustomer(type="individual", display_name="李雷", phone="+442071838750", email=None),
    ),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in VALID_CUSTOMERS],
                         ids=[c[0] for c in VALID_CUSTOMERS])
def test_valid_new_customer_is_cleaned(data, expected):
    assert validate_new_customer(data) == (expected, [])


TYPE_VIOLATION = FieldViolation("customer.type", "must be enterprise or individual")
NAME_REQUIRED = FieldViolation("customer.display_name", "is required")
NAME_TOO_LONG = FieldViolation("customer.display_name",
                               f"must be at most {MAX_NAME_LENGTH} characters")
PHONE_VIOLATION = FieldViolation("customer.phone", PHONE_MESSAGE)
EMAIL_VIOLATION = FieldViolation("customer.email", "is not a valid email address")

INVALID_CUSTOMERS = [
    ("type-unspecified", _new(type=""), [TYPE_VIOLATION]),
    ("type-unknown", _new(type="company"), [TYPE_VIOLATION]),
    ("type-wrong-case", _new(type="Enterprise"), [TYPE_VIOLATION]),
    ("name-empty", _new(display_name=""), [NAME_REQUIRED]),
    ("name-blank", _new(display_name=" \t\u3000 "), [NAME_REQUIRED]),
    ("name-too-long", _new(display_name="名" * (MAX_NAME_LENGTH + 1)), [NAME_TOO_LONG]),
    ("phone-landline", _new(phone="010-65529988"), [PHONE_VIOLATION]),
    ("phone-mainland-landline-e164", _new(phone="+86 10 6552 9988"), [PHONE_VIOLATION]),
    ("phone-too-short", _new(phone="1381234567"), [PHONE_VIOLATION]),
    ("phone-garbage", _new(phone="call me"), [PHONE_VIOLATION]),
    ("email-no-at", _new(email="li.example.com"), [EMAIL_VIOLATION]),
    ("email-no-domain-dot", _new(email="li@example"), [EMAIL_VIOLATION]),
    ("email-display-name", _new(email="Li <li@example.com>"), [EMAIL_VIOLATION]),
    (
        "everything-wrong-in-field-order",
        NewCustomer(type="", display_name="  ", phone="010-65529988", email="not-an-email"),
        [TYPE_VIOLATION, NAME_REQUIRED, PHONE_VIOLATION, EMAIL_VIOLATION],
    ),
    (
        "long-name-and-bad-email",
        _new(type="enterprise", display_name="x" * 300, email="a@@b.com"),
        [NAME_TOO_LONG, EMAIL_VIOLATION],
    ),
    (
        "bad-type-and-bad-phone",
        _new(type="person", phone="12345"),
        [TYPE_VIOLATION, PHONE_VIOLATION],
    ),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in INVALID_CUSTOMERS],
                         ids=[c[0] for c in INVALID_CUSTOMERS])
def test_invalid_new_customer_reports_every_violation(data, expected):
    clean, violations = validate_new_customer(data)
    assert clean is None
    assert violations == expected


def test_violation_paths_use_the_given_prefix():
    _, violations = validate_new_customer(
        NewCustomer(type="", display_name="", phone="x", email="y"), prefix="customers[2]"
    )
    assert [v.field for v in violations] == [
        "customers[2].type", "customers[2].display_name", "customers[2].phone",
        "customers[2].email",
    ]


# -- customer numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        (1, "C00000001"),
        (42, "C00000042"),
        (12_345_678, "C12345678"),
        (99_999_999, "C99999999"),
        (100_000_000, "C100000000"),  # never truncated: the ninth digit just appears
    ],
)
def test_format_customer_number(sequence, expected):
    assert format_customer_number(sequence) == expected


def test_customer_numbers_sort_like_their_sequence_up_to_eight_digits():
    numbers = [format_customer_number(n) for n in (1, 9, 10, 99, 100, 99_999_999)]
    assert numbers == sorted(numbers)
