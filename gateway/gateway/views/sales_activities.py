"""REST over gRPC: follow-up records, comments, follow-up tasks and plans, the sales policy.

``/api/v1/activities`` (follow-up records and their manager comments),
``/api/v1/follow-up-tasks`` (with ``/complete`` and ``/cancel``), ``/api/v1/follow-up-plans``
(one per customer, named by the customer's id), ``/api/v1/sales/policy`` and
``/api/v1/sales/reports/follow-ups``, and the win-back visits' churn reasons
(``/api/v1/sales/churn-reasons``) and report (``/api/v1/sales/reports/churn``); the schemas are in
:mod:`gateway.views.sales_activities_schemas`. Translation only: the sales service validates,
applies the caller's visibility (it sees the forwarded token) and decides; its field
violations come back as this API's field errors, in the body's terms.
"""

from __future__ import annotations

from typing import Any

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from crm_shared.timestamps import to_timestamp
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.sales_activities_schemas import (
    Activity,
    ActivityComment,
    ActivityCommentCreate,
    ActivityCommentPage,
    ActivityCreate,
    ActivityListQuery,
    ActivityPage,
    ActivityPath,
    ActivityUpdate,
    ChurnReason,
    ChurnReasonListQuery,
    ChurnReasonPage,
    ChurnReasonPath,
    ChurnReasonUpsert,
    ChurnReport,
    ChurnReportQuery,
    FollowUpPageQuery,
    FollowUpPlan,
    FollowUpPlanListQuery,
    FollowUpPlanPage,
    FollowUpPlanPath,
    FollowUpPlanUpdate,
    FollowUpReport,
    FollowUpReportQuery,
    FollowUpTask,
    FollowUpTaskCancellation,
    FollowUpTaskCompletion,
    FollowUpTaskCreate,
    FollowUpTaskListQuery,
    FollowUpTaskPage,
    FollowUpTaskPath,
    FollowUpTaskUpdate,
    PolicyUpdate,
    SalesPolicy,
)

PEER = "sales"
SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
ACTIVITIES = "/api/v1/activities"
TASKS = "/api/v1/follow-up-tasks"
PLANS = "/api/v1/follow-up-plans"
CHURN_REASONS = "/api/v1/sales/churn-reasons"


def _created(body: BaseModel) -> dict[str, Any]:
    """Every field with a value, in the JSON forms ``from_json`` reads (dates as text)."""
    return {k: v for k, v in body.model_dump(mode="json").items() if v is not None}


def _changes(body: BaseModel) -> dict[str, Any]:
    """The fields the caller sent (``null`` counts as not sent): a patch."""
    return {k: v for k, v in body.model_dump(mode="json", exclude_unset=True).items()
            if v is not None}


def _model(model: type[BaseModel], message) -> BaseModel:
    return model.model_validate(to_json(message))


def _request_id() -> str:
    return idempotency_request_id(current_principal().user_id, current_key())


def _words(enum, words: list[str]) -> list[int]:
    return [enum_number(enum.DESCRIPTOR, word) for word in words]


