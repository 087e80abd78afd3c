"""Customer KPIs for a period and a department subtree, over the customers the caller may see.

Keys of ``crm.common.v1.Kpi`` (period figures have the previous period of the same length as
``previous_value``; snapshots describe the customers as they are now and have none):

- ``new_customers`` (count): customers created in the period;
- ``churn_rate`` (ratio, lower is better): customers who went lost in the period over those who
  existed before its end and were not lost already at its start;
- ``repurchase_rate`` (ratio): of the customers who ordered (contract or purchase) in the
  period, the share who had ordered before it too;
- ``satisfaction_score`` (score_5): average survey score in the period;
- ``data_completeness_rate`` (ratio, snapshot): share of customers whose completeness score
  reaches the policy's target (default 95);
- ``at_risk_customers`` (count, snapshot, lower is better): customers flagged at risk;
- ``customers_value_class_a|b|c|unclassified`` and ``customers_stage_potential|intent|customer|lost``
  (count, snapshot): the customers by value class and by lifecycle stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crm.common.v1 import reporting_pb2, types_pb2
from crm_shared.auth import Principal, visibility_clause
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.timestamps import to_timestamp
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from customer_service import classification, kpi_rollup, timeline
from customer_service.models import (
    Customer,
    CustomerKpiCount,
    CustomerKpiDay,
    SatisfactionRecord,
    TimelineEntry,
)

DEFAULT_PERIOD_DAYS = 30


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_time(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def end_time(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)

    def previous(self) -> Period:
        length = self.end - self.start + timedelta(days=1)
        return Period(self.start - length, self.start - timedelta(days=1))

    def proto(self) -> types_pb2.DateRange:
        return types_pb2.DateRange(start_date=self.start.isoformat(), end_date=self.end.isoformat())


def parse_period(start_text: str, end_text: str, *, today: date) -> Period:
    """The requested period; the last 30 days up to today when none is given."""
    if not start_text and not end_text:
        return Period(today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today)
    violations = []
    parsed = {}
    for name, text in (("start_date", start_text), ("end_date", end_text)):
        try:
            parsed[name] = date.fromisoformat(text)
        except ValueError:
            violations.append(FieldViolation(f"period.{name}", "must be a date YYYY-MM-DD"))
    if not violations and parsed["end_date"] < parsed["start_date"]:
        violations.append(FieldViolation("period.end_date", "must not be before start_date"))
    if violations:
        raise InvalidArgument(violations)
    return Period(parsed["start_date"], parsed["end_date"])


def _subtree(column, path: str):
    root = path.rstrip("/")
    return or_(column == root, column.startswith(root + "/", autoescape=True))


@dataclass(frozen=True)
class Scope:
    """The customers a report counts: those the caller may see (by owner and department, the
    only columns a data scope reads), within a department subtree and, for a group, within one
    sub-department's subtree or exactly one department. Applied to the customers and to the
    rollup (:mod:`customer_service.kpi_rollup`), which have both columns."""

    principal: Principal
    subtrees: tuple[str, ...] = ()
    exactly: str | None = None

    def narrowed(self, *, subtree: str | None = None, exactly: str | None = None) -> Scope:
        return Scope(
            self.principal,
            (*self.subtrees, *([subtree] if subtree else [])),
            exactly if exactly is not None else self.exactly,
        )

    def clauses(self, owner_column, department_column) -> list:
        where = [visibility_clause(self.principal, owner_column, department_column)]
        where += [_subtree(department_column, path) for path in self.subtrees]
        if self.exactly is not None:
            where.append(department_column == self.exactly)
        return where


def _kpi(
    key: str,
    label: str,
    value: float,
    unit: str,
    *,
    sample: int,
    previous=None,
    higher_is_better: bool = True,
    target: float | None = None,
) -> reporting_pb2.Kpi:
    kpi = reporting_pb2.Kpi(
        key=key,
        display_name=label,
        value=value,
        unit=unit,
        higher_is_better=higher_is_better,
        sample_size=sample,
    )
    if previous is not None:
        kpi.previous_value = previous
    if target is not None:
        kpi.target = target
    return kpi


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class _Figures:
    """The KPI queries over the customers of one :class:`Scope`.

    The counts of customers come from the rollup (:mod:`customer_service.kpi_rollup`, which
    says why): one aggregate over the scope's counts rows, one over its days rows from the
    previous period's start on, and one over the few lost customers the days rows cannot place
    (:data:`~customer_service.kpi_rollup.OUT_OF_ORDER`). Orders and survey scores are read
    from the timeline and the satisfaction records of the scope's customers, one query each
    for both periods (every query costs a few milliseconds more on a busy machine)."""

    def __init__(self, session: Session, scope: Scope) -> None:
        self.session = session
        self.scope = scope
        self.customer_ids = select(Customer.id).where(
            *scope.clauses(Customer.owner_id, Customer.department_path), Customer.state == "active"
        )  # merged and erased records are not customers any more

    def snapshot(self, completeness_target: int) -> dict[str, int]:
        """The rollup's counts summed over the scope, and ``complete``: the customers whose
        completeness score reaches the target."""
        rows = CustomerKpiCount
        customers = func.sum(rows.customers)
        columns = [
            func.coalesce(func.sum(getattr(rows, name)), 0).label(name)
            for name in kpi_rollup.COUNTS
        ]
        columns.append(
            func.coalesce(
                customers.filter(rows.completeness_score >= completeness_target), 0
            ).label("complete")
        )
        return dict(
            self.session.execute(
                select(*columns).where(*self.scope.clauses(rows.owner_id, rows.department_path))
            )
            .one()
            ._mapping
        )

    def period_counts(self, periods: dict[str, Period], totals: dict[str, int]) -> dict[str, int]:
        """Per period (its suffix in the keys): ``new``, ``went_lost`` and ``churn_base``.

        The churn base counts the customers created before the period's end unless lost before
        its start: the customers, less those created after the period, less the lost ones
        whose stage changed before its start; corrected with the out-of-order lost ones (a
        change time unknown, or before their creation), counted from the customers."""
        days = CustomerKpiDay
        columns, odd = [], []
        for suffix, period in periods.items():
            within = and_(days.day >= period.start, days.day <= period.end)
            for name, column, condition in (
                ("new", days.created, within),
                ("went_lost", days.went_lost, within),
                ("created_after", days.created, days.day > period.end),
                ("lost_since", days.went_lost, days.day >= period.start),
            ):
                columns.append(
                    func.coalesce(func.sum(column).filter(condition), 0).label(f"{name}{suffix}")
                )
            changed = Customer.lifecycle_stage_change_time
            odd += [
                func.count()
                .filter(and_(changed.is_(None), Customer.create_time < period.end_time))
                .label(f"undated{suffix}"),
                func.count()
                .filter(and_(changed < period.start_time, Customer.create_time >= period.end_time))
                .label(f"lost_early{suffix}"),
            ]
        earliest = min(period.start for period in periods.values())
        count = dict(
            self.session.execute(
                select(*columns).where(
                    days.day >= earliest, *self.scope.clauses(days.owner_id, days.department_path)
                )
            )
            .one()
            ._mapping
        )
        count.update(
            self.session.execute(
                select(*odd).where(
                    kpi_rollup.OUT_OF_ORDER,
                    *self.scope.clauses(Customer.owner_id, Customer.department_path),
                )
            )
            .one()
            ._mapping
        )
        result = {}
        for suffix in periods:
            result[f"new{suffix}"] = count[f"new{suffix}"]
            result[f"went_lost{suffix}"] = count[f"went_lost{suffix}"]
            result[f"churn_base{suffix}"] = (
                totals["customers"]
                - count[f"created_after{suffix}"]
                - count[f"undated{suffix}"]
                - (totals["lost_dated"] - count[f"lost_since{suffix}"])
                + count[f"lost_early{suffix}"]
            )
        return result

    def repurchase(self, periods: dict[str, Period]) -> dict[str, tuple[int, int]]:
        """Per period (by its suffix): (repeat buyers, buyers). A buyer ordered in the period;
        a repeat buyer also before it. One pass over the scope's orders up to the last end."""
        occur = TimelineEntry.occur_time
        marks = []
        for suffix, period in periods.items():
            within = and_(occur >= period.start_time, occur < period.end_time)
            marks += [
                func.max(case((within, 1), else_=0)).label(f"in{suffix}"),
                func.max(case((occur < period.start_time, 1), else_=0)).label(f"before{suffix}"),
            ]
        buyers = (
            select(*marks)
            .where(
                TimelineEntry.kind.in_(timeline.ORDER_KINDS),
                TimelineEntry.customer_id.in_(self.customer_ids),
                occur < max(period.end_time for period in periods.values()),
            )
            .group_by(TimelineEntry.customer_id)
            .subquery()
        )
        columns = []
        for suffix in periods:
            bought = buyers.c[f"in{suffix}"] == 1
            columns += [
                func.count().filter(and_(bought, buyers.c[f"before{suffix}"] == 1)),
                func.count().filter(bought),
            ]
        row = self.session.execute(select(*columns).select_from(buyers)).one()
        return {suffix: (row[2 * n], row[2 * n + 1]) for n, suffix in enumerate(periods)}

    def satisfaction(self, periods: dict[str, Period]) -> dict[str, tuple[float, int]]:
        """Per period (by its suffix): (average survey score, answers), in one query."""
        records = SatisfactionRecord
        columns = []
        for period in periods.values():
            within = and_(
                records.record_time >= period.start_time, records.record_time < period.end_time
            )
            columns += [func.avg(records.score).filter(within), func.count().filter(within)]
        row = self.session.execute(
            select(*columns).where(
                records.customer_id.in_(self.customer_ids),
                records.source == "survey",
                records.score > 0,
                records.record_time >= min(period.start_time for period in periods.values()),
                records.record_time < max(period.end_time for period in periods.values()),
            )
        ).one()
        return {
            suffix: (round(float(row[2 * n] or 0.0), 2), row[2 * n + 1])
            for n, suffix in enumerate(periods)
        }


