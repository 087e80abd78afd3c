"""triggers and their firings, satisfaction surveys, invitations, answers and improvement
items; seeded with the default service-satisfaction survey and the default triggers

Revision ID: 0005
Revises: 0004
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
SERVICE_SURVEY_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "crm-marketing-survey/service-satisfaction"))
# The survey after a closed ticket (REQUIREMENTS §4): product quality, response speed and
# communication rated 1-5, the likelihood to recommend (NPS), and a comment.
SERVICE_SURVEY_QUESTIONS = [
    {"id": "q1", "dimension": "product_quality", "text": "您对产品质量的满意度？",
     "type": "rating_1_to_5", "required": True, "options": []},
    {"id": "q2", "dimension": "response_speed", "text": "您对我们的响应速度满意吗？",
     "type": "rating_1_to_5", "required": True, "options": []},
    {"id": "q3", "dimension": "communication", "text": "您对沟通过程的满意度？",
     "type": "rating_1_to_5", "required": True, "options": []},
    {"id": "q4", "dimension": "nps", "text": "您有多大可能向朋友或同事推荐我们？",
     "type": "nps_0_to_10", "required": False, "options": []},
    {"id": "q5", "dimension": "comment", "text": "还有什么想告诉我们的吗？",
     "type": "text", "required": False, "options": []},
]

def _trigger(key, name, kind, action, *, enabled=True, offset_days=0):
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"crm-marketing-trigger/{key}")),
        "display_name": name, "kind": kind, "enabled": enabled, "offset_days": offset_days,
        "milestones": [], "segment_id": None, "condition": {}, "action": action,
        "fire_count": 0, "last_fire_time": None, "request_id": None, "version": 1,
        "created_by": "system", "updated_by": "system", "create_time": SEED_TIME,
        "update_time": SEED_TIME,
    }

DEFAULT_TRIGGERS = [
    _trigger("ticket-closed-survey", "工单关闭后满意度调查 Survey after a closed ticket",
             "ticket_closed", {"kind": "send_survey", "channel": "email",
                                "survey_id": SERVICE_SURVEY_ID}),
    _trigger("birthday-greeting", "生日前 3 天祝福 Birthday greeting 3 days before", "birthday",
             {"kind": "send_message", "channel": "email",
               "template_key": "birthday_greeting"}, offset_days=3),
    _trigger("at-risk-owner", "流失风险：提醒负责人 At risk: tell the owner", "customer_at_risk",
             {"kind": "notify_owner"}),
    # Off until a marketer writes the offer: the sales service already reminds the contract's
    # owner 15 days before the end.
    _trigger("renewal-offer", "续约优惠 Renewal offer 15 days before the end",
             "contract_renewal", {"kind": "send_message", "channel": "email",
                                   "template_key": "renewal_offer"},
             enabled=False, offset_days=15),
    _trigger("lead-cold-owner", "线索冷却：提醒负责人 Lead gone cold: tell the owner", "lead_cold",
             {"kind": "notify_owner"}, enabled=False),
]

def _table(name, rows):
    types = {"questions": sa.JSON(), "milestones": sa.JSON(), "condition": sa.JSON(),
             "action": sa.JSON(), "create_time": sa.DateTime(timezone=True),
             "update_time": sa.DateTime(timezone=True),
             "last_fire_time": sa.DateTime(timezone=True)}
    return sa.table(name, *(sa.column(column, types.get(column)) for column in rows[0]))

def upgrade() -> None:
    op.create_table('improvement_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('survey_id', sa.String(length=36), nullable=True),
    sa.Column('dimension', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('low_score_share', sa.Float(), nullable=False),
    sa.Column('answer_count', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_items')),
    sa.UniqueConstraint('request_id', name=op.f('uq_improvement_items_request_id'))
    )
    with op.batch_alter_table('improvement_items', schema=None) as batch_op:
        batch_op.create_index('ix_improvement_items_survey_id_dimension', ['survey_id', 'dimension'], unique=False)

    op.create_table('purchase_tallies',
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('purchase_count', sa.Integer(), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_purchase_tallies'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('survey_id', sa.String(length=36), nullable=False),
    sa.Column('invitation_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=True),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('overall_score', sa.Float(), nullable=False),
    sa.Column('nps', sa.Integer(), nullable=True),
    sa.Column('low_score', sa.Boolean(), nullable=False),
    sa.Column('submit_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_survey_answers_invitation_id'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_survey_answers_survey_id_submit_time', ['survey_id', 'submit_time'], unique=False)

    op.create_table('survey_invitations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('survey_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=True),
    sa.Column('ticket_id', sa.String(length=36), nullable=True),
    sa.Column('ticket_number', sa.String(length=40), nullable=True),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('trigger_id', sa.String(length=36), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('expire_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outbound_message_id', sa.String(length=36), nullable=True),
    sa.Column('delivery_id', sa.String(length=36), nullable=True),
    sa.Column('send_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('request_id', name=op.f('uq_survey_invitations_request_id'))
    )
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_survey_invitations_create_time', ['create_time'], unique=False)
        batch_op.create_index('ix_survey_invitations_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_survey_invitations_survey_id', ['survey_id'], unique=False)
        batch_op.create_index('ix_survey_invitations_ticket_id', ['ticket_id'], unique=False)

    op.create_table('surveys',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('answer_count', sa.BigInteger(), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('request_id', name=op.f('uq_surveys_request_id'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index('ix_surveys_create_time', ['create_time'], unique=False)
        batch_op.create_index('ix_surveys_owner_id', ['owner_id'], unique=False)

    op.create_table('trigger_firings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('trigger_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('occasion_key', sa.String(length=150), nullable=False),
    sa.Column('source_event_id', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('outbound_message_id', sa.String(length=36), nullable=True),
    sa.Column('delivery_id', sa.String(length=36), nullable=True),
    sa.Column('survey_invitation_id', sa.String(length=36), nullable=True),
    sa.Column('fire_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trigger_firings')),
    sa.UniqueConstraint('trigger_id', 'customer_id', 'occasion_key', name=op.f('uq_trigger_firings_trigger_id'))
    )
    with op.batch_alter_table('trigger_firings', schema=None) as batch_op:
        batch_op.create_index('ix_trigger_firings_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_trigger_firings_fire_time', ['fire_time'], unique=False)

    op.create_table('triggers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('segment_id', sa.String(length=36), nullable=True),
    sa.Column('condition', sa.JSON(), nullable=False),
    sa.Column('action', sa.JSON(), nullable=False),
    sa.Column('fire_count', sa.BigInteger(), nullable=False),
    sa.Column('last_fire_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triggers')),
    sa.UniqueConstraint('request_id', name=op.f('uq_triggers_request_id'))
    )
    with op.batch_alter_table('triggers', schema=None) as batch_op:
        batch_op.create_index('ix_triggers_kind_enabled', ['kind', 'enabled'], unique=False)

    survey = [{
        "id": SERVICE_SURVEY_ID, "title": "服务满意度调查", "kind": "service_satisfaction",
        "description": "感谢您联系我们。请花一分钟告诉我们这次服务的感受。",
        "questions": SERVICE_SURVEY_QUESTIONS, "state": "active", "locale": "zh-CN",
        "answer_count": 0, "owner_id": "system", "department_path": "/hq/marketing",
        "request_id": None, "version": 1, "created_by": "system", "updated_by": "system",
        "create_time": SEED_TIME, "update_time": SEED_TIME,
    }]
    op.bulk_insert(_table("surveys", survey), survey)
    op.bulk_insert(_table("triggers", DEFAULT_TRIGGERS), DEFAULT_TRIGGERS)

def downgrade() -> None:

    with op.batch_alter_table('triggers', schema=None) as batch_op:
        batch_op.drop_index('ix_triggers_kind_enabled')

    op.drop_table('triggers')
    with op.batch_alter_table('trigger_firings', schema=None) as batch_op:
        batch_op.drop_index('ix_trigger_firings_fire_time')
        batch_op.drop_index('ix_trigger_firings_customer_id')

    op.drop_table('trigger_firings')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index('ix_surveys_owner_id')
        batch_op.drop_index('ix_surveys_create_time')

    op.drop_table('surveys')
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_invitations_ticket_id')
        batch_op.drop_index('ix_survey_invitations_survey_id')
        batch_op.drop_index('ix_survey_invitations_customer_id')
        batch_op.drop_index('ix_survey_invitations_create_time')

    op.drop_table('survey_invitations')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_survey_id_submit_time')
        batch_op.drop_index('ix_survey_answers_customer_id')

    op.drop_table('survey_answers')
    op.drop_table('purchase_tallies')
    with op.batch_alter_table('improvement_items', schema=None) as batch_op:
        batch_op.drop_index('ix_improvement_items_survey_id_dimension')

    op.drop_table('improvement_items')
