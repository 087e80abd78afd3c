"""REST over gRPC: approvals (issue 18) - the approver's inbox and decisions, and the approval
policies admins edit.

``GET /api/v1/sales/approval-requests`` lists the requests waiting for the caller (``box``:
``awaiting_me`` by default, ``requested_by_me``, ``visible``); ``GET .../{id}`` is one with its
history; ``POST .../{id}/approve`` and ``.../{id}/reject`` decide it with a comment (required to
reject). ``/api/v1/sales/approval-policies``: list, get, create and ``PATCH`` (admins; each
change raises the policy's version). Translation only: the sales service checks who may see and
decide what (it sees the forwarded token); its field violations come back as field errors.
"""

from __future__ import annotations

from datetime import timedelta

from crm.common.v1 import approvals_pb2
from crm.sales.v1 import sales_pb2, sales_pb2_grpc
from crm_shared.auth import current_principal
from crm_shared.protojson import enum_number, from_json, to_json
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from gateway.endpoints import operation
from gateway.idempotency import current_key
from gateway.peers import call
from gateway.views import json_response
from gateway.views.customers import idempotency_request_id
from gateway.views.sales_leads_schemas import LeadConditionGroup
from gateway.views.ticket_schemas import TicketPageQuery, partial_model, words

PEER = "sales"
SERVICE = sales_pb2.DESCRIPTOR.services_by_name["SalesService"]
REQUESTS = "/api/v1/sales/approval-requests"
POLICIES = "/api/v1/sales/approval-policies"

StatusWord = words(approvals_pb2.ApprovalStatus)
BoxWord = words(sales_pb2.ApprovalBox)
STAMP = "2026-12-08T02:00:00Z"
STEP_EXAMPLE = {"approver": "department_lead", "role": "", "user_ids": []}
POLICY_BODY = {
    "display_name": "报价折扣超过 10% 需部门负责人审批",
    "subject": "quote",
    "condition": {
        "match": "all",
        "conditions": [
            {"field": "discount_basis_points", "operator": "greater_than", "values": ["1000"]}
        ],
        "groups": [],
    },
    "steps": [STEP_EXAMPLE],
    "decision_period": "P2D",
    "reminder_before": "P1D",
    "escalate_to": {"approver": "parent_department_lead", "role": "", "user_ids": []},
    "on_timeout": "expire",
    "enabled": True,
    "priority": 100,
}
POLICY_EXAMPLE = {
    "id": "5f0e2a4c-6b1d-4c8e-9a37-0d2b6f81c5e3",
    **POLICY_BODY,
    "version": 2,
    "update_time": STAMP,
    "updated_by": "u-admin",
    "etag": 'W/"2"',
}
REQUEST_EXAMPLE = {
    "id": "8a1b2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d",
    "subject": "quote",
    "subject_id": "3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f",
    "subject_number": "Q20261208-0003",
    "reason": "discount_basis_points > 1000",
    "policy_id": POLICY_EXAMPLE["id"],
    "policy_version": 1,
    "status": "pending",
    "step": 0,
    "approver_ids": ["u-east-lead"],
    "requester_id": "u-rep",
    "owner_id": "u-rep",
    "department_path": "/hq/sales/east",
    "due_time": "2026-12-10T02:00:00Z",
    "history": [
        {
            "action": "requested",
            "actor_id": "u-rep",
            "comment": "",
            "event_time": STAMP,
            "step": 0,
            "approver_ids": ["u-east-lead"],
        }
    ],
    "create_time": STAMP,
    "decide_time": None,
    "etag": 'W/"1"',
}


class ApprovalStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver: words(approvals_pb2.ApproverKind) = Field(  # type: ignore[valid-type]
        description="`department_lead` (of the requester's department; the one above when "
        "the requester leads it), `parent_department_lead`, `role` or `users`."
    )
    role: str = Field("", max_length=64, description="For `role`.")
    user_ids: list[str] = Field(
        default_factory=list, max_length=20, description="For `users`: any one of them decides."
    )


