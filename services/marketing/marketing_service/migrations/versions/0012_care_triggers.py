"""seeded care-occasion triggers, off until a marketer enables them (issue 19)

Revision ID: 0012
Revises: 0011

Three ready-made triggers for the care occasions of seed 001 (节日关怀, 生日, 合作纪念日): a
festival greeting 3 days before a festival's first day off, a greeting on the cooperation
anniversary, and a task for the owner 3 days before a contact's (or an individual customer's)
birthday. Off: a greeting to every customer with marketing consent is a marketer's decision,
like the seeded renewal offer. The ids are derived from their keys, as in revision 0005.
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SEED_TIME = datetime(2026, 12, 8, tzinfo=UTC)


def _id(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"crm-marketing-trigger/{key}"))


def _trigger(key, name, kind, action, *, offset_days):
    return {
        "id": _id(key),
        "display_name": name,
        "kind": kind,
        "enabled": False,
        "offset_days": offset_days,
        "milestones": [],
        "segment_id": None,
        "condition": {},
        "action": action,
        "fire_count": 0,
        "last_fire_time": None,
        "request_id": None,
        "version": 1,
        "created_by": "system",
        "updated_by": "system",
        "create_time": SEED_TIME,
        "update_time": SEED_TIME,
        "department_path": "",
        "audience_scope": "all",
    }


CARE_TRIGGERS = [
    _trigger(
        "festival-greeting",
        "节前 3 天节日祝福 Festival greeting 3 days before",
        "festival",
        {"kind": "send_message", "channel": "email", "template_key": "festival_greeting"},
        offset_days=3,
    ),
    _trigger(
        "anniversary-greeting",
        "合作纪念日祝福 Cooperation anniversary greeting",
        "cooperation_anniversary",
        {"kind": "send_message", "channel": "email", "template_key": "anniversary_greeting"},
        offset_days=0,
    ),
    _trigger(
        "contact-birthday-task",
        "联系人生日：提醒负责人致意 Birthday: the owner sends greetings",
        "birthday",
        {"kind": "create_task"},
        offset_days=3,
    ),
]


def upgrade() -> None:
    types = {
        "milestones": sa.JSON(),
        "condition": sa.JSON(),
        "action": sa.JSON(),
        "create_time": sa.DateTime(timezone=True),
        "update_time": sa.DateTime(timezone=True),
        "last_fire_time": sa.DateTime(timezone=True),
    }
    table = sa.table(
        "triggers", *(sa.column(column, types.get(column)) for column in CARE_TRIGGERS[0])
    )
    op.bulk_insert(table, CARE_TRIGGERS)


def downgrade() -> None:
    ids = ", ".join(f"'{row['id']}'" for row in CARE_TRIGGERS)
    op.execute(f"DELETE FROM triggers WHERE id IN ({ids})")
