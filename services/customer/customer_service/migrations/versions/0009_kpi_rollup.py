"""the customer KPIs' rollup per department and owner, filled from the customers

GetCustomerKpis counted every active customer in one aggregate of about twenty filtered counts
(80-90 ms with 100,000 customers on PostgreSQL, on every dashboard "Refresh figures");
``customer_kpi_counts`` and ``customer_kpi_days`` keep each active customer's share per
department and owner (the columns the data scopes select by), kept by the customer's writes
from now on (``customer_service.kpi_rollup``, which says why). This revision creates them and
fills them from the customers with that module's ``rebuild`` (the one definition of a
customer's share; it reads only customer columns this revision knows).

On PostgreSQL, a partial index of the lost customers a report still counts from the customers
(a stage change time unknown or before the creation: normally none); the expression must be
the one ``kpi_rollup.OUT_OF_ORDER`` compiles to.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Written out, not imported: a migration describes the schema as it was at this revision.
COUNTS = (
    "customers",
    "at_risk",
    "class_a",
    "class_b",
    "class_c",
    "class_none",
    "stage_potential",
    "stage_intent",
    "stage_customer",
    "stage_lost",
    "lost_dated",
)
OUT_OF_ORDER = (
    "state = 'active' AND lifecycle_stage = 'lost' AND ("
    "lifecycle_stage_change_time IS NULL "
    "OR lifecycle_stage_change_time < create_time)"
)


def upgrade() -> None:
    op.create_table(
        "customer_kpi_counts",
        sa.Column("department_path", sa.String(length=255), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("completeness_score", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint(
            "department_path", "owner_id", "completeness_score", name=op.f("pk_customer_kpi_counts")
        ),
    )
    op.create_table(
        "customer_kpi_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("department_path", sa.String(length=255), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("went_lost", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "department_path", "owner_id", name=op.f("pk_customer_kpi_days")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_customers_lost_out_of_order",
            "customers",
            ["department_path", "owner_id"],
            postgresql_where=sa.text(OUT_OF_ORDER),
        )

    from customer_service.kpi_rollup import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_customers_lost_out_of_order", table_name="customers")
    op.drop_table("customer_kpi_days")
    op.drop_table("customer_kpi_counts")
