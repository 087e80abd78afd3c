"""the read model of customer facts marketing needs

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_profiles',
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('customer_type', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('tag_ids', sa.JSON(), nullable=False),
    sa.Column('value_class', sa.String(length=1), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=20), nullable=True),
    sa.Column('rfm_recency_score', sa.Integer(), nullable=False),
    sa.Column('rfm_frequency_score', sa.Integer(), nullable=False),
    sa.Column('rfm_monetary_score', sa.Integer(), nullable=False),
    sa.Column('at_risk', sa.Boolean(), nullable=False),
    sa.Column('risk_reason', sa.String(length=500), nullable=True),
    sa.Column('marketing_consent', sa.Boolean(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_month_day', sa.String(length=5), nullable=True),
    sa.Column('contract_end_date', sa.Date(), nullable=True),
    sa.Column('last_purchase_date', sa.Date(), nullable=True),
    sa.Column('facts_version', sa.Integer(), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_profiles'))
    )
    with op.batch_alter_table('customer_profiles', schema=None) as batch_op:
        batch_op.create_index('ix_customer_profiles_birth_month_day', ['birth_month_day'], unique=False)
        batch_op.create_index('ix_customer_profiles_contract_end_date', ['contract_end_date'], unique=False)
        batch_op.create_index('ix_customer_profiles_department_path', ['department_path'], unique=False)
        batch_op.create_index('ix_customer_profiles_owner_id', ['owner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('customer_profiles', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_profiles_owner_id')
        batch_op.drop_index('ix_customer_profiles_department_path')
        batch_op.drop_index('ix_customer_profiles_contract_end_date')
        batch_op.drop_index('ix_customer_profiles_birth_month_day')

    op.drop_table('customer_profiles')
