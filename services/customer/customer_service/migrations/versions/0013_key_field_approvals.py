"""key-field approvals (issue 18, seed 002 修订机制): the shared approval tables
(crm_shared.approvals.tables), the sealed proposed values of a held change, the department leads
(from identity events) who approve, and the comment of a revision decided by approval; seeded with
the default policy "a change to legal name, bank account or registration number needs the owner's
department lead"

The default is data an admin may change: it is frozen here as seeded, with a fixed id. 48 hours to
decide, a reminder 24 hours before, one escalation to the lead of the department above, then the
request expires (the customer keeps its values).

Revision ID: 0013
Revises: 0012
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

DEFAULT_POLICY_ID = "9c1d7e52-3a4b-4f60-8d2e-6b7a1c0f4e95"
DEFAULT_RULES = {
    "condition": {"conditions": [{"field": "changed_fields",
                                  "operator": "CONDITION_OPERATOR_CONTAINS_ANY",
                                  "values": ["enterprise.legal_name", "bank_account",
                                             "enterprise.registration_number"]}]},
    "steps": [{"approver": "APPROVER_KIND_DEPARTMENT_LEAD"}],
    "decisionPeriod": "172800s",
    "reminderBefore": "86400s",
    "escalateTo": {"approver": "APPROVER_KIND_PARENT_DEPARTMENT_LEAD"},
    "onTimeout": "APPROVAL_TIMEOUT_ACTION_EXPIRE",
}
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    policies = op.create_table(
        "approval_policies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=30), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", TIME, nullable=False),
        sa.Column("update_time", TIME, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_policies")),
        sa.UniqueConstraint("request_id", name=op.f("uq_approval_policies_request_id")),
    )
    op.create_index("ix_approval_policies_subject_priority", "approval_policies",
                    ["subject", "priority"])
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("subject_number", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("policy_id", sa.String(length=36), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("approver_ids", sa.JSON(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.Column("due_time", TIME, nullable=False),
        sa.Column("remind_time", TIME, nullable=True),
        sa.Column("requester_id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("department_path", sa.String(length=255), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("create_time", TIME, nullable=False),
        sa.Column("update_time", TIME, nullable=False),
        sa.Column("decide_time", TIME, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index("ix_approval_requests_create_time_id", "approval_requests",
                    ["create_time", "id"])
    op.create_index("ix_approval_requests_subject_id", "approval_requests", ["subject_id"])
    op.create_index("ix_approval_requests_requester_id", "approval_requests", ["requester_id"])
    op.create_index("ix_approval_requests_status_due_time", "approval_requests",
                    ["status", "due_time"])
    op.create_table(
        "approval_assignees",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("approver_id", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "approver_id", name=op.f("pk_approval_assignees")),
    )
    op.create_index("ix_approval_assignees_approver_id", "approval_assignees", ["approver_id"])
    op.create_table(
        "customer_proposed_changes",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("field_paths", sa.JSON(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_customer_proposed_changes")),
    )
    op.create_index(op.f("ix_customer_proposed_changes_customer_id"),
                    "customer_proposed_changes", ["customer_id"])
    op.create_table(
        "customer_department_leads",
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("parent_path", sa.String(length=255), nullable=True),
        sa.Column("lead_user_id", sa.String(length=64), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("update_time", TIME, nullable=False),
        sa.PrimaryKeyConstraint("path", name=op.f("pk_customer_department_leads")),
    )
    with op.batch_alter_table("customer_revisions") as batch:
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
    seeded = datetime(2026, 12, 8, tzinfo=UTC)
    op.bulk_insert(policies, [{
        "id": DEFAULT_POLICY_ID,
        "display_name": "修改法定名称、银行账号或注册号需客户负责人所在部门负责人审批",
        "subject": "customer_key_fields", "rules": DEFAULT_RULES, "enabled": True,
        "priority": 100, "version": 1, "create_time": seeded, "update_time": seeded,
        "created_by": "system", "updated_by": "system", "request_id": None}])


def downgrade() -> None:
    with op.batch_alter_table("customer_revisions") as batch:
        batch.drop_column("comment")
    op.drop_table("customer_department_leads")
    op.drop_table("customer_proposed_changes")
    op.drop_table("approval_assignees")
    op.drop_table("approval_requests")
    op.drop_table("approval_policies")
