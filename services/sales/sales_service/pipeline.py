"""The sales funnel and the weighted forecast: GROUP BY queries over the visible
opportunities, and the pure roll-ups of their few result rows.

Funnel (GetSalesFunnel): the opportunities open in or closed in the period (created on or
before its last day, not closed before its first). An opportunity counts in every stage up to
the furthest it reached (``peak_stage``: a deal won straight from intent reached proposal and
negotiation too), lost ones additionally under lost. A stage's conversion rate is the share of
its opportunities that reached the next stage (negotiation's next is won). Average days in a
stage are over the completed stays (stage changes out of it) of those opportunities. Amounts
are the current amounts and weighted amounts (amount × probability) in the policy's
currency; opportunities in another currency are counted, left out of the amounts, and
reported in ``excluded_count``. The stays are summed from the opportunities' own
``<stage>_stays`` / ``<stage>_stay_seconds`` columns in the same GROUP BY, not by joining the
stage changes (that join probed the history once per opportunity: seconds for a team).

Forecast (GetSalesForecast): open opportunities by expected close date in the period, per rep
(OWNER, default) or direct sub-department of the scope (DEPARTMENT), per time bucket (month by
default); ``won_amount`` is what was won (close date) in the bucket. Weighted amounts are
summed exactly and rounded half up once per row.

Reading a team's figures fast (:func:`department_scope`): the visibility rule puts a subtree
as ``department_path = root OR department_path LIKE 'root/%'``, which no index serves (an
OR with a LIKE; SQLite's LIKE is case-insensitive against a case-sensitive index), so a
lead's or an admin's query read every row through the ``create_time`` index, one table
lookup per opportunity. The queries therefore also name the departments the caller may see
as a list, found by a skip scan of the department index and filtered with the same subtree
condition; ``department_path IN (...)`` is an index range per department, and
``ix_opportunities_pipeline`` holds every column read, so the figures come from the index
alone. The visibility clause stays in the query as the rule: the list only narrows what is
read, never what counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from sqlalchemy import and_, case, extract, func, or_, select
from sqlalchemy.orm import Session

from sales_service.dates import DAY, WEEK, bucket_start
from sales_service.models import Opportunity
from sales_service.opportunities import FUNNEL_ORDER, OPEN_STAGES, RANK, STAY_COLUMNS

DAY_SECONDS = 86_400.0


def subtree_clause(column, root: str):
    root = root.rstrip("/")
    escaped = root.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(column == root, column.like(escaped + "/%", escape="\\"))


def scope_clauses(visibility, *, owner_id: str = "", department_path: str = "") -> list:
    where = [visibility]
    if owner_id:
        where.append(Opportunity.owner_id == owner_id)
    if department_path:
        where.append(subtree_clause(Opportunity.department_path, department_path))
    return where


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def department_paths():
    """The distinct departments holding opportunities, as a recursive CTE that skips through
    the department index (one index seek per department, not one row per opportunity)."""
    column = Opportunity.department_path
    paths = select(select(func.min(column)).scalar_subquery().label("path")) \
        .cte("department_paths", recursive=True)
    following = select(func.min(column)).where(column > paths.c.path).scalar_subquery()
    return paths.union_all(select(following).where(paths.c.path.is_not(None)))


def department_scope(principal: Principal, department_path: str = ""):
    """A condition on indexed columns that every opportunity visible to ``principal`` (inside
    ``department_path`` when given) meets: the visible departments that hold opportunities,
    plus the caller's own opportunities for a lead (who may own some elsewhere). None for
    ``own`` scope, whose visibility is already one indexed equality. Added to the visibility
    clause, it changes what the database reads, not the result."""
    if principal.data_scope is DataScope.OWN:
        return None
    paths = department_paths()
    listed = select(paths.c.path).where(paths.c.path.is_not(None))
    if department_path:
        listed = listed.where(subtree_clause(paths.c.path, department_path))
    if principal.data_scope is DataScope.ALL:
        return Opportunity.department_path.in_(listed)
    listed = listed.where(subtree_clause(paths.c.path, principal.department_path))
    return or_(Opportunity.owner_id == principal.user_id,
               Opportunity.department_path.in_(listed))


# --- funnel ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeakGroup:
    """Opportunities with one peak stage, lost or not (a row of the funnel query)."""

    peak_stage: str
    lost: bool
    count: int
    amount_minor: int
    weighted_times_100: int
    """Σ amount × probability (percent), exact: rounded once when reported."""


@dataclass(frozen=True)
class FunnelFigures:
    stage: str
    count: int
    amount_minor: int
    weighted_minor: int
    conversion_rate: float
    average_days_in_stage: float


def per_hundred(value: int) -> int:
    return (value + 50) // 100


def funnel_stages(groups: Iterable[PeakGroup],
                  average_seconds: dict[str, float]) -> list[FunnelFigures]:
    """The funnel's stages in order (potential … won, then lost) from the peak groups."""
    groups = list(groups)
    reached: list[tuple[int, int, int]] = []
    for stage in FUNNEL_ORDER:
        members = [g for g in groups if RANK.get(g.peak_stage, -1) >= RANK[stage]]
        reached.append((sum(g.count for g in members), sum(g.amount_minor for g in members),
                        sum(g.weighted_times_100 for g in members)))
    figures = []
    for index, stage in enumerate(FUNNEL_ORDER):
        count, amount, weighted = reached[index]
        following = reached[index + 1][0] if index + 1 < len(reached) else 0
        rate = following / count if count and stage in OPEN_STAGES else 0.0
        figures.append(FunnelFigures(stage, count, amount, per_hundred(weighted), rate,
                                     average_seconds.get(stage, 0.0) / DAY_SECONDS))
    lost = [g for g in groups if g.lost]
    figures.append(FunnelFigures("lost", sum(g.count for g in lost),
                                 sum(g.amount_minor for g in lost),
                                 per_hundred(sum(g.weighted_times_100 for g in lost)), 0.0, 0.0))
    return figures


