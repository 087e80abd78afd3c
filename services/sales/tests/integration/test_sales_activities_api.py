"""Follow-up records, manager comments, tasks, plans, the policy, the report and the export
through the real in-process sales api (one per module, on SQLite; the core create/list path on
PostgreSQL too). Customers are made known the way the worker learns them, by handing a
``customer.created`` event to the worker's function; every test uses customers of its own."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.identity.v1 import events_pb2 as identity_events
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.db import utcnow
from crm_shared.timestamps import to_timestamp
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service import follow_up_events, plans_and_tasks
from sales_service.models import Activity, FollowUpTask, SalesRep
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

S = sales_pb2
Code = grpc.StatusCode


def with_east_lead(server):
    """The east team's lead, known from ``identity.department_upserted``."""
    now = utcnow()
    with server.database.unit_of_work() as uow:
        follow_up_events.department_upserted(uow, identity_events.DepartmentUpserted(
            path="/hq/sales/east", name="华东", lead_user_id="u-east-lead",
            parent_path="/hq/sales", active=True, revision=1), now=now)
    return server


@pytest.fixture(scope="module")
def api(start_sales_api):
    return with_east_lead(start_sales_api("sqlite"))


def customer(api, owner: str = "u-rep", department: str = "/hq/sales/east",
             value_class: int = 0) -> str:
    """A customer the sales service learnt of from ``customer.created``."""
    customer_id = str(uuid.uuid4())
    now = utcnow()
    with api.database.unit_of_work() as uow:
        follow_up_events.customer_created(uow, customer_events.CustomerCreated(
            customer=customer_pb2.Customer(id=customer_id, owner_id=owner,
                                           department_path=department, value_class=value_class)),
            at=now, now=now)
    return customer_id


def record(api, caller: str = "u-rep", request_id: str = "", **fields) -> S.Activity:
    values = {"method": S.FOLLOW_UP_METHOD_PHONE, "occur_time": to_timestamp(utcnow()),
              "topic": "需求沟通", "summary": "客户希望下周看演示"}
    values.update(fields)
    return api.stub(caller).CreateActivity(S.CreateActivityRequest(
        activity=S.Activity(**values), request_id=request_id))


def today() -> date:
    return utcnow().date()


def tasks_of(api, caller: str, customer_id: str, *states) -> list[S.FollowUpTask]:
    return list(api.stub(caller).ListFollowUpTasks(S.ListFollowUpTasksRequest(
        customer_id=customer_id, states=list(states))).tasks)


def count_activities(api, customer_id: str) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Activity).where(
            Activity.customer_id == customer_id))


# -- follow-up records --------------------------------------------------------------------------


def test_a_follow_up_is_recorded_and_announced_with_what_the_customer_timeline_reads(api):
    customer_id = customer(api)
    occurred = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)

    created = record(api, customer_id=customer_id, method=S.FOLLOW_UP_METHOD_WECHAT,
                     occur_time=to_timestamp(occurred), topic="价格异议", summary="客户认为报价偏高",
                     customer_feedback="希望打九折", objection="价格", contact_name="李经理",
                     next_step="提交折扣申请")

    assert created.owner_id == "u-rep" and created.department_path == "/hq/sales/east"
    assert (created.method, created.topic, created.objection) == (
        S.FOLLOW_UP_METHOD_WECHAT, "价格异议", "价格")
    assert created.occur_time.ToDatetime(tzinfo=UTC) == occurred
    assert created.etag and not created.first_contact
    [event] = [e for e in api.events("activity.recorded", events_pb2.ActivityRecorded)
               if e.activity.id == created.id]
    assert event.activity.customer_id == customer_id
    assert (event.activity.method, event.activity.topic, event.activity.summary,
            event.activity.next_step, event.activity.owner_id) == (
        S.FOLLOW_UP_METHOD_WECHAT, "价格异议", "客户认为报价偏高", "提交折扣申请", "u-rep")
    assert api.stub("u-rep").GetActivity(S.GetActivityRequest(id=created.id)) == created


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(api, rpc_error):
    customer_id = customer(api)
    error = rpc_error(api.stub("u-rep").CreateActivity, S.CreateActivityRequest(
        activity=S.Activity(customer_id=customer_id, topic=" ", next_step_due_date="2025-13-01",
                            owner_id="u-rep-2", comment_count=3),
        request_id="not-a-uuid"))

    assert error.code is Code.INVALID_ARGUMENT
    assert {v.field for v in error.violations} == {
        "activity.method", "activity.occur_time", "activity.topic", "activity.summary",
        "activity.next_step_due_date", "activity.next_step", "activity.owner_id", "request_id"}
    assert count_activities(api, customer_id) == 0


