"""Trigger occasions and date windows as pure rules."""

from datetime import date

from crm_shared.chinese_holidays import LAST_KNOWN_YEAR
from marketing_service.festivals import festivals_on
from marketing_service.triggers import (
    anniversary_key,
    birthday_key,
    milestone_reached,
    month_days,
    renewal_key,
    upcoming_anniversary,
    upcoming_birthday,
    window,
)


def test_the_window_runs_from_today_to_the_offset_so_a_missed_day_is_caught_up():
    assert window(date(2026, 3, 10), 3) == [date(2026, 3, 10), date(2026, 3, 11),
                                            date(2026, 3, 12), date(2026, 3, 13)]
    assert window(date(2026, 3, 10), 0) == [date(2026, 3, 10)]


def test_a_29_february_birthday_is_celebrated_on_the_28th_in_common_years():
    days = window(date(2027, 2, 26), 3)  # 26 Feb .. 1 Mar 2027
    assert "02-29" in month_days(days)
    assert upcoming_birthday(date(1992, 2, 29), days) == date(2027, 2, 28)
    leap = window(date(2028, 2, 26), 2)  # 26..28 Feb 2028: the 29th exists
    assert "02-29" not in month_days(leap)
    assert upcoming_birthday(date(1992, 2, 29), leap) is None


def test_a_birthday_outside_the_window_is_not_due():
    days = window(date(2026, 3, 10), 3)
    assert upcoming_birthday(date(1990, 3, 13), days) == date(2026, 3, 13)
    assert upcoming_birthday(date(1990, 3, 14), days) is None
    assert upcoming_birthday(date(1990, 3, 9), days) is None


def test_occasions_name_the_thing_that_happened():
    assert birthday_key(date(2026, 3, 13)) == "birthday:2026"
    assert renewal_key(date(2026, 12, 31)) == "renewal:2026-12-31"


def test_milestones_passed_by_a_new_purchase():
    assert milestone_reached(4, 5, [1, 5, 10]) == [5]
    assert milestone_reached(5, 6, [1, 5, 10]) == []
    assert milestone_reached(0, 1, [1, 1, 5]) == [1]


def test_a_cooperation_anniversary_is_each_year_after_the_signing_year():
    days = window(date(2026, 5, 18), 3)
    assert upcoming_anniversary(date(2024, 5, 20), days) == date(2026, 5, 20)
    assert upcoming_anniversary(date(2026, 5, 20), days) is None  # the signing day itself
    assert upcoming_anniversary(date(2024, 2, 29), window(date(2025, 2, 28), 0)) == date(
        2025, 2, 28)
    assert anniversary_key(date(2026, 5, 20)) == "anniversary:2026"


def test_a_festival_is_found_on_its_first_day_off_under_its_own_year():
    found = festivals_on(window(date(2023, 12, 28), 3))  # 元旦 2024 begins 2023-12-30
    assert [(f.key, day, year) for f, day, year in found] == [
        ("new_years_day", date(2023, 12, 30), 2024)]
    assert festivals_on(window(date(2026, 2, 14), 0)) == []  # a day before 春节's first day off


def test_a_year_the_holiday_calendar_does_not_know_greets_no_festival():
    assert festivals_on(window(date(LAST_KNOWN_YEAR + 1, 1, 1), 10)) == []
