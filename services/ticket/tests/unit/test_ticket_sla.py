"""What the SLA timer must do for a ticket at a given moment (no database: a ticket row in
memory and the terms of its policy)."""

from datetime import UTC, datetime, timedelta

from ticket_service.models import Ticket
from ticket_service.sla import Terms, due_actions

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
TERMS = Terms(policy_id="p", first_response=8 * H, resolution=48 * H, business_hours_only=False,
              warning_before=2 * H, untouched=24 * H, escalate_after=24 * H)


def _ticket(**fields) -> Ticket:
    values = {"state": "routed", "create_time": T0, "last_activity_time": T0,
              "reminder_time": None, "escalate_time": None, "first_response_time": None,
              "first_response_due_time": T0 + 8 * H, "resolution_due_time": T0 + 48 * H,
              "first_response_breached": False, "resolution_breached": False,
              "first_response_warning_time": None, "resolution_warning_time": None}
    values.update(fields)
    return Ticket(**values)


def test_nothing_is_due_while_the_targets_are_far():
    assert due_actions(_ticket(), TERMS, T0 + H) == []


def test_warning_before_the_due_time_then_the_breach():
    assert due_actions(_ticket(), TERMS, T0 + 7 * H) == ["warn:first_response"]
    warned = _ticket(first_response_warning_time=T0 + 7 * H)
    assert due_actions(warned, TERMS, T0 + 7.5 * H) == []
    assert due_actions(warned, TERMS, T0 + 8 * H) == ["breach:first_response"]
    breached = _ticket(first_response_warning_time=T0 + 7 * H, first_response_breached=True)
    assert due_actions(breached, TERMS, T0 + 9 * H) == []


def test_a_first_response_stops_its_clock_but_not_the_resolution_clock():
    answered = _ticket(first_response_time=T0 + H, last_activity_time=T0 + H)
    assert due_actions(answered, TERMS, T0 + 8 * H) == []
    assert due_actions(answered, TERMS, T0 + 47 * H) == ["remind", "warn:resolution"]


def test_reminder_after_24_untouched_hours_then_escalation_24_hours_later():
    assert due_actions(_ticket(first_response_time=T0), TERMS, T0 + 24 * H) == ["remind"]
    reminded = _ticket(first_response_time=T0, reminder_time=T0 + 24 * H)
    assert due_actions(reminded, TERMS, T0 + 47 * H) == ["warn:resolution"]
    assert due_actions(reminded, TERMS, T0 + 48 * H)[:1] == ["escalate"]
    escalated = _ticket(first_response_time=T0, reminder_time=T0 + 24 * H,
                        escalate_time=T0 + 48 * H, resolution_breached=True)
    assert due_actions(escalated, TERMS, T0 + 90 * H) == []


def test_activity_after_a_reminder_starts_the_untouched_clock_again():
    touched = _ticket(first_response_time=T0, reminder_time=T0 + 24 * H,
                      last_activity_time=T0 + 30 * H)
    assert due_actions(touched, TERMS, T0 + 50 * H) == ["breach:resolution"]
    assert "remind" in due_actions(touched, TERMS, T0 + 54 * H)


def test_a_paused_or_resolved_ticket_is_left_alone():
    for state in ("waiting_on_customer", "resolved", "confirmed", "closed"):
        assert due_actions(_ticket(state=state), TERMS, T0 + 100 * H) == []
