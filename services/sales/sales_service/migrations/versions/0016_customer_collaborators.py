"""the collaborators of each customer, from the customer service's events (team selling, issue 18)

A collaborator reads the customer's follow-up records and records their own on it, like its
owner. A removal is kept (``active`` false) so a late, older "added" does not bring them back.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_customer_collaborators",
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("fact_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "customer_id", "user_id", name=op.f("pk_sales_customer_collaborators")
        ),
    )
    op.create_index(
        op.f("ix_sales_customer_collaborators_user_id"), "sales_customer_collaborators", ["user_id"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_sales_customer_collaborators_user_id"), table_name="sales_customer_collaborators"
    )
    op.drop_table("sales_customer_collaborators")
