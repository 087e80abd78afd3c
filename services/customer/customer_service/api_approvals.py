"""Approval RPCs of ``crm.customer.v1.CustomerService``: the approvers' inbox and decisions on
held key-field changes (:mod:`customer_service.key_field_approvals`), the same shapes and rules
as the sales service's (``crm.common.v1`` approvals). Mixed into
:class:`customer_service.api.CustomerServicer`.

A request is visible to its requester, to whoever was ever to decide it and to whoever's data
scope reaches its customer; anyone else gets NOT_FOUND. Someone who sees it but is not a current
approver gets PERMISSION_DENIED on a decision.
"""

from __future__ import annotations

from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.approvals import machine, requests, views
from crm_shared.auth import current_principal
from crm_shared.auth.visibility import visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import Conflict, FieldViolation, InvalidArgument, NotFound, PermissionDenied
from crm_shared.grpc.fields import refuse_unsupported
from crm_shared.grpc.paging import keyset_page, page_size_of
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from customer_service import key_field_approvals, personal_data, profile, revisions
from customer_service.key_field_approvals import TABLES
from customer_service.models import ApprovalRequestRecord

COMMENT_LIMIT = 1000
STATUS_WORDS = {number: word for word, number in machine.STATUSES.items()}


class ApprovalRpcs:
    database: object  # set by CustomerServicer.__init__

    def ListApprovalRequests(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "box", "statuses", "subject_id"})
        if any(status not in STATUS_WORDS for status in request.statuses):
            raise InvalidArgument(FieldViolation("statuses", "holds an unspecified value"))
        model = ApprovalRequestRecord
        if request.box == customer_pb2.APPROVAL_BOX_REQUESTED_BY_ME:
            where = [model.requester_id == principal.user_id]
        elif request.box == customer_pb2.APPROVAL_BOX_VISIBLE:
            where = [
                or_(
                    model.requester_id == principal.user_id,
                    visibility_clause(principal, model.owner_id, model.department_path),
                    requests.decider_clause(TABLES, principal),
                )
            ]
        else:  # the inbox: what waits for the caller now
            where = [requests.open_clause(TABLES), requests.decider_clause(TABLES, principal)]
        if request.statuses:
            where.append(model.status.in_([STATUS_WORDS[s] for s in request.statuses]))
        if request.subject_id:
            where.append(model.subject_id == request.subject_id)
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page(
                uow.session,
                select(model).where(*where),
                created_column=model.create_time,
                id_column=model.id,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            # a role names people the index cannot list: keep those whose customer they may see
            rows = [row for row in rows if requests.may_see(principal, row)]
            return customer_pb2.ListApprovalRequestsResponse(
                approval_requests=[views.request_to_proto(row) for row in rows],
                next_page_token=token,
            )

    @staticmethod
    def _visible_request(uow, principal, request_id: str) -> ApprovalRequestRecord:
        row = uow.session.get(ApprovalRequestRecord, request_id) if request_id else None
        if row is None or not requests.may_see(principal, row):
            raise NotFound(f"approval request {request_id} not found")
        return row

    def GetApprovalRequest(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return views.request_to_proto(self._visible_request(uow, principal, request.id))

    def ApproveRequest(self, request, context):
        return self._decide(request, approve=True)

    def RejectRequest(self, request, context):
        return self._decide(request, approve=False)

    def _decide(self, request, *, approve: bool):
        principal = current_principal()
        refuse_unsupported(request, {"id", "comment", "etag"})
        comment = request.comment.strip()
        if len(comment) > COMMENT_LIMIT:
            raise InvalidArgument(
                FieldViolation("comment", f"must be at most {COMMENT_LIMIT} characters")
            )
        if not approve and not comment:
            raise InvalidArgument(FieldViolation("comment", "is required: say why"))
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                row = self._visible_request(uow, principal, request.id)
                if request.etag and request.etag != views.etag_of(row):
                    raise Conflict(f"approval request {row.id} changed since it was read")
                machine.require_open(row.status)
                if not requests.may_decide(principal, row):
                    raise PermissionDenied("you are not an approver of this request's step")
                outcome = requests.decide(
                    uow.session,
                    TABLES,
                    row,
                    principal.user_id,
                    approve=approve,
                    comment=comment,
                    now=now,
                )
                if outcome is not None:
                    self._settle_proposal(
                        uow,
                        row,
                        principal.user_id,
                        apply=outcome == machine.APPROVED,
                        comment=comment,
                        now=now,
                    )
                uow.session.flush()
                decided = views.request_to_proto(row)
                uow.emit(
                    events_pb2.ApprovalDecided(
                        approval_request=decided, actor_id=principal.user_id
                    ),
                    key=row.subject_id,
                )
                return decided
        except StaleDataError as exc:
            raise Conflict(
                f"approval request {request.id} was decided by someone else meanwhile"
            ) from exc

    def _settle_proposal(self, uow, row, actor_id: str, *, apply: bool, comment: str, now) -> None:
        """The held change of a decided request: applied as an update would (revision source
        ``approval``), or recorded as not applied (``approval_rejected``)."""
        readers = key_field_approvals.FieldReaders(
            self._record_fields_of, self._sensitive_fields_of
        )
        if not apply:
            key_field_approvals.record_not_applied(
                uow.session,
                row,
                actor_id=actor_id,
                comment=comment,
                keys=self._keys(),
                readers=readers,
                now=now,
            )
            return
        taken = key_field_approvals.take_proposal(
            uow.session, row, self._keys(), readers, now.date()
        )
        if taken is None:
            return
        customer, clean, secrets = taken
        changes = {
            path: (profile.text_of(old), profile.text_of(new))
            for path, (old, new) in profile.apply(customer, clean).items()
        }
        changes.update(self._store_secrets(uow.session, customer.id, secrets))
        if not changes:
            return
        customer.version += 1
        customer.update_time, customer.updated_by = now, actor_id
        self._refresh_completeness(uow.session, customer)
        revisions.record(
            uow.session,
            customer.id,
            changes,
            actor_id=actor_id,
            source=revisions.APPROVAL,
            now=now,
            correlation_id=row.id,
            comment=comment,
        )
        self._after_facts_changed(uow, customer, actor_id, now)
        updated = self._customer_proto(uow.session, customer)
        uow.emit(
            events_pb2.CustomerUpdated(
                customer=personal_data.for_event(updated),
                changed_fields=sorted(changes),
                actor_id=actor_id,
            ),
            key=customer.id,
        )
