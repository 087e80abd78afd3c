"""China's public holidays and 调休 make-up working days, filled into a business calendar.

The days come from ``chinesecalendar`` (module ``chinese_calendar``, the known years and the
names through :mod:`crm_shared.chinese_holidays`, which marketing's festival greetings read
too), which publishes the State Council's yearly notice, make-up working days included; a
hand-typed table here would go stale every November. The package knows a fixed range of years (2004–2026 in 1.11.0): a
year outside it is refused (:class:`UnknownYear`) rather than filled with nothing, because an
empty year looks exactly like a year without holidays and SLA clocks would run through 春节.

Filling is a merge: a date the calendar already lists (as a holiday or as a working day) is
kept as the admin typed it, so filling twice changes nothing and local exceptions survive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from crm_shared.chinese_holidays import (
    FIRST_KNOWN_YEAR,
    LAST_KNOWN_YEAR,
    UnknownYear,
    known,
)
from crm_shared.chinese_holidays import display_name as _name

__all__ = ["FIRST_KNOWN_YEAR", "LAST_KNOWN_YEAR", "Filled", "UnknownYear", "fill_year"]


@dataclass(frozen=True)
class Filled:
    holidays: list[dict]
    extra_working_days: list[dict]
    holidays_added: int
    extra_working_days_added: int


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def _make_up_weekday(working_hours: list[dict]) -> int:
    """The weekday whose hours a make-up day borrows: a 调休 day is an ordinary working day,
    so the first of Monday–Friday the calendar works (any working weekday as a last resort)."""
    working = sorted({entry["day"] for entry in working_hours})
    return next((day for day in working if day <= 5), working[0])


def fill_year(
    year: int, holidays: list[dict], extra_working_days: list[dict], working_hours: list[dict]
) -> Filled:
    """The calendar's special days with ``year``'s public holidays and make-up days added.

    A make-up day on a weekday the calendar already works (a desk open on Saturdays) is left
    out: its own hours apply already.
    """
    if not known(year):
        raise UnknownYear(year)
    listed = {day["date"] for day in holidays} | {day["date"] for day in extra_working_days}
    working_days = {entry["day"] for entry in working_hours}
    new_holidays, new_extra = [], []
    for day in _days_of(year):
        iso = day.isoformat()
        if iso in listed:
            continue
        if day in chinese_calendar.workdays:
            if day.isoweekday() not in working_days:
                new_extra.append(
                    {
                        "date": iso,
                        "name": _name(chinese_calendar.workdays[day], "调休"),
                        "weekday_like": _make_up_weekday(working_hours),
                    }
                )
        elif day in chinese_calendar.holidays:
            new_holidays.append({"date": iso, "name": _name(chinese_calendar.holidays[day])})
    return Filled(
        holidays=sorted([*holidays, *new_holidays], key=lambda day: day["date"]),
        extra_working_days=sorted([*extra_working_days, *new_extra], key=lambda day: day["date"]),
        holidays_added=len(new_holidays),
        extra_working_days_added=len(new_extra),
    )
