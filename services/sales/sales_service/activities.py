"""Follow-up records and manager comments: what a record must hold, who sees it, who may comment.

- A record is about a customer or a lead (or both), made by a method at a time, with a topic
  and a summary. The first record of a lead must hold its qualification: the need, the budget
  (an amount, or 0 with a note when unknown) and the decision maker.
- A record is seen by its author, by leads of the author's department subtree, by ``all``
  scope, by the customer's current owner (after a handover the successor reads the past), and
  by the collaborators of its customer or of its opportunity (team selling: everyone working on
  it shares its records).
- A manager comment (批示) is written by a lead over the author: ``all`` scope, or
  ``department`` scope whose subtree holds the author's department; never on one's own record.

Validation is pure (:func:`activity_violations`, :func:`qualification_violations`) so it is
tested without a database.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from crm.sales.v1 import sales_pb2
from crm_shared.auth import Principal, visibility_clause
from crm_shared.auth.principal import DataScope
from crm_shared.auth.visibility import in_subtree
from crm_shared.errors import FieldViolation
from crm_shared.field_limits import max_length, max_lengths
from crm_shared.timestamps import from_timestamp
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sales_service import customer_facts, opportunity_collaborators
from sales_service.activity_views import METHODS
from sales_service.follow_ups import parse_day
from sales_service.models import Activity, CustomerFact

CREATE_FIELDS = {"customer_id", "lead_id", "opportunity_id", "contact_id", "contact_name",
                 "method", "occur_time", "owner_id", "topic", "summary", "customer_feedback",
                 "objection", "next_step", "next_step_due_date", "qualification",
                 "follow_up_task_id", "churn_reason", "churn_note"}
UPDATE_FIELDS = {"contact_id", "contact_name", "method", "occur_time", "topic", "summary",
                 "customer_feedback", "objection", "next_step", "qualification"}
OUTPUT_ONLY_FIELDS = {"id", "department_path", "first_contact", "comment_count", "create_time",
                      "update_time", "created_by", "updated_by", "etag"}
# Declared once in crm_shared.field_limits, which the gateway publishes too.
TEXT_LIMITS = max_lengths(sales_pb2.Activity)
QUALIFICATION_LIMITS = max_lengths(sales_pb2.LeadQualification)
COMMENT_LIMIT = max_length(sales_pb2.ActivityComment, "body")
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a contact's time may lie (clocks of phones and laptops differ)."""
CURRENCY = re.compile(r"^[A-Z]{3}$")


def text_violations(data, fields: set[str], limits: dict[str, int], prefix: str) -> list[FieldViolation]:
    return [FieldViolation(prefix + name, f"must be at most {limit} characters")
            for name, limit in limits.items() if name in fields and len(getattr(data, name)) > limit]


def activity_violations(data: sales_pb2.Activity, fields: set[str], now: datetime, *,
                        creating: bool, prefix: str = "activity.") -> list[FieldViolation]:
    """Checks of the fields named in ``fields`` (every one of CREATE_FIELDS on a create, the
    update mask on an update). The first-contact qualification is checked where it is known
    whether the record is a lead's first (:func:`qualification_violations`)."""
    violations = text_violations(data, fields, TEXT_LIMITS, prefix)
    for name in ("topic", "summary"):
        if name in fields and not getattr(data, name).strip():
            violations.append(FieldViolation(prefix + name, "is required"))
    if "method" in fields and not METHODS.name(data.method):
        violations.append(FieldViolation(prefix + "method", "is required: phone, visit, wechat, "
                                         "email, meeting or other"))
    if "occur_time" in fields:
        if not data.HasField("occur_time"):
            violations.append(FieldViolation(prefix + "occur_time", "is required"))
        elif from_timestamp(data.occur_time) > now + CLOCK_SKEW:
            violations.append(FieldViolation(prefix + "occur_time", "must not be in the future"))
    if creating:
        if not data.customer_id and not data.lead_id:
            violations.append(FieldViolation(prefix + "customer_id",
                                             "one of customer_id and lead_id is required"))
        if data.next_step_due_date:
            due = parse_day(data.next_step_due_date)
            if due is None:
                violations.append(FieldViolation(prefix + "next_step_due_date",
                                                 "must be a date YYYY-MM-DD"))
            elif data.HasField("occur_time") and due < from_timestamp(data.occur_time).date():
                violations.append(FieldViolation(prefix + "next_step_due_date",
                                                 "must not be before the contact"))
            if not data.next_step.strip():
                violations.append(FieldViolation(prefix + "next_step",
                                                 "is required with a next_step_due_date"))
    if "qualification" in fields and data.HasField("qualification"):
        violations += qualification_violations(data.qualification, prefix + "qualification.",
                                               first_contact=False)
    return violations


