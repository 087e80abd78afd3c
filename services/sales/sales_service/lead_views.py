"""Rows ⇄ protos for leads, grading and assignment rules, sales reps and assignment decisions.
Enums are stored by their short lower-case names (``LEAD_STATUS_ASSIGNED`` ⇄ ``assigned``);
grades by their letter (``LEAD_GRADE_A`` ⇄ ``A``)."""

from __future__ import annotations

from datetime import datetime

from crm.common.v1 import rules_pb2, types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.contact_masks import masked_copy
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format

from sales_service.models import (
    AssignmentRuleRecord,
    Lead,
    LeadAssignmentRecord,
    LeadGradingRuleRecord,
    SalesRep,
)

STATUSES = EnumNames(sales_pb2.LeadStatus, "LEAD_STATUS_")
SOURCES = EnumNames(types_pb2.SourceChannel, "SOURCE_CHANNEL_")
INTENTS = EnumNames(sales_pb2.IntentLevel, "INTENT_LEVEL_")
CLARITIES = EnumNames(sales_pb2.NeedClarity, "NEED_CLARITY_")
SENIORITIES = EnumNames(sales_pb2.RepSeniority, "REP_SENIORITY_")
STRATEGIES = EnumNames(sales_pb2.AssignmentStrategy, "ASSIGNMENT_STRATEGY_")
METHODS = EnumNames(sales_pb2.AssignmentMethod, "ASSIGNMENT_METHOD_")
GRADES = EnumNames(sales_pb2.LeadGrade, "LEAD_GRADE_")
SUBJECTS = EnumNames(sales_pb2.GradingSubject, "GRADING_SUBJECT_")
"""What a grading rule grades, stored by short name (``lead_grading.LEAD``, ``PROSPECT``)."""
"""Short names ``a``, ``b``, ``c``; stored upper-case (``A``) like the policy's letters."""


def grade_letter(value: int) -> str:
    return GRADES.name(value).upper()


def grade_value(letter: str | None) -> int:
    return GRADES.value((letter or "").lower())


def etag_of(lead: Lead) -> str:
    return f'W/"{lead.version}"'


def money(currency: str | None, minor: int | None) -> types_pb2.Money | None:
    if minor is None:
        return None
    return types_pb2.Money(currency_code=currency or "", amount_minor=minor)


CONTACT_FIELDS = ("phone", "email")
"""The lead's contact's addresses. ``lead.created`` carries them masked (:func:`lead_for_event`):
its one consumer, marketing's attribution, needs only ids, and an event is copied to every
queue, the broker and its dead-letter queues. Whoever calls the lead reads it from this
service (``GetLead``), as the rep whose lead it is."""

FREE_TEXT_FIELDS = ("need_description",)
"""What the person typed about their need (the public lead form): it often repeats a phone or
an e-mail, so ``lead.created`` carries it with each such value masked."""


def lead_for_event(message: sales_pb2.Lead) -> sales_pb2.Lead:
    """A copy of ``message`` as an event carries it: :data:`CONTACT_FIELDS` masked, and the
    addresses inside :data:`FREE_TEXT_FIELDS` (:mod:`crm_shared.contact_masks`); ``message``
    (the caller's answer) is left as it is."""
    return masked_copy(message, CONTACT_FIELDS, FREE_TEXT_FIELDS)


