"""The scheduling rules of follow-ups (sales_service.follow_ups), without I/O."""

from __future__ import annotations

from datetime import date

import pytest
from sales_service import follow_ups
from sales_service.follow_ups import Cadence
from sales_service.policy import DEFAULT_CADENCE

POLICY = dict(DEFAULT_CADENCE)
MONDAY = date(2025, 6, 2)


@pytest.mark.parametrize(("value_class", "expected"), [
    ("A", Cadence(7, 30)),   # weekly, plus the department lead monthly
    ("B", Cadence(14, 0)),   # every two weeks
    ("C", Cadence(30, 0)),   # monthly
])
def test_the_default_cadence_of_each_value_class(value_class, expected):
    assert follow_ups.cadence_for(value_class, POLICY) == expected


@pytest.mark.parametrize("value_class", [None, "", "D"])
def test_a_customer_without_a_known_class_has_no_cadence(value_class):
    assert follow_ups.cadence_for(value_class, POLICY) is None


def test_the_policy_decides_the_cadence():
    assert follow_ups.cadence_for("B", {**POLICY, "B": (10, 60)}) == Cadence(10, 60)


def test_a_plans_own_figures_override_the_policy():
    assert follow_ups.cadence_for("A", POLICY, interval_override=3) == Cadence(3, 30)
    assert follow_ups.cadence_for("A", POLICY, senior_override=0) == Cadence(7, 0)
    assert follow_ups.cadence_for("C", POLICY, senior_override=90) == Cadence(30, 90)


def test_an_interval_override_of_zero_means_the_class_default():
    assert follow_ups.cadence_for("B", POLICY, interval_override=0) == Cadence(14, 0)


def test_a_cadence_without_an_interval_is_none():
    assert follow_ups.cadence_for("C", {"C": (0, 0)}) is None


def test_the_next_contact_is_one_interval_after_the_latest_contact():
    assert follow_ups.next_contact_due(date(2025, 6, 1), MONDAY, MONDAY, 7) == date(2025, 6, 8)


def test_without_a_contact_the_next_is_one_interval_after_the_plan_started():
    assert follow_ups.next_contact_due(None, date(2025, 5, 30), MONDAY, 14) == date(2025, 6, 13)


def test_a_contact_long_overdue_is_due_today_not_in_the_past():
    assert follow_ups.next_contact_due(date(2025, 1, 1), date(2025, 1, 1), MONDAY, 30) == MONDAY


def test_need_confirmed_is_recontacted_within_three_days_and_a_proposal_within_two():
    assert follow_ups.recontact_due(MONDAY, 3) == date(2025, 6, 5)
    assert follow_ups.recontact_due(MONDAY, 2) == date(2025, 6, 4)
    assert follow_ups.recontact_due(date(2025, 12, 30), 3) == date(2026, 1, 2)


@pytest.mark.parametrize(("today", "reminded", "expected"), [
    (date(2025, 6, 3), False, None),                      # two days before: nothing yet
    (date(2025, 6, 4), False, follow_ups.REMIND),         # the day before: remind
    (date(2025, 6, 4), True, None),                       # reminded already: once
    (date(2025, 6, 5), False, follow_ups.REMIND),         # due today, never reminded
    (date(2025, 6, 5), True, None),                       # due today: not overdue yet
    (date(2025, 6, 6), True, follow_ups.MARK_OVERDUE),    # the day after: overdue
    (date(2025, 6, 6), False, follow_ups.MARK_OVERDUE),   # first seen late: flagged, not reminded
])
def test_a_task_is_reminded_the_day_before_and_flagged_the_day_after(today, reminded, expected):
    assert follow_ups.scan_action(follow_ups.OPEN, date(2025, 6, 5), reminded, today, 1) == expected


@pytest.mark.parametrize("state", [follow_ups.OVERDUE, follow_ups.DONE, follow_ups.CANCELLED])
def test_only_open_tasks_are_reminded_or_flagged(state):
    assert follow_ups.scan_action(state, date(2025, 6, 5), False, date(2025, 6, 9), 1) is None


def test_the_reminder_lead_time_is_the_policys():
    due = date(2025, 6, 10)
    assert follow_ups.scan_action(follow_ups.OPEN, due, False, date(2025, 6, 6), 3) is None
    assert follow_ups.scan_action(follow_ups.OPEN, due, False, date(2025, 6, 7), 3) == follow_ups.REMIND


def test_days_overdue_count_from_the_due_date():
    assert follow_ups.days_overdue(date(2025, 6, 5), date(2025, 6, 6)) == 1
    assert follow_ups.days_overdue(date(2025, 6, 5), date(2025, 6, 15)) == 10
    assert follow_ups.days_overdue(date(2025, 6, 5), date(2025, 6, 5)) == 0


def test_a_task_is_late_only_when_the_contact_came_after_its_due_date():
    assert not follow_ups.completed_late(date(2025, 6, 5), date(2025, 6, 5))
    assert not follow_ups.completed_late(date(2025, 6, 5), date(2025, 6, 1))
    assert follow_ups.completed_late(date(2025, 6, 5), date(2025, 6, 6))


def test_a_task_moved_to_a_later_day_is_open_and_reminded_again():
    assert follow_ups.due_after_reschedule(follow_ups.OVERDUE, date(2025, 6, 9), MONDAY) == (
        follow_ups.OPEN, True)
    assert follow_ups.due_after_reschedule(follow_ups.OPEN, MONDAY, MONDAY) == (follow_ups.OPEN, True)


def test_a_task_moved_into_the_past_keeps_its_state():
    assert follow_ups.due_after_reschedule(follow_ups.OVERDUE, date(2025, 5, 1), MONDAY) == (
        follow_ups.OVERDUE, False)


def test_generated_titles_say_why_the_task_exists():
    assert follow_ups.task_title(follow_ups.CADENCE, "A", 7) == "Regular contact (A class, every 7 days)"
    assert "department lead" in follow_ups.task_title(follow_ups.SENIOR_CONTACT, "A")
    assert "need confirmed" in follow_ups.task_title(follow_ups.NEED_CONFIRMED)
    assert "proposal sent" in follow_ups.task_title(follow_ups.PROPOSAL_SENT)


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-06-02", MONDAY), ("2025-02-30", None), ("2025-6-2", None), ("", None),
    ("tomorrow", None),
])
def test_dates_are_read_strictly(text, expected):
    assert follow_ups.parse_day(text) == expected
