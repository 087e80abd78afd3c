import datetime

from crm.common.v1 import rules_pb2 as _rules_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ApprovalSubject(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_SUBJECT_UNSPECIFIED: _ClassVar[ApprovalSubject]
    APPROVAL_SUBJECT_QUOTE: _ClassVar[ApprovalSubject]
    APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS: _ClassVar[ApprovalSubject]

class ApproverKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVER_KIND_UNSPECIFIED: _ClassVar[ApproverKind]
    APPROVER_KIND_DEPARTMENT_LEAD: _ClassVar[ApproverKind]
    APPROVER_KIND_PARENT_DEPARTMENT_LEAD: _ClassVar[ApproverKind]
    APPROVER_KIND_ROLE: _ClassVar[ApproverKind]
    APPROVER_KIND_USERS: _ClassVar[ApproverKind]

class ApprovalTimeoutAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_TIMEOUT_ACTION_UNSPECIFIED: _ClassVar[ApprovalTimeoutAction]
    APPROVAL_TIMEOUT_ACTION_EXPIRE: _ClassVar[ApprovalTimeoutAction]

class ApprovalStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_STATUS_UNSPECIFIED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_PENDING: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_APPROVED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_REJECTED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_ESCALATED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_EXPIRED: _ClassVar[ApprovalStatus]

class ApprovalAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_ACTION_UNSPECIFIED: _ClassVar[ApprovalAction]
    APPROVAL_ACTION_REQUESTED: _ClassVar[ApprovalAction]
    APPROVAL_ACTION_APPROVED: _ClassVar[ApprovalAction]
    APPROVAL_ACTION_REJECTED: _ClassVar[ApprovalAction]
    APPROVAL_ACTION_REMINDED: _ClassVar[ApprovalAction]
    APPROVAL_ACTION_ESCALATED: _ClassVar[ApprovalAction]
    APPROVAL_ACTION_EXPIRED: _ClassVar[ApprovalAction]
APPROVAL_SUBJECT_UNSPECIFIED: ApprovalSubject
APPROVAL_SUBJECT_QUOTE: ApprovalSubject
APPROVAL_SUBJECT_CUSTOMER_KEY_FIELDS: ApprovalSubject
APPROVER_KIND_UNSPECIFIED: ApproverKind
APPROVER_KIND_DEPARTMENT_LEAD: ApproverKind
APPROVER_KIND_PARENT_DEPARTMENT_LEAD: ApproverKind
APPROVER_KIND_ROLE: ApproverKind
APPROVER_KIND_USERS: ApproverKind
APPROVAL_TIMEOUT_ACTION_UNSPECIFIED: ApprovalTimeoutAction
APPROVAL_TIMEOUT_ACTION_EXPIRE: ApprovalTimeoutAction
APPROVAL_STATUS_UNSPECIFIED: ApprovalStatus
APPROVAL_STATUS_PENDING: ApprovalStatus
APPROVAL_STATUS_APPROVED: ApprovalStatus
APPROVAL_STATUS_REJECTED: ApprovalStatus
APPROVAL_STATUS_ESCALATED: ApprovalStatus
APPROVAL_STATUS_EXPIRED: ApprovalStatus
APPROVAL_ACTION_UNSPECIFIED: ApprovalAction
APPROVAL_ACTION_REQUESTED: ApprovalAction
APPROVAL_ACTION_APPROVED: ApprovalAction
APPROVAL_ACTION_REJECTED: ApprovalAction
APPROVAL_ACTION_REMINDED: ApprovalAction
APPROVAL_ACTION_ESCALATED: ApprovalAction
APPROVAL_ACTION_EXPIRED: ApprovalAction

class ApprovalStep(_message.Message):
    __slots__ = ("approver", "role", "user_ids")
    APPROVER_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    approver: ApproverKind
    role: str
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, approver: _Optional[_Union[ApproverKind, str]] = ..., role: _Optional[str] = ..., user_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ApprovalPolicy(_message.Message):
    __slots__ = ("id", "display_name", "subject", "condition", "steps", "decision_period", "reminder_before", "escalate_to", "on_timeout", "enabled", "priority", "version", "update_time", "updated_by", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    DECISION_PERIOD_FIELD_NUMBER: _ClassVar[int]
    REMINDER_BEFORE_FIELD_NUMBER: _ClassVar[int]
    ESCALATE_TO_FIELD_NUMBER: _ClassVar[int]
    ON_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    subject: ApprovalSubject
    condition: _rules_pb2.ConditionGroup
    steps: _containers.RepeatedCompositeFieldContainer[ApprovalStep]
    decision_period: _duration_pb2.Duration
    reminder_before: _duration_pb2.Duration
    escalate_to: ApprovalStep
    on_timeout: ApprovalTimeoutAction
    enabled: bool
    priority: int
    version: int
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., subject: _Optional[_Union[ApprovalSubject, str]] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., steps: _Optional[_Iterable[_Union[ApprovalStep, _Mapping]]] = ..., decision_period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., reminder_before: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., escalate_to: _Optional[_Union[ApprovalStep, _Mapping]] = ..., on_timeout: _Optional[_Union[ApprovalTimeoutAction, str]] = ..., enabled: _Optional[bool] = ..., priority: _Optional[int] = ..., version: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ApprovalHistoryEntry(_message.Message):
    __slots__ = ("action", "actor_id", "comment", "event_time", "step", "approver_ids")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    APPROVER_IDS_FIELD_NUMBER: _ClassVar[int]
    action: ApprovalAction
    actor_id: str
    comment: str
    event_time: _timestamp_pb2.Timestamp
    step: int
    approver_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, action: _Optional[_Union[ApprovalAction, str]] = ..., actor_id: _Optional[str] = ..., comment: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., step: _Optional[int] = ..., approver_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ApprovalRequest(_message.Message):
    __slots__ = ("id", "subject", "subject_id", "subject_number", "reason", "policy_id", "policy_version", "status", "step", "approver_ids", "requester_id", "owner_id", "department_path", "due_time", "history", "create_time", "decide_time", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    APPROVER_IDS_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    subject: ApprovalSubject
    subject_id: str
    subject_number: str
    reason: str
    policy_id: str
    policy_version: int
    status: ApprovalStatus
    step: int
    approver_ids: _containers.RepeatedScalarFieldContainer[str]
    requester_id: str
    owner_id: str
    department_path: str
    due_time: _timestamp_pb2.Timestamp
    history: _containers.RepeatedCompositeFieldContainer[ApprovalHistoryEntry]
    create_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, id: _Optional[str] = ..., subject: _Optional[_Union[ApprovalSubject, str]] = ..., subject_id: _Optional[str] = ..., subject_number: _Optional[str] = ..., reason: _Optional[str] = ..., policy_id: _Optional[str] = ..., policy_version: _Optional[int] = ..., status: _Optional[_Union[ApprovalStatus, str]] = ..., step: _Optional[int] = ..., approver_ids: _Optional[_Iterable[str]] = ..., requester_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., history: _Optional[_Iterable[_Union[ApprovalHistoryEntry, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...
