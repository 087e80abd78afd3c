"""What a follow-up record must hold, the first-contact qualification of a lead, who may
comment, and the pure parts of the report and the policy update, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.auth import DataScope, Principal
from crm_shared.timestamps import to_timestamp
from google.protobuf.duration_pb2 import Duration
from sales_service import activities, customer_data, policy_updates
from sales_service.follow_up_report import department_row_key
from sales_service.models import Base
from sales_service.policy import SalesPolicyValues

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _activity(**fields) -> sales_pb2.Activity:
    values = {"customer_id": "c-1", "method": sales_pb2.FOLLOW_UP_METHOD_PHONE,
              "occur_time": to_timestamp(NOW - timedelta(hours=1)), "topic": "报价沟通",
              "summary": "客户关心交付周期"}
    values.update(fields)
    return sales_pb2.Activity(**values)


def _fields(violations) -> set[str]:
    return {violation.field for violation in violations}


def _create_violations(data: sales_pb2.Activity):
    return activities.activity_violations(data, activities.CREATE_FIELDS, NOW, creating=True)


def test_a_complete_record_has_no_violations():
    assert _create_violations(_activity()) == []


def test_method_time_topic_and_summary_are_required():
    data = sales_pb2.Activity(customer_id="c-1")
    assert _fields(_create_violations(data)) == {
        "activity.method", "activity.occur_time", "activity.topic", "activity.summary"}


def test_a_record_is_about_a_customer_or_a_lead():
    assert _fields(_create_violations(_activity(customer_id=""))) == {"activity.customer_id"}
    assert _create_violations(_activity(customer_id="", lead_id="l-1")) == []


def test_a_contact_cannot_lie_in_the_future_beyond_clock_skew():
    later = _activity(occur_time=to_timestamp(NOW + timedelta(hours=1)))
    assert _fields(_create_violations(later)) == {"activity.occur_time"}
    assert _create_violations(_activity(occur_time=to_timestamp(NOW + timedelta(minutes=2)))) == []


def test_a_next_step_due_date_needs_a_next_step_and_a_real_date_not_before_the_contact():
    assert _fields(_create_violations(_activity(next_step_due_date="2025-06-09"))) == {
        "activity.next_step"}
    assert _fields(_create_violations(_activity(next_step="寄样品", next_step_due_date="下周"))) == {
        "activity.next_step_due_date"}
    assert _fields(_create_violations(_activity(next_step="寄样品",
                                                next_step_due_date="2025-05-01"))) == {
        "activity.next_step_due_date"}
    assert _create_violations(_activity(next_step="寄样品", next_step_due_date="2025-06-09")) == []


def test_texts_have_limits():
    assert _fields(_create_violations(_activity(topic="x" * 201))) == {"activity.topic"}


def test_an_update_checks_only_what_its_mask_names():
    data = sales_pb2.Activity(topic="")
    assert _fields(activities.activity_violations(data, {"summary"}, NOW, creating=False)) == {
        "activity.summary"}
    assert activities.activity_violations(data, {"objection"}, NOW, creating=False) == []


def _qualification(**fields) -> sales_pb2.LeadQualification:
    values = {"need": "200 个坐席的呼叫中心", "decision_maker": "王总（CIO）",
              "budget": types_pb2.Money(currency_code="CNY", amount_minor=50_000_000)}
    values.update(fields)
    return sales_pb2.LeadQualification(**values)


def _first(qualification):
    return activities.qualification_violations(qualification, "activity.qualification.",
                                               first_contact=True)


def test_the_first_follow_up_of_a_lead_records_need_budget_and_decision_maker():
    assert _first(_qualification()) == []
    assert _fields(_first(None)) == {"activity.qualification.need",
                                     "activity.qualification.budget",
                                     "activity.qualification.decision_maker"}
    assert _fields(_first(sales_pb2.LeadQualification(need="  "))) == {
        "activity.qualification.need", "activity.qualification.budget",
        "activity.qualification.decision_maker"}


def test_an_unknown_budget_is_zero_with_a_note():
    unknown = _qualification(budget=types_pb2.Money(currency_code="CNY", amount_minor=0))
    assert _fields(_first(unknown)) == {"activity.qualification.budget_note"}
    unknown.budget_note = "预算待三季度审批"
    assert _first(unknown) == []


def test_a_budget_is_money():
    bad = _qualification(budget=types_pb2.Money(currency_code="rmb", amount_minor=-1))
    assert _fields(_first(bad)) == {"activity.qualification.budget.currency_code",
                                    "activity.qualification.budget.amount_minor"}


def test_later_follow_ups_need_no_qualification_but_what_is_given_is_checked():
    later = activities.qualification_violations
    assert later(None, "q.", first_contact=False) == []
    assert later(sales_pb2.LeadQualification(need="更多坐席"), "q.", first_contact=False) == []
    assert _fields(later(sales_pb2.LeadQualification(
        budget=types_pb2.Money(currency_code="CN")), "q.", first_contact=False)) == {
        "q.budget.currency_code", "q.budget_note"}


def _principal(user_id: str, department: str, scope: DataScope) -> Principal:
    return Principal(user_id=user_id, username=user_id, roles=frozenset(),
                     department_path=department, data_scope=scope)


@pytest.mark.parametrize(("principal", "allowed"), [
    (_principal("u-sales-lead", "/hq/sales", DataScope.DEPARTMENT), True),   # over the author
    (_principal("u-east-lead", "/hq/sales/east", DataScope.DEPARTMENT), True),
    (_principal("u-north-lead", "/hq/sales/north", DataScope.DEPARTMENT), False),  # elsewhere
    (_principal("u-admin", "/hq", DataScope.ALL), True),
    (_principal("u-rep-2", "/hq/sales/east", DataScope.OWN), False),   # a colleague
    (_principal("u-rep", "/hq/sales/east", DataScope.OWN), False),     # the author
])
def test_only_a_lead_over_the_author_comments(principal, allowed):
    assert activities.may_comment(principal, owner_id="u-rep",
                                  department_path="/hq/sales/east") is allowed


def test_a_lead_does_not_comment_on_their_own_record():
    lead = _principal("u-east-lead", "/hq/sales/east", DataScope.DEPARTMENT)
    assert not activities.may_comment(lead, owner_id="u-east-lead",
                                      department_path="/hq/sales/east")


@pytest.mark.parametrize(("path", "root", "row"), [
    ("/hq/sales/east", "/hq/sales", "/hq/sales/east"),
    ("/hq/sales/east/shanghai", "/hq/sales", "/hq/sales/east"),
    ("/hq/sales", "/hq/sales", "/hq/sales"),
    ("/hq/sales/north", "/hq/sales/", "/hq/sales/north"),
    ("/hq/sales/east", "/", "/hq"),
    ("/hq/salesforce", "/hq/sales", "/hq/salesforce"),
])
def test_a_department_report_folds_departments_into_the_roots_children(path, root, row):
    assert department_row_key(path, root) == row


def test_every_personal_column_of_the_schema_can_be_blanked():
    personal = [column for table in customer_data.customer_tables()
                for column in customer_data.personal_columns(table)]
    assert {f"{c.table.name}.{c.name}" for c in personal} >= {
        "activities.contact_name", "activities.summary", "activities.qualification"}
    for column in personal:
        assert customer_data.blank_value(column) in (None, "")


def test_every_table_of_open_work_has_an_owner_a_department_and_its_state_column():
    rules = customer_data.handover_rules()
    assert {rule.table.name for rule in rules} >= {"follow_up_tasks", "follow_up_plans"}
    for rule in rules:
        assert {"owner_id", "department_path", rule.state_column} <= set(rule.table.c.keys())


def test_the_customer_directory_is_left_to_its_own_handler_and_plans_are_one_per_customer():
    tables = {table.name: table for table in Base.metadata.tables.values()}
    assert customer_data.is_directory(tables["sales_customer_facts"])
    assert customer_data.one_row_per_customer(tables["follow_up_plans"])
    assert not customer_data.one_row_per_customer(tables["follow_up_tasks"])


def _duration(seconds: int) -> Duration:
    return Duration(seconds=seconds)


def test_a_policy_update_names_only_policy_fields():
    assert _fields(policy_updates.mask_violations([])) == {"update_mask"}
    assert [v.description for v in policy_updates.mask_violations(["update_time"])] == [
        "`update_time` cannot be changed"]
    assert policy_updates.mask_violations(["reminder_days_before"]) == []


def test_policy_figures_are_checked():
    bad = sales_pb2.SalesPolicy(
        currency_code="yuan", reminder_days_before=0, need_confirmed_contact_days=90,
        follow_up_cadences=[sales_pb2.FollowUpCadence(value_class=types_pb2.VALUE_CLASS_A,
                                                      interval_days=0),
                            sales_pb2.FollowUpCadence(value_class=types_pb2.VALUE_CLASS_A,
                                                      interval_days=7,
                                                      senior_contact_interval_days=-1)],
        lead_response_targets=[sales_pb2.LeadResponseTarget(
            grade=sales_pb2.LEAD_GRADE_A, first_contact_within=_duration(3600),
            remind_before=_duration(3600))],
        stage_probabilities={"OPPORTUNITY_STAGE_WON": 120, "WINNING": 50})
    named = {field.name for field, _ in bad.ListFields()} | {"reminder_days_before"}
    assert _fields(policy_updates.policy_violations(bad, named)) == {
        "policy.currency_code", "policy.reminder_days_before",
        "policy.need_confirmed_contact_days", "policy.follow_up_cadences[0].interval_days",
        "policy.follow_up_cadences[1].value_class",
        "policy.follow_up_cadences[1].senior_contact_interval_days",
        "policy.lead_response_targets[0].remind_before",
        "policy.stage_probabilities[OPPORTUNITY_STAGE_WON]", "policy.stage_probabilities[WINNING]"}
    # A day count named in the mask but left out of the message is 0, which is refused.
    assert _fields(policy_updates.policy_violations(bad, {"proposal_contact_days"})) == {
        "policy.proposal_contact_days"}


def test_an_update_changes_only_the_named_fields_and_list_entries_it_gives():
    change = sales_pb2.SalesPolicy(
        reminder_days_before=2, proposal_contact_days=5,
        follow_up_cadences=[sales_pb2.FollowUpCadence(value_class=types_pb2.VALUE_CLASS_B,
                                                      interval_days=10)])
    after = policy_updates.apply_update(SalesPolicyValues(), change,
                                        {"reminder_days_before", "follow_up_cadences"})
    assert after.reminder_days_before == 2
    assert after.proposal_contact_days == 2  # not named in the mask: unchanged
    assert after.cadence == {"A": (7, 30), "B": (10, 0), "C": (30, 0)}
