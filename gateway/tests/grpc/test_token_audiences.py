"""Each service accepts only tokens that name it (``crm_shared.auth.audiences``): a token minted
for one service is refused by another, a service account's token names only the services its
scopes open, and a person's token names every service. Real gRPC servers (the customer and
notification apis, each verifying for itself) and the gateway's own token endpoint."""

from __future__ import annotations

import grpc
import jwt
import pytest
from crm.customer.v1 import customer_pb2
from crm.notification.v1 import notification_pb2
from crm_shared.auth import TokenIssuer
from crm_shared.auth.audiences import audience_of

pytestmark = pytest.mark.integration

CUSTOMERS = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
NOTIFICATIONS = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"]
ADMIN = {"user_id": "u-admin", "username": "admin", "roles": ["admin"], "department_path": "/hq",
         "data_scope": "all"}


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


LIST_CUSTOMERS = CUSTOMERS.methods_by_name["ListCustomers"]
UNREAD_COUNT = NOTIFICATIONS.methods_by_name["GetUnreadCount"]


@pytest.fixture
def customers_call(rpc_status):
    return lambda address, token: rpc_status(
        address, token, LIST_CUSTOMERS, customer_pb2.ListCustomersRequest(page_size=1)
    )


@pytest.fixture
def notifications_call(rpc_status):
    return lambda address, token: rpc_status(
        address, token, UNREAD_COUNT, notification_pb2.GetUnreadCountRequest()
    )


def test_a_token_minted_for_one_service_only_is_refused_by_another(
    signing_keys, customer_service, scripted_notifications, customers_call, notifications_call
):
    _servicer, notification_service = scripted_notifications
    issuer = TokenIssuer(signing_keys.private.read_bytes(), issuer="crm-gateway")
    for_notifications = issuer.issue(**ADMIN, audience=[audience_of("notification")])
    for_customers = issuer.issue(**ADMIN, audience=[audience_of("customer")])

    assert notifications_call(notification_service.address, for_notifications) is grpc.StatusCode.OK
    assert customers_call(customer_service.address, for_notifications) is (
        grpc.StatusCode.UNAUTHENTICATED)
    assert customers_call(customer_service.address, for_customers) is grpc.StatusCode.OK
    assert notifications_call(notification_service.address, for_customers) is (
        grpc.StatusCode.UNAUTHENTICATED)


def test_the_old_suite_wide_audience_opens_no_service(
    signing_keys, customer_service, customers_call
):
    old = TokenIssuer(signing_keys.private.read_bytes(), issuer="crm-gateway", audience="crm")

    assert customers_call(customer_service.address, old.issue(**ADMIN)) is (
        grpc.StatusCode.UNAUTHENTICATED)


def test_a_service_accounts_token_names_only_the_services_its_scopes_open(
    client, auth_header, customer_service, customers_call
):
    created = client.post("/api/v1/service-accounts", headers=auth_header("admin"), json={
        "client_id": "svc.sender", "display_name": "Sender", "department_path": "/hq",
        "roles": [], "scopes": ["notification.send"], "data_scope": "all"})
    assert created.status_code == 201, created.get_data(as_text=True)
    token = client.post("/api/v1/auth/token", json={
        "grant_type": "client_credentials", "client_id": "svc.sender",
        "client_secret": created.get_json()["client_secret"]}).get_json()["access_token"]

    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == ["crm-gateway", "crm-notification"]
    assert customers_call(customer_service.address, token) is grpc.StatusCode.UNAUTHENTICATED


def test_a_persons_token_names_the_gateway_the_console_and_every_service(
    client, login, customer_service, customers_call
):
    token = login("rep.zhang")

    claims = jwt.decode(token, options={"verify_signature": False})
    assert sorted(claims["aud"]) == sorted(
        audience_of(name) for name in ("gateway", "console", "customer", "sales", "ticket",
                                       "marketing", "notification"))
    assert customers_call(customer_service.address, token) is grpc.StatusCode.OK
