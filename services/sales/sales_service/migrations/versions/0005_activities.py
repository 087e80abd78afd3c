"""the activities part of the sales service: follow-up records and manager comments, follow-up
tasks and plans, and the customer facts and department leads they are planned from

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=True),
    sa.Column('lead_id', sa.String(length=64), nullable=True),
    sa.Column('opportunity_id', sa.String(length=64), nullable=True),
    sa.Column('contact_id', sa.String(length=64), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('occur_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('customer_feedback', sa.Text(), nullable=False),
    sa.Column('objection', sa.Text(), nullable=False),
    sa.Column('next_step', sa.String(length=500), nullable=False),
    sa.Column('next_step_due_date', sa.String(length=10), nullable=True),
    sa.Column('qualification', sa.JSON(), nullable=True),
    sa.Column('follow_up_task_id', sa.String(length=36), nullable=True),
    sa.Column('next_step_task_id', sa.String(length=36), nullable=True),
    sa.Column('first_contact', sa.Boolean(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('request_id', name=op.f('uq_activities_request_id'))
    )
    op.create_index(op.f('ix_activities_customer_id'), 'activities', ['customer_id'])
    op.create_index(op.f('ix_activities_department_path'), 'activities', ['department_path'])
    op.create_index(op.f('ix_activities_lead_id'), 'activities', ['lead_id'])
    op.create_index(op.f('ix_activities_occur_time'), 'activities', ['occur_time'])
    op.create_index(op.f('ix_activities_opportunity_id'), 'activities', ['opportunity_id'])
    op.create_index('ix_activities_owner_id_occur_time', 'activities', ['owner_id', 'occur_time'])
    op.create_table('follow_up_plans',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('value_class', sa.String(length=1), nullable=True),
    sa.Column('interval_override', sa.Integer(), nullable=True),
    sa.Column('senior_override', sa.Integer(), nullable=True),
    sa.Column('next_due_date', sa.String(length=10), nullable=False),
    sa.Column('next_senior_due_date', sa.String(length=10), nullable=True),
    sa.Column('last_contact_date', sa.String(length=10), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_plans')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_follow_up_plans_customer_id'))
    )
    op.create_index(op.f('ix_follow_up_plans_department_path'), 'follow_up_plans', ['department_path'])
    op.create_index(op.f('ix_follow_up_plans_owner_id'), 'follow_up_plans', ['owner_id'])
    op.create_table('follow_up_tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=True),
    sa.Column('customer_id', sa.String(length=64), nullable=True),
    sa.Column('lead_id', sa.String(length=64), nullable=True),
    sa.Column('opportunity_id', sa.String(length=64), nullable=True),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('due_date', sa.String(length=10), nullable=False),
    sa.Column('suggested_method', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('remind_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('complete_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_activity_id', sa.String(length=36), nullable=True),
    sa.Column('completed_late', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_tasks')),
    sa.UniqueConstraint('request_id', name=op.f('uq_follow_up_tasks_request_id'))
    )
    op.create_index(op.f('ix_follow_up_tasks_customer_id'), 'follow_up_tasks', ['customer_id'])
    op.create_index(op.f('ix_follow_up_tasks_department_path'), 'follow_up_tasks', ['department_path'])
    op.create_index(op.f('ix_follow_up_tasks_lead_id'), 'follow_up_tasks', ['lead_id'])
    op.create_index(op.f('ix_follow_up_tasks_owner_id'), 'follow_up_tasks', ['owner_id'])
    op.create_index(op.f('ix_follow_up_tasks_plan_id'), 'follow_up_tasks', ['plan_id'])
    op.create_index('ix_follow_up_tasks_state_due_date', 'follow_up_tasks', ['state', 'due_date'])
    op.create_table('sales_customer_facts',
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('value_class', sa.String(length=1), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=20), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('merged_into', sa.String(length=64), nullable=True),
    sa.Column('fact_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_sales_customer_facts'))
    )
    op.create_index(op.f('ix_sales_customer_facts_owner_id'), 'sales_customer_facts', ['owner_id'])
    op.create_table('sales_department_leads',
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('parent_path', sa.String(length=255), nullable=True),
    sa.Column('lead_user_id', sa.String(length=64), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_sales_department_leads'))
    )
    op.create_table('activity_comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=True),
    sa.Column('author_id', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('activity_owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_comments_activity_id_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_comments')),
    sa.UniqueConstraint('request_id', name=op.f('uq_activity_comments_request_id'))
    )
    op.create_index(op.f('ix_activity_comments_activity_id'), 'activity_comments', ['activity_id'])
    op.create_index(op.f('ix_activity_comments_activity_owner_id'), 'activity_comments', ['activity_owner_id'])
    op.create_index(op.f('ix_activity_comments_author_id'), 'activity_comments', ['author_id'])
    op.create_index(op.f('ix_activity_comments_customer_id'), 'activity_comments', ['customer_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_activity_comments_customer_id'), table_name='activity_comments')
    op.drop_index(op.f('ix_activity_comments_author_id'), table_name='activity_comments')
    op.drop_index(op.f('ix_activity_comments_activity_owner_id'), table_name='activity_comments')
    op.drop_index(op.f('ix_activity_comments_activity_id'), table_name='activity_comments')
    op.drop_table('activity_comments')
    op.drop_table('sales_department_leads')
    op.drop_index(op.f('ix_sales_customer_facts_owner_id'), table_name='sales_customer_facts')
    op.drop_table('sales_customer_facts')
    op.drop_index('ix_follow_up_tasks_state_due_date', table_name='follow_up_tasks')
    op.drop_index(op.f('ix_follow_up_tasks_plan_id'), table_name='follow_up_tasks')
    op.drop_index(op.f('ix_follow_up_tasks_owner_id'), table_name='follow_up_tasks')
    op.drop_index(op.f('ix_follow_up_tasks_lead_id'), table_name='follow_up_tasks')
    op.drop_index(op.f('ix_follow_up_tasks_department_path'), table_name='follow_up_tasks')
    op.drop_index(op.f('ix_follow_up_tasks_customer_id'), table_name='follow_up_tasks')
    op.drop_table('follow_up_tasks')
    op.drop_index(op.f('ix_follow_up_plans_owner_id'), table_name='follow_up_plans')
    op.drop_index(op.f('ix_follow_up_plans_department_path'), table_name='follow_up_plans')
    op.drop_table('follow_up_plans')
    op.drop_index('ix_activities_owner_id_occur_time', table_name='activities')
    op.drop_index(op.f('ix_activities_opportunity_id'), table_name='activities')
    op.drop_index(op.f('ix_activities_occur_time'), table_name='activities')
    op.drop_index(op.f('ix_activities_lead_id'), table_name='activities')
    op.drop_index(op.f('ix_activities_department_path'), table_name='activities')
    op.drop_index(op.f('ix_activities_customer_id'), table_name='activities')
    op.drop_table('activities')