def qualification_violations(qualification: sales_pb2.LeadQualification | None, prefix: str, *,
                             first_contact: bool) -> list[FieldViolation]:
    """Need, budget and decision maker are required on a lead's first follow-up; whatever is
    given is checked always."""
    if qualification is None:
        if not first_contact:
            return []
        qualification = sales_pb2.LeadQualification()
    violations = text_violations(qualification, set(QUALIFICATION_LIMITS), QUALIFICATION_LIMITS,
                                 prefix)
    if first_contact:
        for name in ("need", "decision_maker"):
            if not getattr(qualification, name).strip():
                violations.append(FieldViolation(prefix + name,
                                                 "is required on the first follow-up of a lead"))
        if not qualification.HasField("budget"):
            violations.append(FieldViolation(prefix + "budget", "is required on the first "
                                             "follow-up of a lead (0 with a budget_note when "
                                             "unknown)"))
    if qualification.HasField("budget"):
        budget = qualification.budget
        if not CURRENCY.match(budget.currency_code):
            violations.append(FieldViolation(prefix + "budget.currency_code",
                                             "must be an ISO 4217 code such as CNY"))
        if budget.amount_minor < 0:
            violations.append(FieldViolation(prefix + "budget.amount_minor",
                                             "must not be negative"))
        elif budget.amount_minor == 0 and not qualification.budget_note.strip():
            violations.append(FieldViolation(prefix + "budget_note",
                                             "is required when the budget is unknown (0)"))
    return violations


def activity_visibility(principal: Principal):
    """The SQL form of who sees a record (see the module docstring)."""
    if principal.data_scope is DataScope.ALL:
        return visibility_clause(principal, Activity.owner_id, Activity.department_path)
    own_customers = select(CustomerFact.customer_id).where(
        CustomerFact.owner_id == principal.user_id)
    return or_(visibility_clause(principal, Activity.owner_id, Activity.department_path),
               Activity.customer_id.in_(own_customers),
               Activity.customer_id.in_(customer_facts.collaborated_customers(principal)),
               Activity.opportunity_id.in_(opportunity_collaborators.collaborated(principal)))


def get_visible(session: Session, principal: Principal, activity_id: str) -> Activity | None:
    """The record, or None when it does not exist *or* the caller may not see it."""
    if not activity_id:
        return None
    return session.scalars(select(Activity).where(
        Activity.id == activity_id, activity_visibility(principal))).first()


def may_comment(principal: Principal, *, owner_id: str, department_path: str) -> bool:
    """A lead over the record's author may comment; nobody on their own record."""
    if principal.user_id == owner_id:
        return False
    if principal.data_scope is DataScope.ALL:
        return True
    return principal.data_scope is DataScope.DEPARTMENT and in_subtree(
        department_path, principal.department_path)


def is_first_contact(session: Session, lead_id: str, *, excluding: str | None = None) -> bool:
    """No earlier follow-up record of the lead exists."""
    query = select(Activity.id).where(Activity.lead_id == lead_id)
    if excluding:
        query = query.where(Activity.id != excluding)
    return session.scalars(query.limit(1)).first() is None
