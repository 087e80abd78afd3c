"""Sales writes that name a customer name one their caller may see (``crm_shared.references``):
checked with the caller's own token against the real customer api, in-process beside the sales
api. A rep (own scope) naming a colleague's customer, a lead naming a customer of another
subtree, a service account that may not see the customer: INVALID_ARGUMENT on the referencing
field, and nothing is stored (no row, no outbox event). The owner, and leads over the owner,
go ahead.
"""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from crm.common.v1 import types_pb2
from crm.customer.v1 import customer_pb2
from crm.sales.v1 import sales_pb2 as S
from crm_devstack.ports import free_port
from crm_shared.db import utcnow
from google.protobuf.field_mask_pb2 import FieldMask
from sales_service.models import Activity

pytestmark = pytest.mark.integration

TODAY = utcnow().date()


def cny(minor: int) -> types_pb2.Money:
    return types_pb2.Money(currency_code="CNY", amount_minor=minor)


@pytest.fixture(scope="module")
def api(start_sales_api, sales_customers):
    return start_sales_api("sqlite", customers=sales_customers)


def opportunity(customer_id: str) -> S.CreateOpportunityRequest:
    return S.CreateOpportunityRequest(opportunity=S.Opportunity(
        name="200 坐席", customer_id=customer_id, amount=cny(1_000_000)))


def contract(customer_id: str) -> S.CreateContractRequest:
    return S.CreateContractRequest(contract=S.Contract(
        customer_id=customer_id, title="年度维护", amount=cny(600_000),
        start_date=TODAY.isoformat(), end_date=(TODAY + timedelta(days=364)).isoformat()))


def lead(customer_id: str) -> S.CreateLeadRequest:
    return S.CreateLeadRequest(lead=S.Lead(
        contact_name="李雷", company_name="上海某某科技有限公司", phone="13900001111",
        intent_level=S.INTENT_LEVEL_LOW, customer_id=customer_id))


def purchase(customer_id: str, order: str) -> S.RecordPurchaseRequest:
    data = S.Purchase(customer_id=customer_id, source_system="erp", external_order_id=order,
                      amount=cny(9900), item_count=1)
    data.purchase_time.FromDatetime(utcnow() - timedelta(days=1))
    return S.RecordPurchaseRequest(purchase=data)


DOORS = {
    "CreateOpportunity": (opportunity, "opportunity.customer_id"),
    "CreateContract": (contract, "contract.customer_id"),
    "CreateLead": (lead, "lead.customer_id"),
}


@pytest.mark.parametrize("rpc", DOORS)
def test_a_rep_cannot_name_a_colleagues_customer(api, rpc, refused):
    request_of, field = DOORS[rpc]
    colleagues = api.customers.customer("u-rep-2")  # same team, own scope
    refused(api, field, getattr(api.stub("u-rep"), rpc), request_of(colleagues))


@pytest.mark.parametrize("rpc", DOORS)
def test_the_owner_names_their_customer(api, rpc):
    request_of, _field = DOORS[rpc]
    mine = api.customers.customer("u-rep-2")
    made = getattr(api.stub("u-rep-2"), rpc)(request_of(mine))
    assert made.customer_id == mine


@pytest.mark.parametrize("rpc", DOORS)
def test_a_customer_that_does_not_exist_is_refused_the_same_way(api, rpc, refused):
    request_of, field = DOORS[rpc]
    refused(api, field, getattr(api.stub("u-admin"), rpc),
            request_of("0b5c1f9e-0000-4000-8000-000000000000"))


def test_a_lead_names_customers_of_their_subtree_only(api, refused):
    easts = api.customers.customer("u-rep")  # /hq/sales/east
    refused(api, "opportunity.customer_id", api.stub("u-north-lead").CreateOpportunity,
            opportunity(easts))
    refused(api, "contract.customer_id", api.stub("u-north-lead").CreateContract,
            contract(easts))
    assert api.stub("u-east-lead").CreateOpportunity(opportunity(easts)).customer_id == easts
    assert api.stub("u-sales-lead").CreateContract(contract(easts)).customer_id == easts


def test_the_service_desks_read_exception_does_not_open_sales_doors(api, refused):
    """An agent may read any active customer (to take a call), not sell to it."""
    reps = api.customers.customer("u-rep")
    refused(api, "opportunity.customer_id", api.stub("u-agent").CreateOpportunity,
            opportunity(reps))


def test_a_lead_update_that_names_another_customer_is_checked(api, refused):
    made = api.stub("u-rep-north").CreateLead(lead(""))
    refused(api, "lead.customer_id", api.stub("u-admin").UpdateLead,
            S.UpdateLeadRequest(lead=S.Lead(id=made.id,
                                            customer_id="0b5c1f9e-0000-4000-8000-000000000000"),
                                update_mask=FieldMask(paths=["customer_id"])))
    theirs = api.customers.customer("u-rep")
    updated = api.stub("u-admin").UpdateLead(S.UpdateLeadRequest(
        lead=S.Lead(id=made.id, customer_id=theirs), update_mask=FieldMask(paths=["customer_id"])))
    assert updated.customer_id == theirs


