"""The customer api in-process: the real servicer (`build_bindings`) inside the real server
bootstrap (`GrpcApi`: auth and error mapping), on a database built by the real migrations,
called through the suite's client factory with tokens from a test issuer.

Every test runs on SQLite and on PostgreSQL. The outbox relay is off, so the outbox rows a
call wrote stay where the test can read them; no test here needs the broker.
"""

from __future__ import annotations

import base64
import itertools
import uuid
from dataclasses import dataclass

import grpc
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc, events_pb2
from crm_devstack.inprocess_api import InProcessApi, failed_call, principal_claims
from crm_shared.db import utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from customer_service.api import build_bindings
from customer_service.models import Customer, Employee
from sqlalchemy import func, select, text

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
BACKENDS = ["sqlite", "postgresql"]
INDIVIDUAL = customer_pb2.CUSTOMER_TYPE_INDIVIDUAL
ENTERPRISE = customer_pb2.CUSTOMER_TYPE_ENTERPRISE


@dataclass(frozen=True)
class Caller:
    user_id: str
    username: str
    role: str
    department_path: str
    data_scope: str

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role,)


REP_EAST = Caller("u-rep-east", "rep.zhang", "sales_rep", "/hq/sales/east", "own")
REP_NORTH = Caller("u-rep-north", "rep.li", "sales_rep", "/hq/sales/north", "own")
SALES_LEAD = Caller("u-sales-lead", "sales.lead", "sales_lead", "/hq/sales", "department")
EAST_LEAD = Caller("u-east-lead", "east.lead", "sales_lead", "/hq/sales/east", "department")
AGENT = Caller("u-agent", "agent.wang", "agent", "/hq/service", "own")
ADMIN = Caller("u-admin", "admin", "admin", "/hq", "all")
# A department whose path merely starts like /hq/sales: outside the sales subtree.
REP_LOOKALIKE = Caller("u-rep-sf", "rep.sf", "sales_rep", "/hq/salesforce", "own")

CALLERS = {
    "rep_east": REP_EAST,
    "rep_north": REP_NORTH,
    "sales_lead": SALES_LEAD,
    "east_lead": EAST_LEAD,
    "agent": AGENT,
    "admin": ADMIN,
}

# Who owns how many customers in the visibility matrix.
MATRIX_OWNERS = {REP_EAST: 3, REP_NORTH: 2, SALES_LEAD: 1, REP_LOOKALIKE: 1}

# Whose customers each caller sees: the expectation, written out rather than computed.
VISIBLE_OWNERS = {
    "rep_east": {REP_EAST},
    "rep_north": {REP_NORTH},
    "sales_lead": {REP_EAST, REP_NORTH, SALES_LEAD},
    "east_lead": {REP_EAST},
    "agent": set(),
    "admin": {REP_EAST, REP_NORTH, SALES_LEAD, REP_LOOKALIKE},
}
# Reading by id (Get/BatchGet) is wider for the service desk: an agent reads any active
# customer a ticket may be about, though it lists none (repository.SERVICE_DESK_ROLES).
READABLE_BY_ID_OWNERS = {**VISIBLE_OWNERS, "agent": set(MATRIX_OWNERS)}


# -- the server and its clients ----------------------------------------------------------------


class CustomerApi(InProcessApi):
    """The customer api in-process, and clients for any caller (None: without a token)."""

    def __init__(self, database_url: str, keys) -> None:
        super().__init__("customer", build_bindings, database_url, keys, service=SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, claims=principal_claims)

    def create(self, caller: Caller, request_id: str = "", **fields) -> customer_pb2.Customer:
        values = {"type": INDIVIDUAL, "display_name": "李雷"}
        values.update(fields)
        return self.stub(caller).CreateCustomer(customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(**values), request_id=request_id))

    # what the database holds
    def count(self, model) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(select(func.count()).select_from(model))

    def outbox_rows(self) -> list[OutboxMessage]:
        with self.database.unit_of_work(readonly=True) as uow:
            rows = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
            uow.session.expunge_all()  # keep the loaded values past the read-only rollback
            return rows

    def add_employee(self, caller: Caller, *, active: bool = True) -> None:
        """A row of the employee directory the worker keeps from identity events."""
        with self.database.unit_of_work() as uow:
            uow.session.add(Employee(user_id=caller.user_id, username=caller.username,
                                     department_path=caller.department_path, active=active,
                                     update_time=utcnow()))


@pytest.fixture(params=BACKENDS)
def api(request, keys, migrated_database):
    """A fresh database and server for each test (tests that count rows and numbers)."""
    server = CustomerApi(migrated_database("customer_service", request.param), keys)
    yield server
    server.stop()


NOTHING = {"customers": 0, "outbox": 0}


