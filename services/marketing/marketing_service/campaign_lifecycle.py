"""The campaign lifecycle as a table: plan -> schedule -> run -> evaluate.

DRAFT (plan) -> SCHEDULED -> RUNNING <-> PAUSED -> COMPLETED (evaluate); DRAFT may launch at once;
anything not yet completed may be CANCELLED. What may change in each state is here too: the
audience, the variants and the channel only while planning (DRAFT, SCHEDULED), since a running
campaign's audience is frozen; names, times, budget and cost later as well (cost is entered for
ROI after the end). Pure: no database, no clock.
"""

from __future__ import annotations

from crm_shared.errors import FailedPrecondition

DRAFT = "draft"
SCHEDULED = "scheduled"
RUNNING = "running"
PAUSED = "paused"
COMPLETED = "completed"
CANCELLED = "cancelled"

STATES = (DRAFT, SCHEDULED, RUNNING, PAUSED, COMPLETED, CANCELLED)
PLANNING_STATES = frozenset({DRAFT, SCHEDULED})
LIVE_STATES = frozenset({RUNNING, PAUSED})
"""The audience is frozen and messages may be waiting."""
ENDED_STATES = frozenset({COMPLETED, CANCELLED})
ATTRIBUTABLE_STATES = LIVE_STATES | {COMPLETED}
"""A campaign that has gone out to people: a lead from its landing page or an order it brought
may name it, also after a pause or its end (orders come in weeks later; ROI counts them)."""

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "schedule": (PLANNING_STATES, SCHEDULED),
    "launch": (PLANNING_STATES, RUNNING),
    "pause": (frozenset({RUNNING}), PAUSED),
    "resume": (frozenset({PAUSED}), RUNNING),
    "complete": (LIVE_STATES, COMPLETED),
    "cancel": (PLANNING_STATES | LIVE_STATES, CANCELLED),
}

# Actions that keep the state.
IN_PLACE_ACTIONS: dict[str, frozenset[str]] = {
    "delete": frozenset({DRAFT}),
    "record_response": LIVE_STATES | ENDED_STATES,
}

PLANNING_FIELDS = frozenset({"channel", "segment_ids", "excluded_segment_ids", "variants",
                             "survey_id", "survey_schedule"})
"""Fields that shape who gets what: changeable only while planning."""
DESCRIPTIVE_FIELDS = frozenset({"name", "description", "objective", "budget", "cost"})
TIME_FIELDS = frozenset({"schedule_time", "end_time"})

UPDATABLE_FIELDS: dict[str, frozenset[str]] = {
    DRAFT: PLANNING_FIELDS | DESCRIPTIVE_FIELDS | TIME_FIELDS,
    SCHEDULED: PLANNING_FIELDS | DESCRIPTIVE_FIELDS | TIME_FIELDS,
    RUNNING: DESCRIPTIVE_FIELDS | {"end_time"},
    PAUSED: DESCRIPTIVE_FIELDS | {"end_time"},
    COMPLETED: frozenset({"description", "cost"}),
    CANCELLED: frozenset({"description", "cost"}),
}

ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"


class IllegalTransition(FailedPrecondition):
    """FAILED_PRECONDITION with reason ``ILLEGAL_TRANSITION``, naming both states."""

    def __init__(self, action: str, from_state: str, to_state: str) -> None:
        allowed = TRANSITIONS[action][0] if action in TRANSITIONS else IN_PLACE_ACTIONS[action]
        super().__init__(
            f"cannot {action.replace('_', ' ')} a campaign that is {from_state} "
            f"(from_state={from_state}, to_state={to_state}); allowed from: "
            f"{', '.join(state for state in STATES if state in allowed)}",
            reason=ILLEGAL_TRANSITION,
        )
        self.action = action
        self.from_state = from_state
        self.to_state = to_state
        self.metadata = {"from_state": from_state, "to_state": to_state}  # ErrorInfo metadata


def next_state(action: str, current: str) -> str:
    """The state ``action`` leads to from ``current``; IllegalTransition when not allowed."""
    if action in TRANSITIONS:
        allowed, target = TRANSITIONS[action]
    else:
        allowed, target = IN_PLACE_ACTIONS[action], current
    if current not in allowed:
        raise IllegalTransition(action, current, target)
    return target


def fields_frozen(state: str, paths: set[str]) -> list[str]:
    """The fields among ``paths`` a campaign in ``state`` no longer lets change, sorted."""
    return sorted(paths - UPDATABLE_FIELDS[state])