def test_a_next_step_with_a_due_date_opens_a_task_for_the_author(api):
    customer_id = customer(api)
    due = (today() + timedelta(days=5)).isoformat()

    created = record(api, customer_id=customer_id, next_step="发送方案书", next_step_due_date=due)

    [task] = tasks_of(api, "u-rep", customer_id)
    assert (task.reason, task.title, task.due_date, task.owner_id, task.state) == (
        S.FOLLOW_UP_REASON_NEXT_STEP, "发送方案书", due, "u-rep", S.FOLLOW_UP_TASK_STATE_OPEN)
    assert created.next_step_due_date == due


def test_a_customer_the_caller_may_not_see_is_not_found(api, rpc_error):
    someone_elses = customer(api, owner="u-rep-north", department="/hq/sales/north")
    error = rpc_error(record, api, customer_id=someone_elses)
    assert error.code is Code.NOT_FOUND
    assert count_activities(api, someone_elses) == 0


def test_an_unknown_customer_while_the_customer_service_is_down_is_unavailable(api, rpc_error):
    unknown = str(uuid.uuid4())
    error = rpc_error(record, api, customer_id=unknown)
    assert error.code is Code.UNAVAILABLE
    assert count_activities(api, unknown) == 0


def test_a_retry_with_the_same_request_id_records_once(api, rpc_error):
    customer_id = customer(api)
    request_id = str(uuid.uuid4())
    first = record(api, customer_id=customer_id, request_id=request_id)
    again = record(api, customer_id=customer_id, request_id=request_id, topic="重复")

    assert again.id == first.id and again.topic == first.topic
    assert count_activities(api, customer_id) == 1
    assert len([e for e in api.events("activity.recorded", events_pb2.ActivityRecorded)
                if e.activity.customer_id == customer_id]) == 1
    other = customer(api, owner="u-rep-2")
    assert rpc_error(record, api, "u-rep-2", request_id=request_id,
                     customer_id=other).code is Code.ALREADY_EXISTS


def test_who_sees_a_follow_up_record(api, rpc_error):
    east = record(api, customer_id=customer(api))
    north = record(api, "u-rep-north",
                   customer_id=customer(api, owner="u-rep-north", department="/hq/sales/north"))
    expected = {
        "u-rep": {east.id}, "u-rep-2": set(), "u-rep-north": {north.id},
        "u-east-lead": {east.id}, "u-north-lead": {north.id},
        "u-sales-lead": {east.id, north.id}, "u-admin": {east.id, north.id},
    }
    for caller, visible in expected.items():
        for activity in (east, north):
            if activity.id in visible:
                assert api.stub(caller).GetActivity(
                    S.GetActivityRequest(id=activity.id)).id == activity.id
            else:
                assert rpc_error(api.stub(caller).GetActivity, S.GetActivityRequest(
                    id=activity.id)).code is Code.NOT_FOUND, caller
        listed = {a.id for a in api.stub(caller).ListActivities(
            S.ListActivitiesRequest(page_size=200)).activities}
        assert listed & {east.id, north.id} == visible, caller


def test_the_customers_new_owner_reads_the_former_owners_records(api, rpc_error):
    customer_id = customer(api)
    earlier = record(api, customer_id=customer_id)
    assert rpc_error(api.stub("u-rep-2").GetActivity,
                     S.GetActivityRequest(id=earlier.id)).code is Code.NOT_FOUND
    now = utcnow()
    with api.database.unit_of_work() as uow:
        follow_up_events.customer_owner_changed(uow, customer_events.CustomerOwnerChanged(
            customer_id=customer_id,
            previous=types_pb2.Ownership(owner_id="u-rep", department_path="/hq/sales/east"),
            current=types_pb2.Ownership(owner_id="u-rep-2", department_path="/hq/sales/east")),
            at=now, now=now)

    assert api.stub("u-rep-2").GetActivity(S.GetActivityRequest(id=earlier.id)).id == earlier.id
    assert api.stub("u-rep").GetActivity(S.GetActivityRequest(id=earlier.id)).id == earlier.id


