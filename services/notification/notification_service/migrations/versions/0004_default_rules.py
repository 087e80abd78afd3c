"""default notification rules

Revision ID: 0004
Revises: 0003

The rules the suite ships with, so every flow tells someone out of the box. They are data:
edit, disable or add rules over the api (NotificationRule). Frozen here as they were at this
revision; selectors and conditions are the proto3 JSON of their messages.
"""
import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("5a0e7d0c-4f1b-4c39-9a52-0b7f3f0b6a11")

EVENT_USER = "RECIPIENT_KIND_EVENT_USER"
MEMBERS = "RECIPIENT_KIND_DEPARTMENT_MEMBERS"
LEAD = "RECIPIENT_KIND_DEPARTMENT_LEAD"
NORMAL, HIGH, URGENT = 2, 3, 4


def _who(kind, path):
    return {"kind": kind, "field_path": path}


def _when(field, operator):
    return {"conditions": [{"field": field, "operator": operator}]}


# (key, display name, event, template key, recipients, condition, priority, subject type,
#  subject id path). The category of each rule is its event name (`ticket.transferred`), the
# name users set preferences for.
RULES = [
    ("ticket-routed", "Routed: tell the department's members and lead", "ticket.routed",
     "ticket_routed", [_who(MEMBERS, "ticket.department_path"), _who(LEAD, "ticket.department_path")],
     {}, NORMAL, "ticket", "ticket.id"),
    ("ticket-transferred", "Transfer: tell the new department's lead and members", "ticket.transferred",
     "ticket_transferred", [_who(LEAD, "to_department_path"), _who(MEMBERS, "to_department_path")],
     {}, HIGH, "ticket", "ticket.id"),
    ("ticket-assigned", "Assigned: tell the assignee", "ticket.assigned",
     "ticket_assigned", [_who(EVENT_USER, "ticket.assignee_id")], {}, NORMAL, "ticket", "ticket.id"),
    ("sla-reminder-assignee", "Untouched: remind the assignee", "ticket.sla_reminder",
     "sla_reminder", [_who(EVENT_USER, "ticket.assignee_id")],
     _when("ticket.assignee_id", "CONDITION_OPERATOR_EXISTS"), HIGH, "ticket", "ticket.id"),
    ("sla-reminder-lead", "Untouched and unassigned: remind the department lead", "ticket.sla_reminder",
     "sla_reminder", [_who(LEAD, "ticket.department_path")],
     _when("ticket.assignee_id", "CONDITION_OPERATOR_NOT_EXISTS"), HIGH, "ticket", "ticket.id"),
    ("ticket-escalated", "Escalated: tell the one it was escalated to and the department lead",
     "ticket.escalated", "ticket_escalated",
     [_who(EVENT_USER, "escalated_to_user_id"), _who(LEAD, "ticket.department_path")],
     {}, URGENT, "ticket", "ticket.id"),
    ("sla-warning", "SLA warning: tell the assignee", "ticket.sla_warning",
     "sla_warning", [_who(EVENT_USER, "ticket.assignee_id")], {}, HIGH, "ticket", "ticket.id"),
    ("sla-breached", "SLA breached: tell the assignee and the department lead", "ticket.sla_breached",
     "sla_breached", [_who(EVENT_USER, "ticket.assignee_id"), _who(LEAD, "ticket.department_path")],
     {}, URGENT, "ticket", "ticket.id"),
    ("callback-created", "Call-back task: tell its assignee", "callback_task.created",
     "callback_due", [_who(EVENT_USER, "task.assignee_id")], {}, NORMAL, "callback_task", "task.id"),
    ("callback-overdue", "Call-back overdue: tell its assignee", "callback_task.overdue",
     "callback_overdue", [_who(EVENT_USER, "task.assignee_id")], {}, HIGH, "callback_task", "task.id"),
    ("lead-assigned", "Lead assigned: tell the rep", "lead.assigned",
     "lead_assigned", [_who(EVENT_USER, "current.owner_id")], {}, NORMAL, "lead", "lead_id"),
    ("manager-comment", "Comment: tell the owner of the commented activity", "activity.commented",
     "manager_comment", [_who(EVENT_USER, "comment.activity_owner_id")], {}, NORMAL,
     "activity", "comment.activity_id"),
    ("follow-up-due", "Follow-up due: tell its owner", "follow_up_task.due",
     "follow_up_due", [_who(EVENT_USER, "task.owner_id")], {}, NORMAL, "follow_up_task", "task.id"),
    ("follow-up-overdue", "Follow-up overdue: tell its owner", "follow_up_task.overdue",
     "follow_up_overdue", [_who(EVENT_USER, "task.owner_id")], {}, HIGH, "follow_up_task", "task.id"),
    ("contract-expiring", "Renewal due: tell the contract's owner", "contract.expiring",
     "renewal_due", [_who(EVENT_USER, "contract.owner_id")], {}, NORMAL, "contract", "contract.id"),
    ("payment-overdue", "Payment overdue: tell the contract's owner", "payment.overdue",
     "payment_overdue", [_who(EVENT_USER, "receivable.owner_id")], {}, HIGH, "contract",
     "receivable.contract_id"),
    ("customer-created", "New customer: tell its owner", "customer.created",
     "customer_created", [_who(EVENT_USER, "customer.owner_id")], {}, NORMAL, "customer", "customer.id"),
    ("customer-at-risk", "Customer at risk: tell its owner", "customer.at_risk",
     "customer_at_risk", [_who(EVENT_USER, "owner_id")], {}, HIGH, "customer", "customer_id"),
]

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


def upgrade() -> None:
    # Seconds apart, so "oldest rule first" follows this list.
    start = datetime(2026, 1, 1, tzinfo=UTC)
    op.bulk_insert(rules, [
        {
            'id': str(uuid.uuid5(NAMESPACE, key)), 'display_name': name, 'event_name': event,
            'condition_json': json.dumps(condition), 'recipients_json': json.dumps(who),
            'category': event, 'template_key': template, 'priority': priority,
            'channels_json': '[]', 'subject_type': subject_type, 'subject_id_path': subject_path,
            'enabled': True, 'create_time': start.replace(second=i),
            'update_time': start.replace(second=i), 'created_by': 'system', 'updated_by': 'system',
        }
        for i, (key, name, event, template, who, condition, priority, subject_type, subject_path)
        in enumerate(RULES)
    ])


def downgrade() -> None:
    ids = [str(uuid.uuid5(NAMESPACE, rule[0])) for rule in RULES]
    op.execute(rules.delete().where(rules.c.id.in_(ids)))
