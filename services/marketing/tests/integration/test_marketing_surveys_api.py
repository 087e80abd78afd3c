"""Surveys, invitations, the signed form and its answer, results and improvement items through
the real marketing api (in-process server, real migrations, tokens per person)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.marketing.v1 import events_pb2 as marketing_events
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import utcnow
from crm_shared.timestamps import from_timestamp
from google.protobuf.field_mask_pb2 import FieldMask
from marketing_service import outbound, survey_links
from marketing_service.models import CustomerProfile, OutboundMessage
from notification_service.models import Delivery
from sqlalchemy import select

pytestmark = pytest.mark.integration
M = marketing_pb2
FORM = "u-form"  # the gateway's public survey form: scope surveys.respond only
LINK = re.compile(r"https://crm\.example\.com/s/[A-Za-z0-9_.-]+")
REFUSED = "this survey link is not valid or has expired"


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api("sqlite")


def add_profile(api, *, owner="u-rep", department="/hq/sales/east", consent=False,
                email="li@example.com", **facts) -> str:
    customer_id = str(uuid.uuid4())
    now = utcnow()
    values = {"customer_id": customer_id, "state": "active", "customer_type": "individual",
                  "display_name": "李雷", "owner_id": owner, "department_path": department, "email": email,
                  "phone": None, "locale": "zh-CN", "tag_ids": [], "rfm_recency_score": 0,
                  "rfm_frequency_score": 0, "rfm_monetary_score": 0, "at_risk": False,
                  "marketing_consent": consent, "facts_version": 1, "fact_times": {}, "create_time": now,
                  "update_time": now}
    values.update(facts)
    with api.database.unit_of_work() as uow:
        uow.session.add(CustomerProfile(**values))
    return customer_id


def questions():
    return [M.SurveyQuestion(id="q1", dimension="response_speed", text="响应速度？",
                             type=M.QUESTION_TYPE_RATING_1_TO_5, required=True),
            M.SurveyQuestion(id="q2", dimension="communication", text="沟通？",
                             type=M.QUESTION_TYPE_RATING_1_TO_5, required=True),
            M.SurveyQuestion(id="q3", dimension="nps", text="推荐？", type=M.QUESTION_TYPE_NPS_0_TO_10),
            M.SurveyQuestion(id="q4", text="意见？", type=M.QUESTION_TYPE_TEXT)]


def new_survey(api, **fields):
    values = {"title": "季度满意度", "kind": M.SURVEY_KIND_RELATIONSHIP, "questions": questions(),
                  "state": M.SURVEY_STATE_ACTIVE}
    values.update(fields)
    return api.stub("u-marketer").CreateSurvey(M.CreateSurveyRequest(survey=M.Survey(**values)))


def invite(api, survey_id, customer_id, caller="u-marketer", **fields):
    return api.stub(caller).CreateSurveyInvitation(M.CreateSurveyInvitationRequest(
        invitation=M.SurveyInvitation(survey_id=survey_id, customer_id=customer_id, **fields)))


def token_of(api, invitation) -> str:
    """The token of the link the invitation's message carries (the test knows the secret; staff
    are never shown it)."""
    return survey_links.sign(api.settings.survey_link_secret, invitation.id,
                             from_timestamp(invitation.expire_time))


def answer(api, token, speed=5, communication=5, nps=None, comment=""):
    replies = [M.QuestionAnswer(question_id="q1", score=speed),
               M.QuestionAnswer(question_id="q2", score=communication)]
    if nps is not None:
        replies.append(M.QuestionAnswer(question_id="q3", score=nps))
    # The gateway calls with its own service token on the customer's behalf.
    return api.stub(FORM).SubmitSurveyAnswer(M.SubmitSurveyAnswerRequest(
        token=token, answers=replies, comment=comment))


def test_a_survey_is_validated_field_by_field_and_nothing_is_stored(api, rpc_error):
    before = api.stub("u-marketer").ListSurveys(M.ListSurveysRequest()).surveys
    error = rpc_error(api.stub("u-marketer").CreateSurvey, M.CreateSurveyRequest(survey=M.Survey(
        title="", questions=[M.SurveyQuestion(id="q1", text="?",
                                              type=M.QUESTION_TYPE_RATING_1_TO_5)])))
    assert error.code.name == "INVALID_ARGUMENT"
    assert {v.field for v in error.violations} == {
        "survey.title", "survey.questions[0].dimension"}
    assert len(api.stub("u-marketer").ListSurveys(M.ListSurveysRequest()).surveys) == len(before)
    assert rpc_error(api.stub("u-rep").CreateSurvey, M.CreateSurveyRequest(
        survey=M.Survey(title="x", questions=questions()))).code.name == "PERMISSION_DENIED"


def test_an_invitation_queues_one_message_whose_link_is_made_as_it_goes(api):
    customer = add_profile(api, consent=True)
    survey = new_survey(api)
    invitation = invite(api, survey.id, customer)
    assert invitation.state == M.INVITATION_STATE_PENDING
    with api.database.unit_of_work(readonly=True) as uow:
        message = uow.session.scalars(select(OutboundMessage).where(
            OutboundMessage.customer_id == customer)).one()
        assert message.category == "survey_invitation" and message.state == "queued"
        assert message.variables["survey_title"] == "季度满意度"
        assert "survey_url" not in message.variables  # signed when handed over, never stored
        assert message.requires_consent  # a relationship survey is marketing
    invited = [e for e in api.events("survey.invited", marketing_events.SurveyInvited)
               if e.invitation.id == invitation.id]
    assert len(invited) == 1 and invited[0].survey_title == "季度满意度"


def _tokens_in(message) -> set[str]:
    """Every text a staff member is shown of an invitation, and the last part of each (what a
    link's token would be): whatever it is, they try to answer with it."""
    texts = {value for _, value in message.ListFields() if isinstance(value, str)}
    return {text for value in texts for text in (value, value.rsplit("/", 1)[-1]) if text}


def _delivered_link(notification, customer_id: str) -> str:
    """The survey link in the body of the message the notification service sends the
    customer."""
    with notification.database.unit_of_work(readonly=True) as uow:
        (body,) = uow.session.scalars(select(Delivery.body).where(
            Delivery.customer_id == customer_id)).all()
    return LINK.search(body).group(0)


def test_staff_see_the_invitations_state_but_never_a_link_that_answers_it(api, notification,
                                                                          rpc_error):
    """Whatever the invitation RPCs and its event show staff carries no link (the proto's
    ``link_url`` stays empty) and nothing in them answers the survey; the link exists only in
    the message to the customer, and that one works."""
    customer = add_profile(api, consent=True, email="han.meimei@example.com")
    survey = new_survey(api)
    created = invite(api, survey.id, customer)

    def shown_to_staff():
        shown = [created]
        for caller in ("u-marketer", "u-admin", "u-marketing-lead", "u-sales-lead"):
            shown += api.stub(caller).ListSurveyInvitations(M.ListSurveyInvitationsRequest(
                survey_id=survey.id)).invitations
        shown += [event.invitation for event in api.events("survey.invited",
                                                           marketing_events.SurveyInvited)
                  if event.invitation.id == created.id]
        return shown

    for invitation in shown_to_staff():
        assert invitation.id == created.id and invitation.link_url == ""
        assert invitation.channel == types_pb2.DELIVERY_CHANNEL_EMAIL
        assert invitation.HasField("expire_time") and invitation.HasField("create_time")
        for text in _tokens_in(invitation):
            for call, request in ((api.stub(FORM).GetSurveyForm,
                                   M.GetSurveyFormRequest(token=text)),
                                  (api.stub(FORM).SubmitSurveyAnswer,
                                   M.SubmitSurveyAnswerRequest(token=text))):
                assert rpc_error(call, request).code.name == "NOT_FOUND", text

    report = outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                                   settings=api.settings, addresses=api.contacts)
    assert report.sent >= 1
    link = _delivered_link(notification, customer)
    token = link.rsplit("/", 1)[1]
    sent = api.stub("u-marketer").ListSurveyInvitations(M.ListSurveyInvitationsRequest(
        survey_id=survey.id)).invitations
    assert [(i.state, i.link_url, bool(i.delivery_id), i.HasField("send_time")) for i in sent] \
        == [(M.INVITATION_STATE_SENT, "", True, True)]
    # nor do the queue's row or the personal-data export a privacy officer reads hold it
    export = api.stub("u-admin").ExportCustomerData(M.ExportCustomerDataRequest(
        customer_id=customer))
    assert token not in str(export) and link not in str(export)

    assert api.stub(FORM).GetSurveyForm(M.GetSurveyFormRequest(token=token)).title == \
        "季度满意度"
    assert answer(api, token, speed=4).overall_score == 4.5
    answered = api.stub("u-marketer").ListSurveyInvitations(M.ListSurveyInvitationsRequest(
        survey_id=survey.id)).invitations
    assert [(i.state, i.link_url, i.HasField("answer_time")) for i in answered] == [
        (M.INVITATION_STATE_ANSWERED, "", True)]


