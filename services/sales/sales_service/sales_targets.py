"""Sales targets and their attainment (issue 18; seeds 002 所有工作业绩可查询, 003 绩效指标与激励管理).

A target is what a rep, or a department as a team, is expected to achieve in a period (a month
``2026-12``, a quarter ``2026-Q4``, a year ``2026``): an amount of signed contracts, a number of
new customers, a number of follow-ups. Attainment sets against it what the sales reports count
for the same subject and days:

* ``signed_amount``: the contracts signed in the period (``sign_date``; a terminated or expired
  contract was still signed then), in the sales policy's currency - the contract is the fact a
  won deal becomes;
* ``new_customers``: the customers whose first contract ever was signed in the period (a
  customer who signed before is not new, whoever signed then);
* ``follow_ups``: the follow-up records that occurred in the period (the follow-up report's
  frequency).

A rep's are the records they own; a department's those of its subtree (records carry their
owner's department). Days are UTC days, as in the other sales reports. The arithmetic (periods,
ratios, ranks) is pure; the database only sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from crm_shared.target_periods import covering, period_range
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from sales_service.models import Activity, Contract, SalesTargetRecord
from sales_service.sales_reports import period_clauses, rate, time_clauses

__all__ = ["Actuals", "Figures", "actuals", "attainment", "period_range", "ranked"]

METRICS = (
    ("signed_amount", "Signed amount"),
    ("new_customers", "New customers"),
    ("follow_ups", "Follow-ups"),
)
"""The metrics of a target, in the order attainments list them: (key, English label)."""
COUNT_LIMIT = 1_000_000
"""Most new customers or follow-ups a target may ask for (a typo, not a plan, beyond it)."""


@dataclass(frozen=True)
class Actuals:
    signed_minor: int = 0
    new_customers: int = 0
    follow_ups: int = 0
    contracts: int = 0


@dataclass(frozen=True)
class Figures:
    """A target's figures (0: none for that metric)."""

    amount_minor: int = 0
    new_customers: int = 0
    follow_ups: int = 0


@dataclass(frozen=True)
class MetricAttainment:
    key: str
    label: str
    unit: str
    target: float | None
    actual: float
    ratio: float | None


def attainment(figures: Figures | None, actuals: Actuals, currency: str) -> list[MetricAttainment]:
    """Per metric the target (when above zero), the actual and their ratio."""
    pairs = {
        "signed_amount": (figures and figures.amount_minor, actuals.signed_minor),
        "new_customers": (figures and figures.new_customers, actuals.new_customers),
        "follow_ups": (figures and figures.follow_ups, actuals.follow_ups),
    }
    metrics = []
    for key, label in METRICS:
        target, actual = pairs[key]
        unit = f"minor:{currency}" if key == "signed_amount" else "count"
        metrics.append(
            MetricAttainment(
                key,
                label,
                unit,
                float(target) if target else None,
                float(actual),
                rate(actual, target) if target else None,
            )
        )
    return metrics


def ranked(rows: Iterable[tuple[str, list[MetricAttainment]]]) -> list[tuple[int, str]]:
    """(rank, rep id) best first: by the signed amount's ratio to its target (reps without an
    amount target after those with one), then by the amount signed; equal figures share a rank
    (the next rank skips, 1, 1, 3), and reps that tie are listed by id."""

    def score(metrics: list[MetricAttainment]) -> tuple[bool, float, float]:
        amount = metrics[0]
        return (amount.ratio is not None, amount.ratio or 0.0, amount.actual)

    ordered = sorted(rows, key=lambda row: (tuple(-x for x in score(row[1])), row[0]))
    result, previous, rank = [], None, 0
    for position, (rep_id, metrics) in enumerate(ordered, start=1):
        if score(metrics) != previous:
            rank, previous = position, score(metrics)
        result.append((rank, rep_id))
    return result


def _subtree(column, root: str):
    root = root.rstrip("/")
    return (column == root) | column.startswith(root + "/", autoescape=True)


def actuals(
    session: Session,
    *,
    start: date,
    end: date,
    currency: str,
    rep_ids: Iterable[str] | None = None,
    department_path: str | None = None,
) -> dict[str | None, Actuals]:
    """What was achieved in ``start..end``: per rep of ``rep_ids`` (keys: their ids), or for
    the subtree of ``department_path`` as a whole (key ``None``)."""
    if rep_ids is not None:
        listed = sorted(set(rep_ids))
        if not listed:
            return {}
        contract_key, activity_key = Contract.owner_id, Activity.owner_id
        contract_where = [Contract.owner_id.in_(listed)]
        activity_where = [Activity.owner_id.in_(listed)]
    else:
        contract_key = activity_key = None
        contract_where = [_subtree(Contract.department_path, department_path or "/")]
        activity_where = [_subtree(Activity.department_path, department_path or "/")]
    signed = [
        *contract_where,
        Contract.status != "draft",
        Contract.sign_date.is_not(None),
        *period_clauses(Contract.sign_date, start, end),
    ]

    def grouped(*columns, where, key):
        query = select(*(([key] if key is not None else []) + list(columns))).where(*where)
        if key is not None:
            query = query.group_by(key)
        for row in session.execute(query):
            yield (row[0], *row[1:]) if key is not None else (None, *row)

    found: dict[str | None, dict[str, int]] = {}

    def cell(key):
        return found.setdefault(
            key, {"signed_minor": 0, "new_customers": 0, "follow_ups": 0, "contracts": 0}
        )

    for key, amount, count in grouped(
        func.coalesce(func.sum(Contract.amount_minor), 0),
        func.count(),
        where=[*signed, Contract.currency_code == currency],
        key=contract_key,
    ):
        cell(key)["signed_minor"] += int(amount or 0)
        cell(key)["contracts"] += int(count or 0)
    earlier = aliased(Contract)
    first_time = ~exists().where(
        and_(
            earlier.customer_id == Contract.customer_id,
            earlier.status != "draft",
            earlier.sign_date < start,
        )
    )
    for key, count in grouped(
        func.count(func.distinct(Contract.customer_id)),
        where=[*signed, first_time],
        key=contract_key,
    ):
        cell(key)["new_customers"] += int(count or 0)
    for key, count in grouped(
        func.count(),
        where=[*activity_where, *time_clauses(Activity.occur_time, start, end)],
        key=activity_key,
    ):
        cell(key)["follow_ups"] += int(count or 0)
    if rep_ids is None:
        cell(None)
    return {key: Actuals(**values) for key, values in found.items()}


def signed_in(session: Session, where: list, *, start: date, end: date,
              currency: str) -> tuple[int, int]:
    """(amount, contracts) signed in ``start..end`` under ``where`` (a caller's visibility and
    department clause for :class:`Contract`): the dashboard's ``signed_amount``."""
    amount, count = session.execute(
        select(func.coalesce(func.sum(Contract.amount_minor), 0), func.count()).where(
            *where, Contract.status != "draft", Contract.sign_date.is_not(None),
            Contract.currency_code == currency, *period_clauses(Contract.sign_date, start, end))
    ).one()
    return int(amount or 0), int(count or 0)


def covering_target(session: Session, subject: str, start: date, end: date):
    """The target of ``subject`` (a rep id or a department path) for the shortest period that
    holds all of ``start..end`` (``crm_shared.target_periods.covering``), or None."""
    words = covering(start, end)
    if not subject or not words:
        return None
    found = {row.period: row for row in session.scalars(select(SalesTargetRecord).where(
        SalesTargetRecord.subject == subject, SalesTargetRecord.period.in_(words)))}
    return next((found[word] for word in words if word in found), None)