class _PolicyFields(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    condition: LeadConditionGroup = Field(
        description="Over the subject's fields: a quote's `discount_basis_points`, "
        "`max_line_discount_basis_points`, `total` (minor units), `currency_code`."
    )
    steps: list[ApprovalStep] = Field(
        min_length=1,
        max_length=5,
        description="In sequence; each decided by any one of its approvers.",
    )
    decision_period: timedelta = Field(description="Time each step has (1 hour to 30 days).")
    reminder_before: timedelta | None = Field(
        None, description="Reminder this long before a step's time runs out."
    )
    escalate_to: ApprovalStep | None = Field(
        None, description="Who decides once it ran out (once per request)."
    )
    on_timeout: words(approvals_pb2.ApprovalTimeoutAction) | None = None  # type: ignore[valid-type]
    enabled: bool = True
    priority: int = Field(100, ge=0, le=1_000_000, description="Evaluation order, lowest first.")


class ApprovalPolicyCreate(_PolicyFields):
    """An approval policy: which records of a subject wait for whose approval."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [POLICY_BODY]})

    subject: words(approvals_pb2.ApprovalSubject)  # type: ignore[valid-type]


ApprovalPolicyUpdate = partial_model(
    _PolicyFields,
    "ApprovalPolicyUpdate",
    "The fields of the policy to change.",
    [{"enabled": False}, {"decision_period": "P1D"}],
)


class ApprovalPolicy(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [POLICY_EXAMPLE]})

    id: str
    display_name: str
    subject: str
    condition: LeadConditionGroup | None = None
    steps: list[ApprovalStep] = Field(default_factory=list)
    decision_period: timedelta | None = None
    reminder_before: timedelta | None = None
    escalate_to: ApprovalStep | None = None
    on_timeout: str | None = None
    enabled: bool = False
    priority: int = 0
    version: int
    update_time: str | None = None
    updated_by: str = ""
    etag: str


class ApprovalPolicyPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"policies": [POLICY_EXAMPLE], "next_page_token": ""}]},
    )

    policies: list[ApprovalPolicy] = Field(description="In evaluation order.")
    next_page_token: str = ""


class ApprovalHistoryEntry(BaseModel):
    action: str = Field(
        description="`requested`, `approved`, `rejected`, `reminded`, `escalated` or `expired`."
    )
    actor_id: str = Field(description="`system` for the timer.")
    comment: str = ""
    event_time: str | None = None
    step: int = 0
    approver_ids: list[str] = Field(default_factory=list)


class ApprovalRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [REQUEST_EXAMPLE]})

    id: str
    subject: str
    subject_id: str
    subject_number: str
    reason: str
    policy_id: str
    policy_version: int
    status: StatusWord  # type: ignore[valid-type]
    step: int = 0
    approver_ids: list[str] = Field(
        default_factory=list, description="User ids, and `role:<name>` for a role."
    )
    requester_id: str
    owner_id: str
    department_path: str
    due_time: str | None = None
    history: list[ApprovalHistoryEntry] = Field(default_factory=list)
    create_time: str | None = None
    decide_time: str | None = None
    etag: str


class ApprovalRequestPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"approval_requests": [REQUEST_EXAMPLE], "next_page_token": ""}]
        },
    )

    approval_requests: list[ApprovalRequest] = Field(description="Newest first.")
    next_page_token: str = ""


class ApprovalRequestQuery(TicketPageQuery):
    box: BoxWord | None = Field(  # type: ignore[valid-type]
        None, description="`awaiting_me` (default: the inbox), `requested_by_me` or `visible`."
    )
    status: list[StatusWord] = Field(
        default_factory=list,  # type: ignore[valid-type]
        description="Any of these statuses.",
    )
    subject_id: str = Field("", max_length=64, description="Only the requests of this record.")


class ApprovalPolicyQuery(TicketPageQuery):
    subject: words(approvals_pb2.ApprovalSubject) | None = None  # type: ignore[valid-type]


class RequestPath(BaseModel):
    request_id: str = Field(min_length=1, max_length=64)


class PolicyPath(BaseModel):
    policy_id: str = Field(min_length=1, max_length=64)


class Decision(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"comment": "折扣可以,客户量大", "etag": 'W/"1"'}]},
    )

    comment: str = Field("", max_length=1000, description="Why; required to reject.")
    etag: str = Field(
        "", max_length=64, description="The request's etag when read: a stale one is a conflict."
    )


def _sent(body: BaseModel, *, sent_only: bool = False) -> dict:
    data = body.model_dump(mode="json", exclude_unset=sent_only)
    return {k: v for k, v in data.items() if v is not None}


def register(app, deps) -> None:
    """Adds this module's routes to the app."""
    api = APIBlueprint("sales_approvals", __name__, abp_tags=[Tag(name="approvals")])

    def rpc(method: str, request, *, field_prefix: str = ""):
        stub = deps.peers.stub(PEER, SERVICE, sales_pb2_grpc.SalesServiceStub)
        return call(PEER, getattr(stub, method), request, field_prefix=field_prefix)

    def reply(model: type[BaseModel], message, status: int = 200, location: str = ""):
        headers = {"Location": location} if location else None
        return json_response(model.model_validate(to_json(message)), status=status, headers=headers)

    one = f"{REQUESTS}/<request_id>"

    @operation(
        api,
        "get",
        REQUESTS,
        operation_id="listApprovalRequests",
        summary="The approval requests waiting for the caller (or theirs, or visible)",
        responses={200: ApprovalRequestPage},
        calls_services=True,
    )
    def list_requests(query: ApprovalRequestQuery):
        return reply(
            ApprovalRequestPage,
            rpc(
                "ListApprovalRequests",
                sales_pb2.ListApprovalRequestsRequest(
                    page_size=query.page_size or 0,
                    page_token=query.page_token,
                    box=enum_number(sales_pb2.ApprovalBox.DESCRIPTOR, query.box),
                    statuses=[
                        enum_number(approvals_pb2.ApprovalStatus.DESCRIPTOR, word)
                        for word in query.status
                    ],
                    subject_id=query.subject_id,
                ),
            ),
        )

    @operation(
        api,
        "get",
        one,
        operation_id="getApprovalRequest",
        summary="An approval request with its history",
        responses={200: ApprovalRequest},
        calls_services=True,
    )
    def get_request(path: RequestPath):
        return reply(
            ApprovalRequest,
            rpc("GetApprovalRequest", sales_pb2.GetApprovalRequestRequest(id=path.request_id)),
        )

    @operation(
        api,
        "post",
        f"{one}/approve",
        operation_id="approveRequest",
        summary="Approve the request's current step (its approvers only)",
        description="After the last step the record moves on (a quote is sent). "
        "Publishes `sales.approval_decided`.",
        responses={200: ApprovalRequest},
        calls_services=True,
    )
    def approve(path: RequestPath, body: Decision):
        return reply(
            ApprovalRequest,
            rpc(
                "ApproveRequest",
                sales_pb2.ApproveRequestRequest(
                    id=path.request_id, comment=body.comment, etag=body.etag
                ),
            ),
        )

    @operation(
        api,
        "post",
        f"{one}/reject",
        operation_id="rejectRequest",
        summary="Reject the request with a comment (its approvers only)",
        description="The record is back where it was (a quote: draft). Publishes "
        "`sales.approval_decided`.",
        responses={200: ApprovalRequest},
        calls_services=True,
    )
    def reject(path: RequestPath, body: Decision):
        return reply(
            ApprovalRequest,
            rpc(
                "RejectRequest",
                sales_pb2.RejectRequestRequest(
                    id=path.request_id, comment=body.comment, etag=body.etag
                ),
            ),
        )

    policy = f"{POLICIES}/<policy_id>"

    @operation(
        api,
        "get",
        POLICIES,
        operation_id="listApprovalPolicies",
        summary="The approval policies in evaluation order",
        responses={200: ApprovalPolicyPage},
        calls_services=True,
    )
    def list_policies(query: ApprovalPolicyQuery):
        return reply(
            ApprovalPolicyPage,
            rpc(
                "ListApprovalPolicies",
                sales_pb2.ListApprovalPoliciesRequest(
                    page_size=query.page_size or 0,
                    page_token=query.page_token,
                    subject=enum_number(approvals_pb2.ApprovalSubject.DESCRIPTOR, query.subject),
                ),
            ),
        )

    @operation(
        api,
        "get",
        policy,
        operation_id="getApprovalPolicy",
        summary="An approval policy",
        responses={200: ApprovalPolicy},
        calls_services=True,
    )
    def get_policy(path: PolicyPath):
        return reply(
            ApprovalPolicy,
            rpc("GetApprovalPolicy", sales_pb2.GetApprovalPolicyRequest(id=path.policy_id)),
        )

    @operation(
        api,
        "post",
        POLICIES,
        operation_id="createApprovalPolicy",
        summary="Create an approval policy (admins)",
        responses={201: ApprovalPolicy},
        calls_services=True,
        creates=True,
        response_headers={201: ["Location"]},
    )
    def create_policy(body: ApprovalPolicyCreate):
        created = rpc(
            "CreateApprovalPolicy",
            sales_pb2.CreateApprovalPolicyRequest(
                policy=from_json(_sent(body), approvals_pb2.ApprovalPolicy()),
                request_id=idempotency_request_id(current_principal().user_id, current_key()),
            ),
            field_prefix="policy.",
        )
        return reply(ApprovalPolicy, created, 201, f"{POLICIES}/{created.id}")

    @operation(
        api,
        "patch",
        policy,
        operation_id="updateApprovalPolicy",
        summary="Change an approval policy (admins); its version goes up",
        description="Requests already made keep the version that judged them.",
        responses={200: ApprovalPolicy},
        calls_services=True,
    )
    def update_policy(path: PolicyPath, body: ApprovalPolicyUpdate):  # type: ignore[valid-type]
        changes = _sent(body, sent_only=True)
        request = sales_pb2.UpdateApprovalPolicyRequest(
            policy=from_json(changes, approvals_pb2.ApprovalPolicy(id=path.policy_id))
        )
        request.update_mask.paths.extend(sorted(changes))
        return reply(ApprovalPolicy, rpc("UpdateApprovalPolicy", request, field_prefix="policy."))

    app.register_api(api)
