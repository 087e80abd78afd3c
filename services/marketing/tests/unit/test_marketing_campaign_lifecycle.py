"""The campaign lifecycle table: every action from every state."""

import pytest
from marketing_service import campaign_lifecycle as lifecycle
from marketing_service.campaign_lifecycle import IllegalTransition, fields_frozen, next_state

LEGAL = {
    ("schedule", "draft"): "scheduled", ("schedule", "scheduled"): "scheduled",
    ("launch", "draft"): "running", ("launch", "scheduled"): "running",
    ("pause", "running"): "paused", ("resume", "paused"): "running",
    ("complete", "running"): "completed", ("complete", "paused"): "completed",
    ("cancel", "draft"): "cancelled", ("cancel", "scheduled"): "cancelled",
    ("cancel", "running"): "cancelled", ("cancel", "paused"): "cancelled",
    ("delete", "draft"): "draft",
    ("record_response", "running"): "running", ("record_response", "paused"): "paused",
    ("record_response", "completed"): "completed", ("record_response", "cancelled"): "cancelled",
}
ACTIONS = sorted({action for action, _ in LEGAL})


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", lifecycle.STATES)
def test_every_action_from_every_state(action, state):
    if (action, state) in LEGAL:
        assert next_state(action, state) == LEGAL[action, state]
    else:
        with pytest.raises(IllegalTransition) as caught:
            next_state(action, state)
        assert caught.value.reason == "ILLEGAL_TRANSITION"
        assert caught.value.metadata["from_state"] == state


def test_the_refusal_names_the_states_it_is_allowed_from():
    with pytest.raises(IllegalTransition) as caught:
        next_state("pause", "draft")
    assert "cannot pause a campaign that is draft" in caught.value.message
    assert "allowed from: running" in caught.value.message


def test_audience_and_variants_freeze_when_the_campaign_runs():
    shaping = {"segment_ids", "variants", "channel", "excluded_segment_ids"}
    assert fields_frozen("draft", shaping) == []
    assert fields_frozen("scheduled", shaping | {"schedule_time"}) == []
    assert fields_frozen("running", shaping | {"name", "end_time"}) == sorted(shaping)
    assert fields_frozen("paused", {"schedule_time", "cost"}) == ["schedule_time"]
    assert fields_frozen("completed", {"cost", "description", "name"}) == ["name"]
