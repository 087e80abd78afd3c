"""Identity: departments, users, seed marks; and the runtime tables (outbox, processed events).

Revision ID: 0001_identity
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from crm_shared.migrations import create_runtime_tables, drop_runtime_tables

revision = "0001_identity"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_runtime_tables()
    op.create_table(
        "departments",
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_path", sa.String(255), nullable=True),
        sa.Column("lead_user_id", sa.String(36), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_path"],
            ["departments.path"],
            name="fk_departments_parent_path_departments",
        ),
        sa.PrimaryKeyConstraint("path", name="pk_departments"),
    )
    op.create_index("ix_departments_parent_path", "departments", ["parent_path"])
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("department_path", sa.String(255), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("data_scope", sa.String(16), nullable=False),
        sa.Column("manager_id", sa.String(36), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("service_account", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_path"],
            ["departments.path"],
            name="fk_users_department_path_departments",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_index("ix_users_department_path", "users", ["department_path"])
    # departments.lead_user_id -> users.id, added once both tables exist (batch mode rebuilds
    # the table on SQLite, which cannot add a constraint to an existing table).
    with op.batch_alter_table("departments") as batch:
        batch.create_foreign_key(
            "fk_departments_lead_user_id_users", "users", ["lead_user_id"], ["id"]
        )
    op.create_table(
        "seed_marks",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("apply_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_seed_marks"),
    )


def downgrade() -> None:
    op.drop_table("seed_marks")
    # Unlink the leads first, so users can go while departments still exist.
    op.execute("UPDATE departments SET lead_user_id = NULL")
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops it with the table
        op.drop_constraint("fk_departments_lead_user_id_users", "departments", type_="foreignkey")
    op.drop_index("ix_users_department_path", table_name="users")
    op.drop_table("users")
    op.drop_index("ix_departments_parent_path", table_name="departments")
    op.drop_table("departments")
    drop_runtime_tables()
