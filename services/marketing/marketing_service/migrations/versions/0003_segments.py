"""the segments of the marketing service (filled in by its work; empty until then so
the parts can be built side by side on one revision chain)

Revision ID: 0003
Revises: 0002
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
