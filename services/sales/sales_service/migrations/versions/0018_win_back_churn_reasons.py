"""win-back visits to lost customers (issue 19, seed 004: 流失客户 3个月后二次回访,询问流失原因):
the churn reasons as data (seeded, admins edit them) and the reason a win-back visit recorded
on its follow-up record, with free text

Revision ID: 0018
Revises: 0017
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SEEDED = (
    ("price", "价格", "Price"),
    ("product_quality", "产品质量", "Product quality"),
    ("service_experience", "服务体验", "Service experience"),
    ("competitor", "被竞争对手替代", "Replaced by a competitor"),
    ("needs_changed", "需求变化", "Needs changed"),
    ("business_closed", "公司倒闭/合并", "Company closed or merged"),
    ("other", "其他", "Other"),
)


def upgrade() -> None:
    table = op.create_table(
        "churn_reasons",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_churn_reasons")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "position": (index + 1) * 10,
                "active": True,
                "update_time": now,
                "updated_by": "system",
            }
            for index, (code, name, name_en) in enumerate(SEEDED)
        ],
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("churn_reason", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("churn_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_activities_churn_reason"), ["churn_reason"])


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_churn_reason"))
        batch_op.drop_column("churn_note")
        batch_op.drop_column("churn_reason")
    op.drop_table("churn_reasons")
