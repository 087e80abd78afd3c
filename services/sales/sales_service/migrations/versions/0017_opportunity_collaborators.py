"""collaborators of an opportunity (team selling, issue 18)

People who work on an opportunity with its owner see it and its follow-up records and record
follow-ups on it; the owner and department stay as they were.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_opportunity_collaborators",
        sa.Column("opportunity_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("add_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "opportunity_id", "user_id", name=op.f("pk_sales_opportunity_collaborators")
        ),
    )
    op.create_index(
        op.f("ix_sales_opportunity_collaborators_user_id"),
        "sales_opportunity_collaborators",
        ["user_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_sales_opportunity_collaborators_user_id"),
        table_name="sales_opportunity_collaborators",
    )
    op.drop_table("sales_opportunity_collaborators")
