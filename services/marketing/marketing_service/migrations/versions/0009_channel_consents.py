"""the read model keeps a customer's marketing consent per channel (issue 14)

Revision ID: 0009
Revises: 0008

An unsubscribe link in a marketing e-mail withdraws marketing on e-mail only, a 退订 reply on
SMS only. ``email_marketing_consent`` / ``sms_marketing_consent`` hold the consent on that
channel when the customer service recorded one for it; NULL (every existing profile) means as
``marketing_consent``, the consent on every channel.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_marketing_consent", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("sms_marketing_consent", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customer_profiles", schema=None) as batch_op:
        batch_op.drop_column("sms_marketing_consent")
        batch_op.drop_column("email_marketing_consent")
