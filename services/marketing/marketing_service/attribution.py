"""Attribution of sales facts to campaigns, and the ROI of a campaign.

The sales service names the campaign (and its A/B variant) a lead responded to, an opportunity
is attributed to, or a purchase came from. The worker records each such fact once
(:func:`attribute`): ``lead`` from ``lead.created``, ``won`` (a conversion, with its amount) from
``opportunity.won``, ``purchase`` (revenue) from ``purchase.recorded``. A fact that names no
variant takes the one allotted to its customer in the campaign, if any.

ROI (:func:`roi`, pure) per variant and for the whole campaign: delivered messages, customers who
responded, response rate (responses / delivered), leads, conversions (won opportunities),
conversion rate (conversions / delivered), revenue (won amounts plus attributed purchases),
cost (the campaign's cost apportioned over the variants by their audience, exactly, by largest
remainder) and ROI = (revenue − cost) / cost, 0 without a cost. Money is in the campaign's
currency (its cost's, else its budget's, else CNY); amounts in another currency are left out,
as the service keeps no exchange rates. Facts whose variant is unknown count in the total only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from crm.common.v1 import types_pb2
from crm.marketing.v1 import marketing_pb2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketing_service import ab_split, campaigns
from marketing_service.models import Campaign, CampaignAttribution

LEAD, WON, PURCHASE = "lead", "won", "purchase"
REVENUE_KINDS = (WON, PURCHASE)
DEFAULT_CURRENCY = "CNY"


def attribute(session: Session, *, kind: str, campaign_id: str, variant_id: str,
              customer_id: str, source_id: str, amount: types_pb2.Money | None,
              occur_time: datetime, event_id: str) -> CampaignAttribution | None:
    """Record one sales fact for a campaign; None when the campaign is not one of ours or the
    fact is already recorded (a redelivered event)."""
    if not campaign_id or not source_id or session.get(Campaign, campaign_id) is None:
        return None
    existing = session.scalars(select(CampaignAttribution).where(
        CampaignAttribution.kind == kind, CampaignAttribution.source_id == source_id)).first()
    if existing is not None:
        return None
    variant = variant_id or campaigns.allotted_variant(session, campaign_id, customer_id) or ""
    row = CampaignAttribution(
        campaign_id=campaign_id, variant_id=variant, customer_id=customer_id or None, kind=kind,
        source_id=source_id,
        currency_code=(amount.currency_code or None) if amount is not None else None,
        amount_minor=amount.amount_minor if amount is not None else 0,
        occur_time=occur_time, event_id=event_id)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class VariantFacts:
    """What is known of one variant (``variant_id == ""``: facts of no known variant)."""

    variant_id: str
    audience_count: int = 0
    delivered_count: int = 0
    response_count: int = 0
    lead_count: int = 0
    conversion_count: int = 0
    revenue_minor: int = 0


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _figures(facts: VariantFacts, variant_id: str, cost_minor: int,
             currency: str) -> marketing_pb2.RoiFigures:
    return marketing_pb2.RoiFigures(
        variant_id=variant_id, delivered_count=facts.delivered_count,
        response_count=facts.response_count,
        response_rate=_rate(facts.response_count, facts.delivered_count),
        lead_count=facts.lead_count, conversion_count=facts.conversion_count,
        conversion_rate=_rate(facts.conversion_count, facts.delivered_count),
        revenue=types_pb2.Money(currency_code=currency, amount_minor=facts.revenue_minor),
        cost=types_pb2.Money(currency_code=currency, amount_minor=cost_minor),
        roi=(facts.revenue_minor - cost_minor) / cost_minor if cost_minor else 0.0)


def roi(variant_ids: Sequence[str], facts: Iterable[VariantFacts], *, cost_minor: int,
        currency: str) -> tuple[marketing_pb2.RoiFigures, list[marketing_pb2.RoiFigures]]:
    """(total, per variant in ``variant_ids`` order) from the facts of each variant."""
    by_variant = {fact.variant_id: fact for fact in facts}
    ordered = [by_variant.get(variant_id, VariantFacts(variant_id)) for variant_id in variant_ids]
    audiences = [fact.audience_count for fact in ordered]
    costs = (ab_split.largest_remainder(cost_minor, audiences) if sum(audiences)
             else [0] * len(ordered))
    every = list(by_variant.values())
    total = VariantFacts(
        "", audience_count=sum(fact.audience_count for fact in every),
        delivered_count=sum(fact.delivered_count for fact in every),
        response_count=sum(fact.response_count for fact in every),
        lead_count=sum(fact.lead_count for fact in every),
        conversion_count=sum(fact.conversion_count for fact in every),
        revenue_minor=sum(fact.revenue_minor for fact in every))
    return (_figures(total, "", cost_minor, currency),
            [_figures(fact, fact.variant_id, cost, currency)
             for fact, cost in zip(ordered, costs, strict=True)])


def currency_of(campaign: Campaign) -> str:
    return campaign.cost_currency or campaign.budget_currency or DEFAULT_CURRENCY


def facts_of(session: Session, campaign: Campaign) -> list[VariantFacts]:
    """The facts of each variant of ``campaign`` (and of no known variant), from its
    recipients, responses and attributions."""
    stats = campaigns.stats_of(session, [campaign.id])[campaign.id]
    currency = currency_of(campaign)
    attributed: dict[str, dict[str, int]] = {}
    for row in session.execute(
            select(CampaignAttribution.variant_id, CampaignAttribution.kind,
                   CampaignAttribution.currency_code, func.count().label("n"),
                   func.coalesce(func.sum(CampaignAttribution.amount_minor), 0).label("amount"))
            .where(CampaignAttribution.campaign_id == campaign.id)
            .group_by(CampaignAttribution.variant_id, CampaignAttribution.kind,
                      CampaignAttribution.currency_code)):
        tally = attributed.setdefault(row.variant_id, {"lead": 0, "won": 0, "revenue": 0})
        if row.kind == LEAD:
            tally["lead"] += row.n
        if row.kind == WON:
            tally["won"] += row.n
        if row.kind in REVENUE_KINDS and row.currency_code == currency:
            tally["revenue"] += int(row.amount)
    delivered = {variant.variant_id: variant for variant in stats.variants}
    facts = []
    for variant_id in sorted(set(delivered) | set(attributed)):
        counted = delivered.get(variant_id)
        sales = attributed.get(variant_id, {"lead": 0, "won": 0, "revenue": 0})
        facts.append(VariantFacts(
            variant_id, audience_count=counted.audience_count if counted else 0,
            delivered_count=counted.delivered_count if counted else 0,
            response_count=counted.response_count if counted else 0,
            lead_count=sales["lead"], conversion_count=sales["won"],
            revenue_minor=sales["revenue"]))
    return facts
