"""default rules and templates for key-field approvals of customers (issue 18): the same rules as
the quote approvals of 0008, on the customer service's events of the same shapes

``customer.approval_requested`` and ``customer.approval_reminder_due`` tell the request's current
approvers; ``customer.approval_escalated`` tells the new approvers and the requester;
``customer.approval_decided`` tells the requester, one rule per outcome (approved: the change is
applied; rejected or expired: the customer keeps its values). Data, frozen here as it was at this
revision: edit it over the api (NotificationRule, MessageTemplate).

Revision ID: 0009
Revises: 0008
"""
import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("5a0e7d0c-4f1b-4c39-9a52-0b7f3f0b6a11")  # the one of 0004: ids never clash
EVENT_USER = "RECIPIENT_KIND_EVENT_USER"
NORMAL, HIGH = 2, 3
APPROVERS = {"kind": EVENT_USER, "field_path": "approval_request.approver_ids"}
REQUESTER = {"kind": EVENT_USER, "field_path": "approval_request.requester_id"}


def _status(word):
    return {"conditions": [{"field": "approval_request.status",
                            "operator": "CONDITION_OPERATOR_EQUALS",
                            "values": [f"APPROVAL_STATUS_{word}"]}]}


# (key, display name, event, template key, recipients, condition, priority)
RULES = [
    ("customer-approval-requested", "Customer change waits: tell the approvers",
     "customer.approval_requested", "customer_approval_requested", [APPROVERS], {}, HIGH),
    ("customer-approval-reminder", "Customer change due soon: remind the approvers",
     "customer.approval_reminder_due", "customer_approval_reminder", [APPROVERS], {}, HIGH),
    ("customer-approval-escalated",
     "Customer change escalated: tell the new approvers and the requester",
     "customer.approval_escalated", "customer_approval_escalated", [APPROVERS, REQUESTER], {},
     HIGH),
    ("customer-approval-approved", "Customer change approved: tell the requester",
     "customer.approval_decided", "customer_approval_approved", [REQUESTER], _status("APPROVED"),
     NORMAL),
    ("customer-approval-rejected", "Customer change rejected: tell the requester",
     "customer.approval_decided", "customer_approval_rejected", [REQUESTER], _status("REJECTED"),
     HIGH),
    ("customer-approval-expired", "Customer change expired: tell the requester",
     "customer.approval_decided", "customer_approval_expired", [REQUESTER], _status("EXPIRED"),
     HIGH),
]

# key -> locale -> (subject, body)
TEMPLATES = {
    "customer_approval_requested": {
        "zh-CN": ("待审批：客户 {{approval_request.subject_number}} 关键资料修改",
                  ("{{approval_request.requester_id}} 提交的客户 {{approval_request.subject_number}}"
                   " 关键资料修改需要您审批（{{approval_request.reason}}），请在"
                   " {{approval_request.due_time}} 前处理。")),
        "en": ("Approval needed: key fields of customer {{approval_request.subject_number}}",
               ("A change to key fields of customer {{approval_request.subject_number}} by "
                "{{approval_request.requester_id}} needs your approval "
                "({{approval_request.reason}}); please decide by {{approval_request.due_time}}.")),
    },
    "customer_approval_reminder": {
        "zh-CN": ("审批即将超时：客户 {{approval_request.subject_number}} 关键资料修改",
                  ("客户 {{approval_request.subject_number}} 的关键资料修改仍在等待您审批，截止时间 "
                   "{{approval_request.due_time}}，逾期将升级处理。")),
        "en": ("Approval due soon: key fields of customer {{approval_request.subject_number}}",
               ("The change to customer {{approval_request.subject_number}} still waits for your "
                "decision; it is escalated after {{approval_request.due_time}}.")),
    },
    "customer_approval_escalated": {
        "zh-CN": ("审批已升级：客户 {{approval_request.subject_number}} 关键资料修改",
                  ("客户 {{approval_request.subject_number}} 的关键资料修改未在期限内审批，已升级，请在 "
                   "{{approval_request.due_time}} 前处理。")),
        "en": ("Approval escalated: key fields of customer {{approval_request.subject_number}}",
               ("The change to customer {{approval_request.subject_number}} was not decided in "
                "time and was escalated; it is due by {{approval_request.due_time}}.")),
    },
    "customer_approval_approved": {
        "zh-CN": ("审批通过：客户 {{approval_request.subject_number}} 关键资料修改",
                  "客户 {{approval_request.subject_number}} 的关键资料修改已审批通过并生效。"),
        "en": ("Approved: key fields of customer {{approval_request.subject_number}}",
               ("The change to customer {{approval_request.subject_number}} was approved and "
                "applied.")),
    },
    "customer_approval_rejected": {
        "zh-CN": ("审批驳回：客户 {{approval_request.subject_number}} 关键资料修改",
                  ("客户 {{approval_request.subject_number}} 的关键资料修改被驳回，原资料保持不变；"
                   "驳回意见见客户修订记录。")),
        "en": ("Rejected: key fields of customer {{approval_request.subject_number}}",
               ("The change to customer {{approval_request.subject_number}} was rejected; the "
                "customer keeps its values (the reason is in its revision history).")),
    },
    "customer_approval_expired": {
        "zh-CN": ("审批已过期：客户 {{approval_request.subject_number}} 关键资料修改",
                  "客户 {{approval_request.subject_number}} 的关键资料修改未在期限内审批，原资料保持不变。"),
        "en": ("Approval expired: key fields of customer {{approval_request.subject_number}}",
               ("The change to customer {{approval_request.subject_number}} was not decided in "
                "time; the customer keeps its values.")),
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
    start = datetime(2026, 12, 8, 1, tzinfo=UTC)
    op.bulk_insert(rules, [
        {
            'id': str(uuid.uuid5(NAMESPACE, key)), 'display_name': name, 'event_name': event,
            'condition_json': json.dumps(condition), 'recipients_json': json.dumps(who),
            'category': event, 'template_key': template, 'priority': priority,
            'channels_json': '[]', 'subject_type': 'approval_request',
            'subject_id_path': 'approval_request.id', 'enabled': True,
            'create_time': start.replace(second=i), 'update_time': start.replace(second=i),
            'created_by': 'system', 'updated_by': 'system',
        }
        for i, (key, name, event, template, who, condition, priority) in enumerate(RULES)
    ])
    op.bulk_insert(templates, [
        {
            'id': str(uuid.uuid5(NAMESPACE, f"template:{key}:{locale}")), 'key': key,
            'channel': 0, 'locale': locale, 'subject': subject, 'body': body,
            'description': 'shipped with customer key-field approvals', 'active': True,
            'version': 1, 'create_time': start, 'update_time': start, 'created_by': 'system',
            'updated_by': 'system',
        }
        for key, by_locale in TEMPLATES.items() for locale, (subject, body) in by_locale.items()
    ])


def downgrade() -> None:
    op.execute(templates.delete().where(templates.c.id.in_(_template_ids())))
    ids = [str(uuid.uuid5(NAMESPACE, rule[0])) for rule in RULES]
    op.execute(rules.delete().where(rules.c.id.in_(ids)))
