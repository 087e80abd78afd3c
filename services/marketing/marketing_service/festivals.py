"""The festivals the festival trigger greets customers on (节日关怀), as data: each names its
holiday in the public-holiday calendar (:mod:`crm_shared.chinese_holidays`, the State
Council's notice through ``chinesecalendar``), whose dates move every year with the lunar
calendar and the 调休 arrangements, so no date is typed here.

A festival's day is the first day off of its holiday: greetings go out before people leave
(``offset_days`` before it), and the notice, not a lunar conversion, says when that is. A
holiday the notice merged into another one that year (中秋 on 国庆 in 2020) has no day of its
own and is not greeted separately.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from crm_shared import chinese_holidays
from crm_shared.chinese_holidays import Holiday

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Festival:
    key: str
    """Short name in occasion keys and message variables (``spring_festival``)."""
    holiday: str
    """The calendar's name of its holiday (``Spring Festival``)."""


FESTIVALS: tuple[Festival, ...] = (
    Festival("new_years_day", Holiday.new_years_day.value),  # 元旦
    Festival("spring_festival", Holiday.spring_festival.value),  # 春节
    Festival("dragon_boat_festival", Holiday.dragon_boat_festival.value),  # 端午
    Festival("mid_autumn_festival", Holiday.mid_autumn_festival.value),  # 中秋
    Festival("national_day", Holiday.national_day.value),  # 国庆
)


_unknown_years_logged: set[int] = set()


def festivals_on(days: list[date]) -> list[tuple[Festival, date, int]]:
    """The festivals whose day falls on one of ``days``, with that day and the festival's year.
    A year the calendar does not know yet greets nothing (logged once per process): a newer
    ``chinesecalendar`` adds it."""
    found = []
    # a holiday's first day off may fall in the year before its own (元旦 2024: 2023-12-30)
    years = sorted({day.year for day in days} | {day.year + 1 for day in days})
    wanted = set(days)
    for year in years:
        if not chinese_holidays.known(year):
            if year in {day.year for day in days} and year not in _unknown_years_logged:
                _unknown_years_logged.add(year)
                log.warning("festivals of %d are not known to the holiday calendar", year)
            continue
        firsts = chinese_holidays.first_days_off(year)
        for festival in FESTIVALS:
            day = firsts.get(festival.holiday)
            if day in wanted:
                found.append((festival, day, year))
    return found


def variables(festival: Festival) -> dict[str, str]:
    """What a greeting's template may say of the festival: its key, its Chinese name (春节)
    and its English one (``Spring Festival``)."""
    return {
        "festival": festival.key,
        "festival_name": chinese_holidays.CHINESE_NAMES.get(festival.holiday, festival.holiday),
        "festival_name_en": festival.holiday,
    }
