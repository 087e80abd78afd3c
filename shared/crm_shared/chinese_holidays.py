"""China's public holidays as the State Council's yearly notice sets them, 调休 make-up working
days included, from ``chinesecalendar`` (module ``chinese_calendar``) — the one source both the
ticket service (business calendars) and the marketing service (festival greetings) read, so a
hand-typed table never goes stale in either.

The package knows a fixed range of years (2004–2026 in 1.11.0): a year outside it is refused
(:class:`UnknownYear`) rather than taken as a year without holidays; a newer release of the
package adds a year once its notice is published.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday

FIRST_KNOWN_YEAR = min(chinese_calendar.holidays).year
LAST_KNOWN_YEAR = max(chinese_calendar.holidays).year
CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in Holiday}
"""The Chinese name of each holiday by the package's English name (``Spring Festival``: 春节)."""


class UnknownYear(ValueError):
    """The installed chinesecalendar has no notice for this year (yet)."""

    def __init__(self, year: int):
        super().__init__(
            f"public holidays of {year} are not known (known: {FIRST_KNOWN_YEAR}–{LAST_KNOWN_YEAR}); "
            "a newer chinesecalendar release adds a year once its notice is published"
        )
        self.year = year


def known(year: int) -> bool:
    return FIRST_KNOWN_YEAR <= year <= LAST_KNOWN_YEAR


def display_name(english: str, suffix: str = "") -> str:
    """``春节 (Spring Festival)``; ``suffix`` follows the Chinese name (``调休``)."""
    chinese = CHINESE_NAMES.get(english, "")
    return f"{chinese}{suffix} ({english})" if chinese else english


def first_days_off(year: int) -> dict[str, date]:
    """The first day off of each holiday of ``year``, by the package's English name.

    A holiday's days off run over consecutive days under its name; a run belongs to the year
    of its last day, so 元旦 2024 begins on 2023-12-30. When two holidays interleave (国庆 and
    中秋 in 2025: 1–5 October National Day, the 6th Mid-autumn, 7–8 National Day again) the
    first run counts. A holiday the notice merged into another (中秋 on 1 October 2020) has no
    day of its own that year and is missing.
    """
    if not known(year):
        raise UnknownYear(year)
    firsts: dict[str, date] = {}
    run_start: date | None = None
    previous: tuple[date, str] | None = None
    window = [
        day
        for day in sorted(chinese_calendar.holidays)
        if date(year - 1, 12, 1) <= day <= date(year + 1, 1, 31)
    ]
    for day in window:
        name = chinese_calendar.holidays[day]
        if previous is None or previous != (day - timedelta(days=1), name):
            run_start = day
        previous = (day, name)
        # the run so far ends on ``day``: it is ``year``'s once a day of it falls in ``year``
        if day.year == year and name not in firsts:
            firsts[name] = run_start
    return firsts
