"""prospect grading (issue 19): grading rules say what they grade (``subject``: the existing
rules grade leads), the customer facts keep the estimated class of a customer without a
contract, and the default prospect rules of seed 004 (按客户预估合作金额/潜力: A at 500,000
CNY or more a year, B at 100,000, C below) are seeded over the estimated deal value

Existing customers get their estimated class with the next opportunity or customer event.

Revision ID: 0008
Revises: 0007
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6c1f3a52-8e0b-4d7a-9c21-5b3e7f9d0a44")  # 0003's: one family of seeded ids
SEEDED = datetime(2026, 12, 7, tzinfo=UTC)


def _at_least(minor: int) -> dict:
    return {
        "conditions": [
            {
                "field": "estimated_value",
                "operator": "CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL",
                "values": [str(minor)],
            }
        ]
    }


# Frozen here as they were at this revision: rules are data, edited over the api afterwards.
# (key, name, grade, condition, priority); amounts in fen (the policy's currency is CNY).
PROSPECT_RULES = [
    ("prospect-a", "Estimated 500,000 CNY or more is A", "A", _at_least(500_000_00), 10),
    ("prospect-b", "Estimated 100,000 CNY or more is B", "B", _at_least(100_000_00), 20),
    (
        "prospect-c",
        "Any estimated value below that is C",
        "C",
        {
            "conditions": [
                {
                    "field": "estimated_value",
                    "operator": "CONDITION_OPERATOR_GREATER_THAN",
                    "values": ["0"],
                }
            ]
        },
        30,
    ),
]


def upgrade() -> None:
    op.add_column(
        "lead_grading_rules",
        sa.Column("subject", sa.String(10), nullable=False, server_default=sa.text("'lead'")),
    )
    op.add_column("sales_customer_facts", sa.Column("prospect_class", sa.String(1), nullable=True))
    op.add_column(
        "sales_customer_facts", sa.Column("prospect_class_reason", sa.String(500), nullable=True)
    )
    grading = sa.table(
        "lead_grading_rules",
        sa.column("id"),
        sa.column("display_name"),
        sa.column("grade"),
        sa.column("condition", sa.JSON()),
        sa.column("priority"),
        sa.column("enabled"),
        sa.column("created_by"),
        sa.column("updated_by"),
        sa.column("subject"),
        sa.column("create_time", sa.DateTime(timezone=True)),
        sa.column("update_time", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        grading,
        [
            {
                "id": str(uuid.uuid5(NAMESPACE, key)),
                "display_name": name,
                "grade": grade,
                "condition": condition,
                "priority": priority,
                "enabled": True,
                "created_by": "system",
                "updated_by": "system",
                "subject": "prospect",
                "create_time": SEEDED,
                "update_time": SEEDED,
            }
            for key, name, grade, condition, priority in PROSPECT_RULES
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM lead_grading_rules WHERE subject = 'prospect'"))
    with op.batch_alter_table("sales_customer_facts") as batch:
        batch.drop_column("prospect_class_reason")
        batch.drop_column("prospect_class")
    with op.batch_alter_table("lead_grading_rules") as batch:
        batch.drop_column("subject")
