"""Approval RPCs of ``crm.sales.v1.SalesService``: the approvers' inbox and decisions, and the
approval policies admins edit. Mixed into :class:`sales_service.api.SalesServicer`; the rules
are :mod:`crm_shared.approvals`, the sales side :mod:`sales_service.approvals`.

A request is visible to its requester, to whoever was ever to decide it and to whoever's data
scope reaches its quote; anyone else gets NOT_FOUND. Someone who sees it but is not a current
approver gets PERMISSION_DENIED on a decision.
"""

from __future__ import annotations

import uuid

from crm.common.v1 import approvals_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.approvals import approvers, machine, policies, views
from crm_shared.auth import current_principal
from crm_shared.auth.visibility import can_see, visibility_clause
from crm_shared.db import utcnow
from crm_shared.errors import (
    Conflict,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from crm_shared.grpc.fields import refuse_unsupported, request_id_violations, unsupported_fields
from crm_shared.grpc.paging import keyset_page, keyset_page_by, page_size_of
from crm_shared.repeated_requests import earlier_request
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from sales_service import approvals
from sales_service.models import ApprovalPolicyRecord, ApprovalRequestRecord

COMMENT_LIMIT = 1000
POLICY_FIELDS = {"display_name", "subject", "enabled", "priority", *policies.RULE_FIELDS}
POLICY_UPDATE = POLICY_FIELDS - {"subject"}
POLICY_OUTPUT = {"id", "version", "update_time", "updated_by", "etag"}
STATUS_WORDS = {number: word for word, number in machine.STATUSES.items()}
SUBJECTS = {approvals_pb2.APPROVAL_SUBJECT_QUOTE}
"""The subjects whose policies the sales service keeps and judges."""


class ApprovalRpcs:
    database: object  # set by SalesServicer.__init__

    # -- requests -------------------------------------------------------------------------------

    def ListApprovalRequests(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"page_size", "page_token", "box", "statuses", "subject_id"})
        if any(status not in STATUS_WORDS for status in request.statuses):
            raise InvalidArgument(FieldViolation("statuses", "holds an unspecified value"))
        model = ApprovalRequestRecord
        if request.box == sales_pb2.APPROVAL_BOX_REQUESTED_BY_ME:
            where = [model.requester_id == principal.user_id]
        elif request.box == sales_pb2.APPROVAL_BOX_VISIBLE:
            where = [
                or_(
                    model.requester_id == principal.user_id,
                    visibility_clause(principal, model.owner_id, model.department_path),
                    approvals.decider_clause(principal),
                )
            ]
        else:  # the inbox: what waits for the caller now
            where = [approvals.open_clause(), approvals.decider_clause(principal)]
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
            # a role names people the index cannot list: keep those whose quote they may see
            rows = [row for row in rows if approvals.may_see(principal, row)]
            return sales_pb2.ListApprovalRequestsResponse(
                approval_requests=[views.request_to_proto(row) for row in rows],
                next_page_token=token,
            )

    @staticmethod
    def _visible_request(uow, principal, request_id: str) -> ApprovalRequestRecord:
        row = uow.session.get(ApprovalRequestRecord, request_id) if request_id else None
        if row is None or not approvals.may_see(principal, row):
            raise NotFound(f"approval request {request_id} not found")
        return row

    def GetApprovalRequest(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            return views.request_to_proto(self._visible_request(uow, principal, request.id))

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
                if not approvers.may_decide(
                    row.approver_ids,
                    principal,
                    sees_record=can_see(
                        principal, owner_id=row.owner_id, department_path=row.department_path
                    ),
                ):
                    raise PermissionDenied("you are not an approver of this request's step")

                def send(quote):
                    self._mark_sent(uow, quote, principal.user_id, now)

                approvals.decide(
                    uow, row, principal, approve=approve, comment=comment, now=now, on_approved=send
                )
                return views.request_to_proto(row)
        except StaleDataError as exc:
            raise Conflict(
                f"approval request {request.id} was decided by someone else meanwhile"
            ) from exc

    def ApproveRequest(self, request, context):
        return self._decide(request, approve=True)

    def RejectRequest(self, request, context):
        return self._decide(request, approve=False)

    # -- policies -------------------------------------------------------------------------------

    def CreateApprovalPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "request_id"})
        data = request.policy
        problems = unsupported_fields(data, POLICY_FIELDS, prefix="policy.", ignored=POLICY_OUTPUT)
        problems += policies.violations(data)
        if data.subject and data.subject not in SUBJECTS:
            # another service's subject (a customer's key fields): its policies live there
            problems.append(FieldViolation("policy.subject", "is not a sales subject"))
        problems += request_id_violations(request.request_id)
        if problems:
            raise InvalidArgument(problems)
        now = utcnow()
        with self.database.unit_of_work() as uow:
            earlier = earlier_request(
                uow.session, ApprovalPolicyRecord, request.request_id, principal.user_id
            )
            if earlier is not None:
                return views.policy_to_proto(earlier)
            row = ApprovalPolicyRecord(
                id=str(uuid.uuid4()),
                display_name=data.display_name.strip(),
                subject=policies.SUBJECT_WORDS[data.subject],
                rules=policies.rules_document(data),
                enabled=data.enabled,
                priority=data.priority,
                create_time=now,
                update_time=now,
                created_by=principal.user_id,
                updated_by=principal.user_id,
                request_id=request.request_id or None,
            )
            uow.session.add(row)
            uow.session.flush()
            return views.policy_to_proto(row)

    def GetApprovalPolicy(self, request, context):
        refuse_unsupported(request, {"id"})
        with self.database.unit_of_work(readonly=True) as uow:
            row = uow.session.get(ApprovalPolicyRecord, request.id) if request.id else None
            if row is None:
                raise NotFound(f"approval policy {request.id} not found")
            return views.policy_to_proto(row)

    def ListApprovalPolicies(self, request, context):
        refuse_unsupported(request, {"page_size", "page_token", "subject"})
        query = select(ApprovalPolicyRecord)
        if request.subject:
            if request.subject not in policies.SUBJECT_WORDS:
                raise InvalidArgument(FieldViolation("subject", "is not a known subject"))
            query = query.where(
                ApprovalPolicyRecord.subject == policies.SUBJECT_WORDS[request.subject]
            )
        with self.database.unit_of_work(readonly=True) as uow:
            rows, token = keyset_page_by(
                uow.session,
                query,
                order_column=ApprovalPolicyRecord.priority,
                id_column=ApprovalPolicyRecord.id,
                descending=False,
                page_size=page_size_of(request.page_size),
                page_token=request.page_token,
            )
            return sales_pb2.ListApprovalPoliciesResponse(
                policies=[views.policy_to_proto(row) for row in rows], next_page_token=token
            )

    def UpdateApprovalPolicy(self, request, context):
        principal = current_principal()
        refuse_unsupported(request, {"policy", "update_mask"})
        data = request.policy
        paths = set(request.update_mask.paths)
        problems = []
        if not paths:
            problems.append(FieldViolation("update_mask", "must name the fields to change"))
        for path in sorted(paths - POLICY_UPDATE):
            problems.append(FieldViolation("update_mask", f"`{path}` cannot be updated"))
        if problems:
            raise InvalidArgument(problems)
        now = utcnow()
        try:
            with self.database.unit_of_work() as uow:
                row = uow.session.get(ApprovalPolicyRecord, data.id) if data.id else None
                if row is None:
                    raise NotFound(f"approval policy {data.id} not found")
                if data.etag and data.etag != views.etag_of(row):
                    raise Conflict(f"approval policy {row.id} changed since it was read")
                merged = views.policy_to_proto(row)
                for path in paths:
                    if path in ("steps",):
                        del merged.steps[:]
                        merged.steps.extend(data.steps)
                    elif path in ("condition", "decision_period", "reminder_before", "escalate_to"):
                        getattr(merged, path).CopyFrom(getattr(data, path))
                    else:
                        setattr(merged, path, getattr(data, path))
                # the whole policy must still hold together (a reminder within the period)
                problems = policies.violations(
                    merged,
                    paths=paths | ({"reminder_before"} if "decision_period" in paths else set()),
                )
                if problems:
                    raise InvalidArgument(problems)
                row.display_name = merged.display_name.strip()
                row.enabled, row.priority = merged.enabled, merged.priority
                row.rules = policies.rules_document(merged)
                row.update_time, row.updated_by = now, principal.user_id
                uow.session.flush()
                return views.policy_to_proto(row)
        except StaleDataError as exc:
            raise Conflict(
                f"approval policy {data.id} was changed by someone else meanwhile"
            ) from exc
