"""attachments on follow-up records, quotes and contracts (issue 20)

The row describes the file; its bytes are in the attachment store under ``storage_key``.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("customer_id", sa.String(36), nullable=False),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("has_thumbnail", sa.Boolean(), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("create_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("request_id", name=op.f("uq_attachments_request_id")),
    )
    op.create_index("ix_attachments_customer_id", "attachments", ["customer_id"])
    op.create_index("ix_attachments_record_id", "attachments", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_attachments_record_id", table_name="attachments")
    op.drop_index("ix_attachments_customer_id", table_name="attachments")
    op.drop_table("attachments")
