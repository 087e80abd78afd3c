"""The grading rules as stored, loaded for one subject (leads or prospects) in evaluation order:
the one loader of the lead grading (``api_leads``) and the prospect grading
(:mod:`sales_service.prospect_grading`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sales_service import lead_grading
from sales_service.lead_views import condition_of
from sales_service.models import LeadGradingRuleRecord


def load(session: Session, subject: str) -> list[lead_grading.GradingRule]:
    """The enabled rules of ``subject`` (``lead`` or ``prospect``), lowest priority first."""
    rows = session.scalars(
        select(LeadGradingRuleRecord)
        .where(LeadGradingRuleRecord.enabled.is_(True), LeadGradingRuleRecord.subject == subject)
        .order_by(LeadGradingRuleRecord.priority, LeadGradingRuleRecord.id)
    )
    return [
        lead_grading.GradingRule(row.id, row.display_name, row.grade, condition_of(row.condition))
        for row in rows
    ]
