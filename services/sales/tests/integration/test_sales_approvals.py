"""Approvals over the in-process sales api (real server bootstrap, tokens, migrated SQLite
database, the real customer api behind it): a quote whose discount the seeded policy holds
waits for the lead of its department, only then goes to the customer and becomes a contract;
a rejection puts it back to draft; the timer, on a clock the test controls, reminds, escalates
once and expires; the policy is data admins edit, and a request keeps the version that judged
it. (A 10 % discount is sent straight: test_sales_deals_api's quote → contract test.)"""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import approvals_pb2 as A
from crm.common.v1 import rules_pb2, types_pb2
from crm.sales.v1 import events_pb2, sales_pb2
from crm_shared.db import utcnow
from google.protobuf import duration_pb2, field_mask_pb2
from sales_service import approvals
from sales_service.models import ApprovalRequestRecord, DepartmentLead

pytestmark = pytest.mark.integration

TODAY = utcnow().date()


def cny(minor: int) -> types_pb2.Money:
    return types_pb2.Money(currency_code="CNY", amount_minor=minor)


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers):
    server = start_sales_api("sqlite", customers=sales_customers)
    now = utcnow()
    with server.database.unit_of_work() as uow:  # as the identity events left them
        for path, parent, lead in (
            ("/hq/sales", "/hq", "u-sales-lead"),
            ("/hq/sales/east", "/hq/sales", "u-east-lead"),
            ("/hq/sales/north", "/hq/sales", "u-north-lead"),
        ):
            uow.session.add(
                DepartmentLead(
                    path=path, parent_path=parent, lead_user_id=lead, revision=1, update_time=now
                )
            )
    return server


def sent_quote(api, discount_basis_points: int = 1500) -> sales_pb2.Quote:
    """A quote of u-rep (east) with that discount, sent."""
    stub = api.stub("u-rep")
    deal = stub.CreateOpportunity(
        sales_pb2.CreateOpportunityRequest(
            opportunity=sales_pb2.Opportunity(
                name="ACME - 50 seats",
                customer_id=api.customers.customer("u-rep"),
                amount=cny(5_000_000),
                expected_close_date=(TODAY + timedelta(days=30)).isoformat(),
            )
        )
    )
    quote = stub.CreateQuote(
        sales_pb2.CreateQuoteRequest(
            quote=sales_pb2.Quote(
                opportunity_id=deal.id,
                discount_basis_points=discount_basis_points,
                valid_until_date=(TODAY + timedelta(days=20)).isoformat(),
                line_items=[
                    sales_pb2.QuoteLineItem(
                        product_code="SEAT", quantity="50", unit_price=cny(100_000)
                    )
                ],
            )
        )
    )
    return stub.SendQuote(sales_pb2.SendQuoteRequest(id=quote.id))


def inbox(api, caller: str) -> list[str]:
    return [
        r.subject_id
        for r in api.stub(caller)
        .ListApprovalRequests(sales_pb2.ListApprovalRequestsRequest())
        .approval_requests
    ]


def approve(api, caller: str, request_id: str, comment: str = "同意"):
    return api.stub(caller).ApproveRequest(
        sales_pb2.ApproveRequestRequest(id=request_id, comment=comment)
    )


def actions(request: A.ApprovalRequest) -> list[tuple[int, str]]:
    return [(entry.action, entry.actor_id) for entry in request.history]


