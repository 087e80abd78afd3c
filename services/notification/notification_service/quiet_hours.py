"""Quiet hours: when a user's non-urgent e-mail and webhook deliveries wait (the inbox entry
is created at once). Pure arithmetic on aware datetimes in the user's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class QuietHours:
    starts_at: time
    ends_at: time
    time_zone: str = DEFAULT_TIME_ZONE
    include_weekends: bool = False

    def _quiet_at(self, local: datetime) -> bool:
        if self.include_weekends and local.weekday() >= 5:
            return True
        now = local.time()
        if self.starts_at == self.ends_at:
            return False
        if self.starts_at < self.ends_at:  # e.g. 12:00–14:00, within one day
            return self.starts_at <= now < self.ends_at
        return now >= self.starts_at or now < self.ends_at  # e.g. 22:00–08:00, over midnight

    def release_time(self, now: datetime) -> datetime | None:
        """When a delivery due at ``now`` may go: None when ``now`` is not quiet, else the
        first moment (UTC-aware, like ``now``) that is not quiet."""
        zone = zone_of(self.time_zone)
        local = now.astimezone(zone)
        if not self._quiet_at(local):
            return None
        # Quiet time is a union of intervals that end at `ends_at` or at midnight (weekends),
        # so the first moment that is not quiet is one of those boundaries.
        boundaries = sorted(
            datetime.combine(local.date() + timedelta(days=day), at, tzinfo=zone)
            for day in range(9)
            for at in (self.ends_at, time(0, 0))
        )
        for moment in boundaries:
            if moment > local and not self._quiet_at(moment):
                return moment.astimezone(now.tzinfo)
        return None  # pragma: no cover - every week has a moment that is not quiet


def parse_hhmm(text: str) -> time:
    """``HH:MM`` (24 h) → time; ValueError otherwise."""
    hours, sep, minutes = text.partition(":")
    if not sep or len(hours) != 2 or len(minutes) != 2:
        raise ValueError("must be HH:MM")
    return time(int(hours), int(minutes))


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
