"""Service accounts: an admin creates one, the client-credentials grant gives a token with
its roles, scopes and data scope, and that token works directly against a real gRPC
service (the real customer api), scoped like any caller."""

from __future__ import annotations

import grpc
import jwt
import pytest
from crm.customer.v1 import customer_pb2, customer_pb2_grpc
from crm_shared.grpc.client import connect

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def create_account(client, admin, **fields):
    body = {
        "client_id": "svc.erp",
        "display_name": "ERP",
        "department_path": "/hq",
        "roles": [],
        "scopes": ["customers.read", "customers.write"],
        "data_scope": "all",
        **fields,
    }
    response = client.post("/api/v1/service-accounts", json=body, headers=admin)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def client_token(client, client_id, secret):
    return client.post(
        "/api/v1/auth/token",
        json={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def customers_stub(address: str, token: str):
    channel = connect(address, [SERVICE], token_provider=lambda: token)
    return channel, customer_pb2_grpc.CustomerServiceStub(channel)


def test_client_credentials_give_a_token_with_the_granted_roles_and_scopes(
    client, auth_header, signing_keys
):
    account = create_account(client, auth_header("admin"))
    assert account["roles"] == ["service"] and account["client_secret"]

    response = client_token(client, "svc.erp", account["client_secret"])

    assert response.status_code == 200
    body = response.get_json()
    assert body["scope"] == "customers.read customers.write"
    assert body.get("refresh_token") is None  # RFC 6749 §4.4.3
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["roles"] == ["service"] and claims["scope_data"] == "all"
    assert claims["sub"] == account["id"]


def test_a_service_account_token_works_directly_against_the_grpc_service(
    client, auth_header, customer_service
):
    rep = auth_header("rep.zhang")
    made = client.post(
        "/api/v1/customers",
        headers=rep,
        json={"type": "individual", "display_name": "李雷", "phone": "13900001111"},
    ).get_json()
    account = create_account(client, auth_header("admin"))
    token = client_token(client, "svc.erp", account["client_secret"]).get_json()["access_token"]
    channel, stub = customers_stub(customer_service.address, token)
    try:
        created = stub.CreateCustomer(
            customer_pb2.CreateCustomerRequest(
                customer=customer_pb2.Customer(
                    type=customer_pb2.CUSTOMER_TYPE_INDIVIDUAL,
                    display_name="韩梅梅",
                    phone="13900002222",
                )
            )
        )
        listed = stub.ListCustomers(customer_pb2.ListCustomersRequest(page_size=50))
    finally:
        channel.close()

    assert created.owner_id == account["id"]
    # data scope "all": the rep's customer is visible to the account too.
    assert {c.id for c in listed.customers} == {created.id, made["id"]}


def test_an_own_scoped_account_sees_only_its_own_records_over_grpc(
    client, auth_header, customer_service
):
    client.post(
        "/api/v1/customers",
        headers=auth_header("rep.zhang"),
        json={"type": "individual", "display_name": "李雷", "phone": "13900001111"},
    )
    account = create_account(
        client, auth_header("admin"), client_id="svc.callcentre", data_scope="own"
    )
    token = client_token(client, "svc.callcentre", account["client_secret"]).get_json()[
        "access_token"
    ]
    channel, stub = customers_stub(customer_service.address, token)
    try:
        listed = stub.ListCustomers(customer_pb2.ListCustomersRequest(page_size=50))
    finally:
        channel.close()
    assert list(listed.customers) == []


def test_only_the_suites_scopes_can_be_granted(client, auth_header):
    """A scope no RPC names would grant nothing: refused with a field error, not stored."""
    admin = auth_header("admin")
    body = {"client_id": "svc.erp", "display_name": "ERP", "department_path": "/hq",
            "scopes": ["customers.read", "customer.write"]}
    refused = client.post("/api/v1/service-accounts", json=body, headers=admin)
    assert refused.status_code == 422
    assert "scopes" in refused.get_data(as_text=True)
    account = create_account(client, admin)
    changed = client.patch(f"/api/v1/service-accounts/{account['id']}",
                           json={"scopes": ["everything"]}, headers=admin)
    assert changed.status_code == 422


def test_wrong_or_rotated_secrets_and_disabled_accounts_get_no_token(client, auth_header):
    admin = auth_header("admin")
    account = create_account(client, admin)
    assert client_token(client, "svc.erp", "wrong").status_code == 401
    # A person's credentials are not client credentials.
    assert client_token(client, "rep.zhang", "demo").status_code == 401

    rotated = client.post(f"/api/v1/service-accounts/{account['id']}/secret", headers=admin)
    assert client_token(client, "svc.erp", account["client_secret"]).status_code == 401
    new_secret = rotated.get_json()["client_secret"]
    assert client_token(client, "svc.erp", new_secret).status_code == 200

    client.patch(f"/api/v1/service-accounts/{account['id']}", json={"active": False}, headers=admin)
    assert client_token(client, "svc.erp", new_secret).status_code == 401


def test_a_service_account_cannot_log_in_with_the_password_grant(client, auth_header):
    account = create_account(client, auth_header("admin"))
    response = client.post(
        "/api/v1/auth/token", json={"username": "svc.erp", "password": account["client_secret"]}
    )
    assert response.status_code == 401


def test_a_token_from_a_foreign_key_is_refused_by_the_grpc_service(customer_service, foreign_keys):
    from crm_shared.auth import TokenIssuer

    forged = TokenIssuer(
        foreign_keys.private.read_bytes(), issuer="crm-gateway"
    ).issue(
        user_id="x", username="svc.erp", roles=["service"], department_path="/hq", data_scope="all"
    )
    channel, stub = customers_stub(customer_service.address, forged)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            stub.ListCustomers(customer_pb2.ListCustomersRequest())
    finally:
        channel.close()
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
