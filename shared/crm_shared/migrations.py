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
    import crm_shared.events.ledger
    import crm_shared.events.outbox  # noqa: F401

    config = context.config
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    target = [metadata, RuntimeBase.metadata]
    # Indexes a revision creates on PostgreSQL only (partial or expression indexes tuned for
    # one query, named in the models' ``metadata.info["postgresql_only_indexes"]``): not in
    # the models, so not drift.
    tuned = frozenset(metadata.info.get("postgresql_only_indexes", ()))

    def include_object(_object, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and reflected and compare_to is None and name in tuned)

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
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_runtime_tables() -> None:
    """Create version 1 of the runtime tables (outbox, processed events) in a revision.

    The DDL is written out, not taken from the live models: a revision must create the same
    tables forever. When the runtime tables change, a new function here alters them and
    every service gets a revision calling it.
    """
    import sqlalchemy as sa
    from alembic import op

    from crm_shared.db import UtcDateTime

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("exchange", sa.String(100), nullable=False),
        sa.Column("routing_key", sa.String(100), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("partition_key", sa.String(100), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("trace_headers", sa.Text(), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("processed_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_processed_events"),
    )


def drop_runtime_tables() -> None:
    from alembic import op

    op.drop_table("processed_events")
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
