"""Campaigns: what a campaign may hold, and what happens when it launches, pauses, resumes,
completes or is cancelled (the legal moves are :mod:`marketing_service.campaign_lifecycle`).

Launching freezes the audience (the active members of the campaign's segments, less those of
its excluded segments, from :func:`marketing_service.segments.audience`, within the reach its
owner had when creating it: :func:`reach_of`), splits it exactly over
the variants (:mod:`marketing_service.ab_split`) and records every member as a recipient with
their variant. Members without marketing consent are recorded as such and get nothing; every
other member gets one message in the sending queue (:mod:`marketing_service.outbound`), where
consent and the frequency caps are checked again when it goes. Pausing holds the campaign's
queued messages, resuming releases them, completing or cancelling cancels those not yet
handed over. What became of each message comes back through :func:`record_outcome` (the
queue's listener for the ``campaign`` category), which keeps the recipient's status and emits
``campaign.message_sent``.

Scheduled campaigns launch on their ``schedule_time`` and running or paused ones complete on
their ``end_time`` by the worker's timer (:func:`run_schedule`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.access import allows, requirement_of
from crm_shared.auth import Principal
from crm_shared.auth.visibility import can_see, visibility_clause
from crm_shared.db import Database, UnitOfWork
from crm_shared.errors import FailedPrecondition, FieldViolation
from crm_shared.marketing_channels import MARKETING_CHANNELS
from crm_shared.timestamps import from_timestamp, to_timestamp
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from marketing_service import ab_split, outbound, profiles, segments
from marketing_service import campaign_lifecycle as lifecycle
from marketing_service.campaign_views import SURVEY_SCHEDULES, campaign_to_proto, variant_to_json
from marketing_service.customer_reach import Reach
from marketing_service.models import (
    Campaign,
    CampaignRecipient,
    CustomerProfile,
    OutboundMessage,
    Segment,
    Survey,
)

CATEGORY = "campaign"
CHANNELS = MARKETING_CHANNELS
"""A campaign reaches customers at their own address: e-mail or SMS (crm_shared.marketing_channels)."""
MAX_NAME, MAX_DESCRIPTION, MAX_OBJECTIVE = 200, 2000, 500
MAX_SEGMENTS, MAX_VARIANTS = 20, 10
MAX_SUBJECT, MAX_BODY, MAX_URL, MAX_TEMPLATE_KEY = 300, 20000, 2000, 100
VARIANT_ID = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
LOCALES = ("", "zh-CN", "en-US")

# recipient statuses
PENDING = "pending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
SUPPRESSED_NO_CONSENT = "suppressed_no_consent"
SUPPRESSED_FREQUENCY_CAP = "suppressed_frequency_cap"
CANCELLED = "cancelled"
STATUS_OF_MESSAGE = {
    outbound.SENT: SENT, outbound.DELIVERED: DELIVERED, outbound.FAILED: FAILED,
    outbound.CANCELLED: CANCELLED, outbound.SUPPRESSED_NO_CONSENT: SUPPRESSED_NO_CONSENT,
    outbound.SUPPRESSED_FREQUENCY_CAP: SUPPRESSED_FREQUENCY_CAP,
}


def message_key(campaign_id: str, customer_id: str) -> str:
    """The idempotency key of a campaign's message to one customer (once per campaign)."""
    return f"campaign:{campaign_id}:{customer_id}"


def source_ref(campaign_id: str, variant_id: str) -> str:
    return f"campaign:{campaign_id}:variant:{variant_id}"


# -- access ---------------------------------------------------------------------------------------


def visible(principal: Principal):
    """The SQL filter of the campaigns ``principal`` may see: their own, their department
    subtree's with ``department`` scope, all with ``all`` scope."""
    return visibility_clause(principal, Campaign.owner_id, Campaign.department_path)


def may_see(principal: Principal, campaign: Campaign) -> bool:
    return can_see(principal, owner_id=campaign.owner_id, department_path=campaign.department_path)


def reach_of(campaign: Campaign) -> Reach:
    """Whose customers the campaign may reach: its owner's, as captured at creation (the launch
    may come hours later from the worker's timer, with no user behind it)."""
    return Reach.stored(campaign.owner_id, campaign.department_path, campaign.audience_scope)


