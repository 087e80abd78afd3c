"""A customer's phone and e-mail leave the customer service in clear only to the system that
sends the customer a message, and only as it sends (issue 15): every event carries them masked
(created, updated, merged, and a contact's created and updated), and
``BatchGetContactDetails`` answers them, for active customers in the caller's data scope, to a
service account granted ``customers.contact_details`` alone, writing each read to the access
log. Real gRPC against the real servicer; the events are the outbox's rows.
"""

from __future__ import annotations

import uuid

import grpc
import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as events
from crm_shared.auth import DataScope, Principal
from crm_shared.events.outbox import OutboxMessage
from customer_service.models import AccessLogEntry
from google.protobuf import field_mask_pb2
from sqlalchemy import select

pytestmark = pytest.mark.integration

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
OTHER_REP = Principal("u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north",
                      DataScope.OWN)
ADMIN = Principal("u-admin", "admin", frozenset({"admin"}), "/hq", DataScope.ALL)


def account(user_id: str, *scopes: str, scope: DataScope = DataScope.ALL) -> Principal:
    return Principal(user_id, user_id, frozenset({"service"}), "/hq", scope,
                     scopes=frozenset(scopes))


SENDER = account("svc-marketing", "notification.send", "customers.contact_details")


def _planted() -> dict[str, str]:
    digits = str(uuid.uuid4().int)
    return {"phone": "139" + digits[:8], "email": f"li.{uuid.uuid4().hex[:10]}@example.com"}


def _customer(api, owner: Principal, contact: dict[str, str], name: str = "李雷", **fields):
    fields.setdefault("type", customer_pb2.CUSTOMER_TYPE_INDIVIDUAL)
    return api.stub(owner).CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(display_name=name, **contact, **fields)))


def _outbox_text(api) -> str:
    """Every event the calls stored to publish, as the relay would publish it."""
    with api.database.unit_of_work(readonly=True) as uow:
        return "\n".join(uow.session.scalars(select(OutboxMessage.payload)))


def test_events_carry_the_phone_and_email_masked_and_say_whether_there_is_one(
        start_customer_api):
    api = start_customer_api()
    first, second, changed, contact = _planted(), _planted(), _planted(), _planted()
    survivor = _customer(api, REP, first)
    loser = _customer(api, REP, second, name="李雷（重复）")
    company = _customer(api, REP, {}, name="某某科技", type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
                        enterprise=customer_pb2.EnterpriseProfile(
                            legal_name="上海某某科技有限公司", industry="manufacturing"))
    api.stub(REP).UpdateCustomer(customer_pb2.UpdateCustomerRequest(
        customer=customer_pb2.Customer(id=survivor.id, phone=changed["phone"],
                                       email=changed["email"]),
        update_mask=field_mask_pb2.FieldMask(paths=["phone", "email"])))
    person = api.stub(REP).CreateContact(customer_pb2.CreateContactRequest(
        contact=customer_pb2.Contact(customer_id=company.id, name="韩梅梅", job_title="经理",
                                     **contact)))
    api.stub(REP).UpdateContact(customer_pb2.UpdateContactRequest(
        contact=customer_pb2.Contact(id=person.id, job_title="采购"),
        update_mask=field_mask_pb2.FieldMask(paths=["job_title"])))
    api.stub(REP).MergeCustomers(customer_pb2.MergeCustomersRequest(
        surviving_customer_id=survivor.id, merged_customer_ids=[loser.id],
        reason="same person", request_id=str(uuid.uuid4())))

    created = [e.customer for e in api.events("customer.created", events.CustomerCreated)]
    (updated,) = [e.customer for e in api.events("customer.updated", events.CustomerUpdated)]
    (merged,) = [e.customer for e in api.events("customer.merged", events.CustomerMerged)]
    contacts = [*(e.contact for e in api.events("contact.created", events.ContactCreated)),
                *(e.contact for e in api.events("contact.updated", events.ContactUpdated))]
    assert len(created) == 3 and len(contacts) == 2
    masked = {(message.phone, message.email) for message in (*created[:2], updated, merged,
                                                              *contacts)}
    assert masked == {("+86" + "*" * 9 + planted["phone"][-2:], "l***@example.com")
                      for planted in (first, second, changed, contact)}
    # the caller's own answer is in clear: only what goes onto the broker is masked
    assert api.stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(
        id=survivor.id)).phone == "+86" + changed["phone"]
    published = _outbox_text(api)
    for planted in (first, second, changed, contact):
        for value in planted.values():
            assert value not in published, value


