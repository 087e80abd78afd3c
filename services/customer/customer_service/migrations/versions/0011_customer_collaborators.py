"""collaborators of a customer (team selling, issue 18)

People who work on a customer with its owner (co-owner, technical support, service) see it,
its contacts, timeline and follow-ups; the owner and department stay as they were.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_collaborators",
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("add_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "user_id", name=op.f("pk_customer_collaborators")),
    )
    op.create_index("ix_customer_collaborators_user_id", "customer_collaborators", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_collaborators_user_id", table_name="customer_collaborators")
    op.drop_table("customer_collaborators")
