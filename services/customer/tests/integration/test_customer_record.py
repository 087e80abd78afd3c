"""The customer record over gRPC, in-process: full profiles and their validation, updates with
etags and revisions, list filters, contacts and the decision chain, tags and tag rules,
duplicates and merges, reassignment and handover, and who may touch what.

Each test gets a fresh SQLite database migrated by the real migrations and a real server
bootstrap (auth, error mapping); merges also run on PostgreSQL, where the generic re-pointing
SQL differs most. The relay is off: the events a call wrote are read from the outbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import grpc
import pytest
from crm.common.v1 import rules_pb2, types_pb2
from crm.customer.v1 import customer_pb2, customer_pb2_grpc, events_pb2
from crm_devstack.inprocess_api import InProcessApi, failed_call, principal_claims
from crm_shared.db import utcnow
from crm_shared.events import wire
from crm_shared.events.outbox import OutboxMessage
from crm_shared.grpc.status import describe_rpc_error
from customer_service import handover, merge, personal_data
from customer_service.api import build_bindings
from customer_service.models import Customer, CustomerRevision, Employee
from google.protobuf import field_mask_pb2
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    func,
    select,
)

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
ENTERPRISE = customer_pb2.CUSTOMER_TYPE_ENTERPRISE
INDIVIDUAL = customer_pb2.CUSTOMER_TYPE_INDIVIDUAL
Op = rules_pb2.ConditionOperator


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


# The demo organisation's shape: two reps in two sales teams, their lead, and the admin.
REP_EAST = Caller("u-rep-east", "rep.zhang", "sales_rep", "/hq/sales/east", "own")
REP_NORTH = Caller("u-rep-north", "rep.li", "sales_rep", "/hq/sales/north", "own")
SALES_LEAD = Caller("u-sales-lead", "sales.lead", "sales_lead", "/hq/sales", "department")
EAST_LEAD = Caller("u-east-lead", "east.lead", "sales_lead", "/hq/sales/east", "department")
ADMIN = Caller("u-admin", "admin", "admin", "/hq", "all")
EMPLOYEES = (REP_EAST, REP_NORTH, SALES_LEAD, EAST_LEAD, ADMIN)


class CustomerApi(InProcessApi):
    """The customer api in-process with the employee directory filled."""

    def __init__(self, database_url: str, keys) -> None:
        super().__init__("customer", build_bindings, database_url, keys, service=SERVICE,
                         stub_class=customer_pb2_grpc.CustomerServiceStub, claims=principal_claims)
        with self.database.unit_of_work() as uow:
            for caller in EMPLOYEES:
                uow.session.add(
                    Employee(
                        user_id=caller.user_id,
                        username=caller.username,
                        department_path=caller.department_path,
                        active=True,
                        update_time=utcnow(),
                    )
                )

    def individual(self, caller: Caller, name: str = "李雷", **fields) -> customer_pb2.Customer:
        return self.stub(caller).CreateCustomer(
            customer_pb2.CreateCustomerRequest(
                customer=customer_pb2.Customer(type=INDIVIDUAL, display_name=name, **fields)
            )
        )

    def enterprise(
        self, caller: Caller, name: str = "上海某某科技有限公司", **fields
    ) -> customer_pb2.Customer:
        fields.setdefault(
            "enterprise", customer_pb2.EnterpriseProfile(legal_name=name, industry="manufacturing")
        )
        return self.stub(caller).CreateCustomer(
            customer_pb2.CreateCustomerRequest(
                customer=customer_pb2.Customer(type=ENTERPRISE, display_name=name, **fields)
            )
        )

    def count(self, model, *where) -> int:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalar(select(func.count()).select_from(model).where(*where))

    def events(self, event_type) -> list:
        name = event_type.DESCRIPTOR.full_name
        with self.database.unit_of_work(readonly=True) as uow:
            rows = uow.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.event_type == name)
                .order_by(OutboxMessage.id)
            )
            return [wire.decode(row.payload, event_type) for row in rows]

    def set_columns(self, customer_id: str, **values) -> None:
        """Facts the portrait keeps from other services' events (contract amount, class, risk)."""
        with self.database.unit_of_work() as uow:
            customer = uow.session.get(Customer, customer_id)
            for name, value in values.items():
                setattr(customer, name, value)


@pytest.fixture
def api(migrated_database, keys):
    server = CustomerApi(migrated_database("customer_service"), keys)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def api_on_both(request, keys, migrated_database):
    server = CustomerApi(migrated_database("customer_service", request.param), keys)
    yield server
    server.stop()


def _mask(*paths: str) -> field_mask_pb2.FieldMask:
    return field_mask_pb2.FieldMask(paths=list(paths))


def _nothing_stored(api: CustomerApi) -> bool:
    return api.count(Customer) == 0 and api.count(OutboxMessage) == 0


FULL_ENTERPRISE = customer_pb2.Customer(
    type=ENTERPRISE,
    display_name="某某科技",
    phone="13812345678",
    email="Info@MouMou.cn",
    source=types_pb2.SOURCE_CHANNEL_EXHIBITION,
    source_detail="2024 上海工博会",
    first_contact_date="2024-03-01",
    needs="CRM for 200 sales staff",
    address="上海市浦东新区",
    wechat_id="moumou_tech",
    bank_name="招商银行上海分行",
    enterprise=customer_pb2.EnterpriseProfile(
        legal_name="上海某某科技有限公司",
        industry="manufacturing",
        staff_count=850,
        annual_revenue=types_pb2.Money(currency_code="CNY", amount_minor=12_000_000_00),
        registration_number="91310000MA1FL0000X",
        website="https://moumou.cn",
    ),
    external_ids={"erp": "K-1001"},
)


# -- profiles and validation ------------------------------------------------------------------


