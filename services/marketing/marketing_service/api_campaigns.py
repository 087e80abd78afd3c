"""Campaign RPCs of ``crm.marketing.v1.MarketingService`` (campaigns and their lifecycle,
recipients, responses, ROI, the marketing policy and KPIs). Mixed into
:class:`marketing_service.api.MarketingServicer`.

Who may do what:

* campaigns are created by marketers, managers and admins (anybody else: PERMISSION_DENIED)
  and belong to their creator; a campaign is seen and run by its owner, by a lead whose
  department subtree holds the owner's department (data scope ``department``) and by ``all``
  scope; a campaign the caller may not see is NOT_FOUND, as if it did not exist;
* a campaign's audience stays within its creator's reach, captured at creation
  (:mod:`marketing_service.customer_reach`: a department lead's campaign reaches their
  subtree's customers, a marketer's every customer), whoever launches it; its recipients are
  listed as far as the caller's own reach goes;
* responses are recorded by whoever may see the campaign, and by service accounts (landing
  pages, other systems);
* a system checking the campaign a lead or purchase it records names (the public lead form's
  ``leads.intake``, an ERP's ``purchases.write``) is shown a campaign that has gone out
  (running, paused or completed) by its id and state, nothing else, and no other campaign;
* the marketing policy is read by anyone signed in and changed by admins;
* KPIs cover the customers the caller may see (a marketer: every customer).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from crm.common.v1 import reporting_pb2, types_pb2
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.db import UnitOfWork, utcnow
from crm_shared.errors import (
    Conflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, keyset_page_by
from crm_shared.repeated_requests import earlier_request
from crm_shared.timestamps import from_timestamp, to_timestamp
from google.protobuf.empty_pb2 import Empty
from sqlalchemy import String, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketing_service import (
    attribution,
    campaign_kpis,
    campaigns,
    marketing_policy,
    outbound,
    survey_rounds,
    surveys,
)
from marketing_service import campaign_lifecycle as lifecycle
from marketing_service.campaign_views import (
    RECIPIENT_STATUSES,
    RESPONSE_KINDS,
    STATES,
    SURVEY_SCHEDULES,
    campaign_to_proto,
    etag_of,
    recipient_to_proto,
    response_to_proto,
)
from marketing_service.customer_reach import Reach
from marketing_service.models import (
    Campaign,
    CampaignRecipient,
    CampaignResponseRecord,
    CustomerProfile,
    Survey,
)
from marketing_service.survey_views import questions_of, results_to_proto

# Who may call each RPC (readers, writers, the policy's admins) is declared once, by the
# contract's ``(crm.common.v1.access)`` option, and enforced before any handler runs
# (``crm_shared.access``); the handlers keep only the checks of each record.
CREATE_FIELDS = {"name", "description", "objective", "channel", "segment_ids",
                 "excluded_segment_ids", "variants", "schedule_time", "end_time", "budget", "cost",
                 "survey_id", "survey_schedule", "owner_id"}
REQUIRED_ON_CREATE = {"name", "channel", "segment_ids", "variants"}
OUTPUT_ONLY = {"id", "state", "stats", "department_path", "launch_time", "complete_time",
               "create_time", "update_time", "created_by", "updated_by", "etag"}
UPDATABLE = lifecycle.PLANNING_FIELDS | lifecycle.DESCRIPTIVE_FIELDS | lifecycle.TIME_FIELDS
RESPONSE_FIELDS = {"campaign_id", "customer_id", "variant_id", "kind", "occur_time", "detail"}
MAX_DETAIL, MAX_REASON, MAX_QUERY = 1000, 500, 200
DEFAULT_PAGE, MAX_CAMPAIGN_PAGE, MAX_RECIPIENT_PAGE = 50, 500, 1000
CLOCK_SKEW = timedelta(minutes=5)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PATH = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")


def _page_size(requested: int, maximum: int) -> int:
    if requested < 0:
        raise InvalidArgument(FieldViolation("page_size", "must not be negative"))
    return min(requested or DEFAULT_PAGE, maximum)


def _stats(session, campaign: Campaign) -> marketing_pb2.CampaignStats:
    return campaigns.stats_of(session, [campaign.id])[campaign.id]


def _period_dates(period: types_pb2.DateRange) -> tuple[date, date]:
    violations, dates = [], []
    for name in ("start_date", "end_date"):
        text = getattr(period, name)
        try:
            if not DATE.match(text):
                raise ValueError(text)
            dates.append(date.fromisoformat(text))
        except ValueError:
            violations.append(FieldViolation(f"period.{name}", "must be a date YYYY-MM-DD"))
    if violations:
        raise InvalidArgument(violations)
    start, end = dates
    if end < start:
        raise InvalidArgument(FieldViolation("period.end_date", "must not be before start_date"))
    if (end - start).days > 366:
        raise InvalidArgument(FieldViolation("period", "must be at most 367 days"))
    return start, end


Change = Callable[[UnitOfWork, Campaign, Principal], None]


class CampaignRpcs:
    # -- what the segments part asks of campaigns -------------------------------------------------

    @staticmethod
    def campaigns_targeting_segment(session, segment_id: str) -> list[str]:
        """Ids of the scheduled, running or paused campaigns whose audience names the segment
        (targeted or excluded): such a segment may not be deleted."""
        needle = f'"{segment_id}"'
        return list(session.scalars(select(Campaign.id).where(
            Campaign.state.in_([lifecycle.SCHEDULED, *lifecycle.LIVE_STATES]),
            cast(Campaign.segment_ids, String).contains(needle, autoescape=True)
            | cast(Campaign.excluded_segment_ids, String).contains(needle, autoescape=True))
            .order_by(Campaign.id)))

    @staticmethod
    def messages_in_cap_window(session, customer_id: str) -> int:
        """Marketing messages the customer was sent within the policy's longest cap window."""
        return outbound.messages_in_window(session, customer_id, utcnow())

    # -- helpers ----------------------------------------------------------------------------------

    def _visible_campaign(self, uow: UnitOfWork, principal: Principal, campaign_id: str, *,
                          for_update: bool = False) -> Campaign:
        campaign = campaigns.get_visible(uow.session, principal, campaign_id,
                                         for_update=for_update)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id} not found")
        return campaign

    def _change(self, campaign_id: str, change: Change, *, etag: str = "") -> marketing_pb2.Campaign:
        """Load the visible campaign (locked), check its etag, apply ``change`` and answer with
        the campaign after it — one unit of work."""
        principal = current_principal()
        try:
            with self.database.unit_of_work() as uow:
                campaign = self._visible_campaign(uow, principal, campaign_id, for_update=True)
                if etag and etag != etag_of(campaign):
                    raise Conflict(f"campaign {campaign_id} changed since it was read "
                                   f"(etag {etag} is stale)")
                change(uow, campaign, principal)
                uow.session.flush()
                return campaign_to_proto(campaign, _stats(uow.session, campaign))
        except StaleDataError as exc:
            raise Conflict(f"campaign {campaign_id} was changed by someone else meanwhile; "
                           "read it again") from exc

    # -- campaigns --------------------------------------------------------------------------------

    def CreateCampaign(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"campaign", "request_id"})
        data = request.campaign
        violations = unsupported_fields(data, CREATE_FIELDS, prefix="campaign.", ignored=OUTPUT_ONLY)
        violations += campaigns.input_violations(
            data, CREATE_FIELDS, channel=campaigns.CHANNELS.get(data.channel, ""))
        now = utcnow()
        violations += campaigns.time_violations(
            from_timestamp(data.schedule_time) if data.HasField("schedule_time") else None,
            from_timestamp(data.end_time) if data.HasField("end_time") else None, now)
        if data.owner_id and data.owner_id != principal.user_id:
            violations.append(FieldViolation("campaign.owner_id",
                                             "a campaign belongs to the one who creates it"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, Campaign, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return campaign_to_proto(earlier, _stats(uow.session, earlier))
        try:
            with self.database.unit_of_work() as uow:
                problems = campaigns.segment_violations(uow.session, data.segment_ids,
                                                        data.excluded_segment_ids)
                problems += campaigns.survey_violations(uow.session, principal, data.survey_id)
                problems += campaigns.survey_schedule_violations(
                    data.survey_id, SURVEY_SCHEDULES.name(data.survey_schedule))
                if problems:
                    raise InvalidArgument(problems)
                campaign = Campaign(
                    id=str(uuid.uuid4()), state=lifecycle.DRAFT, audience_count=0,
                    owner_id=principal.user_id, department_path=principal.department_path,
                    audience_scope=Reach.of(principal).data_scope.value,
                    request_id=request.request_id or None, create_time=now, update_time=now,
                    created_by=principal.user_id, updated_by=principal.user_id,
                    description="", objective="", excluded_segment_ids=[], budget_minor=0,
                    cost_minor=0)
                campaigns.apply(campaign, data, CREATE_FIELDS - {"owner_id"})
                uow.session.add(campaign)
                uow.session.flush()
                return campaign_to_proto(campaign, _stats(uow.session, campaign))
        except IntegrityError:  # two retries raced and the other one stored it
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(uow.session, Campaign, request.request_id,
                                          principal.user_id)
                if earlier is None:
                    raise
                return campaign_to_proto(earlier, _stats(uow.session, earlier))

    def GetCampaign(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            if principal.is_service_account:
                return self._attributable_campaign_reference(uow, request.id)
            campaign = self._visible_campaign(uow, principal, request.id)
            return campaign_to_proto(campaign, _stats(uow.session, campaign))

    @staticmethod
    def _attributable_campaign_reference(uow: UnitOfWork, campaign_id: str) -> marketing_pb2.Campaign:
        """What a system (the contract opens GetCampaign to the public lead form's and an ERP's
        scopes) is told of the campaign a lead or a purchase it records names, checking it with
        its own token (``crm_shared.references``): that it has gone out to people
        (``lifecycle.ATTRIBUTABLE_STATES``), by its id and state, and nothing of its owner,
        audience or figures; any other campaign does not exist for it."""
        campaign = uow.session.get(Campaign, campaign_id) if campaign_id else None
        if campaign is None or campaign.state not in lifecycle.ATTRIBUTABLE_STATES:
            raise NotFound(f"campaign {campaign_id} not found")
        return marketing_pb2.Campaign(id=campaign.id, state=STATES.value(campaign.state))

    def ListCampaigns(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "states", "channel", "segment_id",
                                     "owner_id", "query"})
        violations = [FieldViolation("states", "holds an unknown state")
                      for state in request.states if not STATES.name(state)][:1]
        if request.channel and request.channel not in campaigns.CHANNELS:
            violations.append(FieldViolation("channel", "campaigns go by e-mail or SMS"))
        if len(request.query) > MAX_QUERY:
            violations.append(FieldViolation("query", f"must be at most {MAX_QUERY} characters"))
        if violations:
            raise InvalidArgument(violations)
        page_size = _page_size(request.page_size, MAX_CAMPAIGN_PAGE)
        query = select(Campaign).where(campaigns.visible(principal))
        if request.states:
            query = query.where(Campaign.state.in_([STATES.name(state) for state in request.states]))
        if request.channel:
            query = query.where(Campaign.channel == campaigns.CHANNELS[request.channel])
        if request.segment_id:
            query = query.where(cast(Campaign.segment_ids, String).contains(
                f'"{request.segment_id}"', autoescape=True))
        if request.owner_id:
            query = query.where(Campaign.owner_id == request.owner_id)
        if request.query.strip():
            query = query.where(func.lower(Campaign.name).contains(
                request.query.strip().lower(), autoescape=True))
        with self.database.unit_of_work(readonly=True) as uow:
            rows, next_token = keyset_page(uow.session, query, created_column=Campaign.create_time,
                                           id_column=Campaign.id, page_size=page_size,
                                           page_token=request.page_token)
            stats = campaigns.stats_of(uow.session, [row.id for row in rows])
            return marketing_pb2.ListCampaignsResponse(
                campaigns=[campaign_to_proto(row, stats[row.id]) for row in rows],
                next_page_token=next_token)

    def UpdateCampaign(self, request, context):
        refuse_unsupported(request, {"campaign", "update_mask"})
        data = request.campaign
        paths = set(request.update_mask.paths)
        violations = []
        if not data.id:
            violations.append(FieldViolation("campaign.id", "is required"))
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        violations += [FieldViolation("update_mask", f"`{path}` cannot be updated")
                       for path in sorted(paths - UPDATABLE)]
        if violations:
            raise InvalidArgument(violations)

        def change(uow, campaign, principal):
            frozen = lifecycle.fields_frozen(campaign.state, paths)
            if frozen:
                raise FailedPrecondition(
                    f"a {campaign.state} campaign's {', '.join(frozen)} can no longer change",
                    reason="CAMPAIGN_FIELD_FROZEN")
            channel = (campaigns.CHANNELS.get(data.channel, "") if "channel" in paths
                       else campaign.channel)
            checked = set(paths)
            effective = data
            if "channel" in paths and "variants" not in paths:
                # the stored variants must suit the new channel (an e-mail needs a subject)
                effective = marketing_pb2.Campaign()
                effective.CopyFrom(data)
                effective.ClearField("variants")
                effective.variants.extend(campaign_to_proto(campaign).variants)
                checked.add("variants")
            problems = campaigns.input_violations(effective, checked, channel=channel)
            now = utcnow()
            schedule = (from_timestamp(data.schedule_time) if data.HasField("schedule_time")
                        else None) if "schedule_time" in paths else campaign.schedule_time
            end = (from_timestamp(data.end_time) if data.HasField("end_time") else None) \
                if "end_time" in paths else campaign.end_time
            if paths & lifecycle.TIME_FIELDS:
                problems += campaigns.time_violations(schedule, end, now if "end_time" in paths
                                                      else None)
                if campaign.state == lifecycle.SCHEDULED and (schedule is None or schedule <= now):
                    problems.append(FieldViolation("campaign.schedule_time",
                                                   "a scheduled campaign needs a future time"))
            if paths & {"segment_ids", "excluded_segment_ids"}:
                targeted = data.segment_ids if "segment_ids" in paths else campaign.segment_ids
                excluded = (data.excluded_segment_ids if "excluded_segment_ids" in paths
                            else campaign.excluded_segment_ids)
                problems += campaigns.segment_violations(uow.session, targeted, excluded)
            if "survey_id" in paths:
                problems += campaigns.survey_violations(uow.session, principal, data.survey_id)
            if paths & {"survey_id", "survey_schedule"}:
                problems += campaigns.survey_schedule_violations(
                    data.survey_id if "survey_id" in paths else campaign.survey_id,
                    SURVEY_SCHEDULES.name(data.survey_schedule) if "survey_schedule" in paths
                    else campaign.survey_schedule)
            if problems:
                raise InvalidArgument(problems)
            campaigns.apply(campaign, data, paths)
            campaigns.touch(campaign, now, principal.user_id)

        return self._change(data.id, change, etag=data.etag)

    def DeleteCampaign(self, request, context):
        refuse_unsupported(request, {"id"})

        principal = current_principal()
        with self.database.unit_of_work() as uow:
            campaign = self._visible_campaign(uow, principal, request.id, for_update=True)
            lifecycle.next_state("delete", campaign.state)
            uow.session.delete(campaign)
        return Empty()

    # -- lifecycle --------------------------------------------------------------------------------

    def ScheduleCampaign(self, request, context):
        refuse_unsupported(request, {"id", "schedule_time"})
        now = utcnow()
        if not request.HasField("schedule_time"):
            raise InvalidArgument(FieldViolation("schedule_time", "is required"))
        when = from_timestamp(request.schedule_time)
        if when <= now:
            raise InvalidArgument(FieldViolation("schedule_time", "must be in the future"))

        def change(uow, campaign, principal):
            target = lifecycle.next_state("schedule", campaign.state)
            if campaign.end_time is not None and campaign.end_time <= when:
                raise InvalidArgument(FieldViolation(
                    "schedule_time", f"must be before the campaign's end_time "
                                     f"{campaign.end_time.isoformat()}"))
            campaign.state = target
            campaign.schedule_time = when
            campaigns.touch(campaign, now, principal.user_id)

        return self._change(request.id, change)

    def LaunchCampaign(self, request, context):
        refuse_unsupported(request, {"id", "request_id"})
        violations = request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        if request.request_id:
            principal = current_principal()
            with self.database.unit_of_work(readonly=True) as uow:
                campaign = self._visible_campaign(uow, principal, request.id)
                if campaign.launch_request_id == request.request_id:
                    return campaign_to_proto(campaign, _stats(uow.session, campaign))

        def change(uow, campaign, principal):
            campaigns.launch(uow, campaign, utcnow(), actor_id=principal.user_id,
                             request_id=request.request_id)

        return self._change(request.id, change)

    def PauseCampaign(self, request, context):
        refuse_unsupported(request, {"id"})
        return self._change(request.id, lambda uow, campaign, principal: campaigns.pause(
            uow, campaign, utcnow(), actor_id=principal.user_id))

    def ResumeCampaign(self, request, context):
        refuse_unsupported(request, {"id"})
        return self._change(request.id, lambda uow, campaign, principal: campaigns.resume(
            uow, campaign, utcnow(), actor_id=principal.user_id))

    def CompleteCampaign(self, request, context):
        refuse_unsupported(request, {"id"})
        return self._change(request.id, lambda uow, campaign, principal: campaigns.complete(
            uow, campaign, utcnow(), actor_id=principal.user_id))

    def CancelCampaign(self, request, context):
        refuse_unsupported(request, {"id", "reason"})
        if len(request.reason) > MAX_REASON:
            raise InvalidArgument(FieldViolation("reason",
                                                 f"must be at most {MAX_REASON} characters"))
        return self._change(request.id, lambda uow, campaign, principal: campaigns.cancel(
            uow, campaign, utcnow(), actor_id=principal.user_id, reason=request.reason.strip()))

    # -- recipients and responses -----------------------------------------------------------------

    def ListCampaignRecipients(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "campaign_id", "variant_id",
                                     "statuses", "customer_id"})
        violations = []
        if not request.campaign_id:
            violations.append(FieldViolation("campaign_id", "is required"))
        if any(not RECIPIENT_STATUSES.name(status) for status in request.statuses):
            violations.append(FieldViolation("statuses", "holds an unknown status"))
        if violations:
            raise InvalidArgument(violations)
        page_size = _page_size(request.page_size, MAX_RECIPIENT_PAGE)
        query = select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == request.campaign_id,
            Reach.of(principal).customers(CampaignRecipient.customer_id))
        if request.variant_id:
            query = query.where(CampaignRecipient.variant_id == request.variant_id)
        if request.statuses:
            query = query.where(CampaignRecipient.status.in_(
                [RECIPIENT_STATUSES.name(status) for status in request.statuses]))
        if request.customer_id:
            query = query.where(CampaignRecipient.customer_id == request.customer_id)
        with self.database.unit_of_work(readonly=True) as uow:
            self._visible_campaign(uow, principal, request.campaign_id)
            rows, next_token = keyset_page_by(
                uow.session, query, order_column=CampaignRecipient.id,
                id_column=CampaignRecipient.id, descending=False, page_size=page_size,
                page_token=request.page_token)
            return marketing_pb2.ListCampaignRecipientsResponse(
                recipients=[recipient_to_proto(row) for row in rows], next_page_token=next_token)

    def RecordCampaignResponse(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"response", "request_id"})
        data = request.response
        now = utcnow()
        violations = unsupported_fields(data, RESPONSE_FIELDS, prefix="response.",
                                        ignored={"id"})
        for name in ("campaign_id", "customer_id"):
            if not getattr(data, name):
                violations.append(FieldViolation(f"response.{name}", "is required"))
        if not RESPONSE_KINDS.name(data.kind):
            violations.append(FieldViolation("response.kind", "is required"))
        if len(data.detail) > MAX_DETAIL:
            violations.append(FieldViolation("response.detail",
                                             f"must be at most {MAX_DETAIL} characters"))
        occur = from_timestamp(data.occur_time) if data.HasField("occur_time") else now
        if occur > now + CLOCK_SKEW:
            violations.append(FieldViolation("response.occur_time", "must not be in the future"))
        violations += request_id_violations(request.request_id)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            earlier = earlier_request(uow.session, CampaignResponseRecord, request.request_id,
                                      principal.user_id)
            if earlier is not None:
                return response_to_proto(earlier)
        try:
            return self._record_response(principal, data, request.request_id, occur, now)
        except IntegrityError:  # two retries raced and the other one stored it
            with self.database.unit_of_work(readonly=True) as uow:
                earlier = earlier_request(uow.session, CampaignResponseRecord,
                                          request.request_id, principal.user_id)
                if earlier is None:
                    raise
                return response_to_proto(earlier)

    def _record_response(self, principal, data, request_id, occur, now):
        with self.database.unit_of_work() as uow:
            session = uow.session
            campaign = session.get(Campaign, data.campaign_id)
            if campaign is None or not (principal.is_service_account
                                        or campaigns.may_see(principal, campaign)):
                raise NotFound(f"campaign {data.campaign_id} not found")
            lifecycle.next_state("record_response", campaign.state)
            allotted = campaigns.allotted_variant(session, campaign.id, data.customer_id)
            if allotted is None:
                raise InvalidArgument(FieldViolation(
                    "response.customer_id", "is not a recipient of this campaign"))
            if data.variant_id and data.variant_id != allotted:
                raise InvalidArgument(FieldViolation(
                    "response.variant_id", f"the customer was allotted variant {allotted}"))
            row = CampaignResponseRecord(
                id=str(uuid.uuid4()), campaign_id=campaign.id, customer_id=data.customer_id,
                variant_id=allotted, kind=RESPONSE_KINDS.name(data.kind), occur_time=occur,
                detail=data.detail.strip(), request_id=request_id or None,
                created_by=principal.user_id, create_time=now)
            session.add(row)
            campaigns.mark_responded(session, campaign.id, data.customer_id, occur)
            profile = session.get(CustomerProfile, data.customer_id)
            answer = response_to_proto(row)
            uow.emit(marketing_events.CampaignResponded(
                response=answer, campaign_name=campaign.name,
                owner_id=profile.owner_id if profile else "",
                department_path=profile.department_path if profile else ""),
                key=data.customer_id)
            return answer

    def GetCampaignRoi(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"campaign_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            campaign = self._visible_campaign(uow, principal, request.campaign_id)
            total, variants = attribution.roi(
                [variant["id"] for variant in campaign.variants],
                attribution.facts_of(uow.session, campaign), cost_minor=campaign.cost_minor,
                currency=attribution.currency_of(campaign))
            return marketing_pb2.CampaignRoi(campaign_id=campaign.id, total=total,
                                             variants=variants, compute_time=to_timestamp(utcnow()))

    def GetCampaignSurveyRounds(self, request, context):
        """Each round of the campaign's scheduled survey, over the customers the caller reaches
        (as its recipients are listed)."""
        principal = current_principal()
        refuse_unsupported(request, {"campaign_id"})
        if not request.campaign_id:
            raise InvalidArgument([FieldViolation("campaign_id", "is required")])
        with self.database.unit_of_work(readonly=True) as uow:
            campaign = self._visible_campaign(uow, principal, request.campaign_id)
            survey = uow.session.get(Survey, campaign.survey_id) if campaign.survey_id else None
            if survey is None:
                return marketing_pb2.CampaignSurveyRounds(campaign_id=campaign.id)
            threshold = marketing_policy.current(uow.session).low_score_threshold
            return marketing_pb2.CampaignSurveyRounds(campaign_id=campaign.id, rounds=[
                marketing_pb2.CampaignSurveyRound(
                    round=found["round"], invited_count=found["invited"],
                    results=results_to_proto(
                        survey, None, surveys.results(questions_of(survey), found["answers"],
                                                      threshold), found["reached"]))
                for found in survey_rounds.rounds_of(uow.session, campaign,
                                                     Reach.of(principal).customers)])

    # -- policy -----------------------------------------------------------------------------------

    def GetMarketingPolicy(self, request, context):
        current_principal()
        refuse_unsupported(request, set())
        with self.database.unit_of_work(readonly=True) as uow:
            return marketing_policy.to_proto(marketing_policy.current(uow.session))

    def UpdateMarketingPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "update_mask"})
        paths = set(request.update_mask.paths)
        violations = []
        if not paths:
            violations.append(FieldViolation("update_mask", "must name the fields to change"))
        violations += [FieldViolation("update_mask", f"`{path}` cannot be updated")
                       for path in sorted(paths - set(marketing_policy.UPDATABLE))]
        violations += marketing_policy.violations(request.policy, paths)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            policy = marketing_policy.updated(marketing_policy.current(uow.session),
                                              request.policy, paths,
                                              actor_id=principal.user_id, now=utcnow())
            marketing_policy.store(uow.session, policy)
        return marketing_policy.to_proto(policy)

    # -- KPIs -------------------------------------------------------------------------------------

    def GetMarketingKpis(self, request, context):
        """The campaign figures (:mod:`marketing_service.campaign_kpis`) and the surveys
        part's satisfaction figures (``survey_kpis``)."""
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path", "group_by_department"})
        start, end = _period_dates(request.period)
        root = request.department_path.strip().rstrip("/")
        if root and not PATH.match(root):
            raise InvalidArgument(FieldViolation("department_path",
                                                 "must be a department path like /hq/sales"))
        current, previous, previous_start, previous_end = campaign_kpis.periods(start, end)
        now = utcnow()
        report = reporting_pb2.KpiReport(
            period=types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat()),
            previous_period=types_pb2.DateRange(start_date=previous_start.isoformat(),
                                                end_date=previous_end.isoformat()),
            department_path=root, compute_time=to_timestamp(now), source_service="marketing")
        with self.database.unit_of_work(readonly=True) as uow:
            rows = campaign_kpis.load(uow.session, principal, previous.start, current.end)

            def kpis_of(scope_root: str) -> list[reporting_pb2.Kpi]:
                in_scope = campaign_kpis.in_subtree_of(scope_root)
                before = {figure.key: figure
                          for figure in campaign_kpis.compute(*rows, previous, in_scope)}
                found = [_kpi(figure, before.get(figure.key))
                         for figure in campaign_kpis.compute(*rows, current, in_scope)]
                found += self.survey_kpis(uow.session, principal, scope_root, current, previous)
                return found

            report.kpis.extend(kpis_of(root))
            if request.group_by_department:
                paths = [row.department_path for row in rows[0]] + [row.department_path
                                                                     for row in rows[2]]
                for child in campaign_kpis.direct_children(root, paths):
                    report.groups.append(reporting_pb2.KpiGroup(
                        key=child, display_name=child.rsplit("/", 1)[-1], kpis=kpis_of(child)))
        return report


def _kpi(figure: campaign_kpis.Figure, before: campaign_kpis.Figure | None) -> reporting_pb2.Kpi:
    kpi = reporting_pb2.Kpi(key=figure.key, display_name=figure.display_name, value=figure.value,
                            unit=figure.unit, higher_is_better=figure.higher_is_better,
                            sample_size=figure.sample_size)
    if before is not None and before.sample_size:
        kpi.previous_value = before.value
    return kpi
