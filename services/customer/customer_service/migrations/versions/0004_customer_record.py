"""customer record: profile fields, contacts, tags and tag rules, revisions, duplicates,
merges, handovers, external ids

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CUSTOMER_COLUMNS = [
    "source",
    "source_detail",
    "first_contact_date",
    "needs",
    "address",
    "wechat_id",
    "bank_name",
    "primary_contact_id",
    "source_lead_id",
    "source_campaign_id",
    "legal_name",
    "industry",
    "staff_count",
    "annual_revenue_minor",
    "annual_revenue_currency",
    "registration_number",
    "website",
    "gender",
    "age",
    "birth_date",
    "occupation",
    "completeness_score",
    "missing_fields",
    "state",
    "merged_into_customer_id",
    "updated_by",
    "version",
]


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("source_detail", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("first_contact_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("needs", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("wechat_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("bank_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("primary_contact_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("source_lead_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("source_campaign_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("legal_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("industry", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("staff_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("annual_revenue_minor", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("annual_revenue_currency", sa.String(length=3), nullable=True)
        )
        batch_op.add_column(sa.Column("registration_number", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("website", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("gender", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("occupation", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("completeness_score", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("missing_fields", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=10), server_default="active", nullable=False)
        )
        batch_op.add_column(
            sa.Column("merged_into_customer_id", sa.String(length=36), nullable=True)
        )
        batch_op.add_column(sa.Column("updated_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index(batch_op.f("ix_customers_industry"), ["industry"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("wechat_id", sa.String(length=100), nullable=True),
        sa.Column("decision_role", sa.String(length=20), nullable=False),
        sa.Column("reports_to_contact_id", sa.String(length=36), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("request_id", name=op.f("uq_contacts_request_id")),
    )
    op.create_index(op.f("ix_contacts_customer_id"), "contacts", ["customer_id"], unique=False)
    op.create_index(op.f("ix_contacts_phone"), "contacts", ["phone"], unique=False)
    op.create_table(
        "customer_external_ids",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("system", sa.String(length=50), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "system", name=op.f("pk_customer_external_ids")),
        sa.UniqueConstraint("system", "external_id", name=op.f("uq_customer_external_ids_system")),
    )
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("surviving_customer_id", sa.String(length=36), nullable=False),
        sa.Column("merged_customer_ids", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("merge_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_contact_count", sa.Integer(), nullable=False),
        sa.Column("moved_tag_count", sa.Integer(), nullable=False),
        sa.Column("moved_timeline_entry_count", sa.Integer(), nullable=False),
        sa.Column("overridden_fields", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merges")),
        sa.UniqueConstraint("request_id", name=op.f("uq_customer_merges_request_id")),
    )
    op.create_index(
        op.f("ix_customer_merges_surviving_customer_id"),
        "customer_merges",
        ["surviving_customer_id"],
        unique=False,
    )
    op.create_table(
        "customer_revisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("field_path", sa.String(length=100), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("change_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_source", sa.String(length=20), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_revisions")),
    )
    op.create_index(
        "ix_customer_revisions_customer_id_change_time",
        "customer_revisions",
        ["customer_id", "change_time"],
        unique=False,
    )
    op.create_table(
        "customer_tags",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("tag_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("rule_id", sa.String(length=36), nullable=True),
        sa.Column("applied_by", sa.String(length=64), nullable=True),
        sa.Column("apply_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "tag_id", name=op.f("pk_customer_tags")),
    )
    op.create_index("ix_customer_tags_tag_id", "customer_tags", ["tag_id"], unique=False)
    op.create_table(
        "duplicate_candidates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("first_customer_id", sa.String(length=36), nullable=False),
        sa.Column("second_customer_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("detect_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed_by", sa.String(length=64), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidates")),
        sa.UniqueConstraint(
            "first_customer_id",
            "second_customer_id",
            name=op.f("uq_duplicate_candidates_first_customer_id"),
        ),
    )
    op.create_index(
        "ix_duplicate_candidates_second_customer_id",
        "duplicate_candidates",
        ["second_customer_id"],
        unique=False,
    )
    op.create_table(
        "handovers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("from_user_id", sa.String(length=64), nullable=False),
        sa.Column("to_user_id", sa.String(length=64), nullable=False),
        sa.Column("to_department_path", sa.String(length=255), nullable=False),
        sa.Column("customer_ids", sa.Text(), nullable=False),
        sa.Column("customer_count", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
        sa.UniqueConstraint("request_id", name=op.f("uq_handovers_request_id")),
    )
    op.create_index(op.f("ix_handovers_from_user_id"), "handovers", ["from_user_id"], unique=False)
    op.create_index(op.f("ix_handovers_to_user_id"), "handovers", ["to_user_id"], unique=False)
    op.create_table(
        "tag_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tag_id", sa.String(length=36), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("remove_when_unmatched", sa.Boolean(), nullable=False),
        sa.Column("match_count", sa.BigInteger(), nullable=False),
        sa.Column("evaluate_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_rules")),
        sa.UniqueConstraint("request_id", name=op.f("uq_tag_rules_request_id")),
    )
    op.create_index(op.f("ix_tag_rules_tag_id"), "tag_rules", ["tag_id"], unique=False)
    op.create_table(
        "tags",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("system", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("dimension", "name", name=op.f("uq_tags_dimension")),
        sa.UniqueConstraint("request_id", name=op.f("uq_tags_request_id")),
    )


def downgrade() -> None:
    op.drop_table("tags")
    op.drop_table("tag_rules")
    op.drop_table("handovers")
    op.drop_table("duplicate_candidates")
    op.drop_table("customer_tags")
    op.drop_table("customer_revisions")
    op.drop_table("customer_merges")
    op.drop_table("customer_external_ids")
    op.drop_table("contacts")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_industry"))
        for column in reversed(CUSTOMER_COLUMNS):
            batch_op.drop_column(column)
