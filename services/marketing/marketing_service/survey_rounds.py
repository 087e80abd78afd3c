"""A campaign's survey on a schedule (issue 19; seed 001: 季度末发送问卷): a campaign naming a
survey (``survey_id``) and a ``survey_schedule`` invites its audience to that survey in rounds
while it runs — ``once`` (one round, named by the quarter it launched in) or ``quarterly``
(a round per calendar quarter, named like ``2026-Q4`` by
:func:`crm_shared.target_periods.quarter_of`).

The worker's timer (:func:`send_due`) gives each member of the audience as it is then (the
campaign's segments less the excluded, within the campaign's reach, as at launch) one
invitation per round through the one invitation path
(:func:`marketing_service.invitations.create_invitation`: the link is signed only as the
message goes, staff never see one, consent and the frequency cap are checked at send time).
"Once per member and round" is the contact strategies' mechanism: a
:class:`marketing_service.models.ContactOccasion` keyed :func:`occasion_key`, stored in the
transaction that creates the invitation, so two workers or two passes cannot invite twice.
A paused campaign sends no round until it resumes; an ended one none.

:func:`rounds_of` reports each round: members invited, invitations sent, answers, the response
rate and the survey's results over the round's answers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from crm_shared.db import Database
from crm_shared.errors import FailedPrecondition
from crm_shared.target_periods import quarter_of
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketing_service import campaign_lifecycle as lifecycle
from marketing_service import campaigns, invitations, segments
from marketing_service.models import (
    Campaign,
    ContactOccasion,
    CustomerProfile,
    Survey,
    SurveyAnswerRecord,
    SurveyInvitation,
)

log = logging.getLogger(__name__)

ONCE, QUARTERLY = "once", "quarterly"
ACTION_KIND = "campaign_survey"
"""``contact_occasions.action_kind`` of a campaign's survey invitation."""
BATCH = 500
"""Members invited per unit of work; a pass goes on until none is left."""
REACHED = (invitations.SENT, invitations.ANSWERED, invitations.EXPIRED)
"""An invitation whose message went (or was answered by other means): what a rate counts."""


def round_of(schedule: str, launch_time: datetime | None, now: datetime) -> str | None:
    """The round due at ``now``: the launch's quarter for ``once``, ``now``'s for
    ``quarterly``; None for no schedule."""
    if schedule == ONCE:
        return quarter_of((launch_time or now).date())
    if schedule == QUARTERLY:
        return quarter_of(now.date())
    return None


def occasion_key(campaign_id: str, customer_id: str, round_: str) -> str:
    return f"campaign-survey:{campaign_id}:{customer_id}:{round_}"


# -- the pass -------------------------------------------------------------------------------------


def send_due(database: Database, now: datetime, links: invitations.LinkSigner) -> int:
    """One pass: every running campaign with a survey schedule invites the members without an
    invitation in the current round, in batches, each in its own unit of work. Returns the
    invitations created. A batch that loses a race with another worker is rolled back and left
    to the next pass."""
    with database.unit_of_work(readonly=True) as uow:
        campaign_ids = list(
            uow.session.scalars(
                select(Campaign.id)
                .where(
                    Campaign.state == lifecycle.RUNNING,
                    Campaign.survey_schedule.is_not(None),
                    Campaign.survey_id.is_not(None),
                )
                .order_by(Campaign.id)
            )
        )
    invited = 0
    for campaign_id in campaign_ids:
        while True:
            try:
                with database.unit_of_work() as uow:
                    count = _invite_batch(uow, campaign_id, now, links)
            except IntegrityError:
                log.info(
                    "survey round of campaign %s raced another worker; left to the next pass",
                    campaign_id,
                )
                break
            except FailedPrecondition as exc:  # no secret to sign links with
                log.warning("survey round of campaign %s not sent: %s", campaign_id, exc)
                break
            invited += count  # counted once committed
            if count < BATCH:
                break
    return invited


def _invite_batch(uow, campaign_id: str, now: datetime, links: invitations.LinkSigner) -> int:
    session = uow.session
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.state != lifecycle.RUNNING or not campaign.survey_id:
        return 0
    round_ = round_of(campaign.survey_schedule or "", campaign.launch_time, now)
    survey = session.get(Survey, campaign.survey_id)
    if round_ is None or survey is None or survey.state != "active":
        return 0  # a closed survey takes no invitations; the campaign goes on without them
    already = exists().where(
        ContactOccasion.segment_id == campaign.id,
        ContactOccasion.action_kind == ACTION_KIND,
        ContactOccasion.period == round_,
        ContactOccasion.customer_id == CustomerProfile.customer_id,
    )
    members = list(
        session.scalars(
            segments.audience(
                session,
                segment_ids=campaign.segment_ids,
                excluded_segment_ids=campaign.excluded_segment_ids,
                reach=campaigns.reach_of(campaign),
            )
            .where(~already)
            .limit(BATCH)
        )
    )
    for customer_id in members:
        occasion = ContactOccasion(
            occasion_key=occasion_key(campaign.id, customer_id, round_),
            segment_id=campaign.id,
            customer_id=customer_id,
            action_kind=ACTION_KIND,
            period=round_,
            due_date=now.date(),
            create_time=now,
        )
        session.add(occasion)
        invitation = invitations.create_invitation(
            uow,
            survey,
            customer_id=customer_id,
            channel=campaign.channel,
            links=links,
            now=now,
            created_by="campaign",
            campaign_id=campaign.id,
        )
        occasion.outbound_message_id = invitation.outbound_message_id
    session.flush()
    return len(members)


# -- the report -----------------------------------------------------------------------------------


def rounds_of(session: Session, campaign: Campaign, customers_visible) -> list[dict]:
    """Each round of ``campaign``'s survey, newest first, over the customers
    ``customers_visible(column)`` lets the caller see: ``round``, ``invited`` (members invited),
    ``reached`` (invitations sent), ``answers`` (scores and choices of each answer)."""
    rows = session.execute(
        select(
            ContactOccasion.period,
            SurveyInvitation.state,
            SurveyAnswerRecord.scores,
            SurveyAnswerRecord.choices,
        )
        .join(
            SurveyInvitation,
            SurveyInvitation.outbound_message_id == ContactOccasion.outbound_message_id,
        )
        .outerjoin(SurveyAnswerRecord, SurveyAnswerRecord.invitation_id == SurveyInvitation.id)
        .where(
            ContactOccasion.segment_id == campaign.id,
            ContactOccasion.action_kind == ACTION_KIND,
            customers_visible(ContactOccasion.customer_id),
        )
    ).all()
    by_round: dict[str, dict] = defaultdict(lambda: {"invited": 0, "reached": 0, "answers": []})
    for period, state, scores, choices in rows:
        tally = by_round[period]
        tally["invited"] += 1
        if state in REACHED:
            tally["reached"] += 1
        if scores is not None:
            tally["answers"].append((scores or {}, choices or {}))
    return [{"round": period, **tally} for period, tally in sorted(by_round.items(), reverse=True)]