def test_lists_filter_and_page_newest_first(api):
    customer_id = customer(api)
    base = datetime.now(UTC) - timedelta(days=3)
    made = [record(api, customer_id=customer_id, occur_time=to_timestamp(base + timedelta(hours=i)),
                   method=S.FOLLOW_UP_METHOD_VISIT if i % 2 else S.FOLLOW_UP_METHOD_EMAIL)
            for i in range(5)]
    stub = api.stub("u-rep")
    first = stub.ListActivities(S.ListActivitiesRequest(customer_id=customer_id, page_size=2))
    second = stub.ListActivities(S.ListActivitiesRequest(customer_id=customer_id, page_size=2,
                                                         page_token=first.next_page_token))
    third = stub.ListActivities(S.ListActivitiesRequest(customer_id=customer_id, page_size=2,
                                                        page_token=second.next_page_token))
    pages = [a.id for page in (first, second, third) for a in page.activities]
    assert pages == [a.id for a in reversed(made)] and third.next_page_token == ""
    visits = stub.ListActivities(S.ListActivitiesRequest(
        customer_id=customer_id, methods=[S.FOLLOW_UP_METHOD_VISIT],
        start_time=to_timestamp(base + timedelta(minutes=30))))
    assert [a.id for a in visits.activities] == [made[3].id, made[1].id]


def test_only_the_author_changes_a_record_and_a_stale_etag_is_refused(api, rpc_error):
    created = record(api, customer_id=customer(api))
    mask = FieldMask(paths=["summary", "objection"])
    changed = api.stub("u-rep").UpdateActivity(S.UpdateActivityRequest(
        activity=S.Activity(id=created.id, summary="客户同意试用", objection="无", etag=created.etag),
        update_mask=mask))
    assert (changed.summary, changed.objection, changed.topic) == ("客户同意试用", "无", created.topic)
    assert changed.etag != created.etag

    stale = rpc_error(api.stub("u-rep").UpdateActivity, S.UpdateActivityRequest(
        activity=S.Activity(id=created.id, summary="x", etag=created.etag),
        update_mask=FieldMask(paths=["summary"])))
    assert stale.code is Code.ABORTED
    lead = rpc_error(api.stub("u-east-lead").UpdateActivity, S.UpdateActivityRequest(
        activity=S.Activity(id=created.id, summary="x"), update_mask=FieldMask(paths=["summary"])))
    assert lead.code is Code.PERMISSION_DENIED
    colleague = rpc_error(api.stub("u-rep-2").UpdateActivity, S.UpdateActivityRequest(
        activity=S.Activity(id=created.id, summary="x"), update_mask=FieldMask(paths=["summary"])))
    assert colleague.code is Code.NOT_FOUND
    owner_change = rpc_error(api.stub("u-rep").UpdateActivity, S.UpdateActivityRequest(
        activity=S.Activity(id=created.id, owner_id="u-rep-2"),
        update_mask=FieldMask(paths=["owner_id"])))
    assert owner_change.code is Code.INVALID_ARGUMENT
    assert api.stub("u-rep").GetActivity(S.GetActivityRequest(id=created.id)).summary == "客户同意试用"


def opportunity_of(api, customer_id: str, owner="u-rep", department="/hq/sales/east") -> str:
    """An opportunity as the deals core opens it."""
    from sales_service import opportunities

    with api.database.unit_of_work() as uow:
        return opportunities.open_opportunity(
            uow.session, uow.emit, customer_id=customer_id, name="200 坐席", owner_id=owner,
            department_path=department, amount=None, expected_close_date=None, lead_id=None,
            campaign_id=None, campaign_variant_id=None, source=None, actor_id=owner,
            now=utcnow()).id


def test_a_record_about_an_opportunity_names_one_of_its_customer_the_caller_sees(api, rpc_error):
    customer_id, other = customer(api), customer(api)
    opportunity_id = opportunity_of(api, customer_id)
    made = record(api, customer_id=customer_id, opportunity_id=opportunity_id)
    assert made.opportunity_id == opportunity_id
    assert [a.id for a in api.stub("u-rep").ListActivities(
        S.ListActivitiesRequest(opportunity_id=opportunity_id)).activities] == [made.id]
    wrong = rpc_error(record, api, customer_id=other, opportunity_id=opportunity_id)
    assert [v.field for v in wrong.violations] == ["activity.opportunity_id"]
    hidden = opportunity_of(api, customer_id, owner="u-rep-north", department="/hq/sales/north")
    assert rpc_error(record, api, customer_id=customer_id,
                     opportunity_id=hidden).code is Code.NOT_FOUND
    assert count_activities(api, other) == 0


