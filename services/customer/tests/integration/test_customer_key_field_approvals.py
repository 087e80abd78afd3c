"""Key-field changes wait as proposed revisions (issue 18, seed 002: 关键客户资料的修改需要通过
"修订机制"): a change to a customer's bank account, legal name or registration number is held by
the seeded approval policy for the owner's department lead; rejected, the old value stays and the
rejection is in the revision history; approved, the change is applied with a revision of source
approval.

The real customer api in-process on a migrated SQLite database (``start_customer_api``); the
outbox relay is off, so the events a call wrote are read from the outbox. The department lead
arrives as the identity event the worker takes.
"""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import approvals_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm.identity.v1 import events_pb2 as identity_events
from crm_shared.auth import DataScope, Principal
from crm_shared.db import utcnow
from customer_service import key_field_approvals, personal_data
from customer_service.api import record_fields_of, sensitive_fields_of
from customer_service.models import Employee, ProposedChange
from google.protobuf.field_mask_pb2 import FieldMask
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

ZHANG = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
EAST_LEAD = Principal(
    "u-east-lead", "east.lead", frozenset({"sales_lead"}), "/hq/sales/east", DataScope.DEPARTMENT
)
SALES_HEAD = "u-sales-head"
OLD_ACCOUNT, NEW_ACCOUNT = "6222020200112233445", "6217000010009876543"
C = customer_pb2
STATUS = approvals_pb2.ApprovalStatus
SOURCE = customer_pb2.RevisionSource


@pytest.fixture
def api(start_customer_api):
    server = start_customer_api()
    with server.database.unit_of_work() as uow:
        for person in (ZHANG, EAST_LEAD):
            uow.session.add(
                Employee(
                    user_id=person.user_id,
                    username=person.username,
                    department_path=person.department_path,
                    active=True,
                    update_time=utcnow(),
                )
            )
        key_field_approvals.department_upserted(
            uow.session,
            identity_events.DepartmentUpserted(
                path="/hq/sales/east",
                parent_path="/hq/sales",
                lead_user_id=EAST_LEAD.user_id,
                active=True,
                revision=1,
            ),
            utcnow(),
        )
        key_field_approvals.department_upserted(
            uow.session,
            identity_events.DepartmentUpserted(
                path="/hq/sales", lead_user_id=SALES_HEAD, active=True, revision=1
            ),
            utcnow(),
        )
    return server


def _customer(api) -> C.Customer:
    return api.stub(ZHANG).CreateCustomer(
        C.CreateCustomerRequest(
            customer=C.Customer(
                type=C.CUSTOMER_TYPE_ENTERPRISE,
                display_name="华东制造",
                bank_name="工商银行",
                bank_account=OLD_ACCOUNT,
                enterprise=C.EnterpriseProfile(legal_name="华东制造有限公司", industry="制造业"),
            )
        )
    )


def _update(api, customer_id: str, paths: list[str], **fields) -> C.Customer:
    return api.stub(ZHANG).UpdateCustomer(
        C.UpdateCustomerRequest(
            customer=C.Customer(id=customer_id, **fields), update_mask=FieldMask(paths=paths)
        )
    )


def _stored_account(api, customer_id: str) -> str:
    with api.database.unit_of_work(readonly=True) as uow:
        return personal_data.load_clear(uow.session, [customer_id])[customer_id]["bank_account"]


def _revisions(api, customer_id: str) -> list[C.CustomerRevision]:
    return list(
        api.stub(EAST_LEAD)
        .ListCustomerRevisions(C.ListCustomerRevisionsRequest(customer_id=customer_id))
        .revisions
    )


def _proposals(api) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(ProposedChange))


def test_a_rejected_bank_account_change_leaves_the_old_value_and_records_the_rejection(
    api, rpc_error
):
    customer = _customer(api)

    answer = _update(api, customer.id, ["bank_account"], bank_account=NEW_ACCOUNT)

    # held: the customer answers unchanged, with the request that holds the change
    assert answer.pending_approval_request_id
    assert answer.etag == customer.etag
    assert _stored_account(api, customer.id) == OLD_ACCOUNT
    inbox = api.stub(EAST_LEAD).ListApprovalRequests(C.ListApprovalRequestsRequest())
    assert [r.id for r in inbox.approval_requests] == [answer.pending_approval_request_id]
    request = inbox.approval_requests[0]
    assert (request.subject, request.subject_id, list(request.approver_ids)) == (
        approvals_pb2.APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS,
        customer.id,
        [EAST_LEAD.user_id],
    )
    # the proposed number is sealed: in no event, in no column in clear
    assert [
        e.approval_request.id
        for e in api.events("customer.approval_requested", events_pb2.ApprovalRequested)
    ] == [request.id]
    with api.database.unit_of_work(readonly=True) as uow:
        sealed = uow.session.scalars(select(ProposedChange.ciphertext)).one()
    assert NEW_ACCOUNT.encode() not in sealed
    assert not any(NEW_ACCOUNT in str(event) for event in api.events("customer.approval_requested"))
    # a second change of a key field waits for the first to be decided
    assert (
        rpc_error(
            _update,
            api,
            customer.id,
            ["enterprise.legal_name"],
            enterprise=C.EnterpriseProfile(legal_name="华东智造有限公司"),
        ).code
        is grpc.StatusCode.FAILED_PRECONDITION
    )
    # the requester is no approver of their own change
    assert (
        rpc_error(
            api.stub(ZHANG).RejectRequest, C.RejectRequestRequest(id=request.id, comment="算了")
        ).code
        is grpc.StatusCode.PERMISSION_DENIED
    )

    rejected = api.stub(EAST_LEAD).RejectRequest(
        C.RejectRequestRequest(id=request.id, comment="账号与开户许可证不符")
    )

    assert rejected.status == STATUS.APPROVAL_STATUS_REJECTED
    assert _stored_account(api, customer.id) == OLD_ACCOUNT
    assert _proposals(api) == 0
    [rejection] = [
        r
        for r in _revisions(api, customer.id)
        if r.field_path == "bank_account"
        and r.change_source == SOURCE.REVISION_SOURCE_APPROVAL_REJECTED
    ]
    assert (rejection.comment, rejection.correlation_id, rejection.actor_id) == (
        "账号与开户许可证不符",
        request.id,
        EAST_LEAD.user_id,
    )
    # masked as every bank-account revision is: kept -> proposed
    assert rejection.old_value.endswith("3445") and rejection.new_value.endswith("6543")
    assert NEW_ACCOUNT not in rejection.new_value
    [decided] = api.events("customer.approval_decided", events_pb2.ApprovalDecided)
    assert (decided.approval_request.status, decided.actor_id) == (
        STATUS.APPROVAL_STATUS_REJECTED,
        EAST_LEAD.user_id,
    )
    assert api.events("customer.updated") == []