def test_full_enterprise_is_stored_as_given_normalised_and_complete(api):
    created = api.stub(REP_EAST).CreateCustomer(
        customer_pb2.CreateCustomerRequest(customer=FULL_ENTERPRISE)
    )
    assert (created.phone, created.email) == ("+8613812345678", "info@moumou.cn")
    assert created.enterprise == FULL_ENTERPRISE.enterprise
    assert (created.source, created.source_detail, created.first_contact_date, created.needs) == (
        FULL_ENTERPRISE.source,
        "2024 上海工博会",
        "2024-03-01",
        "CRM for 200 sales staff",
    )
    assert (created.address, created.wechat_id, created.bank_name) == (
        "上海市浦东新区", "moumou_tech", "招商银行上海分行")
    assert dict(created.external_ids) == {"erp": "K-1001"}
    assert created.state == customer_pb2.CUSTOMER_STATE_ACTIVE
    assert (created.completeness_score, list(created.missing_fields)) == (100, [])
    assert created.created_by == created.updated_by == REP_EAST.user_id
    assert created.etag
    assert api.stub(REP_EAST).GetCustomer(customer_pb2.GetCustomerRequest(id=created.id)) == created
    (event,) = api.events(events_pb2.CustomerCreated)
    # the answer, with the phone and e-mail masked as events carry them
    assert (event.customer.phone, event.customer.email) == ("+86*********78", "i***@moumou.cn")
    assert event.customer == personal_data.for_event(created)


def test_individual_lists_what_is_missing(api):
    created = api.individual(
        REP_EAST,
        phone="13812345678",
        individual=customer_pb2.IndividualProfile(
            gender=customer_pb2.GENDER_FEMALE, age=34, birth_date="1990-05-04"
        ),
    )
    assert created.individual.gender == customer_pb2.GENDER_FEMALE
    assert (created.individual.age, created.individual.birth_date) == (34, "1990-05-04")
    assert list(created.missing_fields) == [
        "individual.occupation",
        "needs",
        "source",
        "first_contact_date",
    ]
    assert created.completeness_score == 50  # 4 of the 8 expected fields


@pytest.mark.parametrize(
    "customer,fields",
    [
        (
            customer_pb2.Customer(type=ENTERPRISE, display_name="某某科技"),
            ["customer.enterprise.legal_name", "customer.enterprise.industry"],
        ),
        (
            customer_pb2.Customer(
                type=ENTERPRISE,
                display_name="某某科技",
                first_contact_date="2024/03/01",
                enterprise=customer_pb2.EnterpriseProfile(
                    legal_name="某某", industry="it", staff_count=-1, website="moumou.cn"
                ),
            ),
            [
                "customer.first_contact_date",
                "customer.enterprise.staff_count",
                "customer.enterprise.website",
            ],
        ),
        (
            customer_pb2.Customer(
                type=ENTERPRISE,
                display_name="某某科技",
                individual=customer_pb2.IndividualProfile(age=30),
            ),
            [
                "customer.enterprise.legal_name",
                "customer.enterprise.industry",
                "customer.individual",
            ],
        ),
        (
            customer_pb2.Customer(
                type=INDIVIDUAL,
                display_name="李雷",
                email="li@",
                phone="12345",
                first_contact_date="2024-02-30",
                individual=customer_pb2.IndividualProfile(age=200, birth_date="1990-13-01"),
            ),
            [
                "customer.phone",
                "customer.email",
                "customer.first_contact_date",
                "customer.individual.age",
                "customer.individual.birth_date",
            ],
        ),
        (
            customer_pb2.Customer(
                type=INDIVIDUAL, display_name="李雷", first_contact_date="2999-01-01", source=99
            ),
            ["customer.source", "customer.first_contact_date"],
        ),
    ],
    ids=[
        "enterprise-required",
        "enterprise-bad-values",
        "wrong-profile",
        "individual-bad-values",
        "future-date-unknown-enum",
    ],
)
def test_bad_input_names_every_field_and_stores_nothing(api, customer, fields):
    error = failed_call(
        api.stub(REP_EAST).CreateCustomer, customer_pb2.CreateCustomerRequest(customer=customer)
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert sorted(v.field for v in error.violations) == sorted(fields)
    assert _nothing_stored(api)


# -- updates, etags and revisions -------------------------------------------------------------


def test_update_changes_the_masked_fields_records_revisions_and_emits_one_event(api):
    created = api.enterprise(REP_EAST, phone="13812345678")
    change = customer_pb2.Customer(
        id=created.id,
        etag=created.etag,
        phone="+86 139 0000 1111",
        needs="ignored: not in the mask",
        enterprise=customer_pb2.EnterpriseProfile(industry="retail"),
    )
    updated = api.stub(EAST_LEAD).UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=change, update_mask=_mask("phone", "enterprise.industry")
        )
    )
    assert (updated.phone, updated.enterprise.industry, updated.needs) == (
        "+8613900001111",
        "retail",
        "",
    )
    assert updated.enterprise.legal_name == created.enterprise.legal_name  # untouched
    assert updated.etag != created.etag and updated.updated_by == EAST_LEAD.user_id
    revisions = (
        api.stub(REP_EAST)
        .ListCustomerRevisions(customer_pb2.ListCustomerRevisionsRequest(customer_id=created.id))
        .revisions
    )
    assert sorted((r.field_path, r.old_value, r.new_value, r.actor_id) for r in revisions) == [
        ("enterprise.industry", "manufacturing", "retail", EAST_LEAD.user_id),
        ("phone", "+8613812345678", "+8613900001111", EAST_LEAD.user_id),
    ]
    assert all(r.change_source == customer_pb2.REVISION_SOURCE_API for r in revisions)
    (event,) = api.events(events_pb2.CustomerUpdated)
    assert (list(event.changed_fields), event.customer) == (
        ["enterprise.industry", "phone"],
        personal_data.for_event(updated),
    )
    assert event.customer.phone == "+86*********11"


def test_update_with_a_stale_etag_is_aborted_and_changes_nothing(api):
    created = api.individual(REP_EAST)
    api.stub(REP_EAST).UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=created.id, needs="first"), update_mask=_mask("needs")
        )
    )
    error = failed_call(
        api.stub(REP_EAST).UpdateCustomer,
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=created.id, etag=created.etag, needs="second"),
            update_mask=_mask("needs"),
        ),
    )
    assert error.code == grpc.StatusCode.ABORTED
    current = api.stub(REP_EAST).GetCustomer(customer_pb2.GetCustomerRequest(id=created.id))
    assert current.needs == "first"
    assert api.count(CustomerRevision) == 1