def _kpis(session: Session, scope: Scope, period: Period, policy: classification.Policy) -> list:
    figures = _Figures(session, scope)
    before = period.previous()
    count = figures.snapshot(policy.completeness_target)
    periods = {"": period, "_before": before}
    count.update(figures.period_counts(periods, count))
    total = count["customers"]
    churn_base, churn_base_before = count["churn_base"], count["churn_base_before"]
    orders, scores = figures.repurchase(periods), figures.satisfaction(periods)
    (repeat, buyers), (repeat_before, buyers_before) = orders[""], orders["_before"]
    (score, answers), (score_before, answers_before) = scores[""], scores["_before"]
    result = [
        _kpi(
            "new_customers",
            "New customers",
            count["new"],
            "count",
            sample=total,
            previous=count["new_before"],
        ),
        _kpi(
            "churn_rate",
            "Churn rate",
            _ratio(count["went_lost"], churn_base),
            "ratio",
            sample=churn_base,
            previous=(
                _ratio(count["went_lost_before"], churn_base_before) if churn_base_before else None
            ),
            higher_is_better=False,
        ),
        _kpi(
            "repurchase_rate",
            "Repurchase rate",
            _ratio(repeat, buyers),
            "ratio",
            sample=buyers,
            previous=_ratio(repeat_before, buyers_before) if buyers_before else None,
        ),
        _kpi(
            "satisfaction_score",
            "Satisfaction score",
            score,
            "score_5",
            sample=answers,
            previous=score_before if answers_before else None,
        ),
        _kpi(
            "data_completeness_rate",
            "Data completeness rate",
            _ratio(count["complete"], total),
            "ratio",
            sample=total,
            target=0.95,
        ),
        _kpi(
            "at_risk_customers",
            "Customers at risk",
            count["at_risk"],
            "count",
            sample=total,
            higher_is_better=False,
        ),
    ]
    for value_class in kpi_rollup.VALUE_CLASSES:
        label = value_class or "unclassified"
        result.append(
            _kpi(
                f"customers_value_class_{label.lower()}",
                f"Customers of value class {label}",
                count[kpi_rollup.class_column(value_class)],
                "count",
                sample=total,
            )
        )
    for stage in classification.STAGES:
        result.append(
            _kpi(
                f"customers_stage_{stage}",
                f"Customers at stage {stage}",
                count[kpi_rollup.stage_column(stage)],
                "count",
                sample=total,
            )
        )
    return result


