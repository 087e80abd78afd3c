"""contact strategies carried out: one row per member and occasion (issue 19)

Revision ID: 0010
Revises: 0009

The worker's pass hands a segment's contact strategy on once per member and period of each
action's cadence; ``contact_occasions`` remembers which occasions were handed on (the key is
the primary key, so two workers cannot both do it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_occasions",
        sa.Column("occasion_key", sa.String(length=190), nullable=False),
        sa.Column("segment_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("action_kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("outbound_message_id", sa.String(length=36), nullable=True),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("occasion_key", name=op.f("pk_contact_occasions")),
    )
    with op.batch_alter_table("contact_occasions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_occasions_segment_id_action_kind_period",
            ["segment_id", "action_kind", "period"],
            unique=False,
        )
        batch_op.create_index("ix_contact_occasions_customer_id", ["customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contact_occasions", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_occasions_customer_id")
        batch_op.drop_index("ix_contact_occasions_segment_id_action_kind_period")
    op.drop_table("contact_occasions")
