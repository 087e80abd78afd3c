"""A worker for the handler tests: records each handled CustomerCreated, and fails on demand.

``PROBE_FAILURES_FILE`` holds how many more times the handler must fail; the test writes it.
"""

import eventlet

eventlet.monkey_patch()

import os
from pathlib import Path

import crm_shared.events.ledger
import crm_shared.events.outbox  # noqa: F401
from crm.customer.v1 import events_pb2
from crm_shared.db import Database, RuntimeBase
from crm_shared.events.handlers import EventContext, on_event
from crm_shared.events.worker import run_worker
from crm_shared.settings import WorkerSettings, load_settings
from sqlalchemy import Integer, String
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Effect(Base):
    __tablename__ = "effects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(36))


class ProbeWorker:
    name = "probe"

    @on_event(events_pb2.CustomerCreated)
    def customer_created(self, event, ctx: EventContext) -> None:
        outage = Path(os.environ["PROBE_OUTAGE_FILE"])
        if outage.exists():  # what a handler sees while its database is unreachable
            outage.write_text(str(int(outage.read_text() or 0) + 1))
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is down"))
        ctx.session.add(Effect(event_id=ctx.event_id, customer_id=event.customer.id))
        ctx.session.flush()
        failures = Path(os.environ["PROBE_FAILURES_FILE"])
        remaining = int(failures.read_text() or 0)
        if remaining > 0:
            failures.write_text(str(remaining - 1))
            raise RuntimeError(f"told to fail ({remaining} left)")


if __name__ == "__main__":
    settings = load_settings(WorkerSettings, service_name="probe")
    database = Database(settings.database_url)
    Base.metadata.create_all(database.engine)
    RuntimeBase.metadata.create_all(database.engine)
    database.dispose()
    run_worker(ProbeWorker, settings)
