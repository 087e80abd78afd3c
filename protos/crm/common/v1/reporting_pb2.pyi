import datetime

from crm.common.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TimeGranularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIME_GRANULARITY_UNSPECIFIED: _ClassVar[TimeGranularity]
    TIME_GRANULARITY_DAY: _ClassVar[TimeGranularity]
    TIME_GRANULARITY_WEEK: _ClassVar[TimeGranularity]
    TIME_GRANULARITY_MONTH: _ClassVar[TimeGranularity]
    TIME_GRANULARITY_QUARTER: _ClassVar[TimeGranularity]
    TIME_GRANULARITY_YEAR: _ClassVar[TimeGranularity]
TIME_GRANULARITY_UNSPECIFIED: TimeGranularity
TIME_GRANULARITY_DAY: TimeGranularity
TIME_GRANULARITY_WEEK: TimeGranularity
TIME_GRANULARITY_MONTH: TimeGranularity
TIME_GRANULARITY_QUARTER: TimeGranularity
TIME_GRANULARITY_YEAR: TimeGranularity

class Kpi(_message.Message):
    __slots__ = ("key", "display_name", "value", "previous_value", "target", "unit", "higher_is_better", "sample_size")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VALUE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    HIGHER_IS_BETTER_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    key: str
    display_name: str
    value: float
    previous_value: float
    target: float
    unit: str
    higher_is_better: bool
    sample_size: int
    def __init__(self, key: _Optional[str] = ..., display_name: _Optional[str] = ..., value: _Optional[float] = ..., previous_value: _Optional[float] = ..., target: _Optional[float] = ..., unit: _Optional[str] = ..., higher_is_better: _Optional[bool] = ..., sample_size: _Optional[int] = ...) -> None: ...

class KpiGroup(_message.Message):
    __slots__ = ("key", "display_name", "kpis")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KPIS_FIELD_NUMBER: _ClassVar[int]
    key: str
    display_name: str
    kpis: _containers.RepeatedCompositeFieldContainer[Kpi]
    def __init__(self, key: _Optional[str] = ..., display_name: _Optional[str] = ..., kpis: _Optional[_Iterable[_Union[Kpi, _Mapping]]] = ...) -> None: ...

class KpiReport(_message.Message):
    __slots__ = ("period", "previous_period", "department_path", "kpis", "groups", "compute_time", "source_service")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PERIOD_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_PATH_FIELD_NUMBER: _ClassVar[int]
    KPIS_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    period: _types_pb2.DateRange
    previous_period: _types_pb2.DateRange
    department_path: str
    kpis: _containers.RepeatedCompositeFieldContainer[Kpi]
    groups: _containers.RepeatedCompositeFieldContainer[KpiGroup]
    compute_time: _timestamp_pb2.Timestamp
    source_service: str
    def __init__(self, period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., previous_period: _Optional[_Union[_types_pb2.DateRange, _Mapping]] = ..., department_path: _Optional[str] = ..., kpis: _Optional[_Iterable[_Union[Kpi, _Mapping]]] = ..., groups: _Optional[_Iterable[_Union[KpiGroup, _Mapping]]] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_service: _Optional[str] = ...) -> None: ...
