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
from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session

from customer_service import classification, timeline
from customer_service.models import Customer, SatisfactionRecord, TimelineEntry

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


def _subtree(path: str):
    root = path.rstrip("/")
    return or_(Customer.department_path == root,
               Customer.department_path.startswith(root + "/", autoescape=True))


def _kpi(key: str, label: str, value: float, unit: str, *, sample: int, previous=None,
         higher_is_better: bool = True, target: float | None = None) -> reporting_pb2.Kpi:
    kpi = reporting_pb2.Kpi(key=key, display_name=label, value=value, unit=unit,
                            higher_is_better=higher_is_better, sample_size=sample)
    if previous is not None:
        kpi.previous_value = previous
    if target is not None:
        kpi.target = target
    return kpi


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class _Figures:
    """The KPI queries over one set of customers (``where``).

    Every count over the customers table, for both periods, is one aggregate (``count(*)
    FILTER (WHERE ...)``) in a single scan: the dashboard asks for this report on every view,
    and twenty separate counts over 100,000 customers took seconds."""

    def __init__(self, session: Session, where: list) -> None:
        self.session = session
        self.where = where
        self.customer_ids = select(Customer.id).where(*where)

    def counts(self, conditions: dict[str, object]) -> dict[str, int]:
        """``{name: number of customers matching its condition}`` (``None``: all of them)."""
        columns = [(func.count() if condition is None else func.count().filter(condition))
                   .label(name) for name, condition in conditions.items()]
        row = self.session.execute(select(*columns).select_from(Customer).where(*self.where))
        return dict(row.one()._mapping)

    @staticmethod
    def period_conditions(period: Period, suffix: str) -> dict[str, object]:
        lost = Customer.lifecycle_stage == classification.LOST
        return {
            f"new{suffix}": and_(Customer.create_time >= period.start_time,
                                 Customer.create_time < period.end_time),
            f"went_lost{suffix}": and_(lost,
                                       Customer.lifecycle_stage_change_time >= period.start_time,
                                       Customer.lifecycle_stage_change_time < period.end_time),
            f"churn_base{suffix}": and_(Customer.create_time < period.end_time, not_(and_(
                lost, Customer.lifecycle_stage_change_time < period.start_time))),
        }

    def repurchase(self, period: Period) -> tuple[int, int]:
        orders = select(TimelineEntry.customer_id).where(
            TimelineEntry.kind.in_(timeline.ORDER_KINDS),
            TimelineEntry.customer_id.in_(self.customer_ids))
        buyers = orders.where(TimelineEntry.occur_time >= period.start_time,
                              TimelineEntry.occur_time < period.end_time).distinct().subquery()
        earlier = orders.where(TimelineEntry.occur_time < period.start_time)
        total = self.session.scalar(select(func.count()).select_from(buyers))
        repeat = self.session.scalar(select(func.count()).select_from(buyers).where(
            buyers.c.customer_id.in_(earlier)))
        return repeat, total

    def satisfaction(self, period: Period) -> tuple[float, int]:
        average, count = self.session.execute(
            select(func.avg(SatisfactionRecord.score), func.count()).where(
                SatisfactionRecord.customer_id.in_(self.customer_ids),
                SatisfactionRecord.source == "survey", SatisfactionRecord.score > 0,
                SatisfactionRecord.record_time >= period.start_time,
                SatisfactionRecord.record_time < period.end_time)).one()
        return round(float(average or 0.0), 2), count


VALUE_CLASSES = ("A", "B", "C", None)


def _kpis(session: Session, where: list, period: Period, policy: classification.Policy) -> list:
    figures = _Figures(session, where)
    before = period.previous()
    conditions = {
        "total": None,
        "complete": Customer.completeness_score >= policy.completeness_target,
        "at_risk": Customer.at_risk.is_(True),
        **_Figures.period_conditions(period, ""),
        **_Figures.period_conditions(before, "_before"),
    }
    for value_class in VALUE_CLASSES:
        conditions[f"class_{value_class}"] = (Customer.value_class == value_class if value_class
                                              else Customer.value_class.is_(None))
    for stage in classification.STAGES:
        conditions[f"stage_{stage}"] = Customer.lifecycle_stage == stage
    count = figures.counts(conditions)
    total = count["total"]
    churn_base, churn_base_before = count["churn_base"], count["churn_base_before"]
    repeat, buyers = figures.repurchase(period)
    repeat_before, buyers_before = figures.repurchase(before)
    score, answers = figures.satisfaction(period)
    score_before, answers_before = figures.satisfaction(before)
    result = [
        _kpi("new_customers", "New customers", count["new"], "count",
             sample=total, previous=count["new_before"]),
        _kpi("churn_rate", "Churn rate", _ratio(count["went_lost"], churn_base), "ratio",
             sample=churn_base,
             previous=(_ratio(count["went_lost_before"], churn_base_before)
                       if churn_base_before else None),
             higher_is_better=False),
        _kpi("repurchase_rate", "Repurchase rate", _ratio(repeat, buyers), "ratio", sample=buyers,
             previous=_ratio(repeat_before, buyers_before) if buyers_before else None),
        _kpi("satisfaction_score", "Satisfaction score", score, "score_5", sample=answers,
             previous=score_before if answers_before else None),
        _kpi("data_completeness_rate", "Data completeness rate", _ratio(count["complete"], total),
             "ratio", sample=total, target=0.95),
        _kpi("at_risk_customers", "Customers at risk", count["at_risk"], "count", sample=total,
             higher_is_better=False),
    ]
    for value_class in VALUE_CLASSES:
        label = value_class or "unclassified"
        result.append(_kpi(f"customers_value_class_{label.lower()}",
                           f"Customers of value class {label}", count[f"class_{value_class}"],
                           "count", sample=total))
    for stage in classification.STAGES:
        result.append(_kpi(f"customers_stage_{stage}", f"Customers at stage {stage}",
                           count[f"stage_{stage}"], "count", sample=total))
    return result


def _groups(session: Session, where: list, root: str) -> list[str]:
    """The direct sub-departments of ``root`` that own visible customers (and root itself)."""
    root = root.rstrip("/")
    keys = set()
    for path in session.scalars(select(Customer.department_path).where(*where).distinct()):
        rest = path[len(root):].strip("/")
        keys.add(f"{root}/{rest.split('/')[0]}" if rest else (root or "/"))
    return sorted(keys)


def customer_kpis(session: Session, principal: Principal, period: Period, *,
                  department_path: str | None, group_by_department: bool,
                  now: datetime) -> reporting_pb2.KpiReport:
    policy = classification.load_policy(session)
    where = [visibility_clause(principal, Customer.owner_id, Customer.department_path),
             Customer.state == "active"]  # merged and erased records are not customers any more
    if department_path:
        where.append(_subtree(department_path))
    report = reporting_pb2.KpiReport(
        period=period.proto(), previous_period=period.previous().proto(),
        department_path=department_path or "", kpis=_kpis(session, where, period, policy),
        compute_time=to_timestamp(now), source_service="customer",
    )
    if group_by_department:
        root = department_path or ("" if principal.data_scope.value == "all"
                                   else principal.department_path)
        for key in _groups(session, where, root):
            exact = Customer.department_path == key
            scope = exact if key == (root.rstrip("/") or "/") else _subtree(key)
            report.groups.append(reporting_pb2.KpiGroup(
                key=key, display_name=key, kpis=_kpis(session, [*where, scope], period, policy)))
    return report
