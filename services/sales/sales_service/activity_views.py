"""Rows ⇄ protos for follow-up records, manager comments, follow-up tasks and plans. Enums are
stored by their short lower-case names (``FOLLOW_UP_METHOD_WECHAT`` ⇄ ``wechat``)."""

from __future__ import annotations

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format

from sales_service.models import (
    Activity,
    ActivityComment,
    CustomerFact,
    FollowUpPlan,
    FollowUpTask,
)

METHODS = EnumNames(sales_pb2.FollowUpMethod, "FOLLOW_UP_METHOD_")
REASONS = EnumNames(sales_pb2.FollowUpReason, "FOLLOW_UP_REASON_")
TASK_STATES = EnumNames(sales_pb2.FollowUpTaskState, "FOLLOW_UP_TASK_STATE_")
VALUE_CLASSES = EnumNames(types_pb2.ValueClass, "VALUE_CLASS_")
"""Short names ``a``, ``b``, ``c``; stored upper-case (``A``) like the policy's letters."""


def class_letter(value: int) -> str | None:
    return VALUE_CLASSES.name(value).upper() or None


def class_value(letter: str | None) -> int:
    return VALUE_CLASSES.value((letter or "").lower())


def etag_of(row) -> str:
    return f'W/"{row.version}"'


def qualification_of(data: dict | None) -> sales_pb2.LeadQualification | None:
    if not data:
        return None
    return json_format.ParseDict(data, sales_pb2.LeadQualification(), ignore_unknown_fields=True)


def activity_to_proto(row: Activity) -> sales_pb2.Activity:
    return sales_pb2.Activity(
        id=row.id,
        customer_id=row.customer_id or "",
        lead_id=row.lead_id or "",
        opportunity_id=row.opportunity_id or "",
        contact_id=row.contact_id or "",
        contact_name=row.contact_name or "",
        method=METHODS.value(row.method),
        occur_time=to_timestamp(row.occur_time),
        owner_id=row.owner_id,
        department_path=row.department_path,
        topic=row.topic,
        summary=row.summary,
        customer_feedback=row.customer_feedback,
        objection=row.objection,
        next_step=row.next_step,
        next_step_due_date=row.next_step_due_date or "",
        qualification=qualification_of(row.qualification),
        follow_up_task_id=row.follow_up_task_id or "",
        first_contact=row.first_contact,
        churn_reason=row.churn_reason or "",
        churn_note=row.churn_note or "",
        comment_count=row.comment_count,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
        etag=etag_of(row),
    )


def comment_to_proto(row: ActivityComment) -> sales_pb2.ActivityComment:
    return sales_pb2.ActivityComment(
        id=row.id,
        activity_id=row.activity_id,
        author_id=row.author_id,
        body=row.body,
        activity_owner_id=row.activity_owner_id,
        department_path=row.department_path,
        create_time=to_timestamp(row.create_time),
    )


def task_to_proto(row: FollowUpTask) -> sales_pb2.FollowUpTask:
    return sales_pb2.FollowUpTask(
        id=row.id,
        plan_id=row.plan_id or "",
        customer_id=row.customer_id or "",
        lead_id=row.lead_id or "",
        opportunity_id=row.opportunity_id or "",
        owner_id=row.owner_id,
        department_path=row.department_path,
        reason=REASONS.value(row.reason),
        title=row.title,
        note=row.note,
        due_date=row.due_date,
        suggested_method=METHODS.value(row.suggested_method),
        state=TASK_STATES.value(row.state),
        remind_time=to_timestamp(row.remind_time),
        overdue_time=to_timestamp(row.overdue_time),
        complete_time=to_timestamp(row.complete_time),
        completed_activity_id=row.completed_activity_id or "",
        completed_late=row.completed_late,
        cancel_reason=row.cancel_reason or "",
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
        segment_id=row.segment_id or "",
        segment_name=row.segment_name or "",
    )


def plan_to_proto(row: FollowUpPlan, interval_days: int, senior_interval_days: int,
                  fact: CustomerFact | None = None) -> sales_pb2.FollowUpPlan:
    """``interval_days`` / ``senior_interval_days``: the cadence in force (the plan's own or
    the policy's for its class), so a reader sees what the plan does; ``fact``: the customer's,
    for its estimated class."""
    estimated = fact.prospect_class if fact is not None else None
    return sales_pb2.FollowUpPlan(
        estimated_class=class_value(estimated),
        estimated_class_reason=(fact.prospect_class_reason or "") if estimated else "",
        estimated_class_rule_id=(fact.prospect_class_rule_id or "") if estimated else "",
        follows_estimated_class=bool(estimated) and not fact.value_class,
        id=row.id,
        customer_id=row.customer_id,
        owner_id=row.owner_id,
        department_path=row.department_path,
        value_class=class_value(row.value_class),
        interval_days=interval_days,
        senior_contact_interval_days=senior_interval_days,
        next_due_date=row.next_due_date if row.active and row.value_class else "",
        last_contact_date=row.last_contact_date or "",
        active=row.active,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
    )
