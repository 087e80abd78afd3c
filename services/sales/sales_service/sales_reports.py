"""Deal reports and KPIs: conversion and win rates, deal cycle, traits of won deals, and the
figures of ``GetSalesKpis`` — SQL aggregates (GROUP BY) over the visible opportunities,
payments and contracts, with the arithmetic in pure functions.

What the deals part computes from its own tables (the leads table is the leads part's):

* conversion (GetConversionReport): per rep, department, source or campaign. The lead
  figures are a cohort: the visible leads created in the period, how many of them have been
  contacted (``contacted_count``) and converted so far (``converted_count``, and
  ``conversion_rate`` = converted / leads), and the average hours from assignment to the first
  contact (``average_first_contact_hours``, over the contacted ones). A cohort keeps the rate
  between 0 and 1 and lets a lead that converts next month still count for the month it came
  in. ``closed_opportunity_count``, ``won_count``, ``win_rate`` (won / closed) and
  ``won_amount`` are over the opportunities closed in the period. Leads with no owner or
  campaign group as ``unassigned`` / ``none``, without a source as ``unspecified``;
* deal cycle: won deals closed in the period, days from the lead's (else the opportunity's)
  creation to the win: average, median, 90th percentile (nearest rank), average amount;
* won-deal traits: ``source`` (of the opportunity; ``unspecified`` when none), and the won
  customers' ``industry``, ``value_class``, ``staff_size_band`` and ``customer_type`` from the
  customer facts kept here from the customer service's events (``unknown`` until one told);
* KPIs (keys): ``lead_conversion_rate`` (the period's leads converted so far),
  ``win_rate``, ``follow_up_timeliness`` (1 - overdue / tasks due in the period),
  ``first_contact_on_time_rate`` (leads assigned in the period first contacted by their due
  time, over those contacted or past due), ``average_deal_cycle_days``, ``won_amount``
  (minor:<policy currency>), ``weighted_pipeline`` (open deals now), ``overdue_receivables``
  (unpaid installments due before the period's end), and ``opportunity_count``,
  ``won_count``, ``payment_received_amount`` — each with the previous period of the same
  length (not the weighted pipeline: it cannot be reconstructed for the past).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crm_shared.db import utcnow
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from sales_service.models import (
    Contract,
    CustomerFact,
    FollowUpTask,
    Installment,
    Lead,
    Opportunity,
    Payment,
)
from sales_service.opportunities import OPEN_STAGES
from sales_service.pipeline import department_group, start_of


@dataclass(frozen=True)
class CycleStats:
    won_count: int
    average_days: float
    median_days: float
    p90_days: float
    average_amount_minor: int


def cycle_stats(days: list[float], amounts: list[int]) -> CycleStats:
    """Average, median and nearest-rank 90th percentile of cycle lengths; average amount."""
    if not days:
        return CycleStats(0, 0.0, 0.0, 0.0, 0)
    ordered = sorted(days)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p90 = ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]
    average_amount = (sum(amounts) * 2 + len(amounts)) // (2 * len(amounts)) if amounts else 0
    return CycleStats(len(ordered), sum(ordered) / len(ordered), median, p90, average_amount)


def rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def period_clauses(column, start: date | None, end: date | None) -> list:
    where = []
    if start is not None:
        where.append(column >= start)
    if end is not None:
        where.append(column <= end)
    return where


def time_clauses(column, start: date | None, end: date | None) -> list:
    where = []
    if start is not None:
        where.append(column >= start_of(start))
    if end is not None:
        where.append(column < start_of(end + timedelta(days=1)))
    return where


GROUP_COLUMNS = {"owner": Opportunity.owner_id, "department": Opportunity.department_path,
                 "source": Opportunity.source, "campaign": Opportunity.campaign_id}
LEAD_GROUP_COLUMNS = {"owner": Lead.owner_id, "department": Lead.department_path,
                      "source": Lead.source, "campaign": Lead.campaign_id}
# The group of a record without the grouping's value; "" would read as the total row.
UNGROUPED = {"owner": "unassigned", "source": "unspecified", "campaign": "none"}


@dataclass
class ConversionFigures:
    group_key: str
    lead_count: int = 0
    contacted_count: int = 0
    converted_count: int = 0
    first_contact_hours: float = 0.0
    """The sum over the contacted leads; ``average_first_contact_hours`` divides it."""
    closed_count: int = 0
    won_count: int = 0
    won_minor: int = 0

    @property
    def conversion_rate(self) -> float:
        return rate(self.converted_count, self.lead_count)

    @property
    def average_first_contact_hours(self) -> float:
        return self.first_contact_hours / self.contacted_count if self.contacted_count else 0.0

    def add(self, other: ConversionFigures) -> None:
        for name in ("lead_count", "contacted_count", "converted_count", "first_contact_hours",
                     "closed_count", "won_count", "won_minor"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def regroup_key(group_by: str, key: str | None, root: str) -> str:
    if group_by == "department":
        return department_group(key or "", root)
    return key or UNGROUPED.get(group_by, "")


def _hours(start: datetime | None, end: datetime) -> float:
    if start is None:  # contacted before it was ever assigned: no assignment clock ran
        return 0.0
    return max((end - start).total_seconds(), 0.0) / 3600


def conversion(session: Session, where: list, lead_where: list, *, start: date | None,
               end: date | None, group_by: str, currency: str,
               root: str) -> list[ConversionFigures]:
    """``where`` scopes the opportunities, ``lead_where`` the leads (visibility and
    department)."""
    column = GROUP_COLUMNS[group_by]
    figures: dict[str, ConversionFigures] = {}

    def row(key):
        name = regroup_key(group_by, key, root)
        return figures.setdefault(name, ConversionFigures(name))

    lead_column = LEAD_GROUP_COLUMNS[group_by]
    cohort = [*lead_where, *time_clauses(Lead.create_time, start, end)]
    for key, count, contacted, converted in session.execute(
            select(lead_column, func.count(), func.count(Lead.first_contact_time),
                   func.count(Lead.convert_time)).where(*cohort).group_by(lead_column)):
        figures_row = row(key)
        figures_row.lead_count += count
        figures_row.contacted_count += contacted
        figures_row.converted_count += converted
    # Durations in Python: SQLite and PostgreSQL subtract timestamps differently.
    for key, assigned, contacted in session.execute(
            select(lead_column, Lead.assign_time, Lead.first_contact_time)
            .where(*cohort, Lead.first_contact_time.is_not(None))):
        row(key).first_contact_hours += _hours(assigned, contacted)
    won = Opportunity.stage == "won"
    for key, closed, won_count, won_minor in session.execute(
            select(column, func.count(), func.sum(case((won, 1), else_=0)),
                   func.sum(case(((won & (Opportunity.currency_code == currency)),
                                  Opportunity.amount_minor), else_=0)))
            .where(*where, Opportunity.stage.in_(("won", "lost")),
                   *period_clauses(Opportunity.close_date, start, end)).group_by(column)):
        figures_row = row(key)
        figures_row.closed_count += closed
        figures_row.won_count += int(won_count or 0)
        figures_row.won_minor += int(won_minor or 0)
    return [figures[key] for key in sorted(figures)]


def won_deals(session: Session, where: list, *, start: date | None, end: date | None,
              currency: str) -> list[tuple[str, str, float, int, str, str]]:
    """(owner, department, cycle days, amount in currency, customer id, source) of the deals
    won in the period: the few columns the cycle and trait reports need."""
    rows = session.execute(
        select(Opportunity.owner_id, Opportunity.department_path, Opportunity.cycle_start_time,
               Opportunity.stage_enter_time, Opportunity.amount_minor, Opportunity.currency_code,
               Opportunity.customer_id, Opportunity.source)
        .where(*where, Opportunity.stage == "won",
               *period_clauses(Opportunity.close_date, start, end))).all()
    return [(owner, department, max((won - began).total_seconds(), 0) / 86_400,
             amount if code == currency and amount is not None else 0, customer, source or "")
            for owner, department, began, won, amount, code, customer, source in rows]


@dataclass(frozen=True)
class Bucket:
    value: str
    count: int
    share: float
    amount_minor: int


def distribution(values: Iterable[tuple[str, int]]) -> list[Bucket]:
    """Buckets of (value, amount) pairs, largest count first (then amount, then value)."""
    counts: dict[str, list[int]] = {}
    for value, amount in values:
        cell = counts.setdefault(value or "unspecified", [0, 0])
        cell[0] += 1
        cell[1] += amount
    total = sum(cell[0] for cell in counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [Bucket(value, count, rate(count, total), amount)
            for value, (count, amount) in ordered]


# Staff-count bands of won enterprise customers: (lowest count, label), ascending.
STAFF_SIZE_BANDS = ((1, "1-9"), (10, "10-49"), (50, "50-249"), (250, "250-999"),
                    (1000, "1000+"))
UNKNOWN = "unknown"
TRAITS = ("industry", "source", "value_class", "staff_size_band", "customer_type")
"""The traits of won customers in the order the report lists them."""
_FACTS_PER_QUERY = 500  # bound on the IN list of one query


def staff_size_band(staff_count: int | None) -> str:
    if not staff_count or staff_count < 1:
        return UNKNOWN
    return [label for lowest, label in STAFF_SIZE_BANDS if staff_count >= lowest][-1]


def won_deal_traits(session: Session, won: list[tuple[str, str, float, int, str, str]]
                    ) -> dict[str, list[tuple[str, int]]]:
    """Per trait, (value, amount) of each won deal (from :func:`won_deals`): ``source`` is the
    deal's, the others the customer's from the facts the customer
    service's events keep here; a customer not heard of yet counts as ``unknown``."""
    customer_ids = sorted({item[4] for item in won if item[4]})
    facts: dict[str, CustomerFact] = {}
    for at in range(0, len(customer_ids), _FACTS_PER_QUERY):
        chunk = customer_ids[at:at + _FACTS_PER_QUERY]
        facts.update((fact.customer_id, fact) for fact in session.scalars(
            select(CustomerFact).where(CustomerFact.customer_id.in_(chunk))))
    values: dict[str, list[tuple[str, int]]] = {trait: [] for trait in TRAITS}
    for _owner, _department, _days, amount, customer_id, source in won:
        fact = facts.get(customer_id)
        values["source"].append((source, amount))
        values["industry"].append(((fact and fact.industry) or UNKNOWN, amount))
        values["value_class"].append(((fact and fact.value_class or UNKNOWN).lower(), amount))
        values["staff_size_band"].append((staff_size_band(fact and fact.staff_count), amount))
        values["customer_type"].append(((fact and fact.customer_type) or UNKNOWN, amount))
    return values


