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


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_phones_and_emails_earlier_events_put_in_the_read_model_are_masked(request, backend):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    upgrade("marketing_service", url, "0007")
    profiles = table("customer_profiles", *(column(name) for name in (
        "customer_id", "state", "customer_type", "display_name", "owner_id", "department_path",
        "email", "phone", "locale", "rfm_recency_score", "rfm_frequency_score",
        "rfm_monetary_score", "at_risk", "marketing_consent", "facts_version", "create_time",
        "update_time")), column("tag_ids", JSON), column("fact_times", JSON))
    rows = {"c-1": ("li.lei@example.com", "+8613912345678"),  # in clear, as events had them
            "c-2": (None, "+8613800001111"),
            "c-3": ("h***@example.com", "+86*********11"),  # masked already: left as it is
            "c-4": (None, None)}
    now = datetime(2026, 3, 1, tzinfo=UTC)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(profiles), [{
                "customer_id": customer_id, "state": "active", "customer_type": "individual",
                "display_name": "李雷", "owner_id": "u-rep", "department_path": "/hq",
                "email": email, "phone": phone, "locale": "zh-CN", "tag_ids": [],
                "rfm_recency_score": 0, "rfm_frequency_score": 0, "rfm_monetary_score": 0,
                "at_risk": False, "marketing_consent": True, "facts_version": 1,
                "fact_times": {}, "create_time": now, "update_time": now}
                for customer_id, (email, phone) in rows.items()])
        upgrade("marketing_service", url)
        with engine.connect() as connection:
            stored = {row[0]: (row[1], row[2]) for row in connection.execute(select(
                profiles.c.customer_id, profiles.c.email, profiles.c.phone))}
    finally:
        engine.dispose()

    assert stored == {"c-1": ("l***@example.com", "+86*********78"),
                      "c-2": (None, "+86*********11"),
                      "c-3": ("h***@example.com", "+86*********11"),
                      "c-4": (None, None)}
