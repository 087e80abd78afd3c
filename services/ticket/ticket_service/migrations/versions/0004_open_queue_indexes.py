"""the department queue's indexes: open tickets by resolution due time, and by department

A department's queue is ListTickets of its open tickets ordered by the resolution due time
(``order_by="sla.resolution_due_time"``, the console's ticket queue) with the number of them
(``total_size``). Over 100,000 tickets both were a scan of the whole table and a sort (about
150 ms and 100 ms); these partial indexes cover the open tickets only, a small and busy part
of the table, so the first page is read in index order and the count from the department's
entries. PostgreSQL only: SQLite is for development and tests, where the tables are small.

The expression must be the one the query orders by (``ticket_service.api._DUE_ORDER``:
``coalesce(resolution_due_time, NO_DUE_TIME)``) and the predicate the open states
(``ticket_service.lifecycle.OPEN_STATES``), or the planner does not use them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out, not imported: a migration describes the schema as it was at this revision.
OPEN = "state IN ('new', 'routed', 'in_progress', 'waiting_on_customer')"
NO_DUE_TIME = "'9999-01-01 00:00:00+00'::timestamptz"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_tickets_open_resolution_due", "tickets",
                    [sa.text(f"coalesce(resolution_due_time, {NO_DUE_TIME})"), "id"],
                    postgresql_where=sa.text(OPEN))
    op.create_index("ix_tickets_open_department_path", "tickets", ["department_path"],
                    postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_tickets_open_department_path", table_name="tickets")
    op.drop_index("ix_tickets_open_resolution_due", table_name="tickets")