def test_a_message_waits_for_its_link_when_the_api_cannot_sign(api, notification):
    """An api without ``SURVEY_LINK_SECRET`` sends no invitation without its link: the
    message waits (with the reason) like a message the notification service did not take."""
    customer = add_profile(api, consent=True)
    invite(api, new_survey(api).id, customer)
    now = utcnow()
    outbound.dispatch_due(api.database, notification.marketing, now,
                          settings=api.settings.model_copy(update={"survey_link_secret": None}),
                              addresses=api.contacts)
    with api.database.unit_of_work(readonly=True) as uow:
        message = uow.session.scalars(select(OutboundMessage).where(
            OutboundMessage.customer_id == customer)).one()
        assert (message.state, message.attempt_count) == ("queued", 1)
        assert "SURVEY_LINK_SECRET" in message.last_error
        assert message.next_attempt_time > now
    assert notification.deliveries([customer]) == []


def test_the_form_is_read_by_its_link_and_answered_once(api, rpc_error):
    customer = add_profile(api)
    survey = new_survey(api)
    invitation = invite(api, survey.id, customer)
    form = api.stub(FORM).GetSurveyForm(M.GetSurveyFormRequest(
        token=token_of(api, invitation)))
    assert form.invitation_id == invitation.id and not form.answered
    assert [q.id for q in form.questions] == ["q1", "q2", "q3", "q4"]

    stored = answer(api, token_of(api, invitation), speed=3, communication=5, nps=9,
                    comment="还行")
    assert stored.overall_score == 4.0 and stored.nps == 9 and stored.low_score
    again = rpc_error(answer, api, token_of(api, invitation))
    assert again.code.name == "ALREADY_EXISTS"
    assert api.stub(FORM).GetSurveyForm(
        M.GetSurveyFormRequest(token=token_of(api, invitation))).answered
    answered = [e for e in api.events("survey.answered", marketing_events.SurveyAnswered)
                if e.answer.invitation_id == invitation.id]
    assert len(answered) == 1
    assert dict(answered[0].dimension_scores) == {"response_speed": 3.0, "communication": 5.0,
                                                  "nps": 9.0}
    assert answered[0].owner_id == "u-rep" and answered[0].answer.comment == "还行"


