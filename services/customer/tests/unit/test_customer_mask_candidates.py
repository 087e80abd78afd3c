"""The masking rule of ``personal_data`` (issue 15, finding 3): a masked secret and every
other field returned to the same caller leave at least ``MIN_CANDIDATES`` values the secret
could be. The counts (``tests/conftest.py``) play a caller reversing a mask; the answers'
other fields are given to them as each role receives them. And which fields a role is not
given at all. No I/O."""

from __future__ import annotations

from datetime import date

import pytest
from crm.customer.v1 import customer_pb2
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from customer_service import personal_data, rules

MIN = personal_data.MIN_CANDIDATES
TODAY = date(2026, 1, 2)  # the worst day for a birth year given with the age (see the module)


def id_card(first17: str) -> str:
    return first17 + rules.id_card_check_digit(first17)


# (number, birth date, gender) as the same record holds them
PEOPLE = [
    (id_card("11010519491231002"), date(1949, 12, 31), "female"),
    (id_card("33010619900101123"), date(1990, 1, 1), "male"),
    (id_card("81000020000229456"), date(2000, 2, 29), "female"),  # Hong Kong residence permit
    (id_card("44030620250101001"), date(2025, 1, 1), "male"),
]
IDS = [number for number, _, _ in PEOPLE]


@pytest.mark.parametrize(("number", "born", "gender"), PEOPLE, ids=IDS)
def test_an_id_card_mask_with_the_birth_date_and_gender_leaves_enough_candidates(
    count_id_card_candidates, number, born, gender
):
    # what the roles that keep the record read: the mask, the birth date and the gender
    masked = personal_data.mask("individual.id_card_number", number)
    candidates = count_id_card_candidates(masked, birth_dates=[born], gender=gender)
    assert candidates >= MIN, (masked, candidates)
    # the counter does find the number itself among them
    assert count_id_card_candidates(number, birth_dates=[born], gender=gender) == 1


@pytest.mark.parametrize(("number", "born", "gender"), PEOPLE, ids=IDS)
def test_the_service_desk_gets_age_and_gender_and_even_a_guessed_region_leaves_enough(
    count_id_card_candidates, possible_birth_dates, number, born, gender
):
    masked = personal_data.mask("individual.id_card_number", number)
    age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    candidates = count_id_card_candidates(
        masked,
        birth_dates=possible_birth_dates(age, TODAY),
        gender=gender,
        regions=[number[:6]],  # the worst case: the address names the region of issue
    )
    assert candidates >= MIN, (masked, candidates)


def test_why_the_mask_shows_no_region_digit_and_no_birth_year_goes_with_the_age(
    count_id_card_candidates, possible_birth_dates
):
    number, born, gender = PEOPLE[2]
    # one region digit, "8", leaves three regions to a caller who reads the birth date
    first_digit = number[0] + "*" * 17
    permits = ["810000", "820000", "830000"]
    assert (
        count_id_card_candidates(first_digit, birth_dates=[born], gender=gender, regions=permits)
        < MIN
    )
    # a birth year with the age tells whether this year's birthday has passed: on 2 January
    # an 18-year-old born in 2008 was born on the 1st or the 2nd
    dates = [d for d in possible_birth_dates(18, TODAY) if d.year == 2008]
    assert len(dates) == 2
    assert (
        count_id_card_candidates("*" * 18, birth_dates=dates, gender=gender, regions=[number[:6]])
        < MIN
    )


def test_the_old_id_card_mask_gave_the_number_away(count_id_card_candidates):
    number, born, gender = PEOPLE[0]
    old = number[:4] + "*" * 10 + number[-4:]  # first four, last four
    assert count_id_card_candidates(old, birth_dates=[born], gender=gender) < 100


def _luhn(first: str) -> str:
    """``first`` and its Luhn check digit."""
    total = 0
    for from_right, digit in enumerate(reversed(first), start=1):
        doubled = int(digit) * 2 if from_right % 2 else int(digit)
        total += doubled - 9 if doubled > 9 else doubled
    return first + str(-total % 10)