def get_visible(session: Session, principal: Principal, campaign_id: str, *,
                for_update: bool = False) -> Campaign | None:
    campaign = session.get(Campaign, campaign_id, with_for_update=for_update) \
        if campaign_id else None
    if campaign is None or not may_see(principal, campaign):
        return None
    return campaign


# -- what a campaign may hold ---------------------------------------------------------------------


def _money_violations(value: types_pb2.Money, field: str) -> list[FieldViolation]:
    if not CURRENCY.match(value.currency_code):
        return [FieldViolation(f"{field}.currency_code", "must be an ISO 4217 code such as CNY")]
    if value.amount_minor < 0:
        return [FieldViolation(f"{field}.amount_minor", "must not be negative")]
    return []


def _variant_violations(variants, channel: str, prefix: str) -> list[FieldViolation]:
    found: list[FieldViolation] = []
    if not 1 <= len(variants) <= MAX_VARIANTS:
        return [FieldViolation(f"{prefix}variants", f"give 1..{MAX_VARIANTS} variants")]
    for problem in ab_split.weight_problems([variant.weight_percent for variant in variants]):
        found.append(FieldViolation(f"{prefix}variants", problem))
    seen: set[str] = set()
    for index, variant in enumerate(variants):
        at = f"{prefix}variants[{index}]"
        key = variant.id.strip()
        if not VARIANT_ID.match(key):
            found.append(FieldViolation(f"{at}.id", "must be 1..20 letters, digits, - or _ (A, B)"))
        elif key in seen:
            found.append(FieldViolation(f"{at}.id", f"repeats the variant {key}"))
        seen.add(key)
        if len(variant.name) > MAX_NAME:
            found.append(FieldViolation(f"{at}.name", f"must be at most {MAX_NAME} characters"))
        if len(variant.template_key) > MAX_TEMPLATE_KEY:
            found.append(FieldViolation(f"{at}.template_key",
                                        f"must be at most {MAX_TEMPLATE_KEY} characters"))
        if not variant.template_key.strip():
            if not variant.body.strip():
                found.append(FieldViolation(f"{at}.template_key",
                                            "give a template key, or a body written inline"))
            if channel == "email" and not variant.subject.strip():
                found.append(FieldViolation(f"{at}.subject",
                                            "an e-mail without a template needs a subject"))
        if len(variant.subject) > MAX_SUBJECT:
            found.append(FieldViolation(f"{at}.subject", f"must be at most {MAX_SUBJECT} characters"))
        if len(variant.body) > MAX_BODY:
            found.append(FieldViolation(f"{at}.body", f"must be at most {MAX_BODY} characters"))
        if variant.locale not in LOCALES:
            found.append(FieldViolation(f"{at}.locale", "must be zh-CN, en-US or empty"))
        url = variant.landing_url.strip()
        if url and (len(url) > MAX_URL or not re.match(r"^https?://[^\s/]+", url)):
            found.append(FieldViolation(f"{at}.landing_url", "must be an http(s) URL"))
    return found