# -- manager comments ---------------------------------------------------------------------------


def test_a_lead_comments_on_a_subordinates_record_and_the_rep_is_told(api, rpc_error):
    created = record(api, customer_id=customer(api), topic="续约意向")

    comment = api.stub("u-east-lead").CreateActivityComment(S.CreateActivityCommentRequest(
        comment=S.ActivityComment(activity_id=created.id, body="尽快安排高层拜访")))

    assert (comment.author_id, comment.activity_owner_id, comment.department_path) == (
        "u-east-lead", "u-rep", "/hq/sales/east")
    [event] = [e for e in api.events("activity.commented", events_pb2.ActivityCommented)
               if e.comment.id == comment.id]
    # What the notification service's rule reads: the owner to tell, the topic, the body.
    assert event.comment.activity_owner_id == "u-rep"
    assert (event.activity_topic, event.comment.body, event.customer_id) == (
        "续约意向", "尽快安排高层拜访", created.customer_id)
    assert api.stub("u-rep").GetActivity(S.GetActivityRequest(id=created.id)).comment_count == 1
    listed = api.stub("u-rep").ListActivityComments(
        S.ListActivityCommentsRequest(activity_id=created.id))
    assert [c.id for c in listed.comments] == [comment.id]


def test_a_rep_cannot_comment_on_a_colleagues_record_nor_on_their_own(api, rpc_error):
    created = record(api, customer_id=customer(api))
    request = S.CreateActivityCommentRequest(
        comment=S.ActivityComment(activity_id=created.id, body="?"))
    assert rpc_error(api.stub("u-rep-2").CreateActivityComment, request).code is Code.NOT_FOUND
    assert rpc_error(api.stub("u-north-lead").CreateActivityComment, request).code is Code.NOT_FOUND
    assert rpc_error(api.stub("u-rep").CreateActivityComment,
                     request).code is Code.PERMISSION_DENIED
    assert not [e for e in api.events("activity.commented", events_pb2.ActivityCommented)
                if e.comment.activity_id == created.id]
    empty = rpc_error(api.stub("u-east-lead").CreateActivityComment, S.CreateActivityCommentRequest(
        comment=S.ActivityComment(activity_id=created.id, body=" ")))
    assert [v.field for v in empty.violations] == ["comment.body"]


# -- follow-up tasks ----------------------------------------------------------------------------


def test_a_task_by_hand_is_done_by_the_record_that_fulfils_it(api, rpc_error):
    customer_id = customer(api)
    due = (today() + timedelta(days=2)).isoformat()
    task = api.stub("u-rep").CreateFollowUpTask(S.CreateFollowUpTaskRequest(
        task=S.FollowUpTask(customer_id=customer_id, title="确认合同条款", due_date=due,
                            suggested_method=S.FOLLOW_UP_METHOD_VISIT)))
    assert (task.reason, task.state, task.owner_id, task.department_path) == (
        S.FOLLOW_UP_REASON_MANUAL, S.FOLLOW_UP_TASK_STATE_OPEN, "u-rep", "/hq/sales/east")

    done_by = record(api, customer_id=customer_id, follow_up_task_id=task.id)

    after = api.stub("u-rep").GetFollowUpTask(S.GetFollowUpTaskRequest(id=task.id))
    assert (after.state, after.completed_activity_id, after.completed_late) == (
        S.FOLLOW_UP_TASK_STATE_DONE, done_by.id, False)
    again = rpc_error(api.stub("u-rep").CompleteFollowUpTask,
                      S.CompleteFollowUpTaskRequest(id=task.id, activity_id=done_by.id))
    assert again.code is Code.FAILED_PRECONDITION


