"""The approval mechanism's pure rules (crm_shared.approvals): who decides a step, what the
timer does at a given moment, and what a policy must hold. The service-level flow (a quote
held, decided, escalated) is services/sales/tests/integration/test_sales_approvals.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm.common.v1 import approvals_pb2 as A
from crm.common.v1 import rules_pb2
from crm_shared.approvals import approvers, machine, policies
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from google.protobuf import duration_pb2

LEADS = {"/hq/sales/east": "u-east-lead", "/hq/sales": "u-sales-lead"}
NOW = datetime(2026, 12, 8, 9, tzinfo=UTC)


def resolve(kind, requester="u-rep", path="/hq/sales/east", **step):
    return approvers.resolve(
        A.ApprovalStep(approver=kind, **step),
        requester_id=requester,
        department_path=path,
        lead_of=LEADS.get,
    )


def test_the_department_lead_decides_and_never_their_own_request():
    assert resolve(A.APPROVER_KIND_DEPARTMENT_LEAD) == ("u-east-lead",)
    assert resolve(A.APPROVER_KIND_DEPARTMENT_LEAD, requester="u-east-lead") == ("u-sales-lead",)
    assert resolve(A.APPROVER_KIND_PARENT_DEPARTMENT_LEAD) == ("u-sales-lead",)
    assert resolve(A.APPROVER_KIND_DEPARTMENT_LEAD, path="/hq/legal") == ("role:admin",)
    assert resolve(A.APPROVER_KIND_USERS, user_ids=["u-rep", "u-cfo"]) == ("u-cfo",)
    assert resolve(A.APPROVER_KIND_ROLE, role="finance") == ("role:finance",)


def test_a_role_decides_only_where_its_data_scope_reaches():
    finance = Principal("u-f", "f", frozenset({"finance"}), "/hq/finance", DataScope.OWN)
    assert approvers.may_decide(("role:finance",), finance, sees_record=True)
    assert not approvers.may_decide(("role:finance",), finance, sees_record=False)
    assert not approvers.may_decide(("u-east-lead",), finance, sees_record=True)


def rules(escalate=True) -> A.ApprovalPolicy:
    return A.ApprovalPolicy(
        steps=[A.ApprovalStep(approver=A.APPROVER_KIND_DEPARTMENT_LEAD)],
        decision_period=duration_pb2.Duration(seconds=48 * 3600),
        reminder_before=duration_pb2.Duration(seconds=24 * 3600),
        escalate_to=A.ApprovalStep(approver=A.APPROVER_KIND_PARENT_DEPARTMENT_LEAD)
        if escalate
        else None,
    )


def test_the_timer_reminds_then_escalates_once_then_expires():
    clock = machine.deadlines(rules(), NOW)
    assert (clock.due_time, clock.remind_time) == (
        NOW + timedelta(hours=48),
        NOW + timedelta(hours=24),
    )

    def action(at, **state):
        facts = {"reminded": False, "escalated": False} | state
        return machine.due_action(
            machine.PENDING,
            due_time=clock.due_time,
            remind_time=clock.remind_time,
            rules=rules(),
            now=NOW + at,
            **facts,
        )

    assert action(timedelta(hours=23)) is None
    assert action(timedelta(hours=24)) == machine.REMIND
    assert action(timedelta(hours=30), reminded=True) is None
    assert action(timedelta(hours=48), reminded=True) == machine.ESCALATE
    assert action(timedelta(hours=48), reminded=True, escalated=True) == machine.EXPIRE
    assert (
        machine.due_action(
            machine.PENDING,
            due_time=clock.due_time,
            remind_time=None,
            reminded=False,
            escalated=False,
            rules=rules(escalate=False),
            now=clock.due_time,
        )
        == machine.EXPIRE
    )
    assert (
        machine.due_action(
            machine.APPROVED,
            due_time=clock.due_time,
            remind_time=None,
            reminded=False,
            escalated=False,
            rules=rules(),
            now=clock.due_time,
        )
        is None
    )


def test_a_policy_names_its_fields_steps_and_periods_or_is_refused():
    bad = A.ApprovalPolicy(
        display_name="",
        subject=A.APPROVAL_SUBJECT_QUOTE,
        condition=rules_pb2.ConditionGroup(
            conditions=[
                rules_pb2.Condition(
                    field="colour", operator=rules_pb2.CONDITION_OPERATOR_EQUALS, values=["red"]
                )
            ]
        ),
        steps=[A.ApprovalStep(approver=A.APPROVER_KIND_USERS)],
        decision_period=duration_pb2.Duration(seconds=60),
    )
    assert [v.field for v in policies.violations(bad)] == [
        "policy.display_name",
        "policy.condition.conditions[0].field",
        "policy.steps[0].user_ids",
        "policy.decision_period",
    ]
    good = rules()
    good.display_name, good.subject = "折扣审批", A.APPROVAL_SUBJECT_QUOTE
    good.condition.conditions.add(
        field="discount_basis_points",
        operator=rules_pb2.CONDITION_OPERATOR_GREATER_THAN,
        values=["1000"],
    )
    assert policies.violations(good) == []
    stored = policies.StoredPolicy("p", 3, policies.rules_of(policies.rules_document(good)))
    assert policies.judge([stored], {"discount_basis_points": 1000}, NOW) is None
    judged = policies.judge([stored], {"discount_basis_points": 1500}, NOW)
    assert (judged.policy.version, "discount_basis_points" in judged.reason) == (3, True)
