"""Target RPCs of ``crm.sales.v1.SalesService``: SetSalesTarget, ListSalesTargets,
GetTargetAttainment, GetSalesLeaderboard (the rules and sums in :mod:`sales_service.sales_targets`).
Mixed into :class:`sales_service.api.SalesServicer`.

Who: sales leads and managers set the targets of their department subtree (a rep of it, or a
department of it), admins anyone's - the same rule as managing a rep's profile
(:func:`sales_service.reps.can_manage`). Reading follows the records' visibility: a rep sees
their own target and attainment (another rep's is NOT_FOUND, as if it did not exist), a lead
their subtree's; a department outside it is PERMISSION_DENIED, as for the KPIs.
"""

from __future__ import annotations

import uuid

from crm.common.v1 import reporting_pb2, types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.auth.principal import DataScope
from crm_shared.auth.visibility import in_subtree, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.grpc.paging import keyset_page_by, page_size_of
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select

from sales_service import policy, reps, sales_targets
from sales_service.amounts import money, money_violations
from sales_service.models import SalesRep, SalesTargetRecord

TARGET_INPUT = {
    "rep_id",
    "department_path",
    "period",
    "signed_amount",
    "new_customer_count",
    "follow_up_count",
}
TARGET_OUTPUT = {"id", "period_range", "create_time", "update_time", "created_by", "updated_by"}


def _date_range(start, end) -> types_pb2.DateRange:
    return types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())