def test_purchases_from_other_systems_name_customers_their_account_may_see(api, refused):
    reps = api.customers.customer("u-rep")
    refused(api, "purchase.customer_id", api.stub("u-erp-own").RecordPurchase,
            purchase(reps, "SO-OWN-1"))
    assert api.stub("u-erp").RecordPurchase(purchase(reps, "SO-ALL-1")).customer_id == reps


def test_a_customer_service_that_is_down_refuses_the_write(
        start_sales_api, rpc_error, stored_rows):
    down = start_sales_api("sqlite", customer_addr=f"127.0.0.1:{free_port()}")
    before = stored_rows(down)
    error = rpc_error(down.stub("u-rep").CreateOpportunity,
                      opportunity("0b5c1f9e-0000-4000-8000-000000000000"))
    assert error.code is grpc.StatusCode.UNAVAILABLE
    assert stored_rows(down) == before


def test_an_order_recorded_out_of_sight_is_taken_and_shows_nothing(api, rpc_error, stored_rows):
    """Issue 15 (low): an account that sends an order key another account recorded, for a
    customer it may not see, learns that the order is taken, not whose purchase it is; the
    account that recorded it still gets its purchase back."""
    from customer_service.models import Customer
    from sqlalchemy import update

    reps = api.customers.customer("u-rep")
    own = api.customers.customer("u-admin", name="ERP 自有客户")
    with api.customers.database.unit_of_work() as uow:  # the ERP account's own customer
        uow.session.execute(update(Customer).where(Customer.id == own)
                            .values(owner_id="u-erp-own"))
    first = api.stub("u-erp").RecordPurchase(purchase(reps, "SO-HIDDEN-1"))
    before = stored_rows(api)

    error = rpc_error(api.stub("u-erp-own").RecordPurchase, purchase(own, "SO-HIDDEN-1"))
    assert error.code is grpc.StatusCode.ALREADY_EXISTS
    assert reps not in error.message and first.id not in error.message
    assert stored_rows(api) == before
    assert api.stub("u-erp").RecordPurchase(purchase(reps, "SO-HIDDEN-1")).id == first.id


# -- changing a follow-up record's contact ------------------------------------------------------

def enterprise_with_contact(api, owner: str) -> tuple[str, str]:
    """A new enterprise customer of ``owner`` and a contact of it."""
    stub = api.customers.stub(owner)
    customer = stub.CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(
            type=customer_pb2.CUSTOMER_TYPE_ENTERPRISE, display_name="某某公司",
            enterprise=customer_pb2.EnterpriseProfile(legal_name="某某公司",
                                                      industry="retail")))).id
    contact = stub.CreateContact(customer_pb2.CreateContactRequest(contact=customer_pb2.Contact(
        customer_id=customer, name="李四", job_title="采购经理"))).id
    return customer, contact


def follow_up(api, owner: str, customer_id: str) -> S.Activity:
    data = S.Activity(customer_id=customer_id, method=S.FOLLOW_UP_METHOD_PHONE,
                      topic="需求沟通", summary="电话沟通")
    data.occur_time.FromDatetime(utcnow() - timedelta(hours=1))
    return api.stub(owner).CreateActivity(S.CreateActivityRequest(activity=data))


def change_contact(stub, activity: S.Activity, contact_id: str, named_customer: str = ""):
    return stub.UpdateActivity(S.UpdateActivityRequest(
        activity=S.Activity(id=activity.id, contact_id=contact_id, customer_id=named_customer),
        update_mask=FieldMask(paths=["contact_id"])))


def stored_contact(api, activity_id: str) -> str | None:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.get(Activity, activity_id).contact_id


def test_a_follow_up_records_contact_changes_only_to_one_of_its_customers(
        api, rpc_error, stored_rows):
    """Checked as a created record's contact, against the customer the record is about: the
    request naming another customer (ignored by the update) does not make that one's contact
    fit, and a colleague's contact is refused as well."""
    mine, _ = enterprise_with_contact(api, "u-rep")  # a contact the record does not name
    other, others_contact = enterprise_with_contact(api, "u-rep")
    _, colleagues_contact = enterprise_with_contact(api, "u-rep-2")
    record = follow_up(api, "u-rep", mine)
    for contact, named in ((others_contact, other), (colleagues_contact, "")):
        before = stored_rows(api)
        error = rpc_error(change_contact, api.stub("u-rep"), record, contact, named)
        assert error.code is grpc.StatusCode.INVALID_ARGUMENT, error
        assert [v.field for v in error.violations] == ["activity.contact_id"]
        assert stored_rows(api) == before and stored_contact(api, record.id) is None
    own_contact = api.customers.stub("u-rep").CreateContact(customer_pb2.CreateContactRequest(
        contact=customer_pb2.Contact(customer_id=mine, name="王五", job_title="经理"))).id
    assert change_contact(api.stub("u-rep"), record, own_contact).contact_id == own_contact
