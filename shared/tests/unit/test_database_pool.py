"""The api's connection pool keeps a connection for every gRPC thread (issue 17): with fewer,
the threads beyond the pool opened a connection for each call and closed it after (on SQLite
with its PRAGMAs each time)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from crm_shared.db import Database
from crm_shared.grpc.server import BACKGROUND_CONNECTIONS, api_database
from crm_shared.settings import ApiSettings
from sqlalchemy import event, text


def api_settings(database_url: str, workers: int) -> ApiSettings:
    return ApiSettings(
        service_name="customer",
        database_url=database_url,
        jwt_public_key_file=Path("unused.pub"),
        grpc_max_workers=workers,
    )


@pytest.mark.parametrize("url", ["sqlite:///{folder}/api.db", "postgresql+psycopg://crm@db/crm"])
def test_the_api_pool_keeps_a_connection_for_each_grpc_thread_and_background_task(tmp_path, url):
    database = api_database(api_settings(url.format(folder=tmp_path), workers=24))
    assert database.engine.pool.size() == 24 + BACKGROUND_CONNECTIONS
    database.dispose()


def test_as_many_threads_as_the_pool_holds_reuse_their_connections(tmp_path):
    threads = 16
    database = api_database(api_settings(f"sqlite:///{tmp_path / 'api.db'}", workers=threads))
    opened = []
    event.listen(database.engine, "connect", lambda *_: opened.append(1))

    def all_threads_reading_at_once():
        together = threading.Barrier(threads, timeout=10)

        def read():
            with database.unit_of_work(readonly=True) as uow:
                uow.session.execute(text("SELECT 1"))
                together.wait()  # every thread holds its connection at the same moment

        workers = [threading.Thread(target=read) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(10)

    all_threads_reading_at_once()
    assert len(opened) == threads
    all_threads_reading_at_once()
    assert len(opened) == threads, "connections were closed and opened again"
    database.dispose()


def test_an_in_memory_sqlite_database_keeps_one_connection_per_thread():
    database = Database("sqlite://", connections=4)
    with database.unit_of_work() as uow:
        uow.session.execute(text("CREATE TABLE kept (x INTEGER)"))
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.execute(text("SELECT count(*) FROM kept")).scalar() == 0
    database.dispose()
