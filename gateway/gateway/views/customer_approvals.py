"""REST over gRPC: approvals of customer key-field changes (issue 18, seed 002 修订机制) - the
approver's inbox and decisions, the same shapes as the sales approvals (``sales_approvals``).

``GET /api/v1/customers/approval-requests`` lists the requests waiting for the caller (``box``:
``awaiting_me`` by default, ``requested_by_me``, ``visible``); ``GET .../{id}`` is one with its
history; ``POST .../{id}/approve`` applies the held change, ``.../{id}/reject`` (comment
required) keeps the customer's values. Translation only: the customer service checks who may see
and decide what (it sees the forwarded token).
"""

from __future__ import annotations

from crm.common.v1 import approvals_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.protojson import enum_number, to_json
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from gateway.endpoints import operation
from gateway.peers import call
from gateway.views import json_response
from gateway.views.sales_approvals import (
    ApprovalRequest,
    ApprovalRequestPage,
    ApprovalRequestQuery,
    Decision,
    RequestPath,
)

PEER = "customer"
SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
REQUESTS = "/api/v1/customers/approval-requests"


def register(app, deps) -> None:
    """Adds this module's routes to the app."""
    api = APIBlueprint("customer_approvals", __name__, abp_tags=[Tag(name="approvals")])

    def rpc(method: str, request):
        stub = deps.peers.stub(PEER, SERVICE, customer_pb2_grpc.CustomerServiceStub)
        return call(PEER, getattr(stub, method), request)

    def reply(model: type[BaseModel], message):
        return json_response(model.model_validate(to_json(message)))

    one = f"{REQUESTS}/<request_id>"

    @operation(
        api,
        "get",
        REQUESTS,
        operation_id="listCustomerApprovalRequests",
        summary="The key-field changes waiting for the caller's approval (or theirs, or visible)",
        responses={200: ApprovalRequestPage},
        calls_services=True,
    )
    def list_requests(query: ApprovalRequestQuery):
        return reply(
            ApprovalRequestPage,
            rpc(
                "ListApprovalRequests",
                customer_pb2.ListApprovalRequestsRequest(
                    page_size=query.page_size or 0,
                    page_token=query.page_token,
                    box=enum_number(customer_pb2.ApprovalBox.DESCRIPTOR, query.box),
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
        operation_id="getCustomerApprovalRequest",
        summary="A key-field change's approval request with its history",
        responses={200: ApprovalRequest},
        calls_services=True,
    )
    def get_request(path: RequestPath):
        return reply(
            ApprovalRequest,
            rpc("GetApprovalRequest", customer_pb2.GetApprovalRequestRequest(id=path.request_id)),
        )

    @operation(
        api,
        "post",
        f"{one}/approve",
        operation_id="approveCustomerRequest",
        summary="Approve the held key-field change (its approvers only)",
        description="After the last step the change is applied (history source `approval`). "
        "Publishes `customer.approval_decided`.",
        responses={200: ApprovalRequest},
        calls_services=True,
    )
    def approve(path: RequestPath, body: Decision):
        return reply(
            ApprovalRequest,
            rpc(
                "ApproveRequest",
                customer_pb2.ApproveRequestRequest(
                    id=path.request_id, comment=body.comment, etag=body.etag
                ),
            ),
        )

    @operation(
        api,
        "post",
        f"{one}/reject",
        operation_id="rejectCustomerRequest",
        summary="Reject the held key-field change with a comment (its approvers only)",
        description="The customer keeps its values; the history records the change not applied "
        "(source `approval_rejected`, with the comment). Publishes `customer.approval_decided`.",
        responses={200: ApprovalRequest},
        calls_services=True,
    )
    def reject(path: RequestPath, body: Decision):
        return reply(
            ApprovalRequest,
            rpc(
                "RejectRequest",
                customer_pb2.RejectRequestRequest(
                    id=path.request_id, comment=body.comment, etag=body.etag
                ),
            ),
        )

    app.register_api(api)
