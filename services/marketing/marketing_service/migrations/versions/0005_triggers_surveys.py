"""the triggers and surveys of the marketing service (filled in by its work; empty until then so
the parts can be built side by side on one revision chain)

Revision ID: 0005
Revises: 0004
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
