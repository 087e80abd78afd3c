import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ValueClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VALUE_CLASS_UNSPECIFIED: _ClassVar[ValueClass]
    VALUE_CLASS_A: _ClassVar[ValueClass]
    VALUE_CLASS_B: _ClassVar[ValueClass]
    VALUE_CLASS_C: _ClassVar[ValueClass]

class LifecycleStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LIFECYCLE_STAGE_UNSPECIFIED: _ClassVar[LifecycleStage]
    LIFECYCLE_STAGE_POTENTIAL: _ClassVar[LifecycleStage]
    LIFECYCLE_STAGE_INTENT: _ClassVar[LifecycleStage]
    LIFECYCLE_STAGE_CUSTOMER: _ClassVar[LifecycleStage]
    LIFECYCLE_STAGE_LOST: _ClassVar[LifecycleStage]

class SourceChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SOURCE_CHANNEL_UNSPECIFIED: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_WEBSITE_FORM: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_EXHIBITION: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_REFERRAL: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_PHONE: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_PARTNER: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_CAMPAIGN: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_E_COMMERCE: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_IMPORT: _ClassVar[SourceChannel]
    SOURCE_CHANNEL_OTHER: _ClassVar[SourceChannel]

class DeliveryChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_CHANNEL_UNSPECIFIED: _ClassVar[DeliveryChannel]
    DELIVERY_CHANNEL_IN_APP: _ClassVar[DeliveryChannel]
    DELIVERY_CHANNEL_EMAIL: _ClassVar[DeliveryChannel]
    DELIVERY_CHANNEL_SMS: _ClassVar[DeliveryChannel]
    DELIVERY_CHANNEL_WECHAT: _ClassVar[DeliveryChannel]
    DELIVERY_CHANNEL_WEBHOOK: _ClassVar[DeliveryChannel]

class TableFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TABLE_FORMAT_UNSPECIFIED: _ClassVar[TableFormat]
    TABLE_FORMAT_CSV: _ClassVar[TableFormat]
    TABLE_FORMAT_XLSX: _ClassVar[TableFormat]
VALUE_CLASS_UNSPECIFIED: ValueClass
VALUE_CLASS_A: ValueClass
VALUE_CLASS_B: ValueClass
VALUE_CLASS_C: ValueClass
LIFECYCLE_STAGE_UNSPECIFIED: LifecycleStage
LIFECYCLE_STAGE_POTENTIAL: LifecycleStage
LIFECYCLE_STAGE_INTENT: LifecycleStage
LIFECYCLE_STAGE_CUSTOMER: LifecycleStage
LIFECYCLE_STAGE_LOST: LifecycleStage
SOURCE_CHANNEL_UNSPECIFIED: SourceChannel
SOURCE_CHANNEL_WEBSITE_FORM: SourceChannel
SOURCE_CHANNEL_EXHIBITION: SourceChannel
SOURCE_CHANNEL_REFERRAL: SourceChannel
SOURCE_CHANNEL_PHONE: SourceChannel
SOURCE_CHANNEL_PARTNER: SourceChannel
SOURCE_CHANNEL_CAMPAIGN: SourceChannel
SOURCE_CHANNEL_E_COMMERCE: SourceChannel
SOURCE_CHANNEL_IMPORT: SourceChannel
SOURCE_CHANNEL_OTHER: SourceChannel
DELIVERY_CHANNEL_UNSPECIFIED: DeliveryChannel
DELIVERY_CHANNEL_IN_APP: DeliveryChannel
DELIVERY_CHANNEL_EMAIL: DeliveryChannel
DELIVERY_CHANNEL_SMS: DeliveryChannel
DELIVERY_CHANNEL_WECHAT: DeliveryChannel
DELIVERY_CHANNEL_WEBHOOK: DeliveryChannel
TABLE_FORMAT_UNSPECIFIED: TableFormat
TABLE_FORMAT_CSV: TableFormat
TABLE_FORMAT_XLSX: TableFormat

class Money(_message.Message):
    __slots__ = ("currency_code", "amount_minor")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    amount_minor: int
    def __init__(self, currency_code: _Optional[str] = ..., amount_minor: _Optional[int] = ...) -> None: ...

class AuditStamp(_message.Message):
    __slots__ = ("create_time", "created_by", "update_time", "updated_by")
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    create_time: _timestamp_pb2.Timestamp
    created_by: str
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    def __init__(self, create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ...) -> None: ...

class Ownership(_message.Message):
    __slots__ = ("owner_id", "department_path")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    department_path: str
    def __init__(self, owner_id: _Optional[str] = ..., department_path: _Optional[str] = ...) -> None: ...

class DateRange(_message.Message):
    __slots__ = ("start_date", "end_date")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    end_date: str
    def __init__(self, start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...
