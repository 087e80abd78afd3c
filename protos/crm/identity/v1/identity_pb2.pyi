from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class DataScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_SCOPE_UNSPECIFIED: _ClassVar[DataScope]
    DATA_SCOPE_OWN: _ClassVar[DataScope]
    DATA_SCOPE_DEPARTMENT: _ClassVar[DataScope]
    DATA_SCOPE_ALL: _ClassVar[DataScope]
DATA_SCOPE_UNSPECIFIED: DataScope
DATA_SCOPE_OWN: DataScope
DATA_SCOPE_DEPARTMENT: DataScope
DATA_SCOPE_ALL: DataScope
