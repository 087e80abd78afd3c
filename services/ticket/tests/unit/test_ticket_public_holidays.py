"""China's public holidays and 调休 make-up days filled into a calendar (chinesecalendar's data),
and the SLA clock on the filled calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ticket_service.calendars import add_business_time, business_time_between
from ticket_service.models import BusinessCalendar
from ticket_service.public_holidays import LAST_KNOWN_YEAR, UnknownYear, fill_year

H = timedelta(hours=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = [{"day": day, "opens_at": "09:00", "closes_at": "18:00"} for day in range(1, 6)]


def filled_2026(holidays=(), extra=(), hours=WEEKDAYS):
    return fill_year(2026, list(holidays), list(extra), hours)


def test_2026_spring_festival_and_its_make_up_saturday_are_filled():
    filled = filled_2026()
    holidays = {day["date"]: day["name"] for day in filled.holidays}
    extra = {day["date"]: day for day in filled.extra_working_days}
    assert holidays["2026-02-17"] == "春节 (Spring Festival)"
    assert "2026-10-01" in holidays and "2026-01-01" in holidays
    # 2026-02-14 is a Saturday worked in lieu of the Spring Festival (State Council notice)
    assert extra["2026-02-14"]["name"] == "春节调休 (Spring Festival)"
    assert extra["2026-02-14"]["weekday_like"] == 1
    assert filled.holidays_added == len(filled.holidays)
    assert filled.extra_working_days_added == len(filled.extra_working_days) >= 5


def test_filling_twice_changes_nothing():
    once = filled_2026()
    twice = fill_year(2026, once.holidays, once.extra_working_days, WEEKDAYS)
    assert (twice.holidays, twice.extra_working_days) == (once.holidays, once.extra_working_days)
    assert twice.holidays_added == twice.extra_working_days_added == 0


def test_days_an_admin_typed_are_kept():
    # The admin works 2026-02-17 (a public holiday) and closed the company on 2026-06-01.
    typed_extra = [{"date": "2026-02-17", "name": "Duty day", "weekday_like": 2}]
    typed_holidays = [{"date": "2026-06-01", "name": "Company day"}]
    filled = filled_2026(typed_holidays, typed_extra)
    assert "2026-02-17" not in {day["date"] for day in filled.holidays}
    assert typed_extra[0] in filled.extra_working_days
    assert typed_holidays[0] in filled.holidays


def test_a_make_up_day_the_calendar_works_anyway_is_not_added():
    seven_days = [{"day": day, "opens_at": "08:00", "closes_at": "20:00"} for day in range(1, 8)]
    filled = filled_2026(hours=seven_days)
    assert filled.extra_working_days == []
    assert filled.holidays_added > 0


def test_a_year_the_package_does_not_know_is_refused():
    with pytest.raises(UnknownYear, match=str(LAST_KNOWN_YEAR + 1)):
        fill_year(LAST_KNOWN_YEAR + 1, [], [], WEEKDAYS)


def test_the_sla_clock_counts_the_make_up_saturday_and_skips_the_festival():
    filled = filled_2026()
    calendar = BusinessCalendar(
        id="cal",
        display_name="Office",
        department_path="/hq",
        time_zone="Asia/Shanghai",
        working_hours=WEEKDAYS,
        holidays=filled.holidays,
        extra_working_days=filled.extra_working_days,
    )
    friday_evening = datetime(2026, 2, 13, 17, tzinfo=SHANGHAI)
    # 1 h left on Friday, then 2 h on the make-up Saturday 2026-02-14 (09:00-11:00)
    assert add_business_time(calendar, friday_evening, 3 * H) == datetime(
        2026, 2, 14, 11, tzinfo=SHANGHAI
    )
    # The festival (2026-02-15..23) has no working hours: from Saturday's close to the
    # first day back, nothing counts.
    assert business_time_between(
        calendar,
        datetime(2026, 2, 14, 18, tzinfo=SHANGHAI),
        datetime(2026, 2, 24, 9, tzinfo=SHANGHAI),
    ) == timedelta(0)
