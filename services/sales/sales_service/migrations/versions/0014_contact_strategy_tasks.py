"""a follow-up task may carry out a segment's contact strategy (issue 19): marketing's occasion
key (unique: one task per occasion) and the segment it came from. Nullable: every other task
has none.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occasion_key", sa.String(length=190), nullable=True))
        batch_op.add_column(sa.Column("segment_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("segment_name", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_follow_up_tasks_occasion_key"), ["occasion_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_follow_up_tasks_occasion_key"), type_="unique")
        batch_op.drop_column("segment_name")
        batch_op.drop_column("segment_id")
        batch_op.drop_column("occasion_key")