@pytest.mark.parametrize(
    "mask,change,field",
    [
        (["owner_id"], {"owner_id": REP_NORTH.user_id}, "update_mask.paths[owner_id]"),
        (["number"], {"number": "C1"}, "update_mask.paths[number]"),
        (["email"], {"email": "nope"}, "customer.email"),
        (["display_name"], {"display_name": " "}, "customer.display_name"),
    ],
    ids=["owner", "output-only", "bad-email", "clear-required"],
)
def test_bad_update_is_refused_and_stores_nothing(api, mask, change, field):
    created = api.individual(REP_EAST, email="li@example.com")
    error = failed_call(
        api.stub(REP_EAST).UpdateCustomer,
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=created.id, **change), update_mask=_mask(*mask)
        ),
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error.violations] == [field]
    assert api.stub(REP_EAST).GetCustomer(customer_pb2.GetCustomerRequest(id=created.id)) == created
    assert api.count(CustomerRevision) == 0 and api.events(events_pb2.CustomerUpdated) == []


# -- who may touch what -----------------------------------------------------------------------

CALLERS = {
    "rep_east": REP_EAST,
    "rep_north": REP_NORTH,
    "sales_lead": SALES_LEAD,
    "east_lead": EAST_LEAD,
    "admin": ADMIN,
}
# Owner of the customer -> the callers who may see it (own / subtree / all), written out.
MAY_SEE = {
    "rep_east": {"rep_east", "sales_lead", "east_lead", "admin"},
    "rep_north": {"rep_north", "sales_lead", "admin"},
    "sales_lead": {"sales_lead", "admin"},
}


def _touches(stub, customer_id: str) -> dict[str, object]:
    """One call of every per-customer method; each returns normally or raises."""
    return {
        "update": lambda: stub.UpdateCustomer(
            customer_pb2.UpdateCustomerRequest(
                customer=customer_pb2.Customer(id=customer_id, needs="seen"),
                update_mask=_mask("needs"),
            )
        ),
        "revisions": lambda: stub.ListCustomerRevisions(
            customer_pb2.ListCustomerRevisionsRequest(customer_id=customer_id)
        ),
        "contacts": lambda: stub.ListContacts(
            customer_pb2.ListContactsRequest(customer_id=customer_id)
        ),
        "create_contact": lambda: stub.CreateContact(
            customer_pb2.CreateContactRequest(
                contact=customer_pb2.Contact(customer_id=customer_id, name="王五", job_title="CTO")
            )
        ),
        "decision_chain": lambda: stub.GetDecisionChain(
            customer_pb2.GetDecisionChainRequest(customer_id=customer_id)
        ),
        "remove_tags": lambda: stub.RemoveCustomerTags(
            customer_pb2.RemoveCustomerTagsRequest(customer_id=customer_id, tag_ids=["t-none"])
        ),
        "batch_get": lambda: _batch_found(stub, customer_id),
    }


def _batch_found(stub, customer_id: str):
    response = stub.BatchGetCustomers(customer_pb2.BatchGetCustomersRequest(ids=[customer_id]))
    if list(response.not_found_ids) == [customer_id]:
        raise grpc.RpcError("not found")  # the batch form of NOT_FOUND
    return response


def test_every_per_customer_method_is_visible_exactly_to_owner_subtree_and_admin(api):
    owned = {name: api.enterprise(CALLERS[name], f"{name} 公司") for name in MAY_SEE}
    for caller_name, caller in CALLERS.items():
        stub = api.stub(caller)
        for owner_name, customer in owned.items():
            for method, call in _touches(stub, customer.id).items():
                if caller_name in MAY_SEE[owner_name]:
                    call()
                else:
                    with pytest.raises(grpc.RpcError) as caught:
                        call()
                    if method != "batch_get":
                        error = describe_rpc_error(caught.value)
                        assert error.code == grpc.StatusCode.NOT_FOUND, (
                            caller_name,
                            owner_name,
                            method,
                        )
                        assert customer.display_name not in error.message
    # Each customer got one revision (its first "needs" update), and contacts only from the
    # callers who may see it: nothing was written by anyone else.
    for owner_name, customer in owned.items():
        assert api.count(CustomerRevision, CustomerRevision.customer_id == customer.id) == 1
        contacts = api.stub(ADMIN).ListContacts(
            customer_pb2.ListContactsRequest(customer_id=customer.id)
        )
        assert contacts.total_size == len(MAY_SEE[owner_name])


def test_list_filters_combine_tags_class_stage_risk_and_attributes(api):
    high = api.stub(ADMIN).CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="high value", dimension="value"))
    )
    urgent = api.stub(ADMIN).CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="urgent need", dimension="free"))
    )
    a = api.enterprise(
        REP_EAST,
        "甲公司",
        tags=[customer_pb2.CustomerTag(tag_id=high.id), customer_pb2.CustomerTag(tag_id=urgent.id)],
    )
    b = api.enterprise(
        REP_EAST,
        "乙公司",
        tags=[customer_pb2.CustomerTag(tag_id=high.id)],
        source=types_pb2.SOURCE_CHANNEL_REFERRAL,
    )
    c = api.individual(REP_EAST, "丙", tags=[customer_pb2.CustomerTag(tag_id=urgent.id)])
    api.set_columns(a.id, value_class="A", lifecycle_stage="customer", at_risk=True)
    api.set_columns(b.id, value_class="B", lifecycle_stage="intent", at_risk=False)

    def ids(**filters) -> set[str]:
        response = api.stub(REP_EAST).ListCustomers(customer_pb2.ListCustomersRequest(**filters))
        assert response.total_size == len(response.customers)
        return {customer.id for customer in response.customers}

    assert ids(tag_ids=[high.id, urgent.id]) == {a.id}
    assert ids(any_tag_ids=[high.id, urgent.id]) == {a.id, b.id, c.id}
    assert ids(exclude_tag_ids=[urgent.id]) == {b.id}
    assert ids(value_classes=[types_pb2.VALUE_CLASS_A, types_pb2.VALUE_CLASS_B]) == {a.id, b.id}
    assert ids(lifecycle_stages=[types_pb2.LIFECYCLE_STAGE_INTENT]) == {b.id}
    assert ids(at_risk=True) == {a.id}
    assert ids(at_risk=False, type=ENTERPRISE) == {b.id}
    assert ids(source=types_pb2.SOURCE_CHANNEL_REFERRAL) == {b.id}
    assert ids(industry="manufacturing", tag_ids=[high.id]) == {a.id, b.id}
    assert ids(max_completeness_score=101) == {a.id, b.id, c.id}
    assert ids(query="乙") == {b.id}
    listed = api.stub(REP_EAST).ListCustomers(customer_pb2.ListCustomersRequest(number=a.number))
    (one,) = listed.customers
    assert {t.name for t in one.tags} == {"high value", "urgent need"}
    assert (one.value_class, one.churn_risk.at_risk) == (types_pb2.VALUE_CLASS_A, True)


