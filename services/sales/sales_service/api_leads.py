"""Lead RPCs of ``crm.sales.v1.SalesService``: leads, grading and assignment rules, reps,
assignments and conversion. Mixed into :class:`sales_service.api.SalesServicer`.

Every method opens one unit of work: the change and its events (outbox) commit together. A
lead the caller may not see is NOT_FOUND (see :mod:`sales_service.leads` for who sees what).
Conversion calls the customer service before its unit of work opens, never inside it.

Other parts call two hooks on the servicer (mixins share ``self``):
:meth:`LeadRpcs._visible_lead` and :meth:`LeadRpcs._lead_contacted`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared import list_exports, manual_grades
from crm_shared.auth import Principal, current_principal
from crm_shared.auth.principal import DataScope
from crm_shared.conditions import matches_everything
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
from crm_shared.repeated_requests import earlier_request
from crm_shared.rule_reach import OtherRule, check_rule_reach
from crm_shared.spreadsheet_cells import CHINESE_LOCALE, encode_table
from crm_shared.timestamps import from_timestamp
from google.protobuf import empty_pb2
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sales_service import (
    grading_rules,
    lead_assignment,
    lead_assignments,
    lead_clocks,
    lead_contacts,
    lead_conversion,
    lead_grading,
    lead_sources,
    lead_table,
    leads,
    policy,
    prospect_grading,
    reps,
)
from sales_service.lead_views import (
    CLARITIES,
    INTENTS,
    SENIORITIES,
    SOURCES,
    STATUSES,
    STRATEGIES,
    assignment_rule_to_proto,
    assignment_to_proto,
    condition_json,
    condition_of,
    etag_of,
    grade_letter,
    grade_value,
    grading_rule_to_proto,
    grading_subject,
    lead_for_event,
    lead_to_proto,
    rep_to_proto,
)
from sales_service.models import (
    AssignmentRuleRecord,
    Lead,
    LeadAssignmentRecord,
    LeadGradingRuleRecord,
    SalesRep,
)

CREATE_FIELDS = {"contact_name", "company_name", "job_title", "phone", "email", "source",
                 "source_detail", "intake_params", "campaign_id", "campaign_variant_id",
                 "intent_level", "need_clarity", "need_description", "product_interests",
                 "budget", "decision_maker", "customer_id"}
UPDATE_FIELDS = CREATE_FIELDS
FORM_FIELDS = {"contact_name", "company_name", "job_title", "phone", "email", "need_description",
               "product_interests", "intake_params", "campaign_id", "request_id"}
"""What the public web-to-lead form (SubmitLeadForm) may say of a lead."""
OUTPUT_ONLY_FIELDS = {"id", "number", "grade", "grade_reason", "grade_locked", "status",
                      "owner_id", "department_path", "assign_time", "first_contact_due_time",
                      "first_contact_time", "first_contact_overdue", "opportunity_id",
                      "convert_time", "disqualify_reason", "duplicate_lead_ids",
                      "last_activity_time", "create_time", "update_time", "created_by",
                      "updated_by", "etag"}
GRADED_FIELDS = {"source", "intent_level", "need_clarity", "budget", "product_interests",
                 "company_name", "job_title", "decision_maker", "campaign_id", "intake_params"}
"""A change of any of these re-grades the lead (unless its grade was set by hand)."""
TEXT_LIMITS = max_lengths(sales_pb2.Lead)  # declared once, published by the gateway too
LIST_FILTERS = {"page_size", "page_token", "query", "statuses", "grades", "owner_id",
                "department_path", "source", "campaign_id", "customer_id", "first_contact_overdue",
                "has_duplicates", "order_by"}
# Orders of ListLeads: (column, descending). `first_contact_due_time` lists the leads that have
# a first-contact clock (the work queue), soonest due first.
ORDERS = {"": (Lead.create_time, True), "create_time desc": (Lead.create_time, True),
          "grade": (Lead.grade, False),
          "first_contact_due_time": (Lead.first_contact_due_time, False),
          "update_time desc": (Lead.update_time, True)}
# ExportLeadsRequest: ListLeads' filters (not its paging) and the file's shape.
EXPORT_FIELDS = (LIST_FILTERS - {"page_size", "page_token"}) | list_exports.FILE_FIELDS
# Who exported which leads' contact details: the service's audit trail of personal data.
AUDIT_LOG = list_exports.audit_log("sales_service")
CURRENCY = re.compile(r"^[A-Z]{3}$")
RULE_OUTPUT_ONLY = {"id", "create_time", "update_time", "created_by", "updated_by"}
GRADING_RULE_FIELDS = {"display_name", "grade", "condition", "priority", "enabled"}
ASSIGNMENT_RULE_FIELDS = {"display_name", "condition", "department_path", "min_seniority",
                          "user_ids", "strategy", "priority", "enabled"}
REP_FIELDS = {"seniority", "max_open_leads", "available", "available_again_time"}
SELF_SERVICE_REP_FIELDS = {"available", "available_again_time"}
DEPARTMENT_PATH = re.compile(r"^(/[A-Za-z0-9][A-Za-z0-9_-]{0,62})+$")


def _refuse(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidArgument(violations)


def lead_violations(data: sales_pb2.Lead, fields: set[str],
                    prefix: str = "lead.") -> list[FieldViolation]:
    """Checks of the lead's fields named in ``fields`` (create or update)."""
    violations: list[FieldViolation] = []
    for name, limit in TEXT_LIMITS.items():
        if name in fields and len(getattr(data, name)) > limit:
            violations.append(FieldViolation(prefix + name, f"must be at most {limit} characters"))
    if "phone" in fields and data.phone.strip() and not lead_contacts.normalise_phone(data.phone):
        violations.append(FieldViolation(prefix + "phone",
                                         "must be an 11-digit mainland mobile or E.164 number"))
    if "email" in fields and data.email.strip() and not lead_contacts.normalise_email(data.email):
        violations.append(FieldViolation(prefix + "email", "is not an e-mail address"))
    for name, names in (("source", SOURCES), ("intent_level", INTENTS),
                        ("need_clarity", CLARITIES)):
        if name in fields and getattr(data, name) and not names.name(getattr(data, name)):
            violations.append(FieldViolation(prefix + name, "is not a known value"))
    if "intake_params" in fields and (len(data.intake_params) > 30 or any(
            not key.strip() or len(key) > 64 or len(value) > 500
            for key, value in data.intake_params.items())):
        violations.append(FieldViolation(prefix + "intake_params",
                                         "must hold at most 30 named parameters of short values"))
    if "product_interests" in fields and (len(data.product_interests) > 20 or any(
            not item.strip() or len(item) > 100 for item in data.product_interests)):
        violations.append(FieldViolation(prefix + "product_interests",
                                         "must list at most 20 non-empty names"))
    if "budget" in fields and data.HasField("budget"):
        if not CURRENCY.match(data.budget.currency_code):
            violations.append(FieldViolation(prefix + "budget.currency_code",
                                             "must be an ISO 4217 code such as CNY"))
        if data.budget.amount_minor < 0:
            violations.append(FieldViolation(prefix + "budget.amount_minor",
                                             "must not be negative"))
    return violations