def test_task_input_is_checked(api, rpc_error):
    customer_id = customer(api)
    error = rpc_error(api.stub("u-rep").CreateFollowUpTask, S.CreateFollowUpTaskRequest(
        task=S.FollowUpTask(customer_id=customer_id, title="", owner_id="u-rep",
                            due_date=(today() - timedelta(days=1)).isoformat())))
    assert {v.field for v in error.violations} == {"task.title", "task.due_date"}
    stranger = rpc_error(api.stub("u-east-lead").CreateFollowUpTask, S.CreateFollowUpTaskRequest(
        task=S.FollowUpTask(customer_id=customer_id, title="t", owner_id="u-rep-2",
                            due_date=today().isoformat())))
    assert [v.field for v in stranger.violations] == ["task.owner_id"]
    assert tasks_of(api, "u-admin", customer_id) == []


def test_a_lead_gives_a_task_to_the_customers_owner_who_moves_and_cancels_it(api, rpc_error):
    customer_id = customer(api)
    task = api.stub("u-east-lead").CreateFollowUpTask(S.CreateFollowUpTaskRequest(
        task=S.FollowUpTask(customer_id=customer_id, title="回访", owner_id="u-rep",
                            due_date=today().isoformat())))
    assert (task.owner_id, task.created_by) == ("u-rep", "u-east-lead")
    later = (today() + timedelta(days=7)).isoformat()
    moved = api.stub("u-rep").UpdateFollowUpTask(S.UpdateFollowUpTaskRequest(
        task=S.FollowUpTask(id=task.id, due_date=later, note="客户出差"),
        update_mask=FieldMask(paths=["due_date", "note"])))
    assert (moved.due_date, moved.note, moved.title) == (later, "客户出差", "回访")
    assert rpc_error(api.stub("u-rep-2").GetFollowUpTask,
                     S.GetFollowUpTaskRequest(id=task.id)).code is Code.NOT_FOUND
    assert rpc_error(api.stub("u-rep").CancelFollowUpTask,
                     S.CancelFollowUpTaskRequest(id=task.id)).code is Code.INVALID_ARGUMENT
    cancelled = api.stub("u-rep").CancelFollowUpTask(
        S.CancelFollowUpTaskRequest(id=task.id, reason="客户已签约"))
    assert (cancelled.state, cancelled.cancel_reason) == (S.FOLLOW_UP_TASK_STATE_CANCELLED, "客户已签约")
    assert rpc_error(api.stub("u-rep").UpdateFollowUpTask, S.UpdateFollowUpTaskRequest(
        task=S.FollowUpTask(id=task.id, note="x"), update_mask=FieldMask(paths=["note"]))
    ).code is Code.FAILED_PRECONDITION


# -- plans --------------------------------------------------------------------------------------


def test_an_a_class_customer_gets_weekly_contacts_and_a_monthly_senior_contact_by_the_lead(api):
    customer_id = customer(api, value_class=types_pb2.VALUE_CLASS_A)

    plan = api.stub("u-rep").GetFollowUpPlan(S.GetFollowUpPlanRequest(customer_id=customer_id))

    assert (plan.value_class, plan.interval_days, plan.senior_contact_interval_days,
            plan.owner_id, plan.active) == (types_pb2.VALUE_CLASS_A, 7, 30, "u-rep", True)
    assert plan.next_due_date == (today() + timedelta(days=7)).isoformat()
    [regular] = tasks_of(api, "u-rep", customer_id)  # the rep sees their own task only
    assert (regular.reason, regular.due_date, regular.plan_id) == (
        S.FOLLOW_UP_REASON_CADENCE, plan.next_due_date, plan.id)
    both = {t.reason: t for t in tasks_of(api, "u-sales-lead", customer_id)}
    senior = both[S.FOLLOW_UP_REASON_SENIOR_CONTACT]
    assert (senior.owner_id, senior.department_path, senior.due_date) == (
        "u-east-lead", "/hq/sales/east", (today() + timedelta(days=30)).isoformat())
    assert set(both) == {S.FOLLOW_UP_REASON_CADENCE, S.FOLLOW_UP_REASON_SENIOR_CONTACT}


def test_a_contact_with_the_customer_completes_the_regular_task_and_schedules_the_next(api):
    customer_id = customer(api, value_class=types_pb2.VALUE_CLASS_B)
    [first] = tasks_of(api, "u-rep", customer_id)
    # an hour ago, but not before today: a contact from before the task's day does not count
    now = datetime.now(UTC)
    contact = max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))

    made = record(api, customer_id=customer_id, occur_time=to_timestamp(contact))

    done = api.stub("u-rep").GetFollowUpTask(S.GetFollowUpTaskRequest(id=first.id))
    assert (done.state, done.completed_activity_id) == (S.FOLLOW_UP_TASK_STATE_DONE, made.id)
    [following] = tasks_of(api, "u-rep", customer_id)
    assert following.due_date == (contact.date() + timedelta(days=14)).isoformat()
    plan = api.stub("u-rep").GetFollowUpPlan(S.GetFollowUpPlanRequest(customer_id=customer_id))
    assert plan.last_contact_date == contact.date().isoformat()