def test_batch_get_answers_in_request_order_and_names_what_it_cannot_show(api):
    mine, other = api.individual(REP_EAST, "甲"), api.individual(REP_NORTH, "乙")
    missing = str(uuid.uuid4())
    response = api.stub(REP_EAST).BatchGetCustomers(
        customer_pb2.BatchGetCustomersRequest(ids=[other.id, mine.id, missing])
    )
    assert [c.id for c in response.customers] == [mine.id]
    assert list(response.not_found_ids) == [other.id, missing]


# -- owners: reassignment and handover --------------------------------------------------------


def test_reassign_moves_the_customer_records_the_revision_and_emits_owner_changed(api):
    created = api.individual(REP_EAST)
    moved = api.stub(SALES_LEAD).ReassignCustomer(
        customer_pb2.ReassignCustomerRequest(
            id=created.id, owner_id=REP_NORTH.user_id, reason="territory"
        )
    )
    assert (moved.owner_id, moved.department_path) == (REP_NORTH.user_id, "/hq/sales/north")
    (event,) = api.events(events_pb2.CustomerOwnerChanged)
    assert (event.previous.owner_id, event.current.owner_id, event.reason) == (
        REP_EAST.user_id,
        REP_NORTH.user_id,
        "territory",
    )
    error = failed_call(
        api.stub(REP_EAST).GetCustomer, customer_pb2.GetCustomerRequest(id=created.id)
    )
    assert error.code == grpc.StatusCode.NOT_FOUND  # the previous owner no longer sees it
    revisions = (
        api.stub(REP_NORTH)
        .ListCustomerRevisions(
            customer_pb2.ListCustomerRevisionsRequest(customer_id=created.id, field_path="owner_id")
        )
        .revisions
    )
    assert [(r.old_value, r.new_value, r.change_source) for r in revisions] == [
        (REP_EAST.user_id, REP_NORTH.user_id, customer_pb2.REVISION_SOURCE_HANDOVER)
    ]


def test_rep_cannot_give_a_customer_away(api):
    created = api.individual(REP_EAST)
    error = failed_call(
        api.stub(REP_EAST).ReassignCustomer,
        customer_pb2.ReassignCustomerRequest(id=created.id, owner_id=REP_NORTH.user_id),
    )
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    assert api.events(events_pb2.CustomerOwnerChanged) == []


def test_handover_moves_every_customer_in_one_operation_and_one_event(api):
    leaving = [api.individual(REP_EAST, f"客户{n}") for n in range(3)]
    stays = api.individual(REP_NORTH, "别人的客户")
    handover = api.stub(SALES_LEAD).HandOverCustomers(
        customer_pb2.HandOverCustomersRequest(
            from_user_id=REP_EAST.user_id,
            to_user_id=REP_NORTH.user_id,
            reason="employee left",
            request_id=str(uuid.uuid4()),
        )
    )
    assert sorted(handover.customer_ids) == sorted(c.id for c in leaving)
    assert (handover.customer_count, handover.to_department_path) == (3, "/hq/sales/north")
    north = api.stub(REP_NORTH).ListCustomers(customer_pb2.ListCustomersRequest())
    assert {c.id for c in north.customers} == {c.id for c in leaving} | {stays.id}
    assert api.stub(REP_EAST).ListCustomers(customer_pb2.ListCustomersRequest()).total_size == 0
    (event,) = api.events(events_pb2.CustomerHandedOver)
    assert (event.handover_id, event.previous.owner_id, event.current.owner_id) == (
        handover.id,
        REP_EAST.user_id,
        REP_NORTH.user_id,
    )
    assert sorted(event.customer_ids) == sorted(c.id for c in leaving)
    assert api.events(events_pb2.CustomerOwnerChanged) == []
    # the successor sees the full past, including the handover itself
    history = api.stub(REP_NORTH).ListCustomerRevisions(
        customer_pb2.ListCustomerRevisionsRequest(customer_id=leaving[0].id, field_path="owner_id")
    )
    assert [r.correlation_id for r in history.revisions] == [handover.id]
    assert (
        api.stub(SALES_LEAD).GetHandover(customer_pb2.GetHandoverRequest(id=handover.id))
        == handover
    )
    listed = api.stub(ADMIN).ListHandovers(
        customer_pb2.ListHandoversRequest(user_id=REP_EAST.user_id)
    )
    assert list(listed.handovers) == [handover]


def test_handover_is_for_leads_and_admins_within_their_subtree(api):
    api.individual(REP_EAST)
    request = customer_pb2.HandOverCustomersRequest(
        from_user_id=REP_EAST.user_id, to_user_id=REP_NORTH.user_id
    )
    assert (
        failed_call(api.stub(REP_EAST).HandOverCustomers, request).code
        == grpc.StatusCode.PERMISSION_DENIED
    )
    # the east lead may not give customers to someone in the north team
    assert (
        failed_call(api.stub(EAST_LEAD).HandOverCustomers, request).code
        == grpc.StatusCode.PERMISSION_DENIED
    )
    assert api.events(events_pb2.CustomerHandedOver) == []


# -- contacts and the decision chain -----------------------------------------------------------


