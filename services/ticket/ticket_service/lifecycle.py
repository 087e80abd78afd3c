"""The ticket lifecycle as a table: which action may move a ticket from which state to which.

NEW -> ROUTED -> IN_PROGRESS <-> WAITING_ON_CUSTOMER -> RESOLVED -> CONFIRMED -> CLOSED; resolved,
confirmed and closed tickets can be reopened (back to IN_PROGRESS); routing and transfers put an
open ticket back to ROUTED in its (new) department. Pure: no database, no clock.
"""

from __future__ import annotations

from crm_shared.errors import FailedPrecondition

NEW = "new"
ROUTED = "routed"
IN_PROGRESS = "in_progress"
WAITING_ON_CUSTOMER = "waiting_on_customer"
RESOLVED = "resolved"
CONFIRMED = "confirmed"
CLOSED = "closed"

STATES = (NEW, ROUTED, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CONFIRMED, CLOSED)
OPEN_STATES = frozenset({NEW, ROUTED, IN_PROGRESS, WAITING_ON_CUSTOMER})
"""States in which the ticket is someone's work (counted as an agent's load, watched by the SLA)."""
WORKING_STATES = frozenset({ROUTED, IN_PROGRESS, WAITING_ON_CUSTOMER})
"""States in which the ticket sits in a department (assignable, escalatable, transferable)."""

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "route": (frozenset(OPEN_STATES), ROUTED),
    "transfer": (frozenset(OPEN_STATES), ROUTED),
    "start": (frozenset({ROUTED}), IN_PROGRESS),
    "hold": (frozenset({IN_PROGRESS}), WAITING_ON_CUSTOMER),
    "resume": (frozenset({WAITING_ON_CUSTOMER}), IN_PROGRESS),
    "resolve": (frozenset({IN_PROGRESS, WAITING_ON_CUSTOMER}), RESOLVED),
    "confirm": (frozenset({RESOLVED}), CONFIRMED),
    "close": (frozenset({RESOLVED, CONFIRMED}), CLOSED),
    "reopen": (frozenset({RESOLVED, CONFIRMED, CLOSED}), IN_PROGRESS),
}

# Actions that keep the state but need the ticket to be in a department's hands.
IN_PLACE_ACTIONS: dict[str, frozenset[str]] = {
    "assign": WORKING_STATES,
    "escalate": WORKING_STATES,
    "change_priority": frozenset(OPEN_STATES),
}

ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"


class IllegalTransition(FailedPrecondition):
    """FAILED_PRECONDITION with reason ``ILLEGAL_TRANSITION``, naming both states."""

    def __init__(self, action: str, from_state: str, to_state: str) -> None:
        allowed = TRANSITIONS[action][0] if action in TRANSITIONS else IN_PLACE_ACTIONS[action]
        super().__init__(
            f"cannot {action.replace('_', ' ')} a ticket that is {from_state} "
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
