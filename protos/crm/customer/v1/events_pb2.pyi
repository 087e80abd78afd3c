import datetime

from crm.common.v1 import approvals_pb2 as _approvals_pb2
from crm.common.v1 import collaborators_pb2 as _collaborators_pb2
from crm.common.v1 import options_pb2 as _options_pb2
from crm.common.v1 import types_pb2 as _types_pb2
from crm.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CustomerCreated(_message.Message):
    __slots__ = ("customer", "actor_id")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    actor_id: str
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CustomerUpdated(_message.Message):
    __slots__ = ("customer", "changed_fields", "actor_id")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    actor_id: str
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CustomerOwnerChanged(_message.Message):
    __slots__ = ("customer_id", "previous", "current", "reason", "actor_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    previous: _types_pb2.Ownership
    current: _types_pb2.Ownership
    reason: str
    actor_id: str
    def __init__(self, customer_id: _Optional[str] = ..., previous: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ..., current: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CustomerTagsChanged(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "added", "removed", "tags", "actor_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    added: _containers.RepeatedCompositeFieldContainer[_customer_pb2.CustomerTag]
    removed: _containers.RepeatedCompositeFieldContainer[_customer_pb2.CustomerTag]
    tags: _containers.RepeatedCompositeFieldContainer[_customer_pb2.CustomerTag]
    actor_id: str
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., added: _Optional[_Iterable[_Union[_customer_pb2.CustomerTag, _Mapping]]] = ..., removed: _Optional[_Iterable[_Union[_customer_pb2.CustomerTag, _Mapping]]] = ..., tags: _Optional[_Iterable[_Union[_customer_pb2.CustomerTag, _Mapping]]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CustomerValueClassChanged(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "previous", "current", "annual_contract_amount")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_CONTRACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    previous: _types_pb2.ValueClass
    current: _types_pb2.ValueClass
    annual_contract_amount: _types_pb2.Money
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., previous: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., current: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., annual_contract_amount: _Optional[_Union[_types_pb2.Money, _Mapping]] = ...) -> None: ...

class CustomerStageChanged(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "previous", "current", "reason", "actor_id", "change_time")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    previous: _types_pb2.LifecycleStage
    current: _types_pb2.LifecycleStage
    reason: str
    actor_id: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., previous: _Optional[_Union[_types_pb2.LifecycleStage, str]] = ..., current: _Optional[_Union[_types_pb2.LifecycleStage, str]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CustomerValueRecomputed(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "value")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    value: _customer_pb2.CustomerValue
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., value: _Optional[_Union[_customer_pb2.CustomerValue, _Mapping]] = ...) -> None: ...

class CustomerAtRisk(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "display_name", "value_class", "churn_risk")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_CLASS_FIELD_NUMBER: _ClassVar[int]
    CHURN_RISK_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    display_name: str
    value_class: _types_pb2.ValueClass
    churn_risk: _customer_pb2.ChurnRisk
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., display_name: _Optional[str] = ..., value_class: _Optional[_Union[_types_pb2.ValueClass, str]] = ..., churn_risk: _Optional[_Union[_customer_pb2.ChurnRisk, _Mapping]] = ...) -> None: ...

class CustomerRiskCleared(_message.Message):
    __slots__ = ("customer_id", "owner_id", "department_path", "reason")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    owner_id: str
    department_path: str
    reason: str
    def __init__(self, customer_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CustomerMerged(_message.Message):
    __slots__ = ("merge_id", "surviving_customer_id", "merged_customer_ids", "owner_id", "department_path", "actor_id", "customer")
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVING_CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    surviving_customer_id: str
    merged_customer_ids: _containers.RepeatedScalarFieldContainer[str]
    owner_id: str
    department_path: str
    actor_id: str
    customer: _customer_pb2.Customer
    def __init__(self, merge_id: _Optional[str] = ..., surviving_customer_id: _Optional[str] = ..., merged_customer_ids: _Optional[_Iterable[str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ..., actor_id: _Optional[str] = ..., customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ...) -> None: ...

class CustomerErased(_message.Message):
    __slots__ = ("erasure_request_id", "customer_id", "alias_customer_ids", "actor_id", "request_time")
    ERASURE_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ALIAS_CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_FIELD_NUMBER: _ClassVar[int]
    erasure_request_id: str
    customer_id: str
    alias_customer_ids: _containers.RepeatedScalarFieldContainer[str]
    actor_id: str
    request_time: _timestamp_pb2.Timestamp
    def __init__(self, erasure_request_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., alias_customer_ids: _Optional[_Iterable[str]] = ..., actor_id: _Optional[str] = ..., request_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CustomerHandedOver(_message.Message):
    __slots__ = ("handover_id", "previous", "current", "customer_ids", "reason", "actor_id")
    HANDOVER_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    handover_id: str
    previous: _types_pb2.Ownership
    current: _types_pb2.Ownership
    customer_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    actor_id: str
    def __init__(self, handover_id: _Optional[str] = ..., previous: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ..., current: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ..., customer_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CustomerCollaboratorAdded(_message.Message):
    __slots__ = ("customer_id", "collaborator", "ownership")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    COLLABORATOR_FIELD_NUMBER: _ClassVar[int]
    OWNERSHIP_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    collaborator: _collaborators_pb2.Collaborator
    ownership: _types_pb2.Ownership
    def __init__(self, customer_id: _Optional[str] = ..., collaborator: _Optional[_Union[_collaborators_pb2.Collaborator, _Mapping]] = ..., ownership: _Optional[_Union[_types_pb2.Ownership, _Mapping]] = ...) -> None: ...

class CustomerCollaboratorRemoved(_message.Message):
    __slots__ = ("customer_id", "user_id", "role", "actor_id")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    user_id: str
    role: _collaborators_pb2.CollaboratorRole
    actor_id: str
    def __init__(self, customer_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_collaborators_pb2.CollaboratorRole, str]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class CustomerConsentChanged(_message.Message):
    __slots__ = ("customer_id", "purpose", "state", "source", "change_time", "channel")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    purpose: _customer_pb2.ConsentPurpose
    state: _customer_pb2.ConsentState
    source: str
    change_time: _timestamp_pb2.Timestamp
    channel: _types_pb2.DeliveryChannel
    def __init__(self, customer_id: _Optional[str] = ..., purpose: _Optional[_Union[_customer_pb2.ConsentPurpose, str]] = ..., state: _Optional[_Union[_customer_pb2.ConsentState, str]] = ..., source: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[_types_pb2.DeliveryChannel, str]] = ...) -> None: ...

class ContactCreated(_message.Message):
    __slots__ = ("contact", "owner_id", "department_path")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    contact: _customer_pb2.Contact
    owner_id: str
    department_path: str
    def __init__(self, contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class ContactUpdated(_message.Message):
    __slots__ = ("contact", "changed_fields", "owner_id", "department_path")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    contact: _customer_pb2.Contact
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    owner_id: str
    department_path: str
    def __init__(self, contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ..., owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class ContactDeleted(_message.Message):
    __slots__ = ("contact_id", "customer_id")
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    contact_id: str
    customer_id: str
    def __init__(self, contact_id: _Optional[str] = ..., customer_id: _Optional[str] = ...) -> None: ...

class ApprovalRequested(_message.Message):
    __slots__ = ("approval_request", "actor_id")
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    actor_id: str
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ApprovalDecided(_message.Message):
    __slots__ = ("approval_request", "actor_id")
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    actor_id: str
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ..., actor_id: _Optional[str] = ...) -> None: ...

class ApprovalEscalated(_message.Message):
    __slots__ = ("approval_request",)
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ...) -> None: ...

class ApprovalReminderDue(_message.Message):
    __slots__ = ("approval_request",)
    APPROVAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    approval_request: _approvals_pb2.ApprovalRequest
    def __init__(self, approval_request: _Optional[_Union[_approvals_pb2.ApprovalRequest, _Mapping]] = ...) -> None: ...
