"""service targets (issue 18): what an agent or a department is expected to achieve in a
month, quarter or year - first responses and resolutions within SLA, satisfaction - one per
subject and period

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
    op.create_table(
        "service_targets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("department_path", sa.String(255), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("first_response_sla_rate", sa.Float(), nullable=False),
        sa.Column("resolution_sla_rate", sa.Float(), nullable=False),
        sa.Column("satisfaction_score", sa.Float(), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("subject", "period", name="uq_service_targets_subject"),
    )
    op.create_index(
        "ix_service_targets_department_path_period",
        "service_targets",
        ["department_path", "period"],
    )


def downgrade() -> None:
    op.drop_index("ix_service_targets_department_path_period", table_name="service_targets")
    op.drop_table("service_targets")
