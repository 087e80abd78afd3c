"""consent channels: a consent may be for one channel (issue 14, unsubscribe / 退订)

An unsubscribe link in a marketing e-mail or a 退订 reply to a marketing SMS withdraws
marketing on that channel only. ``customer_consents`` gets a ``channel`` (empty = every
channel, which every existing row is) and its unique key becomes (customer, purpose, channel);
each history row records its channel too.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_consents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_customer_consents_customer_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_customer_consents_customer_id_channel", ["customer_id", "purpose", "channel"]
        )
    with op.batch_alter_table("customer_consent_changes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), server_default="", nullable=False)
        )


def downgrade() -> None:
    # Channel-level consents cannot be told apart from the purpose's once the column is gone.
    op.execute(sa.text("DELETE FROM customer_consent_changes WHERE channel <> ''"))
    op.execute(sa.text("DELETE FROM customer_consents WHERE channel <> ''"))
    with op.batch_alter_table("customer_consent_changes", schema=None) as batch_op:
        batch_op.drop_column("channel")
    with op.batch_alter_table("customer_consents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_customer_consents_customer_id_channel", type_="unique")
        batch_op.create_unique_constraint(
            "uq_customer_consents_customer_id", ["customer_id", "purpose"]
        )
        batch_op.drop_column("channel")
