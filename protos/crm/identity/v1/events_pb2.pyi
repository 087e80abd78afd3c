import datetime

from crm.common.v1 import options_pb2 as _options_pb2
from crm.identity.v1 import identity_pb2 as _identity_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserUpserted(_message.Message):
    __slots__ = ("user_id", "username", "display_name", "email", "phone", "department_path", "roles", "data_scope", "locale", "active", "is_department_lead", "time_zone", "job_title", "manager_id", "previous_department_path", "revision", "update_time", "service_account", "email_masked", "phone_masked", "email_sealed", "phone_sealed")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    DATA_SCOPE_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    IS_DEPARTMENT_LEAD_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    JOB_TITLE_FIELD_NUMBER: _ClassVar[int]
    MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_MASKED_FIELD_NUMBER: _ClassVar[int]
    PHONE_MASKED_FIELD_NUMBER: _ClassVar[int]
    EMAIL_SEALED_FIELD_NUMBER: _ClassVar[int]
    PHONE_SEALED_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    username: str
    display_name: str
    email: str
    phone: str
    department_path: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    data_scope: _identity_pb2.DataScope
    locale: str
    active: bool
    is_department_lead: bool
    time_zone: str
    job_title: str
    manager_id: str
    previous_department_path: str
    revision: int
    update_time: _timestamp_pb2.Timestamp
    service_account: bool
    email_masked: str
    phone_masked: str
    email_sealed: _identity_pb2.SealedValue
    phone_sealed: _identity_pb2.SealedValue
    def __init__(self, user_id: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., department_path: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., data_scope: _Optional[_Union[_identity_pb2.DataScope, str]] = ..., locale: _Optional[str] = ..., active: _Optional[bool] = ..., is_department_lead: _Optional[bool] = ..., time_zone: _Optional[str] = ..., job_title: _Optional[str] = ..., manager_id: _Optional[str] = ..., previous_department_path: _Optional[str] = ..., revision: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service_account: _Optional[bool] = ..., email_masked: _Optional[str] = ..., phone_masked: _Optional[str] = ..., email_sealed: _Optional[_Union[_identity_pb2.SealedValue, _Mapping]] = ..., phone_sealed: _Optional[_Union[_identity_pb2.SealedValue, _Mapping]] = ...) -> None: ...

class UserDisabled(_message.Message):
    __slots__ = ("user_id", "department_path", "successor_user_id", "reason", "disable_time", "actor_id", "revision")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DISABLE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    department_path: str
    successor_user_id: str
    reason: str
    disable_time: _timestamp_pb2.Timestamp
    actor_id: str
    revision: int
    def __init__(self, user_id: _Optional[str] = ..., department_path: _Optional[str] = ..., successor_user_id: _Optional[str] = ..., reason: _Optional[str] = ..., disable_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor_id: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class DepartmentUpserted(_message.Message):
    __slots__ = ("path", "name", "lead_user_id", "parent_path", "active", "revision", "update_time")
    PATH_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEAD_USER_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    path: str
    name: str
    lead_user_id: str
    parent_path: str
    active: bool
    revision: int
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, path: _Optional[str] = ..., name: _Optional[str] = ..., lead_user_id: _Optional[str] = ..., parent_path: _Optional[str] = ..., active: _Optional[bool] = ..., revision: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
