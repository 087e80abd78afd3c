"""care occasions: enterprise contacts' birthdays and the first contract's date (issue 19)

Revision ID: 0011
Revises: 0010

The birthday trigger greets the contacts of enterprise customers too, so the read model keeps
each contact's birth date (``profile_contacts``, from ``contact.*`` events); the
cooperation-anniversary trigger needs the sign date of the customer's first contract
(``customer_profiles.first_contract_date``, from ``contract.signed``). Both fill from the events
arriving after the upgrade: nothing here is known of earlier events.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_contacts",
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_month_day", sa.String(length=5), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_profile_contacts")),
    )
    with op.batch_alter_table("profile_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_profile_contacts_customer_id", ["customer_id"], unique=False)
        batch_op.create_index(
            "ix_profile_contacts_birth_month_day", ["birth_month_day"], unique=False
        )
    with op.batch_alter_table("customer_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_contract_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("first_contract_month_day", sa.String(length=5), nullable=True)
        )
        batch_op.create_index(
            "ix_customer_profiles_first_contract_month_day",
            ["first_contract_month_day"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("customer_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_profiles_first_contract_month_day")
        batch_op.drop_column("first_contract_month_day")
        batch_op.drop_column("first_contract_date")
    with op.batch_alter_table("profile_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_contacts_birth_month_day")
        batch_op.drop_index("ix_profile_contacts_customer_id")
    op.drop_table("profile_contacts")
