"""Satisfaction surveys as pure rules: what a questionnaire may hold, what an answer must hold,
how an answer is scored, and the results of many answers. No I/O.

Ratings are 1 (worst) to 5 (best); a rating below the policy's threshold (default 4, the
requirements' "below 4") is a low score. NPS is the 0..10 likelihood to recommend: promoters
9-10, passives 7-8, detractors 0-6, score = % promoters - % detractors.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crm_shared.errors import FieldViolation

RATING, NPS, TEXT, CHOICE = "rating_1_to_5", "nps_0_to_10", "text", "single_choice"
QUESTION_TYPES = (RATING, NPS, TEXT, CHOICE)
SCORED = (RATING, NPS)
MAX_QUESTIONS = 20
MAX_TEXT_ANSWER = 2000
MAX_COMMENT = 4000
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
DIMENSION = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
NPS_DIMENSION = "nps"


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    text: str
    type: str
    required: bool = False
    options: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: Mapping) -> Question:
        return cls(id=data["id"], dimension=data.get("dimension", ""), text=data["text"],
                   type=data["type"], required=bool(data.get("required")),
                   options=tuple(data.get("options") or ()))

    def as_dict(self) -> dict:
        return {"id": self.id, "dimension": self.dimension, "text": self.text, "type": self.type,
                "required": self.required, "options": list(self.options)}


def question_violations(questions: Sequence[Question], prefix: str) -> list[FieldViolation]:
    """Everything wrong with a questionnaire (1 to 20 questions, unique ids, typed)."""
    problems: list[FieldViolation] = []
    if not 1 <= len(questions) <= MAX_QUESTIONS:
        problems.append(FieldViolation(prefix, f"must hold 1 to {MAX_QUESTIONS} questions"))
    seen: set[str] = set()
    for index, question in enumerate(questions):
        at = f"{prefix}[{index}]"
        if not QUESTION_ID.match(question.id):
            problems.append(FieldViolation(f"{at}.id", "must be a short key such as q1"))
        elif question.id in seen:
            problems.append(FieldViolation(f"{at}.id", "is used by another question"))
        seen.add(question.id)
        if question.type not in QUESTION_TYPES:
            problems.append(FieldViolation(f"{at}.type", "is required"))
        if not question.text.strip() or len(question.text) > 500:
            problems.append(FieldViolation(f"{at}.text", "is required (at most 500 characters)"))
        if question.dimension and not DIMENSION.match(question.dimension):
            problems.append(FieldViolation(
                f"{at}.dimension", "must be a lower-case key such as response_speed"))
        if question.type in SCORED and not question.dimension:
            problems.append(FieldViolation(f"{at}.dimension", "is required for scored questions"))
        if question.type == CHOICE:
            if not 2 <= len(question.options) <= 20 or len(set(question.options)) != len(
                    question.options) or any(not o.strip() or len(o) > 200
                                             for o in question.options):
                problems.append(FieldViolation(
                    f"{at}.options", "must list 2 to 20 distinct, non-empty choices"))
        elif question.options:
            problems.append(FieldViolation(f"{at}.options", "only single_choice has options"))
    return problems


@dataclass(frozen=True)
class Reply:
    """One question's answer as submitted."""

    question_id: str
    score: int = 0
    text: str = ""
    choice: str = ""


@dataclass(frozen=True)
class ScoredAnswer:
    scores: dict[str, int]
    choices: dict[str, str]
    texts: dict[str, str]
    overall_score: float
    """Average of the 1..5 ratings (0 when none was given)."""
    nps: int | None
    low_score: bool
    dimension_scores: dict[str, float]
    """Average rating per dimension of this answer (NPS under ``nps`` on its 0..10 scale)."""


def score_answer(questions: Sequence[Question], replies: Sequence[Reply],
                 low_score_threshold: int) -> ScoredAnswer:
    """Score ``replies`` (already checked by :func:`answer_violations`)."""
    by_id = {question.id: question for question in questions}
    scores, choices, texts = {}, {}, {}
    for reply in replies:
        question = by_id[reply.question_id]
        if question.type in SCORED:
            scores[question.id] = reply.score
        elif question.type == CHOICE:
            choices[question.id] = reply.choice
        elif reply.text.strip():
            texts[question.id] = reply.text.strip()
    ratings = [scores[q.id] for q in questions if q.type == RATING and q.id in scores]
    nps_scores = [scores[q.id] for q in questions if q.type == NPS and q.id in scores]
    per_dimension: dict[str, list[int]] = defaultdict(list)
    for question in questions:
        if question.type == RATING and question.id in scores:
            per_dimension[question.dimension].append(scores[question.id])
        elif question.type == NPS and question.id in scores:
            per_dimension[question.dimension or NPS_DIMENSION].append(scores[question.id])
    return ScoredAnswer(
        scores=scores, choices=choices, texts=texts,
        overall_score=round(sum(ratings) / len(ratings), 4) if ratings else 0.0,
        nps=nps_scores[0] if nps_scores else None,
        low_score=any(rating < low_score_threshold for rating in ratings),
        dimension_scores={dimension: round(sum(values) / len(values), 4)
                          for dimension, values in per_dimension.items()},
    )


