"""Service targets and their attainment (issue 18; seeds 002 所有工作业绩可查询, 003 绩效指标与激励管理).

A service target is what an agent, or a department as a team, is expected to achieve in a
period (``crm_shared.target_periods``: a month, a quarter, a year): a share of first responses
and of resolutions within their SLA targets, and an average satisfaction score. Attainment sets
against it what the tickets created in the period show, with the same rules as the ticket KPIs
(:mod:`ticket_service.kpis`, :data:`ticket_service.kpi_rollup.TARGETS`):

* an SLA target is *met* when done by its due time and never breached, *decided* when met,
  breached, done late, or still open past its due time (as of the period's end, or now);
* ``satisfaction_score`` is the average of the scores the period's tickets were given (1..5).

An agent's tickets are those assigned to them; a department's those of its subtree. The
period's days are the department's business-calendar days (UTC without a calendar), as in
GetTicketKpis. The arithmetic is pure; the database only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crm_shared.target_periods import covering
from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from ticket_service import kpi_rollup
from ticket_service.kpis import Period
from ticket_service.models import ServiceTargetRecord, Ticket

METRICS = (
    ("first_response_sla_rate", "First responses within SLA", "ratio", "first"),
    ("resolution_sla_rate", "Resolutions within SLA", "ratio", "resolution"),
    ("satisfaction_score", "Satisfaction", "score_5", None),
)
"""(KPI key, English label, unit, the SLA target of :data:`kpi_rollup.TARGETS` it counts)."""
SCORE_RANGE = (1.0, 5.0)
TARGETED_KPIS = ("first_response_sla_rate", "resolution_sla_rate")
"""The keys of GetTicketKpis a department's service target gives a ``target``."""


@dataclass(frozen=True)
class Counts:
    first_met: int = 0
    first_decided: int = 0
    resolution_met: int = 0
    resolution_decided: int = 0
    scored: int = 0
    score_total: float = 0.0


@dataclass(frozen=True)
class MetricFigure:
    key: str
    label: str
    unit: str
    value: float
    target: float | None
    sample_size: int


def figures(counts: Counts, targets: dict[str, float] | None) -> list[MetricFigure]:
    """Per metric the actual (0 with nothing decided or scored), its target when above zero,
    and how many tickets it is over."""
    samples = {
        "first_response_sla_rate": (counts.first_met, counts.first_decided),
        "resolution_sla_rate": (counts.resolution_met, counts.resolution_decided),
        "satisfaction_score": (counts.score_total, counts.scored),
    }
    result = []
    for key, label, unit, _target in METRICS:
        part, whole = samples[key]
        target = (targets or {}).get(key) or None
        result.append(
            MetricFigure(key, label, unit, part / whole if whole else 0.0, target, int(whole))
        )
    return result


def _target(name: str):
    for target_name, done, due, breached, _only in kpi_rollup.TARGETS:
        if target_name == name:
            return (getattr(Ticket, done), getattr(Ticket, due), getattr(Ticket, breached))
    raise KeyError(name)


def counts(
    session: Session,
    period: Period,
    as_of: datetime,
    *,
    agent_id: str | None = None,
    department_path: str | None = None,
) -> Counts:
    """What the tickets created in ``period`` show for the agent or the department subtree;
    an SLA target still open is decided (missed) once its due time is before ``as_of``."""
    if agent_id is not None:
        where = [Ticket.assignee_id == agent_id]
    else:
        root = (department_path or "/").rstrip("/")
        where = [
            or_(
                Ticket.department_path == root,
                Ticket.department_path.startswith(root + "/", autoescape=True),
            )
        ]
    where += [Ticket.create_time >= period.start, Ticket.create_time < period.end]
    columns = []
    for name in ("first", "resolution"):
        done, due, breached = _target(name)
        met = and_(due.is_not(None), done.is_not(None), done <= due, not_(breached))
        settled = and_(
            due.is_not(None),
            or_(
                met,
                breached,
                and_(done.is_not(None), done > due),
                and_(done.is_(None), due < as_of),
            ),
        )
        columns += [func.sum(case((met, 1), else_=0)), func.sum(case((settled, 1), else_=0))]
    scored = Ticket.satisfaction_score.is_not(None)
    columns += [
        func.sum(case((scored, 1), else_=0)),
        func.sum(case((scored, Ticket.satisfaction_score), else_=0.0)),
    ]
    row = session.execute(select(*columns).where(*where)).one()
    first_met, first_decided, resolution_met, resolution_decided, scored_count, total = row
    return Counts(
        int(first_met or 0),
        int(first_decided or 0),
        int(resolution_met or 0),
        int(resolution_decided or 0),
        int(scored_count or 0),
        float(total or 0.0),
    )


def covering_target(session: Session, subject: str, start: date, end: date):
    """The target of ``subject`` (an agent id or a department path) for the shortest period
    that holds all of ``start..end`` (``crm_shared.target_periods.covering``), or None."""
    words = covering(start, end)
    if not subject or not words:
        return None
    found = {
        row.period: row
        for row in session.scalars(
            select(ServiceTargetRecord).where(
                ServiceTargetRecord.subject == subject, ServiceTargetRecord.period.in_(words)
            )
        )
    }
    return next((found[word] for word in words if word in found), None)


def put_targets(kpis, target) -> None:
    """Set the ``target`` of the KPIs a service target names (GetTicketKpis' SLA rates), from
    ``target`` (None: none); a zero figure is no target."""
    if target is None:
        return
    for kpi in kpis:
        value = getattr(target, kpi.key, None) if kpi.key in TARGETED_KPIS else None
        if value:
            kpi.target = value
