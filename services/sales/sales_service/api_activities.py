"""Activity RPCs of ``crm.sales.v1.SalesService``: follow-up records, manager comments,
follow-up tasks and plans, the sales policy, the follow-up report and the personal-data export.
Mixed into :class:`sales_service.api.SalesServicer`.

Every method is one unit of work: a record, the tasks it completes or opens, the plan it moves
on and its event commit together. Anything the caller may not see is NOT_FOUND; something the
caller sees but may not do is PERMISSION_DENIED (a rep commenting, a lead editing a rep's
record); a task or plan in the wrong state is FAILED_PRECONDITION; a stale etag ABORTED.

Leads are the leads part's (its hooks ``self._visible_lead``, ``self._lead_contacted``);
opportunities the deals part's (read here through the caller's visibility over its table).
"""

from __future__ import annotations

import uuid
from datetime import date

from crm.common.v1 import privacy_pb2, types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.auth import Principal, current_principal, visibility_clause
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.field_limits import max_lengths
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, keyset_page_by, page_size_of
from crm_shared.references import Referenced
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import from_timestamp, to_timestamp
from google.protobuf import json_format
from google.protobuf.struct_pb2 import Struct
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sales_service import (
    activities,
    churn_reasons,
    customer_data,
    customer_facts,
    follow_ups,
    opportunity_collaborators,
    plans_and_tasks,
    policy,
    policy_updates,
)
from sales_service.activity_views import (
    METHODS,
    REASONS,
    TASK_STATES,
    activity_to_proto,
    class_letter,
    comment_to_proto,
    etag_of,
    plan_to_proto,
    task_to_proto,
)
from sales_service.customer_client import customer_client
from sales_service.follow_up_report import follow_up_report
from sales_service.models import (
    Activity,
    ActivityComment,
    CustomerFact,
    FollowUpPlan,
    FollowUpTask,
    Opportunity,
    SalesPolicyRow,
)

TASK_CREATE_FIELDS = {"customer_id", "lead_id", "opportunity_id", "owner_id", "title", "note",
                      "due_date", "suggested_method"}
TASK_UPDATE_FIELDS = {"due_date", "owner_id", "title", "note", "suggested_method"}
TASK_OUTPUT_ONLY = {"id", "plan_id", "department_path", "reason", "state", "remind_time",
                    "overdue_time", "complete_time", "completed_activity_id", "completed_late",
                    "cancel_reason", "create_time", "update_time", "created_by", "updated_by"}
TASK_LIMITS = max_lengths(sales_pb2.FollowUpTask)  # declared once, published by the gateway too
PLAN_UPDATE_FIELDS = {"interval_days", "senior_contact_interval_days", "active"}


def _required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "is required")]


