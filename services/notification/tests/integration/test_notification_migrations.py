"""The notification service's migrations: head matches the models, and they go down and up again."""

from datetime import UTC, datetime

import pytest
from crm_devstack.migration_checks import MigrationChecks
from crm_shared.migrations import upgrade
from notification_service.models import Delivery, DeliveryAttempt
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

pytestmark = pytest.mark.integration

WEBHOOK, EMAIL = 5, 1  # DeliveryChannel numbers
NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


class TestNotificationMigrations(MigrationChecks):
    package = "notification_service"

    def test_0007_forgets_what_receivers_answered_and_keeps_the_status_code(self, database_url):
        upgrade(self.package, database_url, "0006")
        engine = create_engine(database_url)
        try:
            with Session(engine) as session, session.begin():
                for id_, channel, error in (("hook", WEBHOOK, "HTTP 500: db-password=hunter2"),
                                            ("mail", EMAIL, "HTTP 500: not a webhook, kept")):
                    session.add(Delivery(id=id_, idempotency_key=id_, channel=channel, status=4,
                                         last_error=error, create_time=NOW, update_time=NOW))
                    session.add(DeliveryAttempt(delivery_id=id_, number=1, attempt_time=NOW,
                                                success=False, error=error,
                                                response_code="500"))
            upgrade(self.package, database_url)
            with Session(engine) as session:
                errors = {(d, e) for d, e in session.execute(select(
                    DeliveryAttempt.delivery_id, DeliveryAttempt.error))}
                last = dict(session.execute(select(Delivery.id, Delivery.last_error)).all())
        finally:
            engine.dispose()
        assert errors == {("hook", "HTTP 500"), ("mail", "HTTP 500: not a webhook, kept")}
        assert last == {"hook": "HTTP 500", "mail": "HTTP 500: not a webhook, kept"}
