"""Business-time arithmetic on calendars: working hours, holidays, make-up days, DST zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from ticket_service.calendars import (
    CalendarInput,
    add_business_time,
    ancestors_of,
    business_time_between,
    validate_calendar,
)
from ticket_service.models import BusinessCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)


def office(zone="Asia/Shanghai", hours=None, holidays=(), extra=()):
    return BusinessCalendar(
        id="cal", display_name="Office", department_path="/hq", time_zone=zone,
        working_hours=hours or [{"day": d, "opens_at": "09:00", "closes_at": "18:00"} for d in range(1, 6)],
        holidays=[{"date": d, "name": "holiday"} for d in holidays],
        extra_working_days=[{"date": d, "name": "make-up", "weekday_like": 1} for d in extra],
    )


def sh(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_without_a_calendar_every_hour_counts():
    start = datetime(2026, 3, 7, 22, tzinfo=UTC)  # a Saturday night
    assert add_business_time(None, start, 5 * H) == start + 5 * H
    assert business_time_between(None, start, start + 5 * H) == 5 * H


def test_time_inside_one_working_day_is_added_directly():
    # Wednesday 2026-03-04 10:00 + 3 h = 13:00 the same day
    assert add_business_time(office(), sh(2026, 3, 4, 10), 3 * H) == sh(2026, 3, 4, 13)


def test_time_past_closing_continues_at_next_opening():
    # Wednesday 16:00 + 4 h: 2 h today, 2 h from Thursday 09:00
    assert add_business_time(office(), sh(2026, 3, 4, 16), 4 * H) == sh(2026, 3, 5, 11)


def test_start_before_opening_waits_for_opening():
    assert add_business_time(office(), sh(2026, 3, 4, 6), 1 * H) == sh(2026, 3, 4, 10)


def test_weekend_is_skipped():
    # Friday 17:00 + 2 h = Monday 10:00
    assert add_business_time(office(), sh(2026, 3, 6, 17), 2 * H) == sh(2026, 3, 9, 10)


def test_three_working_days_of_nine_hours():
    # Friday 09:00 + 27 working hours = Tuesday 18:00
    assert add_business_time(office(), sh(2026, 3, 6, 9), 27 * H) == sh(2026, 3, 10, 18)


def test_holidays_have_no_working_hours():
    # National Day week: Thursday 2026-10-01 and Friday 10-02 are holidays
    calendar = office(holidays=["2026-10-01", "2026-10-02"])
    assert add_business_time(calendar, sh(2026, 9, 30, 17), 2 * H) == sh(2026, 10, 5, 10)


def test_extra_working_days_work_on_a_weekend():
    # Saturday 2026-10-10 is a make-up day with Monday's hours
    calendar = office(extra=["2026-10-10"])
    assert add_business_time(calendar, sh(2026, 10, 9, 17), 2 * H) == sh(2026, 10, 10, 10)
    assert business_time_between(calendar, sh(2026, 10, 10, 0), sh(2026, 10, 11, 0)) == 9 * H


def test_lunch_break_is_not_counted():
    hours = [{"day": 3, "opens_at": "09:00", "closes_at": "12:00"},
             {"day": 3, "opens_at": "13:00", "closes_at": "18:00"}]
    calendar = office(hours=hours)
    assert add_business_time(calendar, sh(2026, 3, 4, 11), 2 * H) == sh(2026, 3, 4, 14)
    assert business_time_between(calendar, sh(2026, 3, 4, 0), sh(2026, 3, 5, 0)) == 8 * H


def test_business_time_between_counts_only_working_hours():
    calendar = office()
    # Friday 17:00 to Monday 10:00: 1 h Friday + 1 h Monday
    assert business_time_between(calendar, sh(2026, 3, 6, 17), sh(2026, 3, 9, 10)) == 2 * H
    assert business_time_between(calendar, sh(2026, 3, 9, 10), sh(2026, 3, 6, 17)) == timedelta(0)


def test_add_and_between_agree():
    calendar = office(holidays=["2026-03-11"])
    start = sh(2026, 3, 6, 15, 30)
    for hours in (0.5, 3, 9, 20, 40):
        end = add_business_time(calendar, start, timedelta(hours=hours))
        assert business_time_between(calendar, start, end) == timedelta(hours=hours)


def test_an_interval_across_a_dst_change_counts_its_real_length():
    # Berlin springs forward on Sunday 2026-03-29 at 02:00 -> 03:00: 01:00-05:00 lasts 3 hours
    calendar = office(zone="Europe/Berlin", hours=[{"day": 7, "opens_at": "01:00", "closes_at": "05:00"}])
    day_start = datetime(2026, 3, 29, 0, tzinfo=BERLIN)
    assert business_time_between(calendar, day_start, day_start + 24 * H) == 3 * H


def test_dst_zone_keeps_local_opening_hours():
    # 10:00 Berlin is 09:00 UTC before the change (CET) and 08:00 UTC after it (CEST)
    calendar = office(zone="Europe/Berlin")
    friday_evening = datetime(2026, 3, 27, 18, tzinfo=BERLIN)
    assert add_business_time(calendar, friday_evening, H) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert add_business_time(calendar, datetime(2026, 3, 26, 18, tzinfo=BERLIN), H) == \
        datetime(2026, 3, 27, 9, tzinfo=UTC)


def test_a_calendar_without_working_time_is_reported():
    calendar = office(hours=[{"day": 1, "opens_at": "09:00", "closes_at": "18:00"}])
    calendar.holidays = [{"date": (datetime(2026, 1, 5) + timedelta(weeks=w)).date().isoformat(),
                          "name": "x"} for w in range(60)]
    with pytest.raises(ValueError):
        add_business_time(calendar, sh(2026, 1, 1, 9), H)


def test_ancestors_are_nearest_first_then_the_default():
    assert ancestors_of("/hq/tech/l2") == ["/hq/tech/l2", "/hq/tech", "/hq", ""]
    assert ancestors_of("") == [""]


def _input(**overrides):
    values = {"display_name": "Office", "department_path": "/hq/tech", "time_zone": "Asia/Shanghai",
              "working_hours": [{"day": 1, "opens_at": "09:00", "closes_at": "18:00"}],
              "holidays": [], "extra_working_days": []}
    values.update(overrides)
    return CalendarInput(**values)


def test_a_valid_calendar_has_no_violations():
    assert validate_calendar(_input()) == []


@pytest.mark.parametrize(("overrides", "field"), [
    ({"display_name": " "}, "calendar.display_name"),
    ({"department_path": "hq/tech"}, "calendar.department_path"),
    ({"time_zone": "Mars/Base"}, "calendar.time_zone"),
    ({"working_hours": []}, "calendar.working_hours"),
    ({"working_hours": [{"day": 1, "opens_at": "9:00", "closes_at": "18:00"}]},
     "calendar.working_hours[0].opens_at"),
    ({"working_hours": [{"day": 1, "opens_at": "09:00", "closes_at": "24:30"}]},
     "calendar.working_hours[0].closes_at"),
    ({"working_hours": [{"day": 1, "opens_at": "18:00", "closes_at": "09:00"}]},
     "calendar.working_hours[0].closes_at"),
    ({"working_hours": [{"day": 0, "opens_at": "09:00", "closes_at": "18:00"}]},
     "calendar.working_hours[0].day"),
    ({"working_hours": [{"day": 1, "opens_at": "09:00", "closes_at": "12:00"},
                        {"day": 1, "opens_at": "11:00", "closes_at": "18:00"}]},
     "calendar.working_hours[1]"),
    ({"holidays": [{"date": "2026-02-30", "name": "x"}]}, "calendar.holidays[0].date"),
    ({"holidays": [{"date": "2026/10/01", "name": "x"}]}, "calendar.holidays[0].date"),
    ({"holidays": [{"date": "2026-10-01", "name": "x"}],
      "extra_working_days": [{"date": "2026-10-01", "name": "y", "weekday_like": 1}]},
     "calendar.extra_working_days[0].date"),
    ({"extra_working_days": [{"date": "2026-10-10", "name": "y", "weekday_like": 6}]},
     "calendar.extra_working_days[0].weekday_like"),
])
def test_bad_fields_are_named(overrides, field):
    assert field in {v.field for v in validate_calendar(_input(**overrides))}