def test_a_bad_answer_names_its_field_and_leaves_the_invitation_open(api, rpc_error):
    invitation = invite(api, new_survey(api).id, add_profile(api))
    error = rpc_error(answer, api, token_of(api, invitation), speed=7)
    assert error.code.name == "INVALID_ARGUMENT"
    assert [v.field for v in error.violations] == ["answers[0].score"]
    assert answer(api, token_of(api, invitation)).overall_score == 5.0


def _garbage(genuine: str, secret: str, invitation_id: str) -> dict[str, str]:
    """Tokens that are not a genuine, unexpired link, by what is wrong with them."""
    return {
        "garbage": "garbage",
        "truncated": genuine[:-5],
        "tampered": genuine[:-4] + ("AAAA" if not genuine.endswith("AAAA") else "BBBB"),
        "expired": survey_links.sign(secret, invitation_id, datetime(2020, 1, 1, tzinfo=UTC)),
        "unknown invitation": survey_links.sign(secret, str(uuid.uuid4()),
                                                datetime(2099, 1, 1, tzinfo=UTC)),
        "another secret": survey_links.sign("another-secret-of-the-tests", invitation_id,
                                            datetime(2099, 1, 1, tzinfo=UTC)),
        "not ASCII": genuine[:-1] + "é",
        "replacement characters": "\ufffd\ufffd.\ufffd\ufffd",
        "very long": genuine * 100,
        "dots": "...",
    }


