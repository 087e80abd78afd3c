"""The ticket lifecycle table: every action from every state, legal or refused."""

import grpc
import pytest
from ticket_service import lifecycle
from ticket_service.lifecycle import (
    CLOSED,
    CONFIRMED,
    IN_PROGRESS,
    NEW,
    RESOLVED,
    ROUTED,
    STATES,
    WAITING_ON_CUSTOMER,
    IllegalTransition,
    next_state,
)

# Written out from the contract rather than computed from the table under test.
LEGAL = {
    ("route", NEW): ROUTED, ("route", ROUTED): ROUTED, ("route", IN_PROGRESS): ROUTED,
    ("route", WAITING_ON_CUSTOMER): ROUTED,
    ("transfer", NEW): ROUTED, ("transfer", ROUTED): ROUTED, ("transfer", IN_PROGRESS): ROUTED,
    ("transfer", WAITING_ON_CUSTOMER): ROUTED,
    ("start", ROUTED): IN_PROGRESS,
    ("hold", IN_PROGRESS): WAITING_ON_CUSTOMER,
    ("resume", WAITING_ON_CUSTOMER): IN_PROGRESS,
    ("resolve", IN_PROGRESS): RESOLVED, ("resolve", WAITING_ON_CUSTOMER): RESOLVED,
    ("confirm", RESOLVED): CONFIRMED,
    ("close", RESOLVED): CLOSED, ("close", CONFIRMED): CLOSED,
    ("reopen", RESOLVED): IN_PROGRESS, ("reopen", CONFIRMED): IN_PROGRESS,
    ("reopen", CLOSED): IN_PROGRESS,
    ("assign", ROUTED): ROUTED, ("assign", IN_PROGRESS): IN_PROGRESS,
    ("assign", WAITING_ON_CUSTOMER): WAITING_ON_CUSTOMER,
    ("escalate", ROUTED): ROUTED, ("escalate", IN_PROGRESS): IN_PROGRESS,
    ("escalate", WAITING_ON_CUSTOMER): WAITING_ON_CUSTOMER,
    ("change_priority", NEW): NEW, ("change_priority", ROUTED): ROUTED,
    ("change_priority", IN_PROGRESS): IN_PROGRESS,
    ("change_priority", WAITING_ON_CUSTOMER): WAITING_ON_CUSTOMER,
}
ACTIONS = sorted({action for action, _ in LEGAL})
EVERY = [(action, state) for action in ACTIONS for state in STATES]


def test_the_table_knows_exactly_the_actions_of_the_contract():
    assert set(lifecycle.TRANSITIONS) | set(lifecycle.IN_PLACE_ACTIONS) == set(ACTIONS)


@pytest.mark.parametrize(("action", "state"), [pair for pair in EVERY if pair in LEGAL])
def test_legal_transition_leads_to_its_state(action, state):
    assert next_state(action, state) == LEGAL[(action, state)]


@pytest.mark.parametrize(("action", "state"), [pair for pair in EVERY if pair not in LEGAL])
def test_illegal_transition_is_refused_naming_both_states(action, state):
    with pytest.raises(IllegalTransition) as caught:
        next_state(action, state)
    error = caught.value
    assert error.grpc_code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "ILLEGAL_TRANSITION"
    assert error.from_state == state
    assert f"from_state={state}" in error.message
    assert "allowed from:" in error.message
