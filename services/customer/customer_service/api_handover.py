"""gRPC methods of ``crm.customer.v1.CustomerService`` for handovers: all customers of one
employee (or the listed ones) move to a successor in one transaction, and one
``customer.handed_over`` event tells the other services to move the open work they hold.
Mixed into :class:`customer_service.api.CustomerServicer`."""

from __future__ import annotations

from crm.customer.v1 import customer_pb2
from crm_shared.auth import DataScope, Principal, can_see, current_principal, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations
from crm_shared.grpc.paging import keyset_page, page_size_of
from sqlalchemy import or_, select

from customer_service import api, handover
from customer_service.models import Customer, Handover

MAX_LISTED = 10_000


def _visible_handovers(principal: Principal):
    if principal.data_scope is DataScope.ALL:
        return []
    return [
        or_(
            Handover.actor_id == principal.user_id,
            Handover.from_user_id == principal.user_id,
            visibility_clause(principal, Handover.to_user_id, Handover.to_department_path),
        )
    ]


class HandoverRpcs:
    def HandOverCustomers(self, request, context):
        principal = current_principal()
        refuse_unsupported(
            request, {"from_user_id", "to_user_id", "customer_ids", "reason", "request_id"}
        )
        violations = request_id_violations(request.request_id)
        for name in ("from_user_id", "to_user_id"):
            if not getattr(request, name):
                violations.append(FieldViolation(name, "is required"))
        if request.from_user_id and request.from_user_id == request.to_user_id:
            violations.append(FieldViolation("to_user_id", "must differ from from_user_id"))
        if len(request.customer_ids) > MAX_LISTED:
            violations.append(FieldViolation("customer_ids", f"must list at most {MAX_LISTED}"))
        if violations:
            raise InvalidArgument(violations)
        if principal.data_scope is DataScope.OWN and not principal.is_service_account:
            raise PermissionDenied("only leads and administrators hand customers over")
        with self.database.unit_of_work() as uow:
            session = uow.session
            if request.request_id:
                earlier = session.scalars(
                    select(Handover).where(Handover.request_id == request.request_id)
                ).first()
                if earlier is not None:
                    return handover.to_proto(earlier)
            successor = api.repository.get_employee(session, request.to_user_id)
            if successor is None or not successor.active:
                raise InvalidArgument(FieldViolation("to_user_id", "is not an active employee"))
            if not can_see(
                principal, owner_id=successor.user_id, department_path=successor.department_path
            ):
                raise PermissionDenied("the successor is outside your scope")
            predecessor = api.repository.get_employee(session, request.from_user_id)
            where = [visibility_clause(principal, Customer.owner_id, Customer.department_path)]
            if request.customer_ids:
                where.append(Customer.id.in_(list(request.customer_ids)))
            customers = handover.customers_of(session, request.from_user_id, *where)
            if request.customer_ids:
                missing = set(request.customer_ids) - {c.id for c in customers}
                if missing:
                    raise NotFound(
                        f"customer {min(missing)} not found among "
                        f"the customers of {request.from_user_id}"
                    )
            if predecessor is not None:
                previous_department = predecessor.department_path
            else:
                previous_department = customers[0].department_path if customers else ""
            record = handover.hand_over(
                uow,
                from_user_id=request.from_user_id,
                successor=successor,
                customers=customers,
                previous_department=previous_department,
                reason=request.reason,
                actor_id=principal.user_id,
                now=utcnow(),
                request_id=request.request_id,
            )
            return handover.to_proto(record)

    def GetHandover(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = uow.session.scalars(
                select(Handover).where(Handover.id == request.id, *_visible_handovers(principal))
            ).first()
            if row is None:
                raise NotFound(f"handover {request.id} not found")
            return handover.to_proto(row)

    def ListHandovers(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "user_id"})
        with self.database.unit_of_work(readonly=True) as uow:
            query = select(Handover).where(*_visible_handovers(principal))
            if request.user_id:
                query = query.where(
                    or_(
                        Handover.from_user_id == request.user_id,
                        Handover.to_user_id == request.user_id,
                    )
                )
            rows, next_token = keyset_page(
                uow.session,
                query,
                created_column=Handover.create_time,
                id_column=Handover.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return customer_pb2.ListHandoversResponse(
                handovers=[handover.to_proto(row) for row in rows], next_page_token=next_token
            )
