"""personal data: encrypted fields, access log, consents, erasure requests, imports

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_personal_data",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("field_path", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "customer_id", "field_path", name=op.f("pk_customer_personal_data")
        ),
    )
    op.create_table(
        "customer_access_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_roles", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("field_paths", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("trace_id", sa.String(length=64), nullable=False),
        sa.Column("access_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_access_log")),
    )
    with op.batch_alter_table("customer_access_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_access_log_access_time_id", ["access_time", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_access_log_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            "ix_customer_access_log_customer_id_access_time",
            ["customer_id", "access_time"],
            unique=False,
        )

    op.create_table(
        "customer_consents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("grant_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdraw_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_consents")),
        sa.UniqueConstraint(
            "customer_id", "purpose", name=op.f("uq_customer_consents_customer_id")
        ),
    )
    op.create_table(
        "customer_consent_changes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("consent_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("change_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_consent_changes")),
        sa.UniqueConstraint("request_id", name=op.f("uq_customer_consent_changes_request_id")),
    )
    with op.batch_alter_table("customer_consent_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_consent_changes_consent_id_seq", ["consent_id", "seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_consent_changes_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "customer_erasure_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("request_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_erasure_requests")),
        sa.UniqueConstraint("request_id", name=op.f("uq_customer_erasure_requests_request_id")),
    )
    with op.batch_alter_table("customer_erasure_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_erasure_requests_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_customer_erasure_requests_request_time_id", ["request_time", "id"], unique=False
        )

    op.create_table(
        "customer_erasure_services",
        sa.Column("erasure_id", sa.String(length=36), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("complete_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_record_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("erasure_id", "service", name=op.f("pk_customer_erasure_services")),
    )
    op.create_table(
        "customer_imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("validate_only", sa.Boolean(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("imported_rows", sa.Integer(), nullable=False),
        sa.Column("failed_rows", sa.Integer(), nullable=False),
        sa.Column("skipped_rows", sa.Integer(), nullable=False),
        sa.Column("row_results", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_imports")),
        sa.UniqueConstraint("request_id", name=op.f("uq_customer_imports_request_id")),
    )
    with op.batch_alter_table("customer_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_imports_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            "ix_customer_imports_create_time_id", ["create_time", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("customer_imports")
    op.drop_table("customer_erasure_services")
    op.drop_table("customer_erasure_requests")
    op.drop_table("customer_consent_changes")
    op.drop_table("customer_consents")
    op.drop_table("customer_access_log")
    op.drop_table("customer_personal_data")
