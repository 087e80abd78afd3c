"""The survey figures of GetMarketingKpis for a period and a department subtree. An answer
counts in the period it was submitted, an invitation in the period it was created, in the
department of the customer's owner (the read model's ``department_path``):

* ``satisfaction_score`` — average overall score (1..5) of the answers with ratings
  (unit ``score_5``; the documents' target 4.5/5), ``satisfaction_score_100`` the same ×20
  (target 90/100);
* ``nps`` — net promoter score of the NPS answers (−100..100);
* ``survey_response_rate`` — answered invitations / invitations sent (or answered);
* ``low_score_share`` — share of the answers with any rating below the low-score threshold
  (lower is better).

:func:`compute` is pure over plain rows; :func:`load` only fetches them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from crm_shared.auth import Principal
from crm_shared.auth.visibility import visibility_clause
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketing_service import surveys
from marketing_service.campaign_kpis import Figure, Period
from marketing_service.customer_reach import COMPANY_WIDE_ROLES
from marketing_service.models import CustomerProfile, SurveyAnswerRecord, SurveyInvitation

ALL_CUSTOMERS_ROLES = COMPANY_WIDE_ROLES
SATISFACTION_TARGET_5 = 4.5
# The documents' targets: 4.5 of 5, i.e. 90 of 100.
TARGETS = {"satisfaction_score": SATISFACTION_TARGET_5,
           "satisfaction_score_100": SATISFACTION_TARGET_5 * 20}


@dataclass(frozen=True)
class AnswerRow:
    department_path: str
    submit_time: datetime
    overall_score: float
    nps: int | None
    low_score: bool


@dataclass(frozen=True)
class InvitationRow:
    department_path: str
    create_time: datetime
    reached: bool
    """Sent, or answered (a link handed over by other means)."""
    answered: bool


def compute(answers: Iterable[AnswerRow], invitations: Iterable[InvitationRow], period: Period,
            in_scope: Callable[[str], bool]) -> list[Figure]:
    """The figures of one period."""
    counted = [row for row in answers if in_scope(row.department_path)
               and period.holds(row.submit_time)]
    rated = [row.overall_score for row in counted if row.overall_score > 0]
    average = sum(rated) / len(rated) if rated else 0.0
    nps_values = [row.nps for row in counted if row.nps is not None]
    nps = surveys.nps_of(nps_values) if nps_values else None
    invited = [row for row in invitations if row.reached and in_scope(row.department_path)
               and period.holds(row.create_time)]
    answered = sum(1 for row in invited if row.answered)
    low = sum(1 for row in counted if row.low_score)
    return [
        Figure("satisfaction_score", "Customer satisfaction (1-5)", round(average, 4),
               "score_5", True, len(rated)),
        Figure("satisfaction_score_100", "Customer satisfaction (0-100)",
               round(average * 20, 2), "score_100", True, len(rated)),
        Figure("nps", "Net promoter score", nps.score if nps else 0.0, "nps", True,
               len(nps_values)),
        Figure("survey_response_rate", "Survey response rate",
               round(answered / len(invited), 4) if invited else 0.0, "ratio", True,
               len(invited)),
        Figure("low_score_share", "Share of low-score answers",
               round(low / len(counted), 4) if counted else 0.0, "ratio", False, len(counted)),
    ]


def load(session: Session, principal: Principal, since: datetime, until: datetime) \
        -> tuple[list[AnswerRow], list[InvitationRow]]:
    """The answers and invitations between ``since`` and ``until`` of customers the caller may
    see (a marketer: every customer)."""
    visible = None if principal.has_role(*ALL_CUSTOMERS_ROLES) else visibility_clause(
        principal, CustomerProfile.owner_id, CustomerProfile.department_path)
    answer_query = (
        select(CustomerProfile.department_path, SurveyAnswerRecord.submit_time,
               SurveyAnswerRecord.overall_score, SurveyAnswerRecord.nps,
               SurveyAnswerRecord.low_score)
        .outerjoin(CustomerProfile, CustomerProfile.customer_id == SurveyAnswerRecord.customer_id)
        .where(SurveyAnswerRecord.submit_time >= since, SurveyAnswerRecord.submit_time < until))
    invitation_query = (
        select(CustomerProfile.department_path, SurveyInvitation.create_time,
               SurveyInvitation.send_time, SurveyInvitation.answer_time)
        .outerjoin(CustomerProfile,
                   CustomerProfile.customer_id == SurveyInvitation.customer_id)
        .where(SurveyInvitation.create_time >= since,
               SurveyInvitation.create_time < until,
               or_(SurveyInvitation.send_time.is_not(None),
                   SurveyInvitation.answer_time.is_not(None))))
    if visible is not None:
        answer_query = answer_query.where(visible)
        invitation_query = invitation_query.where(visible)
    answers = [AnswerRow(row.department_path or "", row.submit_time, row.overall_score, row.nps,
                         row.low_score) for row in session.execute(answer_query)]
    invitations = [InvitationRow(row.department_path or "", row.create_time, True,
                                 row.answer_time is not None)
                   for row in session.execute(invitation_query)]
    return answers, invitations