def identity_violations(contact_name: str, company_name: str, phone: str, email: str,
                        prefix: str = "lead.") -> list[FieldViolation]:
    """A lead needs someone to call (a contact or company name) and a way to reach them."""
    violations = []
    if not contact_name.strip() and not company_name.strip():
        violations.append(FieldViolation(prefix + "contact_name",
                                         "is required unless the company name is given"))
    if not phone.strip() and not email.strip():
        violations.append(FieldViolation(prefix + "phone",
                                         "is required unless the e-mail is given"))
    return violations


def load_grading_rules(session) -> list[lead_grading.GradingRule]:
    return grading_rules.load(session, lead_grading.LEAD)


def apply_descriptive(lead: Lead, data: sales_pb2.Lead, fields: set[str]) -> None:
    """Copy the named fields of ``data`` onto the row (normalised; contacts' keys kept)."""
    for name in fields:
        if name == "phone":
            lead.phone = data.phone.strip() or None
            lead.phone_key = lead_contacts.normalise_phone(data.phone) if lead.phone else None
        elif name == "email":
            lead.email = data.email.strip() or None
            lead.email_key = lead_contacts.normalise_email(data.email) if lead.email else None
        elif name == "source":
            lead.source = SOURCES.name(data.source)
        elif name == "intent_level":
            lead.intent_level = INTENTS.name(data.intent_level)
        elif name == "need_clarity":
            lead.need_clarity = CLARITIES.name(data.need_clarity)
        elif name == "intake_params":
            lead.intake_params = {key.strip(): value for key, value in data.intake_params.items()}
        elif name == "product_interests":
            lead.product_interests = [item.strip() for item in data.product_interests]
        elif name == "budget":
            has = data.HasField("budget")
            lead.budget_currency = data.budget.currency_code if has else None
            lead.budget_minor = data.budget.amount_minor if has else None
        elif name in ("campaign_id", "campaign_variant_id", "customer_id"):
            setattr(lead, name, getattr(data, name).strip() or None)
        else:
            setattr(lead, name, getattr(data, name).strip())


def check_etag(lead: Lead, etag: str) -> None:
    if etag and etag != etag_of(lead):
        raise Conflict(f"lead {lead.id} changed since it was read (etag {etag} is stale)")


def check_open(lead: Lead, action: str) -> None:
    if lead.status in leads.FINAL_STATUSES:
        raise FailedPrecondition(f"lead {lead.number} is {lead.status}: it cannot be {action}",
                                 reason="LEAD_CLOSED")


Deferred = list[tuple[object, str]]


def _lead_selection(principal, request):
    """The conditions and the order (column, descending) of ListLeads' and ExportLeads'
    selection: the caller's visibility and the request's filters."""
    order = " ".join(request.order_by.split())
    if order not in ORDERS:
        raise InvalidArgument(FieldViolation(
            "order_by", "supported: " + ", ".join(f"`{o}`" for o in ORDERS if o)))
    where = [leads.lead_visibility(principal)]
    query = request.query.strip()
    if query:
        texts = [Lead.number.icontains(query, autoescape=True),
                 Lead.contact_name.icontains(query, autoescape=True),
                 Lead.company_name.icontains(query, autoescape=True),
                 Lead.email.icontains(query, autoescape=True),
                 Lead.phone.icontains(query, autoescape=True)]
        phone = lead_contacts.normalise_phone(query)
        if phone:
            texts.append(Lead.phone_key == phone)
        where.append(or_(*texts))
    statuses = [STATUSES.name(value) for value in request.statuses]
    grades = [grade_letter(value) for value in request.grades]
    for field, values, column in (("statuses", statuses, Lead.status),
                                  ("grades", grades, Lead.grade)):
        if values:
            if not all(values):
                raise InvalidArgument(FieldViolation(field, "holds an unspecified value"))
            where.append(column.in_(values))
    if request.source:
        if not SOURCES.name(request.source):
            raise InvalidArgument(FieldViolation("source", "is not a known value"))
        where.append(Lead.source == SOURCES.name(request.source))
    if request.department_path:
        root = request.department_path.rstrip("/")
        where.append(or_(Lead.department_path == root,
                         Lead.department_path.startswith(root + "/", autoescape=True)))
    for field in ("owner_id", "campaign_id", "customer_id"):
        if getattr(request, field):
            where.append(getattr(Lead, field) == getattr(request, field))
    if request.HasField("first_contact_overdue"):
        where.append(Lead.first_contact_overdue.is_(request.first_contact_overdue))
    if request.has_duplicates:
        where.append(leads.has_duplicates_clause(principal))
    column, descending = ORDERS[order]
    if column is Lead.first_contact_due_time:
        where.append(Lead.first_contact_due_time.is_not(None))
    return where, column, descending


