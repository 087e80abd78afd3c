"""a campaign's and a trigger's audience stays within its creator's reach: the creator's data
scope captured at creation (campaigns already keep the owner and their department)

Revision ID: 0006
Revises: 0005

Backfill. Who created a row before this revision is known, their roles and data scope are not,
so the migration decides from what only a company-wide creator could have written:

* campaigns whose owner wrote a segment or a trigger (only marketers and admins may) keep
  reaching every customer (``all``); every other campaign reaches its owner's department
  subtree (``department``, at the department stored with it), so a department lead's campaign
  planned before the upgrade cannot reach the whole customer base when it launches. A
  marketer's narrowed campaign is planned again to reach everyone;
* triggers could only be written by marketers and admins (and the seeded ones by the system):
  they keep reaching every customer.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience_scope", sa.String(length=16), nullable=True))
    with op.batch_alter_table("triggers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_path", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("audience_scope", sa.String(length=16), nullable=True))

    op.execute(
        "UPDATE campaigns SET audience_scope = CASE WHEN owner_id IN ("
        " SELECT owner_id FROM segments"
        " UNION SELECT created_by FROM triggers WHERE created_by <> 'system')"
        " THEN 'all' ELSE 'department' END"
    )
    op.execute("UPDATE triggers SET department_path = '', audience_scope = 'all'")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.alter_column("audience_scope", existing_type=sa.String(length=16),
                              nullable=False)
    with op.batch_alter_table("triggers", schema=None) as batch_op:
        batch_op.alter_column("department_path", existing_type=sa.String(length=255),
                              nullable=False)
        batch_op.alter_column("audience_scope", existing_type=sa.String(length=16),
                              nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("triggers", schema=None) as batch_op:
        batch_op.drop_column("audience_scope")
        batch_op.drop_column("department_path")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("audience_scope")