def test_a_plans_own_interval_replans_and_a_paused_plan_opens_no_new_task(api, rpc_error):
    customer_id = customer(api, value_class=types_pb2.VALUE_CLASS_C)
    plan = api.stub("u-rep").GetFollowUpPlan(S.GetFollowUpPlanRequest(customer_id=customer_id))

    changed = api.stub("u-east-lead").UpdateFollowUpPlan(S.UpdateFollowUpPlanRequest(
        plan=S.FollowUpPlan(id=plan.id, interval_days=10),
        update_mask=FieldMask(paths=["interval_days"])))

    assert changed.interval_days == 10
    [regular] = tasks_of(api, "u-rep", customer_id)
    assert regular.due_date == (today() + timedelta(days=10)).isoformat()
    paused = api.stub("u-rep").UpdateFollowUpPlan(S.UpdateFollowUpPlanRequest(
        plan=S.FollowUpPlan(id=plan.id, active=False), update_mask=FieldMask(paths=["active"])))
    assert not paused.active and paused.next_due_date == ""
    record(api, customer_id=customer_id)
    assert tasks_of(api, "u-rep", customer_id) == []
    assert rpc_error(api.stub("u-rep-2").UpdateFollowUpPlan, S.UpdateFollowUpPlanRequest(
        plan=S.FollowUpPlan(id=plan.id, active=True), update_mask=FieldMask(paths=["active"]))
    ).code is Code.NOT_FOUND
    bad = rpc_error(api.stub("u-rep").UpdateFollowUpPlan, S.UpdateFollowUpPlanRequest(
        plan=S.FollowUpPlan(id=plan.id, interval_days=400, value_class=types_pb2.VALUE_CLASS_A),
        update_mask=FieldMask(paths=["interval_days", "value_class"])))
    assert {v.field for v in bad.violations} == {"plan.interval_days", "update_mask"}


def test_plans_are_listed_by_next_contact_for_whoever_may_see_them(api):
    mine = customer(api, value_class=types_pb2.VALUE_CLASS_A)
    north = customer(api, owner="u-rep-north", department="/hq/sales/north",
                     value_class=types_pb2.VALUE_CLASS_B)
    rep = {p.customer_id for p in api.stub("u-rep").ListFollowUpPlans(
        S.ListFollowUpPlansRequest(page_size=200)).plans}
    assert mine in rep and north not in rep
    lead_b = api.stub("u-sales-lead").ListFollowUpPlans(S.ListFollowUpPlansRequest(
        value_class=types_pb2.VALUE_CLASS_B, page_size=200)).plans
    assert north in {p.customer_id for p in lead_b}
    assert {p.value_class for p in lead_b} == {types_pb2.VALUE_CLASS_B}
    dates = [p.next_due_date for p in api.stub("u-admin").ListFollowUpPlans(
        S.ListFollowUpPlansRequest(page_size=200, active=True)).plans]
    assert dates == sorted(dates)


# -- policy -------------------------------------------------------------------------------------


def test_the_policy_holds_the_defaults_and_only_an_administrator_changes_it(api, rpc_error):
    policy = api.stub("u-rep").GetSalesPolicy(S.GetSalesPolicyRequest())
    assert (policy.need_confirmed_contact_days, policy.proposal_contact_days,
            policy.reminder_days_before) == (3, 2, 1)
    assert {(c.value_class, c.interval_days, c.senior_contact_interval_days)
            for c in policy.follow_up_cadences} == {
        (types_pb2.VALUE_CLASS_A, 7, 30), (types_pb2.VALUE_CLASS_B, 14, 0),
        (types_pb2.VALUE_CLASS_C, 30, 0)}
    change = S.UpdateSalesPolicyRequest(policy=S.SalesPolicy(renewal_reminder_days=20),
                                        update_mask=FieldMask(paths=["renewal_reminder_days"]))
    assert rpc_error(api.stub("u-sales-lead").UpdateSalesPolicy,
                     change).code is Code.PERMISSION_DENIED
    bad = rpc_error(api.stub("u-admin").UpdateSalesPolicy, S.UpdateSalesPolicyRequest(
        policy=S.SalesPolicy(renewal_reminder_days=0, currency_code="人民币"),
        update_mask=FieldMask(paths=["renewal_reminder_days", "currency_code", "updated_by"])))
    assert {v.field for v in bad.violations} == {
        "policy.renewal_reminder_days", "policy.currency_code", "update_mask"}

    changed = api.stub("u-admin").UpdateSalesPolicy(change)

    assert (changed.renewal_reminder_days, changed.updated_by) == (20, "u-admin")
    assert changed.reminder_days_before == 1 and changed.HasField("update_time")
    assert api.stub("u-rep").GetSalesPolicy(S.GetSalesPolicyRequest()).renewal_reminder_days == 20