def input_violations(data: marketing_pb2.Campaign, paths: set[str], *,
                     channel: str, prefix: str = "campaign.") -> list[FieldViolation]:
    """Checks of the fields named in ``paths`` that need no database. ``channel`` is the
    campaign's channel after the change (variants are checked against it)."""
    found: list[FieldViolation] = []
    if "name" in paths:
        if not data.name.strip():
            found.append(FieldViolation(f"{prefix}name", "is required"))
        elif len(data.name) > MAX_NAME:
            found.append(FieldViolation(f"{prefix}name", f"must be at most {MAX_NAME} characters"))
    if "description" in paths and len(data.description) > MAX_DESCRIPTION:
        found.append(FieldViolation(f"{prefix}description",
                                    f"must be at most {MAX_DESCRIPTION} characters"))
    if "objective" in paths and len(data.objective) > MAX_OBJECTIVE:
        found.append(FieldViolation(f"{prefix}objective",
                                    f"must be at most {MAX_OBJECTIVE} characters"))
    if "channel" in paths and data.channel not in CHANNELS:
        found.append(FieldViolation(
            f"{prefix}channel",
            "is required: DELIVERY_CHANNEL_EMAIL or DELIVERY_CHANNEL_SMS (a campaign reaches "
            "customers at their own address; in-app inboxes are for users of the suite)"))
    if "segment_ids" in paths and not 1 <= len(data.segment_ids) <= MAX_SEGMENTS:
        found.append(FieldViolation(f"{prefix}segment_ids",
                                    f"give 1..{MAX_SEGMENTS} segments"))
    if "excluded_segment_ids" in paths and len(data.excluded_segment_ids) > MAX_SEGMENTS:
        found.append(FieldViolation(f"{prefix}excluded_segment_ids",
                                    f"give at most {MAX_SEGMENTS} segments"))
    if "variants" in paths:
        found += _variant_violations(data.variants, channel, prefix)
    for name in ("budget", "cost"):
        if name in paths and data.HasField(name):
            found += _money_violations(getattr(data, name), f"{prefix}{name}")
    if "survey_id" in paths and len(data.survey_id) > 36:
        found.append(FieldViolation(f"{prefix}survey_id", "is not a survey id"))
    if "survey_schedule" in paths and data.survey_schedule and \
            not SURVEY_SCHEDULES.name(data.survey_schedule):
        found.append(FieldViolation(f"{prefix}survey_schedule", "is not a survey schedule"))
    return found


def survey_schedule_violations(survey_id: str | None, survey_schedule: str | None, *,
                               prefix: str = "campaign.") -> list[FieldViolation]:
    """A survey schedule needs the survey it sends (both as they are after the change)."""
    if survey_schedule and not (survey_id or "").strip():
        return [FieldViolation(f"{prefix}survey_schedule",
                               "needs the survey it sends: give survey_id too")]
    return []


def segment_violations(session: Session, segment_ids: Iterable[str],
                       excluded_segment_ids: Iterable[str], *,
                       prefix: str = "campaign.") -> list[FieldViolation]:
    """Every segment named exists; none is both targeted and excluded."""
    segment_ids, excluded = list(segment_ids), list(excluded_segment_ids)
    known = set(session.scalars(select(Segment.id).where(
        Segment.id.in_(set(segment_ids) | set(excluded)))))
    found = [FieldViolation(f"{prefix}segment_ids[{index}]", f"no segment {segment_id}")
             for index, segment_id in enumerate(segment_ids) if segment_id not in known]
    found += [FieldViolation(f"{prefix}excluded_segment_ids[{index}]", f"no segment {segment_id}")
              for index, segment_id in enumerate(excluded) if segment_id not in known]
    both = sorted(set(segment_ids) & set(excluded))
    if both:
        found.append(FieldViolation(f"{prefix}excluded_segment_ids",
                                    f"also targeted: {', '.join(both)}"))
    return found


SURVEY_READERS = requirement_of(
    marketing_pb2.DESCRIPTOR.services_by_name["MarketingService"].methods_by_name["GetSurvey"])
"""Who may read a survey: the contract's rule of ``GetSurvey`` (surveys are the company's, read
by every role it names), so a campaign can name only a survey its creator could open."""


def survey_violations(session: Session, principal: Principal, survey_id: str, *,
                      prefix: str = "campaign.") -> list[FieldViolation]:
    """The survey a campaign names exists and is the caller's to see (issue 15: a write naming
    a record checks that its caller may see it). Not found and not visible read alike, so
    existence does not leak; an empty id names no survey."""
    survey_id = survey_id.strip()
    if not survey_id or (allows(SURVEY_READERS, principal)
                         and session.get(Survey, survey_id) is not None):
        return []
    return [FieldViolation(f"{prefix}survey_id", "survey not found or not visible to you")]


def time_violations(schedule_time: datetime | None, end_time: datetime | None,
                    now: datetime | None = None, *,
                    prefix: str = "campaign.") -> list[FieldViolation]:
    found = []
    if schedule_time is not None and end_time is not None and end_time <= schedule_time:
        found.append(FieldViolation(f"{prefix}end_time", "must be after schedule_time"))
    if now is not None and end_time is not None and end_time <= now:
        found.append(FieldViolation(f"{prefix}end_time", "must be in the future"))
    return found


