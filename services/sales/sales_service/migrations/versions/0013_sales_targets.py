"""sales targets (issue 18): what a rep or a department is expected to achieve in a month,
quarter or year - the signed amount, new customers and follow-ups - one per subject and period

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_targets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("rep_id", sa.String(64), nullable=True),
        sa.Column("department_path", sa.String(255), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(3), nullable=False),
        sa.Column("new_customer_count", sa.Integer(), nullable=False),
        sa.Column("follow_up_count", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("subject", "period", name="uq_sales_targets_subject"),
    )
    op.create_index(
        "ix_sales_targets_department_path_period", "sales_targets", ["department_path", "period"]
    )


def downgrade() -> None:
    op.drop_index("ix_sales_targets_department_path_period", table_name="sales_targets")
    op.drop_table("sales_targets")