# -- report -------------------------------------------------------------------------------------


def test_the_follow_up_report_counts_frequency_and_timeliness_per_rep_and_team(api):
    # A quarter of its own, in the past, so the other tests' records stay out of it.
    day = date(2024, 3, 4)
    at = datetime(2024, 3, 4, 10, tzinfo=UTC)
    east_customer, other_customer = customer(api), customer(api)
    north_customer = customer(api, owner="u-rep-north", department="/hq/sales/north")
    with api.database.unit_of_work() as uow:
        for customer_id, owner, department, hours in (
                (east_customer, "u-rep", "/hq/sales/east", (0, 24, 48)),
                (other_customer, "u-rep", "/hq/sales/east", (72,)),
                (north_customer, "u-rep-north", "/hq/sales/north", (1,))):
            for offset in hours:
                uow.session.add(_activity_row(customer_id, owner, department,
                                              at + timedelta(hours=offset)))
        for owner, department, late, overdue in (
                ("u-rep", "/hq/sales/east", False, False), ("u-rep", "/hq/sales/east", True, False),
                ("u-rep", "/hq/sales/east", False, True),
                ("u-rep-north", "/hq/sales/north", False, False)):
            task = plans_and_tasks.new_task(uow.session, owner_id=owner,
                                            department_path=department, reason="manual",
                                            title="t", due=day, now=at, actor_id=owner,
                                            customer_id=east_customer)
            task.completed_late = late
            task.overdue_time = at if overdue else None
        if uow.session.get(SalesRep, "u-rep") is None:  # the leads part's directory of reps
            uow.session.add(SalesRep(
                user_id="u-rep", username="u-rep", display_name="张伟",
                department_path="/hq/sales/east", team_lead=False, active=True,
                seniority="regular", max_open_leads=0, available=True, revision=1,
                update_time=at, updated_by="system"))

    report = api.stub("u-sales-lead").GetFollowUpReport(S.GetFollowUpReportRequest(
        period=types_pb2.DateRange(start_date="2024-03-01", end_date="2024-03-31")))

    rows = {row.group_key: row for row in report.rows}
    assert set(rows) == {"u-rep", "u-rep-north"}
    east = rows["u-rep"]
    assert (east.activity_count, east.contacted_count, east.activities_per_contact) == (4, 2, 2.0)
    assert (east.task_count, east.overdue_task_count) == (3, 2)
    assert east.timeliness_rate == pytest.approx(1 / 3)
    assert (east.display_name, rows["u-rep-north"].display_name) == ("张伟", "u-rep-north")
    assert (report.total.activity_count, report.total.task_count,
            report.total.overdue_task_count) == (5, 4, 2)
    teams = api.stub("u-sales-lead").GetFollowUpReport(S.GetFollowUpReportRequest(
        period=types_pb2.DateRange(start_date="2024-03-01", end_date="2024-03-31"),
        group_by=S.REPORT_GROUP_BY_DEPARTMENT))
    assert {row.group_key: row.activity_count for row in teams.rows} == {
        "/hq/sales/east": 4, "/hq/sales/north": 1}
    mine = api.stub("u-rep").GetFollowUpReport(S.GetFollowUpReportRequest(
        period=types_pb2.DateRange(start_date="2024-03-01", end_date="2024-03-31")))
    assert [row.group_key for row in mine.rows] == ["u-rep"]


