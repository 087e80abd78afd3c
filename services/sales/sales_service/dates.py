"""Calendar dates of the deals part: `YYYY-MM-DD` strings of the contract ⇄ ``date``, date
ranges, and the first day of the forecast's time buckets."""

from __future__ import annotations

from datetime import date, timedelta

from crm.common.v1 import reporting_pb2, types_pb2
from crm_shared.errors import FieldViolation

DAY = reporting_pb2.TIME_GRANULARITY_DAY
WEEK = reporting_pb2.TIME_GRANULARITY_WEEK
MONTH = reporting_pb2.TIME_GRANULARITY_MONTH
QUARTER = reporting_pb2.TIME_GRANULARITY_QUARTER
YEAR = reporting_pb2.TIME_GRANULARITY_YEAR


def text_of(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
"""The dates the deals part accepts: far enough from the calendar's ends that every date
derived from one (the day after a period, a renewal of the same length, the previous period
of a KPI report) is a date too."""


def parse_date(text: str, field: str, violations: list[FieldViolation]) -> date | None:
    """The date of a `YYYY-MM-DD` field, None when empty; a violation when malformed or
    outside ``EARLIEST`` .. ``LATEST``."""
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        value = date.fromisoformat(text)
    except ValueError:
        violations.append(FieldViolation(field, "must be a date YYYY-MM-DD"))
        return None
    if not EARLIEST <= value <= LATEST:
        violations.append(FieldViolation(
            field, f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}"))
        return None
    return value


def parse_range(period: types_pb2.DateRange, field: str,
                violations: list[FieldViolation]) -> tuple[date | None, date | None]:
    """(first day, last day) of an inclusive range; either may be open (None)."""
    start = parse_date(period.start_date, f"{field}.start_date", violations)
    end = parse_date(period.end_date, f"{field}.end_date", violations)
    if start and end and end < start:
        violations.append(FieldViolation(f"{field}.end_date", "must not be before start_date"))
    return start, end


def bucket_start(day: date, granularity: int) -> date:
    """First day of the bucket holding ``day`` (ISO weeks start on Monday; default month)."""
    if granularity == DAY:
        return day
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if granularity == YEAR:
        return date(day.year, 1, 1)
    return date(day.year, day.month, 1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1),
               following - timedelta(days=1))