def lead_to_proto(lead: Lead, duplicate_ids: list[str] = ()) -> sales_pb2.Lead:
    return sales_pb2.Lead(
        id=lead.id,
        number=lead.number,
        contact_name=lead.contact_name,
        company_name=lead.company_name,
        job_title=lead.job_title,
        phone=lead.phone or "",
        email=lead.email or "",
        source=SOURCES.value(lead.source),
        source_detail=lead.source_detail,
        intake_params=dict(lead.intake_params or {}),
        campaign_id=lead.campaign_id or "",
        campaign_variant_id=lead.campaign_variant_id or "",
        intent_level=INTENTS.value(lead.intent_level),
        need_clarity=CLARITIES.value(lead.need_clarity),
        need_description=lead.need_description,
        product_interests=list(lead.product_interests or []),
        budget=money(lead.budget_currency, lead.budget_minor),
        decision_maker=lead.decision_maker,
        grade=grade_value(lead.grade),
        grade_reason=lead.grade_reason,
        grade_rule_id=lead.grade_rule_id or "",
        grade_locked=lead.grade_locked,
        status=STATUSES.value(lead.status),
        owner_id=lead.owner_id or "",
        department_path=lead.department_path,
        assign_time=to_timestamp(lead.assign_time),
        first_contact_due_time=to_timestamp(lead.first_contact_due_time),
        first_contact_time=to_timestamp(lead.first_contact_time),
        first_contact_overdue=lead.first_contact_overdue,
        customer_id=lead.customer_id or "",
        opportunity_id=lead.opportunity_id or "",
        convert_time=to_timestamp(lead.convert_time),
        disqualify_reason=lead.disqualify_reason or "",
        duplicate_lead_ids=list(duplicate_ids),
        last_activity_time=to_timestamp(lead.last_activity_time),
        create_time=to_timestamp(lead.create_time),
        update_time=to_timestamp(lead.update_time),
        created_by=lead.created_by,
        updated_by=lead.updated_by,
        etag=etag_of(lead),
    )


def condition_of(document: dict | None) -> rules_pb2.ConditionGroup:
    return json_format.ParseDict(document or {}, rules_pb2.ConditionGroup())


def condition_json(group: rules_pb2.ConditionGroup) -> dict:
    return json_format.MessageToDict(group)


def grading_subject(value: int) -> str | None:
    """``lead`` or ``prospect`` (as stored); None for UNSPECIFIED or an unknown number."""
    return SUBJECTS.name(value) or None


def grading_rule_to_proto(rule: LeadGradingRuleRecord) -> sales_pb2.LeadGradingRule:
    return sales_pb2.LeadGradingRule(
        id=rule.id, display_name=rule.display_name, grade=grade_value(rule.grade),
        condition=condition_of(rule.condition), priority=rule.priority, enabled=rule.enabled,
        create_time=to_timestamp(rule.create_time), update_time=to_timestamp(rule.update_time),
        created_by=rule.created_by, updated_by=rule.updated_by,
        subject=SUBJECTS.value(rule.subject))


def assignment_rule_to_proto(rule: AssignmentRuleRecord) -> sales_pb2.AssignmentRule:
    return sales_pb2.AssignmentRule(
        id=rule.id, display_name=rule.display_name, condition=condition_of(rule.condition),
        department_path=rule.department_path, min_seniority=SENIORITIES.value(rule.min_seniority),
        user_ids=list(rule.user_ids or []), strategy=STRATEGIES.value(rule.strategy),
        priority=rule.priority, enabled=rule.enabled,
        create_time=to_timestamp(rule.create_time), update_time=to_timestamp(rule.update_time),
        created_by=rule.created_by, updated_by=rule.updated_by)


def rep_to_proto(rep: SalesRep, open_lead_count: int) -> sales_pb2.SalesRep:
    return sales_pb2.SalesRep(
        user_id=rep.user_id, display_name=rep.display_name, department_path=rep.department_path,
        seniority=SENIORITIES.value(rep.seniority), max_open_leads=rep.max_open_leads,
        available=rep.available, available_again_time=to_timestamp(rep.available_again_time),
        open_lead_count=open_lead_count, last_assign_time=to_timestamp(rep.last_assign_time),
        active=rep.active)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def assignment_to_proto(record: LeadAssignmentRecord) -> sales_pb2.LeadAssignment:
    return sales_pb2.LeadAssignment(
        id=record.id, lead_id=record.lead_id, assignee_id=record.assignee_id or "",
        previous_assignee_id=record.previous_assignee_id or "",
        department_path=record.department_path, method=METHODS.value(record.method),
        rule_id=record.rule_id or "", reason=record.reason,
        candidates=[sales_pb2.AssignmentCandidate(
            user_id=c["user_id"], eligible=c["eligible"], skip_reason=c["skip_reason"],
            open_lead_count=c["open_lead_count"],
            last_assign_time=to_timestamp(_time(c.get("last_assign_time"))),
            selected=c["selected"]) for c in record.candidates or []],
        tie_broken_at_random=record.tie_broken_at_random, actor_id=record.actor_id or "",
        assign_time=to_timestamp(record.assign_time), rule_name=record.rule_name or "",
        strategy=STRATEGIES.value(record.strategy), note=record.note or "")