def target_to_proto(row: SalesTargetRecord) -> sales_pb2.SalesTarget:
    return sales_pb2.SalesTarget(
        id=row.id,
        rep_id=row.rep_id or "",
        department_path=row.department_path,
        period=row.period,
        period_range=_date_range(row.start_date, row.end_date),
        signed_amount=money(row.amount_minor, row.currency_code),
        new_customer_count=row.new_customer_count,
        follow_up_count=row.follow_up_count,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _figures(row: SalesTargetRecord | None, currency: str) -> sales_targets.Figures | None:
    if row is None:
        return None
    # an amount set in a currency the policy no longer uses cannot be compared: no amount target
    amount = row.amount_minor if row.currency_code == currency else 0
    return sales_targets.Figures(amount, row.new_customer_count, row.follow_up_count)


def _period(period: str, field: str = "period"):
    try:
        return sales_targets.period_range(period)
    except ValueError as exc:
        raise InvalidArgument(FieldViolation(field, str(exc))) from None


def _department(path: str, field: str) -> str:
    if not path.startswith("/") or len(path) > 255:
        raise InvalidArgument(FieldViolation(field, "must be a path such as /hq/sales"))
    return path.rstrip("/") or "/"


class TargetRpcs:
    """The target RPCs; needs ``self.database``."""

    def SetSalesTarget(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"target"})
        data = request.target
        refuse_unsupported(data, TARGET_INPUT, prefix="target.", ignored=TARGET_OUTPUT)
        violations: list[FieldViolation] = []
        try:
            start, end = sales_targets.period_range(data.period)
        except ValueError as exc:
            violations.append(FieldViolation("target.period", str(exc)))
        if not data.rep_id and not data.department_path:
            violations.append(
                FieldViolation("target.rep_id", "a rep or a department_path is required")
            )
        elif not data.rep_id and (
            not data.department_path.startswith("/") or len(data.department_path) > 255
        ):
            violations.append(
                FieldViolation("target.department_path", "must be a path such as /hq/sales")
            )
        for name in ("new_customer_count", "follow_up_count"):
            if not 0 <= getattr(data, name) <= sales_targets.COUNT_LIMIT:
                violations.append(
                    FieldViolation(
                        f"target.{name}", f"must be between 0 and {sales_targets.COUNT_LIMIT}"
                    )
                )
        with self.database.unit_of_work() as uow:
            currency = policy.current(uow.session).currency_code
            violations += money_violations(
                data.signed_amount, "target.signed_amount", currency=currency
            )
            rep = None
            if data.rep_id:
                rep = uow.session.get(SalesRep, data.rep_id)
                if rep is None:
                    violations.append(FieldViolation("target.rep_id", "is not a sales rep"))
            if violations:
                raise InvalidArgument(violations)
            department = (
                rep.department_path if rep is not None else data.department_path.rstrip("/") or "/"
            )
            if not reps.can_manage(principal, department):
                raise PermissionDenied(
                    "sales leads set the targets of their department subtree only, admins anyone's"
                )
            subject = rep.user_id if rep is not None else department
            now = utcnow()
            row = uow.session.scalar(
                select(SalesTargetRecord)
                .where(
                    SalesTargetRecord.subject == subject, SalesTargetRecord.period == data.period
                )
                .with_for_update()
            )
            if row is None:
                row = SalesTargetRecord(
                    id=str(uuid.uuid4()),
                    subject=subject,
                    period=data.period,
                    create_time=now,
                    created_by=principal.user_id,
                )
                uow.session.add(row)
            row.rep_id = rep.user_id if rep is not None else None
            row.department_path = department
            row.start_date, row.end_date = start, end
            row.amount_minor, row.currency_code = data.signed_amount.amount_minor, currency
            row.new_customer_count = data.new_customer_count
            row.follow_up_count = data.follow_up_count
            row.update_time, row.updated_by = now, principal.user_id
            uow.session.flush()
            target = target_to_proto(row)
            uow.emit(
                events_pb2.SalesTargetSet(target=target, actor_id=principal.user_id), key=subject
            )
            return target

    def ListSalesTargets(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request, {"page_size", "page_token", "period", "department_path", "rep_id"}
        )
        where = [
            visibility_clause(
                principal, SalesTargetRecord.rep_id, SalesTargetRecord.department_path
            )
        ]
        if request.period:
            _period(request.period)
            where.append(SalesTargetRecord.period == request.period)
        if request.department_path:
            root = _department(request.department_path, "department_path")
            where.append(
                (SalesTargetRecord.department_path == root)
                | SalesTargetRecord.department_path.startswith(
                    root.rstrip("/") + "/", autoescape=True
                )
            )
        if request.rep_id:
            where.append(SalesTargetRecord.rep_id == request.rep_id)
        size = page_size_of(request.page_size)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session,
                select(SalesTargetRecord).where(*where),
                order_column=SalesTargetRecord.start_date,
                id_column=SalesTargetRecord.id,
                descending=True,
                page_size=size,
                page_token=request.page_token,
            )
            return sales_pb2.ListSalesTargetsResponse(
                targets=[target_to_proto(row) for row in rows], next_page_token=token
            )

    def GetTargetAttainment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"rep_id", "department_path", "period"})
        start, end = _period(request.period)
        if not request.rep_id and not request.department_path:
            raise InvalidArgument(
                FieldViolation("rep_id", "a rep or a department_path is required")
            )
        with self.database.unit_of_work(readonly=True) as uow:
            currency = policy.current(uow.session).currency_code
            if request.rep_id:
                rep = self._target_rep(uow.session, principal, request.rep_id)
                subject, department, name = (
                    rep.user_id,
                    rep.department_path,
                    rep.display_name or rep.username or rep.user_id,
                )
                done = sales_targets.actuals(
                    uow.session, start=start, end=end, currency=currency, rep_ids=[rep.user_id]
                )
                achieved = done.get(rep.user_id, sales_targets.Actuals())
            else:
                department = _department(request.department_path, "department_path")
                self._check_team(principal, department)
                subject, name = department, department.rsplit("/", 1)[-1] or department
                achieved = sales_targets.actuals(
                    uow.session, start=start, end=end, currency=currency, department_path=department
                )[None]
            row = uow.session.scalar(
                select(SalesTargetRecord).where(
                    SalesTargetRecord.subject == subject, SalesTargetRecord.period == request.period
                )
            )
            return self._attainment(
                row,
                sales_targets.attainment(_figures(row, currency), achieved, currency),
                rep_id=request.rep_id and subject,
                department=department,
                name=name,
                period=request.period,
                start=start,
                end=end,
            )

    def GetSalesLeaderboard(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"department_path", "period"})
        start, end = _period(request.period)
        department = (
            _department(request.department_path, "department_path")
            if request.department_path
            else principal.department_path.rstrip("/") or "/"
        )
        if principal.data_scope is not DataScope.OWN:
            self._check_team(principal, department)
        with self.database.unit_of_work(readonly=True) as uow:
            currency = policy.current(uow.session).currency_code
            query = select(SalesRep).where(
                SalesRep.active.is_(True),
                (SalesRep.department_path == department)
                | SalesRep.department_path.startswith(
                    department.rstrip("/") + "/", autoescape=True
                ),
            )
            if principal.data_scope is DataScope.OWN:  # a rep sees their own row only
                query = query.where(SalesRep.user_id == principal.user_id)
            team = {rep.user_id: rep for rep in uow.session.scalars(query)}
            done = sales_targets.actuals(
                uow.session, start=start, end=end, currency=currency, rep_ids=team
            )
            targets = {
                row.subject: row
                for row in uow.session.scalars(
                    select(SalesTargetRecord).where(
                        SalesTargetRecord.period == request.period,
                        SalesTargetRecord.subject.in_(sorted(team)),
                    )
                )
            }
            metrics = {
                rep_id: sales_targets.attainment(
                    _figures(targets.get(rep_id), currency),
                    done.get(rep_id, sales_targets.Actuals()),
                    currency,
                )
                for rep_id in team
            }

            def row(rank: int, rep_id: str) -> sales_pb2.SalesLeaderboardRow:
                rep = team[rep_id]
                return sales_pb2.SalesLeaderboardRow(
                    rank=rank,
                    attainment=self._attainment(
                        targets.get(rep_id),
                        metrics[rep_id],
                        rep_id=rep_id,
                        department=rep.department_path,
                        name=rep.display_name or rep.username or rep_id,
                        period=request.period,
                        start=start,
                        end=end,
                    ),
                )

            return sales_pb2.SalesLeaderboard(
                department_path=department,
                period=request.period,
                period_range=_date_range(start, end),
                rows=[row(rank, rep_id) for rank, rep_id in sales_targets.ranked(metrics.items())],
            )

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _signed_amount_kpi(
        session, where, *, currency, period, previous, subject
    ) -> reporting_pb2.Kpi:
        """GetSalesKpis' ``signed_amount``: the contracts signed in the period under the
        caller's scope, the previous period's, and the subject's target for the shortest
        target period holding the report's days (the dashboard shows it met or not)."""
        amount, count = sales_targets.signed_in(
            session, where, start=period[0], end=period[1], currency=currency
        )
        before, before_count = sales_targets.signed_in(
            session, where, start=previous[0], end=previous[1], currency=currency
        )
        kpi = reporting_pb2.Kpi(
            key="signed_amount",
            display_name="Signed amount",
            value=float(amount),
            unit=f"minor:{currency}",
            higher_is_better=True,
            sample_size=count,
        )
        if before_count:
            kpi.previous_value = float(before)
        target = sales_targets.covering_target(session, subject, *period)
        if target is not None and target.amount_minor and target.currency_code == currency:
            kpi.target = float(target.amount_minor)
        return kpi

    @staticmethod
    def _target_rep(session, principal: Principal, rep_id: str) -> SalesRep:
        """The rep whose figures the caller may see: themselves, or a rep of their subtree."""
        rep = session.get(SalesRep, rep_id)
        if rep is None or not (
            rep.user_id == principal.user_id or reps.can_manage(principal, rep.department_path)
        ):
            raise NotFound(f"sales rep {rep_id} not found")
        return rep

    @staticmethod
    def _check_team(principal: Principal, department: str) -> None:
        if principal.data_scope is DataScope.ALL:
            return
        if principal.data_scope is DataScope.DEPARTMENT and in_subtree(
            department, principal.department_path
        ):
            return
        raise PermissionDenied("you may see the targets of your department subtree only")

    @staticmethod
    def _attainment(
        row, metrics, *, rep_id, department, name, period, start, end
    ) -> sales_pb2.TargetAttainment:
        """The message of a subject's target ``row`` (None: none) and ``metrics``
        (:func:`sales_service.sales_targets.attainment`)."""
        message = sales_pb2.TargetAttainment(
            rep_id=rep_id or "",
            department_path=department,
            display_name=name,
            period=period,
            period_range=_date_range(start, end),
            target=target_to_proto(row) if row is not None else None,
        )
        for metric in metrics:
            item = message.metrics.add(
                key=metric.key, display_name=metric.label, unit=metric.unit, actual=metric.actual
            )
            if metric.target is not None:
                item.target = metric.target
                item.ratio = metric.ratio
        return message