def _stored(api: CustomerApi) -> dict[str, int]:
    return {"customers": api.count(Customer), "outbox": api.count(OutboxMessage)}


# -- create ------------------------------------------------------------------------------------


def test_create_returns_the_customer_numbered_normalised_and_owned_by_the_caller(api):
    created = api.create(REP_EAST, display_name="  李雷 ", phone="138-1234-5678",
                         email="Li.Lei@Example.COM")
    assert uuid.UUID(created.id)
    assert created.number == "C00000001"
    assert created.type == INDIVIDUAL
    assert created.display_name == "李雷"
    assert created.phone == "+8613812345678"
    assert created.email == "li.lei@example.com"
    assert created.owner_id == REP_EAST.user_id
    assert created.department_path == REP_EAST.department_path
    assert created.HasField("create_time") and created.create_time == created.update_time
    assert api.stub(REP_EAST).GetCustomer(customer_pb2.GetCustomerRequest(id=created.id)) == created


def test_customer_numbers_follow_each_other(api):
    numbers = [api.create(caller).number for caller in (REP_EAST, REP_NORTH, ADMIN)]
    assert numbers == ["C00000001", "C00000002", "C00000003"]


def test_invalid_input_reports_every_violation_and_stores_nothing(api):
    error = failed_call(api.stub(REP_EAST).CreateCustomer, customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(display_name="   ", phone="010-65529988",
                                       email="not-an-email")))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == [
        "customer.type", "customer.display_name", "customer.phone", "customer.email"]
    assert _stored(api) == NOTHING
    assert api.create(REP_EAST).number == "C00000001"  # no number was taken either


def test_create_writes_exactly_one_customer_created_outbox_row(api):
    created = api.create(REP_EAST, type=ENTERPRISE, display_name="上海某某科技有限公司",
                         phone="+86 138 1234 5678",
                         enterprise=customer_pb2.EnterpriseProfile(
                             legal_name="上海某某科技有限公司", industry="manufacturing"))
    (row,) = api.outbox_rows()
    assert (row.exchange, row.routing_key, row.event_type) == (
        "customer.events", "customer.created", "crm.customer.v1.CustomerCreated")
    assert row.partition_key == created.id
    assert row.status == OutboxStatus.PENDING
    event = wire.decode(row.payload, events_pb2.CustomerCreated)
    # the answer, but for the phone, which events carry masked (test_customer_contact_details)
    assert event.customer.phone == "+86*********78"
    created.phone = event.customer.phone
    assert event.customer == created
    assert event.actor_id == REP_EAST.user_id


def _refuse_outbox_inserts(api: CustomerApi) -> None:
    """A trigger that makes every outbox insert fail, as a full disk or a crash would."""
    if api.database.is_sqlite:
        statements = [("CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox"
                       " BEGIN SELECT RAISE(ABORT, 'outbox refuses rows'); END")]
    else:
        statements = [
            ("CREATE FUNCTION outbox_refuses() RETURNS trigger LANGUAGE plpgsql"
             " AS $$ BEGIN RAISE EXCEPTION 'outbox refuses rows'; END $$"),
            ("CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox"
             " FOR EACH ROW EXECUTE FUNCTION outbox_refuses()"),
        ]
    with api.database.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_customer_and_its_event_are_one_transaction(api):
    _refuse_outbox_inserts(api)
    error = failed_call(api.create, REP_EAST)
    assert error.code == grpc.StatusCode.INTERNAL
    assert "outbox refuses" not in error.message  # no internals leak to the caller
    assert _stored(api) == NOTHING  # the customer and its number went with the event

    with api.database.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER outbox_refuses" if api.database.is_sqlite
                          else "DROP TRIGGER outbox_refuses ON outbox"))
    assert api.create(REP_EAST).number == "C00000001"
    assert (api.count(Customer), api.count(OutboxMessage)) == (1, 1)


def test_validate_only_answers_the_customer_as_it_would_be_stored_and_stores_nothing(api):
    checked = api.stub(REP_EAST).CreateCustomer(customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=INDIVIDUAL, display_name=" 李雷 ",
                                       phone="138 1234 5678", email="Li@Example.com"),
        validate_only=True))
    assert (checked.display_name, checked.phone, checked.email) == (
        "李雷", "+8613812345678", "li@example.com")
    assert (checked.owner_id, checked.department_path) == (REP_EAST.user_id, "/hq/sales/east")
    assert _stored(api) == NOTHING


def test_validate_only_still_reports_the_violations(api):
    error = failed_call(api.stub(REP_EAST).CreateCustomer, customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=INDIVIDUAL, display_name="", phone="010-65529988"),
        validate_only=True))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["customer.display_name", "customer.phone"]