def _refuse(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidArgument(violations)


def _mask(paths, allowed: set[str]) -> list[FieldViolation]:
    if not paths:
        return [FieldViolation("update_mask", "must name the fields to change")]
    return [FieldViolation("update_mask", f"`{path}` cannot be changed")
            for path in sorted(set(paths) - allowed)]


def _subtree(column, root: str):
    root = root.rstrip("/")
    return or_(column == root, column.startswith(root + "/", autoescape=True))


def _day_violations(text: str, field: str, today: date) -> list[FieldViolation]:
    day = follow_ups.parse_day(text)
    if day is None:
        return [FieldViolation(field, "must be a date YYYY-MM-DD")]
    if day < today:
        return [FieldViolation(field, "must not be in the past")]
    return []


def _period(period: types_pb2.DateRange) -> tuple[date, date]:
    start, end = follow_ups.parse_day(period.start_date), follow_ups.parse_day(period.end_date)
    violations = []
    if start is None:
        violations.append(FieldViolation("period.start_date", "must be a date YYYY-MM-DD"))
    if end is None:
        violations.append(FieldViolation("period.end_date", "must be a date YYYY-MM-DD"))
    if start and end and end < start:
        violations.append(FieldViolation("period.end_date", "must not be before start_date"))
    if start and end and (end - start).days > 366:
        violations.append(FieldViolation("period", "must cover at most 366 days"))
    _refuse(violations)
    return start, end  # type: ignore[return-value]


def _record(resource_type: str, resource_id: str, data: dict, create_time, created_by: str,
            update_time=None, updated_by: str = "") -> privacy_pb2.PersonalDataRecord:
    content = Struct()
    content.update(data)
    return privacy_pb2.PersonalDataRecord(
        resource_type=resource_type, resource_id=resource_id,
        audit=types_pb2.AuditStamp(create_time=to_timestamp(create_time), created_by=created_by,
                                   update_time=to_timestamp(update_time or create_time),
                                   updated_by=updated_by or created_by),
        data=content)


class ActivityRpcs:
    """Follow-up records, comments, tasks, plans, the sales policy, the follow-up report and
    the personal-data export."""

    # -- helpers ----------------------------------------------------------------------------------

    def _learn_customer(self, customer_id: str) -> None:
        """Make sure the customer facts know ``customer_id``: asked of the customer service
        (with the caller's token) when no event told of it yet. Before any unit of work."""
        if not customer_id:
            return
        with self.database.unit_of_work(readonly=True) as uow:
            if uow.session.get(CustomerFact, customer_id) is not None:
                return
        lookup = customer_client(self)
        found = lookup.get(customer_id) if lookup is not None else None
        if found is None:
            return  # the visibility check in the unit of work answers NOT_FOUND
        at = from_timestamp(found.update_time) if found.HasField("update_time") else utcnow()
        with self.database.unit_of_work() as uow:
            customer_facts.record_customer(uow.session, found, at)

    @staticmethod
    def _visible_customer(uow: UnitOfWork, principal: Principal, customer_id: str) -> CustomerFact:
        fact = uow.session.get(CustomerFact, customer_id)
        if not customer_facts.visible(uow.session, principal, fact):
            raise NotFound(f"customer {customer_id} not found")
        return fact

    @staticmethod
    def _on_a_visible_opportunity_of(uow: UnitOfWork, principal: Principal,
                                     data: sales_pb2.Activity) -> bool:
        """A follow-up on an opportunity the caller may see (its collaborators too) is one on
        that opportunity's customer: the customer needs no check of its own."""
        if not data.opportunity_id:
            return False
        opportunity = uow.session.scalars(select(Opportunity.customer_id).where(
            Opportunity.id == data.opportunity_id,
            opportunity_collaborators.visible_clause(principal))).first()
        return opportunity is not None and opportunity == data.customer_id

    def _activity_opportunity_violations(self, uow: UnitOfWork, principal: Principal, opportunity_id: str,
                                customer_id: str, field: str) -> list[FieldViolation]:
        """An opportunity named by a record or task must be visible and of its customer."""
        opportunity = self._visible_opportunity(uow, principal, opportunity_id)
        if customer_id and opportunity.customer_id != customer_id:
            return [FieldViolation(field, "is an opportunity of another customer")]
        return []

    @staticmethod
    def _visible_opportunity(uow: UnitOfWork, principal: Principal,
                             opportunity_id: str) -> Opportunity:
        """The deals part's opportunity the caller may see (its owner, their leads, ``all``, its
        collaborators); NOT_FOUND otherwise."""
        return opportunity_collaborators.visible(uow.session, principal, opportunity_id)

    def _owner_for(self, uow: UnitOfWork, principal: Principal, owner_id: str, *,
                   fact: CustomerFact | None, lead, field: str) -> tuple[str, str]:
        """(owner, department) of a task: the caller, or the owner of its customer or lead (a
        lead hands work to the rep who owns the customer). Anyone else's department is not
        known here, so they cannot be named."""
        if not owner_id or owner_id == principal.user_id:
            return principal.user_id, principal.department_path
        if fact is not None and owner_id == fact.owner_id:
            return fact.owner_id, fact.department_path
        if lead is not None and owner_id == lead.owner_id:
            return lead.owner_id, lead.department_path
        raise InvalidArgument(FieldViolation(
            field, "can be you, or the owner of the task's customer or lead"))

    # -- follow-up records ------------------------------------------------------------------------

    def CreateActivity(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"activity", "request_id"})
        data = request.activity
        now = utcnow()
        violations = unsupported_fields(data, activities.CREATE_FIELDS, prefix="activity.",
                                        ignored=activities.OUTPUT_ONLY_FIELDS)
        violations += activities.activity_violations(data, activities.CREATE_FIELDS, now,
                                                     creating=True)
        if data.owner_id and data.owner_id != principal.user_id:
            violations.append(FieldViolation(
                "activity.owner_id", "must be you: a record is made by whoever made the contact"))
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        if request.request_id:
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = self._activity_by_request(uow, request.request_id, principal)
                if earlier is not None:
                    return earlier
        self._learn_customer(data.customer_id)
        try:
            with self.database.unit_of_work() as uow:
                return self._record_activity(uow, principal, data, request.request_id, now)
        except IntegrityError:
            if not request.request_id:
                raise
            with self.database.unit_of_work(readonly=True) as uow:  # a retry raced the first
                earlier = self._activity_by_request(uow, request.request_id, principal)
                if earlier is None:
                    raise
                return earlier
        except StaleDataError as exc:
            # A task or plan this record completes changed meanwhile (the timer flagged it).
            raise Conflict("a follow-up task of this customer changed meanwhile; "
                           "record the follow-up again") from exc

    @staticmethod
    def _activity_by_request(uow: UnitOfWork, request_id: str,
                             principal: Principal) -> sales_pb2.Activity | None:
        earlier = earlier_request(uow.session, Activity, request_id, principal.user_id)
        return None if earlier is None else activity_to_proto(earlier)

    def _record_activity(self, uow: UnitOfWork, principal: Principal, data: sales_pb2.Activity,
                         request_id: str, now) -> sales_pb2.Activity:
        session = uow.session
        if data.customer_id and not self._on_a_visible_opportunity_of(uow, principal, data):
            self._visible_customer(uow, principal, data.customer_id)
        lead, first_contact = None, False
        violations: list[FieldViolation] = []
        if data.lead_id:
            lead = self._visible_lead(uow, principal, data.lead_id)
            first_contact = activities.is_first_contact(session, data.lead_id)
            violations += activities.qualification_violations(
                data.qualification if data.HasField("qualification") else None,
                "activity.qualification.", first_contact=first_contact)
        if data.opportunity_id:
            violations += self._activity_opportunity_violations(uow, principal, data.opportunity_id,
                                                       data.customer_id, "activity.opportunity_id")
        task = None
        if data.follow_up_task_id:
            task = plans_and_tasks.get_visible_task(session, principal, data.follow_up_task_id)
            if task is None:
                raise NotFound(f"follow-up task {data.follow_up_task_id} not found")
            if not follow_ups.is_live(task.state):
                raise FailedPrecondition(f"follow-up task {task.id} is {task.state}",
                                         reason="FOLLOW_UP_TASK_NOT_OPEN")
            if not ((task.customer_id and task.customer_id == data.customer_id)
                    or (task.lead_id and task.lead_id == data.lead_id)):
                violations.append(FieldViolation("activity.follow_up_task_id",
                                                 "is a task about another customer or lead"))
        violations += self._churn_violations(session, data, task)
        _refuse(violations)

        occur_time = from_timestamp(data.occur_time)
        row = Activity(
            id=str(uuid.uuid4()), customer_id=data.customer_id or None,
            lead_id=data.lead_id or None, opportunity_id=data.opportunity_id or None,
            contact_id=data.contact_id or None, contact_name=data.contact_name.strip() or None,
            method=METHODS.name(data.method), occur_time=occur_time, owner_id=principal.user_id,
            department_path=principal.department_path, topic=data.topic.strip(),
            summary=data.summary.strip(), customer_feedback=data.customer_feedback.strip(),
            objection=data.objection.strip(), next_step=data.next_step.strip(),
            next_step_due_date=data.next_step_due_date or None,
            qualification=json_format.MessageToDict(data.qualification)
            if data.HasField("qualification") else None,
            follow_up_task_id=task.id if task is not None else None, first_contact=first_contact,
            churn_reason=data.churn_reason or None, churn_note=data.churn_note.strip() or None,
            comment_count=0, create_time=now, update_time=now, created_by=principal.user_id,
            updated_by=principal.user_id, request_id=request_id or None)
        session.add(row)
        session.flush()
        contact_day = occur_time.date()
        if data.customer_id:
            plans_and_tasks.contact_recorded(session, customer_id=data.customer_id,
                                             owner_id=principal.user_id, contact_day=contact_day,
                                             activity_id=row.id, now=now)
        if task is not None and follow_ups.is_live(task.state):  # unless the contact did it
            plans_and_tasks.complete_task(session, task, activity_id=row.id,
                                          contact_day=contact_day, now=now,
                                          actor_id=principal.user_id)
        if row.next_step_due_date:
            next_task = plans_and_tasks.new_task(
                session, owner_id=principal.user_id, department_path=principal.department_path,
                reason=follow_ups.NEXT_STEP, title=row.next_step, now=now,
                due=date.fromisoformat(row.next_step_due_date), actor_id=principal.user_id,
                customer_id=data.customer_id, lead_id=data.lead_id,
                opportunity_id=data.opportunity_id)
            session.flush()
            row.next_step_task_id = next_task.id
        if lead is not None:
            self._lead_contacted(uow, lead, at=occur_time, actor_id=principal.user_id)
        session.flush()
        message = activity_to_proto(row)
        uow.emit(events_pb2.ActivityRecorded(activity=message),
                 key=data.customer_id or data.lead_id)
        return message

    @staticmethod
    def _churn_violations(session, data: sales_pb2.Activity, task) -> list[FieldViolation]:
        """A win-back visit must say why the customer left (one reason from the list); no
        other record carries a reason, so the churn report counts each loss once."""
        win_back = task is not None and task.reason == follow_ups.WIN_BACK
        if not win_back:
            return [FieldViolation("activity." + name, "is recorded only on the follow-up that "
                                   "completes a win-back task (follow_up_task_id)")
                    for name in ("churn_reason", "churn_note") if getattr(data, name).strip()]
        if not data.churn_reason:
            return [FieldViolation("activity.churn_reason",
                                   "is required on a win-back visit: why did the customer leave?")]
        if not churn_reasons.is_offered(session, data.churn_reason):
            return [FieldViolation("activity.churn_reason",
                                   "is not a churn reason (see ListChurnReasons)")]
        return []

    def GetActivity(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = activities.get_visible(uow.session, principal, request.id)
            if row is None:
                raise NotFound(f"follow-up record {request.id} not found")
            return activity_to_proto(row)

    def ListActivities(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "customer_id", "lead_id",
                                     "opportunity_id", "owner_id", "department_path", "methods",
                                     "start_time", "end_time"})
        where = [activities.activity_visibility(principal)]
        for name in ("customer_id", "lead_id", "opportunity_id", "owner_id"):
            if getattr(request, name):
                where.append(getattr(Activity, name) == getattr(request, name))
        if request.department_path:
            where.append(_subtree(Activity.department_path, request.department_path))
        methods = [METHODS.name(method) for method in request.methods]
        if not all(methods):
            raise InvalidArgument(FieldViolation("methods", "holds an unspecified value"))
        if methods:
            where.append(Activity.method.in_(methods))
        if request.HasField("start_time"):
            where.append(Activity.occur_time >= from_timestamp(request.start_time))
        if request.HasField("end_time"):
            where.append(Activity.occur_time < from_timestamp(request.end_time))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session, select(Activity).where(*where), order_column=Activity.occur_time,
                id_column=Activity.id, descending=True,
                page_size=page_size_of(request.page_size), page_token=request.page_token)
            return sales_pb2.ListActivitiesResponse(
                activities=[activity_to_proto(row) for row in rows], next_page_token=token)

    def referenced_activity(self, activity_id: str) -> Referenced | None:
        """The look-up of ``crm_shared.references`` for a follow-up record being changed: the
        record as the caller may see it, with the customer it is about (a new contact must be
        one of that customer's); None when it is not the caller's to see."""
        with self.database.unit_of_work(readonly=True) as uow:
            row = activities.get_visible(uow.session, current_principal(), activity_id)
            if row is None:
                return None
            return Referenced(owner_id=row.owner_id, department_path=row.department_path,
                              active=True, belongs_to_id=row.customer_id or "")

    def UpdateActivity(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"activity", "update_mask"})
        data = request.activity
        paths = set(request.update_mask.paths)
        now = utcnow()
        violations = _mask(paths, activities.UPDATE_FIELDS)
        violations += activities.activity_violations(data, paths & activities.UPDATE_FIELDS, now,
                                                     creating=False)
        _refuse(violations)
        try:
            with self.database.unit_of_work() as uow:
                row = activities.get_visible(uow.session, principal, data.id)
                if row is None:
                    raise NotFound(f"follow-up record {data.id} not found")
                if row.owner_id != principal.user_id:
                    raise PermissionDenied("only the author may change a follow-up record")
                if data.etag and data.etag != etag_of(row):
                    raise Conflict(f"follow-up record {row.id} changed since it was read "
                                   f"(etag {data.etag} is stale)")
                if "qualification" in paths and row.first_contact:
                    _refuse(activities.qualification_violations(
                        data.qualification if data.HasField("qualification") else None,
                        "activity.qualification.", first_contact=True))
                for path in sorted(paths):
                    if path == "method":
                        row.method = METHODS.name(data.method)
                    elif path == "occur_time":
                        row.occur_time = from_timestamp(data.occur_time)
                    elif path == "qualification":
                        row.qualification = json_format.MessageToDict(data.qualification) \
                            if data.HasField("qualification") else None
                    elif path in ("contact_id", "contact_name"):
                        setattr(row, path, getattr(data, path).strip() or None)
                    else:
                        setattr(row, path, getattr(data, path).strip())
                row.update_time, row.updated_by = now, principal.user_id
                uow.session.flush()
                return activity_to_proto(row)
        except StaleDataError as exc:
            raise Conflict(f"follow-up record {data.id} was changed by someone else meanwhile; "
                           "read it again") from exc

    # -- manager comments -------------------------------------------------------------------------

    def CreateActivityComment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"comment", "request_id"})
        data = request.comment
        violations = unsupported_fields(data, {"activity_id", "body"}, prefix="comment.",
                                        ignored={"id", "author_id", "activity_owner_id",
                                                 "department_path", "create_time"})
        violations += _required(data.activity_id, "comment.activity_id")
        violations += _required(data.body, "comment.body")
        if len(data.body) > activities.COMMENT_LIMIT:
            violations.append(FieldViolation(
                "comment.body", f"must be at most {activities.COMMENT_LIMIT} characters"))
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(uow.session, ActivityComment, request.request_id,
                                          principal.user_id, creator="author_id")
                if earlier is not None:
                    return comment_to_proto(earlier)
                activity = activities.get_visible(uow.session, principal, data.activity_id)
                if activity is None:
                    raise NotFound(f"follow-up record {data.activity_id} not found")
                if not activities.may_comment(principal, owner_id=activity.owner_id,
                                              department_path=activity.department_path):
                    raise PermissionDenied("only a lead of the record's author may comment on it")
                now = utcnow()
                comment = ActivityComment(
                    id=str(uuid.uuid4()), activity_id=activity.id,
                    customer_id=activity.customer_id, author_id=principal.user_id,
                    body=data.body.strip(), activity_owner_id=activity.owner_id,
                    department_path=activity.department_path, create_time=now,
                    request_id=request.request_id or None)
                uow.session.add(comment)
                activity.comment_count += 1
                uow.session.flush()
                message = comment_to_proto(comment)
                uow.emit(events_pb2.ActivityCommented(
                    comment=message, activity_topic=activity.topic,
                    customer_id=activity.customer_id or "", lead_id=activity.lead_id or ""),
                    key=activity.id)
                return message
        except StaleDataError as exc:
            raise Conflict(f"follow-up record {data.activity_id} changed meanwhile; "
                           "try again") from exc

    def ListActivityComments(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "activity_id",
                                     "activity_owner_id", "author_id"})
        query = (select(ActivityComment).join(Activity, Activity.id == ActivityComment.activity_id)
                 .where(activities.activity_visibility(principal)))
        for name in ("activity_id", "activity_owner_id", "author_id"):
            if getattr(request, name):
                query = query.where(getattr(ActivityComment, name) == getattr(request, name))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(
                uow.session, query, created_column=ActivityComment.create_time,
                id_column=ActivityComment.id, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            return sales_pb2.ListActivityCommentsResponse(
                comments=[comment_to_proto(row) for row in rows], next_page_token=token)

    # -- follow-up tasks --------------------------------------------------------------------------

    def CreateFollowUpTask(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"task", "request_id"})
        data = request.task
        now = utcnow()
        violations = unsupported_fields(data, TASK_CREATE_FIELDS, prefix="task.",
                                        ignored=TASK_OUTPUT_ONLY)
        violations += activities.text_violations(data, TASK_CREATE_FIELDS, TASK_LIMITS, "task.")
        if not data.customer_id and not data.lead_id:
            violations.append(FieldViolation("task.customer_id",
                                             "one of customer_id and lead_id is required"))
        violations += _required(data.title, "task.title")
        violations += _day_violations(data.due_date, "task.due_date", follow_ups.day_of(now))
        if data.suggested_method and not METHODS.name(data.suggested_method):
            violations.append(FieldViolation("task.suggested_method", "is not a known method"))
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        if request.request_id:
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = self._task_by_request(uow, request.request_id, principal)
                if earlier is not None:
                    return earlier
        self._learn_customer(data.customer_id)
        try:
            with self.database.unit_of_work() as uow:
                fact = self._visible_customer(uow, principal, data.customer_id) \
                    if data.customer_id else None
                lead = self._visible_lead(uow, principal, data.lead_id) if data.lead_id else None
                if data.opportunity_id:
                    _refuse(self._activity_opportunity_violations(uow, principal, data.opportunity_id,
                                                         data.customer_id, "task.opportunity_id"))
                owner, department = self._owner_for(uow, principal, data.owner_id, fact=fact,
                                                    lead=lead, field="task.owner_id")
                task = plans_and_tasks.new_task(
                    uow.session, owner_id=owner, department_path=department,
                    reason=follow_ups.MANUAL, title=data.title.strip(), note=data.note.strip(),
                    due=date.fromisoformat(data.due_date), now=now, actor_id=principal.user_id,
                    customer_id=data.customer_id, lead_id=data.lead_id,
                    opportunity_id=data.opportunity_id,
                    suggested_method=METHODS.name(data.suggested_method) or None,
                    request_id=request.request_id or None)
                uow.session.flush()
                return task_to_proto(task)
        except IntegrityError:
            if not request.request_id:
                raise
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = self._task_by_request(uow, request.request_id, principal)
                if earlier is None:
                    raise
                return earlier

    @staticmethod
    def _task_by_request(uow: UnitOfWork, request_id: str,
                         principal: Principal) -> sales_pb2.FollowUpTask | None:
        earlier = earlier_request(uow.session, FollowUpTask, request_id, principal.user_id)
        return None if earlier is None else task_to_proto(earlier)

    def GetFollowUpTask(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return task_to_proto(self._visible_task(uow, principal, request.id))

    @staticmethod
    def _visible_task(uow: UnitOfWork, principal: Principal, task_id: str) -> FollowUpTask:
        task = plans_and_tasks.get_visible_task(uow.session, principal, task_id)
        if task is None:
            raise NotFound(f"follow-up task {task_id} not found")
        return task

    def ListFollowUpTasks(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "owner_id", "department_path",
                                     "states", "customer_id", "lead_id", "due_date_range",
                                     "reasons"})
        where = [plans_and_tasks.task_visibility(principal)]
        states = [TASK_STATES.name(state) for state in request.states]
        reasons = [REASONS.name(reason) for reason in request.reasons]
        violations = []
        if not all(states):
            violations.append(FieldViolation("states", "holds an unspecified value"))
        if not all(reasons):
            violations.append(FieldViolation("reasons", "holds an unspecified value"))
        due = request.due_date_range
        for name in ("start_date", "end_date"):
            if getattr(due, name) and follow_ups.parse_day(getattr(due, name)) is None:
                violations.append(FieldViolation(f"due_date_range.{name}",
                                                 "must be a date YYYY-MM-DD"))
        _refuse(violations)
        where.append(FollowUpTask.state.in_(states or list(follow_ups.LIVE_STATES)))
        if reasons:
            where.append(FollowUpTask.reason.in_(reasons))
        for name in ("owner_id", "customer_id", "lead_id"):
            if getattr(request, name):
                where.append(getattr(FollowUpTask, name) == getattr(request, name))
        if request.department_path:
            where.append(_subtree(FollowUpTask.department_path, request.department_path))
        if due.start_date:
            where.append(FollowUpTask.due_date >= due.start_date)
        if due.end_date:
            where.append(FollowUpTask.due_date <= due.end_date)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session, select(FollowUpTask).where(*where),
                order_column=FollowUpTask.due_date, id_column=FollowUpTask.id, descending=False,
                page_size=page_size_of(request.page_size), page_token=request.page_token)
            return sales_pb2.ListFollowUpTasksResponse(
                tasks=[task_to_proto(row) for row in rows], next_page_token=token)

    def _change_task(self, task_id: str, change):
        """Load the visible live task, apply ``change(uow, task, principal, now)``, answer the
        task after it; one unit of work, guarded by the task's version."""
        principal = current_principal()
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                task = self._visible_task(uow, principal, task_id)
                if not follow_ups.is_live(task.state):
                    raise FailedPrecondition(f"follow-up task {task.id} is {task.state}",
                                             reason="FOLLOW_UP_TASK_NOT_OPEN")
                change(uow, task, principal, now)
                uow.session.flush()
                return task_to_proto(task)
        except StaleDataError as exc:
            raise Conflict(f"follow-up task {task_id} was changed by someone else meanwhile; "
                           "read it again") from exc

    def UpdateFollowUpTask(self, request, context):
        refuse_unsupported(request, {"task", "update_mask"})
        data = request.task
        paths = set(request.update_mask.paths)
        violations = _mask(paths, TASK_UPDATE_FIELDS)
        violations += activities.text_violations(data, paths, TASK_LIMITS, "task.")
        if "title" in paths:
            violations += _required(data.title, "task.title")
        if "due_date" in paths:
            violations += _day_violations(data.due_date, "task.due_date",
                                          follow_ups.day_of(utcnow()))
        if "suggested_method" in paths and data.suggested_method and not METHODS.name(
                data.suggested_method):
            violations.append(FieldViolation("task.suggested_method", "is not a known method"))
        _refuse(violations)

        def change(uow, task, principal, now):
            if "owner_id" in paths:
                fact = uow.session.get(CustomerFact, task.customer_id) if task.customer_id else None
                lead = None
                if task.lead_id and data.owner_id not in (
                        "", principal.user_id, fact.owner_id if fact else ""):
                    lead = self._visible_lead(uow, principal, task.lead_id)
                task.owner_id, task.department_path = self._owner_for(
                    uow, principal, data.owner_id, fact=fact, lead=lead, field="task.owner_id")
            if "due_date" in paths:
                plans_and_tasks.reschedule_task(task, date.fromisoformat(data.due_date),
                                                follow_ups.day_of(now))
            if "title" in paths:
                task.title = data.title.strip()
            if "note" in paths:
                task.note = data.note.strip()
            if "suggested_method" in paths:
                task.suggested_method = METHODS.name(data.suggested_method) or None
            task.update_time, task.updated_by = now, principal.user_id

        return self._change_task(data.id, change)

    def CompleteFollowUpTask(self, request, context):
        refuse_unsupported(request, {"id", "activity_id"})
        _refuse(_required(request.activity_id, "activity_id"))

        def change(uow, task, principal, now):
            activity = activities.get_visible(uow.session, principal, request.activity_id)
            if activity is None:
                raise NotFound(f"follow-up record {request.activity_id} not found")
            if not ((task.customer_id and activity.customer_id == task.customer_id)
                    or (task.lead_id and activity.lead_id == task.lead_id)):
                raise InvalidArgument(FieldViolation(
                    "activity_id", "is a follow-up record about another customer or lead"))
            if task.reason == follow_ups.WIN_BACK and not activity.churn_reason:
                raise InvalidArgument(FieldViolation(
                    "activity_id", "is a record without a churn_reason; a win-back visit is "
                    "completed by the record that says why the customer left"))
            plans_and_tasks.complete_task(uow.session, task, activity_id=activity.id,
                                          contact_day=activity.occur_time.date(), now=now,
                                          actor_id=principal.user_id)
            if not activity.follow_up_task_id:
                activity.follow_up_task_id = task.id

        return self._change_task(request.id, change)

    def CancelFollowUpTask(self, request, context):
        refuse_unsupported(request, {"id", "reason"})
        violations = _required(request.reason, "reason")
        if len(request.reason) > 2000:
            violations.append(FieldViolation("reason", "must be at most 2000 characters"))
        _refuse(violations)

        def change(uow, task, principal, now):
            plans_and_tasks.cancel_task(uow.session, task, reason=request.reason.strip(),
                                        now=now, actor_id=principal.user_id)

        return self._change_task(request.id, change)

    # -- follow-up plans --------------------------------------------------------------------------

    @staticmethod
    def _plan_message(session, plan: FollowUpPlan,
                      values: policy.SalesPolicyValues) -> sales_pb2.FollowUpPlan:
        cadence = plans_and_tasks.plan_cadence(plan, values)
        return plan_to_proto(plan, cadence.interval_days if cadence else 0,
                             cadence.senior_interval_days if cadence else 0,
                             session.get(CustomerFact, plan.customer_id))

    @staticmethod
    def _plan_visibility(principal: Principal):
        return visibility_clause(principal, FollowUpPlan.owner_id, FollowUpPlan.department_path)

    def GetFollowUpPlan(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id"})
        _refuse(_required(request.customer_id, "customer_id"))
        with self.database.unit_of_work(readonly=True) as uow:
            plan = uow.session.scalars(select(FollowUpPlan).where(
                FollowUpPlan.customer_id == request.customer_id,
                self._plan_visibility(principal))).first()
            if plan is None:
                raise NotFound(f"follow-up plan of customer {request.customer_id} not found")
            return self._plan_message(uow.session, plan, policy.current(uow.session))

    def ListFollowUpPlans(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "owner_id", "department_path",
                                     "value_class", "active"})
        where = [self._plan_visibility(principal)]
        if request.owner_id:
            where.append(FollowUpPlan.owner_id == request.owner_id)
        if request.department_path:
            where.append(_subtree(FollowUpPlan.department_path, request.department_path))
        if request.value_class:
            letter = class_letter(request.value_class)
            if letter is None:
                raise InvalidArgument(FieldViolation("value_class", "is not a value class"))
            where.append(FollowUpPlan.value_class == letter)
        if request.HasField("active"):
            where.append(FollowUpPlan.active.is_(request.active))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session, select(FollowUpPlan).where(*where),
                order_column=FollowUpPlan.next_due_date, id_column=FollowUpPlan.id,
                descending=False, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            values = policy.current(uow.session)
            return sales_pb2.ListFollowUpPlansResponse(
                plans=[self._plan_message(uow.session, row, values) for row in rows],
                next_page_token=token)

    def UpdateFollowUpPlan(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"plan", "update_mask"})
        data = request.plan
        paths = set(request.update_mask.paths)
        violations = _mask(paths, PLAN_UPDATE_FIELDS)
        if "interval_days" in paths and not 0 <= data.interval_days <= follow_ups.MAX_INTERVAL_DAYS:
            violations.append(FieldViolation(
                "plan.interval_days", "must be 1 to 365 days, or 0 for the value class's default"))
        if "senior_contact_interval_days" in paths and not (
                0 <= data.senior_contact_interval_days <= follow_ups.MAX_INTERVAL_DAYS):
            violations.append(FieldViolation("plan.senior_contact_interval_days",
                                             "must be 0 (none) to 365 days"))
        _refuse(violations)
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                plan = uow.session.scalars(select(FollowUpPlan).where(
                    FollowUpPlan.id == data.id, self._plan_visibility(principal))).first()
                if plan is None:
                    raise NotFound(f"follow-up plan {data.id} not found")
                if "interval_days" in paths:
                    plan.interval_override = data.interval_days or None
                if "senior_contact_interval_days" in paths:
                    plan.senior_override = data.senior_contact_interval_days
                if "active" in paths:
                    plan.active = data.active
                plan.update_time = now
                uow.session.flush()
                values = policy.current(uow.session)
                plans_and_tasks.sync_plan(uow.session, plan, values, now,
                                          replan=bool(paths - {"active"}))
                uow.session.flush()
                return self._plan_message(uow.session, plan, values)
        except StaleDataError as exc:
            raise Conflict(f"follow-up plan {data.id} was changed meanwhile; read it again") from exc

    # -- sales policy -----------------------------------------------------------------------------

    @staticmethod
    def _policy_message(uow: UnitOfWork) -> sales_pb2.SalesPolicy:
        message = policy.to_proto(policy.current(uow.session))
        row = uow.session.get(SalesPolicyRow, 1)
        if row is not None:
            message.update_time.CopyFrom(to_timestamp(row.update_time))
            message.updated_by = row.updated_by
        return message

    def GetSalesPolicy(self, request, context):
        current_principal()
        refuse_unsupported(request, set())
        with self.database.unit_of_work(readonly=True) as uow:
            return self._policy_message(uow)

    def UpdateSalesPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "update_mask"})
        # Who may change it (admins) is the contract's ``(crm.common.v1.access)`` rule, enforced
        # before this handler runs (crm_shared.access): one declaration, from the role list.
        paths = list(request.update_mask.paths)
        violations = policy_updates.mask_violations(paths)
        violations += policy_updates.policy_violations(
            request.policy, set(paths) & set(policy_updates.POLICY_FIELDS))
        _refuse(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            values = policy_updates.apply_update(policy.current(uow.session), request.policy,
                                                 set(paths))
            document = json_format.MessageToDict(policy.to_proto(values))
            row = uow.session.get(SalesPolicyRow, 1)
            if row is None:
                row = SalesPolicyRow(id=1)
                uow.session.add(row)
            row.document, row.updated_by, row.update_time = document, principal.user_id, now
            uow.session.flush()
            return self._policy_message(uow)

    # -- report -----------------------------------------------------------------------------------

    def GetFollowUpReport(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "group_by"})
        start, end = _period(request.period)
        by = request.group_by or sales_pb2.REPORT_GROUP_BY_OWNER
        if by not in (sales_pb2.REPORT_GROUP_BY_OWNER, sales_pb2.REPORT_GROUP_BY_DEPARTMENT):
            raise InvalidArgument(FieldViolation("group_by", "must be OWNER or DEPARTMENT"))
        with self.database.unit_of_work(readonly=True) as uow:
            return follow_up_report(uow.session, principal, start=start, end=end,
                                    department_path=request.department_path,
                                    by_department=by == sales_pb2.REPORT_GROUP_BY_DEPARTMENT)

    # -- personal data ----------------------------------------------------------------------------

    def ExportCustomerData(self, request, context):
        principal = current_principal()
        # Who may export: the contract's access option (the privacy roles of
        # crm_shared.auth.roles), enforced by the RPC gate before this runs.
        refuse_unsupported(request, {"customer_id", "access_purpose"})
        _refuse(_required(request.customer_id, "customer_id"))
        export = privacy_pb2.PersonalDataExport(customer_id=request.customer_id,
                                                source_service="sales",
                                                generate_time=to_timestamp(utcnow()))
        with self.database.unit_of_work(readonly=True) as uow:
            # Like every read, only what the caller may see: a privacy role exports within
            # its own data scope (the ticket service's export does the same).
            for held in customer_data.rows_about(uow.session, [request.customer_id],
                                                 viewer=principal):
                export.records.append(_record(held.resource_type, held.resource_id, held.data,
                                              held.create_time, held.created_by,
                                              held.update_time, held.updated_by))
        return export

