"""a routing decision keeps the facts its English ``reason`` quotes (issue 13): what a person
wrote when routing, assigning or transferring by hand, whether they named the agent, and
whether the customer's facts were missing, so the console tells the "why" in its reader's
language. Nullable: older decisions keep only their reason.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (("note", sa.Text()), ("assigned_by_hand", sa.Boolean()),
           ("customer_facts_unknown", sa.Boolean()))


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("routing_decisions", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _kind in reversed(COLUMNS):
        op.drop_column("routing_decisions", name)
