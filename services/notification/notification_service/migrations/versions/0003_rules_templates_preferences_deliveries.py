"""rules templates preferences deliveries

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dead_letter_resolutions',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=255), nullable=False),
    sa.Column('routing_key', sa.String(length=100), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('resolve_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=False),
    sa.Column('discard_reason', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_dead_letter_resolutions'))
    )
    op.create_table('deliveries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('notification_id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('template_key', sa.String(length=100), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('suppress_reason', sa.String(length=50), nullable=False),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('next_attempt_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('source_service', sa.String(length=50), nullable=False),
    sa.Column('source_event_id', sa.String(length=36), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('expire_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deliver_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('idempotency_key', 'channel', name=op.f('uq_deliveries_idempotency_key'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_recipient_create_time', ['recipient_id', 'create_time', 'id'], unique=False)
        batch_op.create_index('ix_deliveries_status_next_attempt_time', ['status', 'next_attempt_time'], unique=False)

    op.create_table('delivery_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('delivery_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('attempt_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('response_code', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempts')),
    sa.UniqueConstraint('delivery_id', 'number', name=op.f('uq_delivery_attempts_delivery_id'))
    )
    op.create_table('departments',
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lead_user_id', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_departments'))
    )
    op.create_table('message_templates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_templates')),
    sa.UniqueConstraint('key', 'channel', 'locale', name=op.f('uq_message_templates_key'))
    )
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('default_channels_json', sa.Text(), nullable=False),
    sa.Column('categories_json', sa.Text(), nullable=False),
    sa.Column('quiet_enabled', sa.Boolean(), nullable=False),
    sa.Column('quiet_starts_at', sa.String(length=5), nullable=False),
    sa.Column('quiet_ends_at', sa.String(length=5), nullable=False),
    sa.Column('quiet_include_weekends', sa.Boolean(), nullable=False),
    sa.Column('quiet_allow_urgent', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=False),
    sa.Column('webhook_secret', sa.String(length=200), nullable=False),
    sa.Column('webhook_enabled', sa.Boolean(), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences'))
    )
    op.create_table('notification_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('event_name', sa.String(length=100), nullable=False),
    sa.Column('condition_json', sa.Text(), nullable=False),
    sa.Column('recipients_json', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('template_key', sa.String(length=100), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('channels_json', sa.Text(), nullable=False),
    sa.Column('subject_type', sa.String(length=50), nullable=False),
    sa.Column('subject_id_path', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_rules'))
    )
    with op.batch_alter_table('notification_rules', schema=None) as batch_op:
        batch_op.create_index('ix_notification_rules_event_name', ['event_name'], unique=False)

    with op.batch_alter_table('inbox_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('action_url', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source_service', sa.String(length=50), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source_event_name', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('data_json', sa.Text(), nullable=False, server_default='{}'))

    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_department_lead', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('roles', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('phone')
        batch_op.drop_column('roles')
        batch_op.drop_column('is_department_lead')

    with op.batch_alter_table('inbox_entries', schema=None) as batch_op:
        batch_op.drop_column('data_json')
        batch_op.drop_column('locale')
        batch_op.drop_column('source_event_name')
        batch_op.drop_column('source_service')
        batch_op.drop_column('action_url')
        batch_op.drop_column('priority')

    with op.batch_alter_table('notification_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_rules_event_name')

    op.drop_table('notification_rules')
    op.drop_table('notification_preferences')
    op.drop_table('message_templates')
    op.drop_table('departments')
    op.drop_table('delivery_attempts')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_next_attempt_time')
        batch_op.drop_index('ix_deliveries_recipient_create_time')

    op.drop_table('deliveries')
    op.drop_table('dead_letter_resolutions')
