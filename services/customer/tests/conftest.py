"""What the customer service's unit and integration tests share, as fixtures: counting the
values a masked secret could still be, given everything else its caller was returned.

The counts play the caller trying to reverse a mask, so they assume the most the caller can
know: the number's format and length, every character the mask shows, and the facts other
fields give away. They count exactly, through the check character's arithmetic, instead of
listing the numbers one by one (a fully masked ID card has ~10^9 candidates).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

import pytest
from customer_service import rules

DIGITS = "0123456789"


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def birth_dates_of_age(age: int, today: date) -> list[date]:
    """Every birth date that makes someone ``age`` years old on ``today``."""
    first = today - timedelta(days=366 * (age + 2))
    days = (today - first).days + 1
    return [
        born
        for born in (first + timedelta(days=n) for n in range(days))
        if age_on(born, today) == age
    ]


def id_card_candidates(
    masked: str,
    *,
    birth_dates: Iterable[date],
    gender: str = "",
    regions: Iterable[str] = (),
) -> int:
    """How many 18-character resident ID numbers agree with: the characters ``masked`` shows
    (``*`` hides one), one of ``birth_dates``, the ``gender`` (the 17th digit is odd for men,
    even for women), one of ``regions`` (6-digit codes; none: any six digits the mask allows),
    and a correct ISO 7064 MOD 11-2 check character."""
    assert len(masked) == 18, masked
    total = 0
    for region in list(regions) or [""]:
        for born in birth_dates:
            known = region.ljust(6, "*") + born.strftime("%Y%m%d") + "***"
            # ways[s]: how many choices of the digits so far give a weighted sum s (mod 11)
            ways = [1] + [0] * 10
            for index in range(17):
                allowed = set(DIGITS)
                for fact in (masked[index], known[index]):
                    if fact != "*":
                        allowed &= {fact}
                if index == 16 and gender:
                    allowed &= set(DIGITS[1::2] if gender == "male" else DIGITS[0::2])
                weight = rules.ID_CARD_WEIGHTS[index]
                after = [0] * 11
                for total_so_far, count in enumerate(ways):
                    for digit in allowed:
                        after[(total_so_far + int(digit) * weight) % 11] += count
                ways = after
            total += sum(
                count
                for remainder, count in enumerate(ways)
                if masked[17] in ("*", rules.ID_CARD_CHECK[remainder])
            )
    return total


def bank_account_candidates(masked: str, *, length: int, known_prefix: str) -> int:
    """How many ``length``-digit accounts agree with: the digits ``masked`` shows at its end
    (after its stars), the ``known_prefix`` (the issuer, from ``bank_name``), and a correct
    Luhn check digit (a card's; an account without one only has more candidates)."""
    shown = masked.replace(" ", "").lstrip("*")
    ways = [1] + [0] * 9  # ways[s]: choices so far with a Luhn sum s (mod 10)
    for index in range(length):
        from_right = length - 1 - index
        allowed = set(DIGITS)
        if index < len(known_prefix):
            allowed &= {known_prefix[index]}
        if from_right < len(shown):
            allowed &= {shown[len(shown) - 1 - from_right]}
        after = [0] * 10
        for sum_so_far, count in enumerate(ways):
            for digit in map(int, allowed):
                doubled = digit * 2 if from_right % 2 else digit
                after[(sum_so_far + doubled - (9 if doubled > 9 else 0)) % 10] += count
        ways = after
    return ways[0]


@pytest.fixture
def count_id_card_candidates() -> Callable[..., int]:
    return id_card_candidates


@pytest.fixture
def count_bank_account_candidates() -> Callable[..., int]:
    return bank_account_candidates


@pytest.fixture
def possible_birth_dates() -> Callable[[int, date], list[date]]:
    """``(age, today)`` -> the birth dates that age leaves possible."""
    return birth_dates_of_age
