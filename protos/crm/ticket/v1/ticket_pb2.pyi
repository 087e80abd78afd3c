import datetime

from crm.common.v1 import attachments_pb2 as _attachments_pb2
from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import privacy_pb2 as _privacy_pb2
from crm.common.v1 import reporting_pb2 as _reporting_pb2
from crm.common.v1 import rules_pb2 as _rules_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import dayofweek_pb2 as _dayofweek_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TicketType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_TYPE_UNSPECIFIED: _ClassVar[TicketType]
    TICKET_TYPE_CONSULTATION: _ClassVar[TicketType]
    TICKET_TYPE_COMPLAINT: _ClassVar[TicketType]
    TICKET_TYPE_DEMAND: _ClassVar[TicketType]
    TICKET_TYPE_FAULT: _ClassVar[TicketType]

class TicketPriority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_PRIORITY_UNSPECIFIED: _ClassVar[TicketPriority]
    TICKET_PRIORITY_URGENT: _ClassVar[TicketPriority]
    TICKET_PRIORITY_HIGH: _ClassVar[TicketPriority]
    TICKET_PRIORITY_NORMAL: _ClassVar[TicketPriority]
    TICKET_PRIORITY_LOW: _ClassVar[TicketPriority]

class TicketState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_STATE_UNSPECIFIED: _ClassVar[TicketState]
    TICKET_STATE_NEW: _ClassVar[TicketState]
    TICKET_STATE_ROUTED: _ClassVar[TicketState]
    TICKET_STATE_IN_PROGRESS: _ClassVar[TicketState]
    TICKET_STATE_WAITING_ON_CUSTOMER: _ClassVar[TicketState]
    TICKET_STATE_RESOLVED: _ClassVar[TicketState]
    TICKET_STATE_CONFIRMED: _ClassVar[TicketState]
    TICKET_STATE_CLOSED: _ClassVar[TicketState]

class TicketChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_CHANNEL_UNSPECIFIED: _ClassVar[TicketChannel]
    TICKET_CHANNEL_PHONE: _ClassVar[TicketChannel]
    TICKET_CHANNEL_EMAIL: _ClassVar[TicketChannel]
    TICKET_CHANNEL_WEB: _ClassVar[TicketChannel]
    TICKET_CHANNEL_WECHAT: _ClassVar[TicketChannel]
    TICKET_CHANNEL_IN_APP: _ClassVar[TicketChannel]
    TICKET_CHANNEL_WALK_IN: _ClassVar[TicketChannel]
    TICKET_CHANNEL_API: _ClassVar[TicketChannel]

class TicketHistoryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_HISTORY_KIND_UNSPECIFIED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_CREATED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_STATE_CHANGED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_ROUTED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_TRANSFERRED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_ASSIGNED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_PRIORITY_CHANGED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_SLA_REMINDER: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_SLA_WARNING: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_SLA_BREACHED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_ESCALATED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_UPDATED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_COMMENTED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_SERVICE_RECORDED: _ClassVar[TicketHistoryKind]
    TICKET_HISTORY_KIND_CALLBACK_COMPLETED: _ClassVar[TicketHistoryKind]

class RoutingKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUTING_KIND_UNSPECIFIED: _ClassVar[RoutingKind]
    ROUTING_KIND_INITIAL: _ClassVar[RoutingKind]
    ROUTING_KIND_REROUTE: _ClassVar[RoutingKind]
    ROUTING_KIND_MANUAL: _ClassVar[RoutingKind]
    ROUTING_KIND_TRANSFER: _ClassVar[RoutingKind]
    ROUTING_KIND_REASSIGN: _ClassVar[RoutingKind]

class AgentSelection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGENT_SELECTION_UNSPECIFIED: _ClassVar[AgentSelection]
    AGENT_SELECTION_LEAST_LOADED: _ClassVar[AgentSelection]
    AGENT_SELECTION_SKILL_MATCH: _ClassVar[AgentSelection]
    AGENT_SELECTION_QUEUE_ONLY: _ClassVar[AgentSelection]

class CallbackTaskState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALLBACK_TASK_STATE_UNSPECIFIED: _ClassVar[CallbackTaskState]
    CALLBACK_TASK_STATE_OPEN: _ClassVar[CallbackTaskState]
    CALLBACK_TASK_STATE_OVERDUE: _ClassVar[CallbackTaskState]
    CALLBACK_TASK_STATE_DONE: _ClassVar[CallbackTaskState]
    CALLBACK_TASK_STATE_CANCELLED: _ClassVar[CallbackTaskState]

class CallbackResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALLBACK_RESULT_UNSPECIFIED: _ClassVar[CallbackResult]
    CALLBACK_RESULT_RESOLVED: _ClassVar[CallbackResult]
    CALLBACK_RESULT_SATISFIED: _ClassVar[CallbackResult]
    CALLBACK_RESULT_NEEDS_FOLLOW_UP: _ClassVar[CallbackResult]

