"""Team selling (issue 18): collaborators of a customer see it through every read door of the
customer service, only the callers whose data scope reaches the customer change them, and
everyone else still gets NOT_FOUND.

The real customer api in-process on a migrated SQLite database (``start_customer_api``); the
outbox relay is off, so the events a call wrote are read from the outbox.
"""

from __future__ import annotations

import grpc
import pytest
from crm.common.v1 import collaborators_pb2
from crm.customer.v1 import customer_pb2, events_pb2
from crm_shared.auth import DataScope, Principal
from crm_shared.db import utcnow
from customer_service import portrait, timeline
from customer_service.models import CustomerCollaborator, Employee
from google.protobuf.field_mask_pb2 import FieldMask
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

ZHANG = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
WANG = Principal("u-tech", "tech.wang", frozenset({"sales_rep"}), "/hq/product", DataScope.OWN)
LI = Principal("u-rep-2", "rep.li", frozenset({"sales_rep"}), "/hq/sales/north", DataScope.OWN)
EAST_LEAD = Principal(
    "u-east-lead", "east.lead", frozenset({"sales_lead"}), "/hq/sales/east", DataScope.DEPARTMENT
)
TECH = collaborators_pb2.COLLABORATOR_ROLE_TECHNICAL_SUPPORT
C = customer_pb2


@pytest.fixture
def api(start_customer_api):
    server = start_customer_api()
    with server.database.unit_of_work() as uow:
        for person in (ZHANG, WANG, LI, EAST_LEAD):
            uow.session.add(
                Employee(
                    user_id=person.user_id,
                    username=person.username,
                    department_path=person.department_path,
                    active=True,
                    update_time=utcnow(),
                )
            )
    return server


def _customer(api, owner: Principal, name: str) -> C.Customer:
    return api.stub(owner).CreateCustomer(
        C.CreateCustomerRequest(
            customer=C.Customer(
                type=C.CUSTOMER_TYPE_ENTERPRISE,
                display_name=name,
                enterprise=C.EnterpriseProfile(legal_name=name, industry="制造业"),
            )
        )
    )


def _add(api, caller: Principal, customer_id: str, user_id: str = WANG.user_id, role=TECH):
    return api.stub(caller).AddCustomerCollaborator(
        C.AddCustomerCollaboratorRequest(customer_id=customer_id, user_id=user_id, role=role)
    )


def _collaborator_rows(api) -> int:
    with api.database.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(CustomerCollaborator))


