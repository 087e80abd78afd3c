"""tickets: lifecycle, history, routing decisions and rules, comments, service records, agents
and departments; the default routing rules seeded

Revision ID: 0003
Revises: 0002
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from crm_shared.db import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEED_TIME = "2026-01-01 00:00:00+00:00"
# The default routing (requirements §3): one rule per category, and the fallback to customer
# service. Fixed ids, so every installation names the seeded rules alike.
DEFAULT_RULES = [
    ("7b0e2a52-0001-4000-8000-000000000001", "Product-quality problems to the product department",
     "product_quality", "/hq/product", 10),
    ("7b0e2a52-0001-4000-8000-000000000002", "Service-attitude complaints to customer service",
     "service_attitude", "/hq/service", 20),
    ("7b0e2a52-0001-4000-8000-000000000003", "Technical problems to the technical department",
     "technical", "/hq/tech", 30),
    ("7b0e2a52-0001-4000-8000-000000000004", "Delivery problems to logistics",
     "delivery", "/hq/logistics", 40),
    ("7b0e2a52-0001-4000-8000-000000000005", "Everything else to customer service (fallback)",
     None, "/hq/service", 1000),
]


def _seed_rules() -> None:
    rules = sa.table(
        "routing_rules",
        sa.column("id", sa.String), sa.column("display_name", sa.String),
        sa.column("description", sa.Text), sa.column("condition", sa.JSON),
        sa.column("target_department_path", sa.String), sa.column("agent_selection", sa.String),
        sa.column("required_skills", sa.JSON), sa.column("priority", sa.Integer),
        sa.column("enabled", sa.Boolean), sa.column("created_by", sa.String),
        sa.column("updated_by", sa.String), sa.column("create_time", UtcDateTime),
        sa.column("update_time", UtcDateTime),
    )
    seeded = datetime.fromisoformat(SEED_TIME)
    op.bulk_insert(rules, [
        {
            "id": rule_id, "display_name": name,
            "description": "seeded default rule" if category else "seeded fallback rule",
            "condition": ({"conditions": [{"field": "category",
                                           "operator": "CONDITION_OPERATOR_EQUALS",
                                           "values": [category]}]} if category else {}),
            "target_department_path": target, "agent_selection": "least_loaded",
            "required_skills": [], "priority": priority, "enabled": True,
            "created_by": "system", "updated_by": "system",
            "create_time": seeded, "update_time": seeded,
        }
        for rule_id, name, category, target, priority in DEFAULT_RULES
    ])


def upgrade() -> None:
    op.create_table('agents',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('department_lead', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('max_open_tickets', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('available_again_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_assign_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('update_time', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agents'))
    )
    op.create_index('ix_agents_department_path', 'agents', ['department_path'], unique=False)
    op.create_table('departments',
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lead_user_id', sa.String(length=64), nullable=True),
    sa.Column('parent_path', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('update_time', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_departments'))
    )
    op.create_table('routing_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('condition', sa.JSON(), nullable=False),
    sa.Column('target_department_path', sa.String(length=255), nullable=False),
    sa.Column('agent_selection', sa.String(length=20), nullable=False),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('update_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules')),
    sa.UniqueConstraint('request_id', name=op.f('uq_routing_rules_request_id'))
    )
    op.create_index('ix_routing_rules_priority_id', 'routing_rules', ['priority', 'id'], unique=False)
    op.create_table('ticket_number_sequences',
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_ticket_number_sequences'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('priority_reason', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('reporter_name', sa.String(length=200), nullable=True),
    sa.Column('reporter_phone', sa.String(length=40), nullable=True),
    sa.Column('reporter_email', sa.String(length=254), nullable=True),
    sa.Column('customer_value_class', sa.String(length=2), nullable=False),
    sa.Column('customer_at_risk', sa.Boolean(), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('account_manager_id', sa.String(length=64), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('transfer_count', sa.Integer(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('satisfaction_score', sa.Float(), nullable=True),
    sa.Column('external_ids', sa.JSON(), nullable=False),
    sa.Column('create_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('update_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('route_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('first_response_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolve_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('confirm_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('close_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_activity_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('transfer_request_id', sa.String(length=64), nullable=True),
    sa.Column('trace_parent', sa.String(length=64), nullable=True),
    sa.Column('sla_policy_id', sa.String(length=36), nullable=True),
    sa.Column('first_response_due_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolution_due_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('first_response_breached', sa.Boolean(), nullable=False),
    sa.Column('resolution_breached', sa.Boolean(), nullable=False),
    sa.Column('sla_paused_since', UtcDateTime(timezone=True), nullable=True),
    sa.Column('sla_paused_seconds', sa.Integer(), nullable=False),
    sa.Column('first_response_warning_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolution_warning_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('reminder_time', UtcDateTime(timezone=True), nullable=True),
    sa.Column('escalate_time', UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number')),
    sa.UniqueConstraint('request_id', name=op.f('uq_tickets_request_id'))
    )
    op.create_index('ix_tickets_assignee_id_state', 'tickets', ['assignee_id', 'state'], unique=False)
    op.create_index('ix_tickets_create_time_id', 'tickets', ['create_time', 'id'], unique=False)
    op.create_index('ix_tickets_customer_id', 'tickets', ['customer_id'], unique=False)
    op.create_index('ix_tickets_department_path', 'tickets', ['department_path'], unique=False)
    op.create_index('ix_tickets_state_last_activity_time', 'tickets', ['state', 'last_activity_time'], unique=False)
    op.create_table('routing_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rule_id', sa.String(length=36), nullable=True),
    sa.Column('rule_name', sa.String(length=200), nullable=True),
    sa.Column('matched_conditions', sa.JSON(), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('fallback', sa.Boolean(), nullable=False),
    sa.Column('agent_selection', sa.String(length=20), nullable=False),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('tie_broken_at_random', sa.Boolean(), nullable=False),
    sa.Column('customer_value_class', sa.String(length=2), nullable=False),
    sa.Column('customer_at_risk', sa.Boolean(), nullable=False),
    sa.Column('priority_before', sa.String(length=10), nullable=False),
    sa.Column('priority_after', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('decide_time', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_routing_decisions_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_decisions'))
    )
    op.create_index('ix_routing_decisions_ticket_id_id', 'routing_decisions', ['ticket_id', 'id'], unique=False)
    op.create_table('service_records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('author_id', sa.String(length=64), nullable=False),
    sa.Column('actions_taken', sa.Text(), nullable=False),
    sa.Column('customer_feedback', sa.Text(), nullable=False),
    sa.Column('next_plan', sa.Text(), nullable=False),
    sa.Column('service_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('create_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_service_records_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_records')),
    sa.UniqueConstraint('request_id', name=op.f('uq_service_records_request_id'))
    )
    op.create_index('ix_service_records_create_time_id', 'service_records', ['create_time', 'id'], unique=False)
    op.create_index('ix_service_records_customer_id', 'service_records', ['customer_id'], unique=False)
    op.create_index('ix_service_records_ticket_id', 'service_records', ['ticket_id'], unique=False)
    op.create_table('ticket_comments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('create_time', UtcDateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_comments_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_comments')),
    sa.UniqueConstraint('request_id', name=op.f('uq_ticket_comments_request_id'))
    )
    op.create_index('ix_ticket_comments_ticket_id_id', 'ticket_comments', ['ticket_id', 'id'], unique=False)
    op.create_table('ticket_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=30), nullable=True),
    sa.Column('to_state', sa.String(length=30), nullable=True),
    sa.Column('from_department_path', sa.String(length=255), nullable=True),
    sa.Column('to_department_path', sa.String(length=255), nullable=True),
    sa.Column('from_assignee_id', sa.String(length=64), nullable=True),
    sa.Column('to_assignee_id', sa.String(length=64), nullable=True),
    sa.Column('from_priority', sa.String(length=10), nullable=True),
    sa.Column('to_priority', sa.String(length=10), nullable=True),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('routing_decision_id', sa.Integer(), nullable=True),
    sa.Column('occur_time', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_history_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_history'))
    )
    op.create_index('ix_ticket_history_kind_occur_time', 'ticket_history', ['kind', 'occur_time'], unique=False)
    op.create_index('ix_ticket_history_ticket_id_id', 'ticket_history', ['ticket_id', 'id'], unique=False)

    _seed_rules()


def downgrade() -> None:
    op.drop_index('ix_ticket_history_ticket_id_id', table_name='ticket_history')
    op.drop_index('ix_ticket_history_kind_occur_time', table_name='ticket_history')
    op.drop_table('ticket_history')
    op.drop_index('ix_ticket_comments_ticket_id_id', table_name='ticket_comments')
    op.drop_table('ticket_comments')
    op.drop_index('ix_service_records_ticket_id', table_name='service_records')
    op.drop_index('ix_service_records_customer_id', table_name='service_records')
    op.drop_index('ix_service_records_create_time_id', table_name='service_records')
    op.drop_table('service_records')
    op.drop_index('ix_routing_decisions_ticket_id_id', table_name='routing_decisions')
    op.drop_table('routing_decisions')
    op.drop_index('ix_tickets_state_last_activity_time', table_name='tickets')
    op.drop_index('ix_tickets_department_path', table_name='tickets')
    op.drop_index('ix_tickets_customer_id', table_name='tickets')
    op.drop_index('ix_tickets_create_time_id', table_name='tickets')
    op.drop_index('ix_tickets_assignee_id_state', table_name='tickets')
    op.drop_table('tickets')
    op.drop_table('ticket_number_sequences')
    op.drop_index('ix_routing_rules_priority_id', table_name='routing_rules')
    op.drop_table('routing_rules')
    op.drop_table('departments')
    op.drop_index('ix_agents_department_path', table_name='agents')
    op.drop_table('agents')
