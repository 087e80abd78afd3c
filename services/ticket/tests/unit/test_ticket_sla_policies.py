"""SLA policy validation and specificity (pure parts of the policy choice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from ticket_service.models import SlaPolicy
from ticket_service.sla_policies import SlaInput, specificity, validate_policy

H = timedelta(hours=1)


def policy(**overrides) -> SlaInput:
    values = {"display_name": "Faults", "ticket_type": "fault", "priority": None,
              "first_response": 4 * H, "resolution": 24 * H, "business_hours_only": False,
              "warning_before": H, "untouched_reminder_after": 24 * H, "escalate_after": 24 * H,
              "enabled": True}
    values.update(overrides)
    return SlaInput(**values)


def test_a_valid_policy_has_no_violations():
    assert validate_policy(policy()) == []


@pytest.mark.parametrize(("overrides", "field"), [
    ({"display_name": ""}, "policy.display_name"),
    ({"first_response": -H}, "policy.first_response_target"),
    ({"resolution": timedelta(days=100)}, "policy.resolution_target"),
    ({"first_response": None, "resolution": None}, "policy.first_response_target"),
    ({"warning_before": 4 * H}, "policy.warning_before"),
    ({"escalate_after": timedelta(0)}, "policy.escalate_after"),
])
def test_bad_policies_name_the_field(overrides, field):
    assert field in {v.field for v in validate_policy(policy(**overrides))}


def test_type_and_priority_is_most_specific_then_type_then_priority_then_default():
    ranks = [specificity(SlaPolicy(ticket_type=t, priority=p))
             for t, p in (("fault", "high"), ("fault", None), (None, "high"), (None, None))]
    assert ranks == [0, 1, 2, 3]