def _activity_row(customer_id: str, owner: str, department: str, at: datetime) -> Activity:
    return Activity(id=str(uuid.uuid4()), customer_id=customer_id, method="phone", occur_time=at,
                    owner_id=owner, department_path=department, topic="t", summary="s",
                    customer_feedback="", objection="", next_step="", first_contact=False,
                    comment_count=0, create_time=at, update_time=at, created_by=owner,
                    updated_by=owner)


def test_a_report_needs_a_real_period(api, rpc_error):
    error = rpc_error(api.stub("u-rep").GetFollowUpReport, S.GetFollowUpReportRequest(
        period=types_pb2.DateRange(start_date="2024-03-31", end_date="2024-03-01")))
    assert [v.field for v in error.violations] == ["period.end_date"]


# -- export -------------------------------------------------------------------------------------


def test_the_export_lists_everything_held_about_the_customer_for_the_privacy_roles(api, rpc_error):
    customer_id = customer(api, value_class=types_pb2.VALUE_CLASS_C)
    made = record(api, customer_id=customer_id, contact_name="张先生", summary="讨论了报价")
    api.stub("u-east-lead").CreateActivityComment(S.CreateActivityCommentRequest(
        comment=S.ActivityComment(activity_id=made.id, body="跟进")))
    other = record(api, customer_id=customer(api))

    export = api.stub("u-admin").ExportCustomerData(S.ExportCustomerDataRequest(
        customer_id=customer_id))

    assert export.source_service == "sales" and export.customer_id == customer_id
    kinds = sorted(r.resource_type for r in export.records)
    # the plan's first regular task (done by the record) and its next one
    assert kinds == ["activity", "activity_comment", "customer_fact", "follow_up_plan",
                     "follow_up_task", "follow_up_task"]
    [activity] = [r for r in export.records if r.resource_type == "activity"]
    assert activity.resource_id == made.id and activity.data["contact_name"] == "张先生"
    assert activity.audit.created_by == "u-rep"
    assert other.id not in {r.resource_id for r in export.records}
    assert rpc_error(api.stub("u-sales-lead").ExportCustomerData, S.ExportCustomerDataRequest(
        customer_id=customer_id)).code is Code.PERMISSION_DENIED


def test_the_export_lists_only_the_records_its_caller_may_see(api):
    """Issue 15 (low): like every read, the export stays within the caller's data scope (as
    the ticket service's does): a privacy officer whose scope is their own records gets none of
    the reps' records about the customer, an ``all`` scope gets them all."""
    customer_id = customer(api, value_class=types_pb2.VALUE_CLASS_C)
    made = record(api, customer_id=customer_id, contact_name="张先生", summary="讨论了报价")
    api.stub("u-east-lead").CreateActivityComment(S.CreateActivityCommentRequest(
        comment=S.ActivityComment(activity_id=made.id, body="跟进")))
    request = S.ExportCustomerDataRequest(customer_id=customer_id)

    assert list(api.stub("u-dpo").ExportCustomerData(request).records) == []
    everything = api.stub("u-admin").ExportCustomerData(request).records
    assert {"activity", "activity_comment"} <= {r.resource_type for r in everything}


# -- PostgreSQL ---------------------------------------------------------------------------------


def test_recording_and_listing_on_postgresql(start_sales_api):
    pg = with_east_lead(start_sales_api("postgresql"))
    customer_id = customer(pg, value_class=types_pb2.VALUE_CLASS_A)
    due = (today() + timedelta(days=3)).isoformat()
    made = record(pg, customer_id=customer_id, next_step="报价", next_step_due_date=due)
    assert [a.id for a in pg.stub("u-rep").ListActivities(
        S.ListActivitiesRequest(customer_id=customer_id)).activities] == [made.id]
    assert [a.id for a in pg.stub("u-rep-2").ListActivities(
        S.ListActivitiesRequest(customer_id=customer_id)).activities] == []
    reasons = sorted(t.reason for t in pg.stub("u-sales-lead").ListFollowUpTasks(
        S.ListFollowUpTasksRequest(customer_id=customer_id)).tasks)
    # the contact completed the first regular task; the next one, the senior one and the
    # next step are open
    assert reasons == sorted([S.FOLLOW_UP_REASON_CADENCE, S.FOLLOW_UP_REASON_SENIOR_CONTACT,
                              S.FOLLOW_UP_REASON_NEXT_STEP])
    with pg.database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(FollowUpTask).where(
            FollowUpTask.customer_id == customer_id)) == 4
