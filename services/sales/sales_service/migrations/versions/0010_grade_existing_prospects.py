"""the customers known before prospect grading existed are graded once: every active customer
without a contract-based class is marked stale, so the worker's timer gives the prospects
among them (those with open opportunities) their estimated class and follow-up plan

Revision ID: 0010
Revises: 0009
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    facts = sa.table(
        "sales_customer_facts",
        sa.column("value_class"),
        sa.column("state"),
        sa.column("prospect_stale_time", sa.DateTime(timezone=True)),
    )
    op.execute(
        facts.update()
        .where(facts.c.value_class.is_(None), facts.c.state == "active")
        .values(prospect_stale_time=datetime.now(UTC))
    )


def downgrade() -> None:
    pass  # the marks only ask for a grading; leaving them does no harm
