"""default rules and templates for the sales leads' first-contact clock, and overdue follow-ups
reported to the team lead

Revision ID: 0005
Revises: 0004

``lead.first_contact_due`` reminds the lead's owner; ``lead.first_contact_overdue`` escalates to
the lead of the owner's department (DEPARTMENT_LEAD of ``department_path``);
``follow_up_task.overdue`` is reported to the team lead too, next to the owner the 0004 rule
tells (requirements §2: "an overdue task is flagged and reported to the team lead"). The
templates are stored ones (zh-CN and en, any channel). All of it is data, frozen here as it was
at this revision: edit it over the api (NotificationRule, MessageTemplate).
"""
import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("5a0e7d0c-4f1b-4c39-9a52-0b7f3f0b6a11")  # the one of 0004: ids never clash
EVENT_USER = "RECIPIENT_KIND_EVENT_USER"
LEAD = "RECIPIENT_KIND_DEPARTMENT_LEAD"
HIGH, URGENT = 3, 4


def _who(kind, path):
    return {"kind": kind, "field_path": path}


# (key, display name, event, template key, recipients, priority, subject type, subject id path)
RULES = [
    ("lead-first-contact-due", "First contact due: remind the lead's owner",
     "lead.first_contact_due", "lead_first_contact_due", [_who(EVENT_USER, "owner_id")], HIGH,
     "lead", "lead_id"),
    ("lead-first-contact-overdue", "First contact overdue: escalate to the team lead",
     "lead.first_contact_overdue", "lead_first_contact_overdue",
     [_who(LEAD, "department_path")], URGENT, "lead", "lead_id"),
    ("follow-up-overdue-team-lead", "Follow-up overdue: report it to the team lead",
     "follow_up_task.overdue", "follow_up_overdue_team_lead",
     [_who(LEAD, "task.department_path")], HIGH, "follow_up_task", "task.id"),
]

# key -> locale -> (subject, body)
TEMPLATES = {
    "lead_first_contact_due": {
        "zh-CN": ("线索 {{lead_number}} 待首次联系",
                  ("线索 {{lead_number}}（{{contact_name}}，{{company_name}}）需在 "
                  "{{first_contact_due_time}} 前完成首次联系。")),
        "en": ("Lead {{lead_number}}: first contact due",
               ("Lead {{lead_number}} ({{contact_name}}, {{company_name}}) must be contacted "
               "by {{first_contact_due_time}}.")),
    },
    "lead_first_contact_overdue": {
        "zh-CN": ("线索 {{lead_number}} 首次联系已超时",
                  ("线索 {{lead_number}}（{{contact_name}}，{{company_name}}）应于 "
                  "{{first_contact_due_time}} 前首次联系，负责人 {{owner_id}} 尚未联系。")),
        "en": ("Lead {{lead_number}}: first contact overdue",
               ("Lead {{lead_number}} ({{contact_name}}, {{company_name}}) was due for its first "
               "contact by {{first_contact_due_time}}; its owner {{owner_id}} has not contacted "
               "it yet.")),
    },
    "follow_up_overdue_team_lead": {
        "zh-CN": ("团队跟进逾期：{{task.title}}",
                  "{{task.owner_id}} 的跟进任务「{{task.title}}」已逾期 {{days_overdue}} 天。"),
        "en": ("Team follow-up overdue: {{task.title}}",
               ("The follow-up \"{{task.title}}\" of {{task.owner_id}} is {{days_overdue}} "
               "day(s) overdue.")),
    },
}

rules = sa.table(
    'notification_rules',
    sa.column('id', sa.String), sa.column('display_name', sa.String),
    sa.column('event_name', sa.String), sa.column('condition_json', sa.Text),
    sa.column('recipients_json', sa.Text), sa.column('category', sa.String),
    sa.column('template_key', sa.String), sa.column('priority', sa.Integer),
    sa.column('channels_json', sa.Text), sa.column('subject_type', sa.String),
    sa.column('subject_id_path', sa.String), sa.column('enabled', sa.Boolean),
    sa.column('create_time', sa.DateTime(timezone=True)),
    sa.column('update_time', sa.DateTime(timezone=True)),
    sa.column('created_by', sa.String), sa.column('updated_by', sa.String),
)
templates = sa.table(
    'message_templates',
    sa.column('id', sa.String), sa.column('key', sa.String), sa.column('channel', sa.Integer),
    sa.column('locale', sa.String), sa.column('subject', sa.String), sa.column('body', sa.Text),
    sa.column('description', sa.String), sa.column('active', sa.Boolean),
    sa.column('version', sa.Integer), sa.column('create_time', sa.DateTime(timezone=True)),
    sa.column('update_time', sa.DateTime(timezone=True)), sa.column('created_by', sa.String),
    sa.column('updated_by', sa.String),
)


def _template_ids():
    return [str(uuid.uuid5(NAMESPACE, f"template:{key}:{locale}"))
            for key, by_locale in TEMPLATES.items() for locale in by_locale]


def upgrade() -> None:
    # After the 0004 rules ("oldest rule first"), seconds apart in this list's order.
    start = datetime(2026, 1, 2, tzinfo=UTC)
    op.bulk_insert(rules, [
        {
            'id': str(uuid.uuid5(NAMESPACE, key)), 'display_name': name, 'event_name': event,
            'condition_json': json.dumps({}), 'recipients_json': json.dumps(who),
            'category': event, 'template_key': template, 'priority': priority,
            'channels_json': '[]', 'subject_type': subject_type, 'subject_id_path': subject_path,
            'enabled': True, 'create_time': start.replace(second=i),
            'update_time': start.replace(second=i), 'created_by': 'system', 'updated_by': 'system',
        }
        for i, (key, name, event, template, who, priority, subject_type, subject_path)
        in enumerate(RULES)
    ])
    op.bulk_insert(templates, [
        {
            'id': str(uuid.uuid5(NAMESPACE, f"template:{key}:{locale}")), 'key': key,
            'channel': 0, 'locale': locale, 'subject': subject, 'body': body,
            'description': 'shipped with the sales leads part', 'active': True, 'version': 1,
            'create_time': start, 'update_time': start, 'created_by': 'system',
            'updated_by': 'system',
        }
        for key, by_locale in TEMPLATES.items() for locale, (subject, body) in by_locale.items()
    ])


def downgrade() -> None:
    op.execute(templates.delete().where(templates.c.id.in_(_template_ids())))
    ids = [str(uuid.uuid5(NAMESPACE, rule[0])) for rule in RULES]
    op.execute(rules.delete().where(rules.c.id.in_(ids)))
