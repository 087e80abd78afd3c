"""the ticket KPIs' rollup per department and UTC day and hour, filled from the tickets; the
department queue's count read from an index

GetTicketKpis summed every ticket of its two periods (0.4-0.7 s with 100,000 tickets on
PostgreSQL); ``ticket_kpi_sums`` and ``ticket_response_counts`` keep each ticket's share per
department and UTC day and hour, kept by the ticket's writes from now on (``ticket_service.kpi_rollup``,
which says why). This revision creates them and fills them from the tickets with that
module's ``rebuild`` (the one definition of a ticket's share; it reads only the ticket columns
this revision knows).

Indexes for what a report still reads from the tickets: the tickets resolved or closed in the
minutes at a period's ends that are no whole UTC hour (``resolve_time``, ``close_time``); on PostgreSQL, partial
indexes of the targets not met yet nor marked breached (few: the SLA timer marks them), and the
response times (``ticket_service.kpis._bucket_members``: the expression must be the one
``crm_shared.db.seconds_between`` compiles to).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from crm_shared.db import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SUMS = ("created", "responded", "response_us", "first_met", "first_settled", "resolution_met",
        "resolution_settled", "complaint_met", "complaint_settled", "demand_met",
        "demand_settled", "ever_resolved", "reopened", "resolved", "resolution_us", "done")
MICROSECONDS = ("response_us", "resolution_us")
RESPONSE_SECONDS = "EXTRACT(EPOCH FROM (first_response_time - create_time))"
# Written out, not imported: a migration describes the schema as it was at this revision.
OPEN = "state IN ('new', 'routed', 'in_progress', 'waiting_on_customer')"


def upgrade() -> None:
    op.create_table(
        "ticket_kpi_sums",
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("start", UtcDateTime(), nullable=False),
        sa.Column("department_path", sa.String(length=255), nullable=False),
        *(sa.Column(name, sa.BigInteger() if name in MICROSECONDS else sa.Integer(),
                    nullable=False) for name in SUMS),
        sa.PrimaryKeyConstraint("hours", "start", "department_path",
                                name=op.f("pk_ticket_kpi_sums")),
    )
    op.create_table(
        "ticket_response_counts",
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("start", UtcDateTime(), nullable=False),
        sa.Column("department_path", sa.String(length=255), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hours", "start", "department_path", "bucket",
                                name=op.f("pk_ticket_response_counts")),
    )
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.create_index("ix_tickets_resolve_time", ["resolve_time"], unique=False)
        batch_op.create_index("ix_tickets_close_time", ["close_time"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_tickets_first_response_pending", "tickets", ["create_time"],
                        postgresql_where=sa.text(
                            "first_response_time IS NULL AND NOT first_response_breached"))
        op.create_index("ix_tickets_resolution_pending", "tickets", ["create_time"],
                        postgresql_where=sa.text(
                            "resolve_time IS NULL AND NOT resolution_breached"))
        # The queue's count of a department's open tickets (ListTickets total_size) read the
        # table for the state and the visibility columns (150 ms over 8,500 open tickets):
        # covered, it is read from the index alone.
        op.drop_index("ix_tickets_open_department_path", table_name="tickets")
        op.create_index("ix_tickets_open_department_state", "tickets",
                        ["department_path", "state"],
                        postgresql_include=["assignee_id", "created_by", "account_manager_id"],
                        postgresql_where=sa.text(OPEN))
        op.create_index("ix_tickets_response_seconds", "tickets",
                        [sa.text(RESPONSE_SECONDS), "create_time"],
                        postgresql_include=["department_path", "first_response_time"],
                        postgresql_where=sa.text("first_response_time IS NOT NULL"))

    from ticket_service.kpi_rollup import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("ix_tickets_response_seconds", "ix_tickets_open_department_state",
                     "ix_tickets_resolution_pending", "ix_tickets_first_response_pending"):
            op.drop_index(name, table_name="tickets")
        op.create_index("ix_tickets_open_department_path", "tickets", ["department_path"],
                        postgresql_where=sa.text(OPEN))
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_index("ix_tickets_close_time")
        batch_op.drop_index("ix_tickets_resolve_time")
    op.drop_table("ticket_response_counts")
    op.drop_table("ticket_kpi_sums")