def _in_currency(currency: str, value):
    return func.coalesce(func.sum(case((Opportunity.currency_code == currency, value),
                                       else_=0)), 0)


def _excluded(currency: str):
    return func.coalesce(func.sum(case((and_(Opportunity.currency_code.is_not(None),
                                             Opportunity.currency_code != currency), 1),
                                       else_=0)), 0)


def funnel(session: Session, where: list, *, start: date | None, end: date | None,
           currency: str) -> tuple[list[FunnelFigures], int]:
    """(stages, excluded_count) of the opportunities matching ``where`` in the period."""
    where = list(where)
    if end is not None:
        where.append(Opportunity.create_time < start_of(end + timedelta(days=1)))
    if start is not None:
        where.append(or_(Opportunity.close_date.is_(None), Opportunity.close_date >= start))
    lost = Opportunity.stage == "lost"
    stay_sums = [func.coalesce(func.sum(getattr(Opportunity, column)), 0)
                 for columns in STAY_COLUMNS.values() for column in columns]
    rows = session.execute(
        select(Opportunity.peak_stage, lost, func.count(),
               _in_currency(currency, Opportunity.amount_minor),
               _in_currency(currency, Opportunity.amount_minor * Opportunity.probability),
               _excluded(currency), *stay_sums)
        .where(*where).group_by(Opportunity.peak_stage, lost)).all()
    groups = [PeakGroup(peak, bool(is_lost), count, int(amount), int(weighted))
              for peak, is_lost, count, amount, weighted, *_ in rows]
    excluded = sum(int(row[5]) for row in rows)
    return funnel_stages(groups, average_stays([row[6:] for row in rows])), excluded


def average_stays(stay_sums: Iterable[Iterable[int]]) -> dict[str, float]:
    """Average seconds of a completed stay per open stage, from rows of (count, seconds) sums
    per stage in ``STAY_COLUMNS`` order; stages without a completed stay are left out."""
    totals = {stage: [0, 0] for stage in STAY_COLUMNS}
    for row in stay_sums:
        values = [int(value or 0) for value in row]
        for index, stage in enumerate(STAY_COLUMNS):
            totals[stage][0] += values[2 * index]
            totals[stage][1] += values[2 * index + 1]
    return {stage: seconds / count for stage, (count, seconds) in totals.items() if count}


# --- forecast ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayGroup:
    """Open (or won) opportunities of one group key closing on one day."""

    group_key: str
    day: date
    count: int
    amount_minor: int
    weighted_times_100: int