def test_contacts_build_the_decision_chain_and_emit_their_events(api):
    customer = api.enterprise(REP_EAST)
    stub = api.stub(REP_EAST)

    def add(name, role, **fields):
        return stub.CreateContact(
            customer_pb2.CreateContactRequest(
                contact=customer_pb2.Contact(
                    customer_id=customer.id,
                    name=name,
                    job_title="职位",
                    decision_role=role,
                    **fields,
                )
            )
        )

    boss = add("张总", customer_pb2.DECISION_ROLE_DECISION_MAKER, phone="13812345678", primary=True)
    user = add("小李", customer_pb2.DECISION_ROLE_USER, reports_to_contact_id=boss.id)
    assert boss.phone == "+8613812345678"
    chain = stub.GetDecisionChain(customer_pb2.GetDecisionChainRequest(customer_id=customer.id))
    assert [c.id for c in chain.contacts] == [boss.id, user.id]
    assert list(chain.missing_roles) == [customer_pb2.DECISION_ROLE_INFLUENCER]
    assert (
        stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer.id)).primary_contact_id
        == boss.id
    )

    updated = stub.UpdateContact(
        customer_pb2.UpdateContactRequest(
            contact=customer_pb2.Contact(
                id=user.id, etag=user.etag, decision_role=customer_pb2.DECISION_ROLE_INFLUENCER
            ),
            update_mask=_mask("decision_role"),
        )
    )
    assert updated.decision_role == customer_pb2.DECISION_ROLE_INFLUENCER
    stale = failed_call(
        stub.UpdateContact,
        customer_pb2.UpdateContactRequest(
            contact=customer_pb2.Contact(id=user.id, etag=user.etag, notes="x"),
            update_mask=_mask("notes"),
        ),
    )
    assert stale.code == grpc.StatusCode.ABORTED
    stub.DeleteContact(customer_pb2.DeleteContactRequest(id=boss.id))
    left = stub.ListContacts(customer_pb2.ListContactsRequest(customer_id=customer.id))
    assert [(c.id, c.reports_to_contact_id) for c in left.contacts] == [(user.id, "")]
    assert (
        stub.GetCustomer(customer_pb2.GetCustomerRequest(id=customer.id)).primary_contact_id == ""
    )
    assert len(api.events(events_pb2.ContactCreated)) == 2
    (changed,) = api.events(events_pb2.ContactUpdated)
    assert list(changed.changed_fields) == ["decision_role"]
    (deleted,) = api.events(events_pb2.ContactDeleted)
    assert (deleted.contact_id, deleted.customer_id) == (boss.id, customer.id)


def test_bad_contacts_are_refused(api):
    company, person = api.enterprise(REP_EAST), api.individual(REP_EAST)
    stub = api.stub(REP_EAST)
    error = failed_call(
        stub.CreateContact,
        customer_pb2.CreateContactRequest(
            contact=customer_pb2.Contact(
                customer_id=company.id,
                name=" ",
                phone="010-1234",
                email="x@",
                birth_date="1990-1-1",
            )
        ),
    )
    assert sorted(v.field for v in error.violations) == [
        "contact.birth_date",
        "contact.email",
        "contact.job_title",
        "contact.name",
        "contact.phone",
    ]
    error = failed_call(
        stub.CreateContact,
        customer_pb2.CreateContactRequest(
            contact=customer_pb2.Contact(customer_id=person.id, name="王五", job_title="CTO")
        ),
    )
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert api.events(events_pb2.ContactCreated) == []


# -- tags and tag rules ------------------------------------------------------------------------


def _amount_rule(tag_id: str, minimum_minor: int, **fields) -> customer_pb2.TagRule:
    return customer_pb2.TagRule(
        display_name="spend >= 2,000 is high value",
        tag_id=tag_id,
        enabled=True,
        condition=rules_pb2.ConditionGroup(
            match=rules_pb2.MATCH_MODE_ALL,
            conditions=[
                rules_pb2.Condition(
                    field="annual_contract_amount",
                    operator=Op.CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL,
                    values=[str(minimum_minor)],
                )
            ],
        ),
        **fields,
    )


def test_tag_rule_applies_its_tag_records_the_rule_and_takes_it_off_again(api):
    admin = api.stub(ADMIN)
    tag = admin.CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="high value", dimension="value"))
    )
    rule = admin.CreateTagRule(
        customer_pb2.CreateTagRuleRequest(
            tag_rule=_amount_rule(tag.id, 2000_00, remove_when_unmatched=True)
        )
    )
    big, small = api.enterprise(REP_EAST, "大客户"), api.enterprise(REP_NORTH, "小客户")
    api.set_columns(big.id, annual_contract_amount=Decimal("2500.00"))
    api.set_columns(small.id, annual_contract_amount=Decimal("1999.99"))

    result = admin.EvaluateTagRules(customer_pb2.EvaluateTagRulesRequest())
    assert (
        result.evaluated_customer_count,
        result.applied_tag_count,
        result.removed_tag_count,
    ) == (2, 1, 0)
    (applied,) = admin.GetCustomer(customer_pb2.GetCustomerRequest(id=big.id)).tags
    assert (applied.tag_id, applied.source, applied.rule_id) == (
        tag.id,
        customer_pb2.TAG_SOURCE_RULE,
        rule.id,
    )
    assert list(admin.GetCustomer(customer_pb2.GetCustomerRequest(id=small.id)).tags) == []
    assert admin.GetTagRule(customer_pb2.GetTagRuleRequest(id=rule.id)).match_count == 1
    (event,) = api.events(events_pb2.CustomerTagsChanged)
    assert (event.customer_id, [t.tag_id for t in event.added]) == (big.id, [tag.id])

    api.set_columns(big.id, annual_contract_amount=Decimal("100.00"))
    again = admin.EvaluateTagRules(customer_pb2.EvaluateTagRulesRequest(customer_ids=[big.id]))
    assert (again.applied_tag_count, again.removed_tag_count) == (0, 1)
    assert list(admin.GetCustomer(customer_pb2.GetCustomerRequest(id=big.id)).tags) == []


def test_rules_run_when_a_customers_facts_change_and_leave_manual_tags_alone(api):
    admin = api.stub(ADMIN)
    intent = admin.CreateTag(
        customer_pb2.CreateTagRequest(
            tag=customer_pb2.Tag(name="clear intent", dimension="need_intent")
        )
    )
    admin.CreateTagRule(
        customer_pb2.CreateTagRuleRequest(
            tag_rule=customer_pb2.TagRule(
                display_name="needs named",
                tag_id=intent.id,
                enabled=True,
                remove_when_unmatched=True,
                condition=rules_pb2.ConditionGroup(
                    conditions=[
                        rules_pb2.Condition(
                            field="needs", operator=Op.CONDITION_OPERATOR_CONTAINS, values=["采购"]
                        )
                    ]
                ),
            )
        )
    )
    customer = api.individual(REP_EAST, needs="计划采购 CRM")
    assert [t.source for t in customer.tags] == [customer_pb2.TAG_SOURCE_RULE]
    manual = admin.CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="2024 Q3 intent", dimension="free"))
    )
    api.stub(REP_EAST).AddCustomerTags(
        customer_pb2.AddCustomerTagsRequest(customer_id=customer.id, tag_ids=[manual.id])
    )
    updated = api.stub(REP_EAST).UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=customer.id, needs="只是咨询"),
            update_mask=_mask("needs"),
        )
    )
    assert [(t.tag_id, t.source, t.applied_by) for t in updated.tags] == [
        (manual.id, customer_pb2.TAG_SOURCE_MANUAL, REP_EAST.user_id)
    ]


