"""Business calendars: which hours of which days count for SLA clocks.

A calendar belongs to a department path and covers its subtree unless a sub-department has
its own (``/hq/tech/l2`` falls back to ``/hq/tech``, then ``/hq``, then the default calendar
with the empty path). Working hours are local times in the calendar's IANA zone; a weekday
may have several intervals (a lunch break). Holidays have no working hours; extra working days
(调休, make-up days on a weekend) work with the hours of the weekday they stand in for.

All arithmetic is done on absolute (UTC) instants, so a working interval that spans a
daylight-saving change counts its real length, not its wall-clock length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_shared.errors import FieldViolation
from sqlalchemy import select
from sqlalchemy.orm import Session

from ticket_service.models import BusinessCalendar

HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
YYYY_MM_DD = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEFAULT_PATH = ""
# A calendar with working hours finds some within a week; a year without any means the
# calendar is unusable (e.g. every day a holiday), which is reported instead of looping.
MAX_DAYS_SEARCHED = 366


# -- validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarInput:
    """A calendar's settable fields, in domain form (weekdays as ISO numbers 1 = Monday)."""

    display_name: str
    department_path: str
    time_zone: str
    working_hours: list[dict]  # {"day", "opens_at", "closes_at"}
    holidays: list[dict]  # {"date", "name"}
    extra_working_days: list[dict]  # {"date", "name", "weekday_like"}


def valid_department_path(path: str) -> bool:
    return path == DEFAULT_PATH or (
        path.startswith("/") and not path.endswith("/") and "//" not in path and len(path) <= 255
    )


def _valid_zone(name: str) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def valid_date(text: str) -> bool:
    if not YYYY_MM_DD.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def validate_calendar(data: CalendarInput, prefix: str = "calendar.") -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    if not data.display_name.strip():
        violations.append(FieldViolation(f"{prefix}display_name", "is required"))
    elif len(data.display_name) > 200:
        violations.append(FieldViolation(f"{prefix}display_name", "must be at most 200 characters"))
    if not valid_department_path(data.department_path):
        violations.append(FieldViolation(
            f"{prefix}department_path", "must be a department path like /hq/tech, or empty"))
    if not _valid_zone(data.time_zone):
        violations.append(FieldViolation(f"{prefix}time_zone", "must be an IANA time zone, e.g. Asia/Shanghai"))
    if not data.working_hours:
        violations.append(FieldViolation(f"{prefix}working_hours", "needs at least one working day"))
    by_day: dict[int, list[tuple[str, str]]] = {}
    for index, entry in enumerate(data.working_hours):
        field = f"{prefix}working_hours[{index}]"
        if entry["day"] not in range(1, 8):
            violations.append(FieldViolation(f"{field}.day", "must be a weekday"))
        opens_ok = bool(HH_MM.match(entry["opens_at"]))
        closes_ok = bool(HH_MM.match(entry["closes_at"]))
        if not opens_ok:
            violations.append(FieldViolation(f"{field}.opens_at", "must be HH:MM"))
        if not closes_ok:
            violations.append(FieldViolation(f"{field}.closes_at", "must be HH:MM"))
        if opens_ok and closes_ok:
            if entry["opens_at"] >= entry["closes_at"]:
                violations.append(FieldViolation(f"{field}.closes_at", "must be after opens_at"))
            elif any(entry["opens_at"] < closes and opens < entry["closes_at"]
                     for opens, closes in by_day.get(entry["day"], [])):
                violations.append(FieldViolation(field, "overlaps other hours of the same day"))
            else:
                by_day.setdefault(entry["day"], []).append((entry["opens_at"], entry["closes_at"]))
    seen: set[str] = set()
    for kind, days in (("holidays", data.holidays), ("extra_working_days", data.extra_working_days)):
        for index, day in enumerate(days):
            field = f"{prefix}{kind}[{index}]"
            if not valid_date(day["date"]):
                violations.append(FieldViolation(f"{field}.date", "must be a date YYYY-MM-DD"))
            elif day["date"] in seen:
                violations.append(FieldViolation(f"{field}.date", "is listed twice"))
            else:
                seen.add(day["date"])
            if kind == "extra_working_days" and day.get("weekday_like") not in by_day:
                violations.append(FieldViolation(
                    f"{field}.weekday_like", "must be a weekday that has working hours"))
    return violations


# -- business-time arithmetic --------------------------------------------------------------------


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def working_intervals(calendar, day: date) -> list[tuple[datetime, datetime]]:
    """The working intervals of a local calendar day, as UTC instants, in order."""
    iso = day.isoformat()
    if any(holiday["date"] == iso for holiday in calendar.holidays):
        return []
    weekday = day.isoweekday()
    for extra in calendar.extra_working_days:
        if extra["date"] == iso:
            weekday = extra["weekday_like"]
            break
    zone = ZoneInfo(calendar.time_zone)
    intervals = []
    for entry in calendar.working_hours:
        if entry["day"] != weekday:
            continue
        opens = datetime.combine(day, _parse_time(entry["opens_at"]), tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, _parse_time(entry["closes_at"]), tzinfo=zone).astimezone(UTC)
        if closes > opens:
            intervals.append((opens, closes))
    return sorted(intervals)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def add_business_time(calendar: BusinessCalendar | None, start: datetime,
                      duration: timedelta) -> datetime:
    """The instant at which ``duration`` of working time after ``start`` has passed.

    With no calendar every hour counts (24/7). A zero duration returns ``start`` unchanged.
    """
    if calendar is None or duration <= timedelta(0):
        return start + max(duration, timedelta(0))
    cursor = _aware(start)
    remaining = duration
    day = cursor.astimezone(ZoneInfo(calendar.time_zone)).date() - timedelta(days=1)
    # Starting a day early catches a local day whose hours run past midnight UTC into `start`.
    for _ in range(MAX_DAYS_SEARCHED + 2):
        for opens, closes in working_intervals(calendar, day):
            begin = max(opens, cursor)
            if begin >= closes:
                continue
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            cursor = closes
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.id} has no working hours within a year")


def business_time_between(calendar: BusinessCalendar | None, start: datetime,
                          end: datetime) -> timedelta:
    """Working time between two instants (zero when ``end`` is not after ``start``)."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return timedelta(0)
    if calendar is None:
        return end - start
    zone = ZoneInfo(calendar.time_zone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    total = timedelta(0)
    while day <= last:
        for opens, closes in working_intervals(calendar, day):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


# -- lookup ----------------------------------------------------------------------------------------


def ancestors_of(department_path: str) -> list[str]:
    """``/hq/tech/l2`` → ``["/hq/tech/l2", "/hq/tech", "/hq", ""]`` (nearest first)."""
    parts = [part for part in department_path.split("/") if part]
    return ["/" + "/".join(parts[:size]) for size in range(len(parts), 0, -1)] + [DEFAULT_PATH]


def calendar_for(session: Session, department_path: str) -> BusinessCalendar | None:
    """The calendar of the department or its nearest ancestor; None when there is none (24/7)."""
    candidates = ancestors_of(department_path)
    rows = session.scalars(
        select(BusinessCalendar).where(BusinessCalendar.department_path.in_(candidates))
    ).all()
    by_path = {row.department_path: row for row in rows}
    return next((by_path[path] for path in candidates if path in by_path), None)
