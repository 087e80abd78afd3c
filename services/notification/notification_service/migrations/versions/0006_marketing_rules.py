"""default rule for the marketing service's triggers: a trigger that notifies the owner

Revision ID: 0006
Revises: 0005

A marketing trigger whose action is NOTIFY_OWNER (the at-risk follow-up, a cold lead, a
birthday reminder for the owner) publishes `trigger.fired` with the customer's owner; this rule
tells that owner. Frozen here as it was at this revision.
"""
import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("5a0e7d0c-4f1b-4c39-9a52-0b7f3f0b6a11")
RULE_ID = str(uuid.uuid5(NAMESPACE, "trigger-notify-owner"))

rules = sa.table(
    'notification_rules',
    sa.column('id', sa.String), sa.column('display_name', sa.String),
    sa.column('event_name', sa.String), sa.column('condition_json', sa.Text),
    sa.column('recipients_json', sa.Text), sa.column('category', sa.String),
    sa.column('template_key', sa.String), sa.column('priority', sa.Integer),
    sa.column('channels_json', sa.Text), sa.column('subject_type', sa.String),
    sa.column('subject_id_path', sa.String), sa.column('enabled', sa.Boolean),
    sa.column('create_time', sa.DateTime(timezone=True)),
    sa.column('update_time', sa.DateTime(timezone=True)),
    sa.column('created_by', sa.String), sa.column('updated_by', sa.String),
)


def upgrade() -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    op.bulk_insert(rules, [{
        'id': RULE_ID, 'display_name': "Marketing trigger: tell the customer's owner",
        'event_name': 'trigger.fired',
        'condition_json': json.dumps({"conditions": [{
            "field": "action.kind", "operator": "CONDITION_OPERATOR_EQUALS",
            "values": ["TRIGGER_ACTION_KIND_NOTIFY_OWNER"]}]}),
        'recipients_json': json.dumps([{"kind": "RECIPIENT_KIND_EVENT_USER",
                                        "field_path": "owner_id"}]),
        'category': 'trigger.fired', 'template_key': 'trigger_fired', 'priority': 2,
        'channels_json': '[]', 'subject_type': 'customer', 'subject_id_path': 'firing.customer_id',
        'enabled': True, 'create_time': at, 'update_time': at, 'created_by': 'system',
        'updated_by': 'system',
    }])


def downgrade() -> None:
    op.execute(rules.delete().where(rules.c.id == RULE_ID))
