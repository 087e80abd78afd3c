"""The customer 360 page's collaborators panel (team selling, issue 18) against the REAL
customer service (in process, on SQLite): the owner adds a colleague with a role on the page,
who then opens the customer and sees the panel without the form; an unknown person is refused
next to the field in the reader's language; removed, the colleague gets a 404."""

from __future__ import annotations

import re

import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_console.app import create_app
from crm_console.settings import ConsoleSettings
from crm_devstack.inprocess_api import InProcessApi, principal_claims
from crm_devstack.ports import free_port
from crm_shared.auth import Principal
from crm_shared.auth.principal import DataScope
from crm_shared.db import utcnow
from crm_shared.grpc.peers import Peers
from crm_shared.settings import load_settings
from customer_service.api import build_bindings
from customer_service.models import Employee

from .conftest import SECRET, ConsoleUnderTest

REP = Principal("u-rep", "rep.zhang", frozenset({"sales_rep"}), "/hq/sales/east", DataScope.OWN)
TECH = Principal("u-tech", "tech.zhao", frozenset({"sales_rep"}), "/hq/tech", DataScope.OWN)


@pytest.fixture(scope="module")
def stack(module_migrated_database, keys):
    api = InProcessApi(
        "customer",
        build_bindings,
        module_migrated_database("customer_service"),
        keys,
        service=customer_pb2.DESCRIPTOR.services_by_name["CustomerService"],
        stub_class=customer_pb2_grpc.CustomerServiceStub,
        claims=principal_claims,
    )
    with api.database.unit_of_work() as uow:
        uow.session.add(
            Employee(
                user_id=TECH.user_id,
                username=TECH.username,
                department_path=TECH.department_path,
                active=True,
                update_time=utcnow(),
            )
        )
    issuer, public_key = keys
    settings = load_settings(
        ConsoleSettings,
        jwt_public_key_file=public_key,
        console_secret_key=SECRET,
        console_secure_cookies=False,
        gateway_url=f"http://127.0.0.1:{free_port()}",
        customer_addr=api.target,
        # no sales service here: a server that answers at once (UNIMPLEMENTED) stands in, so
        # the rep names each panel asks for fail fast instead of waiting on a closed port
        sales_addr=api.target,
    )
    app = create_app(settings, peers=Peers(settings.peer_addresses(), timeout_seconds=10))
    yield api, ConsoleUnderTest(app, issuer)
    app.extensions["crm.console"].peers.close()
    api.stop()


def _client(stack, who: Principal, language="en-US"):
    api, console = stack
    return console.client(None, language, token=api.token(who))


def _add(client, customer_id: str, user_id: str, role: str):
    panel = client.get(f"/customers/{customer_id}/panels/collaborators").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', panel).group(1)
    return client.post(
        f"/customers/{customer_id}/collaborators",
        data={"csrf_token": csrf, "user_id": user_id, "role": role},
        headers={"HX-Request": "true"},
    )


def test_the_owner_adds_a_colleague_who_then_sees_the_customer(stack):
    api, _ = stack
    customer = api.stub(REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="王芳", phone="13900001111"
            )
        )
    )
    tech = _client(stack, TECH)
    assert tech.get(f"/customers/{customer.id}").status_code == 404

    owner = _client(stack, REP)
    added = _add(owner, customer.id, TECH.user_id, "technical_support")
    page = added.get_data(as_text=True)
    assert added.status_code == 200, page
    assert '<span translate="no">u-tech</span>' in page and "Technical support" in page

    # the panel reads the customer with their token: they see it now, and read only
    seen = tech.get(f"/customers/{customer.id}/panels/collaborators").get_data(as_text=True)
    assert "Technical support" in seen and "Add collaborator" not in seen  # reads only

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    removed = owner.post(
        f"/customers/{customer.id}/collaborators/{TECH.user_id}/remove",
        data={"csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert removed.status_code == 200
    assert tech.get(f"/customers/{customer.id}").status_code == 404


def test_an_unknown_person_is_refused_next_to_the_field_in_chinese(stack):
    api, _ = stack
    customer = api.stub(REP).CreateCustomer(
        customer_pb2.CreateCustomerRequest(
            customer=customer_pb2.Customer(
                type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL, display_name="李强", phone="13900002222"
            )
        )
    )

    refused = _add(_client(stack, REP, "zh-CN"), customer.id, "u-nobody", "co_owner")
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert 'id="collaborator-user_id-error"' in page
    assert 'value="u-nobody"' in page  # what was typed is kept
    assert "协作人" in page or "添加协作人" in page
