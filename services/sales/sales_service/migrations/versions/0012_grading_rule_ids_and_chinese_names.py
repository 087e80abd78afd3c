"""a grade names the rule that gave it, and the seeded rules are named in Chinese (issue 13)

The grade's reason is an English sentence ("rule 'High intent and a clear need is A':
intent_level = …", amounts in fen) that the console showed on Chinese pages. A lead already
keeps its ``grade_rule_id``; a customer's estimated class now keeps
``prospect_class_rule_id`` too, so a page describes the rule in its reader's language. The
prospects graded before are marked stale: the worker's timer grades them again and fills it.

The seeded rules of 0003 and 0008 had English names in a Chinese-first product. They are data
an admin may have renamed since, so a seeded row (by its fixed uuid5 id) is renamed only while
its name is still the seeded English one; the downgrade puts back only names still ours.

Revision ID: 0012
Revises: 0011
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6c1f3a52-8e0b-4d7a-9c21-5b3e7f9d0a44")  # 0003's seeded ids
# (table, key, English name as seeded, Chinese name)
RENAMES = [
    ("lead_grading_rules", "grade-a", "High intent and a clear need is A",
     "意向高且需求明确为 A 类"),
    ("lead_grading_rules", "grade-b", "Some intent or a partly clear need is B",
     "有意向或需求部分明确为 B 类"),
    ("lead_grading_rules", "prospect-a", "Estimated 500,000 CNY or more is A",
     "预估合作金额 50 万元及以上为 A 类"),
    ("lead_grading_rules", "prospect-b", "Estimated 100,000 CNY or more is B",
     "预估合作金额 10 万元及以上为 B 类"),
    ("lead_grading_rules", "prospect-c", "Any estimated value below that is C",
     "其余有预估合作金额的为 C 类"),
    ("lead_assignment_rules", "assign-a", "A leads to senior reps of /hq/sales, round robin",
     "A 类线索分给 /hq/sales 的资深销售，轮流分配"),
    ("lead_assignment_rules", "assign-bc", "B and C leads to all reps of /hq/sales, round robin",
     "B、C 类线索分给 /hq/sales 的全部销售，轮流分配"),
]


def _rename(forward: bool) -> None:
    for table_name, key, english, chinese in RENAMES:
        table = sa.table(table_name, sa.column("id"), sa.column("display_name"))
        old, new = (english, chinese) if forward else (chinese, english)
        op.execute(
            table.update()
            .where(table.c.id == str(uuid.uuid5(NAMESPACE, key)), table.c.display_name == old)
            .values(display_name=new)
        )


def upgrade() -> None:
    op.add_column(
        "sales_customer_facts", sa.Column("prospect_class_rule_id", sa.String(36), nullable=True)
    )
    facts = sa.table(
        "sales_customer_facts",
        sa.column("prospect_class"),
        sa.column("prospect_stale_time", sa.DateTime(timezone=True)),
    )
    op.execute(
        facts.update()
        .where(facts.c.prospect_class.is_not(None))
        .values(prospect_stale_time=datetime.now(UTC))
    )
    _rename(forward=True)


def downgrade() -> None:
    _rename(forward=False)
    with op.batch_alter_table("sales_customer_facts") as batch:
        batch.drop_column("prospect_class_rule_id")
