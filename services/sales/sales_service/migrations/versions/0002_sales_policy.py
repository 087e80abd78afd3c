"""the sales policy, seeded with the defaults of the requirements

Revision ID: 0002
Revises: 0001
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The defaults of sales_service.policy, frozen here as they were when the row was first seeded.
DEFAULT_POLICY = {
    "currencyCode": "CNY",
    "followUpCadences": [
        {
            "intervalDays": 7,
            "seniorContactIntervalDays": 30,
            "valueClass": "VALUE_CLASS_A"
        },
        {
            "intervalDays": 14,
            "valueClass": "VALUE_CLASS_B"
        },
        {
            "intervalDays": 30,
            "valueClass": "VALUE_CLASS_C"
        }
    ],
    "leadColdAfterDays": 30,
    "leadResponseTargets": [
        {
            "firstContactWithin": "7200s",
            "grade": "LEAD_GRADE_A",
            "remindBefore": "1800s"
        },
        {
            "firstContactWithin": "86400s",
            "grade": "LEAD_GRADE_B",
            "remindBefore": "7200s"
        },
        {
            "firstContactWithin": "259200s",
            "grade": "LEAD_GRADE_C",
            "remindBefore": "14400s"
        }
    ],
    "needConfirmedContactDays": 3,
    "proposalContactDays": 2,
    "reminderDaysBefore": 1,
    "renewalReminderDays": 15,
    "stageProbabilities": {
        "OPPORTUNITY_STAGE_INTENT": 30,
        "OPPORTUNITY_STAGE_LOST": 0,
        "OPPORTUNITY_STAGE_NEGOTIATION": 70,
        "OPPORTUNITY_STAGE_POTENTIAL": 10,
        "OPPORTUNITY_STAGE_PROPOSAL": 50,
        "OPPORTUNITY_STAGE_WON": 100
    }
}


def upgrade() -> None:
    op.create_table('sales_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_policy'))
    )
    table = sa.table("sales_policy", sa.column("id"), sa.column("document", sa.JSON()),
                     sa.column("updated_by"),
                     sa.column("update_time", sa.DateTime(timezone=True)))
    op.bulk_insert(table, [{"id": 1, "document": DEFAULT_POLICY, "updated_by": "system",
                            "update_time": datetime(2026, 1, 1, tzinfo=UTC)}])


def downgrade() -> None:
    op.drop_table('sales_policy')
