"""``Idempotency-Key`` on the creating POSTs: a retried create creates one record and gets
the first response again; the same key with another body is a 422."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from gateway.identity.models import IdempotencyRecord, User
from sqlalchemy import func, select

BODY = {"type": "enterprise", "display_name": "西湖科技", "phone": "13800138000",
        "enterprise": {"legal_name": "杭州西湖科技有限公司", "industry": "software"}}


@pytest.fixture
def client(make_app, customer_service):
    return make_app(customer_addr=customer_service.address).test_client()


def listed(client, headers) -> list[dict]:
    return client.get("/api/v1/customers?page_size=100", headers=headers).get_json()["customers"]


def test_a_create_retried_with_its_key_creates_one_customer_and_replays_the_response(
    client, auth_header
):
    headers = {**auth_header("rep.zhang"), "Idempotency-Key": "crm-import-42"}

    responses = [client.post("/api/v1/customers", json=BODY, headers=headers) for _ in range(3)]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.get_json()["id"] for r in responses}) == 1
    assert responses[0].get_data() == responses[2].get_data()
    assert "Idempotent-Replayed" not in responses[0].headers
    assert responses[1].headers["Idempotent-Replayed"] == "true"
    assert responses[1].headers["Location"] == responses[0].headers["Location"]
    assert len(listed(client, auth_header("rep.zhang"))) == 1


def test_concurrent_retries_of_one_key_create_one_customer(client, auth_header):
    headers = {**auth_header("rep.zhang"), "Idempotency-Key": "double-click"}

    with ThreadPoolExecutor(4) as pool:
        statuses = list(
            pool.map(
                lambda _: client.post("/api/v1/customers", json=BODY, headers=headers).status_code,
                range(4),
            )
        )

    # Each retry either replays the first response or is told the first is still running.
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert len(listed(client, auth_header("rep.zhang"))) == 1


def test_the_same_key_with_a_different_body_is_a_422(client, auth_header):
    headers = {**auth_header("rep.zhang"), "Idempotency-Key": "k-1"}
    client.post("/api/v1/customers", json=BODY, headers=headers)

    response = client.post(
        "/api/v1/customers", json={**BODY, "display_name": "另一家"}, headers=headers
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert len(listed(client, auth_header("rep.zhang"))) == 1


def test_keys_are_per_caller(client, auth_header):
    zhang = {**auth_header("rep.zhang"), "Idempotency-Key": "same"}
    li = {**auth_header("rep.li"), "Idempotency-Key": "same"}

    first = client.post("/api/v1/customers", json=BODY, headers=zhang)
    second = client.post("/api/v1/customers", json=BODY, headers=li)

    assert second.status_code == 201 and second.get_json()["id"] != first.get_json()["id"]


def test_a_failed_create_is_not_stored_so_the_key_can_be_retried(client, auth_header, make_app):
    headers = {**auth_header("rep.zhang"), "Idempotency-Key": "fix-and-retry"}
    bad = client.post("/api/v1/customers", json={**BODY, "phone": "123"}, headers=headers)
    assert bad.status_code == 422

    good = client.post("/api/v1/customers", json={**BODY, "phone": "123"}, headers=headers)
    assert good.status_code == 422  # the same bad request is judged again, not replayed
    assert "Idempotent-Replayed" not in good.headers


def test_identity_creates_are_idempotent_and_stored_with_an_expiry(
    client, auth_header, demo_database
):
    headers = {**auth_header("admin"), "Idempotency-Key": "hire-wu"}
    body = {
        "username": "rep.wu",
        "password": "a long passphrase",
        "display_name": "吴芳",
        "department_path": "/hq/sales/east",
    }

    first = client.post("/api/v1/users", json=body, headers=headers)
    retry = client.post("/api/v1/users", json=body, headers=headers)
    admin_id = client.get("/api/v1/me", headers=auth_header("admin")).get_json()["id"]

    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    with demo_database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(func.count(User.id)).where(User.username == "rep.wu")) == 1
        record = uow.session.get(IdempotencyRecord, (admin_id, "hire-wu"))
        assert record is not None and record.expire_time > record.create_time


def test_a_malformed_key_is_a_422(client, auth_header):
    headers = {**auth_header("rep.zhang"), "Idempotency-Key": "x" * 201}
    response = client.post("/api/v1/customers", json=BODY, headers=headers)
    assert response.status_code == 422


def test_expired_records_are_swept(client, auth_header, demo_database):
    from datetime import timedelta

    from crm_shared.db import utcnow
    from gateway.idempotency import sweep_expired

    headers = {**auth_header("admin"), "Idempotency-Key": "old"}
    client.post("/api/v1/departments", json={"path": "/hq/old", "name": "旧"}, headers=headers)
    with demo_database.unit_of_work() as uow:
        for record in uow.session.query(IdempotencyRecord):
            record.expire_time = utcnow() - timedelta(seconds=1)

    assert sweep_expired(demo_database) == 1
    retried = client.post(
        "/api/v1/departments", json={"path": "/hq/old", "name": "旧"}, headers=headers
    )
    assert retried.status_code == 409  # expired: judged again (the department exists)