def test_an_approved_key_field_change_is_applied_with_a_revision_of_source_approval(api):
    customer = _customer(api)
    # a field no policy holds changes at once
    industry = _update(
        api, customer.id, ["enterprise.industry"], enterprise=C.EnterpriseProfile(industry="零售业")
    )
    assert not industry.pending_approval_request_id
    assert industry.enterprise.industry == "零售业"

    held = _update(
        api,
        customer.id,
        ["bank_account", "enterprise.legal_name"],
        bank_account=NEW_ACCOUNT,
        enterprise=C.EnterpriseProfile(legal_name="华东智造有限公司"),
    )
    assert held.enterprise.legal_name == "华东制造有限公司"

    approved = api.stub(EAST_LEAD).ApproveRequest(
        C.ApproveRequestRequest(id=held.pending_approval_request_id, comment="已核对营业执照")
    )

    assert approved.status == STATUS.APPROVAL_STATUS_APPROVED
    after = api.stub(ZHANG).GetCustomer(C.GetCustomerRequest(id=customer.id))
    assert after.enterprise.legal_name == "华东智造有限公司"
    assert _stored_account(api, customer.id) == NEW_ACCOUNT
    applied = {
        r.field_path: r
        for r in _revisions(api, customer.id)
        if r.change_source == SOURCE.REVISION_SOURCE_APPROVAL
    }
    assert sorted(applied) == ["bank_account", "enterprise.legal_name"]
    assert (
        applied["enterprise.legal_name"].old_value,
        applied["enterprise.legal_name"].new_value,
        applied["enterprise.legal_name"].comment,
    ) == ("华东制造有限公司", "华东智造有限公司", "已核对营业执照")
    [updated] = [
        e
        for e in api.events("customer.updated", events_pb2.CustomerUpdated)
        if "bank_account" in e.changed_fields
    ]
    assert NEW_ACCOUNT not in str(updated)
    assert _proposals(api) == 0


def test_a_held_change_not_decided_in_time_escalates_once_then_expires_keeping_the_old_value(api):
    customer = _customer(api)
    held = _update(api, customer.id, ["bank_account"], bank_account=NEW_ACCOUNT)
    start = utcnow()
    readers = key_field_approvals.FieldReaders(record_fields_of, sensitive_fields_of)

    def scan(hours: int) -> dict:
        return key_field_approvals.scan(
            api.database, start + timedelta(hours=hours), personal_data.default_keys(), readers
        )

    # the seeded policy: 48 h to decide, reminded 24 h before, one escalation, then expiry
    assert scan(1) == {"remind": 0, "escalate": 0, "expire": 0}
    assert scan(25)["remind"] == 1
    assert scan(49)["escalate"] == 1
    escalated = api.stub(EAST_LEAD).GetApprovalRequest(
        C.GetApprovalRequestRequest(id=held.pending_approval_request_id)
    )
    assert (escalated.status, list(escalated.approver_ids)) == (
        STATUS.APPROVAL_STATUS_ESCALATED,
        [SALES_HEAD],
    )
    assert scan(50)["escalate"] == 0  # once
    assert scan(49 + 48)["expire"] == 1

    assert _stored_account(api, customer.id) == OLD_ACCOUNT
    assert _proposals(api) == 0
    [expired] = [
        r
        for r in _revisions(api, customer.id)
        if r.change_source == SOURCE.REVISION_SOURCE_APPROVAL_REJECTED
    ]
    assert (expired.actor_id, expired.comment) == ("system", "not decided in time")
    assert [
        e.approval_request.status
        for e in api.events("customer.approval_decided", events_pb2.ApprovalDecided)
    ] == [STATUS.APPROVAL_STATUS_EXPIRED]
    assert len(api.events("customer.approval_escalated")) == 1