def answer_violations(questions: Sequence[Question], replies: Sequence[Reply], comment: str,
                      prefix: str = "answers") -> list[FieldViolation]:
    """Everything wrong with a submitted answer: unknown or repeated questions, scores out of
    range, a choice not offered, a required question left out."""
    by_id = {question.id: question for question in questions}
    problems: list[FieldViolation] = []
    answered: set[str] = set()
    for index, reply in enumerate(replies):
        at = f"{prefix}[{index}]"
        question = by_id.get(reply.question_id)
        if question is None:
            problems.append(FieldViolation(f"{at}.question_id", "is not a question of the survey"))
            continue
        if reply.question_id in answered:
            problems.append(FieldViolation(f"{at}.question_id", "is answered twice"))
        answered.add(reply.question_id)
        if question.type == RATING and not 1 <= reply.score <= 5:
            problems.append(FieldViolation(f"{at}.score", "must be a rating from 1 to 5"))
        elif question.type == NPS and not 0 <= reply.score <= 10:
            problems.append(FieldViolation(f"{at}.score", "must be from 0 to 10"))
        elif question.type == CHOICE and reply.choice not in question.options:
            problems.append(FieldViolation(f"{at}.choice", "is not one of the question's options"))
        elif question.type == TEXT and len(reply.text) > MAX_TEXT_ANSWER:
            problems.append(FieldViolation(
                f"{at}.text", f"must be at most {MAX_TEXT_ANSWER} characters"))
        if question.type != TEXT and reply.text:
            problems.append(FieldViolation(f"{at}.text", "only text questions take text"))
    for question in questions:
        if question.required and question.id not in answered:
            problems.append(FieldViolation(prefix, f"question {question.id} is required"))
    if len(comment) > MAX_COMMENT:
        problems.append(FieldViolation("comment", f"must be at most {MAX_COMMENT} characters"))
    return problems


# --- results -----------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    answer_count: int = 0
    score_counts: Counter = field(default_factory=Counter)
    choice_counts: Counter = field(default_factory=Counter)
    low_score_count: int = 0

    @property
    def average_score(self) -> float:
        total = sum(score * count for score, count in self.score_counts.items())
        counted = sum(self.score_counts.values())
        return round(total / counted, 4) if counted else 0.0

    @property
    def low_score_share(self) -> float:
        return round(self.low_score_count / self.answer_count, 4) if self.answer_count else 0.0


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    average_score: float
    low_score_share: float
    """Share of answers whose average rating in the dimension is below the threshold."""
    answer_count: int


@dataclass(frozen=True)
class NpsResult:
    score: float
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True)
class Results:
    answer_count: int
    questions: list[QuestionResult]
    dimensions: list[DimensionResult]
    nps: NpsResult | None


def results(questions: Sequence[Question], answers: Iterable[tuple[Mapping[str, int],
            Mapping[str, str]]], low_score_threshold: int) -> Results:
    """Results of ``answers`` (each: scores by question id, choices by question id)."""
    by_question = {q.id: QuestionResult(q) for q in questions}
    dimension_answers: dict[str, list[float]] = defaultdict(list)
    nps_values: list[int] = []
    count = 0
    for scores, choices in answers:
        count += 1
        ratings_by_dimension: dict[str, list[int]] = defaultdict(list)
        for question in questions:
            result = by_question[question.id]
            if question.type in SCORED and question.id in scores:
                score = int(scores[question.id])
                result.answer_count += 1
                result.score_counts[score] += 1
                if question.type == RATING:
                    ratings_by_dimension[question.dimension].append(score)
                    if score < low_score_threshold:
                        result.low_score_count += 1
                else:
                    nps_values.append(score)
            elif question.type == CHOICE and question.id in choices:
                result.answer_count += 1
                result.choice_counts[choices[question.id]] += 1
        for dimension, values in ratings_by_dimension.items():
            dimension_answers[dimension].append(sum(values) / len(values))
    dimensions = [
        DimensionResult(
            dimension=dimension,
            average_score=round(sum(values) / len(values), 4),
            low_score_share=round(sum(1 for v in values if v < low_score_threshold)
                                  / len(values), 4),
            answer_count=len(values))
        for dimension, values in sorted(dimension_answers.items())]
    return Results(answer_count=count, questions=list(by_question.values()),
                   dimensions=dimensions, nps=nps_of(nps_values) if nps_values else None)


def nps_of(values: Sequence[int]) -> NpsResult:
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    passives = len(values) - promoters - detractors
    return NpsResult(score=round(100 * (promoters - detractors) / len(values), 2),
                     promoters=promoters, passives=passives, detractors=detractors)


def improvement_candidates(dimensions: Sequence[DimensionResult], *, min_share: float,
                           min_answers: int = 5) -> list[DimensionResult]:
    """The dimensions whose share of low scores reaches ``min_share`` over enough answers: what
    an improvement item is opened for (highest share first)."""
    found = [d for d in dimensions if d.answer_count >= min_answers and d.low_score_share >= min_share]
    return sorted(found, key=lambda d: (-d.low_score_share, d.dimension))
