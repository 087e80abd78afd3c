import datetime

from crm.common.v1 import types_pb2 as _types_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PersonalDataExport(_message.Message):
    __slots__ = ("customer_id", "source_service", "generate_time", "records")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    GENERATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    source_service: str
    generate_time: _timestamp_pb2.Timestamp
    records: _containers.RepeatedCompositeFieldContainer[PersonalDataRecord]
    def __init__(self, customer_id: _Optional[str] = ..., source_service: _Optional[str] = ..., generate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., records: _Optional[_Iterable[_Union[PersonalDataRecord, _Mapping]]] = ...) -> None: ...

class PersonalDataRecord(_message.Message):
    __slots__ = ("resource_type", "resource_id", "audit", "data")
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    resource_type: str
    resource_id: str
    audit: _types_pb2.AuditStamp
    data: _struct_pb2.Struct
    def __init__(self, resource_type: _Optional[str] = ..., resource_id: _Optional[str] = ..., audit: _Optional[_Union[_types_pb2.AuditStamp, _Mapping]] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
