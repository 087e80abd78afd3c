"""Erasure through the real api, on SQLite and PostgreSQL: no personal data is left in this
service (every flagged column of every table about the customer, and every table scanned for
the values), non-personal facts stay, ``customer.erased`` is published once, and the request
completes when every service has acknowledged."""

from __future__ import annotations

import uuid

import grpc
import pytest
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.db import RuntimeBase
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from customer_service import erasure, personal_data
from customer_service.models import Base, Customer
from sqlalchemy import select, update

pytestmark = pytest.mark.integration

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
DPO = Principal("u-dpo", "dpo.chen", frozenset({"dpo"}), "/hq/legal", DataScope.ALL)

# What the customer told us; none of it may remain after the erasure.
NAME, PHONE, EMAIL = "韩梅梅", "13912345678", "han.meimei@example.com"
ADDRESS, WECHAT = "杭州市西湖区文三路 90 号", "hmm_wechat_88"
NEW_PHONE = "13787654321"
ID_CARD, BANK_ACCOUNT = "330106199001011234", "6222020200112233445"


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request, start_customer_api):
    server = start_customer_api(request.param)
    return server.stub, server.database


def _customer_with_history(stub, database) -> str:
    """A customer with personal data in every place this service keeps some."""
    rep = stub(REP)
    created = rep.CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                display_name=NAME,
                phone=PHONE,
                email=EMAIL,
                address=ADDRESS,
                wechat_id=WECHAT,
                individual=customer_pb2.IndividualProfile(
                    birth_date="1990-01-01", occupation="teacher"
                ),
            )
        )
    )
    from google.protobuf.field_mask_pb2 import FieldMask

    rep.UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(  # a revision: old -> new phone
            customer=customer_pb2.Customer(id=created.id, phone=NEW_PHONE),
            update_mask=FieldMask(paths=["phone"]),
        )
    )
    rep.GrantConsent(
        customer_pb2.GrantConsentRequest(
            customer_id=created.id,
            purpose=customer_pb2.CONSENT_PURPOSE_MARKETING,
            source="web_form",
        )
    )
    with database.unit_of_work() as uow:
        personal_data.store_personal_fields(
            uow.session,
            created.id,
            {"individual.id_card_number": ID_CARD, "bank_account": BANK_ACCOUNT},
        )
        # The relay has sent everything so far (it is off in these tests).
        uow.session.execute(update(OutboxMessage).values(status=OutboxStatus.PUBLISHED))
    return created.id


def _every_value(database) -> str:
    """Every row of every table of this service, as one text."""
    texts = []
    with database.unit_of_work(readonly=True) as uow:
        for table in [*Base.metadata.sorted_tables, *RuntimeBase.metadata.sorted_tables]:
            for row in uow.session.execute(select(table)):
                texts.append(repr(tuple(row)))
    return "\n".join(texts)


def test_erasure_leaves_no_personal_data_and_keeps_the_facts(api):
    stub, database = api
    customer_id = _customer_with_history(stub, database)
    before = _every_value(database)
    for value in (NAME, PHONE[-8:], EMAIL, ADDRESS, WECHAT, NEW_PHONE[-8:]):
        assert value in before  # the scan below would find them

    request = stub(DPO).EraseCustomer(
        customer_pb2.EraseCustomerRequest(
            customer_id=customer_id, reason="DSR-2026-0042", request_id=str(uuid.uuid4())
        )
    )

    after = _every_value(database)
    for value in (NAME, PHONE[-8:], EMAIL, ADDRESS, WECHAT, NEW_PHONE[-8:], ID_CARD, BANK_ACCOUNT):
        assert value not in after, value
    with database.unit_of_work(readonly=True) as uow:
        for table in erasure.tables_about_customers():
            key = erasure.customer_key(table)
            for column in erasure.personal_columns(table):
                values = list(uow.session.scalars(select(column).where(key == customer_id)))
                assert all(value in (None, "", b"", {}) for value in values), (
                    f"{table.name}.{column.name}: {values}"
                )
        erased = uow.session.get(Customer, customer_id)
        assert (erased.number, erased.type, erased.owner_id, erased.state) == (
            "C00000001",
            "individual",
            "u-rep",
            "erased",
        )
        assert erased.create_time is not None
        assert personal_data.load_clear(uow.session, [customer_id])[customer_id] == {}

    assert request.state == customer_pb2.ERASURE_STATE_IN_PROGRESS
    assert request.requested_by == "u-dpo"
    assert request.reason == "DSR-2026-0042"
    assert [(s.service, s.done) for s in request.services] == [
        ("customer", True),
        ("sales", False),
        ("ticket", False),
        ("marketing", False),
        ("notification", False),
    ]
    assert request.services[0].erased_record_count >= 3  # customer, revision, sensitive fields

    with database.unit_of_work(readonly=True) as uow:
        rows = list(uow.session.scalars(select(OutboxMessage)))
        assert [row.routing_key for row in rows] == ["customer.erased"]
        event = wire.decode(rows[0].payload, events_pb2.CustomerErased)
    assert (event.erasure_request_id, event.customer_id, event.actor_id) == (
        request.id,
        customer_id,
        "u-dpo",
    )


