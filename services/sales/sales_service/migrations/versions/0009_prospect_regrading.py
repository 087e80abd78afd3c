"""the customer facts note when the prospect rules changed since a customer was last graded,
so the worker's timer grades it again (a changed rule applies to every prospect, not only
from its next opportunity)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "sales_customer_facts",
        sa.Column("prospect_stale_time", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_sales_customer_facts_prospect_stale_time",
        "sales_customer_facts",
        ["prospect_stale_time"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_sales_customer_facts_prospect_stale_time", table_name="sales_customer_facts")
    with op.batch_alter_table("sales_customer_facts") as batch:
        batch.drop_column("prospect_stale_time")
