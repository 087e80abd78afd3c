"""identity revision; the customer number sequence row exists from the start

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.BigInteger(), nullable=False, server_default='0'))

    # Seeded here rather than on first use: two first-ever creates raced on inserting it.
    op.execute(
        "INSERT INTO customer_number_sequence (id, last_value) "
        "SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM customer_number_sequence WHERE id = 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_column('revision')