def test_input_the_service_does_not_store_is_refused_not_dropped(api):
    # primary_contact_id is set with UpdateCustomer once the customer has contacts
    error = failed_call(api.create, REP_EAST, needs="a CRM", primary_contact_id=str(uuid.uuid4()),
                        request_id="not-a-uuid")
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert sorted(v.field for v in error.violations) == [
        "customer.primary_contact_id", "request_id"]
    assert _stored(api) == NOTHING


def test_output_only_fields_sent_back_are_ignored(api):
    created = api.create(REP_EAST, id="my-own-id", number="C99999999",
                         department_path="/hq/elsewhere")
    assert created.id != "my-own-id"
    assert (created.number, created.department_path) == ("C00000001", "/hq/sales/east")


# -- idempotent retries ------------------------------------------------------------------------


def test_retry_with_the_same_request_id_returns_the_same_customer(api):
    request_id = str(uuid.uuid4())
    first = api.create(REP_EAST, request_id=request_id, phone="13812345678")
    again = api.create(REP_EAST, request_id=request_id, phone="13812345678")
    assert again == first
    assert (api.count(Customer), len(api.outbox_rows())) == (1, 1)
    assert api.create(REP_EAST).number == "C00000002"  # the retry took no number


def test_request_id_reused_by_another_caller_is_already_exists(api):
    request_id = str(uuid.uuid4())
    first = api.create(REP_EAST, request_id=request_id, display_name="王芳")
    error = failed_call(api.create, REP_NORTH, request_id=request_id, display_name="王芳")
    assert error.code == grpc.StatusCode.ALREADY_EXISTS
    assert first.id not in error.message and first.number not in error.message
    assert (api.count(Customer), len(api.outbox_rows())) == (1, 1)


# -- authentication and owners -----------------------------------------------------------------


@pytest.mark.parametrize("method,request_message", [
    ("CreateCustomer", customer_pb2.CreateCustomerRequest(
        customer=customer_pb2.Customer(type=INDIVIDUAL, display_name="李雷"))),
    ("GetCustomer", customer_pb2.GetCustomerRequest(id=str(uuid.uuid4()))),
    ("ListCustomers", customer_pb2.ListCustomersRequest()),
])
def test_call_without_a_token_is_unauthenticated(api, method, request_message):
    error = failed_call(getattr(api.stub(None), method), request_message)
    assert error.code == grpc.StatusCode.UNAUTHENTICATED
    assert _stored(api) == NOTHING


def test_owner_id_of_an_unknown_employee_is_invalid(api):
    error = failed_call(api.create, SALES_LEAD, owner_id="u-nobody")
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["customer.owner_id"]
    assert _stored(api) == NOTHING


def test_owner_id_of_an_inactive_employee_is_invalid(api):
    api.add_employee(REP_EAST, active=False)
    error = failed_call(api.create, SALES_LEAD, owner_id=REP_EAST.user_id)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["customer.owner_id"]
    assert _stored(api) == NOTHING


@pytest.mark.parametrize("lead", [SALES_LEAD, EAST_LEAD], ids=["sales_lead", "east_lead"])
def test_lead_gives_a_new_customer_to_a_rep_in_their_subtree(api, lead):
    api.add_employee(REP_EAST)
    created = api.create(lead, owner_id=REP_EAST.user_id)
    assert (created.owner_id, created.department_path) == (REP_EAST.user_id, "/hq/sales/east")
    assert api.stub(REP_EAST).GetCustomer(customer_pb2.GetCustomerRequest(id=created.id)) == created
    (row,) = api.outbox_rows()
    event = wire.decode(row.payload, events_pb2.CustomerCreated)
    assert (event.customer.owner_id, event.actor_id) == (REP_EAST.user_id, lead.user_id)


@pytest.mark.parametrize("caller,owner", [
    (REP_EAST, REP_NORTH),  # a rep may only own, not give
    (REP_EAST, EAST_LEAD),  # not even to their own lead
    (EAST_LEAD, REP_NORTH),  # a lead only inside their subtree
], ids=["rep-to-other-rep", "rep-to-own-lead", "lead-outside-subtree"])
def test_giving_a_customer_outside_ones_scope_is_permission_denied(api, caller, owner):
    api.add_employee(owner)
    error = failed_call(api.create, caller, owner_id=owner.user_id)
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    assert _stored(api) == NOTHING


def test_owner_id_of_the_caller_is_the_default(api):
    created = api.create(REP_EAST, owner_id=REP_EAST.user_id)  # no employee row needed
    assert (created.owner_id, created.department_path) == (REP_EAST.user_id, "/hq/sales/east")


