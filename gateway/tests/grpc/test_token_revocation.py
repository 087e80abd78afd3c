"""A user disabled, or given other roles, loses every access token already issued at once, at
every door: the gateway (which reads the watermark from its database) and a service's gRPC
server (which polls the gateway's revocations document), and the user's refresh tokens are
revoked (``crm_shared.auth.revocations``). Real servers: the gateway app over HTTP, the
customer service's api, verifying for itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest
import requests
from crm.customer.v1 import customer_pb2
from crm_devstack.waiting import wait_until
from crm_shared.auth.revocations import DOCUMENT_PATH, PolledRevocations, subject_digest
from gateway.identity.demo import USERS
from sqlalchemy import text
from werkzeug.serving import make_server

pytestmark = pytest.mark.integration

SERVICE = customer_pb2.DESCRIPTOR.services_by_name["CustomerService"]
IDS = {user.username: user.user_id for user in USERS}
POLL_SECONDS = 0.2
# A refusal must follow within a few polls; generous for a loaded test machine.
WITHIN_SECONDS = 20.0


@dataclass(frozen=True)
class Served:
    url: str


@pytest.fixture
def gateway(app) -> Iterator[Served]:
    """The gateway app served over real HTTP on a free port (the services poll it)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def start_customer_api(gateway, start_grpc_api, migrated_database, tmp_path):
    """Start the real customer api, verifying tokens against the gateway's watermarks."""
    from customer_service.api import build_bindings

    started: list[PolledRevocations] = []

    def start():
        revocations = PolledRevocations(gateway.url + DOCUMENT_PATH, interval_seconds=POLL_SECONDS)
        revocations.start()
        started.append(revocations)
        url = migrated_database("customer_service", path=tmp_path / f"customer-{len(started)}.db")
        return start_grpc_api(build_bindings, database_url=url, name="customer",
                              revocations=revocations)

    yield start
    for revocations in started:
        revocations.stop()


def login(gateway, username: str) -> dict:
    response = requests.post(f"{gateway.url}/api/v1/auth/token",
                             json={"username": username, "password": "demo"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def refresh(gateway, refresh_token: str) -> requests.Response:
    return requests.post(f"{gateway.url}/api/v1/auth/token", timeout=30,
                         json={"grant_type": "refresh_token", "refresh_token": refresh_token})


def gateway_status(gateway, token: str) -> int:
    return requests.get(f"{gateway.url}/api/v1/me", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.fixture
def grpc_status(rpc_status):
    """``grpc_status(address, token)``: how the customer api answers a call with ``token``."""
    return lambda address, token: rpc_status(
        address, token, SERVICE.methods_by_name["ListCustomers"],
        customer_pb2.ListCustomersRequest(page_size=1))


def change_user(gateway, admin_token: str, username: str, **changes) -> None:
    response = requests.patch(f"{gateway.url}/api/v1/users/{IDS[username]}", json=changes,
                              headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    assert response.status_code == 200, response.text


def assert_refused_everywhere(gateway, address: str, token: str, grpc_status) -> None:
    wait_until(lambda: gateway_status(gateway, token) == 401, timeout=WITHIN_SECONDS,
               message="the gateway still accepts the token")
    wait_until(lambda: grpc_status(address, token) is grpc.StatusCode.UNAUTHENTICATED,
               timeout=WITHIN_SECONDS, message="the customer service still accepts the token")


@pytest.mark.parametrize(
    "change",
    [pytest.param({"active": False}, id="disabled"),
     pytest.param({"roles": ["sales_rep", "service_agent"]}, id="role-changed"),
     pytest.param({"password": "a new long passphrase"}, id="password-changed")],
)
def test_a_changed_users_token_is_refused_at_the_gateway_and_the_grpc_service(
    gateway, start_customer_api, grpc_status, change
):
    customers = start_customer_api()
    admin = login(gateway, "admin")["access_token"]
    session = login(gateway, "rep.zhang")
    token = session["access_token"]
    assert gateway_status(gateway, token) == 200
    wait_until(lambda: grpc_status(customers.address, token) is grpc.StatusCode.OK,
               timeout=WITHIN_SECONDS, message="the customer service never accepted the token")

    change_user(gateway, admin, "rep.zhang", **change)

    assert_refused_everywhere(gateway, customers.address, token, grpc_status)
    assert refresh(gateway, session["refresh_token"]).status_code == 401
    # Others are untouched: the admin who made the change still works at both doors.
    assert gateway_status(gateway, admin) == 200
    assert grpc_status(customers.address, admin) is grpc.StatusCode.OK


def test_a_token_issued_after_the_change_works_at_once(
    gateway, start_customer_api, grpc_status
):
    customers = start_customer_api()
    admin = login(gateway, "admin")["access_token"]
    before = login(gateway, "rep.zhang")["access_token"]

    change_user(gateway, admin, "rep.zhang", roles=["sales_rep", "service_agent"])
    after = login(gateway, "rep.zhang")["access_token"]

    assert_refused_everywhere(gateway, customers.address, before, grpc_status)
    assert gateway_status(gateway, after) == 200
    assert grpc_status(customers.address, after) is grpc.StatusCode.OK


def test_a_service_started_after_the_change_refuses_the_token_from_its_first_call(
    gateway, start_customer_api, grpc_status
):
    admin = login(gateway, "admin")["access_token"]
    token = login(gateway, "rep.zhang")["access_token"]
    change_user(gateway, admin, "rep.zhang", active=False)

    restarted = start_customer_api()

    # Never accepted, not even before its first document arrived; others' tokens are, once it
    # has it.
    assert grpc_status(restarted.address, token) is grpc.StatusCode.UNAUTHENTICATED
    wait_until(lambda: grpc_status(restarted.address, admin) is grpc.StatusCode.OK,
               timeout=WITHIN_SECONDS, message="the restarted service never loaded the document")
    assert grpc_status(restarted.address, token) is grpc.StatusCode.UNAUTHENTICATED


def test_the_document_names_users_by_digest_and_only_within_the_token_lifetime(
    gateway, database
):
    admin = login(gateway, "admin")["access_token"]
    change_user(gateway, admin, "rep.zhang", active=False)
    change_user(gateway, admin, "rep.li", active=False)
    # rep.li's change is older than the longest token lifetime: it voids only expired tokens.
    with database.unit_of_work() as uow:
        uow.session.execute(text("UPDATE users SET tokens_not_before_ms = 1000 WHERE id = :id"),
                            {"id": IDS["rep.li"]})

    response = requests.get(gateway.url + DOCUMENT_PATH, timeout=10)

    assert response.status_code == 200
    listed = response.json()["not_before_ms"]
    assert list(listed) == [subject_digest(IDS["rep.zhang"])]
    assert IDS["rep.zhang"] not in response.text
    unchanged = requests.get(gateway.url + DOCUMENT_PATH, timeout=10,
                             headers={"If-None-Match": response.headers["ETag"]})
    assert unchanged.status_code == 304
