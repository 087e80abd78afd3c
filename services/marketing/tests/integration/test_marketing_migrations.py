"""The marketing service's migrations: head matches the models, they go down and up again, and
the data migrations rewrite what they promise."""

from datetime import UTC, datetime

import pytest
from crm_devstack.migration_checks import MigrationChecks
from crm_shared.migrations import upgrade
from sqlalchemy import JSON, column, create_engine, insert, select, table

pytestmark = pytest.mark.integration


class TestMarketingMigrations(MigrationChecks):
    package = "marketing_service"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_survey_links_earlier_invitations_queued_are_removed(request, backend):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    upgrade("marketing_service", url, "0006")
    link = {"survey_title": "满意度", "survey_url": "https://crm.example.com/api/v1/surveys/"
            "respond/aW52OjE.c2ln", "context": ""}
    rows = [("m-1", "survey_invitation", link), ("m-2", "campaign", {"landing_url": "https://x"}),
            ("m-3", "survey_invitation", {"survey_title": "满意度"})]
    messages = table("outbound_messages", *(column(name) for name in (
        "id", "idempotency_key", "customer_id", "channel", "category", "source_ref",
        "template_key", "subject", "body", "requires_consent", "counts_toward_cap", "state",
        "attempt_count", "next_attempt_time", "create_time", "update_time")),
        column("variables", JSON))
    now = datetime(2026, 3, 1, tzinfo=UTC)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(messages), [{
                "id": message_id, "idempotency_key": message_id, "customer_id": "c-1",
                "channel": "email", "category": category, "source_ref": "test",
                "template_key": "survey_invitation", "subject": "", "body": "",
                "variables": variables, "requires_consent": False, "counts_toward_cap": False,
                "state": "sent", "attempt_count": 1, "next_attempt_time": now,
                "create_time": now, "update_time": now} for message_id, category, variables in rows])
        upgrade("marketing_service", url)
        with engine.connect() as connection:
            stored = dict(connection.execute(
                select(messages.c.id, messages.c.variables).order_by(messages.c.id)).all())
    finally:
        engine.dispose()

    assert stored == {"m-1": {"survey_title": "满意度", "context": ""},
                      "m-2": {"landing_url": "https://x"}, "m-3": {"survey_title": "满意度"}}