@dataclass(frozen=True)
class KpiFigures:
    opportunity_count: int
    won_count: int
    closed_count: int
    won_minor: int
    cycle_days_total: float
    payment_received_minor: int
    payment_count: int
    lead_count: int
    converted_count: int
    first_contact_decided: int
    """Leads assigned in the period whose first contact is made or overdue."""
    first_contact_on_time: int
    task_count: int
    overdue_task_count: int
    overdue_receivable_minor: int
    overdue_installment_count: int
    weighted_pipeline_minor: int | None
    """Open deals as they stand now; None for a past period (stages and probabilities have
    moved on since, so it cannot be reconstructed)."""
    open_count: int


def kpi_figures(session: Session, scope, *, start: date, end: date, currency: str,
                today: date, with_pipeline: bool) -> KpiFigures:
    """The figures behind the KPIs of the period; ``scope(model)`` is the caller's visibility
    (and department) clause for a table. Overdue receivables are as of the period's end (or
    today, if sooner); the weighted pipeline only ``with_pipeline`` (the current period)."""
    where = scope(Opportunity)
    opened = session.scalar(select(func.count()).select_from(Opportunity).where(
        *where, *time_clauses(Opportunity.create_time, start, end)))
    won = Opportunity.stage == "won"
    closed, won_count, won_minor = session.execute(
        select(func.count(), func.sum(case((won, 1), else_=0)),
               func.sum(case(((won & (Opportunity.currency_code == currency)),
                              Opportunity.amount_minor), else_=0)))
        .where(*where, Opportunity.stage.in_(("won", "lost")),
               *period_clauses(Opportunity.close_date, start, end))).one()
    cycles = [row[2] for row in won_deals(session, where, start=start, end=end,
                                          currency=currency)]
    received, payment_count = session.execute(
        select(func.coalesce(func.sum(Payment.amount_minor), 0), func.count())
        .where(*scope(Payment), Payment.status == "recorded", Payment.currency_code == currency,
               *period_clauses(Payment.receive_date, start, end))).one()
    leads, converted = session.execute(
        select(func.count(), func.count(Lead.convert_time))
        .where(*scope(Lead), *time_clauses(Lead.create_time, start, end))).one()
    now = utcnow()
    made = Lead.first_contact_time.is_not(None)
    on_time = made & (Lead.first_contact_time <= Lead.first_contact_due_time)
    decided, in_time = session.execute(
        select(func.count(), func.sum(case((on_time, 1), else_=0)))
        .where(*scope(Lead), Lead.first_contact_due_time.is_not(None),
               made | (Lead.first_contact_due_time < now),
               *time_clauses(Lead.assign_time, start, end))).one()
    late = or_(FollowUpTask.overdue_time.is_not(None), FollowUpTask.completed_late.is_(True))
    tasks, late_tasks = session.execute(
        select(func.count(), func.sum(case((late, 1), else_=0)))
        .where(*scope(FollowUpTask), FollowUpTask.state != "cancelled",
               FollowUpTask.due_date >= start.isoformat(),
               FollowUpTask.due_date <= end.isoformat())).one()
    as_of = min(end + timedelta(days=1), today)  # overdue = due before this day, unpaid
    overdue, installments = session.execute(
        select(func.coalesce(func.sum(Installment.amount_minor - Installment.received_minor), 0),
               func.count())
        .join(Contract, Contract.id == Installment.contract_id)
        .where(*scope(Contract), Contract.status.in_(("active", "expired")),
               Contract.currency_code == currency, Installment.due_date < as_of,
               Installment.received_minor < Installment.amount_minor)).one()
    weighted, open_count = None, 0
    if with_pipeline:
        weighted_sum, open_count = session.execute(
            select(func.coalesce(func.sum(Opportunity.amount_minor * Opportunity.probability),
                                 0), func.count())
            .where(*where, Opportunity.stage.in_(OPEN_STAGES),
                   Opportunity.currency_code == currency)).one()
        weighted = (int(weighted_sum or 0) + 50) // 100
    return KpiFigures(
        int(opened or 0), int(won_count or 0), int(closed or 0), int(won_minor or 0),
        sum(cycles), int(received or 0), int(payment_count), int(leads or 0),
        int(converted or 0), int(decided or 0), int(in_time or 0), int(tasks or 0),
        int(late_tasks or 0), int(overdue or 0), int(installments or 0), weighted,
        int(open_count or 0))