class LeadRpcs:
    # -- hooks for the other parts ----------------------------------------------------------------

    def _visible_lead(self, uow: UnitOfWork, principal: Principal, lead_id: str) -> Lead:
        """The lead the caller may see, in ``uow``; NOT_FOUND when it does not exist or the
        caller may not see it."""
        lead = leads.get_visible(uow.session, principal, lead_id)
        if lead is None:
            raise NotFound(f"lead {lead_id} not found")
        return lead

    def _lead_contacted(self, uow: UnitOfWork, lead: Lead, *, at: datetime,
                        actor_id: str) -> None:
        """A follow-up with ``lead`` was recorded at ``at`` (in ``uow``): the first one sets
        ``first_contact_time`` and status ``contacted`` and ends the first-contact clock (no
        reminder or escalation fires after it); every one moves ``last_activity_time`` on
        and revives a cold lead. Safe to call for every follow-up."""
        leads.record_contact(lead, at=at, actor_id=actor_id, now=utcnow())

    # -- helpers ----------------------------------------------------------------------------------

    def _lead_proto(self, session, lead: Lead) -> sales_pb2.Lead:
        """The lead as the current caller gets it: only the duplicates they may see."""
        return lead_to_proto(lead, leads.duplicate_ids(session, lead, current_principal()))

    def _grade(self, session, lead: Lead, now: datetime, emit, actor_id: str = "") -> None:
        """Grade ``lead`` by the rules; emit ``lead.graded`` when its grade changed (or on the
        first grading)."""
        before = lead.grade
        grading = lead_grading.grade_lead(load_grading_rules(session), leads.facts_of(lead), now)
        lead.grade, lead.grade_reason = grading.grade, grading.reason
        lead.grade_rule_id = grading.rule_id or None
        if before != lead.grade:
            emit(events_pb2.LeadGraded(
                lead_id=lead.id, previous_grade=grade_value(before), grade=grade_value(lead.grade),
                rule_id=grading.rule_id, reason=grading.reason, owner_id=lead.owner_id or "",
                department_path=lead.department_path, actor_id=actor_id), key=lead.id)
            self._reschedule_first_contact(session, lead)

    @staticmethod
    def _reschedule_first_contact(session, lead: Lead) -> None:
        """A new grade of an assigned, uncontacted lead moves its first-contact due time."""
        if lead.assign_time is None or lead.first_contact_time is not None:
            return
        schedule = lead_clocks.first_contact_schedule(
            lead.assign_time, lead.grade, policy.current(session).first_contact)
        lead.first_contact_due_time = schedule.due_time
        lead.first_contact_remind_time = schedule.remind_time

    def _change(self, lead_id: str, etag: str,
                change: Callable[[UnitOfWork, Lead, Principal, datetime], None]) -> sales_pb2.Lead:
        """Load the visible lead, check its etag, apply ``change`` (which emits its events) —
        in one unit of work; a concurrent change makes it ABORTED."""
        principal = current_principal()
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                lead = self._visible_lead(uow, principal, lead_id)
                check_etag(lead, etag)
                change(uow, lead, principal, now)
                leads.touch(lead, now, principal.user_id)
                uow.session.flush()
                return self._lead_proto(uow.session, lead)
        except StaleDataError as exc:
            raise Conflict(f"lead {lead_id} was changed by someone else meanwhile; "
                           "read it again") from exc

    # -- create -----------------------------------------------------------------------------------

    def CreateLead(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"lead", "request_id"})
        data = request.lead
        violations = unsupported_fields(data, CREATE_FIELDS, prefix="lead.",
                                        ignored=OUTPUT_ONLY_FIELDS)
        violations += identity_violations(data.contact_name, data.company_name, data.phone,
                                          data.email)
        violations += lead_violations(data, CREATE_FIELDS)
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, Lead, request.request_id, principal.user_id)
            if earlier is not None:
                return self._lead_proto(uow.session, earlier)
        try:
            with self.database.unit_of_work() as uow:
                return self._create(uow, principal, data, request.request_id)
        except IntegrityError:
            # Two retries of one request raced; the other one won. Answer with its result.
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(uow.session, Lead, request.request_id,
                                          principal.user_id)
                if earlier is None:
                    raise
                return self._lead_proto(uow.session, earlier)

    def _create(self, uow: UnitOfWork, principal: Principal, data: sales_pb2.Lead,
                request_id: str) -> sales_pb2.Lead:
        session = uow.session
        now = utcnow()
        label = lead_sources.label_source(dict(data.intake_params), data.campaign_id.strip(),
                                          given=SOURCES.name(data.source),
                                          given_detail=data.source_detail.strip())
        lead = Lead(id=str(uuid.uuid4()), number=leads.next_number(session, now),
                    grade="", grade_reason="", grade_locked=False, status="new", owner_id=None,
                    department_path=reps.SALES_ROOT, first_contact_overdue=False,
                    customer_created=False, last_activity_time=now, create_time=now,
                    update_time=now, created_by=principal.user_id, updated_by=principal.user_id,
                    request_id=request_id or None, phone=None, email=None, intake_params={},
                    product_interests=[])
        apply_descriptive(lead, data, CREATE_FIELDS)
        lead.source, lead.source_detail = label.source, label.detail
        lead.source_labelled = label.labelled
        deferred: Deferred = []

        def later(message, *, key: str) -> str:
            deferred.append((message, key))
            return ""

        self._grade(session, lead, now, later)  # before it is added: one INSERT, graded
        session.add(lead)
        lead_assignments.assign_automatically(session, lead, facts=leads.facts_of(lead),
                                              now=now, rng=self.rng, emit=later)
        session.flush()
        created = self._lead_proto(session, lead)
        uow.emit(events_pb2.LeadCreated(lead=lead_for_event(created),
                                        actor_id=principal.user_id), key=lead.id)
        for message, key in deferred:
            uow.emit(message, key=key)
        return created

    def SubmitLeadForm(self, request, context):
        """The public web-to-lead form: the lead is built from the form's fields, labelled
        ``website_form`` and created by :meth:`_create`, as CreateLead creates one (graded,
        assigned, ``lead.created`` published). The answer says nothing of it: a duplicate, an
        A lead and a C lead all answer ``received``."""
        principal = current_principal()
        refuse_unsupported(request, FORM_FIELDS)
        data = sales_pb2.Lead(
            contact_name=request.contact_name.strip(), company_name=request.company_name.strip(),
            job_title=request.job_title.strip(), phone=request.phone.strip(),
            email=request.email.strip(), need_description=request.need_description.strip(),
            product_interests=[item for item in request.product_interests if item.strip()],
            intake_params=request.intake_params, campaign_id=request.campaign_id.strip(),
            source=SOURCES.value("website_form"))
        # Violations name the request's own fields (the form's), not ``lead.``'s.
        violations = identity_violations(data.contact_name, data.company_name, data.phone,
                                         data.email, prefix="")
        violations += lead_violations(data, FORM_FIELDS - {"request_id"}, prefix="")
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            if earlier_request(uow.session, Lead, request.request_id,
                               principal.user_id) is not None:
                return sales_pb2.SubmitLeadFormResponse(received=True)
        try:
            with self.database.unit_of_work() as uow:
                self._create(uow, principal, data, request.request_id)
        except IntegrityError:
            # Two sends of one form raced; the other one stored the lead.
            with self.database.unit_of_work(readonly=True) as uow:
                if earlier_request(uow.session, Lead, request.request_id,
                                   principal.user_id) is None:
                    raise
        return sales_pb2.SubmitLeadFormResponse(received=True)

    # -- read -------------------------------------------------------------------------------------

    def GetLead(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return self._lead_proto(uow.session, self._visible_lead(uow, principal, request.id))

    def ListLeads(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, LIST_FILTERS)
        where, column, descending = _lead_selection(principal, request)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session, select(Lead).where(*where), order_column=column, id_column=Lead.id,
                descending=descending, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            total = uow.session.scalar(select(func.count()).select_from(Lead).where(*where))
            duplicates = leads.duplicates_of(uow.session, rows, principal)
            return sales_pb2.ListLeadsResponse(
                leads=[lead_to_proto(row, duplicates[row.id]) for row in rows],
                next_page_token=token, total_size=total)

    def ExportLeads(self, request, context):
        """Stream the visible leads as CSV (a page per chunk) or .xlsx (the workbook once every
        row is in), selected like ListLeads. A page holding contact columns is written to the
        audit log before any of its bytes are sent."""
        principal = current_principal()
        refuse_unsupported(request, EXPORT_FIELDS)
        columns, violations = list_exports.file_violations(request, lead_table.COLUMNS)
        if violations:
            raise InvalidArgument(violations)
        where, column, descending = _lead_selection(principal, request)
        audit = list_exports.auditor(
            AUDIT_LOG, "leads exported with contact details", actor_id=principal.user_id,
            method="/crm.sales.v1.SalesService/ExportLeads",
            fields=[name for name in columns if name in lead_table.PERSONAL_COLUMNS],
            purpose=request.access_purpose, ids_key="lead_ids")

        pages = list_exports.pages_of(
            self.database, select(Lead).where(*where), order_column=column, id_column=Lead.id,
            descending=descending,
            row_of=lambda row: lead_table.row_of(row, columns, request.locale),
            audit=audit)
        for data, written in encode_table(
                lead_table.header_of(columns, request.locale), pages,
                xlsx=request.format == types_pb2.TABLE_FORMAT_XLSX,
                sheet_title=lead_table.SHEET_TITLES[request.locale == CHINESE_LOCALE],
                for_reader=bool(request.locale)):
            yield sales_pb2.ExportLeadsChunk(data=data, row_count=written)

    # -- change -----------------------------------------------------------------------------------

    def UpdateLead(self, request, context):
        refuse_unsupported(request, {"lead", "update_mask"})
        data = request.lead
        paths = set(request.update_mask.paths)
        violations = []
        if not data.id:
            violations.append(FieldViolation("lead.id", "is required"))
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        for path in sorted(paths - UPDATE_FIELDS):
            violations.append(FieldViolation("update_mask", f"`{path}` cannot be updated"))
        violations += lead_violations(data, paths & UPDATE_FIELDS)
        _refuse(violations)

        def change(uow, lead, principal, now):
            check_open(lead, "changed")
            apply_descriptive(lead, data, paths)
            _refuse(identity_violations(lead.contact_name, lead.company_name, lead.phone or "",
                                        lead.email or ""))
            if paths & GRADED_FIELDS and not lead.grade_locked:
                self._grade(uow.session, lead, now, uow.emit, principal.user_id)

        return self._change(data.id, data.etag, change)

    def GradeLead(self, request, context):
        refuse_unsupported(request, {"id", "grade", "reason"})
        manual = grade_letter(request.grade)
        violations = []
        if request.grade and not manual:
            violations.append(FieldViolation("grade", "is not a known grade"))
        if manual and not request.reason.strip():
            violations.append(FieldViolation("reason", "is required with a grade set by hand"))
        if len(request.reason) > 400:
            violations.append(FieldViolation("reason", "must be at most 400 characters"))
        _refuse(violations)

        def change(uow, lead, principal, now):
            check_open(lead, "graded")
            if not manual:
                lead.grade_locked = False
                before = lead.grade
                self._grade(uow.session, lead, now, lambda *a, **k: "", principal.user_id)
                grading_rule = lead.grade_rule_id or ""
                reason = lead.grade_reason
            else:
                before = lead.grade
                lead.grade, lead.grade_locked, lead.grade_rule_id = manual, True, None
                lead.grade_reason = manual_grades.reason(request.reason)
                grading_rule, reason = "", lead.grade_reason
                if before != manual:
                    self._reschedule_first_contact(uow.session, lead)
            uow.emit(events_pb2.LeadGraded(
                lead_id=lead.id, previous_grade=grade_value(before), grade=grade_value(lead.grade),
                rule_id=grading_rule, reason=reason, owner_id=lead.owner_id or "",
                department_path=lead.department_path,
                actor_id=principal.user_id if manual else ""), key=lead.id)

        return self._change(request.id, "", change)

    def DisqualifyLead(self, request, context):
        refuse_unsupported(request, {"id", "reason"})
        reason = request.reason.strip()
        if not reason or len(reason) > 1000:
            raise InvalidArgument(FieldViolation("reason", "is required (at most 1000 characters)"))

        def change(uow, lead, principal, now):
            check_open(lead, "disqualified")
            lead.status, lead.disqualify_reason = "disqualified", reason
            uow.emit(events_pb2.LeadDisqualified(
                lead_id=lead.id, reason=reason, campaign_id=lead.campaign_id or "",
                owner_id=lead.owner_id or "", department_path=lead.department_path,
                actor_id=principal.user_id), key=lead.id)

        return self._change(request.id, "", change)

    # -- assignment -------------------------------------------------------------------------------

    def AssignLead(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id", "assignee_id", "reason", "request_id"})
        assignee_id = request.assignee_id.strip()
        violations = request_id_violations(request.request_id)
        if len(request.reason) > 1000:
            violations.append(FieldViolation("reason", "must be at most 1000 characters"))
        _refuse(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, LeadAssignmentRecord, request.request_id,
                                      principal.user_id, creator="actor_id")
            if earlier is not None:
                lead = self._visible_lead(uow, principal, earlier.lead_id)
                return sales_pb2.AssignLeadResponse(lead=self._lead_proto(uow.session, lead),
                                                    assignment=assignment_to_proto(earlier))
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                session = uow.session
                lead = self._visible_lead(uow, principal, request.id)
                check_open(lead, "assigned")
                taking_it = assignee_id and assignee_id == principal.user_id
                if principal.data_scope is DataScope.OWN and not taking_it:
                    raise PermissionDenied("a rep may not assign leads; ask a sales lead")
                if assignee_id:
                    record = self._assign_by_hand(session, lead, principal, assignee_id,
                                                  request.reason.strip(), request.request_id,
                                                  now, uow.emit)
                else:
                    record = lead_assignments.assign_automatically(
                        session, lead, facts=leads.facts_of(lead), now=now, rng=self.rng,
                        emit=uow.emit, actor_id=principal.user_id,
                        request_id=request.request_id or None)
                    if record is None:
                        raise FailedPrecondition("no assignment rule applies to this lead; "
                                                 "name the assignee", reason="NO_ASSIGNMENT_RULE")
                leads.touch(lead, now, principal.user_id)
                session.flush()
                return sales_pb2.AssignLeadResponse(lead=self._lead_proto(session, lead),
                                                    assignment=assignment_to_proto(record))
        except StaleDataError as exc:
            raise Conflict(f"lead {request.id} was changed by someone else meanwhile") from exc

    @staticmethod
    def _assign_by_hand(session, lead: Lead, principal: Principal, assignee_id: str, reason: str,
                        request_id: str, now: datetime, emit) -> LeadAssignmentRecord:
        rep = session.get(SalesRep, assignee_id)
        if rep is None or not rep.active:
            raise InvalidArgument(FieldViolation("assignee_id", "is not an active sales rep"))
        if rep.user_id == lead.owner_id:
            raise InvalidArgument(FieldViolation("assignee_id", "already holds the lead"))
        if rep.user_id != principal.user_id and not reps.can_manage(principal, rep.department_path):
            raise PermissionDenied("you may not give leads to reps outside your department")
        counts = leads.open_lead_counts(session, [rep.user_id])
        profile = reps.profiles([rep], counts)[0]
        why = lead_assignment.skip_reason(profile, "", now)
        candidate = {"user_id": rep.user_id, "eligible": not why, "skip_reason": why,
                     "open_lead_count": counts[rep.user_id],
                     "last_assign_time": rep.last_assign_time.isoformat()
                     if rep.last_assign_time else None, "selected": True}
        text = f"assigned by hand to {rep.user_id}" + (f" (despite: {why})" if why else "")
        if reason:
            text += f"; reason: {reason}"
        return lead_assignments.apply(session, lead, rep, method="manual", rule_id=None,
                                      reason=text, candidates=[candidate], tie=False,
                                      actor_id=principal.user_id, now=now,
                                      request_id=request_id or None, emit=emit, note=reason)

    def ListLeadAssignments(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "lead_id", "assignee_id",
                                     "start_time", "end_time"})
        query = select(LeadAssignmentRecord).join(Lead, Lead.id == LeadAssignmentRecord.lead_id)
        query = query.where(leads.lead_visibility(principal))
        if request.lead_id:
            query = query.where(LeadAssignmentRecord.lead_id == request.lead_id)
        if request.assignee_id:
            query = query.where(LeadAssignmentRecord.assignee_id == request.assignee_id)
        if request.HasField("start_time"):
            query = query.where(LeadAssignmentRecord.assign_time
                                >= from_timestamp(request.start_time))
        if request.HasField("end_time"):
            query = query.where(LeadAssignmentRecord.assign_time < from_timestamp(request.end_time))
        with self.database.unit_of_work(readonly=True) as uow:
            if request.lead_id:
                self._visible_lead(uow, principal, request.lead_id)
            rows, token = keyset_page(uow.session, query,
                                      created_column=LeadAssignmentRecord.assign_time,
                                      id_column=LeadAssignmentRecord.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return sales_pb2.ListLeadAssignmentsResponse(
                assignments=[assignment_to_proto(row) for row in rows], next_page_token=token)

    # -- conversion -------------------------------------------------------------------------------

    def ConvertLead(self, request, context):
        return lead_conversion.convert(self, request)

    # -- grading rules ----------------------------------------------------------------------------

    @staticmethod
    def _check_rules_manager(principal: Principal, department_path: str) -> None:
        if not reps.can_manage(principal, department_path):
            raise PermissionDenied("only sales leads of the department and admins change "
                                   "lead rules")

    @staticmethod
    def _check_assignment_reach(session, principal: Principal, row: AssignmentRuleRecord) -> None:
        """The assignment rule as it would be stored: the reps it lists are in the caller's
        subtree like its department, and a catch-all or a rule ahead of one the caller may
        not change needs the admin role (:mod:`crm_shared.rule_reach`)."""
        listed = set(row.user_ids or ())
        if listed and principal.data_scope is not DataScope.ALL:
            known = {rep.user_id: rep for rep in session.scalars(
                select(SalesRep).where(SalesRep.user_id.in_(listed)))}
            if any(user not in known or not reps.can_manage(principal,
                                                            known[user].department_path)
                   for user in listed):
                raise PermissionDenied("an assignment rule may list only reps of your "
                                       "department subtree")
        others = [OtherRule(other.priority, matches_everything(condition_of(other.condition)))
                  for other in session.scalars(select(AssignmentRuleRecord)
                                               .where(AssignmentRuleRecord.id != row.id))
                  if not reps.can_manage(principal, other.department_path)]
        check_rule_reach(principal, what="assignment rule",
                         catch_all=matches_everything(condition_of(row.condition)),
                         priority=row.priority, others=others)

    @staticmethod
    def _grading_rule_violations(rule: sales_pb2.LeadGradingRule, fields: set[str],
                                 subject: str) -> list[FieldViolation]:
        """``subject``: what the rule grades (given on create, stored on update), which decides
        the fields its condition may read."""
        violations = _name_violations(rule.display_name, fields)
        if "grade" in fields and not grade_letter(rule.grade):
            violations.append(FieldViolation("rule.grade", "must be A, B or C"))
        if "condition" in fields:
            check = (lead_grading.prospect_condition_violations
                     if subject == lead_grading.PROSPECT
                     else lead_grading.grading_condition_violations)
            violations += check(rule.condition, "rule.condition")
        if "priority" in fields and rule.priority < 0:
            violations.append(FieldViolation("rule.priority", "must not be negative"))
        return violations

    @staticmethod
    def _apply_grading_rule(row: LeadGradingRuleRecord, rule: sales_pb2.LeadGradingRule,
                            fields: set[str]) -> None:
        for name in fields:
            if name == "condition":
                row.condition = condition_json(rule.condition)
            elif name == "grade":
                row.grade = grade_letter(rule.grade)
            elif name == "display_name":
                row.display_name = rule.display_name.strip()
            else:
                setattr(row, name, getattr(rule, name))

    def CreateLeadGradingRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"rule", "request_id"})
        rule = request.rule
        violations = unsupported_fields(rule, GRADING_RULE_FIELDS | {"subject"}, prefix="rule.",
                                        ignored=RULE_OUTPUT_ONLY)
        subject = grading_subject(rule.subject) or lead_grading.LEAD
        if rule.subject and not grading_subject(rule.subject):
            violations.append(FieldViolation("rule.subject", "is not a grading subject"))
        violations += self._grading_rule_violations(rule, GRADING_RULE_FIELDS, subject)
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        self._check_rules_manager(principal, reps.SALES_ROOT)

        def fill(row):
            self._apply_grading_rule(row, rule, GRADING_RULE_FIELDS)
            row.subject = subject

        return self._create_rule(LeadGradingRuleRecord, request.request_id, principal, fill,
                                 grading_rule_to_proto, then=self._rules_changed)

    @staticmethod
    def _rules_changed(session, row: LeadGradingRuleRecord) -> None:
        """A prospect rule changed: every prospect is graded again by the worker's timer (a
        lead rule applies to the leads graded from now on, as ever)."""
        if row.subject == lead_grading.PROSPECT:
            prospect_grading.mark_stale(session, utcnow())

    def _create_rule(self, model, request_id: str, principal: Principal, fill, to_proto,
                     check=None, then=None):
        """Create the rule ``fill`` describes; ``check(session, row)`` refuses it before it
        is stored, ``then(session, row)`` follows its storing in the same unit of work."""
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, model, request_id, principal.user_id)
            if earlier is not None:
                return to_proto(earlier)
            now = utcnow()
            row = model(id=str(uuid.uuid4()), created_by=principal.user_id,
                        updated_by=principal.user_id, create_time=now, update_time=now,
                        request_id=request_id or None)
            fill(row)
            if check is not None:
                check(uow.session, row)
            uow.session.add(row)
            uow.session.flush()
            if then is not None:
                then(uow.session, row)
            return to_proto(row)

    @staticmethod
    def _rule_row(uow, model, rule_id: str, what: str):
        row = uow.session.get(model, rule_id) if rule_id else None
        if row is None:
            raise NotFound(f"{what} {rule_id} not found")
        return row

    def GetLeadGradingRule(self, request, context):
        current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return grading_rule_to_proto(self._rule_row(uow, LeadGradingRuleRecord, request.id,
                                                        "grading rule"))

    def ListLeadGradingRules(self, request, context):
        current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "enabled", "subject"})
        subject = grading_subject(request.subject) if request.subject else lead_grading.LEAD
        if subject is None:
            raise InvalidArgument(FieldViolation("subject", "is not a grading subject"))
        query = select(LeadGradingRuleRecord).where(LeadGradingRuleRecord.subject == subject)
        return self._list_rules(LeadGradingRuleRecord, request, grading_rule_to_proto,
                                sales_pb2.ListLeadGradingRulesResponse, query)

    def _list_rules(self, model, request, to_proto, response, query=None):
        query = select(model) if query is None else query
        if request.HasField("enabled"):
            query = query.where(model.enabled.is_(request.enabled))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(uow.session, query, order_column=model.priority,
                                         id_column=model.id, descending=False,
                                         page_size=page_size_of(request.page_size),
                                         page_token=request.page_token)
            return response(rules=[to_proto(row) for row in rows], next_page_token=token)

    def UpdateLeadGradingRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"rule", "update_mask"})
        rule, paths = request.rule, set(request.update_mask.paths)
        _refuse(_mask_violations(paths, GRADING_RULE_FIELDS))
        self._check_rules_manager(principal, reps.SALES_ROOT)
        with self.database.unit_of_work() as uow:
            row = self._rule_row(uow, LeadGradingRuleRecord, rule.id, "grading rule")
            _refuse(self._grading_rule_violations(rule, paths & GRADING_RULE_FIELDS,
                                                  row.subject))
            self._apply_grading_rule(row, rule, paths)
            row.updated_by, row.update_time = principal.user_id, utcnow()
            uow.session.flush()
            self._rules_changed(uow.session, row)
            return grading_rule_to_proto(row)

    def DeleteLeadGradingRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        self._check_rules_manager(principal, reps.SALES_ROOT)
        with self.database.unit_of_work() as uow:
            row = self._rule_row(uow, LeadGradingRuleRecord, request.id, "grading rule")
            uow.session.delete(row)
            self._rules_changed(uow.session, row)
        return empty_pb2.Empty()

    # -- assignment rules -------------------------------------------------------------------------

    @staticmethod
    def _assignment_rule_violations(rule: sales_pb2.AssignmentRule,
                                    fields: set[str]) -> list[FieldViolation]:
        violations = _name_violations(rule.display_name, fields)
        if "condition" in fields:
            violations += lead_grading.assignment_condition_violations(rule.condition,
                                                                       "rule.condition")
        if "department_path" in fields and not DEPARTMENT_PATH.match(rule.department_path):
            violations.append(FieldViolation("rule.department_path",
                                             "must be a path like /hq/sales"))
        if "min_seniority" in fields and rule.min_seniority and not SENIORITIES.name(
                rule.min_seniority):
            violations.append(FieldViolation("rule.min_seniority", "is not a known seniority"))
        if "strategy" in fields and rule.strategy and not STRATEGIES.name(rule.strategy):
            violations.append(FieldViolation("rule.strategy", "is not a known strategy"))
        if "user_ids" in fields and (len(rule.user_ids) > 200 or any(
                not user.strip() or len(user) > 64 for user in rule.user_ids)):
            violations.append(FieldViolation("rule.user_ids",
                                             "must list at most 200 non-empty user ids"))
        if "priority" in fields and rule.priority < 0:
            violations.append(FieldViolation("rule.priority", "must not be negative"))
        return violations

    @staticmethod
    def _apply_assignment_rule(row: AssignmentRuleRecord, rule: sales_pb2.AssignmentRule,
                               fields: set[str]) -> None:
        for name in fields:
            if name == "condition":
                row.condition = condition_json(rule.condition)
            elif name == "min_seniority":
                row.min_seniority = SENIORITIES.name(rule.min_seniority)
            elif name == "strategy":
                row.strategy = STRATEGIES.name(rule.strategy) or "round_robin"
            elif name == "user_ids":
                row.user_ids = [user.strip() for user in rule.user_ids]
            elif name in ("display_name", "department_path"):
                setattr(row, name, getattr(rule, name).strip().rstrip("/"))
            else:
                setattr(row, name, getattr(rule, name))

    def CreateAssignmentRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"rule", "request_id"})
        rule = request.rule
        violations = unsupported_fields(rule, ASSIGNMENT_RULE_FIELDS, prefix="rule.",
                                        ignored=RULE_OUTPUT_ONLY)
        violations += self._assignment_rule_violations(rule, ASSIGNMENT_RULE_FIELDS)
        violations += request_id_violations(request.request_id)
        _refuse(violations)
        self._check_rules_manager(principal, rule.department_path)
        return self._create_rule(AssignmentRuleRecord, request.request_id, principal,
                                 lambda row: self._apply_assignment_rule(
                                     row, rule, ASSIGNMENT_RULE_FIELDS),
                                 assignment_rule_to_proto,
                                 check=lambda session, row: self._check_assignment_reach(
                                     session, principal, row))

    def GetAssignmentRule(self, request, context):
        current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return assignment_rule_to_proto(self._rule_row(uow, AssignmentRuleRecord, request.id,
                                                           "assignment rule"))

    def ListAssignmentRules(self, request, context):
        current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "enabled"})
        return self._list_rules(AssignmentRuleRecord, request, assignment_rule_to_proto,
                                sales_pb2.ListAssignmentRulesResponse)

    def UpdateAssignmentRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"rule", "update_mask"})
        rule, paths = request.rule, set(request.update_mask.paths)
        violations = _mask_violations(paths, ASSIGNMENT_RULE_FIELDS)
        violations += self._assignment_rule_violations(rule, paths & ASSIGNMENT_RULE_FIELDS)
        _refuse(violations)
        with self.database.unit_of_work() as uow:
            row = self._rule_row(uow, AssignmentRuleRecord, rule.id, "assignment rule")
            self._check_rules_manager(principal, row.department_path)
            self._apply_assignment_rule(row, rule, paths)
            self._check_rules_manager(principal, row.department_path)
            self._check_assignment_reach(uow.session, principal, row)
            row.updated_by, row.update_time = principal.user_id, utcnow()
            uow.session.flush()
            return assignment_rule_to_proto(row)

    def DeleteAssignmentRule(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            row = self._rule_row(uow, AssignmentRuleRecord, request.id, "assignment rule")
            self._check_rules_manager(principal, row.department_path)
            uow.session.delete(row)
        return empty_pb2.Empty()

    # -- sales reps -------------------------------------------------------------------------------

    @staticmethod
    def _visible_rep(uow, principal: Principal, user_id: str) -> SalesRep:
        rep = uow.session.get(SalesRep, user_id) if user_id else None
        if rep is None or not (rep.user_id == principal.user_id
                               or reps.can_manage(principal, rep.department_path)):
            raise NotFound(f"sales rep {user_id} not found")
        return rep

    @staticmethod
    def _rep_proto(session, rep: SalesRep) -> sales_pb2.SalesRep:
        return rep_to_proto(rep, leads.open_lead_counts(session, [rep.user_id])[rep.user_id])

    def GetSalesRep(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"user_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            rep = self._visible_rep(uow, principal, request.user_id)
            return self._rep_proto(uow.session, rep)

    def ListSalesReps(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "department_path", "seniority",
                                     "available"})
        query = select(SalesRep)
        if principal.data_scope is DataScope.OWN:
            query = query.where(SalesRep.user_id == principal.user_id)
        elif principal.data_scope is DataScope.DEPARTMENT:
            query = query.where(_in_subtree(SalesRep.department_path, principal.department_path))
        if request.department_path:
            query = query.where(_in_subtree(SalesRep.department_path, request.department_path))
        if request.seniority:
            if not SENIORITIES.name(request.seniority):
                raise InvalidArgument(FieldViolation("seniority", "is not a known seniority"))
            query = query.where(SalesRep.seniority == SENIORITIES.name(request.seniority))
        if request.HasField("available"):
            query = query.where(SalesRep.available.is_(request.available))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(uow.session, query, order_column=SalesRep.user_id,
                                         id_column=SalesRep.user_id, descending=False,
                                         page_size=page_size_of(request.page_size),
                                         page_token=request.page_token)
            counts = leads.open_lead_counts(uow.session, [row.user_id for row in rows])
            return sales_pb2.ListSalesRepsResponse(
                sales_reps=[rep_to_proto(row, counts[row.user_id]) for row in rows],
                next_page_token=token)

    def UpdateSalesRep(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"sales_rep", "update_mask"})
        data, paths = request.sales_rep, set(request.update_mask.paths)
        violations = _mask_violations(paths, REP_FIELDS)
        if not data.user_id:
            violations.append(FieldViolation("sales_rep.user_id", "is required"))
        if "seniority" in paths and not SENIORITIES.name(data.seniority):
            violations.append(FieldViolation("sales_rep.seniority",
                                             "must be junior, regular or senior"))
        if "max_open_leads" in paths and not 0 <= data.max_open_leads <= 10_000:
            violations.append(FieldViolation("sales_rep.max_open_leads",
                                             "must be between 0 (no limit) and 10000"))
        _refuse(violations)
        with self.database.unit_of_work() as uow:
            rep = self._visible_rep(uow, principal, data.user_id)
            own_only = paths <= SELF_SERVICE_REP_FIELDS and rep.user_id == principal.user_id
            if not own_only and not reps.can_manage(principal, rep.department_path):
                raise PermissionDenied("only sales leads of the rep's department and admins "
                                       "change seniority and capacity")
            for path in paths:
                if path == "seniority":
                    rep.seniority = SENIORITIES.name(data.seniority)
                elif path == "available_again_time":
                    rep.available_again_time = (from_timestamp(data.available_again_time)
                                                if data.HasField("available_again_time") else None)
                else:
                    setattr(rep, path, getattr(data, path))
            rep.update_time, rep.updated_by = utcnow(), principal.user_id
            uow.session.flush()
            return self._rep_proto(uow.session, rep)


def _name_violations(name: str, fields: set[str]) -> list[FieldViolation]:
    if "display_name" not in fields:
        return []
    if not name.strip():
        return [FieldViolation("rule.display_name", "is required")]
    if len(name) > 200:
        return [FieldViolation("rule.display_name", "must be at most 200 characters")]
    return []


def _mask_violations(paths: set[str], allowed: set[str]) -> list[FieldViolation]:
    if not paths:
        return [FieldViolation("update_mask", "must name the fields to change")]
    return [FieldViolation("update_mask", f"`{path}` cannot be updated")
            for path in sorted(paths - allowed)]


def _in_subtree(column, root: str):
    root = root.rstrip("/")
    return or_(column == root, column.startswith(root + "/", autoescape=True))
