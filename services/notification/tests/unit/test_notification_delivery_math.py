"""Quiet hours arithmetic, the retry back-off schedule and the webhook signature."""

import hashlib
import hmac
from datetime import UTC, datetime, time, timedelta

import pytest
from crm_shared.webhook_signatures import sign, verify
from notification_service.dispatch import backoff_delay
from notification_service.quiet_hours import QuietHours, parse_hhmm

SHANGHAI = "Asia/Shanghai"  # UTC+8, no daylight saving


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)  # 2026-03-02 is a Monday


NIGHT = QuietHours(time(22, 0), time(8, 0), SHANGHAI)


@pytest.mark.parametrize(("now", "released"), [
    (utc(2, 6), None),  # 14:00 local: not quiet
    (utc(2, 13, 59), None),  # 21:59 local
    (utc(2, 14), utc(3, 0)),  # 22:00 local → 08:00 next morning local = 00:00 UTC
    (utc(2, 18), utc(3, 0)),  # 02:00 local, after midnight → 08:00 the same morning
    (utc(2, 23, 59), utc(3, 0)),  # 07:59 local
    (utc(3, 0), None),  # 08:00 local exactly: over
])
def test_overnight_quiet_hours_release_at_their_local_end(now, released):
    assert NIGHT.release_time(now) == released


def test_quiet_hours_within_one_day():
    lunch = QuietHours(time(12, 0), time(13, 30), "UTC")
    assert lunch.release_time(utc(2, 12, 15)) == utc(2, 13, 30)
    assert lunch.release_time(utc(2, 13, 30)) is None


def test_weekends_are_quiet_all_day_until_monday_morning_ends():
    weekend = QuietHours(time(22, 0), time(8, 0), SHANGHAI, include_weekends=True)
    friday_night = utc(6, 15)  # Friday 23:00 local
    saturday_noon = utc(7, 4)
    monday_morning_end = utc(9, 0)  # Monday 08:00 local
    assert weekend.release_time(friday_night) == monday_morning_end
    assert weekend.release_time(saturday_noon) == monday_morning_end


def test_hhmm_is_strict():
    assert parse_hhmm("07:05") == time(7, 5)
    for bad in ("7:05", "0705", "24:00", "ab:cd"):
        with pytest.raises(ValueError):
            parse_hhmm(bad)


def test_backoff_doubles_from_the_base_and_is_capped():
    delays = [backoff_delay(n, 30, 600) for n in range(1, 7)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 600)]


def test_signature_is_hmac_sha256_of_timestamp_dot_body_as_the_contract_says():
    secret, body = "s" * 32, b'{"a": 1}'
    expected = hmac.new(secret.encode(), b"1767225600." + body, hashlib.sha256).hexdigest()
    assert sign(secret, 1767225600, body) == f"t=1767225600,v1={expected}"
    assert verify(secret, sign(secret, 1767225600, body), body)
    assert not verify(secret, sign(secret, 1767225600, body), body + b" ")
    assert not verify("t" * 32, sign(secret, 1767225600, body), body)
    assert not verify(secret, "garbage", body)
