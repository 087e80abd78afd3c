"""The public-holiday calendar's festival days: each holiday's first day off in a year."""

from datetime import date

import pytest
from crm_shared.chinese_holidays import LAST_KNOWN_YEAR, UnknownYear, display_name, first_days_off


def test_a_holiday_starting_in_december_belongs_to_the_year_it_ends_in():
    assert first_days_off(2024)["New Year's Day"] == date(2023, 12, 30)
    assert first_days_off(2023)["New Year's Day"] == date(2022, 12, 31)


def test_interleaved_holidays_each_keep_their_first_day_off():
    days = first_days_off(2025)  # 国庆 1–5 and 7–8 October around 中秋 on the 6th
    assert (days["National Day"], days["Mid-autumn Festival"]) == (
        date(2025, 10, 1),
        date(2025, 10, 6),
    )
    assert first_days_off(2026)["Spring Festival"] == date(2026, 2, 15)


def test_an_unknown_year_is_refused_not_empty():
    with pytest.raises(UnknownYear):
        first_days_off(LAST_KNOWN_YEAR + 1)


def test_names_read_in_chinese_first():
    assert display_name("Spring Festival") == "春节 (Spring Festival)"
