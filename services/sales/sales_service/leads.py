"""Leads in the database: numbers, visibility, duplicates, open-lead counts and the lifecycle
facts other parts report (a first contact). Never commits: the caller's unit of work does.

Visibility: a lead is visible to its owner; to a caller with ``department`` scope when the
lead's department path lies in their subtree; to ``all`` scope always. An unassigned lead has
no owner and the intake department as its path, so the leads of that department (and admins)
see it and can assign it. The creator of a lead sees it only while they own it.
"""

from __future__ import annotations

from datetime import datetime

from crm_shared.auth import Principal, visibility_clause
from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sales_service.lead_grading import LeadFacts
from sales_service.models import Lead, LeadNumberSequence

OPEN_STATUSES = ("new", "assigned", "contacted", "cold")
"""A lead in one of these is still being worked: it counts towards its owner's open leads."""
LOAD_STATUSES = ("assigned", "contacted")
"""Statuses that count towards a rep's capacity (``max_open_leads``); cold leads do not."""
FINAL_STATUSES = ("converted", "disqualified")


def next_number(session: Session, now: datetime) -> str:
    """``L<yyyymmdd>-<nnnn>``: one counter per day, incremented atomically (upsert)."""
    day = now.strftime("%Y%m%d")
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(LeadNumberSequence)
        .values(day=day, last_value=1)
        .on_conflict_do_update(index_elements=["day"],
                               set_={"last_value": LeadNumberSequence.last_value + 1})
        .returning(LeadNumberSequence.last_value)
    )
    return f"L{day}-{session.execute(statement).scalar_one():04d}"


def lead_visibility(principal: Principal):
    return visibility_clause(principal, Lead.owner_id, Lead.department_path)


def get_visible(session: Session, principal: Principal, lead_id: str) -> Lead | None:
    """The lead, or None when it does not exist *or* the caller may not see it."""
    if not lead_id:
        return None
    return session.scalars(select(Lead).where(Lead.id == lead_id,
                                              lead_visibility(principal))).first()


def duplicate_ids(session: Session, lead: Lead, viewer: Principal) -> list[str]:
    """Ids of the other leads with the same normalised phone or e-mail that ``viewer`` may see,
    oldest first: a lead the viewer may not see is not theirs to learn of, not even that it
    exists."""
    keys = []
    if lead.phone_key:
        keys.append(Lead.phone_key == lead.phone_key)
    if lead.email_key:
        keys.append(Lead.email_key == lead.email_key)
    if not keys:
        return []
    return list(session.scalars(select(Lead.id).where(or_(*keys), Lead.id != lead.id,
                                                      lead_visibility(viewer))
                                .order_by(Lead.create_time, Lead.id)))


def duplicates_of(session: Session, leads: list[Lead], viewer: Principal
                  ) -> dict[str, list[str]]:
    """:func:`duplicate_ids` for a page of leads, in two queries."""
    phones = {lead.phone_key for lead in leads if lead.phone_key}
    emails = {lead.email_key for lead in leads if lead.email_key}
    if not phones and not emails:
        return {lead.id: [] for lead in leads}
    rows = session.execute(
        select(Lead.id, Lead.phone_key, Lead.email_key)
        .where(or_(Lead.phone_key.in_(phones), Lead.email_key.in_(emails)),
               lead_visibility(viewer))
        .order_by(Lead.create_time, Lead.id)).all()
    found: dict[str, list[str]] = {}
    for lead in leads:
        found[lead.id] = [row_id for row_id, phone, email in rows if row_id != lead.id and (
            (lead.phone_key and phone == lead.phone_key)
            or (lead.email_key and email == lead.email_key))]
    return found


def has_duplicates_clause(viewer: Principal):
    """SQL: the lead shares its phone or e-mail key with another lead ``viewer`` may see."""
    other = Lead.__table__.alias("other_lead")
    return select(other.c.id).where(
        other.c.id != Lead.id,
        or_(other.c.phone_key == Lead.phone_key, other.c.email_key == Lead.email_key),
        visibility_clause(viewer, other.c.owner_id, other.c.department_path),
    ).exists()


def open_lead_counts(session: Session, user_ids: list[str]) -> dict[str, int]:
    """Leads each rep holds that count towards their capacity."""
    counts = dict.fromkeys(user_ids, 0)
    if not user_ids:
        return counts
    counts.update(session.execute(
        select(Lead.owner_id, func.count())
        .where(Lead.owner_id.in_(user_ids), Lead.status.in_(LOAD_STATUSES))
        .group_by(Lead.owner_id)).all())
    return counts


def touch(lead: Lead, now: datetime, actor_id: str) -> None:
    lead.update_time = now
    lead.updated_by = actor_id


def record_contact(lead: Lead, *, at: datetime, actor_id: str, now: datetime) -> None:
    """A follow-up with the lead happened ``at``: the first one is its first contact (which
    ends the first-contact clock: no reminder or escalation fires after it); a cold lead is
    revived. Repeating it changes nothing but the latest activity time."""
    if lead.status in FINAL_STATUSES:
        lead.last_activity_time = max(lead.last_activity_time, at)
        return
    if lead.first_contact_time is None:
        lead.first_contact_time = at
    lead.last_activity_time = max(lead.last_activity_time, at)
    if lead.status in ("new", "assigned", "cold"):
        lead.status = "contacted"
    lead.went_cold_time = None
    lead.status_before_cold = None
    touch(lead, now, actor_id)


def facts_of(lead: Lead) -> LeadFacts:
    """What grading and assignment rules can read of a lead."""
    return LeadFacts(
        source=lead.source, intent_level=lead.intent_level, need_clarity=lead.need_clarity,
        budget_minor=lead.budget_minor, product_interests=tuple(lead.product_interests or ()),
        company_name=lead.company_name, job_title=lead.job_title,
        decision_maker=lead.decision_maker, campaign_id=lead.campaign_id or "",
        intake_params=dict(lead.intake_params or {}), grade=lead.grade)