def test_a_15_percent_discount_waits_for_the_lead_and_only_then_becomes_a_contract(api, rpc_error):
    rep = api.stub("u-rep")
    quote = sent_quote(api, 1500)
    assert quote.status == sales_pb2.QUOTE_STATUS_PENDING_APPROVAL
    assert not [e for e in api.events("quote.sent", events_pb2.QuoteSent) if e.quote.id == quote.id]
    [requested] = [
        e.approval_request
        for e in api.events("sales.approval_requested", events_pb2.ApprovalRequested)
        if e.approval_request.subject_id == quote.id
    ]
    assert (
        requested.id,
        requested.status,
        list(requested.approver_ids),
        requested.requester_id,
        requested.policy_version,
        requested.subject_number,
    ) == (
        quote.approval_request_id,
        A.APPROVAL_STATUS_PENDING,
        ["u-east-lead"],
        "u-rep",
        1,
        quote.number,
    )
    assert "discount_basis_points" in requested.reason

    # locked while pending: not accepted, not a contract, not edited
    for call, request in (
        (rep.AcceptQuote, sales_pb2.AcceptQuoteRequest(id=quote.id)),
        (
            rep.CreateContract,
            sales_pb2.CreateContractRequest(
                contract=sales_pb2.Contract(
                    opportunity_id=quote.opportunity_id,
                    quote_id=quote.id,
                    amount=cny(1),
                    start_date=TODAY.isoformat(),
                    end_date=TODAY.isoformat(),
                )
            ),
        ),
        (
            rep.UpdateQuote,
            sales_pb2.UpdateQuoteRequest(
                quote=sales_pb2.Quote(id=quote.id, discount_basis_points=500),
                update_mask=field_mask_pb2.FieldMask(paths=["discount_basis_points"]),
            ),
        ),
    ):
        error = rpc_error(call, request)
        assert error.code is grpc.StatusCode.FAILED_PRECONDITION, error
    assert (
        "approval" in rpc_error(rep.AcceptQuote, sales_pb2.AcceptQuoteRequest(id=quote.id)).message
    )

    # who may decide: the east lead only; the requester sees it but may not; others do not see it
    assert quote.id in inbox(api, "u-east-lead")
    assert quote.id not in inbox(api, "u-north-lead") + inbox(api, "u-rep")
    assert rpc_error(approve, api, "u-rep", requested.id).code is grpc.StatusCode.PERMISSION_DENIED
    for outsider in ("u-north-lead", "u-rep-2"):
        assert rpc_error(approve, api, outsider, requested.id).code is grpc.StatusCode.NOT_FOUND
        assert (
            rpc_error(
                api.stub(outsider).GetApprovalRequest,
                sales_pb2.GetApprovalRequestRequest(id=requested.id),
            ).code
            is grpc.StatusCode.NOT_FOUND
        )

    decided = approve(api, "u-east-lead", requested.id, "折扣可以,客户量大")
    assert decided.status == A.APPROVAL_STATUS_APPROVED
    assert actions(decided) == [
        (A.APPROVAL_ACTION_REQUESTED, "u-rep"),
        (A.APPROVAL_ACTION_APPROVED, "u-east-lead"),
    ]
    assert decided.history[-1].comment == "折扣可以,客户量大"
    assert quote.id not in inbox(api, "u-east-lead")
    [decision] = [
        e
        for e in api.events("sales.approval_decided", events_pb2.ApprovalDecided)
        if e.approval_request.id == requested.id
    ]
    assert (decision.actor_id, decision.approval_request.status) == (
        "u-east-lead",
        A.APPROVAL_STATUS_APPROVED,
    )
    [sent] = [e for e in api.events("quote.sent", events_pb2.QuoteSent) if e.quote.id == quote.id]
    assert (sent.quote.status, sent.actor_id) == (sales_pb2.QUOTE_STATUS_SENT, "u-east-lead")
    assert (
        rpc_error(approve, api, "u-east-lead", requested.id).code
        is grpc.StatusCode.FAILED_PRECONDITION
    )

    rep.AcceptQuote(sales_pb2.AcceptQuoteRequest(id=quote.id))
    contract = rep.CreateContract(
        sales_pb2.CreateContractRequest(
            contract=sales_pb2.Contract(
                opportunity_id=quote.opportunity_id,
                quote_id=quote.id,
                amount=cny(4_250_000),
                start_date=TODAY.isoformat(),
                end_date=(TODAY + timedelta(days=364)).isoformat(),
            )
        )
    )
    assert contract.quote_id == quote.id