def test_a_link_that_is_not_genuine_is_not_found_and_says_no_more(api, rpc_error,
                                                                  survey_link_secret):
    """Garbage, truncated, tampered, expired, foreign, non-ASCII or very long: the form and the
    answer are NOT_FOUND with one message that tells nothing of why (never INTERNAL)."""
    invitation = invite(api, new_survey(api).id, add_profile(api))
    token = token_of(api, invitation)
    for why, bad in _garbage(token, survey_link_secret, invitation.id).items():
        for call, request in ((api.stub(FORM).GetSurveyForm,
                               M.GetSurveyFormRequest(token=bad)),
                              (api.stub(FORM).SubmitSurveyAnswer,
                               M.SubmitSurveyAnswerRequest(token=bad, answers=[
                                   M.QuestionAnswer(question_id="q1", score=5)]))):
            error = rpc_error(call, request)
            assert (error.code.name, error.message) == ("NOT_FOUND", REFUSED), why
    assert answer(api, token).overall_score == 5.0  # the genuine link still works


def test_a_token_that_is_not_utf8_is_invalid_argument_not_internal(api):
    """A token whose bytes are not UTF-8 cannot even be read as the request: INVALID_ARGUMENT
    (grpcio said INTERNAL)."""
    channel = api.channel(FORM)
    for method in ("GetSurveyForm", "SubmitSurveyAnswer"):
        raw = channel.unary_unary(f"/crm.marketing.v1.MarketingService/{method}",
                                  request_serializer=None, response_deserializer=None)
        with pytest.raises(grpc.RpcError) as caught:
            raw(b"\x0a\x05\xff\xfe.\xfd\xfc", timeout=10)  # token = 5 bytes, not UTF-8
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, method


def test_results_give_the_share_of_low_scores_per_dimension_and_open_an_improvement(api):
    survey = new_survey(api)
    for speed, nps in ((2, 10), (3, 9), (5, 6), (4, 8), (5, 10)):
        answer(api, token_of(api, invite(api, survey.id, add_profile(api))), speed=speed,
               nps=nps)
    results = api.stub("u-marketer").GetSurveyResults(M.GetSurveyResultsRequest(
        survey_id=survey.id))
    assert results.answer_count == 5
    speed = {d.dimension: d for d in results.dimensions}["response_speed"]
    assert speed.low_score_share == 0.4 and speed.answer_count == 5
    assert results.nps.promoter_count == 3 and results.nps.detractor_count == 1
    assert results.nps.score == 40.0
    q1 = {q.question_id: q for q in results.questions}["q1"]
    assert dict(q1.score_counts) == {2: 1, 3: 1, 4: 1, 5: 2}
    items = api.stub("u-marketer").ListImprovementItems(M.ListImprovementItemsRequest(
        survey_id=survey.id)).items
    assert [(i.dimension, i.automatic, i.low_score_share) for i in items] == [
        ("response_speed", True, 0.4)]


def test_an_improvement_item_is_worked_by_the_department(api, rpc_error):
    created = api.stub("u-admin").CreateImprovementItem(M.CreateImprovementItemRequest(
        item=M.ImprovementItem(dimension="response_speed", title="首次响应提速",
                               department_path="/hq/service", due_date="2026-06-30")))
    assert created.state == M.IMPROVEMENT_STATE_OPEN and not created.automatic
    changed = api.stub("u-admin").UpdateImprovementItem(M.UpdateImprovementItemRequest(
        item=M.ImprovementItem(id=created.id, state=M.IMPROVEMENT_STATE_IN_PROGRESS),
        update_mask=FieldMask(paths=["state"])))
    assert changed.state == M.IMPROVEMENT_STATE_IN_PROGRESS
    error = rpc_error(api.stub("u-admin").UpdateImprovementItem, M.UpdateImprovementItemRequest(
        item=M.ImprovementItem(id=created.id, automatic=True),
        update_mask=FieldMask(paths=["automatic"])))
    assert error.code.name == "INVALID_ARGUMENT"
    assert rpc_error(api.stub("u-rep").CreateImprovementItem, M.CreateImprovementItemRequest(
        item=M.ImprovementItem(dimension="x", title="y"))).code.name == "PERMISSION_DENIED"


