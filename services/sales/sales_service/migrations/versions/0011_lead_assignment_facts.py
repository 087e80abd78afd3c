"""a lead assignment keeps the facts its English ``reason`` quotes (issue 13): the rule's name
and strategy when it applied, and what a person wrote when assigning by hand, so the console
tells the "why" in its reader's language. Nullable: older decisions keep only their reason.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


COLUMNS = (("rule_name", sa.String(200)), ("strategy", sa.String(20)), ("note", sa.Text()))


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("lead_assignments", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _kind in reversed(COLUMNS):
        op.drop_column("lead_assignments", name)
