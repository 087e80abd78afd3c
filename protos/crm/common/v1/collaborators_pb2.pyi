import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CollaboratorRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLLABORATOR_ROLE_UNSPECIFIED: _ClassVar[CollaboratorRole]
    COLLABORATOR_ROLE_CO_OWNER: _ClassVar[CollaboratorRole]
    COLLABORATOR_ROLE_TECHNICAL_SUPPORT: _ClassVar[CollaboratorRole]
    COLLABORATOR_ROLE_SERVICE: _ClassVar[CollaboratorRole]
COLLABORATOR_ROLE_UNSPECIFIED: CollaboratorRole
COLLABORATOR_ROLE_CO_OWNER: CollaboratorRole
COLLABORATOR_ROLE_TECHNICAL_SUPPORT: CollaboratorRole
COLLABORATOR_ROLE_SERVICE: CollaboratorRole

class Collaborator(_message.Message):
    __slots__ = ("user_id", "role", "added_by", "add_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    ADDED_BY_FIELD_NUMBER: _ClassVar[int]
    ADD_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    role: CollaboratorRole
    added_by: str
    add_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., role: _Optional[_Union[CollaboratorRole, str]] = ..., added_by: _Optional[str] = ..., add_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
