"""The follow-up report: frequency (follow-up records per rep or department in a period) and
timeliness (1 - overdue tasks / all tasks due in the period), over what the caller may see.

The database aggregates (counts per group and contacted customer or lead, task counts per
group; a rep's display name from the leads part's directory of reps); grouping by department folds each department into the direct sub-department of the
report's root it lies in (:func:`department_row_key`, pure). A task counts as overdue when it
became overdue or was completed after its due date; cancelled tasks do not count.

Beside the rows, the tasks of segments' contact strategies are measured per rep and segment
(:func:`strategy_rows`): done on time, overdue, still open.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.auth import Principal
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from sales_service.activities import activity_visibility
from sales_service.follow_ups import CANCELLED, CONTACT_STRATEGY, DONE, OPEN
from sales_service.models import Activity, FollowUpTask, SalesRep
from sales_service.plans_and_tasks import task_visibility


def department_row_key(department_path: str, root: str) -> str:
    """The row a department's figures go to: the direct sub-department of ``root`` holding
    it (``/hq/sales/east/a`` under ``/hq/sales`` → ``/hq/sales/east``), ``root`` itself for
    the root's own records."""
    root = root.rstrip("/")
    if not department_path.startswith(root + "/"):
        return department_path  # the root itself (or, outside it, a department of its own)
    child = department_path[len(root) + 1:].split("/", 1)[0]
    return f"{root}/{child}"


@dataclass
class Tally:
    activity_count: int = 0
    contacts: set[str] = field(default_factory=set)
    task_count: int = 0
    overdue_task_count: int = 0

    def to_row(self, key: str, display_name: str = "") -> sales_pb2.FollowUpRow:
        contacted = len(self.contacts)
        return sales_pb2.FollowUpRow(
            group_key=key, display_name=display_name or key, activity_count=self.activity_count,
            contacted_count=contacted,
            activities_per_contact=self.activity_count / contacted if contacted else 0.0,
            task_count=self.task_count, overdue_task_count=self.overdue_task_count,
            timeliness_rate=1 - self.overdue_task_count / self.task_count if self.task_count
            else 1.0)


def _subtree(column, root: str):
    root = root.rstrip("/")
    return or_(column == root, column.startswith(root + "/", autoescape=True))


def follow_up_report(session: Session, principal: Principal, *, start: date, end: date,
                     department_path: str, by_department: bool) -> sales_pb2.FollowUpReport:
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    activity_group = Activity.department_path if by_department else Activity.owner_id
    contact = func.coalesce(Activity.customer_id, Activity.lead_id)
    activity_where = [activity_visibility(principal), Activity.occur_time >= since,
                      Activity.occur_time < until]
    task_group = FollowUpTask.department_path if by_department else FollowUpTask.owner_id
    overdue = or_(FollowUpTask.overdue_time.is_not(None), FollowUpTask.completed_late.is_(True))
    task_where = [task_visibility(principal), FollowUpTask.state != CANCELLED,
                  FollowUpTask.due_date >= start.isoformat(),
                  FollowUpTask.due_date <= end.isoformat()]
    if department_path:
        activity_where.append(_subtree(Activity.department_path, department_path))
        task_where.append(_subtree(FollowUpTask.department_path, department_path))
    root = department_path or principal.department_path or "/"

    def key(group: str) -> str:
        return department_row_key(group, root) if by_department else group

    tallies: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for group, contacted, count in session.execute(
            select(activity_group, contact, func.count()).where(*activity_where)
            .group_by(activity_group, contact)):
        tally = tallies[key(group)]
        tally.activity_count += count
        tally.contacts.add(contacted)
        total.activity_count += count
        total.contacts.add(contacted)
    for group, count, late in session.execute(
            select(task_group, func.count(), func.sum(case((overdue, 1), else_=0)))
            .where(*task_where).group_by(task_group)):
        tally = tallies[key(group)]
        tally.task_count += count
        tally.overdue_task_count += int(late or 0)
        total.task_count += count
        total.overdue_task_count += int(late or 0)
    strategy = strategy_rows(session, task_where)
    wanted = set() if by_department else set(tallies)
    names = _rep_names(session, wanted | {row.owner_id for row in strategy})
    for row in strategy:
        row.display_name = names.get(row.owner_id, "") or row.owner_id
    return sales_pb2.FollowUpReport(
        period=types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat()),
        rows=[tallies[name].to_row(name, "" if by_department else names.get(name, ""))
              for name in sorted(tallies)],
        total=total.to_row("total"), strategy_rows=strategy)


def _rep_names(session: Session, user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    return dict(session.execute(select(SalesRep.user_id, SalesRep.display_name)
                                .where(SalesRep.user_id.in_(sorted(user_ids)))).all())


def strategy_rows(session: Session, task_where: list) -> list[sales_pb2.ContactStrategyRow]:
    """The contact-strategy tasks among those the report counts (``task_where``: visible, not
    cancelled, due in the period), per rep and segment: done by their due date, overdue
    (flagged, or done late), open and not yet overdue."""
    overdue = or_(FollowUpTask.overdue_time.is_not(None), FollowUpTask.completed_late.is_(True))
    on_time = (FollowUpTask.state == DONE) & FollowUpTask.completed_late.is_(False) \
        & FollowUpTask.overdue_time.is_(None)
    still_open = FollowUpTask.state == OPEN
    rows = session.execute(
        select(FollowUpTask.owner_id, FollowUpTask.segment_id,
               func.max(FollowUpTask.segment_name), func.count(),
               func.sum(case((on_time, 1), else_=0)), func.sum(case((overdue, 1), else_=0)),
               func.sum(case((still_open, 1), else_=0)))
        .where(*task_where, FollowUpTask.reason == CONTACT_STRATEGY)
        .group_by(FollowUpTask.owner_id, FollowUpTask.segment_id)
        .order_by(FollowUpTask.owner_id, FollowUpTask.segment_id)).all()
    return [sales_pb2.ContactStrategyRow(
        owner_id=owner_id, segment_id=segment_id or "", segment_name=segment_name or "",
        task_count=count, done_on_time_count=int(done or 0), overdue_task_count=int(late or 0),
        open_count=int(waiting or 0))
        for owner_id, segment_id, segment_name, count, done, late, waiting in rows]