def test_addresses_typed_into_a_customers_needs_or_a_contacts_notes_are_masked_in_events(
        start_customer_api):
    api = start_customer_api()
    typed, noted = _planted(), _planted()
    company = _customer(api, REP, {}, name="某某机械", type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE,
                        enterprise=customer_pb2.EnterpriseProfile(
                            legal_name="杭州某某机械有限公司", industry="manufacturing"),
                        needs=f"老板手机 {typed['phone']}，报价发 {typed['email']}")
    api.stub(REP).CreateContact(customer_pb2.CreateContactRequest(
        contact=customer_pb2.Contact(customer_id=company.id, name="韩梅梅", job_title="经理",
                                     notes=f"私人邮箱 {noted['email']}")))

    (created,) = [e.customer for e in api.events("customer.created", events.CustomerCreated)]
    (contact,) = [e.contact for e in api.events("contact.created", events.ContactCreated)]
    assert created.needs == f"老板手机 139******{typed['phone'][-2:]}，报价发 l***@example.com"
    assert contact.notes == "私人邮箱 l***@example.com"
    published = _outbox_text(api)
    for value in (*typed.values(), noted["email"]):
        assert value not in published, value


def test_the_sender_reads_the_addresses_of_active_customers_and_each_read_is_logged(
        start_customer_api):
    api = start_customer_api()
    reached, other, gone = _planted(), _planted(), _planted()
    customer = _customer(api, REP, reached)
    theirs = _customer(api, OTHER_REP, other)
    merged = _customer(api, REP, gone, name="李雷（重复）")
    api.stub(REP).MergeCustomers(customer_pb2.MergeCustomersRequest(
        surviving_customer_id=customer.id, merged_customer_ids=[merged.id],
        reason="same person", request_id=str(uuid.uuid4())))
    without = _customer(api, REP, {}, name="无联系方式")

    answer = api.stub(SENDER).BatchGetContactDetails(customer_pb2.BatchGetContactDetailsRequest(
        customer_ids=[theirs.id, customer.id, merged.id, without.id, "no-such-customer"]))

    assert [(c.customer_id, c.phone, c.email) for c in answer.customers] == [
        (theirs.id, "+86" + other["phone"], other["email"]),
        (customer.id, "+86" + reached["phone"], reached["email"]),
        (without.id, "", "")]
    assert list(answer.not_found_ids) == [merged.id, "no-such-customer"]
    with api.database.unit_of_work(readonly=True) as uow:
        reads = {(row.customer_id, row.actor_id): row for row in uow.session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.method.endswith("/BatchGetContactDetails")))}
    assert set(reads) == {(theirs.id, "svc-marketing"), (customer.id, "svc-marketing")}
    # an account whose data scope is narrower reads only within it
    own = api.stub(account("svc-own", "customers.contact_details", scope=DataScope.OWN))
    assert not own.BatchGetContactDetails(customer_pb2.BatchGetContactDetailsRequest(
        customer_ids=[customer.id])).customers


def test_only_an_account_granted_contact_details_may_read_them_and_it_opens_nothing_else(
        start_customer_api, rpc_error):
    api = start_customer_api()
    customer = _customer(api, REP, _planted())
    request = customer_pb2.BatchGetContactDetailsRequest(customer_ids=[customer.id])
    for who in (ADMIN, REP, account("svc-reader", "customers.read", "customers.write")):
        assert rpc_error(api.stub(who).BatchGetContactDetails, request).code \
            is grpc.StatusCode.PERMISSION_DENIED, who
    assert rpc_error(api.stub(SENDER).GetCustomer, customer_pb2.GetCustomerRequest(
        id=customer.id)).code is grpc.StatusCode.PERMISSION_DENIED
    too_many = customer_pb2.BatchGetContactDetailsRequest(
        customer_ids=[str(n) for n in range(501)])
    error = rpc_error(api.stub(SENDER).BatchGetContactDetails, too_many)
    assert (error.code, [v.field for v in error.violations]) == (
        grpc.StatusCode.INVALID_ARGUMENT, ["customer_ids"])
