"""The publishing side of another service, for consumer tests: its own outbox in a scratch
SQLite database, relayed to RabbitMQ by the real relay."""

from __future__ import annotations

from pathlib import Path

from crm_shared.db import Database, RuntimeBase
from crm_shared.events.outbox import OutboxMessage, OutboxStatus
from crm_shared.events.relay import OutboxRelay
from sqlalchemy import select


class OutboxPublisher:
    def __init__(self, amqp_url: str, folder: Path) -> None:
        self.database = Database(f"sqlite:///{folder / 'publisher.db'}")
        RuntimeBase.metadata.create_all(self.database.engine)
        self.relay = OutboxRelay(self.database, amqp_url)

    def publish(self, message) -> str:
        """Commit ``message`` to the outbox and relay it; it must reach a bound queue."""
        with self.database.unit_of_work() as uow:
            event_id = uow.emit(message)
        assert self.relay.publish_pending() == 1
        assert self.status(event_id) == OutboxStatus.PUBLISHED  # a queue was bound to it
        return event_id

    def republish(self, event_id: str) -> None:
        """What a relay crash between the broker's confirm and the mark looks like."""
        with self.database.unit_of_work() as uow:
            row = uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.event_id == event_id)).one()
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = row.occurred_at
        assert self.relay.publish_pending() == 1
        assert self.status(event_id) == OutboxStatus.PUBLISHED

    def status(self, event_id: str) -> str:
        with self.database.unit_of_work(readonly=True) as uow:
            return uow.session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.event_id == event_id)).one()

    def close(self) -> None:
        self.relay.publisher.close()
        self.database.dispose()
