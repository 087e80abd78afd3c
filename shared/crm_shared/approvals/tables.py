"""The columns of a service's approval tables. Each service that needs approvals declares three
tables on its own metadata with these mixins (``approval_policies``, ``approval_requests``,
``approval_assignees``) and creates them in its own migration: a service's database holds its
records and the approvals that hold them, and a record and its request change in one
transaction with their events (outbox).

Both the policy and the request carry ``version`` as the mapper's version counter (the service
sets ``__mapper_args__``): it is the policy's version, raised by every change, and it refuses a
request decided twice at the same moment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_shared.db import UtcDateTime


class ApprovalPolicyColumns:
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(30))
    rules: Mapped[dict] = mapped_column(JSON)
    """:func:`crm_shared.approvals.policies.rules_document`."""
    enabled: Mapped[bool] = mapped_column(Boolean)
    priority: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class ApprovalRequestColumns:
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(36))
    subject_number: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(1000))
    policy_id: Mapped[str] = mapped_column(String(36))
    policy_version: Mapped[int] = mapped_column(Integer)
    rules: Mapped[dict] = mapped_column(JSON)
    """The policy's rules as they were when it judged the record."""
    status: Mapped[str] = mapped_column(String(20))
    step: Mapped[int] = mapped_column(Integer)
    approver_ids: Mapped[list] = mapped_column(JSON)
    escalated: Mapped[bool] = mapped_column(Boolean)
    reminded: Mapped[bool] = mapped_column(Boolean)
    """Whether the current step's approvers were reminded."""
    due_time: Mapped[datetime] = mapped_column(UtcDateTime)
    remind_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    requester_id: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[str] = mapped_column(String(64))
    department_path: Mapped[str] = mapped_column(String(255))
    history: Mapped[list] = mapped_column(JSON)
    create_time: Mapped[datetime] = mapped_column(UtcDateTime)
    update_time: Mapped[datetime] = mapped_column(UtcDateTime)
    decide_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)


class ApprovalAssigneeColumns:
    """Who may decide an open request now, one row per approver id (the inbox's index);
    replaced when the step changes, emptied when the request is decided."""

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    approver_id: Mapped[str] = mapped_column(String(80), primary_key=True)
