"""The gateway's Alembic revisions build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from crm_shared.db import Database, RuntimeBase, make_engine
from crm_shared.migrations import alembic_config, upgrade
from gateway.identity.demo import seed_demo_organisation
from gateway.identity.models import IdentityBase
from sqlalchemy import inspect

TABLES = {
    "departments",
    "users",
    "seed_marks",
    "outbox",
    "alembic_version",
    "refresh_tokens",
    "idempotency_records",
    "rate_limit_counters",
}


def schema_differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, [IdentityBase.metadata, RuntimeBase.metadata])
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def check_migrations(url: str, hashing) -> None:
    upgrade("gateway", url)
    assert TABLES <= table_names(url)
    assert schema_differences(url) == []

    database = Database(url)
    try:
        assert seed_demo_organisation(database, hashing) is True
        assert seed_demo_organisation(database, hashing) is False
    finally:
        database.dispose()

    upgrade("gateway", url)  # at head already: nothing to do, nothing fails

    from alembic import command

    command.downgrade(alembic_config("gateway", url), "base")
    assert table_names(url) <= {"alembic_version"}


def test_migrations_on_sqlite(sqlite_url, hashing):
    check_migrations(sqlite_url, hashing)


@pytest.mark.integration
def test_migrations_on_postgresql(postgres_url, hashing):
    check_migrations(postgres_url, hashing)
