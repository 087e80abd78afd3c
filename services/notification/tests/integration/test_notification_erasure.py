"""A customer's erasure inside the process: real events through the real rule engine on a
migrated SQLite database, then ``customer.erased`` through the worker's real ``@on_event``
handler (its ledger and unit of work); the api (real gRPC, in-process) exports what is left.
"""

from __future__ import annotations

import uuid

import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.customer.v1 import events_pb2 as customer_events
from crm.notification.v1 import events_pb2 as notification_events
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi
from crm_shared.db import Database, utcnow
from crm_shared.events import handlers, wire
from crm_shared.events.outbox import OutboxMessage
from google.protobuf import json_format
from notification_service.api import build_bindings
from notification_service.customer_data import ERASED
from notification_service.models import Delivery, InboxEntry
from notification_service.notify import notify
from notification_service.worker import NotificationWorker
from sqlalchemy import select

pytestmark = pytest.mark.integration

C = types_pb2.DeliveryChannel
S = notification_pb2.DeliveryStatus
SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
NAME = "上海某某科技有限公司"
ADDRESS = "li.lei@example.com"


@pytest.fixture(scope="module")
def database(module_migrated_database):
    db = Database(module_migrated_database("notification_service"))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def api(database, keys):
    """The api as the data-protection officer calls it (sends and exports)."""
    server = InProcessApi("notification", build_bindings, database, keys, service=SERVICE,
                          stub_class=notification_pb2_grpc.NotificationServiceStub,
                          people={"u-dpo": (("admin", "dpo"), "/hq", "all")})
    yield server.stub("u-dpo")
    server.stop()


def _customer_created(customer_id: str, owner_id: str) -> customer_events.CustomerCreated:
    return customer_events.CustomerCreated(
        customer=customer_pb2.Customer(
            id=customer_id, number="C00000042", display_name=NAME, owner_id=owner_id,
            type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, department_path="/hq/sales/east"),
        actor_id=owner_id)


def _handle(database, method: str, event, event_id: str) -> None:
    """One event through the worker's real ``@on_event`` handler (ledger, unit of work)."""
    delivery = handlers._Delivery(database=database, consumer=f"notification.{method}",
                                  event_name=wire.event_name(event.DESCRIPTOR),
                                  exchange="customer.events")
    headers = {wire.HEADER_EVENT_ID: event_id,
               wire.HEADER_EVENT_TYPE: event.DESCRIPTOR.full_name}
    getattr(NotificationWorker(), method)(wire.encode(event), headers, delivery)


def _acks(database, customer_id: str) -> list:
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.event_type
            == notification_events.NotificationCustomerDataErased.DESCRIPTOR.full_name))
        acks = [wire.decode(row.payload, notification_events.NotificationCustomerDataErased)
                for row in rows]
    return [ack for ack in acks if ack.customer_id == customer_id]


def _snapshot(database, customer_id: str) -> list[tuple]:
    with database.unit_of_work(readonly=True) as uow:
        entries = uow.session.scalars(select(InboxEntry).where(
            InboxEntry.subject_id == customer_id).order_by(InboxEntry.id))
        sent = uow.session.scalars(select(Delivery).where(
            Delivery.customer_id == customer_id).order_by(Delivery.id))
        return ([(e.id, e.title, e.body, e.recipient_id, e.create_time) for e in entries]
                + [(d.id, d.address, d.subject, d.body, d.status) for d in sent])


def test_an_erased_customer_leaves_nothing_personal_and_is_acknowledged_once(api, database):
    customer = str(uuid.uuid4())
    owner = f"u-{uuid.uuid4().hex[:8]}"
    with database.unit_of_work() as uow:
        notify(uow.session, _customer_created(customer, owner), event_id=str(uuid.uuid4()),
               emit=uow.emit, now=utcnow())
    api.SendMessages(notification_pb2.SendMessagesRequest(messages=[
        notification_pb2.OutboundMessage(
            idempotency_key=f"survey:{customer}", channel=C.DELIVERY_CHANNEL_EMAIL,
            customer_id=customer, recipient_address=ADDRESS, subject=f"{NAME}：满意度调查",
            body=f"尊敬的{NAME}，请评价我们的服务", category="survey_invitation")]))
    before = api.ExportCustomerData(notification_pb2.ExportCustomerDataRequest(
        customer_id=customer, access_purpose="DSAR-1"))
    assert {r.resource_type for r in before.records} == {"message_delivery", "notification"}
    assert NAME in str(before) and ADDRESS in str(before)

    request_id = str(uuid.uuid4())
    erased = customer_events.CustomerErased(erasure_request_id=request_id, customer_id=customer,
                                            actor_id="u-dpo")
    event_id = str(uuid.uuid4())
    _handle(database, "customer_erased", erased, event_id)

    after = api.ExportCustomerData(notification_pb2.ExportCustomerDataRequest(
        customer_id=customer, access_purpose="DSAR-2"))
    exported = str([json_format.MessageToDict(r.data) for r in after.records])
    assert len(after.records) == len(before.records)  # the facts are kept, anonymised
    assert NAME not in exported and ADDRESS not in exported
    with database.unit_of_work(readonly=True) as uow:
        (entry,) = uow.session.scalars(select(InboxEntry).where(
            InboxEntry.subject_type == "customer", InboxEntry.subject_id == customer))
        assert (entry.recipient_id, entry.title, entry.body) == (owner, ERASED, ERASED)
        (message,) = uow.session.scalars(select(Delivery).where(Delivery.customer_id == customer))
        assert (message.address, message.subject, message.body) == ("", ERASED, ERASED)
        assert message.status == S.DELIVERY_STATUS_CANCELLED  # never sent: nobody to send to
    (ack,) = _acks(database, customer)
    assert (ack.erasure_request_id, ack.erased_record_count) == (request_id, len(before.records))

    # Redelivered: the ledger turns it away; nothing changes, nothing is emitted again.
    snapshot = _snapshot(database, customer)
    _handle(database, "customer_erased", erased, event_id)
    assert _snapshot(database, customer) == snapshot
    assert len(_acks(database, customer)) == 1


def test_an_erasure_reaches_the_customers_merged_into_it(api, database):
    survivor, alias = str(uuid.uuid4()), str(uuid.uuid4())
    with database.unit_of_work() as uow:
        notify(uow.session, _customer_created(alias, "u-owner"), event_id=str(uuid.uuid4()),
               emit=uow.emit, now=utcnow())
    _handle(database, "customer_erased", customer_events.CustomerErased(
        erasure_request_id=str(uuid.uuid4()), customer_id=survivor, alias_customer_ids=[alias]),
        str(uuid.uuid4()))
    export = api.ExportCustomerData(notification_pb2.ExportCustomerDataRequest(customer_id=alias))
    assert export.records and NAME not in str(export)
    (ack,) = _acks(database, survivor)
    assert ack.erased_record_count == len(export.records)
