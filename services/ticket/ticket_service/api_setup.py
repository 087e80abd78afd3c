"""gRPC methods of ``crm.ticket.v1.TicketService`` for the service's set-up and read models:
SLA policies, business calendars, the ticket policy, call-back tasks, the knowledge base, KPIs
and the data-subject export. Mixed into :class:`ticket_service.api.TicketServicer`.

Who may do what: every member of staff reads calendars, SLA policies and the ticket policy.
Calendars are managed by ``all`` scopes and by department scopes (leads) for departments in
their subtree; SLA policies and the ticket policy, which apply company-wide, by ``all`` scopes
and admins only. Call-back tasks are seen by their assignee and by the department scope over
the assignee's department. Knowledge-article access is described in :mod:`ticket_service.knowledge`.
KPIs are for department scopes (their subtree) and ``all`` scopes / admins; the data-subject
export for the privacy roles (the RPC's access option: ``admin``, ``dpo``).

``CompleteCallbackTask.reopen_ticket`` is refused as not supported: reopening belongs to the
lifecycle (ReopenTicket), which the caller invokes after recording NEEDS_FOLLOW_UP.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, timedelta

from crm.common.v1 import privacy_pb2, reporting_pb2, types_pb2
from crm.ticket.v1 import ticket_pb2
from crm_shared.auth import DataScope, Principal, current_principal
from crm_shared.auth.visibility import in_subtree
from crm_shared.db import utcnow
from crm_shared.errors import (
    AlreadyExists,
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, page_size_of
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format
from google.protobuf.duration_pb2 import Duration
from google.protobuf.empty_pb2 import Empty
from google.protobuf.struct_pb2 import Struct
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ticket_service import (
    calendars,
    callbacks,
    knowledge,
    kpis,
    public_holidays,
    service_targets,
    sla_policies,
    tickets,
)
from ticket_service.models import (
    BusinessCalendar,
    CallbackTask,
    KnowledgeArticle,
    ServiceRecordEntry,
    SlaPolicy,
    Ticket,
    TicketCommentRecord,
)
from ticket_service.views import (
    PRIORITIES,
    TYPES,
    VALUE_CLASSES,
    comment_to_proto,
    service_record_to_proto,
    ticket_to_proto,
)

ADMIN_ROLES = ("admin",)
AUDIT_FIELDS = {"id", "create_time", "update_time", "created_by", "updated_by"}
CALENDAR_FIELDS = {"display_name", "department_path", "time_zone", "working_hours", "holidays",
                   "extra_working_days"}
SLA_FIELDS = {"display_name", "ticket_type", "priority", "first_response_target",
              "resolution_target", "business_hours_only", "warning_before",
              "untouched_reminder_after", "escalate_after", "enabled"}
# proto field -> SlaInput field
SLA_INPUT_NAMES = {"first_response_target": "first_response", "resolution_target": "resolution"}
TICKET_POLICY_FIELDS = {"raise_priority_value_classes", "raise_priority_when_at_risk",
                        "callback_within", "service_record_within", "auto_close_after"}
ARTICLE_FIELDS = {"kind", "title", "body", "category", "product", "keywords", "ticket_types",
                  "source_ticket_id", "locale", "state", "department_path", "public"}
ARTICLE_OUTPUT_FIELDS = AUDIT_FIELDS | {"view_count", "use_count", "etag"}
VALUE_CLASS_NAMES = {value: name for name, value in VALUE_CLASSES.items()}
SEARCH_DEFAULT_PAGE, SEARCH_MAX_PAGE = 10, 100


# -- small translations ---------------------------------------------------------------------------


def _mask(request, allowed: set[str], prefix: str) -> set[str]:
    paths = set(request.update_mask.paths)
    if not paths:
        raise InvalidArgument(FieldViolation("update_mask", "is required: name the fields to change"))
    unknown = sorted(paths - allowed)
    if unknown:
        raise InvalidArgument([FieldViolation("update_mask.paths", f"{prefix}{path} cannot be changed")
                               for path in unknown])
    return paths


def _duration(message, name: str) -> timedelta | None:
    return getattr(message, name).ToTimedelta() if message.HasField(name) else None


def _duration_proto(value: timedelta | None) -> Duration | None:
    if value is None:
        return None
    message = Duration()
    message.FromTimedelta(value)
    return message


def _seconds_proto(value: int | None) -> Duration | None:
    return None if value is None else _duration_proto(timedelta(seconds=value))


def _is_admin(principal: Principal) -> bool:
    return principal.data_scope is DataScope.ALL or principal.has_role(*ADMIN_ROLES)


def _require_admin(principal: Principal, what: str) -> None:
    if not _is_admin(principal):
        raise PermissionDenied(f"only administrators may {what}")


def _may_manage_department(principal: Principal, department_path: str) -> bool:
    if _is_admin(principal):
        return True
    return (principal.data_scope is DataScope.DEPARTMENT and bool(department_path)
            and in_subtree(department_path, principal.department_path))


def _offset_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode() if offset else ""


def _offset_of(token: str) -> int:
    if not token:
        return 0
    try:
        kind, value = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if kind != "offset" or int(value) < 0:
            raise ValueError(token)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument(FieldViolation("page_token", "is not a token this service issued")) from exc


# -- calendars ----------------------------------------------------------------------------------------


def calendar_to_proto(row: BusinessCalendar) -> ticket_pb2.BusinessCalendar:
    return ticket_pb2.BusinessCalendar(
        id=row.id,
        display_name=row.display_name,
        department_path=row.department_path,
        time_zone=row.time_zone,
        working_hours=[ticket_pb2.WorkingHours(day=entry["day"], opens_at=entry["opens_at"],
                                               closes_at=entry["closes_at"])
                       for entry in row.working_hours],
        holidays=[ticket_pb2.CalendarDay(date=day["date"], name=day.get("name", ""))
                  for day in row.holidays],
        extra_working_days=[ticket_pb2.CalendarDay(date=day["date"], name=day.get("name", ""),
                                                   weekday_like=day["weekday_like"])
                            for day in row.extra_working_days],
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _calendar_input(message: ticket_pb2.BusinessCalendar) -> calendars.CalendarInput:
    return calendars.CalendarInput(
        display_name=message.display_name.strip(),
        department_path=message.department_path.strip(),
        time_zone=message.time_zone.strip(),
        working_hours=[{"day": entry.day, "opens_at": entry.opens_at.strip(),
                        "closes_at": entry.closes_at.strip()} for entry in message.working_hours],
        holidays=[{"date": day.date.strip(), "name": day.name.strip()} for day in message.holidays],
        extra_working_days=[{"date": day.date.strip(), "name": day.name.strip(),
                             "weekday_like": day.weekday_like}
                            for day in message.extra_working_days],
    )


def _calendar_as_input(row: BusinessCalendar) -> calendars.CalendarInput:
    return calendars.CalendarInput(
        display_name=row.display_name, department_path=row.department_path,
        time_zone=row.time_zone, working_hours=list(row.working_hours),
        holidays=list(row.holidays), extra_working_days=list(row.extra_working_days))


# -- SLA policies -------------------------------------------------------------------------------------


def sla_policy_to_proto(row: SlaPolicy) -> ticket_pb2.SlaPolicy:
    return ticket_pb2.SlaPolicy(
        id=row.id,
        display_name=row.display_name,
        ticket_type=TYPES.value(row.ticket_type),
        priority=PRIORITIES.value(row.priority),
        first_response_target=_seconds_proto(row.first_response_seconds),
        resolution_target=_seconds_proto(row.resolution_seconds),
        business_hours_only=row.business_hours_only,
        warning_before=_seconds_proto(row.warning_before_seconds),
        untouched_reminder_after=_seconds_proto(row.untouched_reminder_seconds),
        escalate_after=_seconds_proto(row.escalate_after_seconds),
        enabled=row.enabled,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _sla_input(message: ticket_pb2.SlaPolicy) -> sla_policies.SlaInput:
    return sla_policies.SlaInput(
        display_name=message.display_name.strip(),
        ticket_type=TYPES.name(message.ticket_type) or None,
        priority=PRIORITIES.name(message.priority) or None,
        first_response=_duration(message, "first_response_target"),
        resolution=_duration(message, "resolution_target"),
        business_hours_only=message.business_hours_only,
        warning_before=_duration(message, "warning_before"),
        untouched_reminder_after=_duration(message, "untouched_reminder_after"),
        escalate_after=_duration(message, "escalate_after"),
        enabled=message.enabled,
    )


def _enum_violations(message, prefix: str, checks) -> list[FieldViolation]:
    """Enum fields holding numbers the contract does not define."""
    return [FieldViolation(f"{prefix}{name}", "is not a known value")
            for name, names in checks if getattr(message, name) and not names.name(getattr(message, name))]


# -- ticket policy --------------------------------------------------------------------------------------


def ticket_policy_to_proto(row) -> ticket_pb2.TicketPolicy:
    return ticket_pb2.TicketPolicy(
        raise_priority_value_classes=[VALUE_CLASSES[name] for name in row.raise_priority_value_classes],
        raise_priority_when_at_risk=row.raise_priority_when_at_risk,
        callback_within=_seconds_proto(row.callback_within_seconds),
        service_record_within=_seconds_proto(row.service_record_within_seconds),
        auto_close_after=_seconds_proto(row.auto_close_after_seconds),
        update_time=to_timestamp(row.update_time),
        updated_by=row.updated_by,
    )


# -- knowledge ----------------------------------------------------------------------------------------


def article_to_proto(row: KnowledgeArticle) -> ticket_pb2.KnowledgeArticle:
    return ticket_pb2.KnowledgeArticle(
        id=row.id,
        kind=knowledge.KINDS.value(row.kind),
        title=row.title,
        body=row.body,
        category=row.category,
        product=row.product,
        keywords=row.keywords,
        ticket_types=[TYPES.value(name) for name in row.ticket_types],
        source_ticket_id=row.source_ticket_id or "",
        locale=row.locale,
        state=knowledge.STATES.value(row.state),
        department_path=row.department_path,
        public=bool(row.public),
        view_count=row.view_count,
        use_count=row.use_count,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
        etag=knowledge.etag_of(row),
    )


def _article_input(message: ticket_pb2.KnowledgeArticle, principal: Principal) -> knowledge.ArticleInput:
    return knowledge.ArticleInput(
        kind=knowledge.KINDS.name(message.kind),
        title=message.title.strip(),
        body=message.body,
        category=message.category.strip(),
        product=message.product.strip(),
        keywords=list(dict.fromkeys(keyword.strip() for keyword in message.keywords)),
        ticket_types=list(dict.fromkeys(TYPES.name(value) for value in message.ticket_types)),
        source_ticket_id=message.source_ticket_id.strip(),
        locale=message.locale.strip() or "zh-CN",
        state=knowledge.STATES.name(message.state) or knowledge.DRAFT,
        department_path=message.department_path.strip() or principal.department_path,
        public=message.public,
    )


def _article_department_violations(principal: Principal, path: str) -> list[FieldViolation]:
    if not calendars.valid_department_path(path) or not path:
        return [FieldViolation("article.department_path", "must be a department path like /hq/service")]
    if not (_is_admin(principal) or in_subtree(path, principal.department_path)):
        return [FieldViolation("article.department_path", "must be your department or inside it")]
    return []


def _check_source_ticket(session, principal: Principal, ticket_id: str) -> None:
    if ticket_id and tickets.get_visible(session, principal, ticket_id) is None:
        raise InvalidArgument(FieldViolation("article.source_ticket_id", "is not a ticket you can see"))


# -- KPIs ---------------------------------------------------------------------------------------------


def _kpi(figure: kpis.Figure, previous: kpis.Figure | None) -> reporting_pb2.Kpi:
    kpi = reporting_pb2.Kpi(key=figure.key, display_name=figure.display_name,
                            value=round(figure.value, 6), unit=figure.unit,
                            higher_is_better=figure.higher_is_better,
                            sample_size=figure.sample_size)
    if previous is not None and previous.sample_size:
        kpi.previous_value = round(previous.value, 6)
    return kpi


class SetupRpcs:
    """Set-up and read-model methods; the servicer in ``api.py`` inherits them."""

    database: object  # set by TicketServicer.__init__

    def _create_once(self, model, request_id: str, principal: Principal, to_proto, build,
                     conflict: Exception | None = None):
        """Create the row ``build(session)`` returns, once per request id: a retry answers with
        the first result, also when two retries race (the loser's insert fails on the unique
        request id). ``conflict`` is raised for other unique violations."""

        try:
            with self.database.unit_of_work() as uow:
                row = earlier_request(uow.session, model, request_id, principal.user_id)
                if row is not None:
                    return to_proto(row)
                row = build(uow.session)
                uow.session.add(row)
                uow.session.flush()
                return to_proto(row)
        except IntegrityError:
            with self.database.unit_of_work(readonly=True) as uow:
                row = earlier_request(uow.session, model, request_id, principal.user_id)
                if row is not None:
                    return to_proto(row)
            if conflict is not None:
                raise conflict from None
            raise

    # --- business calendars ----------------------------------------------------------------

    def CreateBusinessCalendar(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"calendar", "request_id"})
        data = _calendar_input(request.calendar)
        violations = calendars.validate_calendar(data)
        violations += unsupported_fields(request.calendar, CALENDAR_FIELDS, prefix="calendar.",
                                         ignored=AUDIT_FIELDS)
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        if not _may_manage_department(principal, data.department_path):
            raise PermissionDenied("you may manage calendars of your department subtree only")
        taken = AlreadyExists(f"department {data.department_path or '(default)'} has a calendar")

        def build(session) -> BusinessCalendar:
            if session.scalars(select(BusinessCalendar.id).where(
                    BusinessCalendar.department_path == data.department_path)).first():
                raise taken
            now = utcnow()
            return BusinessCalendar(
                id=str(uuid.uuid4()), display_name=data.display_name,
                department_path=data.department_path, time_zone=data.time_zone,
                working_hours=data.working_hours, holidays=data.holidays,
                extra_working_days=data.extra_working_days, created_by=principal.user_id,
                updated_by=principal.user_id, create_time=now, update_time=now,
                request_id=request.request_id or None,
            )

        return self._create_once(BusinessCalendar, request.request_id, principal,
                                 calendar_to_proto, build, conflict=taken)

    def GetBusinessCalendar(self, request, context):
        current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = uow.session.get(BusinessCalendar, request.id) if request.id else None
            if row is None:
                raise NotFound(f"calendar {request.id} not found")
            return calendar_to_proto(row)

    def ListBusinessCalendars(self, request, context):
        current_principal()
        refuse_unsupported(request, {"page_size", "page_token"})
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(
                uow.session, select(BusinessCalendar), created_column=BusinessCalendar.create_time,
                id_column=BusinessCalendar.id, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            return ticket_pb2.ListBusinessCalendarsResponse(
                calendars=[calendar_to_proto(row) for row in rows], next_page_token=next_token)

    def UpdateBusinessCalendar(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"calendar", "update_mask"})
        paths = _mask(request, CALENDAR_FIELDS, "calendar.")
        given = _calendar_input(request.calendar)
        try:
            with self.database.unit_of_work() as uow:
                row = uow.session.get(BusinessCalendar, request.calendar.id) if request.calendar.id else None
                if row is None:
                    raise NotFound(f"calendar {request.calendar.id} not found")
                current = _calendar_as_input(row)
                merged = calendars.CalendarInput(**{
                    name: getattr(given if name in paths else current, name)
                    for name in calendars.CalendarInput.__dataclass_fields__})
                violations = calendars.validate_calendar(merged)
                if violations:
                    raise InvalidArgument(violations)
                for path in {row.department_path, merged.department_path}:
                    if not _may_manage_department(principal, path):
                        raise PermissionDenied("you may manage calendars of your department subtree only")
                if merged.department_path != row.department_path and uow.session.scalars(
                        select(BusinessCalendar.id).where(
                            BusinessCalendar.department_path == merged.department_path)).first():
                    raise AlreadyExists(f"department {merged.department_path or '(default)'} has a calendar")
                for name in paths:
                    setattr(row, name, getattr(merged, name))
                row.updated_by = principal.user_id
                row.update_time = utcnow()
                uow.session.flush()
                return calendar_to_proto(row)
        except IntegrityError as exc:
            raise AlreadyExists("that department already has a calendar") from exc

    def DeleteBusinessCalendar(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            row = uow.session.get(BusinessCalendar, request.id) if request.id else None
            if row is None:
                raise NotFound(f"calendar {request.id} not found")
            if row.department_path == calendars.DEFAULT_PATH:
                raise FailedPrecondition("the default calendar cannot be deleted",
                                         reason="DEFAULT_CALENDAR")
            if not _may_manage_department(principal, row.department_path):
                raise PermissionDenied("you may manage calendars of your department subtree only")
            uow.session.delete(row)
        return Empty()

    def FillPublicHolidays(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"calendar_id", "year"})
        with self.database.unit_of_work() as uow:
            row = uow.session.get(BusinessCalendar, request.calendar_id) if request.calendar_id else None
            if row is None:
                raise NotFound(f"calendar {request.calendar_id} not found")
            if not _may_manage_department(principal, row.department_path):
                raise PermissionDenied("you may manage calendars of your department subtree only")
            try:
                filled = public_holidays.fill_year(request.year, row.holidays,
                                                   row.extra_working_days, row.working_hours)
            except public_holidays.UnknownYear as exc:
                raise InvalidArgument(FieldViolation("year", str(exc))) from exc
            if filled.holidays_added or filled.extra_working_days_added:
                # Reassigned, not mutated: the JSON columns track assignment only.
                row.holidays = filled.holidays
                row.extra_working_days = filled.extra_working_days
                row.updated_by = principal.user_id
                row.update_time = utcnow()
                uow.session.flush()
            return ticket_pb2.FillPublicHolidaysResponse(
                calendar=calendar_to_proto(row), holidays_added=filled.holidays_added,
                extra_working_days_added=filled.extra_working_days_added)

    # --- SLA policies ------------------------------------------------------------------------

    def CreateSlaPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "request_id"})
        data = _sla_input(request.policy)
        violations = sla_policies.validate_policy(data)
        violations += _enum_violations(request.policy, "policy.",
                                       [("ticket_type", TYPES), ("priority", PRIORITIES)])
        violations += unsupported_fields(request.policy, SLA_FIELDS, prefix="policy.",
                                         ignored=AUDIT_FIELDS)
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        _require_admin(principal, "manage SLA policies")

        def build(session) -> SlaPolicy:
            now = utcnow()
            row = SlaPolicy(id=str(uuid.uuid4()), created_by=principal.user_id,
                            updated_by=principal.user_id, create_time=now, update_time=now,
                            request_id=request.request_id or None)
            sla_policies.apply(row, data)
            return row

        return self._create_once(SlaPolicy, request.request_id, principal, sla_policy_to_proto, build)

    def GetSlaPolicy(self, request, context):
        current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = uow.session.get(SlaPolicy, request.id) if request.id else None
            if row is None:
                raise NotFound(f"SLA policy {request.id} not found")
            return sla_policy_to_proto(row)

    def ListSlaPolicies(self, request, context):
        current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "ticket_type"})
        query = select(SlaPolicy)
        if request.ticket_type:
            query = query.where(SlaPolicy.ticket_type == TYPES.name(request.ticket_type))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(
                uow.session, query, created_column=SlaPolicy.create_time, id_column=SlaPolicy.id,
                page_size=page_size_of(request.page_size), page_token=request.page_token)
            return ticket_pb2.ListSlaPoliciesResponse(
                policies=[sla_policy_to_proto(row) for row in rows], next_page_token=next_token)

    def UpdateSlaPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "update_mask"})
        paths = _mask(request, SLA_FIELDS, "policy.")
        violations = _enum_violations(request.policy, "policy.",
                                      [("ticket_type", TYPES), ("priority", PRIORITIES)])
        if violations:
            raise InvalidArgument(violations)
        _require_admin(principal, "manage SLA policies")
        given = _sla_input(request.policy)
        fields = {SLA_INPUT_NAMES.get(path, path) for path in paths}
        with self.database.unit_of_work() as uow:
            row = uow.session.get(SlaPolicy, request.policy.id) if request.policy.id else None
            if row is None:
                raise NotFound(f"SLA policy {request.policy.id} not found")
            current = sla_policies.as_input(row)
            merged = sla_policies.SlaInput(**{
                name: getattr(given if name in fields else current, name)
                for name in sla_policies.SlaInput.__dataclass_fields__})
            violations = sla_policies.validate_policy(merged)
            if violations:
                raise InvalidArgument(violations)
            sla_policies.apply(row, merged, fields)
            row.updated_by = principal.user_id
            row.update_time = utcnow()
            return sla_policy_to_proto(row)

    def DeleteSlaPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        _require_admin(principal, "manage SLA policies")
        with self.database.unit_of_work() as uow:
            row = uow.session.get(SlaPolicy, request.id) if request.id else None
            if row is None:
                raise NotFound(f"SLA policy {request.id} not found")
            # Tickets keep the id of the policy they were given; their due times stay as computed.
            uow.session.delete(row)
        return Empty()

    # --- ticket policy -------------------------------------------------------------------------

    def GetTicketPolicy(self, request, context):
        current_principal()
        refuse_unsupported(request, set())
        with self.database.unit_of_work(readonly=True) as uow:
            return ticket_policy_to_proto(sla_policies.ticket_policy_row(uow.session))

    def UpdateTicketPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "update_mask"})
        paths = _mask(request, TICKET_POLICY_FIELDS, "policy.")
        message = request.policy
        violations = [FieldViolation("policy.raise_priority_value_classes", "is not a known value class")
                      for value in message.raise_priority_value_classes if value not in VALUE_CLASS_NAMES]
        for name in ("callback_within", "service_record_within"):
            if name in paths and not message.HasField(name):
                violations.append(FieldViolation(f"policy.{name}", "is required"))
        if violations:
            raise InvalidArgument(violations)
        wanted = sla_policies.TicketPolicy(
            raise_priority_value_classes=frozenset(
                VALUE_CLASS_NAMES[value] for value in message.raise_priority_value_classes),
            raise_priority_when_at_risk=message.raise_priority_when_at_risk,
            callback_within=_duration(message, "callback_within") or timedelta(0),
            service_record_within=_duration(message, "service_record_within") or timedelta(0),
            auto_close_after=_duration(message, "auto_close_after"),
        )
        violations = sla_policies.validate_ticket_policy(wanted, paths)
        if violations:
            raise InvalidArgument(violations)
        _require_admin(principal, "change the ticket policy")
        with self.database.unit_of_work() as uow:
            row = sla_policies.ticket_policy_row(uow.session)
            if "raise_priority_value_classes" in paths:
                row.raise_priority_value_classes = sorted(wanted.raise_priority_value_classes)
            if "raise_priority_when_at_risk" in paths:
                row.raise_priority_when_at_risk = wanted.raise_priority_when_at_risk
            if "callback_within" in paths:
                row.callback_within_seconds = int(wanted.callback_within.total_seconds())
            if "service_record_within" in paths:
                row.service_record_within_seconds = int(wanted.service_record_within.total_seconds())
            if "auto_close_after" in paths:
                row.auto_close_after_seconds = int(wanted.auto_close_after.total_seconds()) \
                    if wanted.auto_close_after else 0
            row.updated_by = principal.user_id
            row.update_time = utcnow()
            return ticket_policy_to_proto(row)

    # --- call-back tasks -----------------------------------------------------------------------

    def GetCallbackTask(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            task = callbacks.get_visible(uow.session, principal, request.id) if request.id else None
            if task is None:
                raise NotFound(f"call-back task {request.id} not found")
            return callbacks.to_proto(task)

    def ListCallbackTasks(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "assignee_id", "department_path",
                                      "states", "ticket_id"})
        unknown = [value for value in request.states if not callbacks.STATES.name(value)]
        if unknown:
            raise InvalidArgument(FieldViolation("states", "holds an unknown state"))
        filters = callbacks.CallbackFilters(
            assignee_id=request.assignee_id or None,
            department_path=request.department_path or None,
            states=tuple(callbacks.STATES.name(value) for value in request.states),
            ticket_id=request.ticket_id or None,
        )
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(
                uow.session, callbacks.visible_query(principal, filters),
                created_column=CallbackTask.due_time, id_column=CallbackTask.id,
                page_size=page_size_of(request.page_size), page_token=request.page_token,
                ascending=True)
            return ticket_pb2.ListCallbackTasksResponse(
                tasks=[callbacks.to_proto(row) for row in rows], next_page_token=next_token)

    def CompleteCallbackTask(self, request, context):
        principal = current_principal()
        # Reopening from here would duplicate the lifecycle's reopen; callers use ReopenTicket.
        refuse_unsupported(request, {"id", "result", "note"})
        violations = []
        result = callbacks.RESULTS.name(request.result)
        if not result:
            violations.append(FieldViolation("result", "is required: resolved, satisfied or needs_follow_up"))
        if len(request.note) > 4000:
            violations.append(FieldViolation("note", "must be at most 4000 characters"))
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            task = callbacks.get_visible(uow.session, principal, request.id) if request.id else None
            if task is None:
                raise NotFound(f"call-back task {request.id} not found")
            now = utcnow()
            callbacks.complete(task, result=result, note=request.note.strip(),
                               actor_id=principal.user_id, now=now, emit=uow.emit)
            ticket = uow.session.get(Ticket, task.ticket_id)
            if ticket is not None:
                tickets.record(uow.session, ticket, "callback_completed", now, principal.user_id,
                               reason=result)
            return callbacks.to_proto(task)

    # --- knowledge base -------------------------------------------------------------------------

    def CreateKnowledgeArticle(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"article", "request_id"})
        data = _article_input(request.article, principal)
        violations = knowledge.validate_article(data)
        violations += _enum_violations(request.article, "article.",
                                       [("kind", knowledge.KINDS), ("state", knowledge.STATES)])
        violations += _article_department_violations(principal, data.department_path)
        violations += unsupported_fields(request.article, ARTICLE_FIELDS, prefix="article.",
                                         ignored=ARTICLE_OUTPUT_FIELDS)
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)

        def build(session) -> KnowledgeArticle:
            _check_source_ticket(session, principal, data.source_ticket_id)
            now = utcnow()
            row = KnowledgeArticle(id=str(uuid.uuid4()), view_count=0, use_count=0, version=1,
                                   created_by=principal.user_id, updated_by=principal.user_id,
                                   create_time=now, update_time=now,
                                   request_id=request.request_id or None)
            knowledge.apply(row, data)
            return row

        return self._create_once(KnowledgeArticle, request.request_id, principal,
                                 article_to_proto, build)

    def GetKnowledgeArticle(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            row = knowledge.get_readable(uow.session, principal, request.id) if request.id else None
            if row is None:
                raise NotFound(f"article {request.id} not found")
            # Counted in SQL so concurrent readers do not lose each other's views.
            uow.session.execute(update(KnowledgeArticle).where(KnowledgeArticle.id == row.id)
                                .values(view_count=KnowledgeArticle.view_count + 1))
            uow.session.refresh(row)
            return article_to_proto(row)

    def ListKnowledgeArticles(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "kind", "state", "category",
                                      "product", "locale"})
        query = select(KnowledgeArticle).where(knowledge.readable_clause(principal))
        if request.kind:
            query = query.where(KnowledgeArticle.kind == knowledge.KINDS.name(request.kind))
        if request.state:
            query = query.where(KnowledgeArticle.state == knowledge.STATES.name(request.state))
        for name in ("category", "product", "locale"):
            if getattr(request, name):
                query = query.where(getattr(KnowledgeArticle, name) == getattr(request, name))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(
                uow.session, query, created_column=KnowledgeArticle.update_time,
                id_column=KnowledgeArticle.id, page_size=page_size_of(request.page_size),
                page_token=request.page_token)
            return ticket_pb2.ListKnowledgeArticlesResponse(
                articles=[article_to_proto(row) for row in rows], next_page_token=next_token)

    def UpdateKnowledgeArticle(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"article", "update_mask"})
        paths = _mask(request, ARTICLE_FIELDS, "article.")
        violations = _enum_violations(request.article, "article.",
                                      [("kind", knowledge.KINDS), ("state", knowledge.STATES)])
        if violations:
            raise InvalidArgument(violations)
        given = _article_input(request.article, principal)
        with self.database.unit_of_work() as uow:
            row = knowledge.get_readable(uow.session, principal, request.article.id) \
                if request.article.id else None
            if row is None:
                raise NotFound(f"article {request.article.id} not found")
            if not knowledge.may_change(principal, row):
                raise PermissionDenied("you may change your own articles and your department's")
            if request.article.etag and request.article.etag != knowledge.etag_of(row):
                raise Conflict(f"article {row.id} changed since it was read; read it again")
            current = knowledge.as_input(row)
            merged = knowledge.ArticleInput(**{
                name: getattr(given if name in paths else current, name)
                for name in knowledge.ArticleInput.__dataclass_fields__})
            violations = knowledge.validate_article(merged)
            if "department_path" in paths:
                violations += _article_department_violations(principal, merged.department_path)
            if violations:
                raise InvalidArgument(violations)
            if "source_ticket_id" in paths:
                _check_source_ticket(uow.session, principal, merged.source_ticket_id)
            knowledge.apply(row, merged, paths)
            row.version += 1
            row.updated_by = principal.user_id
            row.update_time = utcnow()
            return article_to_proto(row)

    def DeleteKnowledgeArticle(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            row = knowledge.get_readable(uow.session, principal, request.id) if request.id else None
            if row is None:
                raise NotFound(f"article {request.id} not found")
            if not knowledge.may_change(principal, row):
                raise PermissionDenied("you may delete your own articles and your department's")
            uow.session.delete(row)
        return Empty()

    def SearchKnowledgeArticles(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "query", "ticket_id", "kinds", "locale"})
        if request.page_size < 0:
            raise InvalidArgument(FieldViolation("page_size", "must not be negative"))
        if not request.query.strip() and not request.ticket_id:
            raise InvalidArgument(FieldViolation("query", "either query or ticket_id is required"))
        if len(request.query) > 1000:
            raise InvalidArgument(FieldViolation("query", "must be at most 1000 characters"))
        kinds = [knowledge.KINDS.name(value) for value in request.kinds]
        if "" in kinds:
            raise InvalidArgument(FieldViolation("kinds", "holds an unknown kind"))
        page_size = min(request.page_size or SEARCH_DEFAULT_PAGE, SEARCH_MAX_PAGE)
        offset = _offset_of(request.page_token)
        with self.database.unit_of_work(readonly=True) as uow:
            text = request.query
            if request.ticket_id:
                ticket = tickets.get_visible(uow.session, principal, request.ticket_id)
                if ticket is None:
                    raise NotFound(f"ticket {request.ticket_id} not found")
                text = "\n".join([text, knowledge.ticket_search_text(ticket)])
            hits = knowledge.search(uow.session, text, kinds=kinds, locale=request.locale.strip())
            page = hits[offset:offset + page_size]
            return ticket_pb2.SearchKnowledgeArticlesResponse(
                results=[ticket_pb2.KnowledgeSearchResult(
                    article=article_to_proto(hit.article), score=hit.score, snippet=hit.snippet)
                    for hit in page],
                next_page_token=_offset_token(offset + page_size)
                if offset + page_size < len(hits) else "",
            )

    # --- KPIs ---------------------------------------------------------------------------------

    def GetTicketKpis(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "group_by_department"})
        start, end = _period_dates(request.period)
        root = request.department_path.strip().rstrip("/")
        if root and not calendars.valid_department_path(root):
            raise InvalidArgument(FieldViolation("department_path", "must be a department path like /hq/service"))
        if not _is_admin(principal):
            if principal.data_scope is not DataScope.DEPARTMENT:
                raise PermissionDenied("KPIs are for department leads and administrators")
            root = root or principal.department_path.rstrip("/")
            if not in_subtree(root, principal.department_path):
                raise PermissionDenied("you may see the KPIs of your department subtree only")
        now = utcnow()
        with self.database.unit_of_work(readonly=True) as uow:
            zone = kpis.report_zone(uow.session, root)
            current, previous, previous_start, previous_end = kpis.periods(start, end, zone)
            report = reporting_pb2.KpiReport(
                period=types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat()),
                previous_period=types_pb2.DateRange(start_date=previous_start.isoformat(),
                                                    end_date=previous_end.isoformat()),
                department_path=root, compute_time=to_timestamp(now), source_service="ticket",
            )
            report.kpis.extend(_kpis(uow.session, root, current, previous, now))
            # the department's service target for the period, next to its SLA rates
            service_targets.put_targets(report.kpis, service_targets.covering_target(
                uow.session, root, start, end))
            if request.group_by_department:
                for child in kpis.direct_children(root, kpis.department_paths(
                        uow.session, root, previous.start, current.end)):
                    group = reporting_pb2.KpiGroup(
                        key=child, display_name=child.rsplit("/", 1)[-1],
                        kpis=_kpis(uow.session, child, current, previous, now))
                    service_targets.put_targets(group.kpis, service_targets.covering_target(
                        uow.session, child, start, end))
                    report.groups.append(group)
        return report

    # --- data-subject export ------------------------------------------------------------------

    def ExportCustomerData(self, request, context):
        principal = current_principal()
        # Who may export: the contract's access option (the privacy roles of
        # crm_shared.auth.roles), enforced by the RPC gate before this runs.
        refuse_unsupported(request, {"customer_id", "access_purpose"})
        if not request.customer_id:
            raise InvalidArgument(FieldViolation("customer_id", "is required"))
        export = privacy_pb2.PersonalDataExport(customer_id=request.customer_id, source_service="ticket",
                                                generate_time=to_timestamp(utcnow()))
        with self.database.unit_of_work(readonly=True) as uow:
            session = uow.session
            rows = session.scalars(select(Ticket).where(
                Ticket.customer_id == request.customer_id, tickets.ticket_visibility(principal))
                .order_by(Ticket.create_time, Ticket.id)).all()
            ids = [row.id for row in rows]
            for row in rows:
                export.records.append(_record("ticket", row.id, ticket_to_proto(row), row.create_time,
                                              row.created_by, row.update_time, row.updated_by))
            if ids:
                for comment in session.scalars(select(TicketCommentRecord).where(
                        TicketCommentRecord.ticket_id.in_(ids)).order_by(TicketCommentRecord.id)):
                    export.records.append(_record("ticket_comment", str(comment.id),
                                                  comment_to_proto(comment), comment.create_time,
                                                  comment.author_id))
                for record in session.scalars(select(ServiceRecordEntry).where(
                        ServiceRecordEntry.ticket_id.in_(ids)).order_by(ServiceRecordEntry.create_time)):
                    export.records.append(_record("service_record", record.id,
                                                  service_record_to_proto(record), record.create_time,
                                                  record.author_id))
                for task in session.scalars(select(CallbackTask).where(
                        CallbackTask.ticket_id.in_(ids)).order_by(CallbackTask.create_time)):
                    export.records.append(_record("callback_task", task.id, callbacks.to_proto(task),
                                                  task.create_time, "", task.update_time,
                                                  task.completed_by or ""))
        return export


def _record(resource_type: str, resource_id: str, message, create_time, created_by: str,
            update_time=None, updated_by: str = "") -> privacy_pb2.PersonalDataRecord:
    data = Struct()
    data.update(json_format.MessageToDict(message))
    return privacy_pb2.PersonalDataRecord(
        resource_type=resource_type, resource_id=resource_id,
        audit=types_pb2.AuditStamp(create_time=to_timestamp(create_time), created_by=created_by,
                                   update_time=to_timestamp(update_time or create_time),
                                   updated_by=updated_by),
        data=data,
    )


def _period_dates(period: types_pb2.DateRange):
    violations, dates = [], []
    for name in ("start_date", "end_date"):
        if calendars.valid_date(getattr(period, name)):
            dates.append(date.fromisoformat(getattr(period, name)))
        else:
            violations.append(FieldViolation(f"period.{name}", "must be a date YYYY-MM-DD"))
    if violations:
        raise InvalidArgument(violations)
    start, end = dates
    if end < start:
        raise InvalidArgument(FieldViolation("period.end_date", "must not be before start_date"))
    if (end - start).days > 366:
        raise InvalidArgument(FieldViolation("period", "must be at most 367 days"))
    return start, end


def _kpis(session, root: str, current: kpis.Period, previous: kpis.Period, now) -> list[reporting_pb2.Kpi]:
    figures, before = kpis.period_figures(session, root, (current, previous), now)
    before_by_key = {figure.key: figure for figure in before}
    return [_kpi(figure, before_by_key.get(figure.key)) for figure in figures]
