"""Alembic, the same way for every service.

A service keeps its revisions in ``<package>/migrations/versions``; its ``env.py`` calls
:func:`run_env` with its metadata. ``<svc>-service migrate`` runs :func:`upgrade`.
The first revision of every service creates the runtime tables with
:func:`create_runtime_tables`.
"""

from __future__ import annotations

from importlib import resources

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from crm_shared.db import RuntimeBase, make_engine


def alembic_config(package: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files(package) / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(package: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, database_url), revision)


def run_env(metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py``."""
    import crm_shared.events.ledger  # noqa: F401  (registers the runtime tables)
    import crm_shared.events.outbox  # noqa: F401

    config = context.config
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    target = [metadata, RuntimeBase.metadata]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_runtime_tables() -> None:
    """Create the outbox and processed-event tables inside a revision's ``upgrade()``."""
    from alembic import op

    import crm_shared.events.outbox  # noqa: F401  (registers the tables)
    import crm_shared.events.ledger  # noqa: F401

    bind = op.get_bind()
    for table in RuntimeBase.metadata.sorted_tables:
        table.create(bind)


def drop_runtime_tables() -> None:
    from alembic import op

    bind = op.get_bind()
    for table in reversed(RuntimeBase.metadata.sorted_tables):
        table.drop(bind)
