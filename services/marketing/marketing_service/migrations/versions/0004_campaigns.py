"""the campaigns of the marketing service (filled in by its work; empty until then so
the parts can be built side by side on one revision chain)

Revision ID: 0004
Revises: 0003
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
