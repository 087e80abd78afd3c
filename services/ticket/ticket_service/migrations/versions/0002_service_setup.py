"""service set-up: business calendars, SLA policies, the ticket policy, call-back tasks and the
knowledge base, with the default calendar, SLA policies and ticket policy seeded

Revision ID: 0002
Revises: 0001
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
HOUR = 3600
# What the seeded values mean and why they were chosen: ticket_service/sla_policies.py.
FIRST_RESPONSE_HOURS = {"urgent": 1, "high": 4, "normal": 8, "low": 24}
BUSINESS_HOURS_PRIORITIES = {"normal", "low"}
COMPLAINT_RESOLUTION_HOURS = 24
DEMAND_RESOLUTION_BUSINESS_HOURS = 27  # 3 working days of the default 9-hour calendar
UNTOUCHED_REMINDER_HOURS = 24
ESCALATE_AFTER_HOURS = 24


def _policy(name, ticket_type, priority, first_hours, resolution_hours, business_hours_only):
    targets = [hours for hours in (first_hours, resolution_hours) if hours]
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"crm-ticket-sla/{ticket_type}/{priority}")),
        "display_name": name,
        "ticket_type": ticket_type,
        "priority": priority,
        "first_response_seconds": first_hours * HOUR if first_hours else None,
        "resolution_seconds": resolution_hours * HOUR if resolution_hours else None,
        "business_hours_only": business_hours_only,
        # the warning goes out when 20 % of the shorter target is left
        "warning_before_seconds": min(targets) * HOUR // 5,
        "untouched_reminder_seconds": UNTOUCHED_REMINDER_HOURS * HOUR,
        "escalate_after_seconds": ESCALATE_AFTER_HOURS * HOUR,
        "enabled": True,
        "created_by": "system",
        "updated_by": "system",
        "create_time": SEED_TIME,
        "update_time": SEED_TIME,
        "request_id": None,
    }


def _table(name: str, columns) -> sa.TableClause:
    """A lightweight table for seeding; JSON and time columns need their type to be bound."""
    types = {"working_hours": sa.JSON(), "holidays": sa.JSON(), "extra_working_days": sa.JSON(),
             "raise_priority_value_classes": sa.JSON(), "create_time": sa.DateTime(timezone=True),
             "update_time": sa.DateTime(timezone=True)}
    return sa.table(name, *(sa.column(column, types.get(column)) for column in columns))


def _seed_policies() -> list[dict]:
    rows = [_policy("Default - first response in 8 business hours", None, None, 8, None, True)]
    for priority, hours in FIRST_RESPONSE_HOURS.items():
        business = priority in BUSINESS_HOURS_PRIORITIES
        rows.append(_policy(f"{priority.capitalize()} - first response in {hours} h", None,
                            priority, hours, None, business))
        # Complaints run on the wall clock: the 24 h promise is made to the customer.
        rows.append(_policy(f"Complaint, {priority} - resolved within 24 h", "complaint",
                            priority, hours, COMPLAINT_RESOLUTION_HOURS, False))
        rows.append(_policy(f"Demand, {priority} - answered within 3 working days", "demand",
                            priority, hours, DEMAND_RESOLUTION_BUSINESS_HOURS, True))
    return rows


def upgrade() -> None:
    op.create_table('business_calendars',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('working_hours', sa.JSON(), nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('extra_working_days', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_calendars')),
    sa.UniqueConstraint('department_path', name=op.f('uq_business_calendars_department_path')),
    sa.UniqueConstraint('request_id', name=op.f('uq_business_calendars_request_id'))
    )
    op.create_table('callback_tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('ticket_number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('due_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('complete_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=64), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_tasks'))
    )
    with op.batch_alter_table('callback_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_callback_tasks_assignee_id', ['assignee_id'], unique=False)
        batch_op.create_index('ix_callback_tasks_department_path', ['department_path'], unique=False)
        batch_op.create_index('ix_callback_tasks_state_due_time', ['state', 'due_time'], unique=False)
        batch_op.create_index('ix_callback_tasks_ticket_id', ['ticket_id'], unique=False)

    op.create_table('knowledge_articles',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('ticket_types', sa.JSON(), nullable=False),
    sa.Column('source_ticket_id', sa.String(length=36), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('view_count', sa.BigInteger(), nullable=False),
    sa.Column('use_count', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_articles')),
    sa.UniqueConstraint('request_id', name=op.f('uq_knowledge_articles_request_id'))
    )
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.create_index('ix_knowledge_articles_state_update_time', ['state', 'update_time'], unique=False)
        batch_op.create_index('ix_knowledge_articles_update_time_id', ['update_time', 'id'], unique=False)

    op.create_table('sla_policies',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('ticket_type', sa.String(length=20), nullable=True),
    sa.Column('priority', sa.String(length=20), nullable=True),
    sa.Column('first_response_seconds', sa.Integer(), nullable=True),
    sa.Column('resolution_seconds', sa.Integer(), nullable=True),
    sa.Column('business_hours_only', sa.Boolean(), nullable=False),
    sa.Column('warning_before_seconds', sa.Integer(), nullable=True),
    sa.Column('untouched_reminder_seconds', sa.Integer(), nullable=True),
    sa.Column('escalate_after_seconds', sa.Integer(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policies')),
    sa.UniqueConstraint('request_id', name=op.f('uq_sla_policies_request_id'))
    )
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.create_index('ix_sla_policies_ticket_type_priority', ['ticket_type', 'priority'], unique=False)

    op.create_table('ticket_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raise_priority_value_classes', sa.JSON(), nullable=False),
    sa.Column('raise_priority_when_at_risk', sa.Boolean(), nullable=False),
    sa.Column('callback_within_seconds', sa.Integer(), nullable=False),
    sa.Column('service_record_within_seconds', sa.Integer(), nullable=False),
    sa.Column('auto_close_after_seconds', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_policy'))
    )


    calendars = _table("business_calendars", (
        "id", "display_name", "department_path", "time_zone", "working_hours", "holidays",
        "extra_working_days", "created_by", "updated_by", "create_time", "update_time"))
    op.bulk_insert(calendars, [{
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "crm-ticket-calendar/hq")),
        "display_name": "Head office hours (Mon-Fri 09:00-18:00, Beijing time)",
        "department_path": "/hq",
        "time_zone": "Asia/Shanghai",
        "working_hours": [{"day": day, "opens_at": "09:00", "closes_at": "18:00"}
                          for day in range(1, 6)],
        "holidays": [],
        "extra_working_days": [],
        "created_by": "system",
        "updated_by": "system",
        "create_time": SEED_TIME,
        "update_time": SEED_TIME,
    }])
    policies = _seed_policies()
    op.bulk_insert(_table("sla_policies", policies[0]), policies)
    op.bulk_insert(
        _table("ticket_policy", (
            "id", "raise_priority_value_classes", "raise_priority_when_at_risk",
            "callback_within_seconds", "service_record_within_seconds",
            "auto_close_after_seconds", "updated_by", "update_time")),
        [{
            "id": 1,
            "raise_priority_value_classes": ["A"],
            "raise_priority_when_at_risk": True,
            "callback_within_seconds": 24 * HOUR,
            "service_record_within_seconds": 2 * HOUR,
            "auto_close_after_seconds": 72 * HOUR,
            "updated_by": "system",
            "update_time": SEED_TIME,
        }],
    )


def downgrade() -> None:
    op.drop_table('ticket_policy')
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_policies_ticket_type_priority')

    op.drop_table('sla_policies')
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_articles_update_time_id')
        batch_op.drop_index('ix_knowledge_articles_state_update_time')

    op.drop_table('knowledge_articles')
    with op.batch_alter_table('callback_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_callback_tasks_ticket_id')
        batch_op.drop_index('ix_callback_tasks_state_due_time')
        batch_op.drop_index('ix_callback_tasks_department_path')
        batch_op.drop_index('ix_callback_tasks_assignee_id')

    op.drop_table('callback_tasks')
    op.drop_table('business_calendars')
