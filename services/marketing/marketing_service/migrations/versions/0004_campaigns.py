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


def downgrade() -> None:
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_messages_state_next_attempt_time')
        batch_op.drop_index('ix_outbound_messages_group_key_state')
        batch_op.drop_index('ix_outbound_messages_delivery_id')
        batch_op.drop_index('ix_outbound_messages_customer_id_send_time')

    op.drop_table('outbound_messages')
