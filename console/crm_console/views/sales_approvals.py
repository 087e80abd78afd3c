"""The approver's inbox (issue 18; seed 003 审批流程): the quotes whose discount waits for this
user's decision, each decided on the page with a comment (required to reject), and the
requests this user asked for with where they stand.

Everything shown is what the sales service answers for this user (``ListApprovalRequests``):
it decides who is an approver (the requester's department lead, a role, named users), and
refuses anyone else; the page only lists and posts the decision.
"""

from __future__ import annotations

from crm.common.v1 import approvals_pb2
from crm.sales.v1 import sales_pb2
from flask import Blueprint, redirect, render_template, request, url_for

from crm_console.i18n import N_
from crm_console.navigation import SALES_LEADS, NavItem
from crm_console.refusals import Refusal
from crm_console.rpc import call
from crm_console.views.customers import owner_names

blueprint = Blueprint("sales_approvals", __name__, url_prefix="/sales")
NAV = [
    NavItem(
        "sales_approvals.inbox", N_("Approvals"), roles=SALES_LEADS, order=44, section=N_("Sales")
    )
]
STATUS_LABELS = {
    approvals_pb2.APPROVAL_STATUS_PENDING: N_("Waiting"),
    approvals_pb2.APPROVAL_STATUS_ESCALATED: N_("Escalated"),
    approvals_pb2.APPROVAL_STATUS_APPROVED: N_("Approved"),
    approvals_pb2.APPROVAL_STATUS_REJECTED: N_("Rejected"),
    approvals_pb2.APPROVAL_STATUS_EXPIRED: N_("Expired"),
}
ACTION_LABELS = {
    approvals_pb2.APPROVAL_ACTION_REQUESTED: N_("Requested"),
    approvals_pb2.APPROVAL_ACTION_APPROVED: N_("Approved"),
    approvals_pb2.APPROVAL_ACTION_REJECTED: N_("Rejected"),
    approvals_pb2.APPROVAL_ACTION_REMINDED: N_("Reminded"),
    approvals_pb2.APPROVAL_ACTION_ESCALATED: N_("Escalated"),
    approvals_pb2.APPROVAL_ACTION_EXPIRED: N_("Expired"),
}


def _listed(box: int) -> list:
    return list(
        call(
            "sales", "ListApprovalRequests", sales_pb2.ListApprovalRequestsRequest(box=box)
        ).approval_requests
    )


def _policy_names(requests: list) -> dict[str, str]:
    """Policy id → the name its administrators gave it ("报价折扣超过 10% 需部门负责人审批"),
    which says why in the reader's terms; the request's own ``reason`` is the condition in the
    service's field names, shown only when the policy cannot be read."""
    names: dict[str, str] = {}
    for policy_id in {r.policy_id for r in requests if r.policy_id}:
        try:
            policy = call(
                "sales", "GetApprovalPolicy", sales_pb2.GetApprovalPolicyRequest(id=policy_id)
            )
        except Refusal:
            continue
        names[policy_id] = policy.display_name
    return names


def _page(errors: dict[str, dict[str, str]], values: dict[str, dict[str, str]], status=200):
    waiting = _listed(sales_pb2.APPROVAL_BOX_AWAITING_ME)
    mine = _listed(sales_pb2.APPROVAL_BOX_REQUESTED_BY_ME)
    return render_template(
        "sales/approvals.html",
        waiting=waiting,
        mine=mine,
        people=owner_names(),
        policy_names=_policy_names([*waiting, *mine]),
        status_labels=STATUS_LABELS,
        action_labels=ACTION_LABELS,
        errors=errors,
        values=values,
    ), status


@blueprint.get("/approvals")
def inbox():
    return _page({}, {})


@blueprint.post("/approvals/<request_id>")
def decide(request_id: str):
    """Approve or reject one request; a refusal the reader can act on (a missing comment, a
    request decided meanwhile) is shown next to that request's form, the comment kept."""
    comment = request.form.get("comment", "")
    approve = request.form.get("decision") == "approve"
    method, message = (
        ("ApproveRequest", sales_pb2.ApproveRequestRequest)
        if approve
        else ("RejectRequest", sales_pb2.RejectRequestRequest)
    )
    try:
        call(
            "sales",
            method,
            message(id=request_id, comment=comment, etag=request.form.get("etag", "")),
        )
    except Refusal as refusal:
        if refusal.status not in (400, 403, 404, 409, 422) and not refusal.field_errors:
            raise
        found = dict(refusal.field_errors) or {"": refusal.message}
        return _page({request_id: found}, {request_id: {"comment": comment}}, 422)
    return redirect(url_for("sales_approvals.inbox"))
