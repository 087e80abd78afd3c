"""the deals part: each opportunity counts and times its completed stays per open stage, and
one covering index, department first, serves the funnel and the forecast

The funnel's average days in stage joined the stage history once per opportunity, and a
team's figures read every row through the create_time index; see sales_service.pipeline.
Existing opportunities get their stays summed from their stage changes.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STAGES = ("potential", "intent", "proposal", "negotiation")
PIPELINE_COLUMNS = [
    "department_path", "stage", "expected_close_date", "close_date", "create_time",
    "peak_stage", "owner_id", "currency_code", "amount_minor", "probability",
    *(f"{stage}_{kind}" for stage in STAGES for kind in ("stays", "stay_seconds"))]


# Plain ADD/DROP COLUMN, never a batch table rebuild: on SQLite a rebuild drops the table,
# and the stage changes' ON DELETE CASCADE would take the whole history with it.


def upgrade() -> None:
    for stage in STAGES:
        op.add_column("opportunities", sa.Column(f"{stage}_stays", sa.Integer(),
                                                 nullable=False, server_default=sa.text("0")))
        op.add_column("opportunities", sa.Column(f"{stage}_stay_seconds", sa.BigInteger(),
                                                 nullable=False, server_default=sa.text("0")))
    for stage in STAGES:
        op.execute(
            f"UPDATE opportunities SET {stage}_stays = (SELECT count(*) FROM "
            "opportunity_stage_changes c WHERE c.opportunity_id = opportunities.id AND "
            f"c.from_stage = '{stage}'), {stage}_stay_seconds = (SELECT "
            "coalesce(sum(c.seconds_in_from_stage), 0) FROM opportunity_stage_changes c WHERE "
            f"c.opportunity_id = opportunities.id AND c.from_stage = '{stage}')")
    op.drop_index("ix_opportunities_department_path_expected_close_date",
                  table_name="opportunities")
    op.create_index("ix_opportunities_pipeline", "opportunities", PIPELINE_COLUMNS,
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_opportunities_pipeline", table_name="opportunities")
    op.create_index("ix_opportunities_department_path_expected_close_date", "opportunities",
                    ["department_path", "expected_close_date"], unique=False)
    for stage in STAGES:
        op.drop_column("opportunities", f"{stage}_stay_seconds")
        op.drop_column("opportunities", f"{stage}_stays")
