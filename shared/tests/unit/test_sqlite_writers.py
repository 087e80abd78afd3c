"""SQLite's one writer: the threads of one process queue for it on the unit of work
(crm_shared.db.Database) instead of in SQLite's busy handler, which waits by sleeping in
steps of up to 100 ms (issue 17: a p99 of 435 ms at 8 concurrent calls) and gives up with
"database is locked" once its timeout is spent."""

from __future__ import annotations

import threading

from crm_shared import db
from crm_shared.db import Database
from crm_shared.events.handlers import is_transient
from sqlalchemy import event, text
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError


def database_with_short_busy_timeout(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'writers.db'}")

    @event.listens_for(database.engine, "connect")
    def _short_busy_timeout(dbapi_conn, _record):
        # after the engine's own PRAGMAs: a writer left to SQLite gives up within 50 ms
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    with database.unit_of_work() as uow:
        uow.session.execute(text("CREATE TABLE marks (who TEXT)"))
    return database


def test_a_second_writer_of_the_process_waits_for_the_first_commit_and_then_writes(tmp_path):
    database = database_with_short_busy_timeout(tmp_path)
    second_started, second_done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def second_writer():
        second_started.set()
        try:
            with database.unit_of_work() as uow:
                uow.session.execute(text("INSERT INTO marks VALUES ('second')"))
            outcome["ok"] = True
        except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
            outcome["error"] = exc
        finally:
            second_done.set()

    thread = threading.Thread(target=second_writer)
    with database.unit_of_work() as uow:
        uow.session.execute(text("INSERT INTO marks VALUES ('first')"))  # holds the write lock
        thread.start()
        assert second_started.wait(5)
        # Well past the 50 ms SQLite would wait: left to its busy handler, the second writer
        # would have failed by now; queued in the process, it cannot finish before this commit.
        finished_early = second_done.wait(0.5)
    thread.join(10)

    assert not finished_early, outcome
    assert outcome == {"ok": True}
    with database.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(text("SELECT who FROM marks ORDER BY rowid")).scalars().all()
    assert rows == ["first", "second"]
    database.dispose()


def test_readers_do_not_queue_behind_a_writer(tmp_path):
    database = database_with_short_busy_timeout(tmp_path)
    with database.unit_of_work() as uow:
        uow.session.execute(text("INSERT INTO marks VALUES ('open')"))
        read: list[str] = []
        reader = threading.Thread(target=lambda: read.extend(_read_marks(database)), name="reader")
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "a read waited for the writer"
    assert read == []  # WAL: the reader sees the last commit, not the open write
    database.dispose()


def _read_marks(database: Database) -> list[str]:
    with database.unit_of_work(readonly=True) as uow:
        return list(uow.session.execute(text("SELECT who FROM marks")).scalars())


def test_a_writer_queued_longer_than_sqlite_would_wait_fails_as_a_transient_error(
    tmp_path, monkeypatch
):
    database = database_with_short_busy_timeout(tmp_path)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_SECONDS", 0.2)
    outcome: dict[str, BaseException] = {}

    def second_writer():
        try:
            with database.unit_of_work() as uow:
                uow.session.execute(text("INSERT INTO marks VALUES ('second')"))
        except BaseException as exc:  # noqa: BLE001 - the failure is what the test reports
            outcome["error"] = exc

    with database.unit_of_work() as uow:
        uow.session.execute(text("INSERT INTO marks VALUES ('first')"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(10)  # gives up after 0.2 s while the first still holds the lock
        assert not thread.is_alive()

    assert isinstance(outcome.get("error"), SQLAlchemyTimeoutError), outcome
    assert is_transient(outcome["error"])  # an event handler retries it, not dead-letters it
    assert _read_marks(database) == ["first"]
    database.dispose()
