"""Service-target RPCs of ``crm.ticket.v1.TicketService``: SetServiceTarget,
ListServiceTargets, GetServiceTargetAttainment (the rules and counts in
:mod:`ticket_service.service_targets`). Mixed into :class:`ticket_service.api.TicketServicer`.

Who: service leads and managers set the targets of their department subtree (an agent of it,
or a department of it), admins anyone's - the rule the ticket setup RPCs manage departments by.
Reading follows the records' visibility: an agent sees their own target and attainment
(another agent's is NOT_FOUND), a lead their subtree's; a department outside it is
PERMISSION_DENIED, as for the ticket KPIs.
"""

from __future__ import annotations

import uuid

from crm.common.v1 import reporting_pb2, types_pb2
from crm.ticket.v1 import events_pb2, ticket_pb2
from crm_shared.auth import Principal, current_principal
from crm_shared.auth.visibility import visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.grpc.paging import keyset_page_by, page_size_of
from crm_shared.target_periods import period_range
from crm_shared.timestamps import to_timestamp
from sqlalchemy import select

from ticket_service import calendars, kpis, service_targets
from ticket_service.api_setup import _may_manage_department
from ticket_service.models import Agent, ServiceTargetRecord

TARGET_INPUT = {
    "agent_id",
    "department_path",
    "period",
    "first_response_sla_rate",
    "resolution_sla_rate",
    "satisfaction_score",
}
TARGET_OUTPUT = {"id", "period_range", "create_time", "update_time", "created_by", "updated_by"}
RATES = ("first_response_sla_rate", "resolution_sla_rate")


def _date_range(start, end) -> types_pb2.DateRange:
    return types_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())


