"""A campaign's survey on a schedule (issue 19; seed 001: 季度末发送问卷) through the real
marketing api, sent by the real dispatcher to a real in-process notification api, on a clock the
test controls: the worker's pass (``survey_rounds.send_due``, what its timer runs) invites each
member once per round, the customer answers through the link in the message they got, and the
campaign's rounds report the response rate and the results."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import Database, utcnow
from crm_shared.target_periods import quarter_of
from google.protobuf.field_mask_pb2 import FieldMask
from marketing_service import outbound, survey_rounds
from marketing_service.invitations import LinkSigner
from marketing_service.models import (
    ContactOccasion,
    CustomerProfile,
    Segment,
    SegmentMember,
    SurveyInvitation,
)
from notification_service.models import Delivery
from sqlalchemy import select

pytestmark = pytest.mark.integration
M = marketing_pb2
LINK = re.compile(r"https://crm\.example\.com/s/[A-Za-z0-9_.-]+")
Q4 = datetime(2031, 11, 20, 9, tzinfo=UTC)  # 2031-Q4
Q4_LATER = datetime(2031, 12, 30, 9, tzinfo=UTC)  # still 2031-Q4
Q1 = datetime(2032, 1, 5, 9, tzinfo=UTC)  # 2032-Q1


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api("sqlite")


def members(database: Database, count: int) -> str:
    """A segment of ``count`` consenting customers (as the segments part keeps it)."""
    now = utcnow()
    segment_id = str(uuid.uuid4())
    with database.unit_of_work() as uow:
        uow.session.add(
            Segment(
                id=segment_id,
                display_name=f"segment {segment_id[:6]}",
                description="",
                kind="custom",
                rule={},
                contact_strategy={},
                active=True,
                time_relative=False,
                member_count=count,
                owner_id="u-marketer",
                department_path="/hq/marketing",
                create_time=now,
                update_time=now,
                created_by="u-marketer",
                updated_by="u-marketer",
                version=1,
            )
        )
        uow.session.flush()
        for index in range(count):
            customer_id = str(uuid.uuid4())
            uow.session.add(
                CustomerProfile(
                    customer_id=customer_id,
                    state="active",
                    customer_type="individual",
                    display_name=f"客户 {index}",
                    owner_id="u-rep",
                    department_path="/hq/sales/east",
                    email=f"c{index}.{customer_id[:6]}@example.com",
                    phone=None,
                    locale="zh-CN",
                    tag_ids=[],
                    rfm_recency_score=0,
                    rfm_frequency_score=0,
                    rfm_monetary_score=0,
                    at_risk=False,
                    marketing_consent=True,
                    facts_version=1,
                    fact_times={},
                    create_time=now,
                    update_time=now,
                )
            )
            uow.session.add(
                SegmentMember(segment_id=segment_id, customer_id=customer_id, join_time=now)
            )
    return segment_id


def survey(api) -> M.Survey:
    return api.stub("u-marketer").CreateSurvey(
        M.CreateSurveyRequest(
            survey=M.Survey(
                title="季度满意度",
                kind=M.SURVEY_KIND_RELATIONSHIP,
                state=M.SURVEY_STATE_ACTIVE,
                questions=[
                    M.SurveyQuestion(
                        id="q1",
                        dimension="product_quality",
                        text="产品质量？",
                        type=M.QUESTION_TYPE_RATING_1_TO_5,
                        required=True,
                    )
                ],
            )
        )
    )


def survey_campaign(api, segment_id: str, survey_id: str, schedule: int) -> M.Campaign:
    stub = api.stub("u-marketer")
    campaign = stub.CreateCampaign(
        M.CreateCampaignRequest(
            campaign=M.Campaign(
                name="季度满意度调研",
                channel=types_pb2.DELIVERY_CHANNEL_EMAIL,
                segment_ids=[segment_id],
                survey_id=survey_id,
                survey_schedule=schedule,
                variants=[
                    M.CampaignVariant(
                        id="A", weight_percent=100, subject="感谢合作", body="您好 {{display_name}}"
                    )
                ],
            )
        )
    )
    assert campaign.survey_schedule == schedule
    return stub.LaunchCampaign(M.LaunchCampaignRequest(id=campaign.id))


def invitations_of(api, campaign_id: str) -> list[tuple[str, str]]:
    """(customer, round) of each invitation the campaign's rounds made."""
    with api.database.unit_of_work(readonly=True) as uow:
        return sorted(
            uow.session.execute(
                select(SurveyInvitation.customer_id, ContactOccasion.period)
                .join(
                    ContactOccasion,
                    ContactOccasion.outbound_message_id == SurveyInvitation.outbound_message_id,
                )
                .where(SurveyInvitation.campaign_id == campaign_id)
            ).all()
        )


def rounds(api, campaign_id: str) -> list[M.CampaignSurveyRound]:
    return list(
        api.stub("u-marketer")
        .GetCampaignSurveyRounds(M.GetCampaignSurveyRoundsRequest(campaign_id=campaign_id))
        .rounds
    )