def test_reps_cannot_curate_the_catalogue_and_bad_rules_are_refused(api):
    error = failed_call(
        api.stub(REP_EAST).CreateTag,
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="vip", dimension="free")),
    )
    assert error.code == grpc.StatusCode.PERMISSION_DENIED
    tag = api.stub(ADMIN).CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="vip", dimension="free"))
    )
    twice = failed_call(
        api.stub(ADMIN).CreateTag,
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="vip", dimension="free")),
    )
    assert twice.code == grpc.StatusCode.ALREADY_EXISTS
    bad = customer_pb2.TagRule(
        display_name="bad",
        tag_id=tag.id,
        condition=rules_pb2.ConditionGroup(
            conditions=[
                rules_pb2.Condition(
                    field="shoe_size", operator=Op.CONDITION_OPERATOR_EQUALS, values=["42"]
                ),
                rules_pb2.Condition(
                    field="annual_contract_amount",
                    operator=Op.CONDITION_OPERATOR_GREATER_THAN,
                    values=["lots"],
                ),
            ]
        ),
    )
    error = failed_call(
        api.stub(ADMIN).CreateTagRule, customer_pb2.CreateTagRuleRequest(tag_rule=bad)
    )
    assert [v.field for v in error.violations] == [
        "tag_rule.condition.conditions[0].field",
        "tag_rule.condition.conditions[1].values",
    ]


# -- duplicates and merges ---------------------------------------------------------------------


def test_a_phone_typed_differently_is_found_as_a_duplicate_and_can_be_dismissed(api):
    first = api.individual(REP_EAST, "王芳", phone="138 1234 5678")
    second = api.individual(REP_EAST, "王 芳", phone="+86-138-1234-5678")
    api.individual(REP_EAST, "别人", phone="13900000000")
    stub = api.stub(REP_EAST)
    (pair,) = stub.ListDuplicateCandidates(
        customer_pb2.ListDuplicateCandidatesRequest()
    ).duplicate_candidates
    assert {pair.customer_id, pair.duplicate_customer_id} == {first.id, second.id}
    assert list(pair.reasons) == [customer_pb2.DUPLICATE_REASON_SAME_PHONE]
    # someone who may see only one of the two is not shown the pair
    assert (
        list(
            api.stub(REP_NORTH)
            .ListDuplicateCandidates(customer_pb2.ListDuplicateCandidatesRequest())
            .duplicate_candidates
        )
        == []
    )
    dismissed = stub.DismissDuplicateCandidate(
        customer_pb2.DismissDuplicateCandidateRequest(id=pair.id, reason="twins")
    )
    assert (dismissed.state, dismissed.dismissed_by) == (
        customer_pb2.DUPLICATE_CANDIDATE_STATE_DISMISSED,
        REP_EAST.user_id,
    )
    assert (
        list(
            stub.ListDuplicateCandidates(
                customer_pb2.ListDuplicateCandidatesRequest()
            ).duplicate_candidates
        )
        == []
    )


def test_similar_company_names_are_proposed(api):
    first = api.enterprise(REP_EAST, "上海某某科技有限公司")
    second = api.enterprise(REP_EAST, "上海某某科技股份有限公司")
    (pair,) = (
        api.stub(ADMIN)
        .ListDuplicateCandidates(customer_pb2.ListDuplicateCandidatesRequest(customer_id=first.id))
        .duplicate_candidates
    )
    assert {pair.customer_id, pair.duplicate_customer_id} == {first.id, second.id}
    assert customer_pb2.DUPLICATE_REASON_SIMILAR_NAME in pair.reasons