def test_a_rejection_needs_a_reason_and_puts_the_quote_back_to_draft(api, rpc_error, stored_rows):
    quote = sent_quote(api, 2000)
    lead = api.stub("u-east-lead")
    before = stored_rows(api)
    error = rpc_error(
        lead.RejectRequest,
        sales_pb2.RejectRequestRequest(id=quote.approval_request_id, comment="  "),
    )
    assert (error.code, [v.field for v in error.violations]) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        ["comment"],
    )
    assert stored_rows(api) == before
    rejected = lead.RejectRequest(
        sales_pb2.RejectRequestRequest(id=quote.approval_request_id, comment="折扣过高,最多 10%")
    )
    assert (rejected.status, actions(rejected)[-1], rejected.history[-1].comment) == (
        A.APPROVAL_STATUS_REJECTED,
        (A.APPROVAL_ACTION_REJECTED, "u-east-lead"),
        "折扣过高,最多 10%",
    )
    rep = api.stub("u-rep")
    again = rep.GetQuote(sales_pb2.GetQuoteRequest(id=quote.id))
    assert (again.status, again.approval_request_id) == (sales_pb2.QUOTE_STATUS_DRAFT, rejected.id)
    # the rep lowers the discount: now within the policy, it goes straight to the customer
    rep.UpdateQuote(
        sales_pb2.UpdateQuoteRequest(
            quote=sales_pb2.Quote(id=quote.id, discount_basis_points=1000),
            update_mask=field_mask_pb2.FieldMask(paths=["discount_basis_points"]),
        )
    )
    assert (
        rep.SendQuote(sales_pb2.SendQuoteRequest(id=quote.id)).status == sales_pb2.QUOTE_STATUS_SENT
    )
    assert [
        r.id
        for r in rep.ListApprovalRequests(
            sales_pb2.ListApprovalRequestsRequest(
                box=sales_pb2.APPROVAL_BOX_REQUESTED_BY_ME, subject_id=quote.id
            )
        ).approval_requests
    ] == [rejected.id]


def test_an_approval_not_decided_in_time_is_reminded_escalates_once_then_expires(api, rpc_error):
    quote = sent_quote(api, 1800)
    with api.database.unit_of_work(readonly=True) as uow:
        start = uow.session.get(ApprovalRequestRecord, quote.approval_request_id).create_time

    def fired(kind, message_type):
        return [
            e
            for e in api.events(kind, message_type)
            if e.approval_request.id == quote.approval_request_id
        ]

    approvals.scan(api.database, start + timedelta(hours=23))
    assert fired("sales.approval_reminder_due", events_pb2.ApprovalReminderDue) == []
    for hours in (24, 30):  # the seeded policy: reminded 24 h before its 48 h run out, once
        approvals.scan(api.database, start + timedelta(hours=hours))
    [reminded] = fired("sales.approval_reminder_due", events_pb2.ApprovalReminderDue)
    assert list(reminded.approval_request.approver_ids) == ["u-east-lead"]

    late = start + timedelta(hours=48)
    for tick in (late, late + timedelta(minutes=5)):
        approvals.scan(api.database, tick)
    [escalated] = fired("sales.approval_escalated", events_pb2.ApprovalEscalated)
    request = escalated.approval_request
    assert (request.status, list(request.approver_ids), request.due_time.ToDatetime()) == (
        A.APPROVAL_STATUS_ESCALATED,
        ["u-sales-lead"],
        (late + timedelta(hours=48)).replace(tzinfo=None),
    )
    assert quote.id in inbox(api, "u-sales-lead")
    assert quote.id not in inbox(api, "u-east-lead")
    assert (
        rpc_error(approve, api, "u-east-lead", request.id).code is grpc.StatusCode.PERMISSION_DENIED
    )

    approvals.scan(api.database, late + timedelta(hours=48))
    approvals.scan(api.database, late + timedelta(hours=49))
    assert len(fired("sales.approval_escalated", events_pb2.ApprovalEscalated)) == 1
    [expired] = fired("sales.approval_decided", events_pb2.ApprovalDecided)
    assert (
        expired.actor_id,
        expired.approval_request.status,
        [a for a, _ in actions(expired.approval_request)],
    ) == (
        "system",
        A.APPROVAL_STATUS_EXPIRED,
        [
            A.APPROVAL_ACTION_REQUESTED,
            A.APPROVAL_ACTION_REMINDED,
            A.APPROVAL_ACTION_ESCALATED,
            A.APPROVAL_ACTION_EXPIRED,
        ],
    )
    assert (
        api.stub("u-rep").GetQuote(sales_pb2.GetQuoteRequest(id=quote.id)).status
        == sales_pb2.QUOTE_STATUS_DRAFT
    )


