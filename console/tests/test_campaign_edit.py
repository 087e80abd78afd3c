"""Editing a campaign after creation, in process against a small marketing service: the Edit
form is offered exactly in the states whose plan the service still lets change (its
``campaign_lifecycle.UPDATABLE_FIELDS``), comes filled in, sends the fields it edits with the
campaign's etag, schedules a draft given a start time, and shows refusals readably: a field
error next to its field, a stale etag or a frozen state as a message, with what was typed kept."""

from __future__ import annotations

import pytest
from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2, marketing_pb2_grpc
from crm_console.views import marketing_campaigns as campaigns
from crm_shared.errors import Conflict, FieldViolation, InvalidArgument
from crm_shared.grpc.status import to_grpc_status
from google.protobuf import empty_pb2
from google.protobuf.timestamp_pb2 import Timestamp
from marketing_service import campaign_lifecycle

M = marketing_pb2
S = M.CampaignState
START = Timestamp(seconds=1_935_000_000)  # 2031-04-26 20:00 UTC = 2031-04-27 04:00 Shanghai


def _campaign(campaign_id: str, state: int) -> M.Campaign:
    campaign = M.Campaign(
        id=campaign_id, name="春季焕新", objective="复购", state=state,
        channel=types_pb2.DELIVERY_CHANNEL_SMS, segment_ids=["seg-1"], etag="e1",
        variants=[M.CampaignVariant(id="A", name="折扣", weight_percent=60, body="您好 A",
                                    locale="zh-CN"),
                  M.CampaignVariant(id="B", name="赠品", weight_percent=40, body="您好 B")])
    campaign.budget.currency_code, campaign.budget.amount_minor = "CNY", 500000
    if state == S.CAMPAIGN_STATE_SCHEDULED:
        campaign.schedule_time.CopyFrom(START)
    if campaign_id == "c-survey":
        campaign.survey_id, campaign.survey_schedule = "sv-1", M.SURVEY_SCHEDULE_QUARTERLY
    return campaign


STATES = {"c-draft": S.CAMPAIGN_STATE_DRAFT, "c-scheduled": S.CAMPAIGN_STATE_SCHEDULED,
          "c-running": S.CAMPAIGN_STATE_RUNNING, "c-survey": S.CAMPAIGN_STATE_RUNNING}


class Marketing(marketing_pb2_grpc.MarketingServiceServicer):
    def __init__(self):
        self.calls = []

    def GetCampaign(self, request, context):
        return _campaign(request.id, STATES[request.id])

    def GetCampaignRoi(self, request, context):
        return M.CampaignRoi(campaign_id=request.campaign_id)

    def GetCampaignSurveyRounds(self, request, context):
        return M.CampaignSurveyRounds(campaign_id=request.campaign_id, rounds=[
            M.CampaignSurveyRound(round="2032-Q1", invited_count=3, results=M.SurveyResults(
                invitation_count=3)),
            M.CampaignSurveyRound(round="2031-Q4", invited_count=3, results=M.SurveyResults(
                invitation_count=3, answer_count=1, response_rate=0.3333))])

    def ListSegments(self, request, context):
        return M.ListSegmentsResponse(segments=[
            M.Segment(id="seg-1", display_name="高价值客户", member_count=12),
            M.Segment(id="seg-2", display_name="流失风险", member_count=3)])

    def UpdateCampaign(self, request, context):
        self.calls.append(("UpdateCampaign", request))
        if request.campaign.etag != "e1":
            context.abort_with_status(to_grpc_status(Conflict(
                f"campaign {request.campaign.id} changed since it was read")))
        if not request.campaign.name:
            context.abort_with_status(to_grpc_status(InvalidArgument(
                [FieldViolation("campaign.name", "is required")])))
        return request.campaign

    def ScheduleCampaign(self, request, context):
        self.calls.append(("ScheduleCampaign", request))
        return _campaign(request.id, S.CAMPAIGN_STATE_SCHEDULED)

    def DeleteCampaign(self, request, context):
        return empty_pb2.Empty()


@pytest.fixture(scope="module")
def marketing():
    return Marketing()


@pytest.fixture(scope="module")
def console(serve_grpc, console_for, marketing):
    return console_for(serve_grpc(marketing, workers=4), console_time_zone="Asia/Shanghai")



@pytest.fixture
def client(console, marketing):
    marketing.calls.clear()
    return console.client("marketer.chen")


def _form_of(page: str, **changes) -> dict:
    """The edit form as the browser would post it (the fields the console rendered)."""
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "etag": "e1", "name": "春季焕新", "objective": "复购",
            "description": "", "channel": str(types_pb2.DELIVERY_CHANNEL_SMS),
            "segment_ids": ["seg-1", "seg-2"], "schedule_time": "", "end_time": "",
            "budget": "5000.00",
            "variants[0].id": "A", "variants[0].name": "折扣", "variants[0].weight_percent": "60",
            "variants[0].body": "您好 A", "variants[0].locale": "zh-CN",
            "variants[1].id": "B", "variants[1].name": "赠品", "variants[1].weight_percent": "40",
            "variants[1].body": "您好 B"}
    form.update(changes)
    return form


