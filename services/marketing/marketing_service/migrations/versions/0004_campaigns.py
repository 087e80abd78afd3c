"""the campaigns of the marketing service: the sending queue, campaigns and their variants,
recipients, responses, attributed sales facts, the marketing policy

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
    op.create_table('campaign_attributions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('variant_id', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=False),
    sa.Column('currency_code', sa.String(length=3), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('occur_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_attributions'))
    )
    with op.batch_alter_table('campaign_attributions', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_attributions_campaign_id', ['campaign_id'], unique=False)
        batch_op.create_index('ix_campaign_attributions_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_campaign_attributions_kind_source_id', ['kind', 'source_id'], unique=True)

    op.create_table('campaigns',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('objective', sa.String(length=500), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('segment_ids', sa.JSON(), nullable=False),
    sa.Column('excluded_segment_ids', sa.JSON(), nullable=False),
    sa.Column('variants', sa.JSON(), nullable=False),
    sa.Column('survey_id', sa.String(length=36), nullable=True),
    sa.Column('schedule_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('budget_currency', sa.String(length=3), nullable=True),
    sa.Column('budget_minor', sa.BigInteger(), nullable=False),
    sa.Column('cost_currency', sa.String(length=3), nullable=True),
    sa.Column('cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('audience_count', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('launch_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('complete_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('launch_request_id', sa.String(length=36), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('request_id', name=op.f('uq_campaigns_request_id'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_create_time', ['create_time'], unique=False)
        batch_op.create_index('ix_campaigns_department_path', ['department_path'], unique=False)
        batch_op.create_index('ix_campaigns_owner_id', ['owner_id'], unique=False)
        batch_op.create_index('ix_campaigns_state_end_time', ['state', 'end_time'], unique=False)
        batch_op.create_index('ix_campaigns_state_schedule_time', ['state', 'schedule_time'], unique=False)

    op.create_table('marketing_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('frequency_caps', sa.JSON(), nullable=False),
    sa.Column('low_score_threshold', sa.Integer(), nullable=False),
    sa.Column('improvement_low_score_share', sa.Float(), nullable=False),
    sa.Column('survey_invitation_valid_days', sa.Integer(), nullable=False),
    sa.Column('default_locale', sa.String(length=10), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketing_policy'))
    )
    op.create_table('outbound_messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=190), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('group_key', sa.String(length=100), nullable=True),
    sa.Column('template_key', sa.String(length=100), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('variables', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('requires_consent', sa.Boolean(), nullable=False),
    sa.Column('counts_toward_cap', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('next_attempt_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_expire_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recipient_address', sa.String(length=320), nullable=True),
    sa.Column('delivery_id', sa.String(length=36), nullable=True),
    sa.Column('send_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deliver_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbound_messages_idempotency_key'))
    )
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_messages_customer_id_send_time', ['customer_id', 'send_time'], unique=False)
        batch_op.create_index('ix_outbound_messages_delivery_id', ['delivery_id'], unique=False)
        batch_op.create_index('ix_outbound_messages_group_key_state', ['group_key', 'state'], unique=False)
        batch_op.create_index('ix_outbound_messages_state_next_attempt_time', ['state', 'next_attempt_time'], unique=False)

    op.create_table('campaign_recipients',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('variant_id', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('outbound_message_id', sa.String(length=36), nullable=True),
    sa.Column('delivery_id', sa.String(length=36), nullable=True),
    sa.Column('send_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deliver_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_recipients_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_recipients'))
    )
    with op.batch_alter_table('campaign_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_recipients_campaign_id_id', ['campaign_id', 'id'], unique=False)
        batch_op.create_index('ix_campaign_recipients_campaign_id_status', ['campaign_id', 'status'], unique=False)
        batch_op.create_index('ix_campaign_recipients_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_campaign_recipients_outbound_message_id', ['outbound_message_id'], unique=False)

    op.create_table('campaign_responses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('variant_id', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('occur_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.String(length=1000), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_responses_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_responses')),
    sa.UniqueConstraint('request_id', name=op.f('uq_campaign_responses_request_id'))
    )
    with op.batch_alter_table('campaign_responses', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_responses_campaign_id_occur_time', ['campaign_id', 'occur_time'], unique=False)
        batch_op.create_index('ix_campaign_responses_customer_id', ['customer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('campaign_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_responses_customer_id')
        batch_op.drop_index('ix_campaign_responses_campaign_id_occur_time')

    op.drop_table('campaign_responses')
    with op.batch_alter_table('campaign_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_recipients_outbound_message_id')
        batch_op.drop_index('ix_campaign_recipients_customer_id')
        batch_op.drop_index('ix_campaign_recipients_campaign_id_status')
        batch_op.drop_index('ix_campaign_recipients_campaign_id_id')

    op.drop_table('campaign_recipients')
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_messages_state_next_attempt_time')
        batch_op.drop_index('ix_outbound_messages_group_key_state')
        batch_op.drop_index('ix_outbound_messages_delivery_id')
        batch_op.drop_index('ix_outbound_messages_customer_id_send_time')

    op.drop_table('outbound_messages')
    op.drop_table('marketing_policy')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_state_schedule_time')
        batch_op.drop_index('ix_campaigns_state_end_time')
        batch_op.drop_index('ix_campaigns_owner_id')
        batch_op.drop_index('ix_campaigns_department_path')
        batch_op.drop_index('ix_campaigns_create_time')

    op.drop_table('campaigns')
    with op.batch_alter_table('campaign_attributions', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_attributions_kind_source_id')
        batch_op.drop_index('ix_campaign_attributions_customer_id')
        batch_op.drop_index('ix_campaign_attributions_campaign_id')

    op.drop_table('campaign_attributions')
