"""The improvement list kept from the answers: when the share of low scores in a dimension of a
survey reaches the policy's ``improvement_low_score_share`` (default 20 %) over enough answers,
an improvement item is opened for it (``automatic``), and while it is open its figures follow
the answers. A dimension whose item was closed (done, dismissed) opens a new one only when it
crosses the threshold again afterwards.

The list is the company's: every reading role sees all of it. An item is worked by whoever it
belongs to: its owner, a lead whose data scope covers its department, ``all`` scope
(:func:`may_change`), the suite's visibility rule over its owner and department.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from crm_shared.auth import Principal, can_see
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketing_service import surveys
from marketing_service.marketing_policy import Policy
from marketing_service.models import ImprovementItem, Survey, SurveyAnswerRecord
from marketing_service.survey_views import questions_of

OPEN_STATES = ("open", "in_progress")
DIMENSION_NAMES = {"product_quality": "产品质量 product quality",
                   "response_speed": "响应速度 response speed",
                   "communication": "沟通 communication", "overall": "总体 overall"}


def may_change(principal: Principal, item: ImprovementItem) -> bool:
    """Whether ``principal`` may change ``item``: it is theirs or their department subtree's
    (``department`` scope), or they see everything (``all`` scope)."""
    return can_see(principal, owner_id=item.owner_id, department_path=item.department_path)


def refresh_automatic(session: Session, survey: Survey, policy: Policy, now: datetime) -> int:
    """Open or update the automatic items of ``survey``; returns how many were opened."""
    answers = session.execute(select(SurveyAnswerRecord.scores, SurveyAnswerRecord.choices)
                              .where(SurveyAnswerRecord.survey_id == survey.id)).all()
    outcome = surveys.results(questions_of(survey), answers, policy.low_score_threshold)
    items = {item.dimension: item for item in session.scalars(select(ImprovementItem).where(
        ImprovementItem.survey_id == survey.id, ImprovementItem.automatic.is_(True),
        ImprovementItem.state.in_(OPEN_STATES)))}
    opened = 0
    for dimension in surveys.improvement_candidates(
            outcome.dimensions, min_share=policy.improvement_low_score_share):
        share = f"{dimension.low_score_share:.0%}"
        title = (f"{DIMENSION_NAMES.get(dimension.dimension, dimension.dimension)}: "
                 f"{share} rated below {policy.low_score_threshold}")
        item = items.get(dimension.dimension)
        if item is None:
            session.add(ImprovementItem(
                id=str(uuid.uuid4()), survey_id=survey.id, dimension=dimension.dimension,
                title=title, description=f"From the answers to “{survey.title}”.",
                low_score_share=dimension.low_score_share, answer_count=dimension.answer_count,
                state="open", owner_id=survey.owner_id, department_path=survey.department_path,
                due_date=None, automatic=True, request_id=None, created_by="system",
                create_time=now, update_time=now))
            opened += 1
        else:
            item.title, item.update_time = title, now
            item.low_score_share, item.answer_count = (dimension.low_score_share,
                                                       dimension.answer_count)
    return opened
