"""Churn risk: interaction frequency falling while complaints rise.

The rule compares the look-back window (``churn_window_days``, default 90 days, ending now) with
the window of the same length before it, over the customer's timeline:

- ``interaction_drop``: interactions (timeline entries of contact with the customer: follow-ups,
  deals, payments, purchases, tickets, surveys, campaign responses; complaints excepted) fell by at
  least ``churn_interaction_drop_ratio`` (default 0.5 = -50 %) from a non-empty previous window;
- ``complaint_rise``: complaint tickets opened rose by at least ``churn_complaint_increase`` (default 2).

A customer is at risk when both signals fire; the score is the share of signals that fired
(0, 0.5 or 1). The flag turning on publishes ``customer.at_risk``, turning off
``customer.risk_cleared`` (see :mod:`customer_service.portrait`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from customer_service.classification import Policy
from customer_service.models import TimelineEntry

INTERACTION_DROP = "interaction_drop"
COMPLAINT_RISE = "complaint_rise"
SIGNALS = (INTERACTION_DROP, COMPLAINT_RISE)
# Timeline kinds that are records about the customer, not contact with them.
NOT_INTERACTIONS = ("customer_created", "merged", "owner_changed", "campaign_message",
                    "collaborator_added", "collaborator_removed")


@dataclass(frozen=True)
class WindowCounts:
    recent_interactions: int = 0
    previous_interactions: int = 0
    recent_complaints: int = 0
    previous_complaints: int = 0


@dataclass(frozen=True)
class ChurnAssessment:
    at_risk: bool
    signals: tuple[str, ...]
    score: float
    reason: str
    counts: WindowCounts


def assess(counts: WindowCounts, policy: Policy) -> ChurnAssessment:
    """Apply the rule to the counts of two windows."""
    signals = []
    parts = []
    previous = counts.previous_interactions
    if previous > 0:
        change = (counts.recent_interactions - previous) / previous
        if -change >= policy.churn_interaction_drop_ratio:
            signals.append(INTERACTION_DROP)
        parts.append(f"interactions {change:+.0%} in {policy.churn_window_days} days "
                     f"({counts.recent_interactions} vs {previous} before)")
    rise = counts.recent_complaints - counts.previous_complaints
    if rise >= policy.churn_complaint_increase:
        signals.append(COMPLAINT_RISE)
    if counts.recent_complaints or counts.previous_complaints:
        parts.append(f"{counts.recent_complaints} complaints vs {counts.previous_complaints} before")
    at_risk = len(signals) == len(SIGNALS)
    return ChurnAssessment(
        at_risk=at_risk,
        signals=tuple(signals),
        score=len(signals) / len(SIGNALS),
        reason="; ".join(parts) if signals else "",
        counts=counts,
    )


def window_counts(session: Session, customer_id: str, now: datetime, policy: Policy) -> WindowCounts:
    """Interactions and complaints of the two windows, from the timeline."""
    window = timedelta(days=policy.churn_window_days)
    recent_start, previous_start = now - window, now - 2 * window
    recent = TimelineEntry.occur_time >= recent_start
    in_range = (TimelineEntry.occur_time >= previous_start) & (TimelineEntry.occur_time < now)

    interaction = ~TimelineEntry.complaint & TimelineEntry.kind.not_in(NOT_INTERACTIONS)
    complaint = TimelineEntry.complaint & (TimelineEntry.kind == "ticket_opened")

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            count(recent & interaction),
            count(~recent & interaction),
            count(recent & complaint),
            count(~recent & complaint),
        ).where(TimelineEntry.customer_id == customer_id, in_range)
    ).one()
    return WindowCounts(*(int(value) for value in row))
