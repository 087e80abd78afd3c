"""the deals part of the sales service: opportunities and their stage changes, quotes,
contracts, payment plans, payments and purchases

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('opportunities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('lead_id', sa.String(length=36), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('peak_stage', sa.String(length=20), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency_code', sa.String(length=3), nullable=True),
    sa.Column('expected_close_date', sa.Date(), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('lost_reason', sa.String(length=500), nullable=True),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('campaign_variant_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=30), nullable=True),
    sa.Column('next_step', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('stage_enter_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cycle_start_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunities')),
    sa.UniqueConstraint('request_id', name=op.f('uq_opportunities_request_id'))
    )
    op.create_index('ix_opportunities_close_date', 'opportunities', ['close_date'], unique=False)
    op.create_index('ix_opportunities_create_time_id', 'opportunities', ['create_time', 'id'], unique=False)
    op.create_index('ix_opportunities_customer_id', 'opportunities', ['customer_id'], unique=False)
    op.create_index('ix_opportunities_department_path_expected_close_date', 'opportunities', ['department_path', 'expected_close_date'], unique=False)
    op.create_index('ix_opportunities_expected_close_date', 'opportunities', ['expected_close_date'], unique=False)
    op.create_index('ix_opportunities_lead_id', 'opportunities', ['lead_id'], unique=False)
    op.create_index('ix_opportunities_owner_id_expected_close_date', 'opportunities', ['owner_id', 'expected_close_date'], unique=False)
    op.create_table('opportunity_stage_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('from_stage', sa.String(length=20), nullable=False),
    sa.Column('to_stage', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('change_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('seconds_in_from_stage', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_opportunity_stage_changes_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_stage_changes'))
    )
    op.create_index('ix_opportunity_stage_changes_opportunity_id_id', 'opportunity_stage_changes', ['opportunity_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_opportunity_stage_changes_opportunity_id_id', table_name='opportunity_stage_changes')
    op.drop_table('opportunity_stage_changes')
    op.drop_index('ix_opportunities_owner_id_expected_close_date', table_name='opportunities')
    op.drop_index('ix_opportunities_lead_id', table_name='opportunities')
    op.drop_index('ix_opportunities_expected_close_date', table_name='opportunities')
    op.drop_index('ix_opportunities_department_path_expected_close_date', table_name='opportunities')
    op.drop_index('ix_opportunities_customer_id', table_name='opportunities')
    op.drop_index('ix_opportunities_create_time_id', table_name='opportunities')
    op.drop_index('ix_opportunities_close_date', table_name='opportunities')
    op.drop_table('opportunities')