def test_the_form_is_offered_exactly_while_the_service_lets_the_plan_change():
    edited = set(campaigns.EDIT_MASK) | {"schedule_time"}
    for value in M.CampaignState.DESCRIPTOR.values:
        if value.number == 0:
            continue
        state = value.name.removeprefix("CAMPAIGN_STATE_").lower()
        allowed = edited <= campaign_lifecycle.UPDATABLE_FIELDS[state]
        assert (value.number in campaigns.EDITABLE) is allowed, state


def test_only_a_draft_or_scheduled_campaign_offers_edit_and_a_running_one_says_why(client):
    assert 'href="/marketing/campaigns/c-draft/edit"' in client.get(
        "/marketing/campaigns/c-draft").get_data(as_text=True)
    running = client.get("/marketing/campaigns/c-running")
    assert "/edit" not in running.get_data(as_text=True)
    refused = client.get("/marketing/campaigns/c-running/edit")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Only a draft or a scheduled campaign can be edited." in page
    assert 'name="etag"' not in page


def test_the_form_comes_filled_in_with_the_schedule_in_local_time(client):
    page = client.get("/marketing/campaigns/c-scheduled/edit").get_data(as_text=True)
    assert 'value="春季焕新"' in page and 'value="5000.00"' in page
    assert 'name="etag" value="e1"' in page
    assert 'value="2031-04-27T04:00"' in page  # Shanghai time
    assert 'name="variants[0].locale" value="zh-CN"' in page  # kept though not edited here
    assert 'value="seg-1" checked' in page and 'value="seg-2" checked' not in page


def test_saving_a_scheduled_campaign_sends_the_edited_fields_with_its_etag(client, marketing):
    page = client.get("/marketing/campaigns/c-scheduled/edit").get_data(as_text=True)
    response = client.post("/marketing/campaigns/c-scheduled/edit", data=_form_of(
        page, name="夏季焕新", schedule_time="2031-05-01T09:00"))
    assert response.status_code == 302 and response.headers["Location"].endswith("saved=1")
    (name, sent), = marketing.calls
    assert name == "UpdateCampaign"
    assert list(sent.update_mask.paths) == [*campaigns.EDIT_MASK, "schedule_time"]
    assert (sent.campaign.id, sent.campaign.etag, sent.campaign.name) == (
        "c-scheduled", "e1", "夏季焕新")
    assert list(sent.campaign.segment_ids) == ["seg-1", "seg-2"]
    assert [(v.id, v.weight_percent, v.locale) for v in sent.campaign.variants] == [
        ("A", 60, "zh-CN"), ("B", 40, "")]
    assert sent.campaign.schedule_time.ToJsonString() == "2031-05-01T01:00:00Z"
    saved = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The campaign was saved." in saved


def test_a_draft_given_a_start_time_is_updated_then_scheduled(client, marketing):
    page = client.get("/marketing/campaigns/c-draft/edit").get_data(as_text=True)
    response = client.post("/marketing/campaigns/c-draft/edit",
                           data=_form_of(page, schedule_time="2031-05-01T09:00"))
    assert response.status_code == 302
    (update_name, update), (schedule_name, schedule) = marketing.calls
    assert (update_name, schedule_name) == ("UpdateCampaign", "ScheduleCampaign")
    assert "schedule_time" not in update.update_mask.paths
    assert schedule.schedule_time.ToJsonString() == "2031-05-01T01:00:00Z"


def test_refusals_are_shown_with_what_was_typed_kept(client, marketing):
    page = client.get("/marketing/campaigns/c-draft/edit").get_data(as_text=True)
    blank = client.post("/marketing/campaigns/c-draft/edit",
                        data=_form_of(page, name="", objective="复购 Q3"))
    text = blank.get_data(as_text=True)
    assert blank.status_code == 422
    assert 'id="f-name-error">is required' in text and 'value="复购 Q3"' in text

    stale = client.post("/marketing/campaigns/c-draft/edit",
                        data=_form_of(page, etag="e0", name="改名"))
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone changed this campaign after you opened it" in text
    assert 'value="改名"' in text and "Traceback" not in text
    assert not [name for name, _r in marketing.calls if name == "ScheduleCampaign"]


def test_a_survey_campaign_shows_its_rounds_in_chinese_and_english(console):
    """The campaign page's round table (issue 19): each round's invited, sent and answered
    members and response rate; a campaign without a scheduled survey has no table."""
    chinese = console.client("marketer.chen", "zh-CN").get("/marketing/campaigns/c-survey")
    page = chinese.get_data(as_text=True)
    assert chinese.status_code == 200
    assert "问卷轮次" in page and "每季度" in page and "已邀请" in page
    assert page.index("2032-Q1") < page.index("2031-Q4")
    english = console.client("marketer.chen").get("/marketing/campaigns/c-survey")
    assert "Survey rounds" in english.get_data(as_text=True)
    assert "Quarterly" in english.get_data(as_text=True)
    assert "Survey rounds" not in console.client("marketer.chen").get(
        "/marketing/campaigns/c-running").get_data(as_text=True)