def apply(row: Campaign, data: marketing_pb2.Campaign, paths: set[str]) -> None:
    """Copy the fields named in ``paths`` (already validated) onto ``row``."""
    for name in ("name", "description", "objective"):
        if name in paths:
            setattr(row, name, getattr(data, name).strip())
    if "channel" in paths:
        row.channel = CHANNELS[data.channel]
    if "segment_ids" in paths:
        row.segment_ids = list(dict.fromkeys(data.segment_ids))
    if "excluded_segment_ids" in paths:
        row.excluded_segment_ids = list(dict.fromkeys(data.excluded_segment_ids))
    if "variants" in paths:
        row.variants = [variant_to_json(variant) for variant in data.variants]
    for name in ("schedule_time", "end_time"):
        if name in paths:
            setattr(row, name, from_timestamp(getattr(data, name))
                    if data.HasField(name) else None)
    for name in ("budget", "cost"):
        if name in paths:
            value = getattr(data, name)
            setattr(row, f"{name}_currency", value.currency_code if data.HasField(name) else None)
            setattr(row, f"{name}_minor", value.amount_minor if data.HasField(name) else 0)
    if "survey_id" in paths:
        row.survey_id = data.survey_id.strip() or None
    if "survey_schedule" in paths:
        row.survey_schedule = SURVEY_SCHEDULES.name(data.survey_schedule) or None


# -- lifecycle ------------------------------------------------------------------------------------


def touch(campaign: Campaign, now: datetime, actor_id: str) -> None:
    campaign.update_time = now
    campaign.updated_by = actor_id or "system"


def launch(uow: UnitOfWork, campaign: Campaign, now: datetime, *, actor_id: str,
           request_id: str = "") -> None:
    """Freeze, split and queue (see the module's text); emits ``campaign.launched``. Only the
    members within the campaign's reach (:func:`reach_of`) are in the audience, whoever
    launches it."""
    session = uow.session
    lifecycle.next_state("launch", campaign.state)
    if campaign.end_time is not None and campaign.end_time <= now:
        raise FailedPrecondition(f"campaign {campaign.id} ended at {campaign.end_time.isoformat()}"
                                 " before it could launch; change end_time first",
                                 reason="CAMPAIGN_ENDED")
    # consent on the campaign's channel: an e-mail unsubscribe does not stop an SMS campaign
    channel_consent = getattr(CustomerProfile,
                              profiles.CHANNEL_CONSENT_COLUMNS[campaign.channel])
    rows = session.execute(
        select(CustomerProfile.customer_id,
               func.coalesce(channel_consent, CustomerProfile.marketing_consent)
               .label("marketing_consent"))
        .where(CustomerProfile.customer_id.in_(segments.audience(
            session, segment_ids=campaign.segment_ids,
            excluded_segment_ids=campaign.excluded_segment_ids,
            reach=reach_of(campaign)).scalar_subquery()))
        .order_by(CustomerProfile.customer_id)).all()
    consent = {row.customer_id: row.marketing_consent for row in rows}
    variants = {variant["id"]: variant for variant in campaign.variants}
    allotted = ab_split.assign(campaign.id, consent, [(variant["id"], variant["weight_percent"])
                                                      for variant in campaign.variants])
    members = sorted(allotted.items())
    sending = [(customer_id, variant_id) for customer_id, variant_id in members
               if consent[customer_id]]
    message_ids = dict(zip((customer_id for customer_id, _ in sending), outbound.enqueue_new(
        session, [_message_of(campaign, variants[variant_id], customer_id)
                  for customer_id, variant_id in sending], now=now), strict=True))
    recipients = [{"campaign_id": campaign.id, "customer_id": customer_id,
                   "variant_id": variant_id,
                   "status": PENDING if customer_id in message_ids else SUPPRESSED_NO_CONSENT,
                   "error": None if customer_id in message_ids
                   else "no marketing consent at launch",
                   "outbound_message_id": message_ids.get(customer_id)}
                  for customer_id, variant_id in members]
    for start in range(0, len(recipients), 1000):
        session.execute(insert(CampaignRecipient), recipients[start:start + 1000])
    campaign.state = lifecycle.RUNNING
    campaign.audience_count = len(allotted)
    campaign.launch_time = now
    campaign.launch_request_id = request_id or None
    touch(campaign, now, actor_id)
    session.flush()
    uow.emit(marketing_events.CampaignLaunched(
        campaign=campaign_to_proto(campaign, stats_of(session, [campaign.id])[campaign.id]),
        actor_id=actor_id), key=campaign.id)


