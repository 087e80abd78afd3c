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
    op.create_table('contracts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=True),
    sa.Column('quote_id', sa.String(length=36), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency_code', sa.String(length=3), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('sign_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('renewal_of_contract_id', sa.String(length=36), nullable=True),
    sa.Column('renewed_by_contract_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('termination_reason', sa.String(length=1000), nullable=True),
    sa.Column('external_ids', sa.JSON(), nullable=False),
    sa.Column('expiring_notice_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expired_notice_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_update_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_updated_by', sa.String(length=64), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('number', name=op.f('uq_contracts_number')),
    sa.UniqueConstraint('renewal_of_contract_id', name=op.f('uq_contracts_renewal_of_contract_id')),
    sa.UniqueConstraint('request_id', name=op.f('uq_contracts_request_id'))
    )
    op.create_index('ix_contracts_create_time_id', 'contracts', ['create_time', 'id'], unique=False)
    op.create_index('ix_contracts_customer_id_sign_date', 'contracts', ['customer_id', 'sign_date'], unique=False)
    op.create_index('ix_contracts_department_path', 'contracts', ['department_path'], unique=False)
    op.create_index('ix_contracts_opportunity_id', 'contracts', ['opportunity_id'], unique=False)
    op.create_index('ix_contracts_owner_id', 'contracts', ['owner_id'], unique=False)
    op.create_index('ix_contracts_status_end_date', 'contracts', ['status', 'end_date'], unique=False)
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
    op.create_table('purchases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('source_system', sa.String(length=50), nullable=False),
    sa.Column('external_order_id', sa.String(length=100), nullable=False),
    sa.Column('purchase_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency_code', sa.String(length=3), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('items_summary', sa.String(length=1000), nullable=False),
    sa.Column('channel', sa.String(length=50), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchases')),
    sa.UniqueConstraint('request_id', name=op.f('uq_purchases_request_id')),
    sa.UniqueConstraint('source_system', 'external_order_id', name=op.f('uq_purchases_source_system'))
    )
    op.create_index('ix_purchases_customer_id_purchase_time', 'purchases', ['customer_id', 'purchase_time'], unique=False)
    op.create_index('ix_purchases_purchase_time_id', 'purchases', ['purchase_time', 'id'], unique=False)
    op.create_table('installments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contract_id', sa.String(length=36), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('received_minor', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('overdue_notice_time', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_installments_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installments')),
    sa.UniqueConstraint('contract_id', 'sequence', name=op.f('uq_installments_contract_id'))
    )
    op.create_index('ix_installments_due_date', 'installments', ['due_date'], unique=False)
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
    op.create_table('payments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('contract_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('installment_id', sa.String(length=36), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency_code', sa.String(length=3), nullable=False),
    sa.Column('receive_date', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('void_reason', sa.String(length=1000), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_payments_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('contract_id', 'reference', name=op.f('uq_payments_contract_id')),
    sa.UniqueConstraint('request_id', name=op.f('uq_payments_request_id'))
    )
    op.create_index('ix_payments_contract_id', 'payments', ['contract_id'], unique=False)
    op.create_index('ix_payments_create_time_id', 'payments', ['create_time', 'id'], unique=False)
    op.create_index('ix_payments_customer_id', 'payments', ['customer_id'], unique=False)
    op.create_index('ix_payments_receive_date', 'payments', ['receive_date'], unique=False)
    op.create_table('quotes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('opportunity_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('line_items', sa.JSON(), nullable=False),
    sa.Column('currency_code', sa.String(length=3), nullable=False),
    sa.Column('discount_basis_points', sa.Integer(), nullable=False),
    sa.Column('subtotal_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('valid_until_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('send_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decide_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reject_reason', sa.String(length=1000), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_quotes_opportunity_id_opportunities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
    sa.UniqueConstraint('number', name=op.f('uq_quotes_number')),
    sa.UniqueConstraint('request_id', name=op.f('uq_quotes_request_id'))
    )
    op.create_index('ix_quotes_create_time_id', 'quotes', ['create_time', 'id'], unique=False)
    op.create_index('ix_quotes_customer_id', 'quotes', ['customer_id'], unique=False)
    op.create_index('ix_quotes_opportunity_id', 'quotes', ['opportunity_id'], unique=False)
    op.create_index('ix_quotes_owner_id', 'quotes', ['owner_id'], unique=False)
    op.create_index('ix_quotes_status_valid_until_date', 'quotes', ['status', 'valid_until_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_quotes_status_valid_until_date', table_name='quotes')
    op.drop_index('ix_quotes_owner_id', table_name='quotes')
    op.drop_index('ix_quotes_opportunity_id', table_name='quotes')
    op.drop_index('ix_quotes_customer_id', table_name='quotes')
    op.drop_index('ix_quotes_create_time_id', table_name='quotes')
    op.drop_table('quotes')
    op.drop_index('ix_payments_receive_date', table_name='payments')
    op.drop_index('ix_payments_customer_id', table_name='payments')
    op.drop_index('ix_payments_create_time_id', table_name='payments')
    op.drop_index('ix_payments_contract_id', table_name='payments')
    op.drop_table('payments')
    op.drop_index('ix_opportunity_stage_changes_opportunity_id_id', table_name='opportunity_stage_changes')
    op.drop_table('opportunity_stage_changes')
    op.drop_index('ix_installments_due_date', table_name='installments')
    op.drop_table('installments')
    op.drop_index('ix_purchases_purchase_time_id', table_name='purchases')
    op.drop_index('ix_purchases_customer_id_purchase_time', table_name='purchases')
    op.drop_table('purchases')
    op.drop_index('ix_opportunities_owner_id_expected_close_date', table_name='opportunities')
    op.drop_index('ix_opportunities_lead_id', table_name='opportunities')
    op.drop_index('ix_opportunities_expected_close_date', table_name='opportunities')
    op.drop_index('ix_opportunities_department_path_expected_close_date', table_name='opportunities')
    op.drop_index('ix_opportunities_customer_id', table_name='opportunities')
    op.drop_index('ix_opportunities_create_time_id', table_name='opportunities')
    op.drop_index('ix_opportunities_close_date', table_name='opportunities')
    op.drop_table('opportunities')
    op.drop_index('ix_contracts_status_end_date', table_name='contracts')
    op.drop_index('ix_contracts_owner_id', table_name='contracts')
    op.drop_index('ix_contracts_opportunity_id', table_name='contracts')
    op.drop_index('ix_contracts_department_path', table_name='contracts')
    op.drop_index('ix_contracts_customer_id_sign_date', table_name='contracts')
    op.drop_index('ix_contracts_create_time_id', table_name='contracts')
    op.drop_table('contracts')