class CommentVisibility(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMMENT_VISIBILITY_UNSPECIFIED: _ClassVar[CommentVisibility]
    COMMENT_VISIBILITY_INTERNAL: _ClassVar[CommentVisibility]
    COMMENT_VISIBILITY_PUBLIC: _ClassVar[CommentVisibility]

class KnowledgeArticleKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KNOWLEDGE_ARTICLE_KIND_UNSPECIFIED: _ClassVar[KnowledgeArticleKind]
    KNOWLEDGE_ARTICLE_KIND_SOLVED_CASE: _ClassVar[KnowledgeArticleKind]
    KNOWLEDGE_ARTICLE_KIND_REPLY_TEMPLATE: _ClassVar[KnowledgeArticleKind]
    KNOWLEDGE_ARTICLE_KIND_FAQ: _ClassVar[KnowledgeArticleKind]

class KnowledgeArticleState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KNOWLEDGE_ARTICLE_STATE_UNSPECIFIED: _ClassVar[KnowledgeArticleState]
    KNOWLEDGE_ARTICLE_STATE_DRAFT: _ClassVar[KnowledgeArticleState]
    KNOWLEDGE_ARTICLE_STATE_PUBLISHED: _ClassVar[KnowledgeArticleState]
    KNOWLEDGE_ARTICLE_STATE_ARCHIVED: _ClassVar[KnowledgeArticleState]

class SlaTarget(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SLA_TARGET_UNSPECIFIED: _ClassVar[SlaTarget]
    SLA_TARGET_FIRST_RESPONSE: _ClassVar[SlaTarget]
    SLA_TARGET_RESOLUTION: _ClassVar[SlaTarget]

class TicketView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_VIEW_UNSPECIFIED: _ClassVar[TicketView]
    TICKET_VIEW_BASIC: _ClassVar[TicketView]
    TICKET_VIEW_FULL: _ClassVar[TicketView]
TICKET_TYPE_UNSPECIFIED: TicketType
TICKET_TYPE_CONSULTATION: TicketType
TICKET_TYPE_COMPLAINT: TicketType
TICKET_TYPE_DEMAND: TicketType
TICKET_TYPE_FAULT: TicketType
TICKET_PRIORITY_UNSPECIFIED: TicketPriority
TICKET_PRIORITY_URGENT: TicketPriority
TICKET_PRIORITY_HIGH: TicketPriority
TICKET_PRIORITY_NORMAL: TicketPriority
TICKET_PRIORITY_LOW: TicketPriority
TICKET_STATE_UNSPECIFIED: TicketState
TICKET_STATE_NEW: TicketState
TICKET_STATE_ROUTED: TicketState
TICKET_STATE_IN_PROGRESS: TicketState
TICKET_STATE_WAITING_ON_CUSTOMER: TicketState
TICKET_STATE_RESOLVED: TicketState
TICKET_STATE_CONFIRMED: TicketState
TICKET_STATE_CLOSED: TicketState
TICKET_CHANNEL_UNSPECIFIED: TicketChannel
TICKET_CHANNEL_PHONE: TicketChannel
TICKET_CHANNEL_EMAIL: TicketChannel
TICKET_CHANNEL_WEB: TicketChannel
TICKET_CHANNEL_WECHAT: TicketChannel
TICKET_CHANNEL_IN_APP: TicketChannel
TICKET_CHANNEL_WALK_IN: TicketChannel
TICKET_CHANNEL_API: TicketChannel
TICKET_HISTORY_KIND_UNSPECIFIED: TicketHistoryKind
TICKET_HISTORY_KIND_CREATED: TicketHistoryKind
TICKET_HISTORY_KIND_STATE_CHANGED: TicketHistoryKind
TICKET_HISTORY_KIND_ROUTED: TicketHistoryKind
TICKET_HISTORY_KIND_TRANSFERRED: TicketHistoryKind
TICKET_HISTORY_KIND_ASSIGNED: TicketHistoryKind
TICKET_HISTORY_KIND_PRIORITY_CHANGED: TicketHistoryKind
TICKET_HISTORY_KIND_SLA_REMINDER: TicketHistoryKind
TICKET_HISTORY_KIND_SLA_WARNING: TicketHistoryKind
TICKET_HISTORY_KIND_SLA_BREACHED: TicketHistoryKind
TICKET_HISTORY_KIND_ESCALATED: TicketHistoryKind
TICKET_HISTORY_KIND_UPDATED: TicketHistoryKind
TICKET_HISTORY_KIND_COMMENTED: TicketHistoryKind
TICKET_HISTORY_KIND_SERVICE_RECORDED: TicketHistoryKind
TICKET_HISTORY_KIND_CALLBACK_COMPLETED: TicketHistoryKind
ROUTING_KIND_UNSPECIFIED: RoutingKind
ROUTING_KIND_INITIAL: RoutingKind
ROUTING_KIND_REROUTE: RoutingKind
ROUTING_KIND_MANUAL: RoutingKind
ROUTING_KIND_TRANSFER: RoutingKind
ROUTING_KIND_REASSIGN: RoutingKind
AGENT_SELECTION_UNSPECIFIED: AgentSelection
AGENT_SELECTION_LEAST_LOADED: AgentSelection
AGENT_SELECTION_SKILL_MATCH: AgentSelection
AGENT_SELECTION_QUEUE_ONLY: AgentSelection
CALLBACK_TASK_STATE_UNSPECIFIED: CallbackTaskState
CALLBACK_TASK_STATE_OPEN: CallbackTaskState
CALLBACK_TASK_STATE_OVERDUE: CallbackTaskState
CALLBACK_TASK_STATE_DONE: CallbackTaskState
CALLBACK_TASK_STATE_CANCELLED: CallbackTaskState
CALLBACK_RESULT_UNSPECIFIED: CallbackResult
CALLBACK_RESULT_RESOLVED: CallbackResult
CALLBACK_RESULT_SATISFIED: CallbackResult
CALLBACK_RESULT_NEEDS_FOLLOW_UP: CallbackResult
COMMENT_VISIBILITY_UNSPECIFIED: CommentVisibility
COMMENT_VISIBILITY_INTERNAL: CommentVisibility
COMMENT_VISIBILITY_PUBLIC: CommentVisibility
KNOWLEDGE_ARTICLE_KIND_UNSPECIFIED: KnowledgeArticleKind
KNOWLEDGE_ARTICLE_KIND_SOLVED_CASE: KnowledgeArticleKind
KNOWLEDGE_ARTICLE_KIND_REPLY_TEMPLATE: KnowledgeArticleKind
KNOWLEDGE_ARTICLE_KIND_FAQ: KnowledgeArticleKind
KNOWLEDGE_ARTICLE_STATE_UNSPECIFIED: KnowledgeArticleState
KNOWLEDGE_ARTICLE_STATE_DRAFT: KnowledgeArticleState
KNOWLEDGE_ARTICLE_STATE_PUBLISHED: KnowledgeArticleState
KNOWLEDGE_ARTICLE_STATE_ARCHIVED: KnowledgeArticleState
SLA_TARGET_UNSPECIFIED: SlaTarget
SLA_TARGET_FIRST_RESPONSE: SlaTarget
SLA_TARGET_RESOLUTION: SlaTarget
TICKET_VIEW_UNSPECIFIED: TicketView
TICKET_VIEW_BASIC: TicketView
TICKET_VIEW_FULL: TicketView

class Ticket(_message.Message):
    __slots__ = ("id", "number", "type", "category", "title", "description", "channel", "product", "keywords", "priority", "priority_reason", "state", "customer_id", "contact_id", "reporter_name", "reporter_phone", "reporter_email", "customer_value_class", "customer_at_risk", "department_path", "assignee_id", "account_manager_id", "sla", "resolution", "transfer_count", "reopen_count", "escalation_level", "satisfaction_score", "external_ids", "create_time", "update_time", "route_time", "first_response_time", "resolve_time", "confirm_time", "close_time", "last_activity_time", "created_by", "updated_by", "etag", "history", "routing_decisions")
    class ExternalIdsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    REPORTER_NAME_FIELD_NUMBER: _ClassVar[int]
    REPORTER_PHONE_FIELD_NUMBER: _ClassVar[int]
    REPORTER_EMAIL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_AT_RISK_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    SLA_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REOPEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SATISFACTION_SCORE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ROUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    ROUTING_DECISIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    number: str
    type: TicketType
    category: str
    title: str
    description: str
    channel: TicketChannel
    product: str
    keywords: _containers.RepeatedScalarFieldContainer[str]
    priority: TicketPriority
    priority_reason: str
    state: TicketState
    customer_id: str
    contact_id: str
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    customer_value_class: _types_pb2.ValueClass
    customer_at_risk: bool
    department_path: str
    assignee_id: str
    account_manager_id: str
    sla: TicketSla
    resolution: str
    transfer_count: int
    reopen_count: int
    escalation_level: int
    satisfaction_score: float
    external_ids: _containers.ScalarMap[str, str]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    route_time: _timestamp_pb2.Timestamp
    first_response_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    confirm_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    last_activity_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    history: _containers.RepeatedCompositeFieldContainer[TicketHistoryEntry]
    routing_decisions: _containers.RepeatedCompositeFieldContainer[RoutingDecision]
    def __init__(self, id: _Optional[str] = ..., number: _Optional[str] = ..., type: _Optional[_Union[TicketType, str]] = ..., category: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., channel: _Optional[_Union[TicketChannel, str]] = ..., product: _Optional[str] = ..., keywords: _Optional[_Iterable[str]] = ..., priority: _Optional[_Union[TicketPriority, str]] = ..., priority_reason: _Optional[str] = ..., state: _Optional[_Union[TicketState, str]] = ..., customer_id: _Optional[str] = ..., contact_id: _Optional[str] = ..., reporter_name: _Optional[str] = ..., reporter_phone: _Optional[str] = ..., reporter_email: _Optional[str] = ..., customer_value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., customer_at_risk: _Optional[bool] = ..., department_path: _Optional[str] = ..., assignee_id: _Optional[str] = ..., account_manager_id: _Optional[str] = ..., sla: _Optional[_Union[TicketSla, _Mapping]] = ..., resolution: _Optional[str] = ..., transfer_count: _Optional[int] = ..., reopen_count: _Optional[int] = ..., escalation_level: _Optional[int] = ..., satisfaction_score: _Optional[float] = ..., external_ids: _Optional[_Mapping[str, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., route_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., confirm_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_activity_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., history: _Optional[_Iterable[_Union[TicketHistoryEntry, _Mapping]]] = ..., routing_decisions: _Optional[_Iterable[_Union[RoutingDecision, _Mapping]]] = ...) -> None: ...

class TicketSla(_message.Message):
    __slots__ = ("policy_id", "first_response_due_time", "resolution_due_time", "first_response_breached", "resolution_breached", "paused", "paused_duration", "warning_time", "reminder_time", "escalate_time")
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_BREACHED_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_BREACHED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_DURATION_FIELD_NUMBER: _ClassVar[int]
    WARNING_TIME_FIELD_NUMBER: _ClassVar[int]
    REMINDER_TIME_FIELD_NUMBER: _ClassVar[int]
    ESCALATE_TIME_FIELD_NUMBER: _ClassVar[int]
    policy_id: str
    first_response_due_time: _timestamp_pb2.Timestamp
    resolution_due_time: _timestamp_pb2.Timestamp
    first_response_breached: bool
    resolution_breached: bool
    paused: bool
    paused_duration: _duration_pb2.Duration
    warning_time: _timestamp_pb2.Timestamp
    reminder_time: _timestamp_pb2.Timestamp
    escalate_time: _timestamp_pb2.Timestamp
    def __init__(self, policy_id: _Optional[str] = ..., first_response_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_response_breached: _Optional[bool] = ..., resolution_breached: _Optional[bool] = ..., paused: _Optional[bool] = ..., paused_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., warning_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reminder_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., escalate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TicketHistoryEntry(_message.Message):
    __slots__ = ("id", "ticket_id", "kind", "from_state", "to_state", "from_department_path", "to_department_path", "from_assignee_id", "to_assignee_id", "from_priority", "to_priority", "actor_id", "reason", "routing_decision_id", "occur_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    TO_STATE_FIELD_NUMBER: _ClassVar[int]
    FROM_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TO_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    FROM_ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    TO_ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TO_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ROUTING_DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    ticket_id: str
    kind: TicketHistoryKind
    from_state: TicketState
    to_state: TicketState
    from_department_path: str
    to_department_path: str
    from_assignee_id: str
    to_assignee_id: str
    from_priority: TicketPriority
    to_priority: TicketPriority
    actor_id: str
    reason: str
    routing_decision_id: str
    occur_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., kind: _Optional[_Union[TicketHistoryKind, str]] = ..., from_state: _Optional[_Union[TicketState, str]] = ..., to_state: _Optional[_Union[TicketState, str]] = ..., from_department_path: _Optional[str] = ..., to_department_path: _Optional[str] = ..., from_assignee_id: _Optional[str] = ..., to_assignee_id: _Optional[str] = ..., from_priority: _Optional[_Union[TicketPriority, str]] = ..., to_priority: _Optional[_Union[TicketPriority, str]] = ..., actor_id: _Optional[str] = ..., reason: _Optional[str] = ..., routing_decision_id: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RoutingDecision(_message.Message):
    __slots__ = ("id", "ticket_id", "kind", "rule_id", "rule_name", "matched_conditions", "department_path", "fallback", "agent_selection", "required_skills", "candidates", "assignee_id", "tie_broken_at_random", "customer_value_class", "customer_at_risk", "priority_before", "priority_after", "reason", "actor_id", "decide_time", "note", "assigned_by_hand", "customer_facts_unknown")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_NAME_FIELD_NUMBER: _ClassVar[int]
    MATCHED_CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_FIELD_NUMBER: _ClassVar[int]
    AGENT_SELECTION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    TIE_BROKEN_AT_RANDOM_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_AT_RISK_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_BEFORE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_AFTER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_BY_HAND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FACTS_UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    id: str
    ticket_id: str
    kind: RoutingKind
    rule_id: str
    rule_name: str
    matched_conditions: _containers.RepeatedScalarFieldContainer[str]
    department_path: str
    fallback: bool
    agent_selection: AgentSelection
    required_skills: _containers.RepeatedScalarFieldContainer[str]
    candidates: _containers.RepeatedCompositeFieldContainer[RoutingCandidate]
    assignee_id: str
    tie_broken_at_random: bool
    customer_value_class: _types_pb2.ValueClass
    customer_at_risk: bool
    priority_before: TicketPriority
    priority_after: TicketPriority
    reason: str
    actor_id: str
    decide_time: _timestamp_pb2.Timestamp
    note: str
    assigned_by_hand: bool
    customer_facts_unknown: bool
    def __init__(self, id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., kind: _Optional[_Union[RoutingKind, str]] = ..., rule_id: _Optional[str] = ..., rule_name: _Optional[str] = ..., matched_conditions: _Optional[_Iterable[str]] = ..., department_path: _Optional[str] = ..., fallback: _Optional[bool] = ..., agent_selection: _Optional[_Union[AgentSelection, str]] = ..., required_skills: _Optional[_Iterable[str]] = ..., candidates: _Optional[_Iterable[_Union[RoutingCandidate, _Mapping]]] = ..., assignee_id: _Optional[str] = ..., tie_broken_at_random: _Optional[bool] = ..., customer_value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., customer_at_risk: _Optional[bool] = ..., priority_before: _Optional[_Union[TicketPriority, str]] = ..., priority_after: _Optional[_Union[TicketPriority, str]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., assigned_by_hand: _Optional[bool] = ..., customer_facts_unknown: _Optional[bool] = ...) -> None: ...

class RoutingCandidate(_message.Message):
    __slots__ = ("agent_id", "eligible", "skip_reason", "open_ticket_count", "matched_skill_count", "selected")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    OPEN_TICKET_COUNT_FIELD_NUMBER: _ClassVar[int]
    MATCHED_SKILL_COUNT_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    eligible: bool
    skip_reason: str
    open_ticket_count: int
    matched_skill_count: int
    selected: bool
    def __init__(self, agent_id: _Optional[str] = ..., eligible: _Optional[bool] = ..., skip_reason: _Optional[str] = ..., open_ticket_count: _Optional[int] = ..., matched_skill_count: _Optional[int] = ..., selected: _Optional[bool] = ...) -> None: ...

class RoutingRule(_message.Message):
    __slots__ = ("id", "display_name", "description", "condition", "target_department_path", "agent_selection", "required_skills", "priority", "enabled", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    TARGET_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    AGENT_SELECTION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    description: str
    condition: _rules_pb2.ConditionGroup
    target_department_path: str
    agent_selection: AgentSelection
    required_skills: _containers.RepeatedScalarFieldContainer[str]
    priority: int
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., condition: _Optional[_Union[_rules_pb2.ConditionGroup, _Mapping]] = ..., target_department_path: _Optional[str] = ..., agent_selection: _Optional[_Union[AgentSelection, str]] = ..., required_skills: _Optional[_Iterable[str]] = ..., priority: _Optional[int] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class Agent(_message.Message):
    __slots__ = ("user_id", "display_name", "department_path", "skills", "max_open_tickets", "available", "available_again_time", "open_ticket_count", "department_lead", "active", "last_assign_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    MAX_OPEN_TICKETS_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_AGAIN_TIME_FIELD_NUMBER: _ClassVar[int]
    OPEN_TICKET_COUNT_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_LEAD_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    LAST_ASSIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    display_name: str
    department_path: str
    skills: _containers.RepeatedScalarFieldContainer[str]
    max_open_tickets: int
    available: bool
    available_again_time: _timestamp_pb2.Timestamp
    open_ticket_count: int
    department_lead: bool
    active: bool
    last_assign_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., display_name: _Optional[str] = ..., department_path: _Optional[str] = ..., skills: _Optional[_Iterable[str]] = ..., max_open_tickets: _Optional[int] = ..., available: _Optional[bool] = ..., available_again_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., open_ticket_count: _Optional[int] = ..., department_lead: _Optional[bool] = ..., active: _Optional[bool] = ..., last_assign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SlaPolicy(_message.Message):
    __slots__ = ("id", "display_name", "ticket_type", "priority", "first_response_target", "resolution_target", "business_hours_only", "warning_before", "untouched_reminder_after", "escalate_after", "enabled", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TICKET_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TARGET_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_TARGET_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_ONLY_FIELD_NUMBER: _ClassVar[int]
    WARNING_BEFORE_FIELD_NUMBER: _ClassVar[int]
    UNTOUCHED_REMINDER_AFTER_FIELD_NUMBER: _ClassVar[int]
    ESCALATE_AFTER_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    ticket_type: TicketType
    priority: TicketPriority
    first_response_target: _duration_pb2.Duration
    resolution_target: _duration_pb2.Duration
    business_hours_only: bool
    warning_before: _duration_pb2.Duration
    untouched_reminder_after: _duration_pb2.Duration
    escalate_after: _duration_pb2.Duration
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., ticket_type: _Optional[_Union[TicketType, str]] = ..., priority: _Optional[_Union[TicketPriority, str]] = ..., first_response_target: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., resolution_target: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., business_hours_only: _Optional[bool] = ..., warning_before: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., untouched_reminder_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., escalate_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class BusinessCalendar(_message.Message):
    __slots__ = ("id", "display_name", "department_path", "time_zone", "working_hours", "holidays", "extra_working_days", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    WORKING_HOURS_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    department_path: str
    time_zone: str
    working_hours: _containers.RepeatedCompositeFieldContainer[WorkingHours]
    holidays: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    extra_working_days: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., department_path: _Optional[str] = ..., time_zone: _Optional[str] = ..., working_hours: _Optional[_Iterable[_Union[WorkingHours, _Mapping]]] = ..., holidays: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ..., extra_working_days: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class WorkingHours(_message.Message):
    __slots__ = ("day", "opens_at", "closes_at")
    DAY_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    day: _dayofweek_pb2.DayOfWeek
    opens_at: str
    closes_at: str
    def __init__(self, day: _Optional[_Union[_dayofweek_pb2.DayOfWeek, str]] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ...) -> None: ...

class CalendarDay(_message.Message):
    __slots__ = ("date", "name", "weekday_like")
    DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEEKDAY_LIKE_FIELD_NUMBER: _ClassVar[int]
    date: str
    name: str
    weekday_like: _dayofweek_pb2.DayOfWeek
    def __init__(self, date: _Optional[str] = ..., name: _Optional[str] = ..., weekday_like: _Optional[_Union[_dayofweek_pb2.DayOfWeek, str]] = ...) -> None: ...

class TicketPolicy(_message.Message):
    __slots__ = ("raise_priority_value_classes", "raise_priority_when_at_risk", "callback_within", "service_record_within", "auto_close_after", "update_time", "updated_by")
    RAISE_PRIORITY_VALUE_CLASSES_FIELD_NUMBER: _ClassVar[int]
    RAISE_PRIORITY_WHEN_AT_RISK_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_WITHIN_FIELD_NUMBER: _ClassVar[int]
    SERVICE_RECORD_WITHIN_FIELD_NUMBER: _ClassVar[int]
    AUTO_CLOSE_AFTER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    raise_priority_value_classes: _containers.RepeatedScalarFieldContainer[_types_pb2.ValueClass]
    raise_priority_when_at_risk: bool
    callback_within: _duration_pb2.Duration
    service_record_within: _duration_pb2.Duration
    auto_close_after: _duration_pb2.Duration
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, raise_priority_value_classes: _Optional[_Iterable[_Union[_types_pb2.ValueClass, str]]] = ..., raise_priority_when_at_risk: _Optional[bool] = ..., callback_within: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., service_record_within: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., auto_close_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class CallbackTask(_message.Message):
    __slots__ = ("id", "ticket_id", "ticket_number", "customer_id", "assignee_id", "department_path", "due_time", "state", "result", "note", "complete_time", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    ticket_id: str
    ticket_number: str
    customer_id: str
    assignee_id: str
    department_path: str
    due_time: _timestamp_pb2.Timestamp
    state: CallbackTaskState
    result: CallbackResult
    note: str
    complete_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., ticket_number: _Optional[str] = ..., customer_id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., department_path: _Optional[str] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[CallbackTaskState, str]] = ..., result: _Optional[_Union[CallbackResult, str]] = ..., note: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ServiceRecord(_message.Message):
    __slots__ = ("id", "ticket_id", "customer_id", "author_id", "actions_taken", "customer_feedback", "next_plan", "service_time", "late", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_TAKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    NEXT_PLAN_FIELD_NUMBER: _ClassVar[int]
    SERVICE_TIME_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    ticket_id: str
    customer_id: str
    author_id: str
    actions_taken: str
    customer_feedback: str
    next_plan: str
    service_time: _timestamp_pb2.Timestamp
    late: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., author_id: _Optional[str] = ..., actions_taken: _Optional[str] = ..., customer_feedback: _Optional[str] = ..., next_plan: _Optional[str] = ..., service_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., late: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TicketComment(_message.Message):
    __slots__ = ("id", "ticket_id", "author_id", "body", "visibility", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    ticket_id: str
    author_id: str
    body: str
    visibility: CommentVisibility
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., author_id: _Optional[str] = ..., body: _Optional[str] = ..., visibility: _Optional[_Union[CommentVisibility, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class KnowledgeArticle(_message.Message):
    __slots__ = ("id", "kind", "title", "body", "category", "product", "keywords", "ticket_types", "source_ticket_id", "locale", "state", "department_path", "view_count", "use_count", "create_time", "update_time", "created_by", "updated_by", "etag", "public")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    TICKET_TYPES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    VIEW_COUNT_FIELD_NUMBER: _ClassVar[int]
    USE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: KnowledgeArticleKind
    title: str
    body: str
    category: str
    product: str
    keywords: _containers.RepeatedScalarFieldContainer[str]
    ticket_types: _containers.RepeatedScalarFieldContainer[TicketType]
    source_ticket_id: str
    locale: str
    state: KnowledgeArticleState
    department_path: str
    view_count: int
    use_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    etag: str
    public: bool
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[KnowledgeArticleKind, str]] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., category: _Optional[str] = ..., product: _Optional[str] = ..., keywords: _Optional[_Iterable[str]] = ..., ticket_types: _Optional[_Iterable[_Union[TicketType, str]]] = ..., source_ticket_id: _Optional[str] = ..., locale: _Optional[str] = ..., state: _Optional[_Union[KnowledgeArticleState, str]] = ..., department_path: _Optional[str] = ..., view_count: _Optional[int] = ..., use_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., public: _Optional[bool] = ...) -> None: ...

class PublicTicketStatus(_message.Message):
    __slots__ = ("number", "type", "title", "state", "create_time", "update_time", "resolve_time", "close_time", "replies")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    REPLIES_FIELD_NUMBER: _ClassVar[int]
    number: str
    type: TicketType
    title: str
    state: TicketState
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    replies: _containers.RepeatedCompositeFieldContainer[PublicReply]
    def __init__(self, number: _Optional[str] = ..., type: _Optional[_Union[TicketType, str]] = ..., title: _Optional[str] = ..., state: _Optional[_Union[TicketState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., replies: _Optional[_Iterable[_Union[PublicReply, _Mapping]]] = ...) -> None: ...

class PublicReply(_message.Message):
    __slots__ = ("body", "create_time")
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    body: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PublicKnowledgeArticle(_message.Message):
    __slots__ = ("id", "kind", "title", "body", "category", "product", "locale", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: KnowledgeArticleKind
    title: str
    body: str
    category: str
    product: str
    locale: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[KnowledgeArticleKind, str]] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., category: _Optional[str] = ..., product: _Optional[str] = ..., locale: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PublicKnowledgeSearchResult(_message.Message):
    __slots__ = ("article", "score", "snippet")
    ARTICLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SNIPPET_FIELD_NUMBER: _ClassVar[int]
    article: PublicKnowledgeArticle
    score: float
    snippet: str
    def __init__(self, article: _Optional[_Union[PublicKnowledgeArticle, _Mapping]] = ..., score: _Optional[float] = ..., snippet: _Optional[str] = ...) -> None: ...

class KnowledgeSearchResult(_message.Message):
    __slots__ = ("article", "score", "snippet")
    ARTICLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SNIPPET_FIELD_NUMBER: _ClassVar[int]
    article: KnowledgeArticle
    score: float
    snippet: str
    def __init__(self, article: _Optional[_Union[KnowledgeArticle, _Mapping]] = ..., score: _Optional[float] = ..., snippet: _Optional[str] = ...) -> None: ...

class SubmitServiceRequestRequest(_message.Message):
    __slots__ = ("type", "title", "description", "reporter_name", "reporter_phone", "reporter_email", "product", "request_id")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REPORTER_NAME_FIELD_NUMBER: _ClassVar[int]
    REPORTER_PHONE_FIELD_NUMBER: _ClassVar[int]
    REPORTER_EMAIL_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    type: TicketType
    title: str
    description: str
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    product: str
    request_id: str
    def __init__(self, type: _Optional[_Union[TicketType, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., reporter_name: _Optional[str] = ..., reporter_phone: _Optional[str] = ..., reporter_email: _Optional[str] = ..., product: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SubmitServiceRequestResponse(_message.Message):
    __slots__ = ("number",)
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    number: str
    def __init__(self, number: _Optional[str] = ...) -> None: ...

class LookupTicketStatusRequest(_message.Message):
    __slots__ = ("number", "contact")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    number: str
    contact: str
    def __init__(self, number: _Optional[str] = ..., contact: _Optional[str] = ...) -> None: ...

class SearchPublicKnowledgeArticlesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "locale")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    locale: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., locale: _Optional[str] = ...) -> None: ...

class SearchPublicKnowledgeArticlesResponse(_message.Message):
    __slots__ = ("results", "next_page_token")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[PublicKnowledgeSearchResult]
    next_page_token: str
    def __init__(self, results: _Optional[_Iterable[_Union[PublicKnowledgeSearchResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetPublicKnowledgeArticleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CreateTicketRequest(_message.Message):
    __slots__ = ("ticket", "request_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: Ticket
    request_id: str
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetTicketRequest(_message.Message):
    __slots__ = ("id", "view")
    ID_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    id: str
    view: TicketView
    def __init__(self, id: _Optional[str] = ..., view: _Optional[_Union[TicketView, str]] = ...) -> None: ...

class ListTicketsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "states", "types", "priorities", "department_path", "assignee_id", "customer_id", "account_manager_id", "category", "sla_breached", "min_create_time", "max_create_time", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    PRIORITIES_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SLA_BREACHED_FIELD_NUMBER: _ClassVar[int]
    MIN_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    states: _containers.RepeatedScalarFieldContainer[TicketState]
    types: _containers.RepeatedScalarFieldContainer[TicketType]
    priorities: _containers.RepeatedScalarFieldContainer[TicketPriority]
    department_path: str
    assignee_id: str
    customer_id: str
    account_manager_id: str
    category: str
    sla_breached: bool
    min_create_time: _timestamp_pb2.Timestamp
    max_create_time: _timestamp_pb2.Timestamp
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., states: _Optional[_Iterable[_Union[TicketState, str]]] = ..., types: _Optional[_Iterable[_Union[TicketType, str]]] = ..., priorities: _Optional[_Iterable[_Union[TicketPriority, str]]] = ..., department_path: _Optional[str] = ..., assignee_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., account_manager_id: _Optional[str] = ..., category: _Optional[str] = ..., sla_breached: _Optional[bool] = ..., min_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListTicketsResponse(_message.Message):
    __slots__ = ("tickets", "next_page_token", "total_size")
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    tickets: _containers.RepeatedCompositeFieldContainer[Ticket]
    next_page_token: str
    total_size: int
    def __init__(self, tickets: _Optional[_Iterable[_Union[Ticket, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ExportTicketsRequest(_message.Message):
    __slots__ = ("query", "states", "types", "priorities", "department_path", "assignee_id", "customer_id", "account_manager_id", "category", "sla_breached", "min_create_time", "max_create_time", "order_by", "columns", "access_purpose", "format", "locale")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    PRIORITIES_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SLA_BREACHED_FIELD_NUMBER: _ClassVar[int]
    MIN_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    query: str
    states: _containers.RepeatedScalarFieldContainer[TicketState]
    types: _containers.RepeatedScalarFieldContainer[TicketType]
    priorities: _containers.RepeatedScalarFieldContainer[TicketPriority]
    department_path: str
    assignee_id: str
    customer_id: str
    account_manager_id: str
    category: str
    sla_breached: bool
    min_create_time: _timestamp_pb2.Timestamp
    max_create_time: _timestamp_pb2.Timestamp
    order_by: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    access_purpose: str
    format: _types_pb2.TableFormat
    locale: str
    def __init__(self, query: _Optional[str] = ..., states: _Optional[_Iterable[_Union[TicketState, str]]] = ..., types: _Optional[_Iterable[_Union[TicketType, str]]] = ..., priorities: _Optional[_Iterable[_Union[TicketPriority, str]]] = ..., department_path: _Optional[str] = ..., assignee_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., account_manager_id: _Optional[str] = ..., category: _Optional[str] = ..., sla_breached: _Optional[bool] = ..., min_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_by: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., access_purpose: _Optional[str] = ..., format: _Optional[_Union[_types_pb2.TableFormat, str]] = ..., locale: _Optional[str] = ...) -> None: ...

class ExportTicketsChunk(_message.Message):
    __slots__ = ("data", "row_count")
    DATA_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    row_count: int
    def __init__(self, data: _Optional[bytes] = ..., row_count: _Optional[int] = ...) -> None: ...

class UpdateTicketRequest(_message.Message):
    __slots__ = ("ticket", "update_mask")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ticket: Ticket
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class RouteTicketRequest(_message.Message):
    __slots__ = ("id", "department_path", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    department_path: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., department_path: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class AssignTicketRequest(_message.Message):
    __slots__ = ("id", "assignee_id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    assignee_id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class TransferTicketRequest(_message.Message):
    __slots__ = ("id", "department_path", "reason", "assignee_id", "request_id", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    department_path: str
    reason: str
    assignee_id: str
    request_id: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., department_path: _Optional[str] = ..., reason: _Optional[str] = ..., assignee_id: _Optional[str] = ..., request_id: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class StartTicketRequest(_message.Message):
    __slots__ = ("id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class HoldTicketRequest(_message.Message):
    __slots__ = ("id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ResumeTicketRequest(_message.Message):
    __slots__ = ("id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ResolveTicketRequest(_message.Message):
    __slots__ = ("id", "resolution", "create_knowledge_article", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    CREATE_KNOWLEDGE_ARTICLE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    resolution: str
    create_knowledge_article: bool
    etag: str
    def __init__(self, id: _Optional[str] = ..., resolution: _Optional[str] = ..., create_knowledge_article: _Optional[bool] = ..., etag: _Optional[str] = ...) -> None: ...

class ConfirmTicketRequest(_message.Message):
    __slots__ = ("id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CloseTicketRequest(_message.Message):
    __slots__ = ("id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ReopenTicketRequest(_message.Message):
    __slots__ = ("id", "reason", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class EscalateTicketRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ChangeTicketPriorityRequest(_message.Message):
    __slots__ = ("id", "priority", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    priority: TicketPriority
    reason: str
    def __init__(self, id: _Optional[str] = ..., priority: _Optional[_Union[TicketPriority, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class ListTicketHistoryRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "ticket_id", "kinds")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_id: str
    kinds: _containers.RepeatedScalarFieldContainer[TicketHistoryKind]
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., ticket_id: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[TicketHistoryKind, str]]] = ...) -> None: ...

class ListTicketHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[TicketHistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[TicketHistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListRoutingDecisionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "ticket_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., ticket_id: _Optional[str] = ...) -> None: ...

class ListRoutingDecisionsResponse(_message.Message):
    __slots__ = ("routing_decisions", "next_page_token")
    ROUTING_DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    routing_decisions: _containers.RepeatedCompositeFieldContainer[RoutingDecision]
    next_page_token: str
    def __init__(self, routing_decisions: _Optional[_Iterable[_Union[RoutingDecision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateTicketCommentRequest(_message.Message):
    __slots__ = ("comment", "request_id")
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    comment: TicketComment
    request_id: str
    def __init__(self, comment: _Optional[_Union[TicketComment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListTicketCommentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "ticket_id", "visibility")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_id: str
    visibility: CommentVisibility
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., ticket_id: _Optional[str] = ..., visibility: _Optional[_Union[CommentVisibility, str]] = ...) -> None: ...

class ListTicketCommentsResponse(_message.Message):
    __slots__ = ("comments", "next_page_token")
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    comments: _containers.RepeatedCompositeFieldContainer[TicketComment]
    next_page_token: str
    def __init__(self, comments: _Optional[_Iterable[_Union[TicketComment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateServiceRecordRequest(_message.Message):
    __slots__ = ("service_record", "request_id")
    SERVICE_RECORD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    service_record: ServiceRecord
    request_id: str
    def __init__(self, service_record: _Optional[_Union[ServiceRecord, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListServiceRecordsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "ticket_id", "customer_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_id: str
    customer_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., ticket_id: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ListServiceRecordsResponse(_message.Message):
    __slots__ = ("service_records", "next_page_token")
    SERVICE_RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    service_records: _containers.RepeatedCompositeFieldContainer[ServiceRecord]
    next_page_token: str
    def __init__(self, service_records: _Optional[_Iterable[_Union[ServiceRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateRoutingRuleRequest(_message.Message):
    __slots__ = ("rule", "request_id")
    RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule: RoutingRule
    request_id: str
    def __init__(self, rule: _Optional[_Union[RoutingRule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetRoutingRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListRoutingRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "target_department_path", "enabled")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TARGET_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    target_department_path: str
    enabled: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., target_department_path: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class ListRoutingRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[RoutingRule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[RoutingRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateRoutingRuleRequest(_message.Message):
    __slots__ = ("rule", "update_mask")
    RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    rule: RoutingRule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, rule: _Optional[_Union[RoutingRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteRoutingRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetAgentRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class ListAgentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department_path", "skill", "available")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department_path: str
    skill: str
    available: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department_path: _Optional[str] = ..., skill: _Optional[str] = ..., available: _Optional[bool] = ...) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ("agents", "next_page_token")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[Agent]
    next_page_token: str
    def __init__(self, agents: _Optional[_Iterable[_Union[Agent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateAgentRequest(_message.Message):
    __slots__ = ("agent", "update_mask")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateSlaPolicyRequest(_message.Message):
    __slots__ = ("policy", "request_id")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    policy: SlaPolicy
    request_id: str
    def __init__(self, policy: _Optional[_Union[SlaPolicy, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSlaPolicyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListSlaPoliciesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "ticket_type")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_TYPE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_type: TicketType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., ticket_type: _Optional[_Union[TicketType, str]] = ...) -> None: ...

class ListSlaPoliciesResponse(_message.Message):
    __slots__ = ("policies", "next_page_token")
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    policies: _containers.RepeatedCompositeFieldContainer[SlaPolicy]
    next_page_token: str
    def __init__(self, policies: _Optional[_Iterable[_Union[SlaPolicy, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateSlaPolicyRequest(_message.Message):
    __slots__ = ("policy", "update_mask")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy: SlaPolicy
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy: _Optional[_Union[SlaPolicy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteSlaPolicyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CreateBusinessCalendarRequest(_message.Message):
    __slots__ = ("calendar", "request_id")
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    calendar: BusinessCalendar
    request_id: str
    def __init__(self, calendar: _Optional[_Union[BusinessCalendar, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetBusinessCalendarRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListBusinessCalendarsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBusinessCalendarsResponse(_message.Message):
    __slots__ = ("calendars", "next_page_token")
    CALENDARS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    calendars: _containers.RepeatedCompositeFieldContainer[BusinessCalendar]
    next_page_token: str
    def __init__(self, calendars: _Optional[_Iterable[_Union[BusinessCalendar, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateBusinessCalendarRequest(_message.Message):
    __slots__ = ("calendar", "update_mask")
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    calendar: BusinessCalendar
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, calendar: _Optional[_Union[BusinessCalendar, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteBusinessCalendarRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class FillPublicHolidaysRequest(_message.Message):
    __slots__ = ("calendar_id", "year")
    CALENDAR_ID_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    calendar_id: str
    year: int
    def __init__(self, calendar_id: _Optional[str] = ..., year: _Optional[int] = ...) -> None: ...

class FillPublicHolidaysResponse(_message.Message):
    __slots__ = ("calendar", "holidays_added", "extra_working_days_added")
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    HOLIDAYS_ADDED_FIELD_NUMBER: _ClassVar[int]
    EXTRA_WORKING_DAYS_ADDED_FIELD_NUMBER: _ClassVar[int]
    calendar: BusinessCalendar
    holidays_added: int
    extra_working_days_added: int
    def __init__(self, calendar: _Optional[_Union[BusinessCalendar, _Mapping]] = ..., holidays_added: _Optional[int] = ..., extra_working_days_added: _Optional[int] = ...) -> None: ...

class GetTicketPolicyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateTicketPolicyRequest(_message.Message):
    __slots__ = ("policy", "update_mask")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    policy: TicketPolicy
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, policy: _Optional[_Union[TicketPolicy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetCallbackTaskRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCallbackTasksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "assignee_id", "department_path", "states", "ticket_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    assignee_id: str
    department_path: str
    states: _containers.RepeatedScalarFieldContainer[CallbackTaskState]
    ticket_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., assignee_id: _Optional[str] = ..., department_path: _Optional[str] = ..., states: _Optional[_Iterable[_Union[CallbackTaskState, str]]] = ..., ticket_id: _Optional[str] = ...) -> None: ...

class ListCallbackTasksResponse(_message.Message):
    __slots__ = ("tasks", "next_page_token")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[CallbackTask]
    next_page_token: str
    def __init__(self, tasks: _Optional[_Iterable[_Union[CallbackTask, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CompleteCallbackTaskRequest(_message.Message):
    __slots__ = ("id", "result", "note", "reopen_ticket")
    ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REOPEN_TICKET_FIELD_NUMBER: _ClassVar[int]
    id: str
    result: CallbackResult
    note: str
    reopen_ticket: bool
    def __init__(self, id: _Optional[str] = ..., result: _Optional[_Union[CallbackResult, str]] = ..., note: _Optional[str] = ..., reopen_ticket: _Optional[bool] = ...) -> None: ...

class CreateKnowledgeArticleRequest(_message.Message):
    __slots__ = ("article", "request_id")
    ARTICLE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    article: KnowledgeArticle
    request_id: str
    def __init__(self, article: _Optional[_Union[KnowledgeArticle, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetKnowledgeArticleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListKnowledgeArticlesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "kind", "state", "category", "product", "locale")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    kind: KnowledgeArticleKind
    state: KnowledgeArticleState
    category: str
    product: str
    locale: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[KnowledgeArticleKind, str]] = ..., state: _Optional[_Union[KnowledgeArticleState, str]] = ..., category: _Optional[str] = ..., product: _Optional[str] = ..., locale: _Optional[str] = ...) -> None: ...

class ListKnowledgeArticlesResponse(_message.Message):
    __slots__ = ("articles", "next_page_token")
    ARTICLES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    articles: _containers.RepeatedCompositeFieldContainer[KnowledgeArticle]
    next_page_token: str
    def __init__(self, articles: _Optional[_Iterable[_Union[KnowledgeArticle, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateKnowledgeArticleRequest(_message.Message):
    __slots__ = ("article", "update_mask")
    ARTICLE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    article: KnowledgeArticle
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, article: _Optional[_Union[KnowledgeArticle, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteKnowledgeArticleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class SearchKnowledgeArticlesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "ticket_id", "kinds", "locale")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    ticket_id: str
    kinds: _containers.RepeatedScalarFieldContainer[KnowledgeArticleKind]
    locale: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., ticket_id: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[KnowledgeArticleKind, str]]] = ..., locale: _Optional[str] = ...) -> None: ...

class SearchKnowledgeArticlesResponse(_message.Message):
    __slots__ = ("results", "next_page_token")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[KnowledgeSearchResult]
    next_page_token: str
    def __init__(self, results: _Optional[_Iterable[_Union[KnowledgeSearchResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetTicketKpisRequest(_message.Message):
    __slots__ = ("period", "department_path", "group_by_department")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    department_path: str
    group_by_department: bool
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., group_by_department: _Optional[bool] = ...) -> None: ...

class ExportCustomerDataRequest(_message.Message):
    __slots__ = ("customer_id", "access_purpose")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    access_purpose: str
    def __init__(self, customer_id: _Optional[str] = ..., access_purpose: _Optional[str] = ...) -> None: ...

class ServiceTarget(_message.Message):
    __slots__ = ("id", "agent_id", "department_path", "period", "period_range", "first_response_sla_rate", "resolution_sla_rate", "satisfaction_score", "create_time", "update_time", "created_by", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_RANGE_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_SLA_RATE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_SLA_RATE_FIELD_NUMBER: _ClassVar[int]
    SATISFACTION_SCORE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    agent_id: str
    department_path: str
    period: str
    period_range: _types_pb2.DateRange
    first_response_sla_rate: float
    resolution_sla_rate: float
    satisfaction_score: float
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., agent_id: _Optional[str] = ..., department_path: _Optional[str] = ..., period: _Optional[str] = ..., period_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., first_response_sla_rate: _Optional[float] = ..., resolution_sla_rate: _Optional[float] = ..., satisfaction_score: _Optional[float] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class ServiceTargetAttainment(_message.Message):
    __slots__ = ("agent_id", "department_path", "display_name", "period", "period_range", "target", "kpis")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_RANGE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    KPIS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    department_path: str
    display_name: str
    period: str
    period_range: _types_pb2.DateRange
    target: ServiceTarget
    kpis: _containers.RepeatedCompositeFieldContainer[_reporting_pb2.Kpi]
    def __init__(self, agent_id: _Optional[str] = ..., department_path: _Optional[str] = ..., display_name: _Optional[str] = ..., period: _Optional[str] = ..., period_range: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., target: _Optional[_Union[ServiceTarget, _Mapping]] = ..., kpis: _Optional[_Iterable[_Union[_reporting_pb2.Kpi, _Mapping]]] = ...) -> None: ...

class SetServiceTargetRequest(_message.Message):
    __slots__ = ("target",)
    TARGET_FIELD_NUMBER: _ClassVar[int]
    target: ServiceTarget
    def __init__(self, target: _Optional[_Union[ServiceTarget, _Mapping]] = ...) -> None: ...

class ListServiceTargetsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "period", "department_path", "agent_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    period: str
    department_path: str
    agent_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., period: _Optional[str] = ..., department_path: _Optional[str] = ..., agent_id: _Optional[str] = ...) -> None: ...

class ListServiceTargetsResponse(_message.Message):
    __slots__ = ("targets", "next_page_token")
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    targets: _containers.RepeatedCompositeFieldContainer[ServiceTarget]
    next_page_token: str
    def __init__(self, targets: _Optional[_Iterable[_Union[ServiceTarget, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetServiceTargetAttainmentRequest(_message.Message):
    __slots__ = ("agent_id", "department_path", "period")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    department_path: str
    period: str
    def __init__(self, agent_id: _Optional[str] = ..., department_path: _Optional[str] = ..., period: _Optional[str] = ...) -> None: ...

class CreateTicketAttachmentRequest(_message.Message):
    __slots__ = ("ticket_id", "file_name", "content", "request_id")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    file_name: str
    content: bytes
    request_id: str
    def __init__(self, ticket_id: _Optional[str] = ..., file_name: _Optional[str] = ..., content: _Optional[bytes] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListTicketAttachmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "ticket_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    ticket_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., ticket_id: _Optional[str] = ...) -> None: ...

class ListTicketAttachmentsResponse(_message.Message):
    __slots__ = ("attachments", "next_page_token")
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[_attachments_pb2.Attachment]
    next_page_token: str
    def __init__(self, attachments: _Optional[_Iterable[_Union[_attachments_pb2.Attachment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadTicketAttachmentRequest(_message.Message):
    __slots__ = ("id", "thumbnail", "ticket_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    thumbnail: bool
    ticket_id: str
    def __init__(self, id: _Optional[str] = ..., thumbnail: _Optional[bool] = ..., ticket_id: _Optional[str] = ...) -> None: ...

class DeleteTicketAttachmentRequest(_message.Message):
    __slots__ = ("id", "ticket_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    ticket_id: str
    def __init__(self, id: _Optional[str] = ..., ticket_id: _Optional[str] = ...) -> None: ...
