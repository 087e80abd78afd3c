"""Collaborators of an opportunity (team selling, issue 18): who sees an opportunity, and the
RPCs that change its collaborators (AddOpportunityCollaborator, RemoveOpportunityCollaborator,
ListOpportunityCollaborators), mixed into :class:`sales_service.api.SalesServicer`.

One rule, :func:`visible_clause`: an opportunity is seen by a caller whose data scope reaches it
(its owner, a lead of its department, ``all``) or by one of its collaborators. GetOpportunity,
ListOpportunities, the follow-up records naming it (:mod:`sales_service.activities`) and a
follow-up's check of the opportunity it names use it. Changing the opportunity (its fields,
stage, quotes, contracts) and its collaborators stays with the caller whose data scope reaches
it: a collaborator reads and records follow-ups; they get PERMISSION_DENIED when they try to
bring in others, everyone else NOT_FOUND. Collaborators are reps of the sales directory
(``sales_reps``): the service knows no one else.
"""

from __future__ import annotations

from crm.common.v1 import collaborators_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.auth import Principal, can_see, current_principal, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.enums import EnumNames
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.grpc.paging import keyset_page_by, page_size_of
from crm_shared.timestamps import to_timestamp
from google.protobuf import empty_pb2
from sqlalchemy import or_, select

from sales_service.models import Opportunity, OpportunityCollaborator, SalesRep

ROLES = EnumNames(collaborators_pb2.CollaboratorRole, "COLLABORATOR_ROLE_")


def collaborated(principal: Principal):
    """The ids of the opportunities the caller is a collaborator of, as a subquery."""
    return select(OpportunityCollaborator.opportunity_id).where(
        OpportunityCollaborator.user_id == principal.user_id
    )


def visible_clause(principal: Principal):
    """The one rule of who sees an opportunity, as SQL."""
    return or_(
        visibility_clause(principal, Opportunity.owner_id, Opportunity.department_path),
        Opportunity.id.in_(collaborated(principal)),
    )


def visible(session, principal: Principal, opportunity_id: str) -> Opportunity:
    """The opportunity the caller may see; NOT_FOUND otherwise."""
    found = (
        session.scalars(
            select(Opportunity).where(Opportunity.id == opportunity_id, visible_clause(principal))
        ).first()
        if opportunity_id
        else None
    )
    if found is None:
        raise NotFound(f"opportunity {opportunity_id} not found")
    return found


def to_proto(row: OpportunityCollaborator) -> collaborators_pb2.Collaborator:
    return collaborators_pb2.Collaborator(
        user_id=row.user_id,
        role=ROLES.value(row.role),
        added_by=row.added_by,
        add_time=to_timestamp(row.add_time),
    )


def _to_change(session, principal: Principal, opportunity_id: str) -> Opportunity:
    """The opportunity whose collaborators the caller may change (see the module docstring)."""
    row = visible(session, principal, opportunity_id)
    if not can_see(principal, owner_id=row.owner_id, department_path=row.department_path):
        raise PermissionDenied(
            "only the opportunity's owner, a lead whose data scope reaches it or an admin may "
            "change its collaborators"
        )
    return row


def _required(request, *names: str) -> list[FieldViolation]:
    return [
        FieldViolation(name, "is required") for name in names if not getattr(request, name).strip()
    ]


class OpportunityCollaboratorRpcs:
    database: object  # set by SalesServicer.__init__

    def AddOpportunityCollaborator(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"opportunity_id", "user_id", "role"})
        violations = _required(request, "opportunity_id", "user_id")
        role = ROLES.name(request.role)
        if not role:
            violations.append(
                FieldViolation("role", "must be co_owner, technical_support or service")
            )
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            session = uow.session
            opportunity = _to_change(session, principal, request.opportunity_id)
            rep = session.get(SalesRep, request.user_id)
            if rep is None or not rep.active:
                raise InvalidArgument(
                    FieldViolation("user_id", "is not an active rep of the sales directory")
                )
            if rep.user_id == opportunity.owner_id:
                raise InvalidArgument(FieldViolation("user_id", "owns the opportunity already"))
            row = session.get(OpportunityCollaborator, (opportunity.id, rep.user_id))
            if row is not None and row.role == role:
                return to_proto(row)  # a retry, or nothing to change
            if row is None:
                row = OpportunityCollaborator(opportunity_id=opportunity.id, user_id=rep.user_id)
                session.add(row)
            row.role, row.added_by, row.add_time = role, principal.user_id, utcnow()
            session.flush()
            added = to_proto(row)
            uow.emit(
                events_pb2.OpportunityCollaboratorAdded(
                    opportunity_id=opportunity.id,
                    customer_id=opportunity.customer_id,
                    collaborator=added,
                ),
                key=opportunity.id,
            )
            return added

    def RemoveOpportunityCollaborator(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"opportunity_id", "user_id"})
        violations = _required(request, "opportunity_id", "user_id")
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work() as uow:
            opportunity = _to_change(uow.session, principal, request.opportunity_id)
            row = uow.session.get(OpportunityCollaborator, (opportunity.id, request.user_id))
            if row is not None:
                uow.session.delete(row)
                uow.emit(
                    events_pb2.OpportunityCollaboratorRemoved(
                        opportunity_id=opportunity.id,
                        customer_id=opportunity.customer_id,
                        user_id=row.user_id,
                        role=ROLES.value(row.role),
                        actor_id=principal.user_id,
                    ),
                    key=opportunity.id,
                )
        return empty_pb2.Empty()

    def ListOpportunityCollaborators(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"opportunity_id", "page_size", "page_token"})
        violations = _required(request, "opportunity_id")
        if violations:
            raise InvalidArgument(violations)
        with self.database.unit_of_work(readonly=True) as uow:
            opportunity = visible(uow.session, principal, request.opportunity_id)
            rows, next_token = keyset_page_by(
                uow.session,
                select(OpportunityCollaborator).where(
                    OpportunityCollaborator.opportunity_id == opportunity.id
                ),
                order_column=OpportunityCollaborator.add_time,
                id_column=OpportunityCollaborator.user_id,
                descending=False,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return sales_pb2.ListOpportunityCollaboratorsResponse(
                collaborators=[to_proto(row) for row in rows], next_page_token=next_token
            )
