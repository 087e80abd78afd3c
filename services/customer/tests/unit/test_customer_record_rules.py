"""Pure rules of the customer record: field validation per path, required fields per type,
completeness, contact validation and duplicate scoring. Table tests, no I/O."""

from datetime import date

import pytest
from crm.customer.v1 import customer_pb2
from customer_service import contacts
from customer_service.duplicates import name_similarity, normalise_name, score_of
from customer_service.rules import (
    check_bank_account,
    check_id_card,
    completeness,
    id_card_check_digit,
    required_violations,
    validate_record_fields,
    validate_sensitive_fields,
)

TODAY = date(2024, 6, 30)

GOOD = [
    ("phone", " 138-1234-5678 ", "+8613812345678"),
    ("email", "Li@Example.COM", "li@example.com"),
    ("first_contact_date", "2024-06-30", date(2024, 6, 30)),
    ("individual.birth_date", "1990-02-28", date(1990, 2, 28)),
    ("individual.age", 0, None),
    ("individual.age", 150, 150),
    ("individual.gender", "female", "female"),
    ("source", "exhibition", "exhibition"),
    ("enterprise.staff_count", 850, 850),
    ("enterprise.annual_revenue", ("", 100), ("CNY", 100)),
    ("enterprise.annual_revenue", ("USD", 0), None),
    ("enterprise.website", "https://moumou.cn", "https://moumou.cn"),
    ("needs", "  ", None),
    ("phone", "", None),
]


@pytest.mark.parametrize("path,raw,clean", GOOD, ids=[f"{p}={r!r}" for p, r, _ in GOOD])
def test_valid_values_are_normalised(path, raw, clean):
    values, violations = validate_record_fields({path: raw}, today=TODAY)
    assert violations == []
    assert values == {path: clean}


BAD = [
    ("phone", "010-65529988"),
    ("email", "li@"),
    ("first_contact_date", "2024/06/30"),
    ("first_contact_date", "2024-6-30"),
    ("first_contact_date", "2024-02-30"),
    ("first_contact_date", "2024-07-01"),  # the future
    ("individual.birth_date", "１９９０-01-01"),  # full-width digits are not YYYY-MM-DD
    ("individual.age", 151),
    ("individual.gender", "unknown"),
    ("source", "billboard"),
    ("enterprise.staff_count", -1),
    ("enterprise.website", "moumou.cn"),
    ("display_name", "x" * 201),
]


@pytest.mark.parametrize("path,raw", BAD, ids=[f"{p}={r!r}"[:40] for p, r in BAD])
def test_invalid_values_are_named(path, raw):
    _values, violations = validate_record_fields({path: raw}, today=TODAY)
    assert [v.field for v in violations] == [f"customer.{path}"]


def test_bad_money_names_its_part():
    _values, violations = validate_record_fields({"enterprise.annual_revenue": ("yuan", -5)})
    assert [v.field for v in violations] == [
        "customer.enterprise.annual_revenue.currency_code",
        "customer.enterprise.annual_revenue.amount_minor",
    ]


@pytest.mark.parametrize(
    "customer_type,values,missing",
    [
        ("enterprise", {"display_name": "某某"}, ["enterprise.legal_name", "enterprise.industry"]),
        (
            "enterprise",
            {
                "display_name": "某某",
                "enterprise.legal_name": "某某有限公司",
                "enterprise.industry": "it",
            },
            [],
        ),
        ("individual", {"display_name": None}, ["display_name"]),
        ("", {}, ["display_name"]),
    ],
)
def test_required_fields_depend_on_the_type(customer_type, values, missing):
    assert [v.field for v in required_violations(customer_type, values)] == [
        f"customer.{path}" for path in missing
    ]


def test_completeness_counts_filled_expected_fields():
    expected = ("display_name", "phone", "needs", "contacts")
    assert completeness(
        {"display_name": "x", "phone": "+86", "needs": None, "contacts": 0}, expected
    ) == (50, ["needs", "contacts"])
    assert completeness(
        {"display_name": "x", "phone": "+86", "needs": "y", "contacts": 2}, expected
    ) == (100, [])
    assert completeness({}, ()) == (100, [])


def test_contact_needs_name_and_title_and_valid_channels():
    message = customer_pb2.Contact(
        name=" 张三 ",
        job_title="",
        phone="13812345678",
        decision_role=customer_pb2.DECISION_ROLE_INFLUENCER,
    )
    clean, violations = contacts.validate(message, ["name", "job_title", "phone", "decision_role"])
    assert [v.field for v in violations] == ["contact.job_title"]
    assert (clean["name"], clean["phone"], clean["decision_role"]) == (
        "张三",
        "+8613812345678",
        "influencer",
    )


