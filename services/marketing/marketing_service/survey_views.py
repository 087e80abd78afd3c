"""Rows ⇄ protos for triggers, firings, surveys, invitations, answers and improvement items.
Enums are stored by their short lower-case names (``ticket_closed``, ``rating_1_to_5``)."""

from __future__ import annotations

from datetime import date

from crm.common.v1 import rules_pb2, types_pb2
from crm.marketing.v1 import marketing_pb2
from crm_shared.db import utcnow
from crm_shared.grpc.enums import EnumNames
from crm_shared.timestamps import to_timestamp
from google.protobuf import json_format

from marketing_service.models import (
    ImprovementItem,
    Survey,
    SurveyAnswerRecord,
    SurveyInvitation,
    Trigger,
    TriggerFiring,
)
from marketing_service.surveys import Question, Results

TRIGGER_KINDS = EnumNames(marketing_pb2.TriggerKind, "TRIGGER_KIND_")
ACTION_KINDS = EnumNames(marketing_pb2.TriggerActionKind, "TRIGGER_ACTION_KIND_")
OUTCOMES = EnumNames(marketing_pb2.FiringOutcome, "FIRING_OUTCOME_")
SURVEY_KINDS = EnumNames(marketing_pb2.SurveyKind, "SURVEY_KIND_")
SURVEY_STATES = EnumNames(marketing_pb2.SurveyState, "SURVEY_STATE_")
QUESTION_TYPES = EnumNames(marketing_pb2.QuestionType, "QUESTION_TYPE_")
INVITATION_STATES = EnumNames(marketing_pb2.InvitationState, "INVITATION_STATE_")
IMPROVEMENT_STATES = EnumNames(marketing_pb2.ImprovementState, "IMPROVEMENT_STATE_")
CHANNELS = EnumNames(types_pb2.DeliveryChannel, "DELIVERY_CHANNEL_")


def etag_of(row) -> str:
    return f'W/"{row.version}"'


def condition_of(document: dict) -> rules_pb2.ConditionGroup:
    return json_format.ParseDict(document or {}, rules_pb2.ConditionGroup(),
                                 ignore_unknown_fields=True)


def condition_json(group: rules_pb2.ConditionGroup) -> dict:
    return json_format.MessageToDict(group, preserving_proto_field_name=True)


def action_to_proto(action: dict) -> marketing_pb2.TriggerAction:
    return marketing_pb2.TriggerAction(
        kind=ACTION_KINDS.value(action.get("kind")), channel=CHANNELS.value(action.get("channel")),
        template_key=action.get("template_key", ""), survey_id=action.get("survey_id", ""),
        campaign_id=action.get("campaign_id", ""))


def action_json(action: marketing_pb2.TriggerAction) -> dict:
    document = {"kind": ACTION_KINDS.name(action.kind)}
    if action.channel:
        document["channel"] = CHANNELS.name(action.channel)
    for name in ("template_key", "survey_id", "campaign_id"):
        if getattr(action, name):
            document[name] = getattr(action, name)
    return document


def trigger_to_proto(trigger: Trigger) -> marketing_pb2.Trigger:
    return marketing_pb2.Trigger(
        id=trigger.id, display_name=trigger.display_name, kind=TRIGGER_KINDS.value(trigger.kind),
        enabled=trigger.enabled, offset_days=trigger.offset_days,
        milestones=list(trigger.milestones or []), segment_id=trigger.segment_id or "",
        condition=condition_of(trigger.condition), action=action_to_proto(trigger.action or {}),
        fire_count=trigger.fire_count, last_fire_time=to_timestamp(trigger.last_fire_time),
        create_time=to_timestamp(trigger.create_time),
        update_time=to_timestamp(trigger.update_time), created_by=trigger.created_by,
        updated_by=trigger.updated_by)


def firing_to_proto(firing: TriggerFiring) -> marketing_pb2.TriggerFiring:
    return marketing_pb2.TriggerFiring(
        id=firing.id, trigger_id=firing.trigger_id, kind=TRIGGER_KINDS.value(firing.kind),
        customer_id=firing.customer_id, occasion_key=firing.occasion_key,
        source_event_id=firing.source_event_id or "", outcome=OUTCOMES.value(firing.outcome),
        delivery_id=firing.delivery_id or "",
        survey_invitation_id=firing.survey_invitation_id or "",
        fire_time=to_timestamp(firing.fire_time))


def questions_of(survey: Survey) -> list[Question]:
    return [Question.of(question) for question in survey.questions or []]


def question_to_proto(question: Question) -> marketing_pb2.SurveyQuestion:
    return marketing_pb2.SurveyQuestion(
        id=question.id, dimension=question.dimension, text=question.text,
        type=QUESTION_TYPES.value(question.type), required=question.required,
        options=list(question.options))


def question_of(message: marketing_pb2.SurveyQuestion) -> Question:
    return Question(id=message.id.strip(), dimension=message.dimension.strip(),
                    text=message.text.strip(), type=QUESTION_TYPES.name(message.type),
                    required=message.required,
                    options=tuple(option.strip() for option in message.options))


