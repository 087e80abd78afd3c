"""The gateway checks a token's watermark (``crm_shared.auth.revocations``) from memory, as the
services do: an authenticated request reads no row of ``users``; a user disabled through this
gateway process loses their token here at once (before any refresh of the document), and a
change written by another process (another worker, a replica) is in force once this worker's
poller has read the document again. The real app over a migrated demo database."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from crm_devstack.waiting import wait_until
from gateway.identity.demo import USERS
from gateway.identity.models import User
from sqlalchemy import event, update

IDS = {user.username: user.user_id for user in USERS}
USERS_TABLE = re.compile(r"\busers\b", re.IGNORECASE)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def statements_on(database) -> Iterator[list[str]]:
    """Every SQL statement the app sends to ``database`` inside the block."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def test_an_authenticated_request_reads_no_users_row(client, login, demo_database):
    token = login("rep.zhang")
    first = client.get("/api/v1/departments", headers=bearer(token))
    assert first.status_code == 200  # the worker's first check loaded the watermarks

    with statements_on(demo_database) as sent:
        for _ in range(3):
            assert client.get("/api/v1/departments", headers=bearer(token)).status_code == 200

    assert sent, "the departments were read from the database"
    assert [s for s in sent if USERS_TABLE.search(s)] == []


def test_a_user_disabled_here_is_refused_at_once_without_a_read(client, login, demo_database):
    admin, rep = login("admin"), login("rep.zhang")
    assert client.get("/api/v1/departments", headers=bearer(rep)).status_code == 200

    disabled = client.patch(
        f"/api/v1/users/{IDS['rep.zhang']}", json={"active": False}, headers=bearer(admin)
    )
    assert disabled.status_code == 200, disabled.get_json()

    with statements_on(demo_database) as sent:
        refused = client.get("/api/v1/departments", headers=bearer(rep))
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["detail"]
    assert sent == []  # refused from memory: no users row, nor anything else
    assert client.get("/api/v1/departments", headers=bearer(admin)).status_code == 200


def test_a_change_made_by_another_process_is_in_force_within_one_poll(
    client, login, demo_database, app
):
    revocations = app.extensions["crm.gateway"].verifier.revocations
    revocations.interval_seconds = 0.1
    token = login("rep.zhang")
    assert client.get("/api/v1/departments", headers=bearer(token)).status_code == 200

    # another worker disables the rep: its unit of work is not this process's to learn from
    with demo_database.unit_of_work() as uow:
        uow.session.execute(
            update(User)
            .where(User.id == IDS["rep.zhang"])
            .values(active=False, tokens_not_before_ms=round(time.time() * 1000))
        )
    assert client.get("/api/v1/departments", headers=bearer(token)).status_code == 200  # cached

    revocations.start()
    try:
        wait_until(
            lambda: client.get("/api/v1/departments", headers=bearer(token)).status_code == 401,
            timeout=10,
            message="the gateway never read the other process's watermark",
        )
    finally:
        revocations.stop()