# -- who sees what -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(request, keys, module_migrated_database):
    """One server with customers of several owners; only read by the tests that use it."""
    server = CustomerApi(module_migrated_database("customer_service", request.param), keys)
    serial = itertools.count(1)
    owned = {
        owner: [server.create(owner, display_name=f"{owner.username} 客户 {n}",
                              phone=f"139{n:08d}")
                for n in itertools.islice(serial, count)]
        for owner, count in MATRIX_OWNERS.items()
    }
    yield server, owned
    server.stop()


def _visible(owned, caller_name) -> dict[str, customer_pb2.Customer]:
    return {c.id: c for owner in VISIBLE_OWNERS[caller_name] for c in owned[owner]}


@pytest.mark.parametrize("caller_name", CALLERS)
def test_get_returns_a_visible_customer_and_not_found_for_any_other(matrix, caller_name):
    server, owned = matrix
    stub = server.stub(CALLERS[caller_name])
    visible = {c.id: c for owner in READABLE_BY_ID_OWNERS[caller_name] for c in owned[owner]}
    for customer in (c for customers in owned.values() for c in customers):
        if customer.id in visible:
            assert stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer.id)) == customer
        else:
            error = failed_call(stub.GetCustomer, customer_pb2.GetCustomerRequest(id=customer.id))
            assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "NOT_FOUND")
            for secret in (customer.display_name, customer.number, customer.phone,
                           customer.owner_id):
                assert secret not in error.message


def test_someone_elses_customer_looks_exactly_like_a_missing_one(matrix):
    server, owned = matrix
    stub = server.stub(REP_NORTH)
    hidden_id, missing_id = owned[REP_EAST][0].id, str(uuid.uuid4())
    hidden = failed_call(stub.GetCustomer, customer_pb2.GetCustomerRequest(id=hidden_id))
    missing = failed_call(stub.GetCustomer, customer_pb2.GetCustomerRequest(id=missing_id))
    assert (hidden.code, hidden.reason, hidden.violations) == (
        missing.code, missing.reason, missing.violations)
    assert hidden.message.replace(hidden_id, "<id>") == missing.message.replace(missing_id, "<id>")


@pytest.mark.parametrize("caller_name", CALLERS)
def test_list_returns_exactly_the_visible_customers_newest_first(matrix, caller_name):
    server, owned = matrix
    response = server.stub(CALLERS[caller_name]).ListCustomers(customer_pb2.ListCustomersRequest())
    visible = _visible(owned, caller_name)
    assert {c.id: c for c in response.customers} == visible
    assert len(response.customers) == response.total_size == len(visible)
    times = [c.create_time.ToDatetime() for c in response.customers]
    assert times == sorted(times, reverse=True)
    assert response.next_page_token == ""


@pytest.mark.parametrize("caller_name", CALLERS)
def test_pages_of_two_walk_the_visible_customers_once(matrix, caller_name):
    server, owned = matrix
    stub = server.stub(CALLERS[caller_name])
    pages, token = [], ""
    while True:
        response = stub.ListCustomers(customer_pb2.ListCustomersRequest(page_size=2,
                                                                        page_token=token))
        pages.append([c.id for c in response.customers])
        token = response.next_page_token
        if not token:
            break
        assert len(pages) < 20, "paging does not end"
    walked = [customer_id for page in pages for customer_id in page]
    assert all(len(page) <= 2 for page in pages)
    assert len(walked) == len(set(walked))
    assert set(walked) == set(_visible(owned, caller_name))
    whole = stub.ListCustomers(customer_pb2.ListCustomersRequest())
    assert walked == [c.id for c in whole.customers]  # the same order as one big page


def test_negative_page_size_is_invalid_argument(matrix):
    server, _ = matrix
    error = failed_call(server.stub(ADMIN).ListCustomers,
                        customer_pb2.ListCustomersRequest(page_size=-1))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["page_size"]


FORGED_TOKENS = {
    "not-base64": "%%% not a token %%%",
    "bad-padding": "abc",
    "not-json": "bm90IGpzb24=",  # base64("not json")
    "json-number": "MTIz",  # base64("123")
    "json-object": "eyJhIjogMX0=",  # base64('{"a": 1}')
    "three-items": base64.urlsafe_b64encode(
        b'["2024-01-01T00:00:00", "x", "y"]').decode(),
    "bad-date": base64.urlsafe_b64encode(
        b'["yesterday", "x"]').decode(),
    "null-date": base64.urlsafe_b64encode(
        b'[null, "x"]').decode(),
}


@pytest.mark.parametrize("token", FORGED_TOKENS.values(), ids=FORGED_TOKENS.keys())
def test_forged_page_token_is_invalid_argument(matrix, token):
    server, _ = matrix
    error = failed_call(server.stub(ADMIN).ListCustomers,
                        customer_pb2.ListCustomersRequest(page_token=token))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == ["page_token"]