def test_erasing_twice_returns_the_first_request_and_publishes_once(api):
    stub, database = api
    customer_id = _customer_with_history(stub, database)
    first = stub(DPO).EraseCustomer(
        customer_pb2.EraseCustomerRequest(customer_id=customer_id, reason="DSR-1")
    )
    again = stub(DPO).EraseCustomer(
        customer_pb2.EraseCustomerRequest(customer_id=customer_id, reason="DSR-1 resent")
    )
    assert again.id == first.id
    listed = stub(DPO).ListErasureRequests(customer_pb2.ListErasureRequestsRequest())
    assert [r.id for r in listed.erasure_requests] == [first.id]
    with database.unit_of_work(readonly=True) as uow:
        assert (
            len(
                list(
                    uow.session.scalars(
                        select(OutboxMessage).where(OutboxMessage.routing_key == "customer.erased")
                    )
                )
            )
            == 1
        )


def test_the_request_completes_when_every_service_has_acknowledged(api):
    stub, database = api
    customer_id = _customer_with_history(stub, database)
    request = stub(DPO).EraseCustomer(
        customer_pb2.EraseCustomerRequest(customer_id=customer_id, reason="DSR-2")
    )
    for service in ("sales", "ticket", "marketing", "notification"):
        with database.unit_of_work() as uow:
            erasure.acknowledge(uow.session, request.id, service, 2)
            erasure.acknowledge(uow.session, request.id, service, 99)  # a redelivery: ignored
        state = stub(DPO).GetErasureRequest(customer_pb2.GetErasureRequestRequest(id=request.id))
        assert state.state == (
            customer_pb2.ERASURE_STATE_COMPLETED
            if service == "notification"
            else customer_pb2.ERASURE_STATE_IN_PROGRESS
        )
    assert [(s.service, s.done, s.erased_record_count) for s in state.services][1:] == [
        ("sales", True, 2),
        ("ticket", True, 2),
        ("marketing", True, 2),
        ("notification", True, 2),
    ]
    assert state.complete_time.seconds > 0
    completed = stub(DPO).ListErasureRequests(
        customer_pb2.ListErasureRequestsRequest(state=customer_pb2.ERASURE_STATE_COMPLETED)
    )
    assert [r.id for r in completed.erasure_requests] == [request.id]


def test_only_the_privacy_roles_erase_and_nothing_changes_otherwise(api):
    stub, database = api
    customer_id = _customer_with_history(stub, database)
    with pytest.raises(grpc.RpcError) as caught:
        stub(REP).EraseCustomer(
            customer_pb2.EraseCustomerRequest(customer_id=customer_id, reason="x")
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:
        stub(DPO).EraseCustomer(
            customer_pb2.EraseCustomerRequest(customer_id=customer_id, reason=" ")
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert NAME in _every_value(database)


def test_the_worker_consumes_every_services_acknowledgement():
    from crm_shared.events.handlers import worker_queues
    from customer_service.worker import CustomerWorker

    queues = {queue.name for queue in worker_queues(CustomerWorker, "classic")}
    for service in erasure.OTHER_SERVICES:
        assert any(f"{service}.customer_data_erased" in name for name in queues), service
