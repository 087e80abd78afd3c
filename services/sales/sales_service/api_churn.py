"""The churn reasons (a list admins keep) and the churn report, mixed into the servicer
(:class:`sales_service.api.SalesServicer`); the rules are in :mod:`sales_service.churn_reasons`."""

from __future__ import annotations

from crm.sales.v1 import sales_pb2
from crm_shared.auth import current_principal
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.grpc.paging import page_size_of

from sales_service import churn_reasons
from sales_service.api_activities import _period


class ChurnRpcs:
    def ListChurnReasons(self, request, context):
        refuse_unsupported(request, {"include_inactive", "page_size", "page_token"})
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = churn_reasons.listed(
                uow.session,
                include_inactive=request.include_inactive,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return sales_pb2.ListChurnReasonsResponse(
                churn_reasons=[churn_reasons.to_proto(row) for row in rows], next_page_token=token
            )

    def UpsertChurnReason(self, request, context):
        principal = current_principal()  # an admin: the contract's access option
        refuse_unsupported(request, {"churn_reason"})
        violations = churn_reasons.reason_violations(request.churn_reason)
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            row = churn_reasons.upsert(
                uow.session, request.churn_reason, actor_id=principal.user_id, now=utcnow()
            )
            return churn_reasons.to_proto(row)

    def GetChurnReport(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"period", "department_path"})
        start, end = _period(request.period)
        if len(request.department_path) > 255:
            raise InvalidArgument(
                FieldViolation("department_path", "must be at most 255 characters")
            )
        with self.database.unit_of_work(readonly=True) as uow:
            return churn_reasons.churn_report(
                uow.session,
                principal,
                start=start,
                end=end,
                department_path=request.department_path,
            )