def target_to_proto(row: ServiceTargetRecord) -> ticket_pb2.ServiceTarget:
    return ticket_pb2.ServiceTarget(
        id=row.id,
        agent_id=row.agent_id or "",
        department_path=row.department_path,
        period=row.period,
        period_range=_date_range(row.start_date, row.end_date),
        first_response_sla_rate=row.first_response_sla_rate,
        resolution_sla_rate=row.resolution_sla_rate,
        satisfaction_score=row.satisfaction_score,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _period(period: str, field: str = "period"):
    try:
        return period_range(period)
    except ValueError as exc:
        raise InvalidArgument(FieldViolation(field, str(exc))) from None


def _department(path: str, field: str) -> str:
    root = path.strip().rstrip("/")
    if not calendars.valid_department_path(root):
        raise InvalidArgument(FieldViolation(field, "must be a department path like /hq/service"))
    return root


def _figure_violations(data: ticket_pb2.ServiceTarget) -> list[FieldViolation]:
    violations = [
        FieldViolation(f"target.{name}", "must be between 0 and 1")
        for name in RATES
        if not 0.0 <= getattr(data, name) <= 1.0
    ]
    low, high = service_targets.SCORE_RANGE
    if data.satisfaction_score and not low <= data.satisfaction_score <= high:
        violations.append(
            FieldViolation("target.satisfaction_score", "must be between 1 and 5 (0 for none)")
        )
    return violations


class ServiceTargetRpcs:
    """The service-target RPCs; needs ``self.database``."""

    def SetServiceTarget(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"target"})
        data = request.target
        refuse_unsupported(data, TARGET_INPUT, prefix="target.", ignored=TARGET_OUTPUT)
        violations = _figure_violations(data)
        try:
            start, end = period_range(data.period)
        except ValueError as exc:
            violations.append(FieldViolation("target.period", str(exc)))
        department = data.department_path.strip().rstrip("/")
        if not data.agent_id and not department:
            violations.append(
                FieldViolation("target.agent_id", "an agent or a department_path is required")
            )
        elif not data.agent_id and not calendars.valid_department_path(department):
            violations.append(
                FieldViolation(
                    "target.department_path", "must be a department path like /hq/service"
                )
            )
        with self.database.unit_of_work() as uow:
            agent = uow.session.get(Agent, data.agent_id) if data.agent_id else None
            if data.agent_id and agent is None:
                violations.append(FieldViolation("target.agent_id", "is not an agent"))
            if violations:
                raise InvalidArgument(violations)
            if agent is not None:
                department = agent.department_path
            if not _may_manage_department(principal, department):
                raise PermissionDenied(
                    "service leads set the targets of their department "
                    "subtree only, admins anyone's"
                )
            subject = agent.user_id if agent is not None else department
            now = utcnow()
            row = uow.session.scalar(
                select(ServiceTargetRecord)
                .where(
                    ServiceTargetRecord.subject == subject,
                    ServiceTargetRecord.period == data.period,
                )
                .with_for_update()
            )
            if row is None:
                row = ServiceTargetRecord(
                    id=str(uuid.uuid4()),
                    subject=subject,
                    period=data.period,
                    create_time=now,
                    created_by=principal.user_id,
                )
                uow.session.add(row)
            row.agent_id = agent.user_id if agent is not None else None
            row.department_path = department
            row.start_date, row.end_date = start, end
            row.first_response_sla_rate = data.first_response_sla_rate
            row.resolution_sla_rate = data.resolution_sla_rate
            row.satisfaction_score = data.satisfaction_score
            row.update_time, row.updated_by = now, principal.user_id
            uow.session.flush()
            target = target_to_proto(row)
            uow.emit(
                events_pb2.ServiceTargetSet(target=target, actor_id=principal.user_id), key=subject
            )
            return target

    def ListServiceTargets(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request, {"page_size", "page_token", "period", "department_path", "agent_id"}
        )
        where = [
            visibility_clause(
                principal, ServiceTargetRecord.agent_id, ServiceTargetRecord.department_path
            )
        ]
        if request.period:
            _period(request.period)
            where.append(ServiceTargetRecord.period == request.period)
        if request.department_path:
            root = _department(request.department_path, "department_path")
            where.append(
                (ServiceTargetRecord.department_path == root)
                | ServiceTargetRecord.department_path.startswith(root + "/", autoescape=True)
            )
        if request.agent_id:
            where.append(ServiceTargetRecord.agent_id == request.agent_id)
        size = page_size_of(request.page_size)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session,
                select(ServiceTargetRecord).where(*where),
                order_column=ServiceTargetRecord.start_date,
                id_column=ServiceTargetRecord.id,
                descending=True,
                page_size=size,
                page_token=request.page_token,
            )
            return ticket_pb2.ListServiceTargetsResponse(
                targets=[target_to_proto(row) for row in rows], next_page_token=token
            )

    def GetServiceTargetAttainment(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"agent_id", "department_path", "period"})
        start, end = _period(request.period)
        if not request.agent_id and not request.department_path:
            raise InvalidArgument(
                FieldViolation("agent_id", "an agent or a department_path is required")
            )
        now = utcnow()
        with self.database.unit_of_work(readonly=True) as uow:
            if request.agent_id:
                agent = self._visible_agent(uow.session, principal, request.agent_id)
                subject, department = agent.user_id, agent.department_path
                name = agent.display_name or agent.username or agent.user_id
            else:
                department = _department(request.department_path, "department_path")
                if not _may_manage_department(principal, department):
                    raise PermissionDenied(
                        "you may see the targets of your department subtree only"
                    )
                subject, name = department, department.rsplit("/", 1)[-1] or department
            period, *_ = kpis.periods(start, end, kpis.report_zone(uow.session, department))
            found = service_targets.counts(
                uow.session,
                period,
                min(period.end, now),
                agent_id=subject if request.agent_id else None,
                department_path=None if request.agent_id else department,
            )
            row = uow.session.scalar(
                select(ServiceTargetRecord).where(
                    ServiceTargetRecord.subject == subject,
                    ServiceTargetRecord.period == request.period,
                )
            )
            targets = (
                {key: getattr(row, key) for key, *_ in service_targets.METRICS}
                if row is not None
                else None
            )
            answer = ticket_pb2.ServiceTargetAttainment(
                agent_id=request.agent_id and subject,
                department_path=department,
                display_name=name,
                period=request.period,
                period_range=_date_range(start, end),
                target=target_to_proto(row) if row is not None else None,
            )
            for figure in service_targets.figures(found, targets):
                kpi = reporting_pb2.Kpi(
                    key=figure.key,
                    display_name=figure.label,
                    value=figure.value,
                    unit=figure.unit,
                    higher_is_better=True,
                    sample_size=figure.sample_size,
                )
                if figure.target is not None:
                    kpi.target = figure.target
                answer.kpis.append(kpi)
            return answer

    @staticmethod
    def _visible_agent(session, principal: Principal, agent_id: str) -> Agent:
        """The agent whose figures the caller may see: themselves, or one of their subtree."""
        agent = session.get(Agent, agent_id)
        if agent is None or not (
            agent.user_id == principal.user_id
            or _may_manage_department(principal, agent.department_path)
        ):
            raise NotFound(f"agent {agent_id} not found")
        return agent
