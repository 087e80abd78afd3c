"""The survey page's reading of a posted form (crm_console.public.survey.read_answers): what
the customer answered becomes the gateway's answer document, and each mistake the error of
its own field, so the page shows it next to the question and stores nothing."""

from __future__ import annotations

import pytest
from crm_console.public.survey import read_answers
from werkzeug.datastructures import MultiDict

QUESTIONS = [
    {"id": "q1", "type": "rating_1_to_5", "required": True, "text": "满意吗？", "options": []},
    {"id": "q2", "type": "nps_0_to_10", "required": False, "text": "推荐吗？", "options": []},
    {
        "id": "q3",
        "type": "single_choice",
        "required": False,
        "text": "渠道？",
        "options": ["电话", "微信"],
    },
    {"id": "q4", "type": "text", "required": False, "text": "建议？", "options": []},
]


@pytest.fixture(scope="module")
def request_context(public_client):
    app = public_client().application
    with app.test_request_context("/s/x?lang=en-US"):
        from flask import g

        g.translations = app.extensions["crm.console"].catalogs["en-US"]
        yield


def test_a_complete_form_becomes_the_gateways_answer(request_context):
    answers, comment, errors = read_answers(
        QUESTIONS,
        MultiDict(
            {"q-q1": "4", "q-q2": "9", "q-q3": "微信", "q-q4": " 快一点 ", "comment": "谢谢"}
        ),
    )

    assert errors == {}
    assert answers == [
        {"question_id": "q1", "score": 4},
        {"question_id": "q2", "score": 9},
        {"question_id": "q3", "choice": "微信"},
        {"question_id": "q4", "text": "快一点"},
    ]
    assert comment == "谢谢"


def test_optional_questions_left_out_are_not_sent(request_context):
    answers, _, errors = read_answers(QUESTIONS, MultiDict({"q-q1": "5"}))

    assert errors == {} and answers == [{"question_id": "q1", "score": 5}]


@pytest.mark.parametrize(
    ("posted", "field"),
    [
        ({}, "q-q1"),  # required, left out
        ({"q-q1": "6"}, "q-q1"),  # off the 1-5 scale
        ({"q-q1": "3", "q-q2": "11"}, "q-q2"),  # off the 0-10 scale
        ({"q-q1": "3", "q-q3": "短信"}, "q-q3"),  # not an offered choice
        ({"q-q1": "3", "q-q4": "字" * 2001}, "q-q4"),  # too long
        ({"q-q1": "3", "comment": "字" * 4001}, "comment"),
    ],
)
def test_each_mistake_is_the_error_of_its_own_field(request_context, posted, field):
    _, _, errors = read_answers(QUESTIONS, MultiDict(posted))

    assert list(errors) == [field]
