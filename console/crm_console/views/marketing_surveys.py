"""Satisfaction surveys: the list, creating one with a question builder (ratings 1–5, NPS 0–10,
single choice, text; required; dimension), activating and closing, and the results: NPS, scores
per dimension, the share of low scores, the low-score answers and the improvement items
(``MarketingService`` Create/Get/List/Update-Survey, GetSurveyResults, ListSurveyAnswers,
ListImprovementItems, UpdateImprovementItem)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from crm.marketing.v1 import marketing_pb2
from flask import Blueprint, redirect, render_template, request, url_for
from google.protobuf import field_mask_pb2

from crm_console import display
from crm_console.i18n import N_
from crm_console.i18n import gettext as _
from crm_console.navigation import MARKETING, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.marketing_segments import translated_errors

blueprint = Blueprint("marketing_surveys", __name__, url_prefix="/marketing/surveys")
NAV = [NavItem("marketing_surveys.surveys", N_("Surveys"), roles=MARKETING, order=40,
               section=N_("Marketing"))]
PAGE_SIZE = 50
KINDS = marketing_pb2.SurveyKind.DESCRIPTOR
STATES = marketing_pb2.SurveyState.DESCRIPTOR
TYPES = marketing_pb2.QuestionType.DESCRIPTOR
IMPROVEMENT_STATES = marketing_pb2.ImprovementState.DESCRIPTOR
QUESTION_ROW = re.compile(r"^questions\[(\d+)\]\.(text|type|dimension|required|options)$")
MAX_QUESTIONS = 20
CHOICE = marketing_pb2.QUESTION_TYPE_SINGLE_CHOICE


@dataclass
class QuestionRow:
    text: str = ""
    type: str = str(marketing_pb2.QUESTION_TYPE_RATING_1_TO_5)
    dimension: str = ""
    required: str = "true"
    options: str = ""


@lru_cache(maxsize=1)
def dimensions() -> tuple[str, ...]:
    """The dimensions the contract names on ``SurveyQuestion.dimension``."""
    text = resources.files("crm.marketing.v1").joinpath("marketing.proto").read_text("utf-8")
    comment = re.search(r"// Dimension measured:([^\n]*)\n\s*string dimension", text)
    return tuple(re.findall(r"`([a-z0-9_]+)`", comment.group(1))) if comment else ()


@blueprint.get("/")
def surveys():
    state = _int(request.args.get("state"))
    page = call("marketing", "ListSurveys", marketing_pb2.ListSurveysRequest(
        page_size=PAGE_SIZE, page_token=request.args.get("page_token", ""), state=state))
    return render_template("marketing/surveys.html", page=page, kinds=KINDS, states=STATES,
                           values=request.args)


@blueprint.route("/new", methods=["GET", "POST"])
def new_survey():
    if request.method == "GET":
        rows = [QuestionRow(dimension="overall"),
                QuestionRow(type=str(marketing_pb2.QUESTION_TYPE_NPS_0_TO_10), dimension="nps")]
        return _render_form({"request_id": str(uuid.uuid4()), "locale": "zh-CN",
                             "kind": str(marketing_pb2.SURVEY_KIND_SERVICE_SATISFACTION)}, rows)
    form = request.form
    rows = questions_from_form(form)
    action = form.get("questions_action", "")
    if action:
        return _render_form(form, apply_question_action(rows, action))
    try:
        created = call("marketing", "CreateSurvey", marketing_pb2.CreateSurveyRequest(
            survey=survey_of(form, rows), request_id=form.get("request_id") or str(uuid.uuid4())),
            field_prefix="survey.")
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        return _render_form(form, rows, refusal.field_errors), 422
    return redirect(url_for("marketing_surveys.survey", survey_id=created.id))


@blueprint.post("/questions")
def questions():
    """htmx: the question rows after "add" or "remove"."""
    rows = apply_question_action(questions_from_form(request.form),
                                 request.form.get("questions_action", ""))
    return render_template("marketing/_questions.html", rows=rows,
                           values=question_values(rows), errors={}, **_choices())


@blueprint.get("/<survey_id>")
def survey(survey_id: str):
    return _render_survey(survey_id)


def _render_survey(survey_id: str, item_values=None, item_errors=None):
    found = call("marketing", "GetSurvey", marketing_pb2.GetSurveyRequest(id=survey_id))
    results = call("marketing", "GetSurveyResults",
                   marketing_pb2.GetSurveyResultsRequest(survey_id=survey_id))
    low = call("marketing", "ListSurveyAnswers", marketing_pb2.ListSurveyAnswersRequest(
        survey_id=survey_id, low_score_only=True, page_size=PAGE_SIZE,
        page_token=request.args.get("page_token", "")))
    items = call("marketing", "ListImprovementItems", marketing_pb2.ListImprovementItemsRequest(
        survey_id=survey_id, page_size=100))
    return render_template(
        "marketing/survey.html", survey=found, results=results, low=low, items=items.items,
        kinds=KINDS, states=STATES, types=TYPES, improvement_states=IMPROVEMENT_STATES,
        dimensions_chart=dimensions_chart(results), low_share=low_score_share(results),
        item_values=item_values or {"request_id": str(uuid.uuid4())},
        item_errors=translated_errors(item_errors or {}),
        dimension_options=[(key, _(dimension_label_id(key))) for key in dict.fromkeys(
            [d.dimension for d in results.dimensions]
            + [q.dimension for q in found.questions if q.dimension] + list(dimensions()))],
        improvement_options=[(str(v.number), display.enum_label(IMPROVEMENT_STATES, v.number))
                             for v in IMPROVEMENT_STATES.values if v.number])


@blueprint.post("/<survey_id>/state")
def set_state(survey_id: str):
    survey = marketing_pb2.Survey(id=survey_id, state=_int(request.form.get("state")),
                                  etag=request.form.get("etag", ""))
    call("marketing", "UpdateSurvey", marketing_pb2.UpdateSurveyRequest(
        survey=survey, update_mask=field_mask_pb2.FieldMask(paths=["state"])),
        field_prefix="survey.")
    return redirect(url_for("marketing_surveys.survey", survey_id=survey_id))


@blueprint.post("/<survey_id>/improvements")
def new_improvement(survey_id: str):
    """An improvement item by hand (the automatic ones come from the results)."""
    form = request.form
    item = marketing_pb2.ImprovementItem(
        survey_id=survey_id, title=form.get("title", "").strip(),
        description=form.get("description", "").strip(), dimension=form.get("dimension", ""),
        due_date=form.get("due_date", ""))
    try:
        call("marketing", "CreateImprovementItem", marketing_pb2.CreateImprovementItemRequest(
            item=item, request_id=form.get("request_id") or str(uuid.uuid4())),
            field_prefix="item.")
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        return _render_survey(survey_id, form, refusal.field_errors), 422
    return redirect(url_for("marketing_surveys.survey", survey_id=survey_id) + "#improvements")


@blueprint.post("/<survey_id>/improvements/<item_id>")
def improvement_state(survey_id: str, item_id: str):
    call("marketing", "UpdateImprovementItem", marketing_pb2.UpdateImprovementItemRequest(
        item=marketing_pb2.ImprovementItem(id=item_id, state=_int(request.form.get("state"))),
        update_mask=field_mask_pb2.FieldMask(paths=["state"])), field_prefix="item.")
    return redirect(url_for("marketing_surveys.survey", survey_id=survey_id) + "#improvements")


# --- the form ⇄ the request (pure; unit-tested) -----------------------------------------------


def questions_from_form(form) -> list[QuestionRow]:
    found: dict[int, QuestionRow] = {}
    for key in form:
        matched = QUESTION_ROW.match(key)
        if matched is None:
            continue
        index = int(matched.group(1))
        if index >= MAX_QUESTIONS * 4:
            continue
        row = found.setdefault(index, QuestionRow(required=""))
        setattr(row, matched.group(2), form.get(key, "").strip())
    return [found[index] for index in sorted(found)][:MAX_QUESTIONS]


def question_values(rows: list[QuestionRow]) -> dict[str, str]:
    return {f"questions[{index}].{name}": getattr(row, name)
            for index, row in enumerate(rows)
            for name in ("text", "type", "dimension", "required", "options")}


def apply_question_action(rows: list[QuestionRow], action: str) -> list[QuestionRow]:
    if action == "add" and len(rows) < MAX_QUESTIONS:
        return [*rows, QuestionRow()]
    if action.startswith("remove:"):
        try:
            index = int(action.split(":", 1)[1])
        except ValueError:
            return rows
        return [row for position, row in enumerate(rows) if position != index] or [QuestionRow()]
    return rows


def survey_of(form, rows: list[QuestionRow]) -> marketing_pb2.Survey:
    """The form as a Survey; questions are keyed q1, q2… in their order; a choice question's
    options are one per line."""
    survey = marketing_pb2.Survey(
        title=form.get("title", "").strip(), description=form.get("description", "").strip(),
        kind=_int(form.get("kind")), locale=form.get("locale", ""),
        state=marketing_pb2.SURVEY_STATE_ACTIVE if form.get("activate") in ("true", "on")
        else marketing_pb2.SURVEY_STATE_DRAFT)
    for index, row in enumerate(rows):
        question = survey.questions.add(
            id=f"q{index + 1}", text=row.text, type=_int(row.type),
            dimension=row.dimension.strip().lower(), required=row.required in ("true", "on", "1"))
        if question.type == CHOICE:
            question.options.extend(line.strip() for line in row.options.splitlines()
                                    if line.strip())
    return survey


def low_score_share(results: marketing_pb2.SurveyResults) -> float | None:
    """The share of low scores over every rated answer (weighted by the dimensions' counts)."""
    counted = [(d.low_score_share, d.answer_count) for d in results.dimensions
               if d.answer_count and d.dimension != "nps"]
    total = sum(count for _share, count in counted)
    if not total:
        return None
    return sum(share * count for share, count in counted) / total


def dimensions_chart(results: marketing_pb2.SurveyResults) -> dict:
    """ECharts option: the average score (1–5) and the low-score share (%) per dimension."""
    rated = [d for d in results.dimensions if d.dimension != "nps"]
    names = [_(dimension_label_id(d.dimension)) for d in rated]
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 48, "right": 48, "top": 36, "bottom": 24},
        "xAxis": {"type": "category", "data": names},
        "yAxis": [{"type": "value", "name": _("Average score"), "min": 0, "max": 5},
                  {"type": "value", "name": _("Low scores (%)"), "min": 0, "max": 100}],
        "series": [
            {"type": "bar", "name": _("Average score"), "barMaxWidth": 48,
             "data": [round(d.average_score, 2) for d in rated]},
            {"type": "line", "name": _("Low scores (%)"), "yAxisIndex": 1,
             "data": [round(d.low_score_share * 100, 1) for d in rated]},
        ],
    }


def dimension_label_id(key: str) -> str:
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


def _choices() -> dict:
    return {"type_options": [(str(v.number), display.enum_label(TYPES, v.number))
                             for v in TYPES.values if v.number],
            "dimension_suggestions": [(key, _(dimension_label_id(key))) for key in dimensions()]}


def _render_form(values, rows, errors=None):
    shown = dict(values)
    shown.update(question_values(rows))
    return render_template(
        "marketing/survey_form.html", values=shown, rows=rows,
        errors=translated_errors(errors or {}),
        kind_options=[(str(v.number), display.enum_label(KINDS, v.number))
                      for v in KINDS.values if v.number],
        locale_options=[("zh-CN", _("Chinese")), ("en-US", _("English"))], **_choices())


def _int(text) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
