from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MatchMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_MODE_UNSPECIFIED: _ClassVar[MatchMode]
    MATCH_MODE_ALL: _ClassVar[MatchMode]
    MATCH_MODE_ANY: _ClassVar[MatchMode]

class ConditionOperator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONDITION_OPERATOR_UNSPECIFIED: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_EQUALS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_NOT_EQUALS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_IN: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_NOT_IN: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_GREATER_THAN: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_LESS_THAN: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_BETWEEN: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_CONTAINS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_CONTAINS_ANY: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_CONTAINS_ALL: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_CONTAINS_NONE: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_EXISTS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_NOT_EXISTS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_WITHIN_LAST_DAYS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS: _ClassVar[ConditionOperator]
    CONDITION_OPERATOR_WITHIN_NEXT_DAYS: _ClassVar[ConditionOperator]
MATCH_MODE_UNSPECIFIED: MatchMode
MATCH_MODE_ALL: MatchMode
MATCH_MODE_ANY: MatchMode
CONDITION_OPERATOR_UNSPECIFIED: ConditionOperator
CONDITION_OPERATOR_EQUALS: ConditionOperator
CONDITION_OPERATOR_NOT_EQUALS: ConditionOperator
CONDITION_OPERATOR_IN: ConditionOperator
CONDITION_OPERATOR_NOT_IN: ConditionOperator
CONDITION_OPERATOR_GREATER_THAN: ConditionOperator
CONDITION_OPERATOR_GREATER_THAN_OR_EQUAL: ConditionOperator
CONDITION_OPERATOR_LESS_THAN: ConditionOperator
CONDITION_OPERATOR_LESS_THAN_OR_EQUAL: ConditionOperator
CONDITION_OPERATOR_BETWEEN: ConditionOperator
CONDITION_OPERATOR_CONTAINS: ConditionOperator
CONDITION_OPERATOR_CONTAINS_ANY: ConditionOperator
CONDITION_OPERATOR_CONTAINS_ALL: ConditionOperator
CONDITION_OPERATOR_CONTAINS_NONE: ConditionOperator
CONDITION_OPERATOR_EXISTS: ConditionOperator
CONDITION_OPERATOR_NOT_EXISTS: ConditionOperator
CONDITION_OPERATOR_WITHIN_LAST_DAYS: ConditionOperator
CONDITION_OPERATOR_NOT_WITHIN_LAST_DAYS: ConditionOperator
CONDITION_OPERATOR_WITHIN_NEXT_DAYS: ConditionOperator

class Condition(_message.Message):
    __slots__ = ("field", "operator", "values")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    field: str
    operator: ConditionOperator
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, field: _Optional[str] = ..., operator: _Optional[_Union[ConditionOperator, str]] = ..., values: _Optional[_Iterable[str]] = ...) -> None: ...

class ConditionGroup(_message.Message):
    __slots__ = ("match", "conditions", "groups")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    match: MatchMode
    conditions: _containers.RepeatedCompositeFieldContainer[Condition]
    groups: _containers.RepeatedCompositeFieldContainer[ConditionGroup]
    def __init__(self, match: _Optional[_Union[MatchMode, str]] = ..., conditions: _Optional[_Iterable[_Union[Condition, _Mapping]]] = ..., groups: _Optional[_Iterable[_Union[ConditionGroup, _Mapping]]] = ...) -> None: ...
