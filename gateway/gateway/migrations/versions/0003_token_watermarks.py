"""Each user's token watermark: access tokens issued before it are void.

Revision ID: 0003_token_watermarks
Revises: 0002_sessions_and_guards
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_token_watermarks"
down_revision = "0002_sessions_and_guards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild: departments reference users on SQLite too).
    op.add_column("users", sa.Column("tokens_not_before_ms", sa.BigInteger(), nullable=True))
    op.create_index("ix_users_tokens_not_before_ms", "users", ["tokens_not_before_ms"])


def downgrade() -> None:
    op.drop_index("ix_users_tokens_not_before_ms", table_name="users")
    op.execute("ALTER TABLE users DROP COLUMN tokens_not_before_ms")  # SQLite >= 3.35, PostgreSQL
