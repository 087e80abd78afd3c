import datetime

from crm.common.v1 import options_pb2 as _options_pb2
from crm.ticket.v1 import ticket_pb2 as _ticket_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TicketCreated(_message.Message):
    __slots__ = ("ticket", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketRouted(_message.Message):
    __slots__ = ("ticket", "previous_department_path", "decision", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    previous_department_path: str
    decision: _ticket_pb2.RoutingDecision
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., previous_department_path: _Optional[str] = ..., decision: _Optional[_Union[_ticket_pb2.RoutingDecision, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketAssigned(_message.Message):
    __slots__ = ("ticket", "previous_assignee_id", "decision", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    previous_assignee_id: str
    decision: _ticket_pb2.RoutingDecision
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., previous_assignee_id: _Optional[str] = ..., decision: _Optional[_Union[_ticket_pb2.RoutingDecision, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketTransferred(_message.Message):
    __slots__ = ("ticket", "from_department_path", "to_department_path", "reason", "decision", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    FROM_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    TO_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    from_department_path: str
    to_department_path: str
    reason: str
    decision: _ticket_pb2.RoutingDecision
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., from_department_path: _Optional[str] = ..., to_department_path: _Optional[str] = ..., reason: _Optional[str] = ..., decision: _Optional[_Union[_ticket_pb2.RoutingDecision, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketStarted(_message.Message):
    __slots__ = ("ticket", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketHeld(_message.Message):
    __slots__ = ("ticket", "reason", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    reason: str
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketResumed(_message.Message):
    __slots__ = ("ticket", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketResolved(_message.Message):
    __slots__ = ("ticket", "actor_id", "callback_task_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    actor_id: str
    callback_task_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., actor_id: _Optional[str] = ..., callback_task_id: _Optional[str] = ...) -> None: ...

class TicketConfirmed(_message.Message):
    __slots__ = ("ticket", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketClosed(_message.Message):
    __slots__ = ("ticket", "actor_id", "auto_closed")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTO_CLOSED_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    actor_id: str
    auto_closed: bool
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., actor_id: _Optional[str] = ..., auto_closed: _Optional[bool] = ...) -> None: ...

class TicketReopened(_message.Message):
    __slots__ = ("ticket", "previous_state", "reason", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    previous_state: _ticket_pb2.TicketState
    reason: str
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., previous_state: _Optional[_Union[_ticket_pb2.TicketState, str]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketPriorityChanged(_message.Message):
    __slots__ = ("ticket", "previous_priority", "reason", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    previous_priority: _ticket_pb2.TicketPriority
    reason: str
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., previous_priority: _Optional[_Union[_ticket_pb2.TicketPriority, str]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketEscalated(_message.Message):
    __slots__ = ("ticket", "escalated_to_user_id", "reason", "manual", "actor_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_TO_USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MANUAL_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    escalated_to_user_id: str
    reason: str
    manual: bool
    actor_id: str
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., escalated_to_user_id: _Optional[str] = ..., reason: _Optional[str] = ..., manual: _Optional[bool] = ..., actor_id: _Optional[str] = ...) -> None: ...

class TicketSlaReminder(_message.Message):
    __slots__ = ("ticket", "untouched_duration")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    UNTOUCHED_DURATION_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    untouched_duration: _duration_pb2.Duration
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., untouched_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class TicketSlaWarning(_message.Message):
    __slots__ = ("ticket", "target", "due_time", "remaining")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    target: _ticket_pb2.SlaTarget
    due_time: _timestamp_pb2.Timestamp
    remaining: _duration_pb2.Duration
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., target: _Optional[_Union[_ticket_pb2.SlaTarget, str]] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., remaining: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class TicketSlaBreached(_message.Message):
    __slots__ = ("ticket", "target", "due_time")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    ticket: _ticket_pb2.Ticket
    target: _ticket_pb2.SlaTarget
    due_time: _timestamp_pb2.Timestamp
    def __init__(self, ticket: _Optional[_Union[_ticket_pb2.Ticket, _Mapping]] = ..., target: _Optional[_Union[_ticket_pb2.SlaTarget, str]] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CallbackTaskCreated(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _ticket_pb2.CallbackTask
    def __init__(self, task: _Optional[_Union[_ticket_pb2.CallbackTask, _Mapping]] = ...) -> None: ...

class CallbackTaskOverdue(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _ticket_pb2.CallbackTask
    def __init__(self, task: _Optional[_Union[_ticket_pb2.CallbackTask, _Mapping]] = ...) -> None: ...

class CallbackTaskCompleted(_message.Message):
    __slots__ = ("task", "actor_id")
    TASK_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    task: _ticket_pb2.CallbackTask
    actor_id: str
    def __init__(self, task: _Optional[_Union[_ticket_pb2.CallbackTask, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ServiceRecordCreated(_message.Message):
    __slots__ = ("service_record", "ticket_number", "department_path")
    SERVICE_RECORD_FIELD_NUMBER: _ClassVar[int]
    TICKET_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    service_record: _ticket_pb2.ServiceRecord
    ticket_number: str
    department_path: str
    def __init__(self, service_record: _Optional[_Union[_ticket_pb2.ServiceRecord, _Mapping]] = ..., ticket_number: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class TicketCustomerDataErased(_message.Message):
    __slots__ = ("erasure_request_id", "customer_id", "erased_record_count")
    ERASURE_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ERASED_RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    erasure_request_id: str
    customer_id: str
    erased_record_count: int
    def __init__(self, erasure_request_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., erased_record_count: _Optional[int] = ...) -> None: ...

class ServiceTargetSet(_message.Message):
    __slots__ = ("target", "actor_id")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    target: _ticket_pb2.ServiceTarget
    actor_id: str
    def __init__(self, target: _Optional[_Union[_ticket_pb2.ServiceTarget, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...
