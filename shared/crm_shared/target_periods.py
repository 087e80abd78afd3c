"""The periods a target is set for, in the contracts' words: a month ``2026-12``, a quarter
``2026-Q4`` or a year ``2026`` (``SalesTarget.period``, ``ServiceTarget.period``).

Declared once here: the sales and ticket services read a target's period with the same rule,
so a lead's "2026-Q4" is the same 92 days for a rep's amount and an agent's SLA rate.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")
PERIOD_HINT = "must be a month (2026-12), a quarter (2026-Q4) or a year (2026)"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def period_range(period: str) -> tuple[date, date]:
    """The first and last day of a period word; ValueError (:data:`PERIOD_HINT`) otherwise."""
    match = PERIOD.match(period or "")
    if match is None or not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
        raise ValueError(PERIOD_HINT)
    year = int(match["year"])
    if match["month"]:
        first_month, months = int(match["month"]), 1
    elif match["quarter"]:
        first_month, months = (int(match["quarter"]) - 1) * 3 + 1, 3
    else:
        first_month, months = 1, 12
    start = date(year, first_month, 1)
    after = first_month + months
    end = (date(year + 1, 1, 1) if after > 12 else date(year, after, 1)) - timedelta(days=1)
    return start, end


def quarter_of(day: date) -> str:
    """The quarter word of the quarter holding ``day``: 8 December 2026 is ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def covering(start: date, end: date) -> list[str]:
    """The period words whose days hold all of ``start..end``, the shortest first: a report of
    1-7 December 2026 lies in ``2026-12``, ``2026-Q4`` and ``2026``; one across two months only
    in their quarter and year (or year). A report shows the target of the first of these a
    subject has - the month's next to its month-to-date figure."""
    if end < start or start.year != end.year:
        return []
    words = []
    if start.month == end.month:
        words.append(f"{start.year}-{start.month:02d}")
    if (start.month - 1) // 3 == (end.month - 1) // 3:
        words.append(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
    words.append(str(start.year))
    return words
