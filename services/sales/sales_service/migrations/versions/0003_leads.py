"""the leads part: leads, grading and assignment rules, sales reps, assignment decisions;
seeded with the default grading rules (high intent and clear need is A, some intent or need is
B, the rest C) and assignment rules (A leads to the senior reps of /hq/sales, B and C leads to
every rep of /hq/sales, round robin)

Revision ID: 0003
Revises: 0002
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6c1f3a52-8e0b-4d7a-9c21-5b3e7f9d0a44")
SEEDED = datetime(2026, 1, 1, tzinfo=UTC)


def _condition(*conditions, any_of=False):
    group = {"conditions": [{"field": field, "operator": f"CONDITION_OPERATOR_{operator}",
                             "values": list(values)} for field, operator, values in conditions]}
    if any_of:
        group["match"] = "MATCH_MODE_ANY"
    return group


# Frozen here as they were at this revision: rules are data, edited over the api afterwards.
# (key, name, grade, condition, priority)
GRADING_RULES = [
    ("grade-a", "High intent and a clear need is A", "A",
     _condition(("intent_level", "EQUALS", ["INTENT_LEVEL_HIGH"]),
                ("need_clarity", "EQUALS", ["NEED_CLARITY_CLEAR"])), 10),
    ("grade-b", "Some intent or a partly clear need is B", "B",
     _condition(("intent_level", "IN", ["INTENT_LEVEL_HIGH", "INTENT_LEVEL_MEDIUM"]),
                ("need_clarity", "IN", ["NEED_CLARITY_CLEAR", "NEED_CLARITY_PARTIAL"]),
                any_of=True), 20),
]
# (key, name, condition, department, min seniority, strategy, priority)
ASSIGNMENT_RULES = [
    ("assign-a", "A leads to senior reps of /hq/sales, round robin",
     _condition(("grade", "EQUALS", ["LEAD_GRADE_A"])), "/hq/sales", "senior", "round_robin", 10),
    ("assign-bc", "B and C leads to all reps of /hq/sales, round robin",
     _condition(("grade", "IN", ["LEAD_GRADE_B", "LEAD_GRADE_C"])), "/hq/sales", "", "round_robin",
     20),
]


def upgrade() -> None:
    op.create_table('lead_assignment_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('condition', sa.JSON(), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('min_seniority', sa.String(length=10), nullable=False),
    sa.Column('user_ids', sa.JSON(), nullable=False),
    sa.Column('strategy', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignment_rules')),
    sa.UniqueConstraint('request_id', name=op.f('uq_lead_assignment_rules_request_id'))
    )
    op.create_index('ix_lead_assignment_rules_priority_id', 'lead_assignment_rules', ['priority', 'id'], unique=False)
    op.create_table('lead_grading_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('condition', sa.JSON(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_grading_rules')),
    sa.UniqueConstraint('request_id', name=op.f('uq_lead_grading_rules_request_id'))
    )
    op.create_index('ix_lead_grading_rules_priority_id', 'lead_grading_rules', ['priority', 'id'], unique=False)
    op.create_table('lead_number_sequences',
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_lead_number_sequences'))
    )
    op.create_table('leads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('company_name', sa.String(length=300), nullable=False),
    sa.Column('job_title', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone_key', sa.String(length=40), nullable=True),
    sa.Column('email_key', sa.String(length=254), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_detail', sa.String(length=300), nullable=False),
    sa.Column('source_labelled', sa.Boolean(), nullable=False),
    sa.Column('intake_params', sa.JSON(), nullable=False),
    sa.Column('campaign_id', sa.String(length=64), nullable=True),
    sa.Column('campaign_variant_id', sa.String(length=64), nullable=True),
    sa.Column('intent_level', sa.String(length=10), nullable=False),
    sa.Column('need_clarity', sa.String(length=10), nullable=False),
    sa.Column('need_description', sa.Text(), nullable=False),
    sa.Column('product_interests', sa.JSON(), nullable=False),
    sa.Column('budget_currency', sa.String(length=3), nullable=True),
    sa.Column('budget_minor', sa.BigInteger(), nullable=True),
    sa.Column('decision_maker', sa.String(length=200), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('grade_reason', sa.String(length=500), nullable=False),
    sa.Column('grade_rule_id', sa.String(length=36), nullable=True),
    sa.Column('grade_locked', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=True),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('assign_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_due_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_remind_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_reminded_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_overdue', sa.Boolean(), nullable=False),
    sa.Column('first_contact_escalated_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('went_cold_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_before_cold', sa.String(length=20), nullable=True),
    sa.Column('customer_id', sa.String(length=64), nullable=True),
    sa.Column('opportunity_id', sa.String(length=36), nullable=True),
    sa.Column('customer_created', sa.Boolean(), nullable=False),
    sa.Column('convert_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('convert_request_id', sa.String(length=64), nullable=True),
    sa.Column('disqualify_reason', sa.String(length=1000), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('number', name=op.f('uq_leads_number')),
    sa.UniqueConstraint('request_id', name=op.f('uq_leads_request_id'))
    )
    op.create_index('ix_leads_create_time_id', 'leads', ['create_time', 'id'], unique=False)
    op.create_index('ix_leads_customer_id', 'leads', ['customer_id'], unique=False)
    op.create_index('ix_leads_department_path', 'leads', ['department_path'], unique=False)
    op.create_index('ix_leads_email_key', 'leads', ['email_key'], unique=False)
    op.create_index('ix_leads_owner_id_status', 'leads', ['owner_id', 'status'], unique=False)
    op.create_index('ix_leads_phone_key', 'leads', ['phone_key'], unique=False)
    op.create_index('ix_leads_status_first_contact_due_time', 'leads', ['status', 'first_contact_due_time'], unique=False)
    op.create_table('sales_reps',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('team_lead', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('seniority', sa.String(length=10), nullable=False),
    sa.Column('max_open_leads', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('available_again_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_assign_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_sales_reps'))
    )
    op.create_index('ix_sales_reps_department_path', 'sales_reps', ['department_path'], unique=False)
    op.create_table('lead_assignments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('lead_id', sa.String(length=36), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('previous_assignee_id', sa.String(length=64), nullable=True),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('rule_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('tie_broken_at_random', sa.Boolean(), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('assign_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_assignments_lead_id_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_assignments')),
    sa.UniqueConstraint('request_id', name=op.f('uq_lead_assignments_request_id'))
    )
    op.create_index('ix_lead_assignments_assign_time_id', 'lead_assignments', ['assign_time', 'id'], unique=False)
    op.create_index('ix_lead_assignments_assignee_id', 'lead_assignments', ['assignee_id'], unique=False)
    op.create_index('ix_lead_assignments_lead_id', 'lead_assignments', ['lead_id'], unique=False)
    grading = sa.table(
        "lead_grading_rules", sa.column("id"), sa.column("display_name"), sa.column("grade"),
        sa.column("condition", sa.JSON()), sa.column("priority"), sa.column("enabled"),
        sa.column("created_by"), sa.column("updated_by"),
        sa.column("create_time", sa.DateTime(timezone=True)),
        sa.column("update_time", sa.DateTime(timezone=True)))
    op.bulk_insert(grading, [
        {"id": str(uuid.uuid5(NAMESPACE, key)), "display_name": name, "grade": grade,
         "condition": condition, "priority": priority, "enabled": True, "created_by": "system",
         "updated_by": "system", "create_time": SEEDED, "update_time": SEEDED}
        for key, name, grade, condition, priority in GRADING_RULES])
    assignment = sa.table(
        "lead_assignment_rules", sa.column("id"), sa.column("display_name"),
        sa.column("condition", sa.JSON()), sa.column("department_path"),
        sa.column("min_seniority"), sa.column("user_ids", sa.JSON()), sa.column("strategy"),
        sa.column("priority"), sa.column("enabled"), sa.column("created_by"),
        sa.column("updated_by"), sa.column("create_time", sa.DateTime(timezone=True)),
        sa.column("update_time", sa.DateTime(timezone=True)))
    op.bulk_insert(assignment, [
        {"id": str(uuid.uuid5(NAMESPACE, key)), "display_name": name, "condition": condition,
         "department_path": department, "min_seniority": seniority, "user_ids": [],
         "strategy": strategy, "priority": priority, "enabled": True, "created_by": "system",
         "updated_by": "system", "create_time": SEEDED, "update_time": SEEDED}
        for key, name, condition, department, seniority, strategy, priority in ASSIGNMENT_RULES])


def downgrade() -> None:
    op.drop_index('ix_lead_assignments_lead_id', table_name='lead_assignments')
    op.drop_index('ix_lead_assignments_assignee_id', table_name='lead_assignments')
    op.drop_index('ix_lead_assignments_assign_time_id', table_name='lead_assignments')
    op.drop_table('lead_assignments')
    op.drop_index('ix_sales_reps_department_path', table_name='sales_reps')
    op.drop_table('sales_reps')
    op.drop_index('ix_leads_status_first_contact_due_time', table_name='leads')
    op.drop_index('ix_leads_phone_key', table_name='leads')
    op.drop_index('ix_leads_owner_id_status', table_name='leads')
    op.drop_index('ix_leads_email_key', table_name='leads')
    op.drop_index('ix_leads_department_path', table_name='leads')
    op.drop_index('ix_leads_customer_id', table_name='leads')
    op.drop_index('ix_leads_create_time_id', table_name='leads')
    op.drop_table('leads')
    op.drop_table('lead_number_sequences')
    op.drop_index('ix_lead_grading_rules_priority_id', table_name='lead_grading_rules')
    op.drop_table('lead_grading_rules')
    op.drop_index('ix_lead_assignment_rules_priority_id', table_name='lead_assignment_rules')
    op.drop_table('lead_assignment_rules')