@dataclass
class ForecastFigures:
    group_key: str
    bucket: date
    open_count: int = 0
    pipeline_minor: int = 0
    weighted_times_100: int = 0
    won_minor: int = 0

    @property
    def weighted_minor(self) -> int:
        return per_hundred(self.weighted_times_100)


def department_group(path: str, root: str) -> str:
    """The direct sub-department of ``root`` holding ``path`` (``root`` itself for records
    owned right at the root)."""
    root = root.rstrip("/")
    if path == root or not path.startswith(root + "/"):
        return root if path == root else path
    rest = path[len(root) + 1:]
    return f"{root}/{rest.split('/', 1)[0]}"


def roll_up(open_days: Iterable[DayGroup], won_days: Iterable[DayGroup], *, granularity: int,
            regroup=lambda key: key) -> tuple[list[ForecastFigures], list[ForecastFigures]]:
    """(rows per group and bucket, totals per bucket) from per-day groups, sorted."""
    rows: dict[tuple[str, date], ForecastFigures] = {}
    totals: dict[date, ForecastFigures] = {}

    def cells(key: str, day: date):
        bucket = bucket_start(day, granularity)
        group = regroup(key)
        row = rows.setdefault((group, bucket), ForecastFigures(group, bucket))
        total = totals.setdefault(bucket, ForecastFigures("", bucket))
        return row, total

    for item in open_days:
        for cell in cells(item.group_key, item.day):
            cell.open_count += item.count
            cell.pipeline_minor += item.amount_minor
            cell.weighted_times_100 += item.weighted_times_100
    for item in won_days:
        for cell in cells(item.group_key, item.day):
            cell.won_minor += item.amount_minor
    return ([rows[key] for key in sorted(rows, key=lambda k: (k[1], k[0]))],
            [totals[key] for key in sorted(totals)])


def _day_columns(column, granularity: int) -> list:
    """What to group a date column by: the date itself for day and week buckets; its year and
    month for month, quarter and year buckets, which never split a month, so the database
    answers a row per group and month instead of one per group and day."""
    if granularity in (DAY, WEEK):
        return [column]
    return [extract("year", column), extract("month", column)]


def _day_of(parts) -> date:
    """The day a grouped row stands for (the first of its month when grouped by month)."""
    if len(parts) == 1:
        return parts[0]
    year, month = parts
    return date(int(year), int(month), 1)


def forecast(session: Session, where: list, *, start: date, end: date, currency: str,
             by_department: bool, granularity: int, root: str
             ) -> tuple[list[ForecastFigures], list[ForecastFigures], int]:
    """(rows, totals, excluded_count) of the forecast over the opportunities of ``where``."""
    key = Opportunity.department_path if by_department else Opportunity.owner_id
    expected = _day_columns(Opportunity.expected_close_date, granularity)
    closed = _day_columns(Opportunity.close_date, granularity)
    open_rows = session.execute(
        select(key, func.count(), _in_currency(currency, Opportunity.amount_minor),
               _in_currency(currency, Opportunity.amount_minor * Opportunity.probability),
               _excluded(currency), *expected)
        .where(*where, Opportunity.stage.in_(OPEN_STAGES),
               Opportunity.expected_close_date >= start, Opportunity.expected_close_date <= end)
        .group_by(key, *expected)).all()
    won_rows = session.execute(
        select(key, func.count(), _in_currency(currency, Opportunity.amount_minor),
               _excluded(currency), *closed)
        .where(*where, Opportunity.stage == "won", Opportunity.close_date >= start,
               Opportunity.close_date <= end)
        .group_by(key, *closed)).all()
    excluded = sum(int(row[4]) for row in open_rows) + sum(int(row[3]) for row in won_rows)
    rows, totals = roll_up(
        (DayGroup(k, _day_of(day), n, int(a), int(w)) for k, n, a, w, _, *day in open_rows),
        (DayGroup(k, _day_of(day), n, int(a), 0) for k, n, a, _, *day in won_rows),
        granularity=granularity,
        regroup=(lambda path: department_group(path, root)) if by_department else (lambda k: k))
    return rows, totals, excluded
