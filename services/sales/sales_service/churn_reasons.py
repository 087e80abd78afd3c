"""Why customers leave (issue 19, seed 004: 流失客户 3个月后二次回访,询问流失原因): the churn
reasons kept as data, and the churn report.

A lost customer's win-back visit (a ``win_back`` task) is completed by a follow-up record that
names one of the reasons (``Activity.churn_reason``, plus free text in ``churn_note``); only
such a record carries one, so each loss is counted once. The report counts the records that
gave each reason in a period, among the records the caller may see (the one visibility rule of
follow-up records, :func:`sales_service.activities.activity_visibility`). A retired reason is
no longer offered but stays in the report of the records that gave it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.auth import Principal
from crm_shared.errors import FieldViolation
from crm_shared.grpc.paging import keyset_page_by
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sales_service.activities import activity_visibility
from sales_service.models import Activity, ChurnReasonRecord
from sales_service.pipeline import subtree_clause

CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
NAME_LENGTH = 100


def to_proto(row: ChurnReasonRecord) -> sales_pb2.ChurnReason:
    return sales_pb2.ChurnReason(
        code=row.code, name=row.name, name_en=row.name_en, position=row.position, active=row.active
    )


def listed(
    session: Session, *, include_inactive: bool, page_size: int, page_token: str
) -> tuple[list[ChurnReasonRecord], str]:
    """The reasons by position (the order they are offered in), a page at a time."""
    query = select(ChurnReasonRecord)
    if not include_inactive:
        query = query.where(ChurnReasonRecord.active.is_(True))
    return keyset_page_by(
        session,
        query,
        order_column=ChurnReasonRecord.position,
        id_column=ChurnReasonRecord.code,
        descending=False,
        page_size=page_size,
        page_token=page_token,
    )


def is_offered(session: Session, code: str) -> bool:
    row = session.get(ChurnReasonRecord, code) if code else None
    return row is not None and row.active


def reason_violations(
    reason: sales_pb2.ChurnReason, prefix: str = "churn_reason."
) -> list[FieldViolation]:
    """Pure checks of an admin's reason: a code of lowercase letters, digits and ``_``, both
    names given and at most 100 characters, a position not negative."""
    violations = []
    if not CODE.match(reason.code):
        violations.append(
            FieldViolation(
                prefix + "code",
                "must be 1 to 64 lowercase letters, digits or _, starting with a letter",
            )
        )
    for name in ("name", "name_en"):
        text = getattr(reason, name).strip()
        if not text:
            violations.append(FieldViolation(prefix + name, "is required"))
        elif len(text) > NAME_LENGTH:
            violations.append(
                FieldViolation(prefix + name, f"must be at most {NAME_LENGTH} characters")
            )
    if reason.position < 0:
        violations.append(FieldViolation(prefix + "position", "must not be negative"))
    return violations


def upsert(
    session: Session, reason: sales_pb2.ChurnReason, *, actor_id: str, now: datetime
) -> ChurnReasonRecord:
    row = session.get(ChurnReasonRecord, reason.code)
    if row is None:
        row = ChurnReasonRecord(code=reason.code)
        session.add(row)
    row.name, row.name_en = reason.name.strip(), reason.name_en.strip()
    row.position, row.active = reason.position, reason.active
    row.update_time, row.updated_by = now, actor_id
    session.flush()
    return row


def churn_report(
    session: Session, principal: Principal, *, start: date, end: date, department_path: str = ""
) -> sales_pb2.ChurnReport:
    """The churn reasons given on the win-back visits of the days ``start`` to ``end`` (UTC),
    most frequent first."""
    where = [
        activity_visibility(principal),
        Activity.churn_reason.is_not(None),
        Activity.occur_time >= datetime.combine(start, time(), UTC),
        Activity.occur_time < datetime.combine(end + timedelta(days=1), time(), UTC),
    ]
    if department_path:
        where.append(subtree_clause(Activity.department_path, department_path))
    counts = session.execute(
        select(Activity.churn_reason, func.count()).where(*where).group_by(Activity.churn_reason)
    ).all()
    names = {
        row.code: row
        for row in session.scalars(
            select(ChurnReasonRecord).where(
                ChurnReasonRecord.code.in_([code for code, _ in counts])
            )
        )
    }
    rows = [
        sales_pb2.ChurnReasonRow(
            code=code,
            name=names[code].name if code in names else code,
            name_en=names[code].name_en if code in names else code,
            count=count,
        )
        for code, count in counts
    ]
    rows.sort(
        key=lambda row: (-row.count, names[row.code].position if row.code in names else 0, row.code)
    )
    return sales_pb2.ChurnReport(
        period=types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat()),
        rows=rows,
        total_count=sum(row.count for row in rows),
    )
