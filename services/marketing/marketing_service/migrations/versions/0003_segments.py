"""segments and their members; the read model's contracts, behaviour and missing facts; the
three default segments of the requirements (high value, potential, at risk)

Revision ID: 0003
Revises: 0002
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The default segments, as data (a migration does not import the service's code, which moves
# on while this revision stays as it was). Their ids are fixed so every installation knows them.
SEED_TIME = datetime(2024, 1, 1, tzinfo=UTC)
DEFAULT_SEGMENTS = (
    {
        "id": "8eb44d46-573c-5465-9516-71a979d6d71d",
        "display_name": "高价值客户 High value",
        "description": "Value class A (annual contract amount ≥ 500,000 CNY).",
        "kind": "high_value",
        "rule": {"conditions": [{"field": "value_class",
                                 "operator": "CONDITION_OPERATOR_EQUALS",
                                 "values": ["VALUE_CLASS_A"]}]},
        "contact_strategy": {
            "summary": "Monthly personal contact + birthday greeting",
            "actions": [
                {"kind": "CONTACT_ACTION_KIND_PERSONAL_CONTACT", "cadence": "CADENCE_MONTHLY",
                 "description": "The account manager contacts the customer in person"},
                {"kind": "CONTACT_ACTION_KIND_BIRTHDAY_GREETING",
                 "cadence": "CADENCE_ON_OCCASION", "channel": "DELIVERY_CHANNEL_SMS",
                 "template_key": "marketing.birthday_greeting",
                 "description": "Greeting on the birthday"},
            ],
        },
        "time_relative": False,
    },
    {
        "id": "41a09105-0713-5d5c-a663-c1c3c9caa6de",
        "display_name": "潜力客户 Potential",
        "description": "Value class B, or still at the potential or intent stage.",
        "kind": "potential",
        "rule": {"match": "MATCH_MODE_ANY",
                 "conditions": [
                     {"field": "value_class", "operator": "CONDITION_OPERATOR_EQUALS",
                      "values": ["VALUE_CLASS_B"]},
                     {"field": "lifecycle_stage", "operator": "CONDITION_OPERATOR_IN",
                      "values": ["LIFECYCLE_STAGE_POTENTIAL", "LIFECYCLE_STAGE_INTENT"]},
                 ]},
        "contact_strategy": {
            "summary": "Quarterly white paper + event invitation",
            "actions": [
                {"kind": "CONTACT_ACTION_KIND_CONTENT", "cadence": "CADENCE_QUARTERLY",
                 "channel": "DELIVERY_CHANNEL_EMAIL", "template_key": "marketing.white_paper",
                 "description": "Industry white paper"},
                {"kind": "CONTACT_ACTION_KIND_EVENT_INVITATION",
                 "cadence": "CADENCE_QUARTERLY", "channel": "DELIVERY_CHANNEL_EMAIL",
                 "template_key": "marketing.event_invitation",
                 "description": "Invitation to the next customer event"},
            ],
        },
        "time_relative": False,
    },
    {
        "id": "f5b8295f-e3e3-5979-ac8e-fa1e9d67debe",
        "display_name": "流失风险客户 At risk",
        "description": "Flagged at risk of churning by the customer service.",
        "kind": "at_risk",
        "rule": {"conditions": [{"field": "at_risk", "operator": "CONDITION_OPERATOR_EQUALS",
                                 "values": ["true"]}]},
        "contact_strategy": {
            "summary": "Weekly follow-up",
            "actions": [
                {"kind": "CONTACT_ACTION_KIND_FOLLOW_UP", "cadence": "CADENCE_WEEKLY",
                 "description": "The account manager calls or visits"},
            ],
        },
        "time_relative": False,
    },
)


def upgrade() -> None:
    with op.batch_alter_table('customer_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('industry', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('purchase_count_12m', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('spend_12m_minor', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('last_interaction_time', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fact_times', sa.JSON(), nullable=False,
                                      server_default='{}'))
    with op.batch_alter_table('customer_profiles', schema=None) as batch_op:
        # The default only filled rows that existed; the models write the column themselves.
        batch_op.alter_column('fact_times', server_default=None)

    segments = op.create_table('segments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('contact_strategy', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('time_relative', sa.Boolean(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('evaluate_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('department_path', sa.String(length=255), nullable=False),
    sa.Column('create_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('request_id', name=op.f('uq_segments_request_id'))
    )
    op.create_table('segment_members',
    sa.Column('segment_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('join_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cause_event_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'],
                            name=op.f('fk_segment_members_segment_id_segments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'customer_id', name=op.f('pk_segment_members'))
    )
    with op.batch_alter_table('segment_members', schema=None) as batch_op:
        batch_op.create_index('ix_segment_members_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_segment_members_segment_id_join_time',
                              ['segment_id', 'join_time'], unique=False)

    op.create_table('profile_contracts',
    sa.Column('contract_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('ended', sa.Boolean(), nullable=False),
    sa.Column('update_time', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('contract_id', name=op.f('pk_profile_contracts'))
    )
    with op.batch_alter_table('profile_contracts', schema=None) as batch_op:
        batch_op.create_index('ix_profile_contracts_customer_id', ['customer_id'], unique=False)

    op.create_table('profile_interactions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('occur_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score_hundredths', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_interactions')),
    sa.UniqueConstraint('source_id', name=op.f('uq_profile_interactions_source_id'))
    )
    with op.batch_alter_table('profile_interactions', schema=None) as batch_op:
        batch_op.create_index('ix_profile_interactions_customer_id_kind_occur_time',
                              ['customer_id', 'kind', 'occur_time'], unique=False)

    op.bulk_insert(segments, [
        {**seed, "active": True, "member_count": 0, "evaluate_time": None,
         "owner_id": "system", "department_path": "/hq", "create_time": SEED_TIME,
         "update_time": SEED_TIME, "created_by": "system", "updated_by": "system",
         "version": 1, "request_id": None}
        for seed in DEFAULT_SEGMENTS
    ])


def downgrade() -> None:
    with op.batch_alter_table('profile_interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_interactions_customer_id_kind_occur_time')
    op.drop_table('profile_interactions')
    with op.batch_alter_table('profile_contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_contracts_customer_id')
    op.drop_table('profile_contracts')
    with op.batch_alter_table('segment_members', schema=None) as batch_op:
        batch_op.drop_index('ix_segment_members_segment_id_join_time')
        batch_op.drop_index('ix_segment_members_customer_id')
    op.drop_table('segment_members')
    op.drop_table('segments')
    with op.batch_alter_table('customer_profiles', schema=None) as batch_op:
        batch_op.drop_column('fact_times')
        batch_op.drop_column('last_interaction_time')
        batch_op.drop_column('spend_12m_minor')
        batch_op.drop_column('purchase_count_12m')
        batch_op.drop_column('source')
        batch_op.drop_column('industry')
