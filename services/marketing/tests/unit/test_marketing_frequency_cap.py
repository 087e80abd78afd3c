"""Frequency cap arithmetic: sliding windows, per channel and over all channels."""

from datetime import UTC, datetime, timedelta

from marketing_service.frequency_cap import (
    DEFAULT_CAPS,
    Cap,
    blocking_cap,
    cap_problems,
    longest_window,
    sent_in_window,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_a_send_counts_while_it_is_inside_the_window():
    cap = Cap("", 2, 7)
    assert sent_in_window(cap, [("email", days_ago(6.99))], NOW) == 1
    assert sent_in_window(cap, [("email", days_ago(7))], NOW) == 0  # exactly a window ago: out
    assert sent_in_window(cap, [("email", NOW)], NOW) == 1
    assert sent_in_window(cap, [("email", NOW + timedelta(seconds=1))], NOW) == 0


def test_the_cap_holds_at_its_maximum_and_frees_up_as_sends_leave_the_window():
    caps = [Cap("", 2, 7)]
    history = [("email", days_ago(1)), ("sms", days_ago(6))]
    assert blocking_cap(caps, history, "email", NOW) == caps[0]
    assert blocking_cap(caps, history[:1], "email", NOW) is None
    later = NOW + timedelta(days=1, seconds=1)  # the sms of 6 days ago has left the window
    assert blocking_cap(caps, history, "email", later) is None


def test_a_channel_cap_counts_only_its_channel_and_holds_only_its_channel():
    caps = [Cap("sms", 1, 30)]
    history = [("sms", days_ago(3)), ("email", days_ago(1)), ("email", days_ago(2))]
    assert blocking_cap(caps, history, "sms", NOW) == caps[0]
    assert blocking_cap(caps, history, "email", NOW) is None
    assert blocking_cap(caps, [("email", days_ago(1))] * 5, "sms", NOW) is None


def test_every_cap_must_hold_and_the_first_full_one_is_the_reason():
    weekly, monthly = Cap("", 3, 7), Cap("", 4, 30)
    history = [("email", days_ago(day)) for day in (1, 10, 20, 25)]  # 1 this week, 4 this month
    assert blocking_cap([weekly, monthly], history, "email", NOW) == monthly
    history = [("email", days_ago(day)) for day in (1, 2, 3)]
    assert blocking_cap([weekly, monthly], history, "email", NOW) == weekly


def test_no_caps_never_block():
    assert blocking_cap([], [("email", NOW)] * 100, "email", NOW) is None
    assert longest_window([]) == timedelta(0)


def test_defaults_and_the_history_they_need():
    assert DEFAULT_CAPS == (Cap("", 3, 7), Cap("", 8, 30))
    assert longest_window(DEFAULT_CAPS) == timedelta(days=30)
    assert cap_problems(DEFAULT_CAPS) == []


def test_invalid_caps_are_named_by_position():
    problems = cap_problems([Cap("", 0, 7), Cap("fax", 1, 7), Cap("", 2, 0), Cap("", 2, 7)])
    assert (0, "max_messages must be 1..1000") in problems
    assert (1, "channel must be email, sms or unspecified (all channels)") in problems
    assert (2, "window_days must be 1..365") in problems
    assert (3, "repeats the channel and window of an earlier cap") in problems
    assert (None, "at most 10 caps") in cap_problems([Cap("", 1, day) for day in range(1, 12)])
    assert Cap("sms", 2, 30).describe() == "at most 2 sms messages in 30 days"
