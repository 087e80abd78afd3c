"""The campaign figures of GetMarketingKpis for a period and a department subtree.

A recipient counts in the period its message was handed over (``send_time``), in the department
of its customer's owner (the read model's ``department_path``):

* ``campaign_response_rate`` — of the customers sent a campaign message in the period, the
  share who responded to that campaign (at any time since);
* ``campaign_conversion_rate`` — of the same, the share with a won opportunity attributed to
  that campaign;
* ``campaign_revenue`` — won amounts and purchases attributed to campaigns that happened in the
  period, in CNY minor units (unit ``minor:CNY``; facts in other currencies are left out).

The period's dates are UTC days; the previous period is the same number of days right before.
The arithmetic (:func:`compute`) is pure over plain rows; :func:`load` only fetches them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crm_shared.auth import Principal
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from marketing_service.attribution import REVENUE_KINDS, WON
from marketing_service.customer_reach import Reach
from marketing_service.models import CampaignAttribution, CampaignRecipient, CustomerProfile

REPORT_CURRENCY = "CNY"


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass(frozen=True)
class SentRow:
    campaign_id: str
    customer_id: str
    department_path: str
    send_time: datetime
    responded: bool


@dataclass(frozen=True)
class RevenueRow:
    department_path: str
    occur_time: datetime
    amount_minor: int


@dataclass(frozen=True)
class Figure:
    key: str
    display_name: str
    value: float
    unit: str
    higher_is_better: bool
    sample_size: int


def compute(sent: Iterable[SentRow], won: set[tuple[str, str]], revenue: Iterable[RevenueRow],
            period: Period, in_scope: Callable[[str], bool]) -> list[Figure]:
    """The figures of one period; ``won`` holds the (campaign, customer) pairs converted."""
    reached = [row for row in sent if in_scope(row.department_path) and period.holds(row.send_time)]
    responded = sum(1 for row in reached if row.responded)
    converted = sum(1 for row in reached if (row.campaign_id, row.customer_id) in won)
    earned = [row for row in revenue if in_scope(row.department_path)
              and period.holds(row.occur_time)]
    return [
        Figure("campaign_response_rate", "Campaign response rate",
               responded / len(reached) if reached else 0.0, "ratio", True, len(reached)),
        Figure("campaign_conversion_rate", "Campaign conversion rate",
               converted / len(reached) if reached else 0.0, "ratio", True, len(reached)),
        Figure("campaign_revenue", "Revenue attributed to campaigns",
               float(sum(row.amount_minor for row in earned)), f"minor:{REPORT_CURRENCY}", True,
               len(earned)),
    ]


def periods(start: date, end: date) -> tuple[Period, Period, date, date]:
    """The period (inclusive UTC dates) and the previous one of equal length, as instants;
    and the previous period's first and last date."""
    days = (end - start).days + 1
    previous_start = start - timedelta(days=days)

    def instant(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=UTC)

    return (Period(instant(start), instant(end + timedelta(days=1))),
            Period(instant(previous_start), instant(start)),
            previous_start, start - timedelta(days=1))


def in_subtree_of(root: str) -> Callable[[str], bool]:
    root = root.rstrip("/")
    return lambda path: not root or path == root or path.startswith(root + "/")


def load(session: Session, principal: Principal, since: datetime, until: datetime):
    """The rows that can count between ``since`` and ``until``, of customers the caller may
    see: (sent rows, won pairs, revenue rows)."""
    visible = Reach.of(principal).clause()  # a marketer's figures cover every customer
    profile = and_(CustomerProfile.customer_id == CampaignRecipient.customer_id)
    sent_query = (
        select(CampaignRecipient.campaign_id, CampaignRecipient.customer_id,
               CustomerProfile.department_path, CampaignRecipient.send_time,
               CampaignRecipient.response_time)
        .outerjoin(CustomerProfile, profile)
        .where(CampaignRecipient.delivery_id.is_not(None),
               CampaignRecipient.send_time >= since, CampaignRecipient.send_time < until,
               visible))
    sent = [SentRow(row.campaign_id, row.customer_id, row.department_path or "", row.send_time,
                    row.response_time is not None) for row in session.execute(sent_query)]
    campaign_ids = {row.campaign_id for row in sent}
    won = set()
    if campaign_ids:
        won = {(row.campaign_id, row.customer_id) for row in session.execute(
            select(CampaignAttribution.campaign_id, CampaignAttribution.customer_id).where(
                CampaignAttribution.kind == WON,
                CampaignAttribution.campaign_id.in_(campaign_ids)))}
    revenue_query = (
        select(CustomerProfile.department_path, CampaignAttribution.occur_time,
               CampaignAttribution.amount_minor)
        .outerjoin(CustomerProfile,
                   CustomerProfile.customer_id == CampaignAttribution.customer_id)
        .where(CampaignAttribution.kind.in_(REVENUE_KINDS),
               CampaignAttribution.currency_code == REPORT_CURRENCY,
               CampaignAttribution.occur_time >= since, CampaignAttribution.occur_time < until,
               visible))
    revenue = [RevenueRow(row.department_path or "", row.occur_time, row.amount_minor)
               for row in session.execute(revenue_query)]
    return sent, won, revenue


def direct_children(root: str, paths: Iterable[str]) -> list[str]:
    """The direct sub-departments of ``root`` (``""``: the top-level departments) seen in paths."""
    prefix = root.rstrip("/") + "/"
    return sorted({prefix + path[len(prefix):].split("/")[0] for path in paths
                   if path.startswith(prefix)})