def _message_of(campaign: Campaign, variant: dict, customer_id: str) -> dict:
    """The queue row of one campaign message (``outbound.enqueue``'s arguments)."""
    return {"customer_id": customer_id, "channel": campaign.channel,
            "idempotency_key": message_key(campaign.id, customer_id), "category": CATEGORY,
            "source_ref": source_ref(campaign.id, variant["id"]),
            "template_key": variant["template_key"], "subject": variant["subject"],
            "body": variant["body"],
            "variables": {"campaign_name": campaign.name, "landing_url": variant["landing_url"],
                          "variant_id": variant["id"]},
            "locale": variant["locale"] or None, "group_key": campaign.id}


def pause(uow: UnitOfWork, campaign: Campaign, now: datetime, *, actor_id: str) -> None:
    campaign.state = lifecycle.next_state("pause", campaign.state)
    outbound.hold_group(uow.session, campaign.id, now)
    touch(campaign, now, actor_id)


def resume(uow: UnitOfWork, campaign: Campaign, now: datetime, *, actor_id: str) -> None:
    campaign.state = lifecycle.next_state("resume", campaign.state)
    outbound.release_group(uow.session, campaign.id, now)
    touch(campaign, now, actor_id)


def complete(uow: UnitOfWork, campaign: Campaign, now: datetime, *, actor_id: str) -> None:
    """Ends the campaign (unsent messages cancelled); emits ``campaign.completed``."""
    campaign.state = lifecycle.next_state("complete", campaign.state)
    outbound.cancel_group(uow, campaign.id, now, "the campaign completed before it was sent")
    campaign.complete_time = now
    touch(campaign, now, actor_id)
    uow.session.flush()
    uow.emit(marketing_events.CampaignCompleted(
        campaign=campaign_to_proto(campaign, stats_of(uow.session, [campaign.id])[campaign.id]),
        actor_id=actor_id), key=campaign.id)


def cancel(uow: UnitOfWork, campaign: Campaign, now: datetime, *, actor_id: str,
           reason: str) -> None:
    campaign.state = lifecycle.next_state("cancel", campaign.state)
    outbound.cancel_group(uow, campaign.id, now, "the campaign was cancelled")
    campaign.cancel_reason = reason or None
    campaign.complete_time = now
    touch(campaign, now, actor_id)


def run_schedule(database: Database, now: datetime) -> tuple[int, int]:
    """The timer's pass: scheduled campaigns due by ``now`` launch, running and paused ones
    whose end time has come complete; each in its own unit of work. Returns (launched,
    completed)."""
    with database.unit_of_work(readonly=True) as uow:
        due = list(uow.session.scalars(select(Campaign.id).where(
            Campaign.state == lifecycle.SCHEDULED, Campaign.schedule_time <= now)
            .order_by(Campaign.schedule_time)))
        ending = list(uow.session.scalars(select(Campaign.id).where(
            Campaign.state.in_(lifecycle.LIVE_STATES), Campaign.end_time <= now)
            .order_by(Campaign.end_time)))
    launched = completed = 0
    for campaign_id in due:
        with database.unit_of_work() as uow:
            campaign = uow.session.get(Campaign, campaign_id, with_for_update=True)
            if campaign is None or campaign.state != lifecycle.SCHEDULED:
                continue  # launched by hand or by another worker meanwhile
            if campaign.end_time is not None and campaign.end_time <= now:
                cancel(uow, campaign, now, actor_id="", reason="its end time passed before it "
                                                                "could launch")
                continue
            launch(uow, campaign, now, actor_id="")
            launched += 1
    for campaign_id in ending:
        with database.unit_of_work() as uow:
            campaign = uow.session.get(Campaign, campaign_id, with_for_update=True)
            if campaign is None or campaign.state not in lifecycle.LIVE_STATES:
                continue
            complete(uow, campaign, now, actor_id="")
            completed += 1
    return launched, completed


# -- outcomes and statistics ----------------------------------------------------------------------