def _dummy(column, serial: int):
    """A value of ``column``'s type, unique per ``serial`` (for rows of tables owned by others)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, (Integer, Float, Numeric)):
        return serial
    if isinstance(kind, DateTime) or getattr(kind, "impl", None).__class__ is DateTime:
        return utcnow()
    if isinstance(kind, Date):
        return date(2024, 1, 1)
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b"x"
    length = getattr(kind, "length", None) or 36
    return f"{serial}-{uuid.uuid4().hex}"[:length]


def _fill_every_other_customer_table(api: CustomerApi, customer_id: str) -> set[str]:
    """One row for ``customer_id`` in every customer table this test does not fill by RPC."""
    own = {
        "contacts",
        "customer_tags",
        "customer_revisions",
        "customer_external_ids",
        "customer_personal_data",
    }
    filled = set()
    with api.database.engine.begin() as conn:
        for serial, table in enumerate(merge.customer_tables(), start=1):
            if table.name in own:
                continue
            row = {
                c.name: _dummy(c, serial)
                for c in table.columns
                if not (c.nullable and not c.primary_key) or c.name == "customer_id"
            }
            row["customer_id"] = customer_id
            conn.execute(table.insert().values(row))
            filled.add(table.name)
    return filled


def test_merge_keeps_every_child_record_of_both_customers(api_on_both):
    api = api_on_both
    admin = api.stub(ADMIN)
    shared = admin.CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="vip", dimension="free"))
    )
    only_loser = admin.CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="urgent", dimension="free"))
    )
    survivor = api.enterprise(
        REP_EAST, "上海某某科技有限公司", tags=[customer_pb2.CustomerTag(tag_id=shared.id)]
    )
    loser = api.enterprise(
        REP_EAST,
        "上海某某科技股份有限公司",
        email="buy@moumou.cn",
        tags=[
            customer_pb2.CustomerTag(tag_id=shared.id),
            customer_pb2.CustomerTag(tag_id=only_loser.id),
        ],
        external_ids={"erp": "K-2"},
    )
    stub = api.stub(REP_EAST)
    for target in (survivor, loser):
        stub.CreateContact(
            customer_pb2.CreateContactRequest(
                contact=customer_pb2.Contact(
                    customer_id=target.id, name=f"联系人 {target.number}", job_title="采购"
                )
            )
        )
    stub.UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=loser.id, needs="100 seats"),
            update_mask=_mask("needs"),
        )
    )
    with api.database.unit_of_work() as uow:
        personal_data.store_personal_fields(
            uow.session, loser.id, {"bank_account": "6222020200112233"}
        )
    others = _fill_every_other_customer_table(api, loser.id)
    before = {
        t.name: api.count(t, t.c.customer_id.in_([survivor.id, loser.id]))
        for t in merge.customer_tables()
    }

    response = stub.MergeCustomers(
        customer_pb2.MergeCustomersRequest(
            surviving_customer_id=survivor.id,
            merged_customer_ids=[loser.id],
            reason="same company",
            request_id=str(uuid.uuid4()),
        )
    )

    for table in merge.customer_tables():
        # the merged record keeps one revision: its own state change to MERGED
        left = 1 if table.name == "customer_revisions" else 0
        assert api.count(table, table.c.customer_id == loser.id) == left, table.name
    after = {t.name: api.count(t, t.c.customer_id == survivor.id) for t in merge.customer_tables()}
    assert after["customer_tags"] == before["customer_tags"] - 1  # "vip" was on both: kept once
    assert after["customer_revisions"] > before["customer_revisions"]  # plus the merge's own
    for name in others | {"contacts", "customer_external_ids"}:
        assert after[name] == before[name], name
    with api.database.unit_of_work(readonly=True) as uow:
        assert personal_data.load_clear(uow.session, [survivor.id])[survivor.id] == {
            "bank_account": "6222020200112233"
        }
    merged = response.customer
    assert {t.tag_id for t in merged.tags} == {shared.id, only_loser.id}
    assert (merged.email, merged.needs, dict(merged.external_ids)) == (
        "buy@moumou.cn",
        "100 seats",
        {"erp": "K-2"},
    )  # gaps filled from the merged record
    record = response.merge
    assert (
        list(record.merged_customer_ids),
        record.actor_id,
        record.moved_contact_count,
        record.moved_tag_count,
    ) == ([loser.id], REP_EAST.user_id, 1, 1)
    gone = stub.GetCustomer(customer_pb2.GetCustomerRequest(id=loser.id))
    assert (gone.state, gone.merged_into_customer_id) == (
        customer_pb2.CUSTOMER_STATE_MERGED,
        survivor.id,
    )
    assert [c.id for c in stub.ListCustomers(customer_pb2.ListCustomersRequest()).customers] == [
        survivor.id
    ]
    (event,) = api.events(events_pb2.CustomerMerged)
    assert (event.merge_id, event.surviving_customer_id, list(event.merged_customer_ids)) == (
        record.id,
        survivor.id,
        [loser.id],
    )
    assert list(
        admin.ListCustomerMerges(
            customer_pb2.ListCustomerMergesRequest(customer_id=loser.id)
        ).merges
    ) == [record]
    assert (
        list(
            stub.ListDuplicateCandidates(
                customer_pb2.ListDuplicateCandidatesRequest()
            ).duplicate_candidates
        )
        == []
    )
    # the merged record is read-only
    error = failed_call(
        stub.UpdateCustomer,
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=loser.id, needs="x"), update_mask=_mask("needs")
        ),
    )
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION


def test_merge_of_a_customer_the_caller_cannot_see_is_not_found_and_changes_nothing(api):
    mine, theirs = api.individual(REP_EAST, "甲"), api.individual(REP_NORTH, "甲")
    error = failed_call(
        api.stub(REP_EAST).MergeCustomers,
        customer_pb2.MergeCustomersRequest(
            surviving_customer_id=mine.id, merged_customer_ids=[theirs.id]
        ),
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert api.stub(REP_NORTH).GetCustomer(customer_pb2.GetCustomerRequest(id=theirs.id)) == theirs
    assert api.events(events_pb2.CustomerMerged) == []


def test_first_contact_date_is_a_date(api):
    created = api.individual(REP_EAST, first_contact_date="2024-03-01")
    with api.database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Customer, created.id).first_contact_date == date(2024, 3, 1)


def test_lifecycle_stage_corrected_by_hand_is_recorded_and_published(api):
    created = api.individual(REP_EAST)
    updated = api.stub(REP_EAST).UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(
                id=created.id, lifecycle_stage=types_pb2.LIFECYCLE_STAGE_INTENT
            ),
            update_mask=_mask("lifecycle_stage"),
        )
    )
    assert updated.lifecycle_stage == types_pb2.LIFECYCLE_STAGE_INTENT
    assert updated.HasField("lifecycle_stage_change_time")
    (event,) = api.events(events_pb2.CustomerStageChanged)
    assert (event.previous, event.current, event.actor_id) == (
        types_pb2.LIFECYCLE_STAGE_POTENTIAL,
        types_pb2.LIFECYCLE_STAGE_INTENT,
        REP_EAST.user_id,
    )
    (revision,) = (
        api.stub(REP_EAST)
        .ListCustomerRevisions(customer_pb2.ListCustomerRevisionsRequest(customer_id=created.id))
        .revisions
    )
    assert (revision.field_path, revision.old_value, revision.new_value) == (
        "lifecycle_stage",
        "potential",
        "intent",
    )


def test_a_disabled_employee_with_a_named_successor_is_handed_over_once(api):
    leaving = [api.individual(REP_EAST, f"客户{n}") for n in range(2)]
    event_id = str(uuid.uuid4())
    for _delivery in range(2):  # a redelivered event hands over nothing more
        with api.database.unit_of_work() as uow:
            handover.on_user_disabled(
                uow,
                user_id=REP_EAST.user_id,
                department_path=REP_EAST.department_path,
                successor_user_id=REP_NORTH.user_id,
                reason="employee left",
                actor_id=ADMIN.user_id,
                revision=5,
                correlation_id=event_id,
                now=utcnow(),
            )
    (event,) = api.events(events_pb2.CustomerHandedOver)
    assert sorted(event.customer_ids) == sorted(c.id for c in leaving)
    assert (event.previous.owner_id, event.current.owner_id, event.actor_id) == (
        REP_EAST.user_id,
        REP_NORTH.user_id,
        ADMIN.user_id,
    )
    assert {
        c.id
        for c in api.stub(REP_NORTH).ListCustomers(customer_pb2.ListCustomersRequest()).customers
    } == {c.id for c in leaving}
    with api.database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Employee, REP_EAST.user_id).active is False
    # a disabled employee can no longer be given customers
    error = failed_call(
        api.stub(SALES_LEAD).ReassignCustomer,
        customer_pb2.ReassignCustomerRequest(id=leaving[0].id, owner_id=REP_EAST.user_id),
    )
    assert [v.field for v in error.violations] == ["owner_id"]


def test_deleting_a_tag_takes_it_off_every_customer_and_disables_its_rules(api):
    admin = api.stub(ADMIN)
    tag = admin.CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="vip", dimension="free"))
    )
    keep = admin.CreateTag(
        customer_pb2.CreateTagRequest(tag=customer_pb2.Tag(name="q3", dimension="free"))
    )
    rule = admin.CreateTagRule(customer_pb2.CreateTagRuleRequest(tag_rule=_amount_rule(tag.id, 1)))
    tagged = api.individual(
        REP_EAST,
        tags=[customer_pb2.CustomerTag(tag_id=tag.id), customer_pb2.CustomerTag(tag_id=keep.id)],
    )
    admin.DeleteTag(customer_pb2.DeleteTagRequest(id=tag.id))
    assert [
        t.tag_id for t in admin.GetCustomer(customer_pb2.GetCustomerRequest(id=tagged.id)).tags
    ] == [keep.id]
    assert admin.GetTagRule(customer_pb2.GetTagRuleRequest(id=rule.id)).enabled is False
    (event,) = api.events(events_pb2.CustomerTagsChanged)
    assert ([t.tag_id for t in event.removed], [t.tag_id for t in event.tags]) == (
        [tag.id],
        [keep.id],
    )


def test_merge_applies_overrides_and_a_retry_returns_the_first_merge(api):
    survivor = api.individual(REP_EAST, "王芳", email="old@example.com")
    loser = api.individual(REP_EAST, "王芳", email="new@example.com", phone="13812345678")
    request = customer_pb2.MergeCustomersRequest(
        surviving_customer_id=survivor.id,
        merged_customer_ids=[loser.id],
        overrides=customer_pb2.Customer(email="New@Example.com"),
        override_mask=_mask("email"),
        request_id=str(uuid.uuid4()),
    )
    first = api.stub(REP_EAST).MergeCustomers(request)
    assert (first.customer.email, first.customer.phone) == ("new@example.com", "+8613812345678")
    assert list(first.merge.overridden_fields) == ["email"]
    again = api.stub(REP_EAST).MergeCustomers(request)
    assert again.merge == first.merge
    assert len(api.events(events_pb2.CustomerMerged)) == 1


def test_profile_fields_of_the_other_type_cannot_be_updated(api):
    person = api.individual(REP_EAST)
    error = failed_call(
        api.stub(REP_EAST).UpdateCustomer,
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(
                id=person.id, enterprise=customer_pb2.EnterpriseProfile(industry="it")
            ),
            update_mask=_mask("enterprise.industry"),
        ),
    )
    assert [v.field for v in error.violations] == ["update_mask.paths[enterprise.industry]"]
    assert api.count(CustomerRevision) == 0


def test_a_pair_is_withdrawn_when_the_customers_no_longer_match(api):
    first = api.individual(REP_EAST, "甲", phone="13812345678")
    second = api.individual(REP_EAST, "乙", phone="13812345678")
    stub = api.stub(REP_EAST)
    listing = customer_pb2.ListDuplicateCandidatesRequest(customer_id=first.id)
    assert len(stub.ListDuplicateCandidates(listing).duplicate_candidates) == 1
    stub.UpdateCustomer(
        customer_pb2.UpdateCustomerRequest(
            customer=customer_pb2.Customer(id=second.id, phone="13900000000"),
            update_mask=_mask("phone"),
        )
    )
    assert list(stub.ListDuplicateCandidates(listing).duplicate_candidates) == []


@pytest.mark.parametrize(
    "order_by",
    ["display_name", "number", "annual_contract_amount desc", "update_time desc"],
)
def test_pages_walk_every_order_once_in_order(api, order_by):
    amounts = {"丁": "300", "甲": "100", "丙": "300", "乙": "0", "戊": "50"}
    for name, amount in amounts.items():
        created = api.individual(REP_EAST, name)
        api.set_columns(created.id, annual_contract_amount=Decimal(amount))
    stub = api.stub(REP_EAST)
    walked, token = [], ""
    for _page in range(10):
        response = stub.ListCustomers(
            customer_pb2.ListCustomersRequest(order_by=order_by, page_size=2, page_token=token)
        )
        walked += list(response.customers)
        token = response.next_page_token
        if not token:
            break
    whole = list(stub.ListCustomers(customer_pb2.ListCustomersRequest(order_by=order_by)).customers)
    assert [c.id for c in walked] == [c.id for c in whole] and len(whole) == 5
    key = {
        "display_name": lambda c: c.display_name,
        "number": lambda c: c.number,
        "annual_contract_amount desc": lambda c: -c.annual_contract_amount.amount_minor,
        "update_time desc": lambda c: -c.update_time.ToNanoseconds(),
    }[order_by]
    assert [key(c) for c in whole] == sorted(key(c) for c in whole)
    # a token of one order is refused by another, not misread
    first = stub.ListCustomers(customer_pb2.ListCustomersRequest(order_by=order_by, page_size=2))
    other_order = "number" if order_by != "number" else "display_name"
    error = failed_call(
        stub.ListCustomers,
        customer_pb2.ListCustomersRequest(order_by=other_order, page_token=first.next_page_token),
    )
    assert [v.field for v in error.violations] == ["page_token"]


def test_duplicate_pairs_come_highest_score_first_page_by_page(api_on_both):
    api = api_on_both
    api.individual(REP_EAST, "甲", phone="13812345678")
    api.individual(REP_EAST, "乙", phone="13812345678")  # same phone: 0.9
    api.individual(REP_EAST, "丙", email="a@example.com")
    api.individual(REP_EAST, "丁", email="a@example.com")  # same email: 0.85
    api.enterprise(REP_EAST, "上海某某科技有限公司")
    api.enterprise(REP_EAST, "上海某某科技股份有限公司")  # similar name: 0.8
    stub = api.stub(REP_EAST)
    scores, token = [], ""
    for _page in range(5):
        response = stub.ListDuplicateCandidates(
            customer_pb2.ListDuplicateCandidatesRequest(page_size=1, page_token=token)
        )
        scores += [pair.score for pair in response.duplicate_candidates]
        token = response.next_page_token
        if not token:
            break
    assert scores == [0.9, 0.85, 0.8]
