"""The pure rules of win-back visits and churn reasons (issue 19): the policy's months, the
visit's due day, and what an admin's churn reason must hold."""

from __future__ import annotations

from datetime import date

from crm.sales.v1 import sales_pb2
from sales_service import churn_reasons, dates, follow_ups, policy, policy_updates
from sales_service.policy import SalesPolicyValues


def _fields(violations) -> set[str]:
    return {violation.field for violation in violations}


def test_the_win_back_visit_is_due_three_calendar_months_after_the_loss_by_default():
    months = SalesPolicyValues().win_back_after_months
    assert months == 3
    assert dates.add_months(date(2031, 3, 1), months) == date(2031, 6, 1)  # seed 004's 3 months
    assert dates.add_months(date(2031, 11, 30), months) == date(2032, 2, 29)  # clamped
    assert follow_ups.task_title(follow_ups.WIN_BACK) == "Win-back visit: ask why they left"


def test_the_win_back_months_are_policy_an_admin_changes_within_1_to_24():
    stored = policy.to_proto(SalesPolicyValues())
    assert stored.win_back_after_months == 3
    assert policy.from_proto(sales_pb2.SalesPolicy()).win_back_after_months == 3  # left out
    for bad in (0, 25):
        assert _fields(policy_updates.policy_violations(
            sales_pb2.SalesPolicy(win_back_after_months=bad), {"win_back_after_months"})) == {
            "policy.win_back_after_months"}
    assert policy_updates.mask_violations(["win_back_after_months"]) == []
    after = policy_updates.apply_update(SalesPolicyValues(), sales_pb2.SalesPolicy(
        win_back_after_months=6), {"win_back_after_months"})
    assert after.win_back_after_months == 6


def test_a_churn_reason_needs_a_code_of_lowercase_words_and_both_names():
    good = sales_pb2.ChurnReason(code="delivery_delays", name="交付延迟",
                                 name_en="Delivery delays", position=35)
    assert churn_reasons.reason_violations(good) == []
    bad = sales_pb2.ChurnReason(code="Delivery delays", name=" ", name_en="x" * 101,
                                position=-1)
    assert _fields(churn_reasons.reason_violations(bad)) == {
        "churn_reason.code", "churn_reason.name", "churn_reason.name_en",
        "churn_reason.position"}
