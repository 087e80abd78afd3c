"""the active customers, indexed: the customer list's page and its total

Every customer list (ListCustomers, the console's customer list) counts the customers the
caller may see for ``total_size`` and reads the newest page first; merged and erased records
are not customers any more (``state = 'active'``). Over 100,000 customers the count was a scan
of the whole table; with this partial index on (create_time, id) of the active customers
PostgreSQL counts them from the index alone (the table's pages are all-visible once
autovacuum has passed) and reads the default order's page from it. PostgreSQL only: SQLite is
for development and tests.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
from sqlalchemy import text

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_customers_active_create_time_id", "customers", ["create_time", "id"],
                    postgresql_where=text("state = 'active'"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_customers_active_create_time_id", table_name="customers")
