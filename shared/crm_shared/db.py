"""Database access: one engine per process, one unit of work per call or message.

The unit of work is opened at the entry point (gRPC method, event handler) and committed
once. Repositories and domain functions receive its session and never commit, so the state
change, its outbox rows and the processed-event mark always land in one transaction.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Engine,
    Float,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def database_unreachable(exc: BaseException) -> bool:
    """The database could not be reached or dropped the connection (a restart, a failover, a
    full pool), rather than refused the statement: nothing was done, and the same call a moment
    later may succeed. An event handler retries such a failure without counting an attempt; an
    api answers UNAVAILABLE and the gateway 503 with Retry-After, never an internal error."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (OperationalError, SQLAlchemyTimeoutError))


class RuntimeBase(DeclarativeBase):
    """Tables every service has: the outbox and the processed-event ledger."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """A timestamp that is UTC on the way in and timezone-aware UTC on the way out.

    PostgreSQL keeps the zone (timestamptz); SQLite's DateTime drops it without converting,
    so values are normalised to UTC before they are stored and marked UTC when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime  # TypeDecorator does not derive it; keyset paging reads it

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; use crm_shared.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class seconds_between(FunctionElement):  # used like the SQL function it stands for
    """``seconds_between(later, earlier)``: the seconds between two timestamp columns, in SQL,
    on PostgreSQL (``EXTRACT(EPOCH FROM ...)``) and SQLite (``julianday``), so a report
    averages durations in the database instead of loading every row."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _seconds_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between)
def _seconds_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


DEFAULT_CONNECTIONS = 10

# How long a SQLite writer waits for the write lock before giving up: in SQLite's busy handler
# for another process, and on the process's own queue (Database.unit_of_work) for a thread.
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(url: str, connections: int = DEFAULT_CONNECTIONS) -> Engine:
    """The process's engine, whose pool keeps ``connections`` open: as many as the threads
    that use the database at once (a server derives it from its thread pool). A thread beyond
    them would open a connection and close it again after every use (on SQLite with the
    PRAGMAs below each time); up to ten more may open for a moment (a unit of work inside
    another), and beyond that a thread waits for one."""
    pool = {"pool_size": connections, "max_overflow": 10}
    if url.startswith("sqlite"):
        in_memory = make_url(url).database in (None, "", ":memory:")
        return _sqlite_engine(url, {} if in_memory else pool)  # one connection per thread
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_engine(url: str, pool: dict[str, int]) -> Engine:
    # Several local processes (api, relay, worker) share one SQLite file. WAL lets readers go
    # on while one writes; BEGIN IMMEDIATE takes the write lock up front, so a transaction never
    # fails half-way with SQLITE_BUSY when upgrading from read to write.
    engine = create_engine(
        url,
        connect_args={
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            "isolation_level": None,
        },
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every sqlite test
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        mode = "DEFERRED" if conn.get_execution_options().get("crm_readonly") else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


@dataclass
class UnitOfWork:
    """One transaction: the session plus the events it will publish (via the outbox)."""

    session: Session
    emitted: list[str] = field(default_factory=list)
    changes: dict[str, dict] = field(default_factory=dict)
    """What this unit of work changed that a process-local cache must learn once it commits
    (kind -> {key: value}); handed to :meth:`Database.on_committed` listeners."""

    def emit(self, message, *, key: str | None = None) -> str:
        """Write ``message`` (an event proto) to the outbox in this transaction; return its id."""
        from crm_shared.events.outbox import add_to_outbox

        event_id = add_to_outbox(self.session, message, partition_key=key)
        self.emitted.append(event_id)
        return event_id


class Database:
    def __init__(self, url: str, *, connections: int = DEFAULT_CONNECTIONS) -> None:
        """``connections``: how many the pool keeps open (:func:`make_engine`)."""
        self.url = url
        self.engine = make_engine(url, connections)
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(
            self.engine.execution_options(crm_readonly=True), expire_on_commit=False
        )
        self._listeners: list[Callable[[], None]] = []
        self._committed_listeners: list[Callable[[UnitOfWork], None]] = []
        self._lock = threading.Lock()
        # SQLite has one writer at a time, and its busy handler waits for the write lock by
        # sleeping (1, 2, 5 ... 100 ms at a time), so threads of one process that contend
        # for it mostly sleep while it is free: 8 concurrent writes made a p99 of 435 ms
        # (issue 17). The threads of this process queue on this lock instead and wake the
        # moment it is released; only processes still contend for the file. Reentrant, so
        # a write opened inside another in one thread still meets SQLite's own lock (and its
        # timeout); a thread waits here no longer than SQLite would, then fails as the pool
        # does when it has no connection to give (a transient error to the event handlers).
        # PostgreSQL locks rows: nothing to queue.
        self._writer = threading.RLock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def on_events_committed(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every commit that wrote outbox rows (wakes the relay)."""
        with self._lock:
            self._listeners.append(listener)

    def on_committed(self, listener: Callable[[UnitOfWork], None]) -> None:
        """Call ``listener`` with every unit of work that committed :attr:`UnitOfWork.changes`
        (a process-local cache learns at once what this process changed)."""
        with self._lock:
            self._committed_listeners.append(listener)

    @contextlib.contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[UnitOfWork]:
        session = (self._read if readonly else self._write)()
        uow = UnitOfWork(session)
        with contextlib.nullcontext() if readonly else self._queued_writer():
            try:
                yield uow
                if readonly:
                    session.rollback()
                else:
                    session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        if uow.emitted:
            for listener in list(self._listeners):
                listener()
        if uow.changes and not readonly:
            for committed in list(self._committed_listeners):
                committed(uow)

    @contextlib.contextmanager
    def _queued_writer(self) -> Iterator[None]:
        if self._writer is None:
            yield
            return
        if not self._writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_SECONDS):
            raise SQLAlchemyTimeoutError(
                f"another write of this process held the SQLite write lock for "
                f"{SQLITE_BUSY_TIMEOUT_SECONDS} s"
            )
        try:
            yield
        finally:
            self._writer.release()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
