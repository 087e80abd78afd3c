"""the customer facts keep type, industry and staff count, the traits the won-deal report
groups won customers by

They come with the next customer.created / customer.updated / customer.merged event; until
then a customer known from before counts as ``unknown`` in those traits.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (("customer_type", sa.String(20)), ("industry", sa.String(200)),
           ("staff_count", sa.Integer()))


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("sales_customer_facts", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sales_customer_facts") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
