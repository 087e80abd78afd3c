"""Trigger occasions and date windows as pure rules."""

from datetime import date

from marketing_service.triggers import (
    birthday_key,
    milestone_reached,
    month_days,
    renewal_key,
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
