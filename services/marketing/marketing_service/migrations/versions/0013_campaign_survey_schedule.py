"""campaigns carry a survey on a schedule: once or quarterly (issue 19)

Revision ID: 0013
Revises: 0012

``campaigns.survey_schedule`` says how often the members are invited to the campaign's survey
(``once``, ``quarterly``; NULL: the survey is not sent by the campaign). Each member's
invitation per round is remembered in ``contact_occasions`` (no new table).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("survey_schedule", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("survey_schedule")
