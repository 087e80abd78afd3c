"""Every read returning a customer's personal fields leaves a READ entry in the access log.

The real servicer inside the real server bootstrap (auth, error mapping) on a migrated SQLite
file, called with tokens from a test issuer; the entries are read from the table and, once,
through ListAccessLogEntries. The outbox relay is off: no test here needs the broker.
"""

from __future__ import annotations

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from customer_service import erasure
from customer_service.api import build_bindings
from customer_service.models import AccessLogEntry
from sqlalchemy import delete, select

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
METHOD = "/crm.customer.v1.CustomerService/"
INDIVIDUAL = customer_pb2.CUSTOMER_TYPE_INDIVIDUAL
ENTERPRISE = customer_pb2.CUSTOMER_TYPE_ENTERPRISE

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
OTHER_REP = Principal(
    "u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN
)
ADMIN = Principal("u-admin", "admin", frozenset({"admin"}), "/hq", DataScope.ALL)
DPO = Principal("u-dpo", "dpo.chen", frozenset({"dpo"}), "/hq/legal", DataScope.ALL)
SYNC = Principal("svc-sync", "sync", frozenset({"service"}), "/", DataScope.ALL,
                 scopes=frozenset({"customers.read"}))

# What an individual made by Api.individual carries: its personal fields and a masked secret.
INDIVIDUAL_PATHS = ["bank_account", "display_name", "email", "individual.birth_date", "phone"]


class Api(InProcessApi):
    """The customer api in-process on a migrated SQLite file."""

    def __init__(self, url: str, keys) -> None:
        super().__init__("customer", build_bindings, url, keys, service=SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, claims=principal_claims)

    def individual(self, who: Principal, name: str = "韩梅梅") -> customer_pb2.Customer:
        return self.stub(who).CreateCustomer(customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=INDIVIDUAL,
                display_name=name,
                phone="13812345678",
                email="han@example.com",
                bank_account="6222020200112233445",
                individual=customer_pb2.IndividualProfile(birth_date="1990-05-01"),
            )))

    def enterprise_with_contacts(self, who: Principal) -> tuple[customer_pb2.Customer, list]:
        stub = self.stub(who)
        customer = stub.CreateCustomer(customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=ENTERPRISE,
                display_name="星辰科技",
                enterprise=customer_pb2.EnterpriseProfile(
                    legal_name="星辰科技有限公司", industry="软件"),
            )))
        people = [
            stub.CreateContact(customer_pb2.CreateContactRequest(contact=customer_pb2.Contact(
                customer_id=customer.id, name="张总", job_title="总经理",
                phone="13912345678", primary=True))),
            stub.CreateContact(customer_pb2.CreateContactRequest(contact=customer_pb2.Contact(
                customer_id=customer.id, name="小李", job_title="采购",
                email="li@example.com"))),
        ]
        return customer, people

    def reads(self) -> list[tuple[str, str, list[str], str]]:
        """The READ entries, as (customer id, actor id, sorted field paths, method)."""
        with self.database.unit_of_work(readonly=True) as uow:
            return sorted(
                (entry.customer_id, entry.actor_id, sorted(entry.field_paths), entry.method)
                for entry in uow.session.scalars(
                    select(AccessLogEntry).where(AccessLogEntry.action == "read"))
            )

    def actions(self) -> list[str]:
        with self.database.unit_of_work(readonly=True) as uow:
            return sorted(uow.session.scalars(select(AccessLogEntry.action)))

    def forget_entries(self) -> None:
        """Start a test's reads from an empty log (set-up reads are not what it is about)."""
        with self.database.unit_of_work() as uow:
            uow.session.execute(delete(AccessLogEntry))


@pytest.fixture
def api(keys, migrated_database):
    server = Api(migrated_database("customer_service"), keys)
    yield server
    server.stop()


def test_get_customer_logs_one_read_naming_the_personal_fields_returned(api):
    customer = api.individual(REP)
    assert api.actions() == []  # creating is not reading

    answer = api.stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(id=customer.id))

    assert answer.phone and answer.bank_account  # returned (the account masked)
    assert api.reads() == [(customer.id, REP.user_id, INDIVIDUAL_PATHS, METHOD + "GetCustomer")]
    # names, never values
    with api.database.unit_of_work(readonly=True) as uow:
        (entry,) = uow.session.scalars(select(AccessLogEntry))
        assert entry.actor_roles == ["sales_rep"]
        assert entry.purpose == ""
        assert "13812345678" not in repr(entry.field_paths)

    listed = api.stub(DPO).ListAccessLogEntries(customer_pb2.ListAccessLogEntriesRequest(
        customer_id=customer.id, actor_id=REP.user_id, action=customer_pb2.ACCESS_ACTION_READ,
    )).access_log_entries
    assert [(e.customer_id, e.action, sorted(e.field_paths), e.method) for e in listed] == [
        (customer.id, customer_pb2.ACCESS_ACTION_READ, INDIVIDUAL_PATHS, METHOD + "GetCustomer")
    ]
    assert not api.stub(DPO).ListAccessLogEntries(customer_pb2.ListAccessLogEntriesRequest(
        customer_id=customer.id, action=customer_pb2.ACCESS_ACTION_REVEAL,
    )).access_log_entries


