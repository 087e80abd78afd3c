"""``crm-gateway keygen | migrate | seed-demo | serve``, as a user runs them."""

from __future__ import annotations

import itertools
import json
import time

import pytest
import requests
from crm_shared.auth import TokenVerifier
from crm_shared.db import Database
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from gateway.__main__ import main
from gateway.identity.models import SeedMark, User
from sqlalchemy import func, select


def test_keygen_writes_a_key_pair_that_signs_verifiable_tokens(tmp_path):
    private, public = tmp_path / "k" / "private.pem", tmp_path / "k" / "public.pem"

    assert main(["keygen", "--private", str(private), "--public", str(public)]) == 0

    from crm_shared.auth import TokenIssuer

    token = TokenIssuer(private.read_bytes(), issuer="i", audience="a").issue(
        user_id="u", username="x", roles=[], department_path="/hq", data_scope="own"
    )
    assert TokenVerifier(public.read_bytes(), issuer="i", audience="a").verify(token).user_id == "u"
    assert private.stat().st_mode & 0o077 == 0


def test_keygen_refuses_to_overwrite_keys(tmp_path):
    private, public = tmp_path / "private.pem", tmp_path / "public.pem"
    main(["keygen", "--private", str(private), "--public", str(public)])
    before = private.read_bytes()

    assert main(["keygen", "--private", str(private), "--public", str(public)]) == 1
    assert private.read_bytes() == before


def test_migrate_then_seed_demo_twice_seeds_once(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    assert main(["migrate"]) == 0
    assert main(["seed-demo"]) == 0
    assert main(["seed-demo"]) == 0

    assert "already present" in capsys.readouterr().err
    database = Database(sqlite_url)
    try:
        with database.unit_of_work(readonly=True) as uow:
            assert uow.session.scalar(select(func.count(User.id))) == 11
    finally:
        database.dispose()


def seeded_counts(url: str) -> tuple[int, int]:
    database = Database(url)
    try:
        with database.unit_of_work(readonly=True) as uow:
            return (
                uow.session.scalar(select(func.count(SeedMark.name))),
                uow.session.scalar(select(func.count(User.id))),
            )
    finally:
        database.dispose()


def test_serve_seeds_once_before_forking_and_keeps_data_on_restart(
    start_gateway, serve_env, database_url
):
    first = start_gateway(serve_env)
    login = requests.post(
        f"{first.url}/api/v1/auth/token",
        json={"username": "rep.zhang", "password": "demo"},
        timeout=5,
    )
    assert login.status_code == 200
    assert login.headers["X-Request-Id"]
    me = requests.get(
        f"{first.url}/api/v1/me",
        headers={"Authorization": f"Bearer {login.json()['access_token']}"},
        timeout=5,
    )
    assert me.json()["username"] == "rep.zhang"
    assert first.stop() == 0

    second = start_gateway(serve_env)
    assert requests.get(f"{second.url}/healthz", timeout=5).status_code == 200
    assert second.stop() == 0

    assert seeded_counts(database_url) == (1, 11)
    seeded = [
        r
        for r in first.log_records() + second.log_records()
        if r.get("message") == "seeded the demo organisation"
    ]
    assert len(seeded) == 1
    workers = [r for r in first.log_records() if r.get("message") == "gateway worker ready"]
    assert len(workers) == 2


@pytest.mark.integration
def test_each_worker_relays_the_identity_events_to_rabbitmq(
    start_gateway, serve_env, database_url, amqp_url
):
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare("identity.events", exchange_type="topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, "identity.events", routing_key="identity.#")

    gateway = start_gateway({**serve_env, "OUTBOX_RELAY": "true", "AMQP_URL": amqp_url})

    database = Database(database_url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with database.unit_of_work(readonly=True) as uow:
                pending = uow.session.scalar(
                    select(func.count(OutboxMessage.id)).where(
                        OutboxMessage.status != OutboxStatus.PUBLISHED
                    )
                )
                total = uow.session.scalar(select(func.count(OutboxMessage.id)))
            if total and not pending:
                break
            time.sleep(0.2)
        assert total and not pending
    finally:
        database.dispose()

    received = []
    for _ in range(total):
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        assert method is not None
        received.append((method.routing_key, properties.headers["event_type"], json.loads(body)))
    connection.close()

    kinds = {key for key, _, _ in received}
    assert kinds == {"identity.user_upserted", "identity.department_upserted"}
    assert {b["username"] for k, _, b in received if k == "identity.user_upserted"} >= {
        "admin",
        "rep.zhang",
        "marketer.chen",
    }
    # The relay of the first worker may have published everything before the second worker
    # logged its start, so wait for both lines rather than reading the log once.
    deadline = time.monotonic() + 30
    while True:
        workers = [r for r in gateway.log_records() if r.get("message") == "gateway worker ready"]
        if len(workers) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert [w["relay"] for w in workers] == [True, True]


def test_rate_limits_hold_across_workers_and_replicas(serve_env, start_gateway):
    """Two gateway replicas (two gunicorn workers each) over one database: a user's quota is
    counted once for all of them, so exactly ``limit`` of many requests get through."""
    env = {**serve_env, "RATE_LIMIT_USER_REQUESTS": "10", "RATE_LIMIT_WINDOW_SECONDS": "3600"}
    replicas = [start_gateway(env), start_gateway({**env, "DEMO_MODE": "false"})]

    def burst(username: str) -> tuple[list[int], list[int]] | None:
        token = requests.post(
            f"{replicas[0].url}/api/v1/auth/token",
            json={"username": username, "password": "demo"},
            timeout=10,
        ).json()["access_token"]
        statuses, resets = [], []
        for index in range(16):
            # A new connection each time, alternating replicas: every process takes a share.
            response = requests.get(
                f"{replicas[index % 2].url}/api/v1/me",
                headers={"Authorization": f"Bearer {token}", "Connection": "close"},
                timeout=10,
            )
            statuses.append(response.status_code)
            resets.append(int(response.headers["RateLimit-Reset"]))
        if any(later > earlier for earlier, later in itertools.pairwise(resets)):
            return None  # the hour-long window rolled over during the burst: not comparable
        return statuses, resets

    outcome = burst("rep.zhang") or burst("rep.li")
    assert outcome is not None
    statuses, _ = outcome
    assert statuses.count(200) == 10
    assert statuses.count(429) == 6
    assert statuses[:10] == [200] * 10  # in order: the shared count never lets one through late
