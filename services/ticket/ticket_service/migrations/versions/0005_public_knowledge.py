"""knowledge articles marked public: shown in the public help centre without an account

Existing articles stay internal (``false``): an article is made public by a person who decides
it may be read by anyone.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_articles") as batch:
        batch.add_column(
            sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("knowledge_articles") as batch:
        batch.drop_column("public")