def test_a_collaborator_sees_the_customer_its_contacts_and_timeline_and_nobody_else_does(
    api, rpc_error
):
    shared = _customer(api, ZHANG, "华东制造")
    other = _customer(api, ZHANG, "华东零售")  # another of the owner's customers
    contact = api.stub(ZHANG).CreateContact(
        C.CreateContactRequest(
            contact=C.Contact(
                customer_id=shared.id, name="张经理", job_title="采购经理", phone="13800000001"
            )
        )
    )
    assert (
        rpc_error(api.stub(WANG).GetCustomer, C.GetCustomerRequest(id=shared.id)).code
        is grpc.StatusCode.NOT_FOUND
    )

    added = _add(api, ZHANG, shared.id)
    assert (added.user_id, added.role, added.added_by) == (WANG.user_id, TECH, ZHANG.user_id)
    (event,) = api.events("customer.collaborator_added", events_pb2.CustomerCollaboratorAdded)
    assert (event.customer_id, event.collaborator, event.ownership.owner_id) == (
        shared.id,
        added,
        ZHANG.user_id,
    )

    wang = api.stub(WANG)
    assert wang.GetCustomer(C.GetCustomerRequest(id=shared.id)).owner_id == ZHANG.user_id
    assert [c.id for c in wang.ListCustomers(C.ListCustomersRequest()).customers] == [shared.id]
    assert [
        c.id
        for c in wang.BatchGetCustomers(
            C.BatchGetCustomersRequest(ids=[shared.id, other.id])
        ).customers
    ] == [shared.id]
    assert [
        c.id for c in wang.ListContacts(C.ListContactsRequest(customer_id=shared.id)).contacts
    ] == [contact.id]
    assert [
        c.user_id
        for c in wang.ListCustomerCollaborators(
            C.ListCustomerCollaboratorsRequest(customer_id=shared.id)
        ).collaborators
    ] == [WANG.user_id]
    # the worker puts the event on the timeline, which the collaborator reads too
    with api.database.unit_of_work() as uow:
        portrait.take_fact(
            uow.session,
            timeline.collaborator_added_fact(event, utcnow()),
            source_event_id="e-collaborator",
            now=utcnow(),
            emit=lambda *a, **k: "",
        )
    entries = wang.ListTimelineEntries(
        C.ListTimelineEntriesRequest(customer_id=shared.id)
    ).timeline_entries
    assert C.TIMELINE_ENTRY_KIND_COLLABORATOR_ADDED in [entry.kind for entry in entries]

    # the owner's other customer, and the shared one to another rep: as if they did not exist
    assert (
        rpc_error(wang.GetCustomer, C.GetCustomerRequest(id=other.id)).code
        is grpc.StatusCode.NOT_FOUND
    )
    for call, request in (
        (api.stub(LI).GetCustomer, C.GetCustomerRequest(id=shared.id)),
        (api.stub(LI).ListContacts, C.ListContactsRequest(customer_id=shared.id)),
        (
            api.stub(LI).ListCustomerCollaborators,
            C.ListCustomerCollaboratorsRequest(customer_id=shared.id),
        ),
    ):
        assert rpc_error(call, request).code is grpc.StatusCode.NOT_FOUND
    assert list(api.stub(LI).ListCustomers(C.ListCustomersRequest()).customers) == []

    # removed, they see it no more
    api.stub(ZHANG).RemoveCustomerCollaborator(
        C.RemoveCustomerCollaboratorRequest(customer_id=shared.id, user_id=WANG.user_id)
    )
    (removed,) = api.events("customer.collaborator_removed", events_pb2.CustomerCollaboratorRemoved)
    assert (removed.user_id, removed.role, removed.actor_id) == (WANG.user_id, TECH, ZHANG.user_id)
    assert (
        rpc_error(wang.GetCustomer, C.GetCustomerRequest(id=shared.id)).code
        is grpc.StatusCode.NOT_FOUND
    )


def test_a_collaborator_reads_but_changes_neither_the_customer_nor_its_collaborators(
    api, rpc_error
):
    shared = _customer(api, ZHANG, "华东制造")
    _add(api, ZHANG, shared.id)
    wang = api.stub(WANG)
    updated = rpc_error(
        wang.UpdateCustomer,
        C.UpdateCustomerRequest(
            customer=C.Customer(id=shared.id, display_name="改名"),
            update_mask=FieldMask(paths=["display_name"]),
        ),
    )
    assert updated.code is grpc.StatusCode.NOT_FOUND
    brought_in = rpc_error(_add, api, WANG, shared.id, user_id=LI.user_id)
    assert brought_in.code is grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(_add, api, LI, shared.id, user_id=LI.user_id).code is grpc.StatusCode.NOT_FOUND
    assert (
        api.stub(ZHANG).GetCustomer(C.GetCustomerRequest(id=shared.id)).display_name == "华东制造"
    )

    # the lead whose department the customer is in may; adding again changes only the role
    _add(api, EAST_LEAD, shared.id, user_id=LI.user_id)
    again = _add(
        api, ZHANG, shared.id, user_id=LI.user_id, role=collaborators_pb2.COLLABORATOR_ROLE_SERVICE
    )
    assert again.role == collaborators_pb2.COLLABORATOR_ROLE_SERVICE
    assert _collaborator_rows(api) == 2
    assert len(api.events("customer.collaborator_added")) == 3


def test_bad_input_is_a_field_error_and_stores_nothing(api, rpc_error):
    shared = _customer(api, ZHANG, "华东制造")
    missing = rpc_error(
        api.stub(ZHANG).AddCustomerCollaborator,
        C.AddCustomerCollaboratorRequest(customer_id=shared.id),
    )
    assert missing.code is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in missing.violations] == ["user_id", "role"]
    for user_id, why in (
        ("u-nobody", "is not an active employee"),
        (ZHANG.user_id, "owns the customer already"),
    ):
        error = rpc_error(_add, api, ZHANG, shared.id, user_id=user_id)
        assert error.code is grpc.StatusCode.INVALID_ARGUMENT
        assert [(v.field, v.description) for v in error.violations] == [("user_id", why)]
    assert _collaborator_rows(api) == 0
    assert api.events("customer.collaborator_added") == []
