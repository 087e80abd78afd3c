"""Approval rows (:mod:`.tables`) as ``crm.common.v1`` messages, and the history entries a
request accumulates."""

from __future__ import annotations

from datetime import datetime

from crm.common.v1 import approvals_pb2
from google.protobuf import json_format

from crm_shared.approvals import machine, policies
from crm_shared.timestamps import to_timestamp


def etag_of(row) -> str:
    return f'W/"{row.version}"'


def entry(
    action: int,
    actor_id: str,
    now: datetime,
    *,
    step: int,
    approver_ids: list[str] | tuple[str, ...],
    comment: str = "",
) -> dict:
    """One history entry as stored (the proto3 JSON of an ``ApprovalHistoryEntry``)."""
    return json_format.MessageToDict(
        approvals_pb2.ApprovalHistoryEntry(
            action=action,
            actor_id=actor_id,
            comment=comment,
            event_time=to_timestamp(now),
            step=step,
            approver_ids=list(approver_ids),
        )
    )


def request_to_proto(row) -> approvals_pb2.ApprovalRequest:
    return approvals_pb2.ApprovalRequest(
        id=row.id,
        subject=policies.subject_of(row.subject),
        subject_id=row.subject_id,
        subject_number=row.subject_number,
        reason=row.reason,
        policy_id=row.policy_id,
        policy_version=row.policy_version,
        status=machine.STATUSES[row.status],
        step=row.step,
        approver_ids=list(row.approver_ids),
        requester_id=row.requester_id,
        owner_id=row.owner_id,
        department_path=row.department_path,
        due_time=to_timestamp(row.due_time),
        history=[
            json_format.ParseDict(item, approvals_pb2.ApprovalHistoryEntry())
            for item in row.history
        ],
        create_time=to_timestamp(row.create_time),
        decide_time=to_timestamp(row.decide_time) if row.decide_time else None,
        etag=etag_of(row),
    )


def policy_to_proto(row) -> approvals_pb2.ApprovalPolicy:
    policy = policies.rules_of(row.rules)
    policy.id, policy.display_name = row.id, row.display_name
    policy.subject = policies.subject_of(row.subject)
    policy.enabled, policy.priority, policy.version = row.enabled, row.priority, row.version
    policy.update_time.CopyFrom(to_timestamp(row.update_time))
    policy.updated_by, policy.etag = row.updated_by, etag_of(row)
    return policy
