"""The notification service's part of a data-subject export (issue 15): what was sent to the
customer, in clear for the subject, but never a usable survey link (the link is the customer's
credential: whoever holds it answers as them), and, like every other service's, only what the
caller's data scope shows: the REAL customer api, asked with the caller's token, tells whether
the caller sees the customer (this service keeps no owner of a customer). Real gRPC, real
servicers.
"""

from __future__ import annotations

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.notification.v1 import notification_pb2, notification_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi
from crm_devstack.ports import free_port
from crm_shared.db import Database
from notification_service.api import build_bindings
from notification_service.models import Delivery
from notification_service.settings import NotificationApiSettings
from sqlalchemy import select

pytestmark = pytest.mark.integration

SERVICE = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
C = types_pb2.DeliveryChannel
TOKEN = "aW52LTE6MTc5OTk5OTk5OQ.Q0hYbW9ja3NpZ25hdHVyZWJ5dGVzZm9ydGhldGVzdDEyMzQ1"
LINK = f"https://crm.example.com/api/v1/surveys/respond/{TOKEN}"

PEOPLE = {
    "svc-marketing": (("service",), "/hq", "all", ("notification.send",)),
    "u-dpo": (("dpo",), "/hq", "all"),
    "u-dpo-east": (("dpo",), "/hq/sales/east", "department"),
    "u-dpo-own": (("dpo",), "/hq/legal", "own"),
    "u-agent": (("agent",), "/hq/service", "all"),
    "u-rep-east": (("sales_rep",), "/hq/sales/east", "own"),
    "u-rep-north": (("sales_rep",), "/hq/sales/north", "own"),
}


@pytest.fixture(scope="module")
def customers(real_customer_api):
    """The real customer api, called by ``PEOPLE`` with the same issuer's tokens."""
    return real_customer_api(PEOPLE)


def _notification_api(database, keys, customer_addr: str) -> InProcessApi:
    return InProcessApi("notification", build_bindings, database, keys, service=SERVICE,
                        stub_class=notification_pb2_grpc.NotificationServiceStub,
                        people=PEOPLE, settings_cls=NotificationApiSettings,
                        customer_addr=customer_addr, customer_timeout_seconds=15.0)


@pytest.fixture(scope="module")
def api(module_migrated_database, keys, customers):
    database = Database(module_migrated_database("notification_service"))
    server = _notification_api(database, keys, customers.target)
    yield server
    server.stop()
    database.dispose()


def _customer_of(customers, rep: str) -> str:
    return customers.stub(rep).CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                                       display_name="李雷"))).id


def _invite(api, customer: str, channel=C.DELIVERY_CHANNEL_SMS, address="+8613900001111"):
    """A survey invitation sent to ``customer`` as the marketing service sends one: its
    template filled with the signed link."""
    (result,) = api.stub("svc-marketing").SendMessages(notification_pb2.SendMessagesRequest(
        messages=[notification_pb2.OutboundMessage(
            idempotency_key=f"survey:{customer}", channel=channel, customer_id=customer,
            recipient_address=address, template_key="survey_invitation", locale="zh-CN",
            category="survey_invitation", variables={
                "survey_title": "服务满意度", "display_name": "李雷", "context": "",
                "survey_url": LINK, "expire_date": "2026-12-31"})])).results
    assert result.delivery_id, result.status
    return result.delivery_id


def _export(api, caller: str, customer: str):
    return api.stub(caller).ExportCustomerData(notification_pb2.ExportCustomerDataRequest(
        customer_id=customer, access_purpose="DSAR-1"))


def test_the_export_shows_what_was_sent_to_the_customer_but_never_the_survey_links_token(
        api, customers):
    customer = _customer_of(customers, "u-rep-east")
    delivery_id = _invite(api, customer)
    with api.database.unit_of_work(readonly=True) as uow:
        stored = uow.session.scalar(select(Delivery.body).where(Delivery.id == delivery_id))
    assert LINK in stored  # the message the customer gets carries the working link

    export = _export(api, "u-dpo", customer)

    (record,) = export.records
    assert (export.source_service, record.resource_type) == ("notification", "message_delivery")
    assert record.data["recipient_address"] == "+8613900001111"  # the subject's own, in clear
    text = str(record.data)
    assert TOKEN not in text
    assert "/api/v1/surveys/respond/[withheld]" in record.data["body"]
    assert "服务满意度" in record.data["subject"]


def test_a_privacy_role_exports_only_the_customers_its_data_scope_shows(api, customers):
    east, north = _customer_of(customers, "u-rep-east"), _customer_of(customers, "u-rep-north")
    _invite(api, east)
    _invite(api, north)

    assert len(_export(api, "u-dpo-east", east).records) == 1  # in the DPO's subtree
    for caller, customer in (("u-dpo-east", north), ("u-dpo-own", east)):
        with pytest.raises(grpc.RpcError) as caught:
            _export(api, caller, customer)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND, (caller, customer)
    assert len(_export(api, "u-dpo", north).records) == 1  # scope all: every customer
    with pytest.raises(grpc.RpcError) as caught:  # the contract's gate: no privacy role
        _export(api, "u-agent", east)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_without_the_customer_service_a_scoped_export_is_unavailable_not_unchecked(
        api, customers, keys):
    east = _customer_of(customers, "u-rep-east")
    _invite(api, east)
    down = _notification_api(api.database, keys, f"127.0.0.1:{free_port()}")
    try:
        with pytest.raises(grpc.RpcError) as caught:
            _export(down, "u-dpo-east", east)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert len(_export(down, "u-dpo", east).records) == 1  # scope all asks nobody
    finally:
        down.stop()