@pytest.mark.parametrize(
    "a,b,similar",
    [
        ("上海某某科技有限公司", "上海某某科技股份有限公司", True),
        ("Acme Co., Ltd.", "ACME Inc", True),
        ("上海某某科技有限公司", "北京另一家贸易有限公司", False),
        ("有限公司", "有限公司", False),  # nothing left to compare
    ],
)
def test_company_names_compare_without_legal_forms(a, b, similar):
    assert (name_similarity(a, b) >= 90) is similar


def test_normalised_names_ignore_case_width_and_punctuation():
    assert normalise_name("ＡＣＭＥ （上海） Co., Ltd.") == normalise_name("acme上海")


def test_more_reasons_score_higher_but_never_above_one():
    assert score_of({"same_phone": 0.9}) == 0.9
    assert score_of({"same_phone": 0.9, "same_email": 0.85}) == 0.93
    assert (
        score_of(
            {
                "same_registration_number": 0.95,
                "same_phone": 0.9,
                "same_email": 0.85,
                "similar_name": 0.8,
            }
        )
        == 1.0
    )


# -- sensitive fields: resident ID card (GB 11643-1999) and bank account -----------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the standard's example, check X
        ("11010519491231002x", "11010519491231002X"),  # a lower-case x is the same card
        ("320102198512315671", "320102198512315671"),
        (" 3201 0219 8512 3156 71 ", "320102198512315671"),  # spaces typed to group digits
        ("３２０１０２１９８５１２３１５６７１", "320102198512315671"),  # full-width digits
        ("110105491231002", "110105491231002"),  # first generation: 15 digits, born 1949
    ],
)
def test_a_valid_id_card_is_accepted_and_normalised(raw, stored):
    assert check_id_card(raw, today=TODAY) == (stored, None)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("110105194912310021", "has a wrong check digit"),
        ("320102198512315670", "has a wrong check digit"),
        ("110105194913310021", "does not hold a valid birth date"),  # month 13, check right
        ("110105190002290025", "does not hold a valid birth date"),  # 1900 was no leap year
        ("110105202501010011", "does not hold a valid birth date"),  # born after TODAY
        ("110105491331002", "does not hold a valid birth date"),  # 15 digits, month 13
        ("11010519491231002", "must be 18 characters"),
        ("1101051949123100XX", "must be 18 characters"),
        ("11010519491231002Y", "must be 18 characters"),
        ("1101051949123100", "must be 18 characters"),
    ],
)
def test_an_invalid_id_card_is_refused_with_its_reason(raw, problem):
    _number, found = check_id_card(raw, today=TODAY)
    assert found is not None and found.startswith(problem)


def test_the_check_digit_is_iso_7064_mod_11_2():
    # sum of digit x weight mod 11 -> "10X98765432"
    assert id_card_check_digit("11010519491231002") == "X"
    assert id_card_check_digit("32010219851231567") == "1"
    assert id_card_check_digit("00000000000000000") == "1"


@pytest.mark.parametrize(
    ("raw", "stored", "problem"),
    [
        ("622202020011", "622202020011", None),  # 12 digits: the shortest
        ("6222 0202 0011 2233 445", "6222020200112233445", None),
        ("1" * 30, "1" * 30, None),  # 30 digits: the longest
        ("62220202001", "62220202001", "must be 12-30 digits"),
        ("1" * 31, "1" * 31, "must be 12-30 digits"),
        ("6222-0202-0011-22", "6222-0202-0011-22", "must be 12-30 digits"),
        ("6222O20200112233", "6222O20200112233", "must be 12-30 digits"),
    ],
)
def test_bank_account_is_12_to_30_digits_stored_without_spaces(raw, stored, problem):
    assert check_bank_account(raw) == (stored, problem)


def test_sensitive_fields_are_validated_together_and_empty_means_remove():
    clean, violations = validate_sensitive_fields(
        {"bank_account": "  ", "individual.id_card_number": "110105194912310021"}, today=TODAY
    )
    assert clean["bank_account"] == ""
    assert [(v.field, v.description) for v in violations] == [
        ("customer.individual.id_card_number", "has a wrong check digit")
    ]
    assert "110105194912310021" not in violations[0].description  # never echo a secret
