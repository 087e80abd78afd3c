"""A won deal changes the customer's value class through events: the ``contract.signed`` event
the sales api writes to its outbox, exactly as stored (body and headers), is handed to the
customer service's real ``@on_event`` handler on a migrated customer database."""

from __future__ import annotations

import uuid

import pytest
from crm.common.v1 import types_pb2
from crm.sales.v1 import sales_pb2
from crm_shared.db import Database, utcnow
from crm_shared.events import wire
from crm_shared.events.handlers import _Delivery
from crm_shared.events.outbox import OutboxMessage
from crm_shared.migrations import upgrade
from customer_service.models import Customer
from customer_service.worker import CustomerWorker
from sqlalchemy import select

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def customer_database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('customer') / 'customer.db'}"
    upgrade("customer_service", url)
    database = Database(url)
    yield database
    database.dispose()


def test_a_signed_contract_makes_the_customer_class_a_in_the_customer_service(
        start_sales_api, start_customer_api, customer_database):
    customer_id = str(uuid.uuid4())
    now = utcnow()
    with customer_database.unit_of_work() as uow:
        uow.session.add(Customer(
            id=customer_id, number="E00000001", type="enterprise", display_name="华东精密",
            owner_id="u-rep", department_path="/hq/sales/east", created_by="u-rep",
            create_time=now, update_time=now))
    # the contract names the rep's customer: checked with the rep's token against this api
    customers = start_customer_api(customer_database)
    api = start_sales_api("sqlite", customers=customers)
    stub = api.stub("u-rep")
    today = now.date()
    contract = stub.CreateContract(sales_pb2.CreateContractRequest(contract=sales_pb2.Contract(
        customer_id=customer_id, title="Annual maintenance",
        amount=types_pb2.Money(currency_code="CNY", amount_minor=600_000_00),
        start_date=today.isoformat(), end_date=today.replace(year=today.year + 1).isoformat())))
    stub.SignContract(sales_pb2.SignContractRequest(id=contract.id))
    with api.database.unit_of_work(readonly=True) as uow:
        [row] = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.routing_key == "contract.signed")).all()
        body, event_id = row.payload, row.event_id
        headers = {wire.HEADER_EVENT_ID: event_id,
                   wire.HEADER_EVENT_TYPE: row.event_type,
                   wire.HEADER_OCCURRED_AT: row.occurred_at.isoformat()}

    delivery = _Delivery(customer_database, "customer", "contract.signed", "sales.events")
    CustomerWorker.portrait_contract_signed(CustomerWorker(), body, headers, delivery)
    CustomerWorker.portrait_contract_signed(CustomerWorker(), body, headers, delivery)  # redelivery

    with customer_database.unit_of_work(readonly=True) as uow:
        customer = uow.session.get(Customer, customer_id)
        assert (customer.value_class, customer.lifecycle_stage) == ("A", "customer")
        assert customer.annual_contract_amount == 600_000


def test_an_event_naming_a_customer_that_does_not_exist_is_ignored(customer_database):
    """The producers check a named customer at the write (crm_shared.references); a consumer
    handed an event about a customer it does not hold (erased, forged, never created) stores
    nothing and does not fail (no retries, no dead letter)."""
    from crm.sales.v1 import events_pb2
    from customer_service.models import TimelineEntry
    from google.protobuf import json_format
    from sqlalchemy import func

    nobody = str(uuid.uuid4())
    event = events_pb2.ContractSigned(contract=sales_pb2.Contract(
        id=str(uuid.uuid4()), customer_id=nobody, title="forged",
        status=sales_pb2.CONTRACT_STATUS_ACTIVE, amount=types_pb2.Money(currency_code="CNY", amount_minor=900_000_00)))
    body = json_format.MessageToJson(event)
    headers = {wire.HEADER_EVENT_ID: str(uuid.uuid4()),
               wire.HEADER_EVENT_TYPE: "crm.sales.v1.ContractSigned",
               wire.HEADER_OCCURRED_AT: utcnow().isoformat()}
    delivery = _Delivery(customer_database, "customer", "contract.signed", "sales.events")
    CustomerWorker.portrait_contract_signed(CustomerWorker(), body, headers, delivery)
    with customer_database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Customer, nobody) is None
        assert uow.session.scalar(select(func.count()).select_from(TimelineEntry).where(
            TimelineEntry.customer_id == nobody)) == 0
