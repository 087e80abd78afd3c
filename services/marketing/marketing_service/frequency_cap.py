"""Frequency caps: at most N marketing messages per customer in a sliding window. Pure.

A cap counts the messages a customer was sent (across every campaign and trigger, whatever
sent them) over one channel or over all channels (``channel == ""``) in the ``window_days``
days up to now: a send at ``t`` counts while ``now - window < t <= now``. A new message may go
only when every cap still has room; otherwise the first full cap (in policy order) is the
reason it is held back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_CAPS = 10
MAX_WINDOW_DAYS = 365
MAX_MESSAGES = 1000
CHANNELS = ("", "email", "sms")


@dataclass(frozen=True)
class Cap:
    channel: str
    """``email``, ``sms``, or ``""`` for all channels together."""
    max_messages: int
    window_days: int

    def describe(self) -> str:
        over = f"{self.channel} " if self.channel else ""
        return f"at most {self.max_messages} {over}messages in {self.window_days} days"


DEFAULT_CAPS = (Cap("", 3, 7), Cap("", 8, 30))
"""Out of the box: at most 3 marketing messages a week and 8 in 30 days per customer."""


def cap_problems(caps: Sequence[Cap]) -> list[tuple[int | None, str]]:
    """``(index or None, problem)`` for each thing wrong with a policy's caps."""
    problems: list[tuple[int | None, str]] = []
    if len(caps) > MAX_CAPS:
        problems.append((None, f"at most {MAX_CAPS} caps"))
    seen: set[tuple[str, int]] = set()
    for index, cap in enumerate(caps):
        if cap.channel not in CHANNELS:
            problems.append((index, "channel must be email, sms or unspecified (all channels)"))
        if not 1 <= cap.max_messages <= MAX_MESSAGES:
            problems.append((index, f"max_messages must be 1..{MAX_MESSAGES}"))
        if not 1 <= cap.window_days <= MAX_WINDOW_DAYS:
            problems.append((index, f"window_days must be 1..{MAX_WINDOW_DAYS}"))
        if (cap.channel, cap.window_days) in seen:
            problems.append((index, "repeats the channel and window of an earlier cap"))
        seen.add((cap.channel, cap.window_days))
    return problems


def sent_in_window(cap: Cap, history: Iterable[tuple[str, datetime]], now: datetime) -> int:
    """How many of the ``(channel, send time)`` sends count against ``cap`` at ``now``."""
    start = now - timedelta(days=cap.window_days)
    return sum(1 for channel, sent in history
               if start < sent <= now and (not cap.channel or channel == cap.channel))


def blocking_cap(caps: Sequence[Cap], history: Iterable[tuple[str, datetime]], channel: str,
                 now: datetime) -> Cap | None:
    """The first cap a new ``channel`` message at ``now`` would break, or None if it may go."""
    history = list(history)
    for cap in caps:
        if cap.channel and cap.channel != channel:
            continue
        if sent_in_window(cap, history, now) >= cap.max_messages:
            return cap
    return None


def longest_window(caps: Sequence[Cap]) -> timedelta:
    """How far back the history must reach to decide every cap."""
    return timedelta(days=max((cap.window_days for cap in caps), default=0))
