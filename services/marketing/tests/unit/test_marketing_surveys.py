"""Satisfaction surveys as pure rules: questionnaires, answers, scores, results, NPS and the
improvement threshold."""

from crm_shared.errors import FieldViolation
from marketing_service.surveys import (
    CHOICE,
    NPS,
    RATING,
    TEXT,
    DimensionResult,
    Question,
    Reply,
    answer_violations,
    improvement_candidates,
    nps_of,
    question_violations,
    results,
    score_answer,
)

QUESTIONS = [
    Question("q1", "product_quality", "产品质量？", RATING, required=True),
    Question("q2", "response_speed", "响应速度？", RATING, required=True),
    Question("q3", "response_speed", "首次回复速度？", RATING),
    Question("q4", "nps", "推荐的可能性？", NPS),
    Question("q5", "", "还有什么？", TEXT),
    Question("q6", "channel", "您通过什么渠道联系我们？", CHOICE, options=("电话", "微信")),
]


def fields(problems: list[FieldViolation]) -> set[tuple[str, str]]:
    return {(p.field, p.description) for p in problems}


def test_a_questionnaire_needs_unique_typed_questions_with_dimensions_for_scores():
    bad = [Question("q1", "", "?", RATING), Question("q1", "x", "?", TEXT),
           Question("Q 3", "speed", "", ""),
           Question("q4", "c", "?", CHOICE, options=("only one",)),
           Question("q5", "d", "?", TEXT, options=("a", "b"))]
    assert fields(question_violations(bad, "survey.questions")) == {
        ("survey.questions[0].dimension", "is required for scored questions"),
        ("survey.questions[1].id", "is used by another question"),
        ("survey.questions[2].id", "must be a short key such as q1"),
        ("survey.questions[2].type", "is required"),
        ("survey.questions[2].text", "is required (at most 500 characters)"),
        ("survey.questions[3].options", "must list 2 to 20 distinct, non-empty choices"),
        ("survey.questions[4].options", "only single_choice has options"),
    }
    assert fields(question_violations([], "q")) == {("q", "must hold 1 to 20 questions")}
    assert question_violations(QUESTIONS, "q") == []


def test_an_answer_is_checked_question_by_question():
    replies = [Reply("q1", score=6), Reply("q2", score=0), Reply("q2", score=3),
               Reply("q4", score=11), Reply("q6", choice="邮件"), Reply("q9", score=3),
               Reply("q1", text="x")]
    assert fields(answer_violations(QUESTIONS, replies, "")) == {
        ("answers[0].score", "must be a rating from 1 to 5"),
        ("answers[1].score", "must be a rating from 1 to 5"),
        ("answers[2].question_id", "is answered twice"),
        ("answers[3].score", "must be from 0 to 10"),
        ("answers[4].choice", "is not one of the question's options"),
        ("answers[5].question_id", "is not a question of the survey"),
        ("answers[6].question_id", "is answered twice"),
        ("answers[6].score", "must be a rating from 1 to 5"),
        ("answers[6].text", "only text questions take text"),
    }
    assert fields(answer_violations(QUESTIONS, [Reply("q1", score=5)], "")) == {
        ("answers", "question q2 is required")}


def test_scoring_averages_ratings_keeps_nps_apart_and_flags_a_rating_below_the_threshold():
    scored = score_answer(QUESTIONS, [Reply("q1", score=5), Reply("q2", score=3),
                                      Reply("q3", score=4), Reply("q4", score=9),
                                      Reply("q5", text="  客服很耐心  "),
                                      Reply("q6", choice="微信")], low_score_threshold=4)
    assert scored.overall_score == 4.0  # (5 + 3 + 4) / 3: NPS is not a rating
    assert scored.nps == 9
    assert scored.low_score  # 3 < 4
    assert scored.dimension_scores == {"product_quality": 5.0, "response_speed": 3.5, "nps": 9.0}
    assert scored.texts == {"q5": "客服很耐心"} and scored.choices == {"q6": "微信"}
    assert not score_answer(QUESTIONS, [Reply("q1", score=4), Reply("q2", score=4)],
                            low_score_threshold=4).low_score


def test_results_per_question_and_per_dimension_share_of_low_scores():
    answers = [({"q1": 5, "q2": 2, "q3": 4, "q4": 10}, {"q6": "电话"}),
               ({"q1": 4, "q2": 5, "q4": 6}, {"q6": "微信"}),
               ({"q1": 3, "q2": 3, "q3": 3}, {}),
               ({"q1": 5, "q2": 4, "q4": 8}, {"q6": "电话"})]
    outcome = results(QUESTIONS, answers, low_score_threshold=4)
    by_id = {r.question.id: r for r in outcome.questions}
    assert outcome.answer_count == 4
    assert by_id["q1"].average_score == 4.25 and by_id["q1"].low_score_count == 1
    assert by_id["q2"].score_counts == {2: 1, 5: 1, 3: 1, 4: 1}
    assert by_id["q2"].low_score_share == 0.5
    assert by_id["q6"].choice_counts == {"电话": 2, "微信": 1}
    speed = {d.dimension: d for d in outcome.dimensions}["response_speed"]
    # per answer: (2+4)/2=3, 5, (3+3)/2=3, 4 -> two of four below 4
    assert speed.low_score_share == 0.5 and speed.average_score == 3.75
    assert outcome.nps.promoters == 1 and outcome.nps.passives == 1 and outcome.nps.detractors == 1
    assert outcome.nps.score == 0.0


def test_nps_is_promoters_minus_detractors_in_percent():
    result = nps_of([10, 9, 9, 8, 7, 6, 0, 10])
    assert (result.promoters, result.passives, result.detractors) == (4, 2, 2)
    assert result.score == 25.0


def test_an_improvement_is_due_when_the_low_share_reaches_the_threshold_over_enough_answers():
    dimensions = [DimensionResult("response_speed", 3.6, 0.27, 30),
                  DimensionResult("communication", 4.4, 0.19, 30),
                  DimensionResult("product_quality", 2.0, 0.9, 3),
                  DimensionResult("overall", 3.9, 0.2, 5)]
    due = improvement_candidates(dimensions, min_share=0.2)
    assert [d.dimension for d in due] == ["response_speed", "overall"]