ISSUER = "622202"  # the issuer the bank name gives away


@pytest.mark.parametrize("length", range(12, 31))
def test_a_bank_account_mask_with_the_bank_name_leaves_enough_candidates(
    count_bank_account_candidates, length
):
    account = _luhn((ISSUER + "0202001122334455667788990011")[: length - 1])
    masked = personal_data.mask("bank_account", account)
    candidates = count_bank_account_candidates(masked, length=length, known_prefix=ISSUER)
    assert candidates >= MIN, (masked, candidates)
    assert count_bank_account_candidates(account, length=length, known_prefix=ISSUER) == 1
    if length >= 15:  # a card keeps its last four: enough to tell two of them apart
        assert masked == "**** **** " + account[-4:]


def test_the_old_bank_account_mask_gave_a_short_account_away(count_bank_account_candidates):
    account = _luhn(ISSUER + "01234")
    old = "**** **** " + account[-4:]
    assert count_bank_account_candidates(old, length=12, known_prefix=ISSUER) == 10


@pytest.mark.parametrize(
    ("path", "value", "masked"),
    [
        ("individual.id_card_number", "11010519491231002X", "*" * 18),
        ("individual.id_card_number", "110105491231002", "*" * 15),  # first generation
        ("bank_account", "6222 0202 0011 2233 445", "**** **** 3445"),
        ("bank_account", "622202020011", "**** **** 1"),
        ("bank_account", "", ""),
    ],
)
def test_masks(path, value, masked):
    assert personal_data.mask(path, value) == masked


def test_every_secret_field_has_its_mask_and_every_withheld_field_is_personal():
    assert set(personal_data.MASKS) == set(personal_data.SECRET_FIELDS)
    assert set(personal_data.WITHHELD) <= set(personal_data.PERSONAL_FIELDS)


# --- what a role is not given -----------------------------------------------------------------

REP = Principal("u-rep", "rep", frozenset({"sales_rep"}), "/hq/sales", DataScope.OWN)
AGENT = Principal("u-agent", "agent", frozenset({"agent"}), "/hq/service", DataScope.OWN)
AGENT_AND_REP = Principal(
    "u-both", "both", frozenset({"agent", "sales_rep"}), "/hq/sales", DataScope.OWN
)


def _customer(owner_id: str) -> customer_pb2.Customer:
    return customer_pb2.Customer(
        owner_id=owner_id,
        department_path="/hq/sales",
        individual=customer_pb2.IndividualProfile(
            gender=customer_pb2.GENDER_FEMALE,
            age=76,
            birth_date="1949-12-31",
            id_card_number="*" * 18,
        ),
    )


@pytest.mark.parametrize(
    ("who", "owner_id", "birth_date"),
    [
        (REP, "u-rep", "1949-12-31"),
        (AGENT, "u-agent", ""),  # not even for a customer they own: the role does not need it
        (AGENT_AND_REP, "u-both", "1949-12-31"),  # their own customer, as a rep
        (AGENT_AND_REP, "u-rep", ""),  # any other active customer, as the service desk
    ],
    ids=["rep", "agent", "agent-rep-own", "agent-rep-other"],
)
def test_the_birth_date_goes_only_to_a_role_that_needs_it_on_a_record_it_sees(
    who, owner_id, birth_date
):
    stored = _customer(owner_id)
    answer = personal_data.answer_for(who, stored)
    assert answer.individual.birth_date == birth_date
    assert (answer.individual.age, answer.individual.gender) == (76, customer_pb2.GENDER_FEMALE)
    assert stored.individual.birth_date == "1949-12-31"  # an event's copy is left as it was
    enterprise = customer_pb2.Customer(owner_id=owner_id, enterprise={"legal_name": "x"})
    assert personal_data.answer_for(who, enterprise).WhichOneof("profile") == "enterprise"
