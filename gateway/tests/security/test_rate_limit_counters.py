"""The shared window counters: several processes (here: several counters, each with its own
engine, over one database file) never admit more than the limit between them."""

from __future__ import annotations

import itertools

import pytest
from crm_shared.db import Database
from gateway.ratelimits import MAX_LEASE, WindowCounters


@pytest.fixture
def counters(database_url):
    databases = [Database(database_url) for _ in range(3)]
    clock = lambda: 1_000_000.0
    yield [WindowCounters(db, clock=clock) for db in databases]
    for db in databases:
        db.dispose()


@pytest.mark.parametrize("limit", [1, 10, 100, 600])
def test_processes_together_admit_at_most_the_limit_and_nearly_all_of_it(counters, limit):
    admitted = 0
    for counter in itertools.islice(itertools.cycle(counters), limit * 2):
        if not counter.hit("user:u", limit=limit, window_seconds=60).exceeded:
            admitted += 1

    assert admitted <= limit
    # Refused early by at most what the other processes still hold unspent.
    assert admitted >= limit - (len(counters) - 1) * MAX_LEASE
    if limit <= 10:
        assert admitted == limit  # small limits are counted one by one


def test_remaining_counts_down_and_reset_is_the_windows_end(counters):
    quotas = [counters[0].hit("user:v", limit=3, window_seconds=60) for _ in range(4)]

    assert [q.remaining for q in quotas] == [2, 1, 0, 0]
    assert [q.exceeded for q in quotas] == [False, False, False, True]
    assert {q.reset_seconds for q in quotas} == {20}  # 1_000_000 s is 40 s into its minute


def test_unleased_hits_are_exact_for_the_login_throttle(counters):
    for counter in counters:
        counter.hit("login-address:x", limit=50, window_seconds=60, leased=False)

    assert counters[0].peek("login-address:x", limit=50, window_seconds=60).hits == 3


@pytest.mark.integration
def test_the_counters_hold_on_postgresql_too(postgres_url):
    from crm_shared.migrations import upgrade

    upgrade("gateway", postgres_url)
    databases = [Database(postgres_url) for _ in range(2)]
    try:
        pair = [WindowCounters(db, clock=lambda: 2_000_000.0) for db in databases]
        admitted = sum(
            not counter.hit("user:pg", limit=50, window_seconds=60).exceeded
            for counter in itertools.islice(itertools.cycle(pair), 100)
        )
        assert 50 - MAX_LEASE <= admitted <= 50
        assert pair[1].peek("user:pg", limit=50, window_seconds=60).hits >= 50
    finally:
        for db in databases:
            db.dispose()