def test_a_reveal_is_logged_as_a_reveal_only(api):
    customer = api.individual(REP)

    api.stub(ADMIN).GetCustomer(customer_pb2.GetCustomerRequest(
        id=customer.id, reveal_sensitive=True, access_purpose="DSR-1"))

    assert api.actions() == ["reveal"]


def test_a_read_that_fails_leaves_no_entry(api):
    customer = api.individual(REP)

    with pytest.raises(grpc.RpcError) as caught:
        api.stub(OTHER_REP).GetCustomer(customer_pb2.GetCustomerRequest(id=customer.id))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as caught:
        api.stub(OTHER_REP).GetCustomerPortrait(
            customer_pb2.GetCustomerPortraitRequest(customer_id=customer.id))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    batch = api.stub(OTHER_REP).BatchGetCustomers(
        customer_pb2.BatchGetCustomersRequest(ids=[customer.id]))
    assert list(batch.not_found_ids) == [customer.id]
    assert not api.stub(OTHER_REP).ListCustomers(customer_pb2.ListCustomersRequest()).customers

    assert api.actions() == []


def test_a_customer_without_personal_values_leaves_no_entry(api):
    customer = api.individual(REP)
    with api.database.unit_of_work() as uow:
        erasure.anonymise(uow.session, [customer.id])

    answer = api.stub(REP).GetCustomer(customer_pb2.GetCustomerRequest(id=customer.id))
    api.stub(REP).ListCustomers(customer_pb2.ListCustomersRequest())

    assert answer.display_name == "" and answer.phone == ""
    assert api.actions() == []


def test_batch_get_logs_one_read_per_customer_returned(api):
    first, second = api.individual(REP, "韩梅梅"), api.individual(REP, "李雷")

    api.stub(REP).BatchGetCustomers(customer_pb2.BatchGetCustomersRequest(
        ids=[first.id, second.id, first.id, "no-such-customer"]))

    assert api.reads() == sorted(
        (c.id, REP.user_id, INDIVIDUAL_PATHS, METHOD + "BatchGetCustomers")
        for c in (first, second)
    )


def test_a_list_page_logs_one_read_per_customer_on_it_also_for_a_service_account(api):
    made = [api.individual(REP, f"客户{n}") for n in range(3)]

    page = api.stub(SYNC).ListCustomers(customer_pb2.ListCustomersRequest(page_size=2))

    assert len(page.customers) == 2 and page.next_page_token
    assert api.reads() == sorted(
        (c.id, SYNC.user_id, INDIVIDUAL_PATHS, METHOD + "ListCustomers") for c in page.customers
    )
    api.forget_entries()
    rest = api.stub(SYNC).ListCustomers(
        customer_pb2.ListCustomersRequest(page_size=2, page_token=page.next_page_token))
    assert [c.id for c in rest.customers] == [
        c.id for c in made if c.id not in {p.id for p in page.customers}
    ]
    assert [r[0] for r in api.reads()] == [rest.customers[0].id]


def test_the_portrait_logs_one_read_with_the_customer_and_contact_fields(api):
    customer, _ = api.enterprise_with_contacts(REP)

    api.stub(REP).GetCustomerPortrait(
        customer_pb2.GetCustomerPortraitRequest(customer_id=customer.id))

    assert api.reads() == [(
        customer.id, REP.user_id,
        ["contacts.email", "contacts.name", "contacts.phone", "display_name"],
        METHOD + "GetCustomerPortrait",
    )]


def test_contact_reads_and_the_decision_chain_log_a_read_against_their_customer(api):
    customer, (boss, clerk) = api.enterprise_with_contacts(REP)
    stub = api.stub(REP)

    stub.GetContact(customer_pb2.GetContactRequest(id=boss.id))
    assert api.reads() == [(
        customer.id, REP.user_id, ["contacts.name", "contacts.phone"], METHOD + "GetContact"
    )]
    api.forget_entries()

    listed = stub.ListContacts(customer_pb2.ListContactsRequest(customer_id=customer.id))
    assert len(listed.contacts) == 2
    assert api.reads() == [(
        customer.id, REP.user_id, ["contacts.email", "contacts.name", "contacts.phone"],
        METHOD + "ListContacts",
    )]
    api.forget_entries()

    chain = stub.GetDecisionChain(customer_pb2.GetDecisionChainRequest(customer_id=customer.id))
    assert len(chain.contacts) == 2
    assert api.reads() == [(
        customer.id, REP.user_id, ["contacts.email", "contacts.name", "contacts.phone"],
        METHOD + "GetDecisionChain",
    )]
    api.forget_entries()

    with pytest.raises(grpc.RpcError) as caught:
        api.stub(OTHER_REP).GetContact(customer_pb2.GetContactRequest(id=clerk.id))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    assert api.actions() == []
