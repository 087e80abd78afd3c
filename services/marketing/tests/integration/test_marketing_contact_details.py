"""A message reaches the customer's real address although the marketing service never holds it
before sending (issue 15): the customer events give the read model the phone and e-mail
masked, and the sending queue reads the address from the REAL customer api
(``BatchGetContactDetails``, as the marketing service account) as it hands the message to the
REAL notification api. A customer the customer service no longer answers for fails the
message; a customer service that cannot answer puts it back in the queue, nothing sent.
"""

from __future__ import annotations

import uuid

import pytest
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm_devstack.ports import free_port
from crm_shared.db import utcnow
from marketing_service import outbound, read_model
from marketing_service.contact_details import CustomerAddressBook
from marketing_service.models import CustomerProfile, OutboundMessage

pytestmark = pytest.mark.integration

PEOPLE = {
    "u-rep": (("sales_rep",), "/hq/sales/east", "own"),
    # the marketing service's account, as the suite grants it (crm_shared.auth.scopes)
    "svc.marketing": (("service",), "/hq", "all",
                      ("notification.send", "customers.contact_details")),
}


@pytest.fixture(scope="module")
def customers(real_customer_api):
    return real_customer_api(PEOPLE)


@pytest.fixture(scope="module")
def api(start_marketing_api):
    return start_marketing_api()


def _created_in_customer_service(customers, api, **contact) -> str:
    """A customer created in the customer service, and its ``customer.created`` applied to
    the marketing read model by the worker's code."""
    created = customers.stub("u-rep").CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                       display_name="李雷", **contact)))
    (event,) = [event for event in customers.events("customer.created",
                                                    customer_events.CustomerCreated)
                if event.customer.id == created.id]
    now = utcnow()
    with api.database.unit_of_work() as uow:
        read_model.record_event(uow, event, event_id=str(uuid.uuid4()), occurred_at=now, now=now)
    return created.id


def _queue(api, customer_id: str, channel: str) -> str:
    with api.database.unit_of_work() as uow:
        message = outbound.enqueue(
            uow.session, customer_id=customer_id, channel=channel,
            idempotency_key=f"test:{uuid.uuid4()}", category="service_notice",
            source_ref=f"test:{customer_id}", subject="您的服务单已完成", body="感谢您的耐心。",
            requires_consent=False, counts_toward_cap=False)
        uow.session.flush()
        return message.id


def _message(api, message_id: str) -> OutboundMessage:
    with api.database.unit_of_work(readonly=True) as uow:
        message = uow.session.get(OutboundMessage, message_id)
        uow.session.expunge(message)
        return message


def _book(customers, address: str | None = None) -> CustomerAddressBook:
    return CustomerAddressBook(address or customers.target, timeout_seconds=15.0,
                               token_provider=lambda: customers.token("svc.marketing"))


def test_messages_go_to_the_address_read_from_the_customer_service_at_send_time(
        customers, api, notification):
    phone, email = "139" + str(uuid.uuid4().int)[:8], f"li.{uuid.uuid4().hex[:8]}@example.com"
    customer_id = _created_in_customer_service(customers, api, phone=phone, email=email)
    with api.database.unit_of_work(readonly=True) as uow:
        profile = uow.session.get(CustomerProfile, customer_id)
        assert (profile.phone, profile.email) == ("+86*********" + phone[-2:], "l***@example.com")
    by_mail, by_sms = _queue(api, customer_id, "email"), _queue(api, customer_id, "sms")

    outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                          addresses=_book(customers))

    assert sorted(row.address for row in notification.deliveries([customer_id])) == sorted(
        [email, "+86" + phone])
    assert (_message(api, by_mail).state, _message(api, by_mail).recipient_address) == (
        outbound.SENT, email)
    assert _message(api, by_sms).recipient_address == "+86" + phone


def test_a_customer_the_customer_service_does_not_answer_for_fails_the_message(
        customers, api, notification):
    gone = _created_in_customer_service(customers, api, email="gone@example.com")
    with api.database.unit_of_work() as uow:  # known to marketing, not to this customer service
        profile = uow.session.get(CustomerProfile, gone)
        stranger = CustomerProfile(**{column.key: getattr(profile, column.key)
                                      for column in CustomerProfile.__table__.columns})
        stranger.customer_id = str(uuid.uuid4())
        uow.session.add(stranger)
        stranger_id = stranger.customer_id
    message_id = _queue(api, stranger_id, "email")

    outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                          addresses=_book(customers))

    message = _message(api, message_id)
    assert (message.state, message.last_error) == (outbound.FAILED,
                                                   "the customer is no longer active")
    assert notification.deliveries([stranger_id]) == []


def test_without_the_customer_service_the_message_waits_and_nothing_is_sent(
        customers, api, notification):
    customer_id = _created_in_customer_service(customers, api, email="wait@example.com")
    message_id = _queue(api, customer_id, "email")
    down = _book(customers, f"127.0.0.1:{free_port()}")

    report = outbound.dispatch_due(api.database, notification.marketing, utcnow(),
                                   addresses=down)

    message = _message(api, message_id)
    assert report.retrying >= 1 and message.state == outbound.QUEUED
    assert message.last_error.startswith("customer service: UNAVAILABLE")
    assert notification.deliveries([customer_id]) == []