def register(app, deps) -> None:
    """Adds this module's routes to the app."""
    api = APIBlueprint("sales_activities", __name__, abp_tags=[Tag(name="follow-ups")])

    def stub() -> sales_pb2_grpc.SalesServiceStub:
        return deps.peers.stub(PEER, SERVICE, sales_pb2_grpc.SalesServiceStub)

    def rpc(method: str, request, *, field_prefix: str = ""):
        return call(PEER, getattr(stub(), method), request, field_prefix=field_prefix)

    # --- follow-up records ---------------------------------------------------------------------

    @operation(api, "post", ACTIVITIES, operation_id="createActivity",
               summary="Record a follow-up; a next step with a due date opens a task",
               description="The first follow-up of a lead must carry `qualification` (need, "
               "budget, decision maker). Publishes `activity.recorded`.",
               responses={201: Activity}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_activity(body: ActivityCreate):
        created = rpc("CreateActivity", sales_pb2.CreateActivityRequest(
            activity=from_json(_created(body), sales_pb2.Activity()), request_id=_request_id()),
            field_prefix="activity.")
        return json_response(_model(Activity, created), status=201,
                             headers={"Location": f"{ACTIVITIES}/{created.id}"})

    @operation(api, "get", ACTIVITIES, operation_id="listActivities",
               summary="List the follow-up records the caller may see, newest contact first",
               description="Filters combine with AND; `method` may repeat.",
               responses={200: ActivityPage}, calls_services=True)
    def list_activities(query: ActivityListQuery):
        request = sales_pb2.ListActivitiesRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            customer_id=query.customer_id, lead_id=query.lead_id,
            opportunity_id=query.opportunity_id, owner_id=query.owner_id,
            department_path=query.department_path,
            methods=_words(sales_pb2.FollowUpMethod, query.method))
        if query.start_time is not None:
            request.start_time.CopyFrom(to_timestamp(query.start_time))
        if query.end_time is not None:
            request.end_time.CopyFrom(to_timestamp(query.end_time))
        page = rpc("ListActivities", request)
        return json_response(ActivityPage(
            activities=[_model(Activity, a) for a in page.activities],
            next_page_token=page.next_page_token))

    @operation(api, "get", f"{ACTIVITIES}/<activity_id>", operation_id="getActivity",
               summary="Get a follow-up record", responses={200: Activity}, calls_services=True)
    def get_activity(path: ActivityPath):
        return json_response(_model(Activity, rpc("GetActivity", sales_pb2.GetActivityRequest(
            id=path.activity_id))))

    @operation(api, "patch", f"{ACTIVITIES}/<activity_id>", operation_id="updateActivity",
               summary="Change a follow-up record (its author only)",
               responses={200: Activity}, calls_services=True)
    def update_activity(path: ActivityPath, body: ActivityUpdate):  # type: ignore[valid-type]
        changes = _changes(body)
        request = sales_pb2.UpdateActivityRequest(
            activity=from_json(changes, sales_pb2.Activity(id=path.activity_id)))
        request.update_mask.paths.extend(sorted(set(changes) - {"etag"}))
        return json_response(_model(Activity, rpc("UpdateActivity", request,
                                                  field_prefix="activity.")))

    @operation(api, "post", f"{ACTIVITIES}/<activity_id>/comments",
               operation_id="createActivityComment",
               summary="Comment (批示) on a subordinate's follow-up record; the rep is told",
               description="Only a lead over the record's author may (403 otherwise; 404 for a "
               "record the caller does not see). Publishes `activity.commented`.",
               responses={201: ActivityComment}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_comment(path: ActivityPath, body: ActivityCommentCreate):
        comment = rpc("CreateActivityComment", sales_pb2.CreateActivityCommentRequest(
            comment=sales_pb2.ActivityComment(activity_id=path.activity_id, body=body.body),
            request_id=_request_id()), field_prefix="comment.")
        return json_response(_model(ActivityComment, comment), status=201, headers={
            "Location": f"{ACTIVITIES}/{path.activity_id}/comments"})

    @operation(api, "get", f"{ACTIVITIES}/<activity_id>/comments",
               operation_id="listActivityComments",
               summary="The manager comments on a follow-up record, newest first",
               responses={200: ActivityCommentPage}, calls_services=True)
    def list_comments(path: ActivityPath, query: FollowUpPageQuery):
        page = rpc("ListActivityComments", sales_pb2.ListActivityCommentsRequest(
            activity_id=path.activity_id, page_size=query.page_size or 0,
            page_token=query.page_token))
        return json_response(ActivityCommentPage(
            comments=[_model(ActivityComment, c) for c in page.comments],
            next_page_token=page.next_page_token))

    # --- follow-up tasks -----------------------------------------------------------------------

    @operation(api, "post", TASKS, operation_id="createFollowUpTask",
               summary="Create a follow-up task by hand",
               responses={201: FollowUpTask}, calls_services=True, creates=True,
               response_headers={201: ["Location"]})
    def create_task(body: FollowUpTaskCreate):
        task = rpc("CreateFollowUpTask", sales_pb2.CreateFollowUpTaskRequest(
            task=from_json(_created(body), sales_pb2.FollowUpTask()), request_id=_request_id()),
            field_prefix="task.")
        return json_response(_model(FollowUpTask, task), status=201,
                             headers={"Location": f"{TASKS}/{task.id}"})

    @operation(api, "get", TASKS, operation_id="listFollowUpTasks",
               summary="List follow-up tasks (default the open and overdue ones), earliest due first",
               description="Filters combine with AND; `state` and `reason` may repeat.",
               responses={200: FollowUpTaskPage}, calls_services=True)
    def list_tasks(query: FollowUpTaskListQuery):
        page = rpc("ListFollowUpTasks", sales_pb2.ListFollowUpTasksRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            owner_id=query.owner_id, department_path=query.department_path,
            states=_words(sales_pb2.FollowUpTaskState, query.state),
            customer_id=query.customer_id, lead_id=query.lead_id,
            due_date_range=types_pb2.DateRange(
                start_date=query.due_from.isoformat() if query.due_from else "",
                end_date=query.due_to.isoformat() if query.due_to else ""),
            reasons=_words(sales_pb2.FollowUpReason, query.reason)))
        return json_response(FollowUpTaskPage(
            tasks=[_model(FollowUpTask, t) for t in page.tasks],
            next_page_token=page.next_page_token))

    @operation(api, "get", f"{TASKS}/<task_id>", operation_id="getFollowUpTask",
               summary="Get a follow-up task", responses={200: FollowUpTask}, calls_services=True)
    def get_task(path: FollowUpTaskPath):
        return json_response(_model(FollowUpTask, rpc(
            "GetFollowUpTask", sales_pb2.GetFollowUpTaskRequest(id=path.task_id))))

    @operation(api, "patch", f"{TASKS}/<task_id>", operation_id="updateFollowUpTask",
               summary="Move, hand on or annotate a live follow-up task",
               responses={200: FollowUpTask}, calls_services=True)
    def update_task(path: FollowUpTaskPath, body: FollowUpTaskUpdate):  # type: ignore[valid-type]
        changes = _changes(body)
        request = sales_pb2.UpdateFollowUpTaskRequest(
            task=from_json(changes, sales_pb2.FollowUpTask(id=path.task_id)))
        request.update_mask.paths.extend(sorted(changes))
        return json_response(_model(FollowUpTask, rpc("UpdateFollowUpTask", request,
                                                      field_prefix="task.")))

    @operation(api, "post", f"{TASKS}/<task_id>/complete", operation_id="completeFollowUpTask",
               summary="Complete a task with the follow-up record that fulfilled it",
               description="A plan's task schedules the plan's next one.",
               responses={200: FollowUpTask}, calls_services=True)
    def complete_task(path: FollowUpTaskPath, body: FollowUpTaskCompletion):
        return json_response(_model(FollowUpTask, rpc(
            "CompleteFollowUpTask", sales_pb2.CompleteFollowUpTaskRequest(
                id=path.task_id, activity_id=body.activity_id))))

    @operation(api, "post", f"{TASKS}/<task_id>/cancel", operation_id="cancelFollowUpTask",
               summary="Cancel a task with a reason", responses={200: FollowUpTask},
               calls_services=True)
    def cancel_task(path: FollowUpTaskPath, body: FollowUpTaskCancellation):
        return json_response(_model(FollowUpTask, rpc(
            "CancelFollowUpTask", sales_pb2.CancelFollowUpTaskRequest(
                id=path.task_id, reason=body.reason))))

    # --- follow-up plans -----------------------------------------------------------------------

    @operation(api, "get", PLANS, operation_id="listFollowUpPlans",
               summary="List follow-up plans, earliest next contact first",
               responses={200: FollowUpPlanPage}, calls_services=True)
    def list_plans(query: FollowUpPlanListQuery):
        request = sales_pb2.ListFollowUpPlansRequest(
            page_size=query.page_size or 0, page_token=query.page_token,
            owner_id=query.owner_id, department_path=query.department_path,
            value_class=enum_number(types_pb2.ValueClass.DESCRIPTOR, query.value_class))
        if query.active is not None:
            request.active = query.active
        page = rpc("ListFollowUpPlans", request)
        return json_response(FollowUpPlanPage(
            plans=[_model(FollowUpPlan, p) for p in page.plans],
            next_page_token=page.next_page_token))

    @operation(api, "get", f"{PLANS}/<customer_id>", operation_id="getFollowUpPlan",
               summary="The follow-up plan of a customer (from its value class)",
               responses={200: FollowUpPlan}, calls_services=True)
    def get_plan(path: FollowUpPlanPath):
        return json_response(_model(FollowUpPlan, rpc(
            "GetFollowUpPlan", sales_pb2.GetFollowUpPlanRequest(customer_id=path.customer_id))))

    @operation(api, "patch", f"{PLANS}/<customer_id>", operation_id="updateFollowUpPlan",
               summary="Pause a customer's plan or give it a cadence of its own",
               responses={200: FollowUpPlan}, calls_services=True)
    def update_plan(path: FollowUpPlanPath, body: FollowUpPlanUpdate):  # type: ignore[valid-type]
        plan = rpc("GetFollowUpPlan", sales_pb2.GetFollowUpPlanRequest(
            customer_id=path.customer_id))
        changes = _changes(body)
        request = sales_pb2.UpdateFollowUpPlanRequest(
            plan=from_json(changes, sales_pb2.FollowUpPlan(id=plan.id)))
        request.update_mask.paths.extend(sorted(changes))
        return json_response(_model(FollowUpPlan, rpc("UpdateFollowUpPlan", request,
                                                      field_prefix="plan.")))

    # --- policy and report ---------------------------------------------------------------------

    @operation(api, "get", "/api/v1/sales/policy", operation_id="getSalesPolicy",
               summary="The sales policy: response targets, follow-up cadences, reminder days",
               responses={200: SalesPolicy}, calls_services=True)
    def get_policy():
        return json_response(_model(SalesPolicy, rpc("GetSalesPolicy",
                                                     sales_pb2.GetSalesPolicyRequest())))

    @operation(api, "patch", "/api/v1/sales/policy", operation_id="updateSalesPolicy",
               summary="Change figures of the sales policy (administrators)",
               responses={200: SalesPolicy}, calls_services=True)
    def update_policy(body: PolicyUpdate):  # type: ignore[valid-type]
        changes = _changes(body)
        request = sales_pb2.UpdateSalesPolicyRequest(
            policy=from_json(changes, sales_pb2.SalesPolicy()))
        request.update_mask.paths.extend(sorted(changes))
        return json_response(_model(SalesPolicy, rpc("UpdateSalesPolicy", request,
                                                     field_prefix="policy.")))

    @operation(api, "get", "/api/v1/sales/reports/follow-ups", operation_id="getFollowUpReport",
               summary="Follow-up frequency and timeliness per rep or team for a period",
               description="Timeliness is 1 - overdue tasks / all tasks due in the period.",
               responses={200: FollowUpReport}, calls_services=True)
    def follow_up_report(query: FollowUpReportQuery):
        report = rpc("GetFollowUpReport", sales_pb2.GetFollowUpReportRequest(
            period=types_pb2.DateRange(start_date=query.start_date.isoformat(),
                                       end_date=query.end_date.isoformat()),
            department_path=query.department_path,
            group_by=sales_pb2.REPORT_GROUP_BY_DEPARTMENT if query.group_by == "department"
            else sales_pb2.REPORT_GROUP_BY_OWNER))
        return json_response(_model(FollowUpReport, report))

    # --- win-back visits: why customers left (issue 19) ----------------------------------------

    @operation(api, "get", "/api/v1/sales/reports/churn", operation_id="getChurnReport",
               summary="Why lost customers left: churn reasons given on win-back visits",
               description="Counts the win-back visits recorded in the period per churn reason, "
               "among the follow-up records the caller may see.",
               responses={200: ChurnReport}, calls_services=True)
    def churn_report(query: ChurnReportQuery):
        report = rpc("GetChurnReport", sales_pb2.GetChurnReportRequest(
            period=types_pb2.DateRange(start_date=query.start_date.isoformat(),
                                       end_date=query.end_date.isoformat()),
            department_path=query.department_path))
        return json_response(_model(ChurnReport, report))

    @operation(api, "get", CHURN_REASONS, operation_id="listChurnReasons",
               summary="The churn reasons a win-back visit chooses from",
               responses={200: ChurnReasonPage}, calls_services=True)
    def list_churn_reasons(query: ChurnReasonListQuery):
        page = rpc("ListChurnReasons", sales_pb2.ListChurnReasonsRequest(
            include_inactive=query.include_inactive, page_size=query.page_size,
            page_token=query.page_token))
        return json_response(_model(ChurnReasonPage, page))

    @operation(api, "put", f"{CHURN_REASONS}/<code>", operation_id="upsertChurnReason",
               summary="Add or change a churn reason (administrators)",
               responses={200: ChurnReason}, calls_services=True)
    def upsert_churn_reason(path: ChurnReasonPath, body: ChurnReasonUpsert):
        reason = rpc("UpsertChurnReason", sales_pb2.UpsertChurnReasonRequest(
            churn_reason=sales_pb2.ChurnReason(code=path.code, name=body.name,
                                               name_en=body.name_en, position=body.position,
                                               active=body.active)),
            field_prefix="churn_reason.")
        return json_response(_model(ChurnReason, reason))

    app.register_api(api)