def _groups(session: Session, scope: Scope, root: str) -> list[str]:
    """The direct sub-departments of ``root`` that own visible customers (and root itself)."""
    root = root.rstrip("/")
    rows = CustomerKpiCount
    keys = set()
    for path in session.scalars(
        select(rows.department_path)
        .where(rows.customers > 0, *scope.clauses(rows.owner_id, rows.department_path))
        .distinct()
    ):
        rest = path[len(root) :].strip("/")
        keys.add(f"{root}/{rest.split('/')[0]}" if rest else (root or "/"))
    return sorted(keys)


def customer_kpis(
    session: Session,
    principal: Principal,
    period: Period,
    *,
    department_path: str | None,
    group_by_department: bool,
    now: datetime,
) -> reporting_pb2.KpiReport:
    policy = classification.load_policy(session)
    scope = Scope(principal, (department_path,) if department_path else ())
    report = reporting_pb2.KpiReport(
        period=period.proto(),
        previous_period=period.previous().proto(),
        department_path=department_path or "",
        kpis=_kpis(session, scope, period, policy),
        compute_time=to_timestamp(now),
        source_service="customer",
    )
    if group_by_department:
        root = department_path or (
            "" if principal.data_scope.value == "all" else principal.department_path
        )
        for key in _groups(session, scope, root):
            group = (
                scope.narrowed(exactly=key)
                if key == (root.rstrip("/") or "/")
                else scope.narrowed(subtree=key)
            )
            report.groups.append(
                reporting_pb2.KpiGroup(
                    key=key, display_name=key, kpis=_kpis(session, group, period, policy)
                )
            )
    return report