def survey_to_proto(survey: Survey) -> marketing_pb2.Survey:
    return marketing_pb2.Survey(
        id=survey.id, title=survey.title, description=survey.description,
        kind=SURVEY_KINDS.value(survey.kind),
        questions=[question_to_proto(q) for q in questions_of(survey)],
        state=SURVEY_STATES.value(survey.state), locale=survey.locale,
        answer_count=survey.answer_count, owner_id=survey.owner_id,
        department_path=survey.department_path, create_time=to_timestamp(survey.create_time),
        update_time=to_timestamp(survey.update_time), created_by=survey.created_by,
        updated_by=survey.updated_by, etag=etag_of(survey))


def invitation_to_proto(invitation: SurveyInvitation) -> marketing_pb2.SurveyInvitation:
    """The invitation as staff and events see it: its state, channel and times, never its link
    (``link_url`` stays empty: the link answers the survey in the customer's name, and only
    the customer's message carries it, :mod:`marketing_service.invitations`)."""
    return marketing_pb2.SurveyInvitation(
        id=invitation.id, survey_id=invitation.survey_id, customer_id=invitation.customer_id,
        contact_id=invitation.contact_id or "", ticket_id=invitation.ticket_id or "",
        campaign_id=invitation.campaign_id or "", trigger_id=invitation.trigger_id or "",
        channel=CHANNELS.value(invitation.channel),
        state=INVITATION_STATES.value(invitation.state),
        expire_time=to_timestamp(invitation.expire_time),
        delivery_id=invitation.delivery_id or "", send_time=to_timestamp(invitation.send_time),
        answer_time=to_timestamp(invitation.answer_time),
        create_time=to_timestamp(invitation.create_time))


def answer_to_proto(answer: SurveyAnswerRecord, questions: list[Question]
                    ) -> marketing_pb2.SurveyAnswer:
    replies = []
    for question in questions:
        if question.id in (answer.scores or {}):
            replies.append(marketing_pb2.QuestionAnswer(
                question_id=question.id, dimension=question.dimension,
                score=int(answer.scores[question.id])))
        elif question.id in (answer.choices or {}):
            replies.append(marketing_pb2.QuestionAnswer(
                question_id=question.id, dimension=question.dimension,
                choice=answer.choices[question.id]))
        elif question.id in (answer.texts or {}):
            replies.append(marketing_pb2.QuestionAnswer(
                question_id=question.id, dimension=question.dimension,
                text=answer.texts[question.id]))
    message = marketing_pb2.SurveyAnswer(
        id=answer.id, survey_id=answer.survey_id, invitation_id=answer.invitation_id,
        customer_id=answer.customer_id, ticket_id=answer.ticket_id or "",
        campaign_id=answer.campaign_id or "", answers=replies,
        overall_score=answer.overall_score, low_score=answer.low_score,
        comment=answer.comment or "", submit_time=to_timestamp(answer.submit_time))
    if answer.nps is not None:
        message.nps = answer.nps
    return message


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def improvement_to_proto(item: ImprovementItem) -> marketing_pb2.ImprovementItem:
    return marketing_pb2.ImprovementItem(
        id=item.id, survey_id=item.survey_id or "", dimension=item.dimension, title=item.title,
        description=item.description, low_score_share=item.low_score_share,
        answer_count=item.answer_count, state=IMPROVEMENT_STATES.value(item.state),
        owner_id=item.owner_id, department_path=item.department_path,
        due_date=_date_text(item.due_date), automatic=item.automatic,
        create_time=to_timestamp(item.create_time), update_time=to_timestamp(item.update_time))


def results_to_proto(survey: Survey, period, outcome: Results,
                     invitation_count: int) -> marketing_pb2.SurveyResults:
    message = marketing_pb2.SurveyResults(
        survey_id=survey.id, period=period, invitation_count=invitation_count,
        answer_count=outcome.answer_count,
        response_rate=round(outcome.answer_count / invitation_count, 4)
        if invitation_count else 0.0,
        compute_time=to_timestamp(utcnow()))
    for result in outcome.questions:
        message.questions.append(marketing_pb2.QuestionResult(
            question_id=result.question.id, dimension=result.question.dimension,
            text=result.question.text, answer_count=result.answer_count,
            average_score=result.average_score,
            score_counts={int(k): v for k, v in result.score_counts.items()},
            choice_counts=dict(result.choice_counts), low_score_count=result.low_score_count,
            low_score_share=result.low_score_share))
    for dimension in outcome.dimensions:
        message.dimensions.append(marketing_pb2.DimensionResult(
            dimension=dimension.dimension, average_score=dimension.average_score,
            low_score_share=dimension.low_score_share, answer_count=dimension.answer_count))
    if outcome.nps is not None:
        message.nps.CopyFrom(marketing_pb2.NpsResult(
            score=outcome.nps.score, promoter_count=outcome.nps.promoters,
            passive_count=outcome.nps.passives, detractor_count=outcome.nps.detractors))
    return message
