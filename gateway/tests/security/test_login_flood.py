"""A flood of bad logins cannot exhaust the gateway's memory (issue 15, finding 6).

One Argon2 verification holds ``memory_cost`` (64 MiB) for its duration, so before the fix
every gunicorn thread could hold one at once: 2 workers x 8 threads, 1 GiB against a 512 MiB
pod. A real ``crm-gateway serve`` (the production worker and thread counts, the real Argon2
parameters) takes 100 concurrent bad logins; each worker's peak resident memory (the kernel's
``VmHWM``, reset before the burst) must stay within its idle size plus the hashing slots its
settings give it, and every answer is a 401 or a 429 with ``Retry-After``, never a 5xx.
In-process, with the one slot held: a login is refused before hashing, for an unknown user
(whose dummy verification takes a slot like a real one) as for a known one.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from crm_shared.settings import load_settings
from gateway.app import create_app
from gateway.identity.passwords import PARAMETERS, PasswordHashing, hashing_slots
from gateway.settings import GatewaySettings

MIB = 1024 * 1024
# What a worker may grow by besides the hashes themselves: 8 threads' stacks in use, request
# and response objects, the database session. Far below one hash (64 MiB) per extra thread.
MARGIN_BYTES = 48 * MIB
CONCURRENT_LOGINS = 100


def proc_status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return fields


def kib(value: str) -> int:
    number, unit = value.split()
    assert unit == "kB"
    return int(number) * 1024


def workers_of(master: int) -> list[int]:
    """The gunicorn workers: the processes whose parent is the master."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if proc_status(int(entry)).get("PPid") == str(master):
                    children.append(int(entry))
            except OSError:
                pass  # the process ended while being listed
    return children


def reset_peak(pid: int) -> None:
    """Start ``VmHWM`` again from the current resident size (proc(5), ``clear_refs`` 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def test_a_hundred_concurrent_bad_logins_stay_within_the_hashing_memory_budget(
    serve_env, start_gateway
):
    env = {
        **serve_env,
        "HTTP_WORKERS": "2",
        "HTTP_THREADS": "8",
        # Only the hashing slots may protect memory here: the login throttle never triggers.
        "LOGIN_FAILURES_PER_ADDRESS": "100000",
        "LOGIN_FAILURES_PER_ACCOUNT": "100000",
        "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": "100000",
    }
    settings = load_settings(GatewaySettings, **{k.lower(): v for k, v in env.items()})
    slots = hashing_slots(
        settings.password_hashing_memory_mib,
        workers=settings.http_workers,
        memory_cost_kib=PARAMETERS.memory_cost,
    )
    hash_bytes = PARAMETERS.memory_cost * 1024
    gateway = start_gateway(env)

    # One good login first: every lazy import and the first hash are behind us.
    warm = requests.post(
        f"{gateway.url}/api/v1/auth/token",
        json={"username": "rep.zhang", "password": "demo"},
        timeout=30,
    )
    assert warm.status_code == 200
    workers = workers_of(gateway.process.pid)
    assert len(workers) == settings.http_workers
    idle = {pid: kib(proc_status(pid)["VmRSS"]) for pid in workers}
    for pid in workers:
        reset_peak(pid)

    def bad_login(index: int) -> requests.Response:
        # Known and unknown usernames alike: the unknown ones verify against a dummy hash.
        username = "rep.zhang" if index % 2 else f"nobody.{index}"
        return requests.post(
            f"{gateway.url}/api/v1/auth/token",
            json={"username": username, "password": f"wrong-{index}"},
            headers={"Connection": "close"},
            timeout=120,
        )

    with ThreadPoolExecutor(CONCURRENT_LOGINS) as pool:
        answers = list(pool.map(bad_login, range(CONCURRENT_LOGINS)))

    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {401, 429}, statuses
    assert 401 in statuses  # passwords were checked, not all refused up front
    for answer in answers:
        if answer.status_code == 429:
            assert int(answer.headers["Retry-After"]) >= 1
            assert answer.headers["Content-Type"] == "application/problem+json"
    for pid in workers:
        peak = kib(proc_status(pid)["VmHWM"])
        bound = idle[pid] + slots * hash_bytes + MARGIN_BYTES
        assert peak <= bound, (
            f"worker {pid}: peak {peak // MIB} MiB > {bound // MIB} MiB "
            f"(idle {idle[pid] // MIB} MiB + {slots} x {hash_bytes // MIB} MiB + margin)"
        )
    assert gateway.process.poll() is None


@pytest.mark.parametrize("username", ["rep.zhang", "nobody.here"], ids=["known", "unknown"])
def test_with_every_hashing_slot_taken_a_login_is_refused_before_hashing(
    make_settings, demo_database, username
):
    hashing = PasswordHashing(PasswordHasher.from_parameters(CHEAPEST), slots=1, wait_seconds=0)
    app = create_app(make_settings(), database=demo_database, hashing=hashing)
    client = app.test_client()
    try:
        with hashing.slot():  # another login's verification, still running
            busy = client.post(
                "/api/v1/auth/token", json={"username": username, "password": "demo"}
            )
        assert busy.status_code == 429
        assert busy.headers["Retry-After"] == "1"
        assert busy.get_json()["detail"] == "too many logins at once; retry in a moment"

        # The refusal was no failed login: the throttle did not count it.
        after = client.post("/api/v1/auth/token", json={"username": username, "password": "x"})
        assert after.status_code == 401
    finally:
        app.extensions["crm.gateway"].peers.close()


def test_a_servers_slots_come_from_its_memory_budget_and_worker_count():
    cost = PARAMETERS.memory_cost  # 64 MiB
    assert hashing_slots(128, workers=2, memory_cost_kib=cost) == 1
    assert hashing_slots(512, workers=2, memory_cost_kib=cost) == 4
    assert hashing_slots(16, workers=4, memory_cost_kib=cost) == 1  # never none
