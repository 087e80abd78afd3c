"""What every service's migrations must do, on SQLite and on PostgreSQL. A service's test
module subclasses :class:`MigrationChecks` as ``Test...`` and names its package."""

from __future__ import annotations

import importlib

import pytest
from alembic import command
from crm_shared.migrations import alembic_config, upgrade
from sqlalchemy import create_engine, inspect

RUNTIME_TABLES = {"alembic_version", "outbox", "processed_events"}


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


class MigrationChecks:
    package: str  # "customer_service"

    @pytest.fixture(params=["sqlite", "postgresql"])
    def database_url(self, request):
        return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")

    def test_upgrade_head_creates_every_table_of_the_models(self, database_url):
        upgrade(self.package, database_url)
        models = importlib.import_module(f"{self.package}.models")
        assert table_names(database_url) == RUNTIME_TABLES | set(models.Base.metadata.tables)

    def test_models_and_migrations_do_not_drift(self, database_url):
        upgrade(self.package, database_url)
        command.check(alembic_config(self.package, database_url))  # raises on any difference

    def test_downgrade_to_base_and_upgrade_again(self, database_url):
        upgrade(self.package, database_url)
        head_tables = table_names(database_url)
        config = alembic_config(self.package, database_url)
        command.downgrade(config, "base")
        assert table_names(database_url) == {"alembic_version"}
        upgrade(self.package, database_url)
        assert table_names(database_url) == head_tables
        command.check(config)