@outbound.on_outcome(CATEGORY)
def record_outcome(uow: UnitOfWork, message: OutboundMessage, now: datetime) -> None:
    """The queue's listener: the recipient's status follows its message; a message handed over
    is told as ``campaign.message_sent``."""
    status = STATUS_OF_MESSAGE.get(message.state)
    if status is None:
        return
    session = uow.session
    recipient = session.scalars(select(CampaignRecipient).where(
        CampaignRecipient.outbound_message_id == message.id)).first()
    if recipient is None:
        return
    recipient.status = status
    recipient.error = message.last_error if status in (FAILED, SUPPRESSED_NO_CONSENT,
                                                       SUPPRESSED_FREQUENCY_CAP,
                                                       CANCELLED) else None
    recipient.delivery_id = message.delivery_id
    recipient.send_time = message.send_time if message.delivery_id else None
    recipient.deliver_time = message.deliver_time
    if status == SENT:
        campaign = session.get(Campaign, recipient.campaign_id)
        uow.emit(marketing_events.CampaignMessageSent(
            campaign_id=recipient.campaign_id, campaign_name=campaign.name if campaign else "",
            variant_id=recipient.variant_id, customer_id=recipient.customer_id,
            channel=outbound.CHANNEL_VALUES[message.channel],
            delivery_id=message.delivery_id or "",
            send_time=to_timestamp(message.send_time)), key=recipient.campaign_id)


def stats_of(session: Session, campaign_ids: Iterable[str]) -> dict[str, marketing_pb2.CampaignStats]:
    """Delivery and response statistics of campaigns, from their recipients."""
    campaign_ids = list(campaign_ids)
    counts: dict[str, dict[str, Counter]] = {campaign_id: {} for campaign_id in campaign_ids}
    if campaign_ids:
        rows = session.execute(
            select(CampaignRecipient.campaign_id, CampaignRecipient.variant_id,
                   CampaignRecipient.status,
                   CampaignRecipient.delivery_id.is_not(None).label("handed_over"),
                   CampaignRecipient.response_time.is_not(None).label("responded"),
                   func.count().label("n"))
            .where(CampaignRecipient.campaign_id.in_(campaign_ids))
            .group_by(CampaignRecipient.campaign_id, CampaignRecipient.variant_id,
                      CampaignRecipient.status, "handed_over", "responded")).all()
        for row in rows:
            tally = counts[row.campaign_id].setdefault(row.variant_id, Counter())
            tally["audience"] += row.n
            tally[row.status] += row.n
            if row.handed_over:
                tally["handed_over"] += row.n
            if row.responded:
                tally["responded"] += row.n
    stats = {}
    for campaign_id in campaign_ids:
        by_variant = counts[campaign_id]
        total = sum(by_variant.values(), Counter())
        stats[campaign_id] = marketing_pb2.CampaignStats(
            audience_count=total["audience"], sent_count=total["handed_over"],
            delivered_count=total[DELIVERED], failed_count=total[FAILED],
            suppressed_no_consent_count=total[SUPPRESSED_NO_CONSENT],
            suppressed_frequency_cap_count=total[SUPPRESSED_FREQUENCY_CAP],
            response_count=total["responded"],
            variants=[marketing_pb2.VariantStats(
                variant_id=variant_id, audience_count=tally["audience"],
                sent_count=tally["handed_over"], delivered_count=tally[DELIVERED],
                response_count=tally["responded"])
                for variant_id, tally in sorted(by_variant.items())])
    return stats


def allotted_variant(session: Session, campaign_id: str, customer_id: str | None) -> str | None:
    """The variant a customer was allotted in a campaign, None if not a recipient."""
    if not customer_id:
        return None
    return session.scalars(select(CampaignRecipient.variant_id).where(
        CampaignRecipient.campaign_id == campaign_id,
        CampaignRecipient.customer_id == customer_id).order_by(CampaignRecipient.id)).first()


def mark_responded(session: Session, campaign_id: str, customer_id: str, when: datetime) -> None:
    """The recipient's first response time (kept if an earlier one is known)."""
    session.execute(
        update(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign_id,
               CampaignRecipient.customer_id == customer_id,
               (CampaignRecipient.response_time.is_(None))
               | (CampaignRecipient.response_time > when))
        .values(response_time=when).execution_options(synchronize_session=False))

