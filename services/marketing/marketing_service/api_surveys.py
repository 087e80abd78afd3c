"""Trigger and survey RPCs of ``crm.marketing.v1.MarketingService`` (triggers and firings,
surveys, invitations, the public form and answers, results, improvement items, and the
personal-data export). Mixed into :class:`marketing_service.api.MarketingServicer`.

Who may do what:

* triggers and surveys are written by marketers and admins; read (with their firings,
  invitations, answers and results) also by managers and service and sales leads, who act on
  satisfaction. Marketers and admins see every customer's; the others only what their data
  scope shows of the customer (through the read model's owner and department);
* improvement items are also created and changed by managers and service leads (the
  departments that improve);
* the survey form and its answer are authorised by the signed link alone (the gateway calls
  on the customer's behalf): a link that is not genuine or has expired is NOT_FOUND with one
  message that does not say which, a closed survey FAILED_PRECONDITION, a second answer
  ALREADY_EXISTS. Staff never see a link: invitations are shown with an empty ``link_url``
  (:mod:`marketing_service.invitations`);
* the personal-data export is for admins and data-protection officers.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from crm.common.v1 import reporting_pb2
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.auth import DataScope, Principal, current_principal
from crm_shared.auth.visibility import visibility_clause
from crm_shared.db import UnitOfWork, utcnow
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
from crm_shared.grpc.paging import keyset_page, keyset_page_by, page_size_of
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import from_timestamp, to_timestamp
from google.protobuf.empty_pb2 import Empty
from sqlalchemy import func, select, true
from sqlalchemy.exc import IntegrityError

from marketing_service import (
    customer_data,
    improvements,
    invitations,
    marketing_policy,
    segment_rules,
    survey_kpis,
    survey_links,
    surveys,
    triggers,
)
from marketing_service.campaign_kpis import Period, in_subtree_of
from marketing_service.customer_reach import COMPANY_WIDE_ROLES, Reach
from marketing_service.invitations import LinkSigner
from marketing_service.models import (
    CustomerProfile,
    ImprovementItem,
    Segment,
    Survey,
    SurveyAnswerRecord,
    SurveyInvitation,
    Trigger,
    TriggerFiring,
)
from marketing_service.survey_views import (
    ACTION_KINDS,
    CHANNELS,
    IMPROVEMENT_STATES,
    INVITATION_STATES,
    SURVEY_KINDS,
    SURVEY_STATES,
    TRIGGER_KINDS,
    action_json,
    answer_to_proto,
    condition_json,
    etag_of,
    firing_to_proto,
    improvement_to_proto,
    invitation_to_proto,
    question_of,
    question_to_proto,
    questions_of,
    results_to_proto,
    survey_to_proto,
    trigger_to_proto,
)

# Who may call each RPC (the writers, the readers, the privacy roles of the export) is declared
# once, by the contract's ``(crm.common.v1.access)`` option, and enforced before any handler
# runs (``crm_shared.access``); the handlers below keep only the checks of each record.
ALL_CUSTOMERS_ROLES = COMPANY_WIDE_ROLES

TRIGGER_INPUT = {"display_name", "kind", "enabled", "offset_days", "milestones", "segment_id",
                 "condition", "action"}
TRIGGER_OUTPUT = {"id", "fire_count", "last_fire_time", "create_time", "update_time",
                  "created_by", "updated_by"}
TRIGGER_UPDATABLE = {"display_name", "enabled", "offset_days", "milestones", "segment_id",
                     "condition", "action"}
SURVEY_INPUT = {"title", "description", "kind", "questions", "state", "locale", "owner_id"}
SURVEY_OUTPUT = {"id", "answer_count", "department_path", "create_time", "update_time",
                 "created_by", "updated_by", "etag"}
SURVEY_UPDATABLE = {"title", "description", "kind", "questions", "state", "locale"}
SURVEY_MOVES = {("draft", "active"), ("active", "closed"), ("closed", "active")}
INVITATION_INPUT = {"survey_id", "customer_id", "contact_id", "ticket_id", "campaign_id",
                    "channel"}
INVITATION_OUTPUT = {"id", "trigger_id", "state", "link_url", "expire_time", "delivery_id",
                     "send_time", "answer_time", "create_time"}
IMPROVEMENT_INPUT = {"survey_id", "dimension", "title", "description", "state", "owner_id",
                     "department_path", "due_date", "low_score_share", "answer_count"}
IMPROVEMENT_OUTPUT = {"id", "automatic", "create_time", "update_time"}
IMPROVEMENT_UPDATABLE = {"title", "description", "state", "owner_id", "department_path",
                         "due_date"}
LOCALES = ("zh-CN", "en-US")
MAX_MILESTONES = 20
LINK_REFUSED = "this survey link is not valid or has expired"


def _customers_visible(principal: Principal, customer_column):
    """The SQL filter of rows about customers ``principal`` may see."""
    if principal.has_role(*ALL_CUSTOMERS_ROLES) or principal.data_scope is DataScope.ALL:
        return true()
    return customer_column.in_(select(CustomerProfile.customer_id).where(visibility_clause(
        principal, CustomerProfile.owner_id, CustomerProfile.department_path)))


def _date_or_none(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(FieldViolation(field, "must be a date YYYY-MM-DD")) from None


def _period(period, prefix: str = "period") -> tuple[datetime | None, datetime | None]:
    """[start, end) instants of a DateRange (UTC days, end inclusive)."""
    start = _date_or_none(period.start_date, f"{prefix}.start_date")
    end = _date_or_none(period.end_date, f"{prefix}.end_date")
    if start and end and end < start:
        raise InvalidArgument(FieldViolation(f"{prefix}.end_date", "must not be before start"))
    return (datetime.combine(start, time.min, tzinfo=UTC) if start else None,
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC) if end else None)


def _check_mask(paths, allowed: set[str], prefix: str) -> list[str]:
    fields = list(paths)
    if not fields:
        raise InvalidArgument(FieldViolation("update_mask", "must name the fields to change"))
    unknown = [name for name in fields if name not in allowed]
    if unknown:
        raise InvalidArgument([FieldViolation("update_mask", f"{prefix}{name} cannot be changed")
                               for name in unknown])
    return fields


class SurveyRpcs:
    # -- helpers ----------------------------------------------------------------------------------

    @property
    def links(self) -> LinkSigner:
        return LinkSigner.of(self.settings)

    @staticmethod
    def _trigger(uow: UnitOfWork, trigger_id: str) -> Trigger:
        trigger = uow.session.get(Trigger, trigger_id) if trigger_id else None
        if trigger is None:
            raise NotFound(f"trigger {trigger_id} not found")
        return trigger

    @staticmethod
    def _survey(uow: UnitOfWork, survey_id: str, field: str = "id") -> Survey:
        survey = uow.session.get(Survey, survey_id) if survey_id else None
        if survey is None:
            raise NotFound(f"survey {survey_id} not found")
        return survey

    # -- triggers ---------------------------------------------------------------------------------

    @staticmethod
    def _trigger_violations(session, data: marketing_pb2.Trigger, fields: set[str], kind: str,
                            prefix: str = "trigger.") -> list[FieldViolation]:
        violations: list[FieldViolation] = []
        if "display_name" in fields and not 1 <= len(data.display_name.strip()) <= 200:
            violations.append(FieldViolation(prefix + "display_name",
                                             "is required (at most 200 characters)"))
        if not kind:
            violations.append(FieldViolation(prefix + "kind", "is required"))
        if "offset_days" in fields and not 0 <= data.offset_days <= triggers.MAX_OFFSET_DAYS:
            violations.append(FieldViolation(
                prefix + "offset_days", f"must be 0 to {triggers.MAX_OFFSET_DAYS} days"))
        if "milestones" in fields:
            milestones = list(data.milestones)
            if len(milestones) > MAX_MILESTONES or any(m < 1 for m in milestones) or len(
                    set(milestones)) != len(milestones):
                violations.append(FieldViolation(
                    prefix + "milestones", f"must be at most {MAX_MILESTONES} distinct counts ≥ 1"))
        if kind == triggers.MILESTONE and "milestones" in fields and not data.milestones:
            violations.append(FieldViolation(prefix + "milestones",
                                             "is required for purchase_milestone"))
        if "segment_id" in fields and data.segment_id and session.get(
                Segment, data.segment_id) is None:
            violations.append(FieldViolation(prefix + "segment_id", "no such segment"))
        if kind == triggers.SEGMENT_JOINED and "segment_id" in fields and not data.segment_id:
            violations.append(FieldViolation(prefix + "segment_id",
                                             "is required for segment_joined"))
        if "condition" in fields and (data.condition.conditions or data.condition.groups):
            violations += segment_rules.rule_violations(data.condition, prefix + "condition")
        if "action" in fields:
            action = data.action
            kind_name = ACTION_KINDS.name(action.kind)
            if not kind_name:
                violations.append(FieldViolation(prefix + "action.kind", "is required"))
            if kind_name in (triggers.SEND_MESSAGE, triggers.SEND_SURVEY) and action.channel \
                    and CHANNELS.name(action.channel) not in ("email", "sms"):
                violations.append(FieldViolation(
                    prefix + "action.channel", "customers are reached by email or sms"))
            if kind_name == triggers.SEND_MESSAGE and not action.template_key.strip():
                violations.append(FieldViolation(prefix + "action.template_key",
                                                 "is required to send a message"))
            if kind_name == triggers.SEND_SURVEY:
                survey = session.get(Survey, action.survey_id) if action.survey_id else None
                if survey is None:
                    violations.append(FieldViolation(prefix + "action.survey_id",
                                                     "must name an existing survey"))
        return violations

    @staticmethod
    def _apply_trigger(trigger: Trigger, data: marketing_pb2.Trigger, fields: set[str]) -> None:
        if "display_name" in fields:
            trigger.display_name = data.display_name.strip()
        if "enabled" in fields:
            trigger.enabled = data.enabled
        if "offset_days" in fields:
            trigger.offset_days = data.offset_days
        if "milestones" in fields:
            trigger.milestones = sorted(data.milestones)
        if "segment_id" in fields:
            trigger.segment_id = data.segment_id or None
        if "condition" in fields:
            trigger.condition = condition_json(data.condition)
        if "action" in fields:
            action = action_json(data.action)
            if action["kind"] in (triggers.SEND_MESSAGE, triggers.SEND_SURVEY):
                action.setdefault("channel", "email")
            trigger.action = action

    def CreateTrigger(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"trigger", "request_id"})
        data = request.trigger
        violations = unsupported_fields(data, TRIGGER_INPUT, prefix="trigger.",
                                        ignored=TRIGGER_OUTPUT)
        violations += request_id_violations(request.request_id)
        kind = TRIGGER_KINDS.name(data.kind)
        fields = TRIGGER_INPUT - {"kind"}
        now = utcnow()
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, Trigger, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return trigger_to_proto(earlier)
            violations += self._trigger_violations(uow.session, data, fields, kind)
            if violations:
                raise InvalidArgument(violations)
            # whose customers it fires for: the creator's, kept for the worker that fires it
            reach = Reach.of(principal)
            trigger = Trigger(id=str(uuid.uuid4()), kind=kind, fire_count=0, version=1,
                              department_path=reach.department_path,
                              audience_scope=reach.data_scope.value,
                              request_id=request.request_id or None,
                              created_by=principal.user_id, updated_by=principal.user_id,
                              create_time=now, update_time=now)
            self._apply_trigger(trigger, data, fields)
            uow.session.add(trigger)
            uow.session.flush()
            return trigger_to_proto(trigger)

    def GetTrigger(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return trigger_to_proto(self._trigger(uow, request.id))

    def ListTriggers(self, request, context):
        refuse_unsupported(request, {"page_size", "page_token", "kind", "enabled"})
        query = select(Trigger)
        if request.kind:
            if not TRIGGER_KINDS.name(request.kind):
                raise InvalidArgument(FieldViolation("kind", "is not a known trigger kind"))
            query = query.where(Trigger.kind == TRIGGER_KINDS.name(request.kind))
        if request.HasField("enabled"):
            query = query.where(Trigger.enabled.is_(request.enabled))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, query, created_column=Trigger.create_time,
                                      id_column=Trigger.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return marketing_pb2.ListTriggersResponse(
                triggers=[trigger_to_proto(row) for row in rows], next_page_token=token)

    def UpdateTrigger(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"trigger", "update_mask"})
        fields = set(_check_mask(request.update_mask.paths, TRIGGER_UPDATABLE, "trigger."))
        with self.database.unit_of_work() as uow:
            trigger = self._trigger(uow, request.trigger.id)
            violations = self._trigger_violations(uow.session, request.trigger, fields,
                                                  trigger.kind)
            if violations:
                raise InvalidArgument(violations)
            self._apply_trigger(trigger, request.trigger, fields)
            trigger.version += 1
            trigger.updated_by, trigger.update_time = principal.user_id, utcnow()
            uow.session.flush()
            return trigger_to_proto(trigger)

    def DeleteTrigger(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            uow.session.delete(self._trigger(uow, request.id))
        return Empty()

    def ListTriggerFirings(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "trigger_id", "customer_id",
                                     "start_time", "end_time"})
        query = select(TriggerFiring).where(
            _customers_visible(principal, TriggerFiring.customer_id))
        if request.trigger_id:
            query = query.where(TriggerFiring.trigger_id == request.trigger_id)
        if request.customer_id:
            query = query.where(TriggerFiring.customer_id == request.customer_id)
        if request.HasField("start_time"):
            query = query.where(TriggerFiring.fire_time >= from_timestamp(request.start_time))
        if request.HasField("end_time"):
            query = query.where(TriggerFiring.fire_time < from_timestamp(request.end_time))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, query, created_column=TriggerFiring.fire_time,
                                      id_column=TriggerFiring.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return marketing_pb2.ListTriggerFiringsResponse(
                firings=[firing_to_proto(row) for row in rows], next_page_token=token)

    # -- surveys ----------------------------------------------------------------------------------

    @staticmethod
    def _survey_violations(data: marketing_pb2.Survey, fields: set[str],
                           prefix: str = "survey.") -> list[FieldViolation]:
        violations: list[FieldViolation] = []
        if "title" in fields and not 1 <= len(data.title.strip()) <= 300:
            violations.append(FieldViolation(prefix + "title", "is required (at most 300 characters)"))
        if "description" in fields and len(data.description) > 4000:
            violations.append(FieldViolation(prefix + "description",
                                             "must be at most 4000 characters"))
        if "kind" in fields and data.kind and not SURVEY_KINDS.name(data.kind):
            violations.append(FieldViolation(prefix + "kind", "is not a known survey kind"))
        if "state" in fields and data.state and not SURVEY_STATES.name(data.state):
            violations.append(FieldViolation(prefix + "state", "is not a known survey state"))
        if "locale" in fields and data.locale and data.locale not in LOCALES:
            violations.append(FieldViolation(prefix + "locale", "must be zh-CN or en-US"))
        if "questions" in fields:
            violations += surveys.question_violations(
                [question_of(q) for q in data.questions], prefix + "questions")
        return violations

    def CreateSurvey(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"survey", "request_id"})
        data = request.survey
        violations = unsupported_fields(data, SURVEY_INPUT, prefix="survey.",
                                        ignored=SURVEY_OUTPUT)
        violations += self._survey_violations(data, SURVEY_INPUT)
        violations += request_id_violations(request.request_id)
        if data.owner_id and data.owner_id != principal.user_id:
            violations.append(FieldViolation("survey.owner_id", "must be yourself (or empty)"))
        if data.state and SURVEY_STATES.name(data.state) == "closed":
            violations.append(FieldViolation("survey.state", "a new survey is draft or active"))
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, Survey, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return survey_to_proto(earlier)
            survey = Survey(
                id=str(uuid.uuid4()), title=data.title.strip(), description=data.description,
                kind=SURVEY_KINDS.name(data.kind) or invitations.SERVICE_SATISFACTION,
                questions=[question_of(q).as_dict() for q in data.questions],
                state=SURVEY_STATES.name(data.state) or "draft",
                locale=data.locale or marketing_policy.current(uow.session).default_locale,
                answer_count=0, owner_id=principal.user_id,
                department_path=principal.department_path, request_id=request.request_id or None,
                version=1, created_by=principal.user_id, updated_by=principal.user_id,
                create_time=now, update_time=now)
            uow.session.add(survey)
            uow.session.flush()
            return survey_to_proto(survey)

    def GetSurvey(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return survey_to_proto(self._survey(uow, request.id))

    def ListSurveys(self, request, context):
        refuse_unsupported(request, {"page_size", "page_token", "kind", "state"})
        query = select(Survey)
        for field, names, column in (("kind", SURVEY_KINDS, Survey.kind),
                                     ("state", SURVEY_STATES, Survey.state)):
            value = getattr(request, field)
            if value:
                if not names.name(value):
                    raise InvalidArgument(FieldViolation(field, "is not a known value"))
                query = query.where(column == names.name(value))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, query, created_column=Survey.create_time,
                                      id_column=Survey.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return marketing_pb2.ListSurveysResponse(
                surveys=[survey_to_proto(row) for row in rows], next_page_token=token)

    def UpdateSurvey(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"survey", "update_mask"})
        data = request.survey
        fields = set(_check_mask(request.update_mask.paths, SURVEY_UPDATABLE, "survey."))
        violations = self._survey_violations(data, fields)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            survey = self._survey(uow, data.id)
            if data.etag and data.etag != etag_of(survey):
                raise Conflict(f"survey {survey.id} changed since it was read "
                               f"(etag {data.etag} is stale)")
            if "questions" in fields and survey.answer_count:
                raise FailedPrecondition("the questions of a survey with answers cannot change: "
                                         "close it and create a new one")
            if "state" in fields:
                target = SURVEY_STATES.name(data.state)
                if target != survey.state and (survey.state, target) not in SURVEY_MOVES:
                    raise FailedPrecondition(f"a {survey.state} survey cannot become {target}")
                survey.state = target
            if "title" in fields:
                survey.title = data.title.strip()
            if "description" in fields:
                survey.description = data.description
            if "kind" in fields:
                survey.kind = SURVEY_KINDS.name(data.kind) or survey.kind
            if "locale" in fields:
                survey.locale = data.locale or survey.locale
            if "questions" in fields:
                survey.questions = [question_of(q).as_dict() for q in data.questions]
            survey.version += 1
            survey.updated_by, survey.update_time = principal.user_id, utcnow()
            uow.session.flush()
            return survey_to_proto(survey)

    def DeleteSurvey(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work() as uow:
            survey = self._survey(uow, request.id)
            invited = uow.session.scalar(select(func.count()).select_from(SurveyInvitation)
                                         .where(SurveyInvitation.survey_id == survey.id))
            if invited:
                raise FailedPrecondition("a survey with invitations is kept for its results: "
                                         "close it instead")
            if any((trigger.action or {}).get("survey_id") == survey.id
                   for trigger in uow.session.scalars(select(Trigger))):
                raise FailedPrecondition("a trigger sends this survey: change the trigger first")
            uow.session.delete(survey)
        return Empty()

    # -- invitations --------------------------------------------------------------------------------

    def CreateSurveyInvitation(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"invitation", "request_id"})
        data = request.invitation
        violations = unsupported_fields(data, INVITATION_INPUT, prefix="invitation.",
                                        ignored=INVITATION_OUTPUT)
        violations += request_id_violations(request.request_id)
        for name in ("survey_id", "customer_id"):
            if not getattr(data, name):
                violations.append(FieldViolation(f"invitation.{name}", "is required"))
        channel = CHANNELS.name(data.channel) or "email"
        if channel not in ("email", "sms"):
            violations.append(FieldViolation("invitation.channel",
                                             "customers are reached by email or sms"))
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                earlier = earlier_request(uow.session, SurveyInvitation, request.request_id,
                                          principal.user_id)
                if earlier is not None:
                    return invitation_to_proto(earlier)
                survey = self._survey(uow, data.survey_id)
                visible = uow.session.scalar(select(func.count()).select_from(CustomerProfile)
                                             .where(CustomerProfile.customer_id == data.customer_id,
                                                    CustomerProfile.state == "active",
                                                    _customers_visible(
                                                        principal, CustomerProfile.customer_id)))
                if not visible:
                    raise NotFound(f"customer {data.customer_id} not found")
                invitation = invitations.create_invitation(
                    uow, survey, customer_id=data.customer_id, channel=channel, links=self.links,
                    now=now, created_by=principal.user_id, ticket_id=data.ticket_id or None,
                    campaign_id=data.campaign_id or None, contact_id=data.contact_id or None,
                    request_id=request.request_id or None)
                return invitation_to_proto(invitation)
        except IntegrityError:
            raise Conflict("the same invitation was created concurrently; read it again") \
                from None

    def ListSurveyInvitations(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "survey_id", "customer_id",
                                     "ticket_id", "state"})
        query = select(SurveyInvitation).where(
            _customers_visible(principal, SurveyInvitation.customer_id))
        for field in ("survey_id", "customer_id", "ticket_id"):
            if getattr(request, field):
                query = query.where(getattr(SurveyInvitation, field) == getattr(request, field))
        if request.state:
            if not INVITATION_STATES.name(request.state):
                raise InvalidArgument(FieldViolation("state", "is not a known state"))
            query = query.where(SurveyInvitation.state == INVITATION_STATES.name(request.state))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, query,
                                      created_column=SurveyInvitation.create_time,
                                      id_column=SurveyInvitation.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            return marketing_pb2.ListSurveyInvitationsResponse(
                invitations=[invitation_to_proto(row) for row in rows],
                next_page_token=token)

    # -- the public form -----------------------------------------------------------------------------

    def _invitation_of_token(self, uow: UnitOfWork, token: str, now: datetime
                             ) -> SurveyInvitation:
        """The invitation of a genuine, unexpired link. Any other link is NOT_FOUND with
        :data:`LINK_REFUSED`, whatever is wrong with it: the public caller learns nothing of
        which tokens are nearly right."""
        if not token:
            raise InvalidArgument(FieldViolation("token", "is required"))
        try:
            claims = survey_links.verify(self.links.require_secret(), token, now)
        except (survey_links.InvalidLink, survey_links.ExpiredLink):
            raise NotFound(LINK_REFUSED) from None
        invitation = uow.session.get(SurveyInvitation, claims.invitation_id)
        if invitation is None:
            raise NotFound(LINK_REFUSED)
        return invitation

    def GetSurveyForm(self, request, context):
        current_principal()
        refuse_unsupported(request, {"token"})
        now = utcnow()
        with self.database.unit_of_work(readonly=True) as uow:
            invitation = self._invitation_of_token(uow, request.token, now)
            survey = self._survey(uow, invitation.survey_id)
            return marketing_pb2.SurveyForm(
                invitation_id=invitation.id, title=survey.title, description=survey.description,
                questions=[question_to_proto(q) for q in questions_of(survey)],
                locale=survey.locale,
                context=f"工单 {invitation.ticket_number}" if invitation.ticket_number else "",
                expire_time=to_timestamp(invitation.expire_time),
                answered=invitation.state == invitations.ANSWERED)

    def SubmitSurveyAnswer(self, request, context):
        current_principal()
        refuse_unsupported(request, {"token", "answers", "comment"})
        now = utcnow()
        replies = [surveys.Reply(question_id=a.question_id, score=a.score, text=a.text,
                                 choice=a.choice) for a in request.answers]
        try:
            with self.database.unit_of_work() as uow:
                invitation = self._invitation_of_token(uow, request.token, now)
                if invitation.state == invitations.ANSWERED:
                    raise AlreadyExists("this survey was already answered")
                survey = self._survey(uow, invitation.survey_id)
                if survey.state != "active":
                    raise FailedPrecondition("this survey no longer takes answers")
                questions = questions_of(survey)
                violations = surveys.answer_violations(questions, replies, request.comment)
                if violations:
                    raise InvalidArgument(violations)
                policy = marketing_policy.current(uow.session)
                scored = surveys.score_answer(questions, replies, policy.low_score_threshold)
                answer = SurveyAnswerRecord(
                    id=str(uuid.uuid4()), survey_id=survey.id, invitation_id=invitation.id,
                    customer_id=invitation.customer_id, ticket_id=invitation.ticket_id,
                    campaign_id=invitation.campaign_id, scores=scored.scores,
                    choices=scored.choices, texts=scored.texts, comment=request.comment.strip(),
                    overall_score=scored.overall_score, nps=scored.nps,
                    low_score=scored.low_score, submit_time=now)
                uow.session.add(answer)
                invitation.state, invitation.answer_time = invitations.ANSWERED, now
                survey.answer_count += 1
                uow.session.flush()
                improvements.refresh_automatic(uow.session, survey, policy, now)
                profile = uow.session.get(CustomerProfile, invitation.customer_id)
                message = answer_to_proto(answer, questions)
                uow.emit(marketing_events.SurveyAnswered(
                    answer=message, survey_title=survey.title,
                    dimension_scores=scored.dimension_scores,
                    owner_id=profile.owner_id if profile else "",
                    department_path=profile.department_path if profile else ""),
                    key=invitation.customer_id)
                return message
        except IntegrityError:
            raise AlreadyExists("this survey was already answered") from None

    # -- answers and results --------------------------------------------------------------------

    def ListSurveyAnswers(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "survey_id", "customer_id",
                                     "low_score_only", "period"})
        start, end = _period(request.period)
        query = select(SurveyAnswerRecord).where(
            _customers_visible(principal, SurveyAnswerRecord.customer_id))
        for field in ("survey_id", "customer_id"):
            if getattr(request, field):
                query = query.where(getattr(SurveyAnswerRecord, field) == getattr(request, field))
        if request.low_score_only:
            query = query.where(SurveyAnswerRecord.low_score.is_(True))
        if start:
            query = query.where(SurveyAnswerRecord.submit_time >= start)
        if end:
            query = query.where(SurveyAnswerRecord.submit_time < end)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(uow.session, query,
                                      created_column=SurveyAnswerRecord.submit_time,
                                      id_column=SurveyAnswerRecord.id,
                                      page_size=page_size_of(request.page_size),
                                      page_token=request.page_token)
            questions = {survey.id: questions_of(survey) for survey in uow.session.scalars(
                select(Survey).where(Survey.id.in_({row.survey_id for row in rows})))}
            return marketing_pb2.ListSurveyAnswersResponse(
                answers=[answer_to_proto(row, questions.get(row.survey_id, [])) for row in rows],
                next_page_token=token)

    def GetSurveyResults(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"survey_id", "period"})
        start, end = _period(request.period)
        with self.database.unit_of_work(readonly=True) as uow:
            survey = self._survey(uow, request.survey_id, "survey_id")
            visible = _customers_visible(principal, SurveyAnswerRecord.customer_id)
            answers = select(SurveyAnswerRecord.scores, SurveyAnswerRecord.choices).where(
                SurveyAnswerRecord.survey_id == survey.id, visible)
            invited = select(func.count()).select_from(SurveyInvitation).where(
                SurveyInvitation.survey_id == survey.id,
                SurveyInvitation.state.in_((invitations.SENT, invitations.ANSWERED,
                                            invitations.EXPIRED)),
                _customers_visible(principal, SurveyInvitation.customer_id))
            if start:
                answers = answers.where(SurveyAnswerRecord.submit_time >= start)
                invited = invited.where(SurveyInvitation.create_time >= start)
            if end:
                answers = answers.where(SurveyAnswerRecord.submit_time < end)
                invited = invited.where(SurveyInvitation.create_time < end)
            policy = marketing_policy.current(uow.session)
            outcome = surveys.results(questions_of(survey), uow.session.execute(answers).all(),
                                      policy.low_score_threshold)
            invitation_count = uow.session.scalar(invited)
            return results_to_proto(survey, request.period, outcome, invitation_count)

    # -- improvement items ----------------------------------------------------------------------

    @staticmethod
    def _improvement_violations(data: marketing_pb2.ImprovementItem, fields: set[str],
                                prefix: str = "item.") -> list[FieldViolation]:
        violations: list[FieldViolation] = []
        if "title" in fields and not 1 <= len(data.title.strip()) <= 300:
            violations.append(FieldViolation(prefix + "title", "is required (at most 300 characters)"))
        if "description" in fields and len(data.description) > 10000:
            violations.append(FieldViolation(prefix + "description",
                                             "must be at most 10000 characters"))
        if "dimension" in fields and not surveys.DIMENSION.match(data.dimension):
            violations.append(FieldViolation(prefix + "dimension",
                                             "is required, a key such as response_speed"))
        if "state" in fields and data.state and not IMPROVEMENT_STATES.name(data.state):
            violations.append(FieldViolation(prefix + "state", "is not a known state"))
        if "department_path" in fields and data.department_path and not (
                data.department_path.startswith("/") and len(data.department_path) <= 255):
            violations.append(FieldViolation(prefix + "department_path",
                                             "must be a department path such as /hq/service"))
        if "due_date" in fields and data.due_date:
            try:
                date.fromisoformat(data.due_date)
            except ValueError:
                violations.append(FieldViolation(prefix + "due_date", "must be a date YYYY-MM-DD"))
        if "low_score_share" in fields and not 0 <= data.low_score_share <= 1:
            violations.append(FieldViolation(prefix + "low_score_share", "must be from 0 to 1"))
        if "answer_count" in fields and data.answer_count < 0:
            violations.append(FieldViolation(prefix + "answer_count", "must not be negative"))
        return violations

    def ListImprovementItems(self, request, context):
        refuse_unsupported(request, {"page_size", "page_token", "survey_id", "states",
                                     "department_path"})
        query = select(ImprovementItem)
        if request.survey_id:
            query = query.where(ImprovementItem.survey_id == request.survey_id)
        states = [IMPROVEMENT_STATES.name(state) for state in request.states]
        if not all(states):
            raise InvalidArgument(FieldViolation("states", "holds an unspecified value"))
        if states:
            query = query.where(ImprovementItem.state.in_(states))
        if request.department_path:
            root = request.department_path.rstrip("/")
            query = query.where((ImprovementItem.department_path == root)
                                | ImprovementItem.department_path.startswith(
                                    root + "/", autoescape=True))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(uow.session, query,
                                         order_column=ImprovementItem.low_score_share,
                                         id_column=ImprovementItem.id, descending=True,
                                         page_size=page_size_of(request.page_size),
                                         page_token=request.page_token)
            return marketing_pb2.ListImprovementItemsResponse(
                items=[improvement_to_proto(row) for row in rows], next_page_token=token)

    def CreateImprovementItem(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"item", "request_id"})
        data = request.item
        violations = unsupported_fields(data, IMPROVEMENT_INPUT, prefix="item.",
                                        ignored=IMPROVEMENT_OUTPUT)
        violations += self._improvement_violations(data, IMPROVEMENT_INPUT)
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(uow.session, ImprovementItem, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return improvement_to_proto(earlier)
            if data.survey_id:
                self._survey(uow, data.survey_id, "item.survey_id")
            item = ImprovementItem(
                id=str(uuid.uuid4()), survey_id=data.survey_id or None, dimension=data.dimension,
                title=data.title.strip(), description=data.description,
                low_score_share=data.low_score_share, answer_count=data.answer_count,
                state=IMPROVEMENT_STATES.name(data.state) or "open",
                owner_id=data.owner_id or principal.user_id,
                department_path=data.department_path or principal.department_path,
                due_date=_date_or_none(data.due_date, "item.due_date"), automatic=False,
                request_id=request.request_id or None, created_by=principal.user_id,
                create_time=now, update_time=now)
            uow.session.add(item)
            uow.session.flush()
            return improvement_to_proto(item)

    def UpdateImprovementItem(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"item", "update_mask"})
        data = request.item
        fields = set(_check_mask(request.update_mask.paths, IMPROVEMENT_UPDATABLE, "item."))
        violations = self._improvement_violations(data, fields)
        if "state" in fields and not data.state:
            violations.append(FieldViolation("item.state", "is required"))
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            item = uow.session.get(ImprovementItem, data.id) if data.id else None
            if item is None:
                raise NotFound(f"improvement item {data.id} not found")
            # Every reading role lists the items (so this is no secret), but only whoever
            # the item belongs to works it.
            if not improvements.may_change(principal, item):
                raise PermissionDenied("only the item's owner or a lead of its department may "
                                       "change it")
            if "title" in fields:
                item.title = data.title.strip()
            if "description" in fields:
                item.description = data.description
            if "state" in fields:
                item.state = IMPROVEMENT_STATES.name(data.state)
            if "owner_id" in fields:
                item.owner_id = data.owner_id or principal.user_id
            if "department_path" in fields:
                item.department_path = data.department_path or item.department_path
            if "due_date" in fields:
                item.due_date = _date_or_none(data.due_date, "item.due_date")
            if not improvements.may_change(principal, item):
                raise PermissionDenied("an item may not be given to an owner or department "
                                       "outside your data scope")
            item.update_time = utcnow()
            uow.session.flush()
            return improvement_to_proto(item)

    # -- KPIs (GetMarketingKpis of the campaigns part adds these) --------------------------------

    def survey_kpis(self, session, principal: Principal, root: str, current: Period,
                    previous: Period) -> list[reporting_pb2.Kpi]:
        """The satisfaction figures of :mod:`marketing_service.survey_kpis` for the subtree
        ``root`` ("" for everything the caller may see), against the previous period."""
        answers, invited = survey_kpis.load(session, principal, previous.start, current.end)
        in_scope = in_subtree_of(root)
        before = {figure.key: figure
                  for figure in survey_kpis.compute(answers, invited, previous, in_scope)}
        found = []
        for figure in survey_kpis.compute(answers, invited, current, in_scope):
            kpi = reporting_pb2.Kpi(key=figure.key, display_name=figure.display_name,
                                    value=figure.value, unit=figure.unit,
                                    higher_is_better=figure.higher_is_better,
                                    sample_size=figure.sample_size)
            earlier = before.get(figure.key)
            if earlier is not None and earlier.sample_size:
                kpi.previous_value = earlier.value
            if figure.key in survey_kpis.TARGETS:
                kpi.target = survey_kpis.TARGETS[figure.key]
            found.append(kpi)
        return found

    # -- personal data ----------------------------------------------------------------------------

    def ExportCustomerData(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"customer_id", "access_purpose"})
        if not request.customer_id:
            raise InvalidArgument(FieldViolation("customer_id", "is required"))
        with self.database.unit_of_work(readonly=True) as uow:
            return customer_data.export(uow.session, request.customer_id, utcnow(),
                                        Reach.of(principal))