def test_answers_of_customers_a_lead_may_not_see_are_left_out(api):
    survey = new_survey(api)
    east = add_profile(api, owner="u-rep", department="/hq/sales/east")
    north = add_profile(api, owner="u-rep-north", department="/hq/sales/north")
    for customer in (east, north):
        answer(api, token_of(api, invite(api, survey.id, customer)))
    seen = {a.customer_id for a in api.stub("u-east-lead").ListSurveyAnswers(
        M.ListSurveyAnswersRequest(survey_id=survey.id)).answers}
    assert seen == {east}
    assert {a.customer_id for a in api.stub("u-marketer").ListSurveyAnswers(
        M.ListSurveyAnswersRequest(survey_id=survey.id)).answers} == {east, north}


def test_a_draft_survey_takes_no_invitation(api, rpc_error):
    survey = new_survey(api, state=M.SURVEY_STATE_DRAFT)
    assert rpc_error(invite, api, survey.id, add_profile(api)).code.name == "FAILED_PRECONDITION"


def test_the_export_lists_every_row_about_the_customer(api, rpc_error):
    customer = add_profile(api)
    answer(api, token_of(api, invite(api, new_survey(api).id, customer)), comment="很好")
    export = api.stub("u-admin").ExportCustomerData(M.ExportCustomerDataRequest(
        customer_id=customer))
    kinds = {record.resource_type for record in export.records}
    assert {"customer_profiles", "survey_invitations", "survey_answers",
            "outbound_messages"} <= kinds
    comment = next(r for r in export.records if r.resource_type == "survey_answers")
    assert comment.data["comment"] == "很好"
    assert rpc_error(api.stub("u-marketer").ExportCustomerData, M.ExportCustomerDataRequest(
        customer_id=customer)).code.name == "PERMISSION_DENIED"


def test_triggers_are_data_validated_field_by_field(api, rpc_error):
    error = rpc_error(api.stub("u-marketer").CreateTrigger, M.CreateTriggerRequest(
        trigger=M.Trigger(display_name="生日", kind=M.TRIGGER_KIND_BIRTHDAY, offset_days=400,
                          action=M.TriggerAction(kind=M.TRIGGER_ACTION_KIND_SEND_MESSAGE,
                                                 channel=types_pb2.DELIVERY_CHANNEL_IN_APP))))
    assert {v.field for v in error.violations} == {
        "trigger.offset_days", "trigger.action.channel", "trigger.action.template_key"}
    created = api.stub("u-marketer").CreateTrigger(M.CreateTriggerRequest(trigger=M.Trigger(
        display_name="第 5 次购买", kind=M.TRIGGER_KIND_PURCHASE_MILESTONE, enabled=True,
        milestones=[5], action=M.TriggerAction(kind=M.TRIGGER_ACTION_KIND_NOTIFY_OWNER))))
    assert created.kind == M.TRIGGER_KIND_PURCHASE_MILESTONE and created.fire_count == 0
    seeded = api.stub("u-marketer").ListTriggers(M.ListTriggersRequest(
        kind=M.TRIGGER_KIND_TICKET_CLOSED)).triggers
    assert [t.action.kind for t in seeded] == [M.TRIGGER_ACTION_KIND_SEND_SURVEY]
    survey = api.stub("u-marketer").GetSurvey(M.GetSurveyRequest(id=seeded[0].action.survey_id))
    assert survey.kind == M.SURVEY_KIND_SERVICE_SATISFACTION
    assert survey.state == M.SURVEY_STATE_ACTIVE


