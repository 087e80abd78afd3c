"""The scheduling rules of follow-ups: plain functions over plain data, no I/O.

- A customer's plan follows its value class through the policy's cadence (default A every
  7 days plus a senior contact by the department lead every 30, B every 14, C every 30); a
  plan's own figures override the class's. An unclassified customer has no cadence.
- The next regular contact is due one interval after the latest contact (or after the day the
  plan started counting, when there was none), never before today.
- An intent customer is re-contacted within ``need_confirmed_contact_days`` (3) of the need
  being confirmed, and within ``proposal_contact_days`` (2) of a proposal being sent.
- A task is reminded ``reminder_days_before`` (1) days before its due date, once; it becomes
  overdue ("to follow up") the day after its due date, once. A task first seen past its due
  date is not reminded any more, only flagged.

Dates are calendar dates (``datetime.date``; ``YYYY-MM-DD`` in storage and on the wire), the
UTC date of the clock the caller passes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

OPEN, OVERDUE, DONE, CANCELLED = "open", "overdue", "done", "cancelled"
LIVE_STATES = (OPEN, OVERDUE)
"""States of a task still to be done."""

CADENCE, SENIOR_CONTACT = "cadence", "senior_contact"
NEED_CONFIRMED, PROPOSAL_SENT = "need_confirmed", "proposal_sent"
NEXT_STEP, MANUAL = "next_step", "manual"
CONTACT_STRATEGY = "contact_strategy"
WIN_BACK = "win_back"
"""A visit to a lost customer some months after the loss, asking why they left (seed 004)."""
PLAN_REASONS = (CADENCE, SENIOR_CONTACT)
"""Reasons of the tasks a plan generates (one live task of each at a time)."""

REMIND, MARK_OVERDUE = "remind", "overdue"
MAX_INTERVAL_DAYS = 365


@dataclass(frozen=True)
class Cadence:
    interval_days: int
    senior_interval_days: int
    """0: no senior contacts."""


def cadence_for(value_class: str | None, policy_cadence: dict[str, tuple[int, int]], *,
                interval_override: int | None = None,
                senior_override: int | None = None) -> Cadence | None:
    """The cadence a plan follows: the policy's for the class, with the plan's own figures
    where it has them; None for an unclassified customer (or a class the policy lacks)."""
    if not value_class or value_class not in policy_cadence:
        return None
    interval, senior = policy_cadence[value_class]
    if interval_override:
        interval = interval_override
    if senior_override is not None:
        senior = senior_override
    if interval <= 0:
        return None
    return Cadence(interval, max(senior, 0))


def next_contact_due(last_contact: date | None, start: date, today: date, interval_days: int) -> date:
    """One interval after the latest contact (or after ``start`` without one), but not in the
    past: a contact long overdue is due today."""
    base = last_contact or start
    return max(base + timedelta(days=interval_days), today)


def recontact_due(event_day: date, within_days: int) -> date:
    """The 3-day (need confirmed) and 2-day (proposal sent) rules: due ``within_days`` after."""
    return event_day + timedelta(days=within_days)


def reminder_day(due: date, days_before: int) -> date:
    return due - timedelta(days=days_before)


def scan_action(state: str, due: date, reminded: bool, today: date, days_before: int) -> str | None:
    """What the timer does with a task today: ``overdue`` once it is past due, else ``remind``
    once from its reminder day on; None when there is nothing (more) to do."""
    if state != OPEN:
        return None
    if due < today:
        return MARK_OVERDUE
    if not reminded and today >= reminder_day(due, days_before):
        return REMIND
    return None


def days_overdue(due: date, today: date) -> int:
    return max((today - due).days, 0)


def completed_late(due: date, contact_day: date) -> bool:
    return contact_day > due


def is_live(state: str) -> bool:
    return state in LIVE_STATES


def due_after_reschedule(state: str, new_due: date, today: date) -> tuple[str, bool]:
    """A live task moved to ``new_due``: its state, and whether its reminder is to be sent again.
    Moved to today or later it is open again and will be reminded afresh."""
    if new_due >= today:
        return OPEN, True
    return state, False


def task_title(reason: str, value_class: str | None = None, interval_days: int = 0) -> str:
    """The title of a generated task (a person's own tasks carry their own)."""
    if reason == CADENCE:
        return f"Regular contact ({value_class} class, every {interval_days} days)"
    if reason == SENIOR_CONTACT:
        return f"Senior contact by the department lead ({value_class} class)"
    if reason == NEED_CONFIRMED:
        return "Re-contact: need confirmed"
    if reason == PROPOSAL_SENT:
        return "Re-contact: proposal sent"
    if reason == WIN_BACK:
        return "Win-back visit: ask why they left"
    return "Follow-up"


STRATEGY_TITLES = {
    "follow_up": "Follow-up call or visit",
    "personal_contact": "Personal contact",
    "content": "Send material",
    "event_invitation": "Invite to the event",
}
"""Titles of contact-strategy tasks by the action's short kind (marketing's
``ContactActionKind``); the console names them in the reader's language by reason."""
STRATEGY_METHODS = {"follow_up": "phone", "personal_contact": "visit", "content": "email",
                    "event_invitation": "email"}
"""The suggested method of a contact-strategy task by the action's short kind."""


def strategy_task_title(action_kind: str, segment_name: str) -> str:
    """The title of a segment contact strategy's task: what to do, for which segment."""
    what = STRATEGY_TITLES.get(action_kind, "Contact")
    return f"{what} ({segment_name})" if segment_name else what


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date; None for anything else (including empty)."""
    if len(text or "") != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def day_of(moment: datetime) -> date:
    return moment.date()
