"""Triggers as pure rules: the occasion an event or a date is, and when a date trigger is due.

A trigger fires at most once per (trigger, customer, occasion): the occasion key names the
thing that happened, so a redelivered event, a second timer pass or a second replica finds the
firing already there (a unique constraint) and does nothing. Occasions:

============================  ===============================================================
kind                          occasion key (one firing per ...)
============================  ===============================================================
``birthday``                  ``birthday:<year>`` — per birthday; an enterprise customer's
                              contact: ``contact_birthday:<contact id>:<year>``
``cooperation_anniversary``   ``anniversary:<year>`` — per anniversary of the first contract
``festival``                  ``festival:<festival>:<year>`` — per festival of
                              :data:`marketing_service.festivals.FESTIVALS` and year
``contract_renewal``          ``renewal:<end date>`` — per contract end (the sales event and
                              the date scan name the same occasion, so they never both fire)
``customer_at_risk``          ``at_risk:<date>`` — per day the customer turned at risk
``ticket_closed``             ``ticket:<ticket id>`` — per ticket, even if reopened and closed
                              again (one survey per case)
``lead_cold``                 ``lead:<lead id>`` — per lead
``purchase_milestone``        ``purchases:<n>`` — per milestone reached
``segment_joined``            ``segment:<segment id>:<join date>`` — per day of joining
============================  ===============================================================

The care occasions (birthdays, anniversaries, festivals) are also stored once per customer (or
contact), occasion and action kind as a :class:`~marketing_service.models.ContactOccasion`
(:func:`care_key`), the once-per-occasion mechanism of the contact strategies: two triggers of
the same kind with overlapping audiences greet a customer once, not twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from marketing_service.segment_rules import birthday_in

BIRTHDAY, RENEWAL, AT_RISK, TICKET_CLOSED, LEAD_COLD, MILESTONE, SEGMENT_JOINED = (
    "birthday", "contract_renewal", "customer_at_risk", "ticket_closed", "lead_cold",
    "purchase_milestone", "segment_joined")
ANNIVERSARY, FESTIVAL = "cooperation_anniversary", "festival"
KINDS = (BIRTHDAY, RENEWAL, AT_RISK, TICKET_CLOSED, LEAD_COLD, MILESTONE, SEGMENT_JOINED,
         ANNIVERSARY, FESTIVAL)
DATE_KINDS = (BIRTHDAY, RENEWAL, ANNIVERSARY, FESTIVAL)
CARE_KINDS = (BIRTHDAY, ANNIVERSARY, FESTIVAL)
SEND_MESSAGE, SEND_SURVEY, NOTIFY_OWNER, CREATE_TASK = (
    "send_message", "send_survey", "notify_owner", "create_task")
CONTACT_ACTIONS = (CREATE_TASK, NOTIFY_OWNER)
"""What a contact's birthday may do: work for the customer's owner. The sending queue reaches
the customer's own address under the customer's name, so a message (or a survey) for a
contact's birthday would congratulate the company; the owner calls or writes to the person."""
MAX_OFFSET_DAYS = 90


def birthday_key(birthday: date) -> str:
    return f"birthday:{birthday.year}"


def contact_birthday_key(contact_id: str, birthday: date) -> str:
    return f"contact_birthday:{contact_id}:{birthday.year}"


def anniversary_key(anniversary: date) -> str:
    return f"anniversary:{anniversary.year}"


def festival_key(festival: str, year: int) -> str:
    return f"festival:{festival}:{year}"


def care_key(action_kind: str, customer_id: str, occasion_key: str) -> str:
    """The :class:`~marketing_service.models.ContactOccasion` key of a care occasion: once per
    customer (the contact is in ``occasion_key``), occasion and action kind, whichever trigger."""
    return f"care:{action_kind}:{customer_id}:{occasion_key}"


def renewal_key(end_date: date) -> str:
    return f"renewal:{end_date.isoformat()}"


def at_risk_key(day: date) -> str:
    return f"at_risk:{day.isoformat()}"


def ticket_key(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def lead_key(lead_id: str) -> str:
    return f"lead:{lead_id}"


def milestone_key(count: int) -> str:
    return f"purchases:{count}"


def segment_key(segment_id: str, day: date) -> str:
    return f"segment:{segment_id}:{day.isoformat()}"


def window(today: date, offset_days: int) -> list[date]:
    """The days a date trigger looks at on ``today``: from today to ``offset_days`` ahead. A
    whole window, not only the day exactly ``offset_days`` ahead, so a day the worker was down
    is caught up on the next pass (later than planned rather than never)."""
    return [today + timedelta(days=n) for n in range(offset_days + 1)]


def month_days(days: list[date]) -> set[str]:
    """The ``MM-DD`` keys of the read model's birthday index whose birthday falls on ``days``
    (29 February birthdays are celebrated on the 28th in common years)."""
    keys = {day.strftime("%m-%d") for day in days}
    if any(day.month == 2 and day.day == 28 and birthday_in(day.year, date(2000, 2, 29)) == day
           for day in days):
        keys.add("02-29")
    return keys


def upcoming_birthday(born: date, days: list[date]) -> date | None:
    """The birthday of ``born`` that falls on one of ``days``, if any."""
    for day in days:
        if birthday_in(day.year, born) == day:
            return day
    return None


def upcoming_anniversary(first_contract: date, days: list[date]) -> date | None:
    """The anniversary of the cooperation begun on ``first_contract`` that falls on one of
    ``days`` (the signing day itself is none; 29 February is the 28th in common years)."""
    for day in days:
        if day.year > first_contract.year and birthday_in(day.year, first_contract) == day:
            return day
    return None


def milestone_reached(previous_count: int, count: int, milestones: list[int]) -> list[int]:
    """The milestones passed going from ``previous_count`` to ``count`` purchases."""
    return sorted(m for m in set(milestones) if previous_count < m <= count)


# The outcome of a firing whose action queued a message, by the state that message reached.
OUTCOME_BY_MESSAGE_STATE = {
    "sent": "done", "delivered": "done", "suppressed_no_consent": "suppressed_no_consent",
    "suppressed_frequency_cap": "suppressed_frequency_cap", "failed": "failed",
    "cancelled": "failed",
}


def follow_message(firing, message_state: str, delivery_id: str | None) -> None:
    """A firing's outcome follows the message its action queued."""
    outcome = OUTCOME_BY_MESSAGE_STATE.get(message_state)
    if outcome is not None:
        firing.outcome = outcome
    if delivery_id:
        firing.delivery_id = delivery_id