def test_the_marketing_kpis_carry_the_satisfaction_of_the_period(api):
    survey = new_survey(api)
    for speed, nps in ((5, 10), (3, 6)):
        answer(api, token_of(api, invite(api, survey.id, add_profile(api))), speed=speed,
               communication=5, nps=nps)
    today = datetime.now(UTC).date().isoformat()
    report = api.stub("u-marketer").GetMarketingKpis(M.GetMarketingKpisRequest(
        period=types_pb2.DateRange(start_date=today, end_date=today)))
    figures = {kpi.key: kpi for kpi in report.kpis}
    # this module's answers of today, these two included
    assert figures["satisfaction_score"].sample_size >= 2
    assert figures["satisfaction_score"].target == 4.5
    assert 0 < figures["satisfaction_score"].value <= 5
    assert figures["satisfaction_score_100"].value == pytest.approx(
        figures["satisfaction_score"].value * 20, abs=0.01)
    assert "nps" in figures and "survey_response_rate" in figures


def test_only_whoever_an_improvement_item_belongs_to_may_change_it(api, rpc_error):
    """Issue 15 (low): UpdateImprovementItem checks the item itself, not only the role: a sales
    manager cannot close the service department's item, nor give their own item away to a
    department outside their scope; nothing is stored."""
    service_item = api.stub("u-admin").CreateImprovementItem(M.CreateImprovementItemRequest(
        item=M.ImprovementItem(dimension="response_speed", title="首次响应提速",
                               department_path="/hq/service")))
    east_item = api.stub("u-east-manager").CreateImprovementItem(M.CreateImprovementItemRequest(
        item=M.ImprovementItem(dimension="communication", title="回访话术")))
    assert east_item.department_path == "/hq/sales/east"
    manager = api.stub("u-sales-lead")

    closed = rpc_error(manager.UpdateImprovementItem, M.UpdateImprovementItemRequest(
        item=M.ImprovementItem(id=service_item.id, state=M.IMPROVEMENT_STATE_DISMISSED),
        update_mask=FieldMask(paths=["state"])))
    given = rpc_error(api.stub("u-east-manager").UpdateImprovementItem,
                      M.UpdateImprovementItemRequest(
                          item=M.ImprovementItem(id=east_item.id, owner_id="u-agent",
                                                 department_path="/hq/service"),
                          update_mask=FieldMask(paths=["owner_id", "department_path"])))
    assert (closed.code, given.code) == (grpc.StatusCode.PERMISSION_DENIED,) * 2
    listed = {i.id: i for i in api.stub("u-admin").ListImprovementItems(
        M.ListImprovementItemsRequest(page_size=500)).items}
    assert listed[service_item.id].state == M.IMPROVEMENT_STATE_OPEN
    assert (listed[east_item.id].owner_id, listed[east_item.id].department_path) == (
        "u-east-manager", "/hq/sales/east")
    # the department's own lead (here: over /hq/sales) still works its items
    done = manager.UpdateImprovementItem(M.UpdateImprovementItemRequest(
        item=M.ImprovementItem(id=east_item.id, state=M.IMPROVEMENT_STATE_DONE),
        update_mask=FieldMask(paths=["state"])))
    assert done.state == M.IMPROVEMENT_STATE_DONE


def test_the_export_lists_only_what_its_caller_may_see(api):
    """Issue 15 (low): an admin whose data scope is the east sales department exports what
    marketing holds about an east customer, and nothing about a north one (as the ticket
    service's export); an ``all`` scope exports both."""
    survey = new_survey(api)
    east = add_profile(api, owner="u-rep", department="/hq/sales/east")
    north = add_profile(api, owner="u-rep-north", department="/hq/sales/north")
    for customer_id in (east, north):
        invite(api, survey.id, customer_id)

    def kinds(caller, customer_id):
        return {r.resource_type for r in api.stub(caller).ExportCustomerData(
            M.ExportCustomerDataRequest(customer_id=customer_id)).records}

    assert {"customer_profiles", "survey_invitations"} <= kinds("u-east-admin", east)
    assert kinds("u-east-admin", north) == set()
    assert {"customer_profiles", "survey_invitations"} <= kinds("u-admin", north)