def test_admins_edit_the_policy_and_a_request_keeps_the_version_that_judged_it(
    start_sales_api, sales_customers, rpc_error
):
    api = start_sales_api("sqlite", customers=sales_customers)  # its own policy to change
    admin = api.stub("u-admin")
    [seeded] = admin.ListApprovalPolicies(sales_pb2.ListApprovalPoliciesRequest()).policies
    assert (seeded.subject, seeded.version, seeded.steps[0].approver, seeded.enabled) == (
        A.APPROVAL_SUBJECT_QUOTE,
        1,
        A.APPROVER_KIND_DEPARTMENT_LEAD,
        True,
    )
    held = sent_quote(api, 1500)  # no lead known here: the admin role decides
    request = admin.GetApprovalRequest(
        sales_pb2.GetApprovalRequestRequest(id=held.approval_request_id)
    )
    assert (list(request.approver_ids), request.policy_version) == (["role:admin"], 1)

    raised = A.ApprovalPolicy(id=seeded.id, condition=seeded.condition)
    raised.condition.conditions[0].values[:] = ["2000"]
    mask = field_mask_pb2.FieldMask(paths=["condition"])
    assert (
        rpc_error(
            api.stub("u-sales-lead").UpdateApprovalPolicy,
            sales_pb2.UpdateApprovalPolicyRequest(policy=raised, update_mask=mask),
        ).code
        is grpc.StatusCode.PERMISSION_DENIED
    )
    bad = rpc_error(
        admin.UpdateApprovalPolicy,
        sales_pb2.UpdateApprovalPolicyRequest(
            policy=A.ApprovalPolicy(
                id=seeded.id, decision_period=duration_pb2.Duration(seconds=60)
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["decision_period", "steps"]),
        ),
    )
    assert (bad.code, sorted(v.field for v in bad.violations)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        ["policy.decision_period", "policy.reminder_before", "policy.steps"],
    )
    # a customer's key fields are the customer service's subject: not kept here
    elsewhere = rpc_error(
        admin.CreateApprovalPolicy,
        sales_pb2.CreateApprovalPolicyRequest(
            policy=A.ApprovalPolicy(
                display_name="修改银行账号",
                subject=A.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS,
                condition=rules_pb2.ConditionGroup(
                    conditions=[
                        rules_pb2.Condition(
                            field="changed_fields",
                            operator=rules_pb2.CONDITION_OPERATOR_CONTAINS_ANY,
                            values=["bank_account"],
                        )
                    ]
                ),
                steps=[A.ApprovalStep(approver=A.APPROVER_KIND_DEPARTMENT_LEAD)],
                decision_period=duration_pb2.Duration(seconds=86400),
            )
        ),
    )
    assert [v.field for v in elsewhere.violations] == ["policy.subject"]
    updated = admin.UpdateApprovalPolicy(
        sales_pb2.UpdateApprovalPolicyRequest(policy=raised, update_mask=mask)
    )
    assert (updated.version, updated.condition.conditions[0].values) == (2, ["2000"])
    assert (
        admin.GetApprovalRequest(
            sales_pb2.GetApprovalRequestRequest(id=held.approval_request_id)
        ).policy_version
        == 1
    )
    assert sent_quote(api, 1500).status == sales_pb2.QUOTE_STATUS_SENT
    assert sent_quote(api, 2500).status == sales_pb2.QUOTE_STATUS_PENDING_APPROVAL