def test_a_quarterly_survey_campaign_invites_each_member_once_a_quarter_and_reports_the_rate(
    api, notification
):
    segment_id = members(api.database, 3)
    campaign = survey_campaign(api, segment_id, survey(api).id, M.SURVEY_SCHEDULE_QUARTERLY)
    links = LinkSigner.of(api.settings)

    assert survey_rounds.send_due(api.database, Q4, links) >= 3
    survey_rounds.send_due(api.database, Q4_LATER, links)  # the same quarter: nobody again
    invited = invitations_of(api, campaign.id)
    assert len(invited) == 3 and {round_ for _, round_ in invited} == {"2031-Q4"}
    customers = {customer for customer, _ in invited}
    assert len(customers) == 3

    report = outbound.dispatch_due(
        api.database,
        notification.marketing,
        Q4_LATER,
        settings=api.settings,
        addresses=api.contacts,
    )
    assert report.sent >= 3
    # the customer answers through the link in the message they got
    answering = min(customers)
    with notification.database.unit_of_work(readonly=True) as uow:
        bodies = uow.session.scalars(
            select(Delivery.body).where(Delivery.customer_id == answering)
        ).all()
    (link,) = [LINK.search(body).group(0) for body in bodies if LINK.search(body)]
    api.stub("u-form").SubmitSurveyAnswer(
        M.SubmitSurveyAnswerRequest(
            token=link.rsplit("/", 1)[1], answers=[M.QuestionAnswer(question_id="q1", score=3)]
        )
    )

    survey_rounds.send_due(api.database, Q1, links)  # a new quarter: everyone once more
    invited = invitations_of(api, campaign.id)
    assert sorted(round_ for customer, round_ in invited if customer == answering) == [
        "2031-Q4",
        "2032-Q1",
    ]
    assert len(invited) == 6
    outbound.dispatch_due(
        api.database,
        notification.marketing,
        Q1 + timedelta(minutes=1),
        settings=api.settings,
        addresses=api.contacts,
    )

    newest, first = rounds(api, campaign.id)
    assert (
        newest.round,
        newest.invited_count,
        newest.results.invitation_count,
        newest.results.answer_count,
        newest.results.response_rate,
    ) == ("2032-Q1", 3, 3, 0, 0)
    assert (
        first.round,
        first.invited_count,
        first.results.invitation_count,
        first.results.answer_count,
        first.results.response_rate,
    ) == ("2031-Q4", 3, 3, 1, 0.3333)
    (quality,) = first.results.dimensions
    assert (quality.dimension, quality.average_score, quality.low_score_share) == (
        "product_quality",
        3.0,
        1.0,
    )


def test_a_survey_sent_once_has_one_round_and_a_paused_campaign_sends_none(api):
    once = survey_campaign(api, members(api.database, 2), survey(api).id, M.SURVEY_SCHEDULE_ONCE)
    paused = survey_campaign(
        api, members(api.database, 2), survey(api).id, M.SURVEY_SCHEDULE_QUARTERLY
    )
    api.stub("u-marketer").PauseCampaign(M.PauseCampaignRequest(id=paused.id))
    links = LinkSigner.of(api.settings)
    for now in (Q4, Q1, Q1 + timedelta(days=100)):
        survey_rounds.send_due(api.database, now, links)
    launch_round = quarter_of(once.launch_time.ToDatetime().date())
    assert {round_ for _, round_ in invitations_of(api, once.id)} == {launch_round}
    assert len(invitations_of(api, once.id)) == 2
    assert invitations_of(api, paused.id) == []
    assert [r.round for r in rounds(api, once.id)] == [launch_round]


def test_a_survey_schedule_needs_its_survey_and_is_refused_field_by_field(api, rpc_error):
    segment_id = members(api.database, 1)
    stub = api.stub("u-marketer")
    variant = M.CampaignVariant(id="A", weight_percent=100, subject="s", body="b")
    error = rpc_error(
        stub.CreateCampaign,
        M.CreateCampaignRequest(
            campaign=M.Campaign(
                name="无问卷",
                channel=types_pb2.DELIVERY_CHANNEL_EMAIL,
                segment_ids=[segment_id],
                survey_schedule=M.SURVEY_SCHEDULE_QUARTERLY,
                variants=[variant],
            )
        ),
    )
    assert (error.code.name, [v.field for v in error.violations]) == (
        "INVALID_ARGUMENT",
        ["campaign.survey_schedule"],
    )
    draft = stub.CreateCampaign(
        M.CreateCampaignRequest(
            campaign=M.Campaign(
                name="稍后定",
                channel=types_pb2.DELIVERY_CHANNEL_EMAIL,
                segment_ids=[segment_id],
                variants=[variant],
            )
        )
    )
    error = rpc_error(
        stub.UpdateCampaign,
        M.UpdateCampaignRequest(
            campaign=M.Campaign(id=draft.id, survey_schedule=M.SURVEY_SCHEDULE_ONCE),
            update_mask=FieldMask(paths=["survey_schedule"]),
        ),
    )
    assert [v.field for v in error.violations] == ["campaign.survey_schedule"]
    with_survey = stub.UpdateCampaign(
        M.UpdateCampaignRequest(
            campaign=M.Campaign(
                id=draft.id, survey_id=survey(api).id, survey_schedule=M.SURVEY_SCHEDULE_ONCE
            ),
            update_mask=FieldMask(paths=["survey_id", "survey_schedule"]),
        )
    )
    assert with_survey.survey_schedule == M.SURVEY_SCHEDULE_ONCE
