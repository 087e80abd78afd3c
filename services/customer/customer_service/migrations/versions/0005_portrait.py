"""portrait: classification columns on customers; policy, timeline, satisfaction, churn risk

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
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_class", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("lifecycle_stage", sa.String(length=20), nullable=False,
                                      server_default="potential"))
        batch_op.add_column(sa.Column("lifecycle_stage_change_time", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("annual_contract_amount", sa.Numeric(precision=18, scale=2),
                                      nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("at_risk", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("risk_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("last_interaction_time", sa.DateTime(timezone=True),
                                      nullable=True))

    op.create_table(
        "customer_classification_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value_class_a_min", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("value_class_b_min", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("lost_after_inactive_days", sa.Integer(), nullable=False),
        sa.Column("churn_window_days", sa.Integer(), nullable=False),
        sa.Column("churn_interaction_drop_ratio", sa.Float(), nullable=False),
        sa.Column("churn_complaint_increase", sa.Integer(), nullable=False),
        sa.Column("enterprise_expected_fields", sa.JSON(), nullable=False),
        sa.Column("individual_expected_fields", sa.JSON(), nullable=False),
        sa.Column("completeness_target", sa.Integer(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_classification_policy")),
    )
    op.create_table(
        "customer_timeline_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source_service", sa.String(length=20), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("occur_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("complaint", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("source_event_id", sa.String(length=64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_timeline_entries")),
        sa.UniqueConstraint("source_event_id", name=op.f("uq_customer_timeline_entries_source_event_id")),
    )
    with op.batch_alter_table("customer_timeline_entries", schema=None) as batch_op:
        batch_op.create_index("ix_customer_timeline_entries_customer_id_occur_time_id",
                              ["customer_id", "occur_time", "id"], unique=False)

    op.create_table(
        "customer_satisfaction_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("dimension_scores", sa.JSON(), nullable=False),
        sa.Column("survey_id", sa.String(length=64), nullable=True),
        sa.Column("survey_answer_id", sa.String(length=64), nullable=True),
        sa.Column("ticket_id", sa.String(length=64), nullable=True),
        sa.Column("callback_result", sa.String(length=30), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("record_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_satisfaction_records")),
        sa.UniqueConstraint("source_event_id",
                            name=op.f("uq_customer_satisfaction_records_source_event_id")),
    )
    with op.batch_alter_table("customer_satisfaction_records", schema=None) as batch_op:
        batch_op.create_index("ix_customer_satisfaction_records_customer_id_record_time_id",
                              ["customer_id", "record_time", "id"], unique=False)

    op.create_table(
        "customer_churn_risks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("flag_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluate_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recent_interaction_count", sa.Integer(), nullable=False),
        sa.Column("previous_interaction_count", sa.Integer(), nullable=False),
        sa.Column("recent_complaint_count", sa.Integer(), nullable=False),
        sa.Column("previous_complaint_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_churn_risks")),
    )
    with op.batch_alter_table("customer_churn_risks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_churn_risks_customer_id"), ["customer_id"],
                              unique=False)

    op.create_table(
        "customer_open_work_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_open_work_items")),
        sa.UniqueConstraint("subject_type", "subject_id",
                            name=op.f("uq_customer_open_work_items_subject_type")),
    )
    with op.batch_alter_table("customer_open_work_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_open_work_items_customer_id"),
                              ["customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_open_work_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_open_work_items_customer_id"))
    op.drop_table("customer_open_work_items")
    with op.batch_alter_table("customer_churn_risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_churn_risks_customer_id"))
    op.drop_table("customer_churn_risks")
    with op.batch_alter_table("customer_satisfaction_records", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_satisfaction_records_customer_id_record_time_id")
    op.drop_table("customer_satisfaction_records")
    with op.batch_alter_table("customer_timeline_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_timeline_entries_customer_id_occur_time_id")
    op.drop_table("customer_timeline_entries")
    op.drop_table("customer_classification_policy")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("last_interaction_time")
        batch_op.drop_column("risk_reason")
        batch_op.drop_column("at_risk")
        batch_op.drop_column("annual_contract_amount")
        batch_op.drop_column("lifecycle_stage_change_time")
        batch_op.drop_column("lifecycle_stage")
        batch_op.drop_column("value_class")