def kpi_values(figures: KpiFigures, currency: str) -> list[tuple[str, str, float, str, bool, int]]:
    """(key, label, value, unit, higher is better, sample size) of each KPI; a sample size of
    0 means there is nothing to compare with."""
    money_unit = f"minor:{currency}"
    weighted = figures.weighted_pipeline_minor
    return [
        ("lead_conversion_rate", "Lead conversion rate",
         rate(figures.converted_count, figures.lead_count), "ratio", True, figures.lead_count),
        ("win_rate", "Win rate", rate(figures.won_count, figures.closed_count), "ratio", True,
         figures.closed_count),
        ("follow_up_timeliness", "Follow-ups on time",
         1 - rate(figures.overdue_task_count, figures.task_count) if figures.task_count
         else 1.0, "ratio", True, figures.task_count),
        ("first_contact_on_time_rate", "First contact on time",
         rate(figures.first_contact_on_time, figures.first_contact_decided), "ratio", True,
         figures.first_contact_decided),
        ("average_deal_cycle_days", "Average deal cycle",
         figures.cycle_days_total / figures.won_count if figures.won_count else 0.0, "days",
         False, figures.won_count),
        ("won_amount", "Amount won", float(figures.won_minor), money_unit, True,
         figures.won_count),
        ("weighted_pipeline", "Weighted pipeline", float(weighted or 0), money_unit, True,
         figures.open_count if weighted is not None else 0),
        ("overdue_receivables", "Overdue receivables", float(figures.overdue_receivable_minor),
         money_unit, False, figures.overdue_installment_count),
        ("opportunity_count", "Opportunities opened", float(figures.opportunity_count), "count",
         True, figures.opportunity_count),
        ("won_count", "Deals won", float(figures.won_count), "count", True, figures.won_count),
        ("payment_received_amount", "Payments received", float(figures.payment_received_minor),
         money_unit, True, figures.payment_count),
    ]
